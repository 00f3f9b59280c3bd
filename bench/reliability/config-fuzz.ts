/**
 * Fuzzed run configs: the built-in games' configs and the init template's, each broken by one to
 * three random mutations (a key deleted, replaced by an odd value or misspelt, a key added, the
 * text cut short, a character changed, a key written twice, a byte-order mark), as YAML or JSON,
 * from one seed. Each is read as the command line reads it (`loadRunConfig`): a good outcome is a
 * config, or a ConfigError that names the file (the command line exits 2 with its message); any
 * other error would reach the user as a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { allPaths } from './json-paths.js';
import { Rng } from '../../src/env/index.js';
import { loadRunConfig } from '../../src/config/run-config.js';
import { ConfigError } from '../../src/config/errors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BASES = ['assets/policies/balance/balance.yaml', 'assets/policies/pong/pong.yaml', 'templates/init/catch/catch.yaml'];

const ODD: unknown[] = [null, -1, 0, 0.5, 1e12, -1e12, 'x', '', true, [], [1], {}, { a: 1 }, 'wasm', 'webgl', 'float16', [{ name: 's', hidden: [-4] }]];

export interface ConfigFuzzStats {
  configs: number;
  accepted: number;
  config_errors: number;
  config_stack_traces: number;
  examples: string[];
}

export function configFuzzStats(count: number, seed: number): ConfigFuzzStats {
  const rng = new Rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'pd-config-fuzz-'));
  const stats: ConfigFuzzStats = { configs: 0, accepted: 0, config_errors: 0, config_stack_traces: 0, examples: [] };
  try {
    const bases = BASES.map((p) => {
      const doc = parseYaml(readFileSync(join(root, p), 'utf8')) as Record<string, unknown>;
      // The copies live elsewhere: their env module is named by its full path.
      doc.env = resolve(dirname(join(root, p)), doc.env as string);
      return doc;
    });
    for (let k = 0; k < count; k++) {
      const doc = structuredClone(bases[k % bases.length]!);
      const json = rng.float() < 0.3;
      let text: string | null = null;
      const n = 1 + rng.int(3);
      for (let m = 0; m < n; m++) {
        const paths = allPaths(doc);
        const [parent, key] = paths[rng.int(paths.length)]!;
        const p = parent as Record<string, unknown>;
        const kind = rng.int(8);
        if (kind === 0) delete p[key];
        else if (kind <= 2) p[key] = structuredClone(ODD[rng.int(ODD.length)]);
        else if (kind === 3 && !Array.isArray(parent)) {
          p[`${key}${'sxe'[rng.int(3)]}`] = p[key];
          delete p[key];
        } else if (kind === 4 && !Array.isArray(parent)) p[`extra${rng.int(9)}`] = structuredClone(ODD[rng.int(ODD.length)]);
        else if (typeof p[key] === 'number') p[key] = [-(p[key] as number), (p[key] as number) * 1e9, 0, (p[key] as number) + 0.5][rng.int(4)];
        else p[key] = structuredClone(ODD[rng.int(ODD.length)]);
      }
      text = json ? JSON.stringify(doc, null, 1) : toYaml(doc);
      const textual = rng.int(6);
      if (textual === 0) text = text.slice(0, rng.int(text.length));
      else if (textual === 1) {
        const at = rng.int(text.length);
        text = text.slice(0, at) + '{}[]:,"\'#-\t'[rng.int(11)] + text.slice(at + 1);
      } else if (textual === 2) text = '\uFEFF' + text;
      else if (textual === 3 && !json) text = `${text}seed: 3\nseed: 4\n`;
      const path = join(dir, `config-${k}.${json ? 'json' : 'yaml'}`);
      writeFileSync(path, text);
      stats.configs++;
      try {
        loadRunConfig(path);
        stats.accepted++;
      } catch (e) {
        if (e instanceof ConfigError && e.message.startsWith(path)) stats.config_errors++;
        else {
          stats.config_stack_traces++;
          if (stats.examples.length < 5) stats.examples.push(`${(e as Error).stack}\n--- ${text.slice(0, 400)}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return stats;
}
