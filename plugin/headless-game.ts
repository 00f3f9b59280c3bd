/**
 * The headless host: one Phaser.HEADLESS game in Node holding N instances of a scene class, stepped
 * by hand with a constant dt and never by the wall clock. Many scenes in one game beat many games
 * (one scene manager, one game step for all), and the game's own loop is stopped once it is ready.
 *
 * Determinism: Arcade physics runs with a fixed step of exactly one physics step per frame; every
 * scene gets its own Phaser RandomDataGenerator, swapped in as `Phaser.Math.RND` whenever that
 * scene starts or steps and seeded with the episode seed; `Math.random` is guarded (see
 * random-guard.ts). So an env's episode depends on its seed and actions only, not on its
 * neighbours.
 */
import Phaser from 'phaser';
import { Rng } from '../src/env/index.js';
import { DistillPlugin, distillPluginEntry } from './plugin.js';
import { guardMathRandom, useRandomSource, type MathRandomMode } from './random-guard.js';
import { SceneEnv, SceneVectorEnv, type SceneRunner } from './scene-env.js';

export interface HeadlessGameOptions {
  /** The user's scene class; `instances` copies are made, each with its own key. */
  scene: new () => Phaser.Scene;
  /** Scenes in the game: one per environment. Default 1. */
  instances?: number;
  /** The game size the scene expects. Default 800 x 600. */
  width?: number;
  height?: number;
  /** Frames per second of game time: dt = 1000 / fps, and Arcade's fixed step. Default 60. */
  fps?: number;
  /** Extra physics settings, merged over the host's (Arcade, fixed step at `fps`). */
  physics?: Phaser.Types.Core.PhysicsConfig;
  /** What Math.random does while the game steps. Default 'seeded'. */
  mathRandom?: MathRandomMode;
  /** Seeds the scenes' first episodes (before any env reset). Default 0. */
  seed?: number;
}

type RandomDataGenerator = Phaser.Math.RandomDataGenerator;
const PhaserMath = Phaser.Math as unknown as { RND: RandomDataGenerator };

export class HeadlessGame implements SceneRunner {
  readonly numScenes: number;
  readonly scenes: Phaser.Scene[] = [];
  /** Frame time in ms, constant. */
  readonly dt: number;
  /** Game time in ms: frames * dt. */
  time = 0;
  frames = 0;
  private readonly plugins: DistillPlugin[] = [];
  private readonly rnds: RandomDataGenerator[] = [];
  private readonly mathRngs: Rng[] = [];
  private readonly hostRng: Rng;
  private readonly mode: MathRandomMode;
  private unguard: (() => void) | null = null;
  private destroyed = false;

  /** Boots the game and starts every scene; resolves once their `create` has run. */
  static async create(options: HeadlessGameOptions): Promise<HeadlessGame> {
    const host = new HeadlessGame(options);
    await host.booted;
    return host;
  }

  readonly game: Phaser.Game;
  private readonly booted: Promise<void>;

