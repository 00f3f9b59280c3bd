/** Loads a game's env module (the config's `env` key) and makes its vector env. */
import { pathToFileURL } from 'node:url';
import type { EnvModule, VectorEnv } from '../env/index.js';
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

export async function makeGameEnv(envPath: string, numEnvs: number): Promise<VectorEnv> {
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
  return module.makeVectorEnv({ numEnvs });
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
