/**
 * Watch mode: the game's teacher (TensorFlow.js, loaded only now, with a dynamic import) and one of
 * its students (the plain runtime) play side by side in two games given the same seed, each with
 * its decision overlay. The student is chosen from the files the game ships.
 */
import type Phaser from 'phaser';
import { saliency, type Policy, type StudentPolicy } from 'phaser-distill';
import { loadLadderFile, loadStudent, studentFiles } from './assets.js';
import { everyFrame, frameStats, sceneOf, seedMatches, type GameDef, type Page } from './game-page.js';
import { DecisionOverlay } from './overlay.js';

export interface WatchSetup {
  teacher: { game: Phaser.Game; scene: Phaser.Scene; overlay: DecisionOverlay; backend: string };
  student: { game: Phaser.Game; scene: Phaser.Scene; overlay: DecisionOverlay; file: string };
  /** Swaps the student for another shipped file; the match goes on. */
  setStudent(file: string): Promise<void>;
}

export async function startWatch(def: GameDef, host: HTMLElement, select: HTMLSelectElement, seed: number, status: (text: string) => void): Promise<WatchSetup> {
  const files = studentFiles(def.id);
  select.replaceChildren(...files.map((f) => new Option(f.replace(/\.json$/, ''), f)));
  // The default student is the one the ladder's strongest level plays.
  const ladder = await loadLadderFile(def.id);
  let file = ladder.levels[ladder.levels.length - 1]!.policy;
  select.value = file;

  status('loading TensorFlow.js and the teacher...');
  const { loadShippedTeacher } = await import('./teacher-loader.js');
  const { driver, backend } = await loadShippedTeacher(def.id);
  status(`teacher on TensorFlow.js (${backend}), student on the plain runtime, same seed ${seed}`);

  const side = (name: string) => host.querySelector<HTMLElement>(`.${name}`)!;
  const teacherGame = def.create(side('teacher').querySelector<HTMLElement>('.canvas')!);
  const studentGame = def.create(side('student').querySelector<HTMLElement>('.canvas')!);
  const teacherOverlay = new DecisionOverlay(side('teacher').querySelector<HTMLElement>('.panels')!, 'teacher (TensorFlow.js)', def);
  const studentOverlay = new DecisionOverlay(side('student').querySelector<HTMLElement>('.panels')!, 'student (plain runtime)', def);
  teacherOverlay.explainer = { probabilities: (o) => driver.probabilities(o), saliency: (o) => driver.saliency(o) };
  const [teacherScene, studentScene] = await Promise.all([sceneOf(teacherGame, def.sceneKey), sceneOf(studentGame, def.sceneKey)]);
  // Where `agent` is a behaviour of several agents, all play the policy and the overlay taps one, named.
  const drive = (scene: Phaser.Scene, overlay: DecisionOverlay, policy: Policy) => {
    if (!def.explained) return scene.ai.use(def.agent, overlay.tap(policy));
    scene.ai.use(def.agent, policy);
    scene.ai.use(def.explained, overlay.tap(policy));
    overlay.subject(def.explained, `explains ${def.explained}, one of the agents of '${def.agent}'`);
  };
  drive(teacherScene, teacherOverlay, driver);

  let student: StudentPolicy;
  const setStudent = async (next: string) => {
    student = await loadStudent(def.id, next);
    file = next;
    select.value = next;
    drive(studentScene, studentOverlay, student);
    studentOverlay.explainer = { probabilities: (o) => student.probabilities(o), saliency: (o) => saliency(student, o) };
    result.student.file = next;
  };
  select.onchange = () => {
    const previous = file;
    setStudent(select.value).catch((e: Error) => {
      select.value = previous;
      status(`could not load that student (${e.message}); still playing ${previous.replace(/\.json$/, '')}`);
    });
  };

  const result: WatchSetup = {
    teacher: { game: teacherGame, scene: teacherScene, overlay: teacherOverlay, backend },
    student: { game: studentGame, scene: studentScene, overlay: studentOverlay, file },
    setStudent,
  };
  await setStudent(file);
  seedMatches(teacherScene, def.agent, seed);
  seedMatches(studentScene, def.agent, seed);
  everyFrame(() => {
    teacherOverlay.render();
    studentOverlay.render();
  });
  return result;
}

/** A page's watch mode: teacher and student of `def`, from the seed in `&seed=` (else `seed`), with its hooks. */
export function watchMode(def: GameDef, page: Page, seed = 1): () => Promise<void> {
  return async () => {
    const setup = await startWatch(def, page.$('watch'), page.$('student'), Number(page.params.get('seed') ?? seed), page.status);
    Object.assign(page.hooks, watchHooks(setup));
  };
}

/** The watch mode's `window.<game>` hooks for tests. */
export function watchHooks(setup: WatchSetup): Record<string, unknown> {
  const { teacher, student } = setup;
  return {
    teacher: { scene: () => teacher.scene, overlay: () => teacher.overlay.view, backend: teacher.backend, frameStats: () => frameStats(teacher.game) },
    student: { scene: () => student.scene, overlay: () => student.overlay.view, file: () => student.file, frameStats: () => frameStats(student.game) },
    ready: true,
  };
}
