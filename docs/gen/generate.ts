/**
 * Writes the docs' generated pages before VitePress builds them (npm run docs:build): the
 * configuration reference from the run config's schema, the command line's reference from its
 * commands, and the API reference from the entry points' doc comments (TypeDoc, as Markdown).
 * The pages are build outputs (gitignored): what they say is always the code's.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Application } from 'typedoc';
import { COMMANDS, commandUsage, globalUsage } from '../../src/cli/commands.js';
import { configReferenceMarkdown } from './config-reference.js';

/** The entry points a user imports, as TypeDoc documents them. */
export const ENTRY_POINTS = ['plugin/index.ts', 'src/train/index.ts', 'plugin/node.ts', 'plugin/record.ts'];

export function cliReferenceMarkdown(): string {
  const out = ['# Command line reference', '', 'Generated from the commands themselves: `npx phaser-distill help <command>` prints the same.', '', '```text', globalUsage(), '```', ''];
  for (const name of Object.keys(COMMANDS)) out.push(`## ${name}`, '', '```text', commandUsage(name), '```', '');
  return out.join('\n');
}

export async function generate(options: { api?: boolean } = {}): Promise<void> {
  mkdirSync('docs/reference', { recursive: true });
  writeFileSync('docs/reference/config.md', configReferenceMarkdown());
  writeFileSync('docs/reference/cli.md', cliReferenceMarkdown());
  if (options.api === false) return;
  rmSync('docs/reference/api', { recursive: true, force: true });
  const app = await Application.bootstrapWithPlugins({
    entryPoints: ENTRY_POINTS,
    // The package's own sources only (tsconfig.build.json): not the tests, games or benchmarks.
    tsconfig: 'tsconfig.build.json',
    plugin: ['typedoc-plugin-markdown'],
    out: 'docs/reference/api',
    readme: 'none',
    entryFileName: 'index',
    outputFileStrategy: 'modules',
    excludePrivate: true,
    excludeInternal: true,
    skipErrorChecking: true,
    hidePageHeader: true,
    hideBreadcrumbs: true,
    logLevel: 'Error',
  } as Parameters<typeof Application.bootstrapWithPlugins>[0]);
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not read the entry points');
  await app.generateOutputs(project);
}

if (import.meta.url === `file://${process.argv[1]}`) await generate();
