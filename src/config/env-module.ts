/** Loads a game's env module (the config's `env` key) and makes its vector env. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DriverPolicy, EnvModule, VectorEnv } from '../env/index.js';
import { loadStudentPolicy } from '../policy/index.js';
import { ConfigError } from './errors.js';

/** What must load before any env module; the bin sets it (see setEnvPreload). */
let preload: () => Promise<unknown> = async () => undefined;

/**
 * Loads `fn` before each env module. The bin loads the headless host's browser globals this way,
 * so an env module may import its scene (and so Phaser) before phaser-distill/node.
 */
export function setEnvPreload(fn: () => Promise<unknown>): void {
  preload = fn;
}

/** What a run config chooses beside the env module: the behaviour it trains and its other behaviours' drivers. */
export interface EnvChoice {
  behavior?: string;
  drivers?: Record<string, DriverPolicy | readonly DriverPolicy[]>;
}

export async function makeGameEnv(envPath: string, numEnvs: number, choice: EnvChoice = {}): Promise<VectorEnv> {
  let module: Partial<EnvModule>;
  try {
    await preload();
    module = (await import(pathToFileURL(envPath).href)) as Partial<EnvModule>;
  } catch (e) {
    const fix = knownFix(e as Error);
    // A known trap is the project's set-up, not a bug: say what to change (exit 2), with no stack.
    if (fix) throw new ConfigError(`config.env: the env module ${envPath} failed to load: ${(e as Error).message}\n  ${fix}`);
    throw new Error(`the env module ${envPath} failed to load: ${(e as Error).stack ?? String(e)}`, { cause: e });
  }
  if (typeof module.makeVectorEnv !== 'function') throw new ConfigError(`config.env: ${envPath} must export makeVectorEnv({ numEnvs }) (it exports ${Object.keys(module).join(', ') || 'nothing'})`);
  return module.makeVectorEnv({ numEnvs, ...choice });
}

/**
 * The env of a run config: its module, asked for `train.behavior` with `train.drivers` loaded (a
 * policy file read, `scripted` left to the module). A policy file that is not one, or that plays
 * other spaces than its behaviour, and a behaviour the game does not have, are ConfigErrors naming
 * the key, raised before anything is written.
 */
export async function makeRunEnv(config: { envPath: string; baseDir: string; train: { behavior?: string; drivers?: Record<string, string | string[]> } }, numEnvs: number): Promise<VectorEnv> {
  const { behavior, drivers = {} } = config.train;
  const loaded: Record<string, DriverPolicy | DriverPolicy[]> = {};
  const load = (policy: string, key: string): DriverPolicy => {
    const path = resolve(config.baseDir, policy);
    try {
      return loadStudentPolicy(JSON.parse(readFileSync(path, 'utf8')), { source: path });
    } catch (e) {
      throw new ConfigError(`${key}: ${path} is not a policy file (${(e as Error).message})`);
    }
  };
  for (const [name, policy] of Object.entries(drivers)) {
    if (policy === 'scripted') continue;
    loaded[name] = Array.isArray(policy) ? policy.map((p, i) => load(p, `config.train.drivers.${name}.${i}`)) : load(policy, `config.train.drivers.${name}`);
  }
  const choice: EnvChoice = { ...(behavior !== undefined ? { behavior } : {}), ...(Object.keys(loaded).length ? { drivers: loaded } : {}) };
  if (!choice.behavior && !choice.drivers) return makeGameEnv(config.envPath, numEnvs);
  let env: VectorEnv;
  try {
    env = await makeGameEnv(config.envPath, numEnvs, choice);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const message = (e as Error).message;
    // The plugin's refusals name what was wrong: a driver (its behaviour or spaces), or the trained behaviour.
    const driver = /drivers\.?(\w[\w-]*)?/.exec(message);
    if (driver && choice.drivers) throw new ConfigError(`config.train.drivers${driver[1] && driver[1] in loaded ? `.${driver[1]}` : ''}: ${message}`);
    if (choice.behavior) throw new ConfigError(`config.train.behavior: the env module ${config.envPath} could not make an env of '${choice.behavior}': ${message}`);
    throw e;
  }
  // A module that drops what it was asked for would train the wrong side, or against the wrong driver, in silence.
  const pass = 'its makeVectorEnv must pass what it is given: createSceneVectorEnv(game, { envs: numEnvs, agent: behavior, drivers })';
  const made = env.behavior === undefined ? 'a behaviour it does not name' : `'${env.behavior}'`;
  const given = (name: string) => env.drivers?.[name] ?? [];
  const dropped = Object.entries(loaded).find(([name, policy]) => ![policy].flat().every((p) => given(name).includes(p)))?.[0];
  let problem: string | null = null;
  if (choice.behavior !== undefined && env.behavior !== choice.behavior) problem = `config.train.behavior: the env module ${config.envPath} made an env of ${made}, not '${choice.behavior}': ${pass}`;
  else if (dropped !== undefined) problem = `config.train.drivers.${dropped}: the env module ${config.envPath} did not hand this driver to its scenes: ${pass}`;
  if (problem !== null) {
    env.close();
    throw new ConfigError(problem);
  }
  return env;
}

/** The one-line fix, where the error is a known trap of a project's set-up. */
function knownFix(e: Error): string | null {
  const code = (e as { code?: string }).code ?? '';
  if (code.startsWith('ERR_REQUIRE') || /require\(\) of ES Module|Cannot require\(\) ES Module|exports is not defined in ES module scope/.test(e.message)) {
    return 'It was loaded as CommonJS, the default of a package.json without "type": "module". Add that line (npm pkg set type=module), or put a package.json holding { "type": "module" } in the env module\'s folder, as phaser-distill init does.';
  }
  if (e instanceof ReferenceError && /\b(navigator|window|document|self)\b/.test(e.message)) {
    return "Phaser was loaded before phaser-distill/node set up the globals it needs in Node: import 'phaser-distill/node' first, before anything that imports Phaser.";
  }
  return null;
}
