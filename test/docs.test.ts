/**
 * The docs site: the configuration reference is generated from the run config's schema, every key
 * with its default and a doc line (a key without one fails here); the command line's reference
 * from its commands; and the site builds (TypeDoc's API pages included) with no dead link: VitePress
 * fails a build on one, and every link in the built pages is checked against the built files here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeys, configReferenceMarkdown } from '../docs/gen/config-reference.js';
import { cliReferenceMarkdown, generate } from '../docs/gen/generate.js';
import { COMMANDS } from '../src/cli/commands.js';
import { defaultDistillConfig, defaultPpoConfig } from '../src/train/index.js';

describe('the configuration reference', () => {
  const keys = configKeys();

  it('has a doc line for every key of the schema', () => {
    expect(keys.length).toBeGreaterThan(90);
    expect(keys.filter((k) => !k.doc).map((k) => k.path)).toEqual([]);
  });

  it('gives each key the default a run uses', () => {
    const at = (path: string) => keys.find((k) => k.path === path)!;
    expect(at('train.ppo.learningRate').default).toBe(String(defaultPpoConfig.learningRate));
    expect(at('train.ppo.network.actorHidden').default).toBe('[64, 64]');
    expect(at('distill.config.stepsPerRound').default).toBe(String(defaultDistillConfig.stepsPerRound));
    expect(at('train.checkpointEvery').default).toBe('25');
    expect(at('backend')).toMatchObject({ default: '"auto"', type: "'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu'" });
    expect(at('game').default).toBe('required');
    expect(at('train.targetReturn').default).toBe('off');
    expect(at('distill.students[].hidden').type).toBe('number[]');
  });

  it('lists every key, under its section', () => {
    const md = configReferenceMarkdown(keys);
    for (const k of keys) {
      const section = k.path.includes('.') ? k.path.slice(0, k.path.lastIndexOf('.')) : '';
      const key = k.path.slice(section ? section.length + 1 : 0);
      const heading = md.indexOf(section ? `## \`${section}\`` : '## Top level');
      expect(heading, k.path).toBeGreaterThan(-1);
      expect(md.indexOf(`| \`${key}\` |`, heading), k.path).toBeGreaterThan(heading);
    }
  });

  it('the command line reference holds every command\'s usage', () => {
    const md = cliReferenceMarkdown();
    for (const name of Object.keys(COMMANDS)) expect(md).toContain(`usage: phaser-distill ${name}`);
  });
});

describe('the docs site', () => {
  it('builds, with the guide, the generated references and the API, and no dead link', async () => {
    await generate();
    const build = spawnSync(process.execPath, ['node_modules/vitepress/bin/vitepress.js', 'build', 'docs'], { encoding: 'utf8' });
    const out = `${build.stdout}${build.stderr}`;
    expect(build.status, out).toBe(0);
    expect(out).not.toMatch(/dead link|TypeError|Error:/);
    const dist = 'docs/.vitepress/dist';
    for (const page of ['index.html', 'guide/getting-started.html', 'guide/not-learning.html', 'reference/config.html', 'reference/cli.html', 'reference/api/index.html']) {
      expect(existsSync(join(dist, page)), page).toBe(true);
    }
    expect(readFileSync(join(dist, 'reference/config.html'), 'utf8')).toContain('learningRate');
    // Every link between the built pages leads to a built file.
    const pages = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.html'));
    const broken: string[] = [];
    for (const page of pages) {
      const html = readFileSync(join(dist, page), 'utf8');
      for (const [, href] of html.matchAll(/href="([^"#?]+)[^"]*"/g)) {
        if (/^(https?:|mailto:|\/\/)/.test(href!)) continue;
        const target = href!.startsWith('/') ? href!.slice(1) : posix.join(posix.dirname(page), href!);
        const file = target.endsWith('/') || target === '' ? `${target}index.html` : target;
        if (!existsSync(join(dist, file)) && !existsSync(join(dist, `${file}.html`))) broken.push(`${page} -> ${href}`);
      }
    }
    expect(pages.length).toBeGreaterThan(15);
    expect(broken).toEqual([]);
  }, 300_000);
});
