/**
 * The headless host: one Phaser.HEADLESS game in Node holding N instances of a scene class, stepped
 * by hand with a constant dt and never by the wall clock. Many scenes in one game beat many games
 * (one scene manager, one game step for all), and the game's own loop is stopped once it is ready.
 *
 * Determinism: each frame is one simulation step of the plugin (Arcade physics included) unless
 * `frameRate` says otherwise; every scene gets its own Phaser RandomDataGenerator, swapped in as
 * `Phaser.Math.RND` whenever that scene starts or steps and seeded with the episode seed;
 * `Math.random` is guarded (see random-guard.ts). So an env's episode depends on its seed and
 * actions only, not on its neighbours.
 */
import type Phaser from 'phaser';
import { Rng } from '../src/env/index.js';
import { AgentError, type Driver } from './agent.js';
import { phaserConfig, stepRateOf, type GameDef } from './game.js';
import { DistillPlugin } from './plugin.js';
import { nullRenderer } from './null-renderer.js';
import { guardMathRandom, useRandomSource, type MathRandomMode } from './random-guard.js';
import { SceneEnv, SceneVectorEnv, type SceneRunner } from './scene-env.js';

export interface HeadlessGameOptions {
  /** The game: its scene class, size, step rate and physics (see defineGame). */
  game: GameDef;
  /** Scenes in the game: one per environment. Default 1. */
  instances?: number;
  /**
   * Frames per second of game time: each frame advances dt = 1000 / frameRate ms. Default the
   * game's step rate, one simulation step per frame, as training needs; another rate plays the
   * game as a display of that rate would.
   */
  frameRate?: number;
  /** What Math.random does while the game steps. Default 'seeded'. */
  mathRandom?: MathRandomMode;
  /** Seeds the scenes' first episodes (before any env reset). Default 0. */
  seed?: number;
}

type RandomDataGenerator = Phaser.Math.RandomDataGenerator;

/**
 * Phaser, loaded on the first boot rather than at import: Phaser reads browser globals as it loads
 * (phaser-distill/node sets them up first), and a bundler hoists a static import above them.
 */
