/**
 * The shipped files a game page plays with, found by Vite's glob so a page works with whatever a
 * game ships: its difficulty ladder and students (plain runtime, no TensorFlow.js). Each file is
 * its own lazily loaded chunk, so a page downloads only the students its ladder names.
 */
import { decodeLadderFile, loadStudentPolicy, type LadderFile, type StudentPolicy } from 'phaser-distill';

const policyFiles = import.meta.glob<unknown>('../../assets/policies/*/*.json', { import: 'default' });

function key(game: string, file: string): string {
  return `../../assets/policies/${game}/${file}`;
}

/** The student files a game ships, by file name: every ladder file (ladder.json, ladder-elo.json, ...) left out. */
export function studentFiles(game: string): string[] {
  const prefix = key(game, '');
  return Object.keys(policyFiles)
    .filter((k) => k.startsWith(prefix) && !/\/ladder[^/]*\.json$/.test(k))
    .map((k) => k.slice(prefix.length))
    .sort();
}

async function loadJson(game: string, file: string): Promise<unknown> {
  const load = policyFiles[key(game, file)];
  if (!load) throw new Error(`${game}: no shipped file assets/policies/${game}/${file} (shipped: ${studentFiles(game).join(', ') || 'none'})`);
  return load();
}

export async function loadStudent(game: string, file: string): Promise<StudentPolicy> {
  return loadStudentPolicy(await loadJson(game, file), { source: `assets/policies/${game}/${file}` });
}

export interface LoadedLadder {
  ladder: LadderFile;
  /** One StudentPolicy per file the levels name: levels sharing a file share its policy. */
  students: Record<string, StudentPolicy>;
}

/** The game's ladder file alone. */
export async function loadLadderFile(game: string): Promise<LadderFile> {
  return decodeLadderFile(await loadJson(game, 'ladder.json'), `assets/policies/${game}/ladder.json`);
}

/** The game's ladder and every student its levels name (to play, or to blend in as `weaker`). */
export async function loadLadder(game: string): Promise<LoadedLadder> {
  const ladder = await loadLadderFile(game);
  const files = [...new Set(ladder.levels.flatMap((l) => (l.weaker === undefined ? [l.policy] : [l.policy, l.weaker])))];
  const loaded = await Promise.all(files.map((file) => loadStudent(game, file)));
  // Each file draws its own noise: a level blending two students must not sample both alike.
  loaded.forEach((policy, i) => policy.reseed(i + 1));
  return { ladder, students: Object.fromEntries(files.map((file, i) => [file, loaded[i]!])) };
}