  private constructor(private readonly options: HeadlessGameOptions) {
    const n = options.instances ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`HeadlessGame: instances must be a positive integer, got ${String(options.instances)}`);
    if (typeof options.scene !== 'function') throw new Error('HeadlessGame: options.scene must be a scene class (a subclass of Phaser.Scene)');
    this.numScenes = n;
    const fps = options.fps ?? 60;
    this.dt = 1000 / fps;
    this.mode = options.mathRandom ?? 'seeded';
    this.hostRng = new Rng((options.seed ?? 0) ^ 0x5eed);
    const arcade = { fixedStep: true, fps, ...(options.physics?.arcade ?? {}) };
    this.game = new Phaser.Game({
      type: Phaser.HEADLESS,
      width: options.width ?? 800,
      height: options.height ?? 600,
      banner: false,
      audio: { noAudio: true },
      // Fixed seed: the default is drawn from Date.now() and Math.random().
      seed: ['phaser-distill'],
      fps: { target: fps },
      physics: { default: 'arcade', ...options.physics, arcade },
      plugins: { scene: [distillPluginEntry] },
      scene: [],
    });
    this.booted = new Promise<void>((resolve, reject) => {
      this.game.events.once(Phaser.Core.Events.READY, () => {
        // The loop has started a timer for its first tick; stop it before it ever runs.
        queueMicrotask(() => {
          try {
            this.game.loop.stop();
            this.start();
            resolve();
          } catch (e) {
            reject(e as Error);
          }
        });
      });
    });
  }

  private start(): void {
    if (this.mode !== 'allow') this.unguard = guardMathRandom();
    this.syncLoop();
    const seeds = new Rng(this.options.seed ?? 0);
    for (let i = 0; i < this.numScenes; i++) {
      const scene = new this.options.scene();
      // Scene classes often fix their key in super(); each copy needs its own.
      const key = `${scene.sys.settings.key || this.options.scene.name || 'scene'}#${i}`;
      scene.sys.settings.key = key;
      this.game.scene.add(key, scene, false);
      const plugin = DistillPlugin.of(scene);
      if (!plugin) throw new Error('HeadlessGame: the scene has no DistillPlugin; was the scene class built for another Phaser?');
      this.scenes.push(scene);
      this.plugins.push(plugin);
      this.rnds.push(new Phaser.Math.RandomDataGenerator(['0']));
      this.mathRngs.push(new Rng(0));
      // Registered after the plugin's START listener, so the episode seed is known here; and
      // before any PRE_UPDATE listener of the scene's own code.
      scene.sys.events.on(Phaser.Scenes.Events.START, () => this.beginEpisode(i));
      scene.sys.events.on(Phaser.Scenes.Events.PRE_UPDATE, () => this.enter(i));
      plugin.nextSeed = seeds.uint32();
      this.game.scene.start(key);
    }
    this.leave();
  }

  private beginEpisode(i: number): void {
    const seed = this.plugins[i]!.episodeSeed;
    this.rnds[i]!.sow([String(seed)]);
    this.mathRngs[i]!.seed(seed ^ 0x9e3779b9);
    this.enter(i);
  }

  private enter(i: number): void {
    PhaserMath.RND = this.rnds[i]!;
    useRandomSource(this.mathRngs[i]!, this.mode);
  }

  private leave(): void {
    useRandomSource(this.hostRng, this.mode);
  }

  plugin(i: number): DistillPlugin {
    const p = this.plugins[i];
    if (!p) throw new Error(`HeadlessGame: no scene ${i} (the game has ${this.numScenes})`);
    return p;
  }

  restart(i: number, seed: number): void {
    this.assertAlive();
    const plugin = this.plugin(i);
    plugin.nextSeed = seed >>> 0;
    this.syncLoop();
    // Outside a game step the scene manager restarts at once: shutdown, start, init, create.
    this.game.scene.start(this.scenes[i]!.sys.settings.key);
    this.leave();
  }

  frame(): void {
    this.assertAlive();
    this.time += this.dt;
    this.frames += 1;
    this.syncLoop();
    this.game.headlessStep(this.time, this.dt);
    this.leave();
  }

  /**
   * The stopped loop still holds the wall-clock time of boot, and a scene's clock starts from
   * `loop.time` on every restart: keep the loop on game time so scene clocks never jump.
   */
  private syncLoop(): void {
    const loop = this.game.loop as unknown as { time: number; now: number; delta: number; rawDelta: number; frame: number };
    loop.time = this.time;
    loop.now = this.time;
    loop.delta = this.dt;
    loop.rawDelta = this.dt;
    loop.frame = this.frames;
  }

  /** Agent `name` of scene `index` as an Env. */
  env(name: string, index = 0): SceneEnv {
    return new SceneEnv(this, name, index);
  }

  /** Agent `name` of every scene as one vector env; closing it destroys the game if `owned`. */
  vectorEnv(name: string, owned = false): SceneVectorEnv {
    return new SceneVectorEnv(this, name, owned ? () => this.destroy() : undefined);
  }

  /** Tears the game down (scenes, plugins, textures, the loop) and gives Math.random back. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.game.destroy(true);
    // headlessStep would call runDestroy on the next frame; there is no next frame.
    (this.game as unknown as { runDestroy(): void }).runDestroy();
    this.scenes.length = 0;
    this.plugins.length = 0;
    this.unguard?.();
    this.unguard = null;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error('HeadlessGame: the game was destroyed');
  }
}

export interface SceneVectorEnvOptions extends HeadlessGameOptions {
  /** The agent to train. */
  agent: string;
}

/** Boots a headless game of `instances` scenes and returns agent `agent` of all as a vector env; `close()` destroys the game. */
export async function createSceneVectorEnv(options: SceneVectorEnvOptions): Promise<SceneVectorEnv> {
  const host = await HeadlessGame.create(options);
  try {
    return host.vectorEnv(options.agent, true);
  } catch (e) {
    host.destroy();
    throw e;
  }
}