async function loadPhaser(): Promise<typeof Phaser> {
  return ((await import('phaser')) as unknown as { default: typeof Phaser }).default;
}

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
    const host = new HeadlessGame(await loadPhaser(), options);
    await host.booted;
    return host;
  }

  readonly game: Phaser.Game;
  /** Simulation steps per second, the game's. */
  readonly stepRate: number;
  private readonly booted: Promise<void>;

  private constructor(private readonly phaser: typeof Phaser, private readonly options: HeadlessGameOptions) {
    const n = options.instances ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`HeadlessGame: instances must be a positive integer, got ${String(options.instances)}`);
    if (typeof options.game !== 'object' || options.game === null || typeof options.game.scene !== 'function') {
      throw new Error('HeadlessGame: options.game must be a game description { scene, width?, height?, stepRate?, physics? } whose scene is a scene class');
    }
    this.numScenes = n;
    this.stepRate = stepRateOf(options.game);
    const frameRate = options.frameRate ?? this.stepRate;
    if (!(Number.isFinite(frameRate) && frameRate > 0)) throw new Error(`HeadlessGame: frameRate must be a positive number, got ${String(options.frameRate)}`);
    this.dt = 1000 / frameRate;
    this.mode = options.mathRandom ?? 'seeded';
    this.hostRng = new Rng((options.seed ?? 0) ^ 0x5eed);
    const config = phaserConfig(options.game, {
      type: phaser.HEADLESS,
      banner: false,
      audio: { noAudio: true },
      // Fixed seed: the default is drawn from Date.now() and Math.random().
      seed: ['phaser-distill'],
      fps: { target: frameRate },
    });
    // The host adds one copy of the scene per environment itself.
    this.game = new phaser.Game({ ...config, scene: [] });
    this.booted = new Promise<void>((resolve, reject) => {
      this.game.events.once(phaser.Core.Events.READY, () => {
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
    // Textures made at run time (canvas textures, generateTexture, render textures) need a renderer.
    (this.game as { renderer: unknown }).renderer = nullRenderer(this.phaser);
    if (this.mode !== 'allow') this.unguard = guardMathRandom();
    this.syncLoop();
    const seeds = new Rng(this.options.seed ?? 0);
    const Scene = this.options.game.scene;
    const phaser = this.phaser;
    for (let i = 0; i < this.numScenes; i++) {
      const scene = new Scene();
      // Scene classes often fix their key in super(); each copy needs its own.
      const key = `${scene.sys.settings.key || Scene.name || 'scene'}#${i}`;
      scene.sys.settings.key = key;
      this.game.scene.add(key, scene, false);
      const plugin = DistillPlugin.of(scene);
      if (!plugin) throw new Error('HeadlessGame: the scene has no DistillPlugin; was the scene class built for another Phaser?');
      this.scenes.push(scene);
      this.plugins.push(plugin);
      this.rnds.push(new phaser.Math.RandomDataGenerator(['0']));
      this.mathRngs.push(new Rng(0));
      // Registered after the plugin's START listener, so the episode seed is known here; and
      // before any PRE_UPDATE listener of the scene's own code.
      scene.sys.events.on(phaser.Scenes.Events.START, () => this.beginEpisode(i));
      scene.sys.events.on(phaser.Scenes.Events.PRE_UPDATE, () => this.enter(i));
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
    (this.phaser.Math as unknown as { RND: RandomDataGenerator }).RND = this.rnds[i]!;
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

  /** Agent `name` (default: the game's agent) of scene `index` as an Env. */
  env(name?: string, index = 0): SceneEnv {
    this.assertOneStepPerFrame();
    return new SceneEnv(this, this.agentName(name), index);
  }

  /**
   * Agent `name` (default: the game's agent) of every scene as one vector env; closing it destroys
   * the game if `owned`. `opponent` (default: the game's `opponent`) is the agent on the other
   * side, which the env hands to self-play; null hands none.
   */
  vectorEnv(name?: string, owned = false, opponent?: string | null): SceneVectorEnv {
    this.assertOneStepPerFrame();
    const agent = this.agentName(name);
    // The game's opponent is the other side of the game's agent only: an env of another agent hands over none unless told.
    const other = opponent === undefined ? (agent === (this.options.game.agent ?? agent) ? this.options.game.opponent : undefined) : (opponent ?? undefined);
    return new SceneVectorEnv(this, agent, owned ? () => this.destroy() : undefined, other, this.options.game.agentsPerScene ?? 1);
  }

  /** `name`, or the game's agent, or the one behaviour the scene declares (a lone agent's name is its behaviour). */
  private agentName(name: string | undefined): string {
    const chosen = name ?? this.options.game.agent;
    if (chosen !== undefined) return chosen;
    const plugin = this.plugin(0);
    const declared = [...new Set(plugin.names().map((n) => plugin.get(n)!.behavior))];
    if (declared.length === 1) return declared[0]!;
    throw new AgentError(`HeadlessGame: which agent? The scene declares ${declared.length ? declared.map((d) => `'${d}'`).join(', ') : 'none'}; name it in the game description (agent: '...') or when making the env`);
  }

  /** An env's decision is a whole number of frames: one step each. */
  private assertOneStepPerFrame(): void {
    if (Math.abs(this.dt * this.stepRate - 1000) > 1e-9) throw new Error(`HeadlessGame: an env needs one simulation step per frame; this host runs ${(1000 / this.dt).toFixed(2)} frames a second for ${this.stepRate} steps (leave frameRate unset)`);
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

export interface SceneVectorEnvOptions {
  /** Scenes in the game, each `agentsPerScene` envs (the game's; one by default). Give this or `envs`. */
  instances?: number;
  /**
   * Envs (slots) in all: an env module passes its `numEnvs`, and the host boots
   * `envs / agentsPerScene` scenes (it must divide). Give this or `instances`.
   */
  envs?: number;
  /** The agent to train. Default: the game's `agent`, or the scene's only agent. */
  agent?: string;
  /** The agent on the other side, for self-play. Default: the game's `opponent`; null for none. */
  opponent?: string | null;
  /** What Math.random does while the game steps. Default 'seeded'. */
  mathRandom?: MathRandomMode;
  /**
   * What drives the scene's other behaviours while `agent` trains, by behaviour (or agent) name: a
   * frozen policy (a student), a script (a function of the observation), as `this.ai.use` takes
   * them, in every scene, for the whole run. A behaviour not named here plays what the scene's own
   * `create()` chooses. A list shares the scenes out among its drivers: scene i plays the
   * (i mod length)-th (a pool of snapshots, each playing some of the scenes).
   */
  drivers?: Record<string, Driver | readonly Driver[]>;
}

/**
 * Boots a headless game of `instances` copies of the game's scene and returns its agent in all of
 * them as one vector env; `close()` destroys the game. An env module for the command line is
 * `export const makeVectorEnv = ({ numEnvs }) => createSceneVectorEnv(game, { instances: numEnvs })`.
 */
export async function createSceneVectorEnv(game: GameDef, options: SceneVectorEnvOptions): Promise<SceneVectorEnv> {
  const host = await HeadlessGame.create({ game, instances: scenesFor(game, options), mathRandom: options.mathRandom });
  try {
    const trained = options.agent ?? game.agent;
    const pools: Record<string, readonly Driver[]> = {};
    for (const [name, driver] of Object.entries(options.drivers ?? {})) {
      if (name === trained) throw new AgentError(`createSceneVectorEnv: drivers names '${name}', the behaviour being trained; drivers are for the scene's other behaviours`);
      const pool: readonly Driver[] = Array.isArray(driver) ? driver : [driver as Driver];
      if (pool.length === 0) throw new AgentError(`createSceneVectorEnv: drivers.${name}: an empty list; give a driver, or a list of one or more`);
      for (const d of pool) checkDriver(host, name, d);
      for (let i = 0; i < host.numScenes; i++) host.plugin(i).use(name, pool[i % pool.length]!);
      pools[name] = pool;
    }
    const env = host.vectorEnv(options.agent, true, options.opponent);
    env.drivers = pools;
    return env;
  } catch (e) {
    host.destroy();
    throw e;
  }
}

/**
 * A driver names an agent or behaviour the scene declares, and a policy that says its spaces (a
 * student) plays those: a frozen policy of another game, or of another behaviour, is refused now
 * rather than read wrong for a whole run.
 */
function checkDriver(host: HeadlessGame, name: string, driver: Driver): void {
  const plugin = host.plugin(0);
  const agents = plugin.names().map((n) => plugin.get(n)!);
  const agent = agents.find((a) => a.name === name) ?? agents.find((a) => a.behavior === name);
  if (!agent) throw new AgentError(`createSceneVectorEnv: drivers names '${name}', but the scene declares no agent or behaviour of that name (it declares ${[...new Set(agents.map((a) => a.behavior))].map((b) => `'${b}'`).join(', ') || 'none'})`);
  if (typeof driver !== 'object' || driver === null) return;
  const spaces = driver as { observationSpace?: unknown; actionSpace?: unknown };
  if (spaces.observationSpace === undefined || spaces.actionSpace === undefined) return;
  const want = JSON.stringify({ observation: agent.observationSpace.shape, action: agent.actionSpace });
  const got = JSON.stringify({ observation: (spaces.observationSpace as { shape?: unknown }).shape, action: spaces.actionSpace });
  if (want !== got) throw new AgentError(`createSceneVectorEnv: drivers.${name}: the policy plays other spaces than '${name}' (${got} in the policy, ${want} in the game)`);
}

/** The scenes `options` asks for: `instances`, or `envs` shared out `agentsPerScene` a scene. */
function scenesFor(game: GameDef, options: SceneVectorEnvOptions): number | undefined {
  if (options.envs === undefined) return options.instances;
  if (options.instances !== undefined) throw new AgentError('createSceneVectorEnv: give instances (scenes) or envs (slots), not both');
  const k = game.agentsPerScene ?? 1;
  if (!Number.isInteger(options.envs) || options.envs < 1 || options.envs % k !== 0) {
    throw new AgentError(`createSceneVectorEnv: envs must be a positive multiple of the game's agentsPerScene (${k}), got ${String(options.envs)}: the vector env has ${k} slots a scene`);
  }
  return options.envs / k;
}
