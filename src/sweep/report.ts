/**
 * A sweep's report, gathered from its run folders alone (so `sweep --report` after a CI matrix or a
 * queue sees the same as the sweep that ran them): `{sweep}/report.md` (a table per setting and one
 * per run), `report.json`, `metric.svg` (the metric of every run, grouped by setting) and
 * `curves.svg` (the learning curves of all runs, coloured by setting).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readJson, readJsonl, writeFileAtomic, writeJson } from '../run/files.js';
import { findRunDir, runSeconds, stagesLeft } from './runner.js';
import { METRICS, formatValue, type Sweep } from './plan.js';
import type { CurveSummary } from '../run/curve.js';
import { svgOpen, valueRange, xmlEscape } from '../run/svg.js';

export interface SweepReportRun {
  index: number;
  id: string;
  seed: number;
  overrides: Record<string, unknown>;
  /** The overrides as one label (`learningRate=0.001`): runs of one setting differ only in seed. */
  setting: string;
  /** finished: every stage done; incomplete: started, not done (see last_exit); not started: no run folder yet. */
  status: 'finished' | 'incomplete' | 'not started';
  /** Steps trained: summary.json's, or the newest checkpoint's for an incomplete run. */
  steps: number | null;
  final_mean_100: number | null;
  target: number | null;
  /** Whether the mean of 10 episodes reached train.targetReturn (null without one). */
  target_reached: boolean | null;
  first_step_at_target: number | null;
  teacher_return: number | null;
  /** The sweep's metric for this run (null until it is finished). */
  metric: number | null;
  /** Seconds its commands took, attempts killed with their worker included. */
  seconds: number;
  attempts: number;
  /** Whether an attempt resumed the run from a checkpoint. */
  resumed: boolean;
  /** How its last command ended, when that was not a clean exit: `exit 1`, `SIGKILL`, or `no end` (killed with its worker). */
  last_exit: string | null;
  /** The run folder, relative to the sweep folder. */
  run_dir: string | null;
}

export interface SweepSetting {
  setting: string;
  overrides: Record<string, unknown>;
  runs: number;
  finished: number;
  metric_mean: number | null;
  metric_sd: number | null;
  metric_min: number | null;
  metric_max: number | null;
  target_reached: number;
}

export interface SweepReport {
  sweep: string;
  id: string;
  metric: Sweep['metric'];
  stages: Sweep['stages'];
  runs: SweepReportRun[];
  settings: SweepSetting[];
}

/** Reads every run's folder into one report row. */
export function gatherSweep(sweep: Sweep): SweepReport {
  const runs = sweep.runs.map((run): SweepReportRun => {
    const slot = join(sweep.out, 'runs', run.id);
    const runDir = findRunDir(slot);
    const summary = runDir && existsSync(join(runDir, 'summary.json')) ? readJson<{ steps: number; curve: CurveSummary }>(join(runDir, 'summary.json')) : null;
    const logs = existsSync(slot) ? readdirSync(slot).filter((f) => /^attempt-\d+\.log$/.test(f)) : [];
    const finished = runDir !== null && stagesLeft({ slot, stages: sweep.stages, config: run.config }).length === 0;
    const teacher = runDir ? teacherReturn(runDir) : null;
    const rows = readJsonl<{ ended?: number; exit?: number | null; signal?: string | null; started: number; attempt: number; stage: string }>(join(slot, 'attempts.jsonl'));
    const last = rows.at(-1);
    const lastExit = !last ? null : last.ended === undefined ? 'no end' : last.signal ? last.signal : last.exit ? `exit ${last.exit}` : null;
    const curve = summary?.curve ?? null;
    const values = { final_mean_100: curve?.final_mean_100 ?? null, teacher_return: teacher };
    return {
      index: run.index,
      id: run.id,
      seed: run.seed,
      overrides: run.overrides,
      setting: settingLabel(run.overrides),
      status: finished ? 'finished' : runDir || logs.length ? 'incomplete' : 'not started',
      steps: summary?.steps ?? (runDir ? checkpointStep(runDir) : null),
      final_mean_100: values.final_mean_100,
      target: curve?.target ?? null,
      target_reached: curve && curve.target !== null ? curve.first_step_at_target !== null : null,
      first_step_at_target: curve?.first_step_at_target ?? null,
      teacher_return: teacher,
      metric: finished ? values[sweep.metric] : null,
      seconds: Math.round(runSeconds(slot) * 10) / 10,
      attempts: logs.length,
      resumed: logs.some((f) => /^resuming .* at step \d+/m.test(readFileSync(join(slot, f), 'utf8'))),
      last_exit: finished ? null : lastExit,
      run_dir: runDir ? relative(sweep.out, runDir) : null,
    };
  });
  const settings: SweepSetting[] = [];
  for (const r of runs) {
    if (settings.some((s) => s.setting === r.setting)) continue;
    const same = runs.filter((o) => o.setting === r.setting);
    const values = same.flatMap((o) => (o.metric === null ? [] : [o.metric]));
    const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    settings.push({
      setting: r.setting,
      overrides: r.overrides,
      runs: same.length,
      finished: same.filter((o) => o.status === 'finished').length,
      metric_mean: mean,
      metric_sd: mean !== null && values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : null,
      metric_min: values.length ? valueRange(values)[0] : null,
      metric_max: values.length ? valueRange(values)[1] : null,
      target_reached: same.filter((o) => o.target_reached).length,
    });
  }
  return { sweep: sweep.name, id: sweep.id, metric: sweep.metric, stages: sweep.stages, runs, settings };
}

