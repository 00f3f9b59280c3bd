/**
 * `phaser-distill imitate <config> [--demos <file or folder>]`: students cloned from recorded play
 * (behaviour cloning, src/distill/imitate.ts), one per entry of the config's `imitate` section, each
 * written as a policy file per dtype, then played on the game's env on fresh seeds (the config's
 * `eval`) beside the demo's recorded return. A new run folder gets `students/{name}-{dtype}.json`
 * and `imitation.json` (the report); the table is printed.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkDemoSpaces } from '../demo/index.js';
import { evaluateImitation, imitate, imitationMarkdown, type ImitationReport, type NamedStudent } from '../train/index.js';
import { runBackend } from './backend.js';
import { imitationConfigOf, loadRunConfig } from '../config/run-config.js';
import { readDemosToLearn } from './demos.js';
import { ConfigError } from '../config/errors.js';
import { makeGameEnv } from '../config/env-module.js';
import { newRunDir, writeFileAtomic, writeJson } from './files.js';

type Log = (line: string) => void;

export interface ImitateOutcome {
  runDir: string;
  report: ImitationReport;
  files: string[];
}

/** Clones the config's students from `demosPath` (or the config's `imitate.demos`), writes and evaluates them. */
export async function runImitate(configPath: string, demosPath: string | undefined, log: Log = console.log): Promise<ImitateOutcome> {
  const config = loadRunConfig(configPath);
  const section = config.imitate;
  if (!section) throw new ConfigError(`${configPath}: the config has no 'imitate' section: list the students to clone (imitate: { students: [{ name: bc16, hidden: [16] }] })`);
  const path = demosPath ?? (section.demos ? resolve(config.baseDir, section.demos) : undefined);
  if (!path) throw new ConfigError(`${configPath}: config.imitate.demos: no demonstrations given: set it (a .demo file or a folder, relative to the config) or pass --demos <file or folder>`);
  const { demo, files } = readDemosToLearn(path);
  log(`demos: ${files.length} file(s), ${demo.episodes.length} episodes, ${demo.rewards.length} decisions of agent '${demo.agent}'`);
  await runBackend(config.backend);
  const env = await makeGameEnv(config.envPath, config.eval.numEnvs);
  try {
    checkDemoSpaces(demo, env, path);
    const runDir = newRunDir(config);
    const outDir = join(runDir, 'students');
    mkdirSync(outDir, { recursive: true });
    const students: NamedStudent[] = [];
    const written: string[] = [];
    for (const s of section.students) {
      const started = performance.now();
      const student = await imitate(demo, imitationConfigOf(config, s.hidden));
      const accuracy = student.keptAccuracy;
      log(`student ${s.name} (${s.hidden.join('x') || 'linear'}): held-out accuracy ${accuracy !== null ? (100 * accuracy).toFixed(2) : '-'}% after ${student.history.length} epochs, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const dtype of section.dtypes) {
        const name = `${s.name}-${dtype}`;
        const file = student.toPolicyFile(dtype, { student: s.name, demos: files.map((f) => f.path.split(/[\\/]/).pop()) });
        const out = join(outDir, `${name}.json`);
        writeFileAtomic(out, JSON.stringify(file));
        written.push(out);
        students.push({ name, file });
      }
      student.dispose();
    }
    const report = await evaluateImitation(config.game, env, demo, students, { episodes: config.eval.episodes, seed: config.eval.seed });
    writeJson(join(runDir, 'imitation.json'), report);
    log(imitationMarkdown(report));
    log(`students: ${written.join(', ')}`);
    return { runDir, report, files: written };
  } finally {
    env.close();
  }
}
