/**
 * `phaser-distill config <file>`: the run config as the run will see it, every default filled in:
 * the schema's own defaults, and the PPO, distillation and behaviour-cloning defaults the run
 * merges under the file's keys. What it prints is itself a valid config that resolves to the same.
 */
import { stringify } from 'yaml';
import { distillConfigOf, imitationConfigOf, loadRunConfig, ppoConfigOf, type RunConfig } from '../config/run-config.js';
import { EXIT } from '../config/errors.js';

/** The config file's content with every default filled in (the keys a config file may hold, nothing derived). */
export function resolvedConfig(config: RunConfig): Record<string, unknown> {
  const { envPath: _envPath, baseDir: _baseDir, game, env, name, seed, runsDir, backend, train, distill, imitate, eval: evaluation, export: exportTo } = config;
  const { seed: _seed, ...ppo } = ppoConfigOf(config);
  const out: Record<string, unknown> = { game, env, name, seed, runsDir, backend, train: { ...train, ppo } };
  if (distill) {
    // hidden and seed come from each student and the run; taskMode is not a config key.
    const { hidden: _h, seed: _s, taskMode: _t, ...distillKeys } = distillConfigOf(config, []);
    out.distill = { ...distill, config: distillKeys };
  }
  if (imitate) {
    const { hidden: _h, seed: _s, ...imitateKeys } = imitationConfigOf(config, []);
    out.imitate = { ...imitate, config: imitateKeys };
  }
  out.eval = evaluation;
  if (exportTo) out.export = exportTo;
  return out;
}

export function printConfig(path: string, options: { json?: boolean } = {}, log: (text: string) => void = (t) => console.log(t)): number {
  const resolved = resolvedConfig(loadRunConfig(path));
  log(options.json ? JSON.stringify(resolved, null, 2) : `# ${path}, with every default filled in (phaser-distill config)\n${stringify(resolved)}`.trimEnd());
  return EXIT.ok;
}