/** Writes report.md, report.json, metric.svg and curves.svg into the sweep folder; returns their paths. */
export function writeSweepReport(sweep: Sweep, report: SweepReport): string[] {
  const files: [string, string][] = [
    ['report.md', sweepMarkdown(report)],
    ['metric.svg', metricSvg(report)],
    ['curves.svg', curvesSvg(sweep, report)],
  ];
  for (const [name, text] of files) writeFileAtomic(join(sweep.out, name), text);
  writeJson(join(sweep.out, 'report.json'), report);
  return [...files.map(([n]) => join(sweep.out, n)), join(sweep.out, 'report.json')];
}

export function settingLabel(overrides: Record<string, unknown>): string {
  const entries = Object.entries(overrides);
  return entries.length ? entries.map(([k, v]) => `${k}=${formatValue(v)}`).join(', ') : '(base)';
}

/** A setting as the plots label it: each key's last part (the whole path where two share it). */
function shortLabel(overrides: Record<string, unknown>): string {
  const keys = Object.keys(overrides);
  const last = (k: string) => k.split('.').pop()!;
  return keys.length ? keys.map((k) => `${keys.filter((o) => last(o) === last(k)).length > 1 ? k : last(k)}=${formatValue(overrides[k])}`).join(', ') : '(base)';
}

function teacherReturn(runDir: string): number | null {
  // The newest evaluation: report/, then report-2/, ...
  const reports = readdirSync(runDir).filter((f) => /^report(-\d+)?$/.test(f) && existsSync(join(runDir, f, 'report.json')));
  const number = (f: string) => Number(f.split('-')[1] ?? 1);
  const newest = reports.sort((a, b) => number(a) - number(b)).at(-1);
  return newest ? readJson<{ teacher: { returnMean: number } }>(join(runDir, newest, 'report.json')).teacher.returnMean : null;
}

function checkpointStep(runDir: string): number | null {
  const latest = join(runDir, 'checkpoints', 'latest');
  return existsSync(latest) ? Number(/\d+/.exec(readFileSync(latest, 'utf8'))?.[0] ?? NaN) || null : null;
}

const fmt = (v: number | null, digits = 1) => (v === null ? '-' : v.toFixed(digits));

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function sweepMarkdown(r: SweepReport): string {
  const finished = r.runs.filter((x) => x.status === 'finished').length;
  const lines = [
    `# Sweep ${r.sweep}`,
    '',
    `${r.runs.length} runs, ${finished} finished${finished < r.runs.length ? ` (${r.runs.filter((x) => x.status === 'incomplete').length} incomplete, ${r.runs.filter((x) => x.status === 'not started').length} not started)` : ''}. Stages: ${r.stages.join(', ')}. Metric: ${METRICS[r.metric]}.`,
    '',
    '## By setting',
    '',
    '| setting | runs finished | metric mean | sd | min | max | target reached |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...[...r.settings]
      .sort((a, b) => (b.metric_mean ?? -Infinity) - (a.metric_mean ?? -Infinity))
      .map((s) => `| ${s.setting} | ${s.finished}/${s.runs} | ${fmt(s.metric_mean)} | ${fmt(s.metric_sd)} | ${fmt(s.metric_min)} | ${fmt(s.metric_max)} | ${s.target_reached}/${s.runs} |`),
    '',
    '## Runs',
    '',
    '| # | run | overrides | seed | status | steps | final mean return | target reached | teacher return | time | attempts |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.runs.map((x) => {
      const status = x.status === 'incomplete' && x.last_exit ? `incomplete (${x.last_exit})` : x.status;
      const reached = x.target_reached === null ? '-' : x.target_reached ? `yes (step ${x.first_step_at_target})` : 'no';
      const attempts = `${x.attempts}${x.resumed ? ', resumed' : ''}`;
      return `| ${x.index} | ${x.id} | ${x.setting} | ${x.seed} | ${status} | ${x.steps ?? '-'} | ${fmt(x.final_mean_100)} | ${reached} | ${fmt(x.teacher_return)} | ${duration(x.seconds)} | ${attempts} |`;
    }),
    '',
    '![metric by setting](metric.svg)',
    '',
    '![learning curves](curves.svg)',
    '',
  ];
  return lines.join('\n');
}

const COLORS = ['#2a6fdb', '#c0392b', '#27ae60', '#8e44ad', '#e67e22', '#16a085', '#7f8c8d', '#d35400', '#2c3e50', '#f1c40f'];


