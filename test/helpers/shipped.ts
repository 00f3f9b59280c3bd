/** The shipped policies of a game (assets/policies/<game>/), as the game tests check them. */
import { readFileSync } from 'node:fs';
import { decodeLadderFile, loadStudentPolicy, type StudentPolicy } from 'phaser-distill/node';
import { expect } from 'vitest';

export function loadShipped(game: string, file: string): StudentPolicy {
  return loadStudentPolicy(JSON.parse(readFileSync(`assets/policies/${game}/${file}`, 'utf8')), { source: `${game}/${file}` });
}

/** The game's ladder: every policy it names (played or blended in) loads, and its levels are strictly ordered. */
export function expectShippedLadder(game: string): ReturnType<typeof decodeLadderFile> {
  const ladder = decodeLadderFile(JSON.parse(readFileSync(`assets/policies/${game}/ladder.json`, 'utf8')));
  for (const level of ladder.levels) {
    loadShipped(game, level.policy);
    if (level.weaker) loadShipped(game, level.weaker);
  }
  const strengths = ladder.levels.map((l) => l.strength!);
  strengths.forEach((s, i) => i > 0 && expect(s.low, ladder.levels[i]!.name).toBeGreaterThan(strengths[i - 1]!.high));
  return ladder;
}
