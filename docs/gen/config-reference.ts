/**
 * The configuration reference, generated: every key of the run config's zod schema
 * (src/config/run-config.ts) with its type and default, and its doc line, read with TypeScript's
 * compiler API from the doc comment on the key in the schema or on the field of the config
 * interface the key fills (PpoConfig, DistillConfig, ...). Nothing here is written by hand, so the
 * reference cannot drift from the schema; test/docs.test.ts fails on a key with no doc line.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { runConfigSchema } from '../../src/config/run-config.js';
import { defaultDistillConfig, defaultImitationConfig, defaultPpoConfig } from '../../src/train/index.js';

export interface ConfigKey {
  /** Dotted path from the top; `[]` marks an array's elements. */
  path: string;
  type: string;
  /** The default as a config file would write it, `required`, or `off` (optional, no default). */
  default: string;
  doc: string | null;
}

type Def = { type: string; [k: string]: any };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

/** Where each section's doc lines are written: the schema's own literal first, then the interface the section fills. */
const SOURCES: Record<string, string[]> = {
  '': ['schema:runConfigSchema'],
  train: ['schema:trainSchema'],
  'train.ppo': ['schema:ppoSchema', 'iface:PpoConfig'],
  'train.ppo.network': ['schema:networkSchema', 'iface:NetworkConfig'],
  'train.ppo.network.conv': ['schema:networkSchema', 'iface:ConvTorsoConfig'],
  'train.ppo.network.conv.grid': ['schema:networkSchema'],
  'train.ppo.network.conv.layers[]': ['schema:networkSchema', 'iface:ConvLayerConfig'],
  'train.ppo.bc': ['schema:bcSchema', 'iface:BcConfig'],
  'train.selfPlay': ['schema:selfPlaySchema', 'iface:SelfPlayConfig'],
  'train.selfPlay.opponents[]': ['schema:selfPlaySchema'],
  'train.alternate': ['schema:alternateSchema'],
  distill: ['schema:distillSchema'],
  'distill.students[]': ['schema:studentSchema'],
  'distill.config': ['schema:distillConfigSchema', 'iface:DistillConfig'],
  imitate: ['schema:imitateSchema'],
  'imitate.students[]': ['schema:studentSchema'],
  'imitate.config': ['schema:imitationConfigSchema', 'iface:ImitationConfig', 'iface:DistillConfig'],
  eval: ['schema:evalSchema', 'iface:EvaluateOptions'],
  export: ['schema:exportSchema'],
};

/** Defaults the run merges under a section's keys (the schema leaves these sections partial). */
const MERGED: Record<string, Record<string, unknown>> = {
  'train.ppo': defaultPpoConfig as unknown as Record<string, unknown>,
  'train.ppo.network': defaultPpoConfig.network as unknown as Record<string, unknown>,
  'distill.config': defaultDistillConfig as unknown as Record<string, unknown>,
  'imitate.config': defaultImitationConfig as unknown as Record<string, unknown>,
};

const FILES = ['src/config/run-config.ts', 'src/train/ppo.ts', 'src/train/networks.ts', 'src/train/self-play.ts', 'src/distill/config.ts', 'src/distill/imitate.ts', 'src/distill/evaluate.ts'];

/** source ('schema:<const>' or 'iface:<interface>') -> key -> its doc comment's first paragraph. */
function docComments(): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>();
  const add = (source: string, key: string, doc: string) => {
    if (!found.has(source)) found.set(source, new Map());
    if (!found.get(source)!.has(key)) found.get(source)!.set(key, doc);
  };
  const docOf = (node: ts.Node, sf: ts.SourceFile): string | null => {
    const jsdoc = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const text = jsdoc.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ').trim();
    void sf;
    return text ? text.split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ') : null;
  };
  for (const file of FILES) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node, owner: string | null): void => {
      if (ts.isInterfaceDeclaration(node)) {
        for (const m of node.members) if (m.name && ts.isIdentifier(m.name)) {
          const d = docOf(m, sf);
          if (d) add(`iface:${node.name.text}`, m.name.text, d);
        }
        return;
      }
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) owner = node.name.text;
      if (owner && ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
        const d = docOf(node, sf);
        if (d) add(`schema:${owner}`, node.name.text, d);
      }
      ts.forEachChild(node, (c) => visit(c, owner));
    };
    visit(sf, null);
  }
  return found;
}

function typeOf(def: Def): string {
  switch (def.type) {
    case 'optional': case 'default': case 'prefault': return typeOf(defOf(def.innerType));
    case 'nullable': return `${typeOf(defOf(def.innerType))} | null`;
    case 'array': return `${typeOf(defOf(def.element))}[]`;
    case 'enum': return Object.values(def.entries as Record<string, string>).map((v) => `'${v}'`).join(' | ');
    case 'object': return 'object';
    default: return def.type;
  }
}

const show = (v: unknown) => (v === undefined ? 'off' : JSON.stringify(v).replace(/,/g, ', ').replace(/:/g, ': '));

/** Every key of the run config, depth first, with its type, default and doc line. */
export function configKeys(): ConfigKey[] {
  const docs = docComments();
  const keys: ConfigKey[] = [];
  const walk = (schema: unknown, section: string) => {
    let def = defOf(schema);
    while (def.type !== 'object') def = defOf(def.innerType ?? def.element);
    for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) {
      const path = section ? `${section}.${key}` : key;
      const d = defOf(child);
      let dflt: string;
      if (d.type === 'default') dflt = show(typeof d.defaultValue === 'function' ? d.defaultValue() : d.defaultValue);
      else if (d.type === 'prefault') dflt = '{} (each key its default)';
      else if (section in MERGED && key in MERGED[section]!) dflt = show(MERGED[section]![key]);
      else if (d.type === 'optional') dflt = 'off';
      else dflt = 'required';
      const doc = (SOURCES[section] ?? []).map((s) => docs.get(s)?.get(key)).find((x) => x) ?? null;
      keys.push({ path, type: typeOf(d), default: dflt, doc });
      // Sections and arrays of sections: their keys follow.
      let inner = d;
      while (['optional', 'default', 'prefault', 'nullable'].includes(inner.type)) inner = defOf(inner.innerType);
      if (inner.type === 'object') walk(child, path);
      if (inner.type === 'array' && defOf(inner.element).type === 'object') walk(inner.element, `${path}[]`);
    }
  };
  walk(runConfigSchema, '');
  return keys;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function configReferenceMarkdown(keys = configKeys()): string {
  const sections = new Map<string, ConfigKey[]>();
  for (const k of keys) {
    const section = k.path.includes('.') ? k.path.slice(0, k.path.lastIndexOf('.')) : '';
    if (!sections.has(section)) sections.set(section, []);
    sections.get(section)!.push(k);
  }
  const out = [
    '# Configuration reference',
    '',
    'Every key of a run config (YAML or JSON), its type, its default and what it does, generated from the config\'s schema and doc comments (`src/config/run-config.ts`). An unknown key is an error that names it. `npx phaser-distill config <file>` prints a config with every default filled in.',
    '',
  ];
  for (const [section, list] of sections) {
    out.push(`## ${section ? `\`${section}\`` : 'Top level'}`, '', '| key | type | default | what it does |', '| --- | --- | --- | --- |');
    for (const k of list) out.push(`| \`${k.path.slice(section ? section.length + 1 : 0)}\` | \`${cell(k.type)}\` | ${k.default === 'required' || k.default === 'off' || k.default.startsWith('{}') ? k.default : `\`${cell(k.default)}\``} | ${cell(k.doc ?? '')} |`);
    out.push('');
  }
  return out.join('\n');
}