/** Each run's metric as a dot over its setting (settings in plan order), each setting's mean as a bar. */
export function metricSvg(r: SweepReport): string {
  const W = Math.max(560, 190 + 90 * r.settings.length);
  const H = 420;
  const m = { left: 150, right: 24, top: 44, bottom: 130 };
  const [lo, hi] = valueRange(r.runs.flatMap((x) => (x.metric === null ? [] : [x.metric])));
  const y = (v: number) => H - m.bottom - ((v - lo) / (hi - lo)) * (H - m.top - m.bottom);
  const band = (W - m.left - m.right) / Math.max(1, r.settings.length);
  const parts = svgOpen(W, H, `sweep ${r.sweep}: ${r.metric === 'final_mean_100' ? 'final mean return' : "teacher's evaluation return"} by setting (dots: runs; bars: means)`);
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#ccc"/>`);
  for (const v of [lo, (lo + hi) / 2, hi]) parts.push(`<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.abs(hi - lo) >= 10 ? v.toFixed(0) : v.toFixed(2)}</text>`);
  r.settings.forEach((s, k) => {
    const cx = m.left + band * (k + 0.5);
    const runs = r.runs.filter((x) => x.setting === s.setting);
    runs.forEach((x, j) => {
      if (x.metric === null) return;
      const dx = runs.length > 1 ? ((j / (runs.length - 1)) - 0.5) * Math.min(30, band * 0.5) : 0;
      parts.push(`<circle cx="${(cx + dx).toFixed(1)}" cy="${y(x.metric).toFixed(1)}" r="4" fill="${COLORS[k % COLORS.length]}" fill-opacity="0.7"><title>run ${x.index}, seed ${x.seed}: ${x.metric.toFixed(2)}</title></circle>`);
    });
    if (s.metric_mean !== null) parts.push(`<line x1="${(cx - band * 0.3).toFixed(1)}" x2="${(cx + band * 0.3).toFixed(1)}" y1="${y(s.metric_mean).toFixed(1)}" y2="${y(s.metric_mean).toFixed(1)}" stroke="#333" stroke-width="2"/>`);
    const ty = H - m.bottom + 14;
    parts.push(`<text transform="translate(${cx.toFixed(1)},${ty}) rotate(-30)" text-anchor="end" font-size="11">${xmlEscape(shortLabel(s.overrides))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Every run's mean episodic return per iteration against steps (metrics.jsonl), one colour per setting. */
export function curvesSvg(sweep: Sweep, r: SweepReport): string {
  const W = 720;
  const legend = 18 * r.settings.length;
  const H = 340 + legend;
  const m = { left: 70, right: 24, top: 44, bottom: 50 + legend };
  const series = r.runs.flatMap((x) => {
    if (!x.run_dir) return [];
    const rows = readJsonl<Record<string, number | null>>(join(sweep.out, x.run_dir, 'metrics.jsonl'));
    const points = rows.flatMap((row) => (typeof row['charts/episodic_return'] === 'number' && typeof row.global_step === 'number' ? [[row.global_step, row['charts/episodic_return']] as [number, number]] : []));
    return points.length ? [{ run: x, points }] : [];
  });
  const xMax = Math.max(1, valueRange(series.flatMap((s) => s.points.map(([st]) => st)))[1]);
  const [lo, hi] = valueRange(series.flatMap((s) => s.points.map(([, v]) => v)));
  const x = (st: number) => m.left + (st / xMax) * (W - m.left - m.right);
  const y = (v: number) => H - m.bottom - ((v - lo) / (hi - lo)) * (H - m.top - m.bottom);
  const parts = svgOpen(W, H, `sweep ${r.sweep}: learning curves (mean episodic return)`);
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#ccc"/>`);
  for (const v of [lo, (lo + hi) / 2, hi]) parts.push(`<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.abs(hi - lo) >= 10 ? v.toFixed(0) : v.toFixed(2)}</text>`);
  parts.push(`<text x="${m.left}" y="${H - m.bottom + 16}">0</text><text x="${W - m.right}" y="${H - m.bottom + 16}" text-anchor="end">${xMax} steps</text>`);
  const color = (setting: string) => COLORS[r.settings.findIndex((s) => s.setting === setting) % COLORS.length];
  for (const s of series) {
    parts.push(`<polyline fill="none" stroke="${color(s.run.setting)}" stroke-width="1.2" stroke-opacity="0.8" points="${s.points.map(([st, v]) => `${x(st).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"><title>run ${s.run.index} (seed ${s.run.seed})</title></polyline>`);
  }
  r.settings.forEach((s, k) => {
    const ly = H - legend + 18 * k - 4;
    parts.push(`<line x1="${m.left}" x2="${m.left + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color(s.setting)}" stroke-width="2"/><text x="${m.left + 30}" y="${ly}">${xmlEscape(shortLabel(s.overrides))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
