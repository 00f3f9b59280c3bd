/**
 * The evaluation report as Markdown (a table a person reads), JSON (what a CI or a later run
 * reads) and an SVG plot of return against size, drawn by hand so it needs no plotting library.
 */
import type { EvaluationReport, PolicyEvaluation } from './evaluate.js';

/** A number to `d` places; '-' for one not measured (NaN: a convolutional teacher has no plain-runtime time). */
const fixed = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : Number.isNaN(x) ? '-' : String(x));

/** One Markdown table row per policy, teacher first. */
export function reportMarkdown(r: EvaluationReport): string {
  const box = r.teacher.rawAgreement !== undefined || r.students.some((p) => p.rawAgreement !== undefined);
  const head = `| policy | hidden | weights | params | compression | bytes | gzip | return (mean ± std) | % of teacher | % of gain over random | agreement |${box ? ' agreement, unclipped |' : ''} runtime us | tfjs us | speedup |`;
  const rule = `|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|${box ? '---:|' : ''}---:|---:|---:|`;
  const row = (p: PolicyEvaluation) =>
    `| ${p.name} | ${p.hidden.join('x') || 'linear'} | ${p.dtype} | ${p.parameters} | ${fixed(p.compression, 1)}x | ${p.bytes} | ${p.gzipBytes} | ${fixed(p.returnMean, 1)} ± ${fixed(p.returnStd, 1)} | ${fixed(100 * p.returnRatio, 1)}% | ${fixed(100 * p.gainRatio, 1)}% | ${fixed(100 * p.agreement, 2)}% |${box ? ` ${fixed(100 * (p.rawAgreement ?? 1), 2)}% |` : ''} ${fixed(p.runtimeUs, 3)} | ${fixed(p.tfjsUs, 1)} | ${Number.isNaN(p.speedup) ? '-' : `${fixed(p.speedup, p.speedup < 10 ? 1 : 0)}x`} |`;
  return [
    `# Distillation report: ${r.game}`,
    '',
    ...(r.warnings ?? []).map((w) => `> **Warning:** ${w}.\n`),
    `Each policy acts greedily for ${r.teacher.episodes} episodes from evaluation seed ${r.seed}. Random actions score ${fixed(r.randomReturnMean, 1)} on the same episodes; the gain over random is (return - random) / (teacher's return - random). Agreement is measured on the states each student visits${box ? ', on the actions the env receives (means clipped to the box, then within the tolerance); the unclipped column compares the raw means, where a student past the same bound as the teacher disagrees though it plays the same' : ''}. Latency is one batch-1 decision; TensorFlow.js runs on the \`${r.backend}\` backend. ${Number.isNaN(r.teacher.runtimeUs) ? "The teacher's actor has a convolutional torso, which the student format does not hold: its bytes are its actor's float32 weights, and it has no plain-runtime time ('-')." : "The teacher's bytes are its actor written in the student format (float32)."}`,
    '',
    head,
    rule,
    row(r.teacher),
    ...r.students.map(row),
    '',
  ].join('\n');
}

export function reportJson(r: EvaluationReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** Return (% of the teacher) against parameters, log scale; float32 circles, int8 squares. */
export function reportSvg(r: EvaluationReport): string {
  const W = 640;
  const H = 400;
  const m = { left: 64, right: 24, top: 40, bottom: 56 };
  const all = [r.teacher, ...r.students];
  const lo = Math.floor(Math.log10(Math.min(...all.map((p) => p.parameters))));
  const hi = Math.ceil(Math.log10(Math.max(...all.map((p) => p.parameters))) + 1e-9);
  const yMax = Math.max(110, Math.ceil((100 * Math.max(...all.map((p) => p.returnRatio))) / 10) * 10);
  const x = (params: number) => m.left + ((Math.log10(params) - lo) / Math.max(1, hi - lo)) * (W - m.left - m.right);
  const y = (pct: number) => H - m.bottom - (pct / yMax) * (H - m.top - m.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${escape(r.game)}: return vs policy size</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    parts.push(`<line x1="${x(10 ** e)}" y1="${m.top}" x2="${x(10 ** e)}" y2="${H - m.bottom}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(10 ** e)}" y="${H - m.bottom + 16}" text-anchor="middle">10^${e}</text>`);
  }
  for (let p = 0; p <= yMax; p += 20) {
    parts.push(`<line x1="${m.left}" y1="${y(p)}" x2="${W - m.right}" y2="${y(p)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y(p) + 4}" text-anchor="end">${p}%</text>`);
  }
  parts.push(`<line x1="${m.left}" y1="${y(95)}" x2="${W - m.right}" y2="${y(95)}" stroke="#c33" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${m.left + 6}" y="${y(95) + 14}" fill="#c33">95% of the teacher</text>`);
  parts.push(`<text x="${(W + m.left) / 2}" y="${H - 14}" text-anchor="middle">policy parameters (log scale)</text>`);
  parts.push(`<text x="16" y="${(H - m.bottom + m.top) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(H - m.bottom + m.top) / 2})">return, % of teacher</text>`);
  // float32 points are circles with their hidden sizes above; an int8 twin is a square drawn
  // inside its circle, so both stay visible when they score the same.
  for (const p of all) {
    const cx = x(p.parameters);
    const cy = y(100 * p.returnRatio);
    const color = p.role === 'teacher' ? '#222' : p.dtype === 'int8' ? '#e67e22' : '#2a6fdb';
    const tip = `<title>${escape(`${p.name}: ${p.parameters} parameters, ${fixed(100 * p.returnRatio, 1)}% of the teacher`)}</title>`;
    if (p.dtype === 'int8') {
      parts.push(`<rect x="${cx - 3.5}" y="${cy - 3.5}" width="7" height="7" fill="${color}">${tip}</rect>`);
    } else {
      parts.push(`<circle cx="${cx}" cy="${cy}" r="7" fill="${color}">${tip}</circle>`);
      parts.push(`<text x="${cx}" y="${cy - 11}" text-anchor="middle" font-size="10">${escape(p.hidden.join('x') || 'linear')}</text>`);
    }
  }
  const ly = H - m.bottom - 14;
  parts.push(`<circle cx="${m.left + 14}" cy="${ly}" r="6" fill="#2a6fdb"/><text x="${m.left + 24}" y="${ly + 4}">student float32</text>`);
  parts.push(`<rect x="${m.left + 130}" y="${ly - 3.5}" width="7" height="7" fill="#e67e22"/><text x="${m.left + 142}" y="${ly + 4}">student int8</text>`);
  parts.push(`<circle cx="${m.left + 236}" cy="${ly}" r="6" fill="#222"/><text x="${m.left + 246}" y="${ly + 4}">teacher (labels: hidden units)</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Writes `report.md`, `report.json` and `return-vs-size.svg` into `dir`. Node only. */
export async function writeReport(dir: string, r: EvaluationReport): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  const files: [string, string][] = [['report.md', reportMarkdown(r)], ['report.json', reportJson(r)], ['return-vs-size.svg', reportSvg(r)]];
  // A temporary file, then a rename: a kill leaves each file whole, old or new.
  for (const [name, text] of files) {
    const tmp = path.join(dir, `.${name}.tmp-${process.pid}`);
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, path.join(dir, name));
  }
  return files.map(([name]) => path.join(dir, name));
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
