/** A learning curve from training episodes, summarised for a terminal and for summary.json. */
import type { TrainingEpisode } from '../train/index.js';
import { svgOpen, valueRange } from './svg.js';

export interface CurveSummary {
  /** Mean return of the episodes that ended in each tenth of the run ([stepEnd, mean | null]). */
  segments: { until_step: number; mean_return: number | null; episodes: number }[];
  /** First global step at which the mean of the last 10 episodes reached `target`, if it did. */
  first_step_at_target: number | null;
  target: number | null;
  final_mean_100: number | null;
  episodes: number;
}

export function summarizeCurve(episodes: readonly TrainingEpisode[], totalSteps: number, target: number | null): CurveSummary {
  const segments = Array.from({ length: 10 }, (_, k) => {
    const lo = (k * totalSteps) / 10;
    const hi = ((k + 1) * totalSteps) / 10;
    const inside = episodes.filter((e) => e.step > lo && e.step <= hi);
    return { until_step: Math.round(hi), mean_return: inside.length ? mean(inside.map((e) => e.return)) : null, episodes: inside.length };
  });
  let firstAtTarget: number | null = null;
  if (target !== null) {
    for (let i = 9; i < episodes.length && firstAtTarget === null; i++) {
      if (mean(episodes.slice(i - 9, i + 1).map((e) => e.return)) >= target) firstAtTarget = episodes[i]!.step;
    }
  }
  const last = episodes.slice(-100);
  return { segments, first_step_at_target: firstAtTarget, target, final_mean_100: last.length ? mean(last.map((e) => e.return)) : null, episodes: episodes.length };
}

/** The curve as text: one row per tenth of the run with a bar scaled to the best segment. */
export function formatCurve(c: CurveSummary): string {
  const best = Math.max(1e-9, ...c.segments.map((s) => Math.abs(s.mean_return ?? 0)));
  const rows = c.segments.map((s) => {
    const bar = s.mean_return === null ? '' : '#'.repeat(Math.max(0, Math.round((30 * s.mean_return) / best)));
    return `  <= ${String(s.until_step).padStart(8)} steps  ${s.mean_return === null ? '       -' : s.mean_return.toFixed(1).padStart(8)}  ${bar}`;
  });
  const lines = ['learning curve (mean episodic return per tenth of the run):', ...rows];
  if (c.target !== null) lines.push(`  mean of 10 episodes first reached ${c.target} at: ${c.first_step_at_target === null ? 'never' : `step ${c.first_step_at_target}`}`);
  lines.push(`  mean of the last 100 episodes: ${c.final_mean_100 === null ? '-' : c.final_mean_100.toFixed(1)} (${c.episodes} episodes in all)`);
  return lines.join('\n');
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** One series of a learning-curve panel: [global step, value] points. */
interface Series {
  title: string;
  points: [number, number][];
  color: string;
}

/**
 * The learning curve as an SVG: the mean episodic return per iteration, and, for a self-play
 * run, the learner's Elo beneath it, both against env steps. `rows` are metrics.jsonl's rows.
 */
export function learningCurveSvg(game: string, rows: readonly Record<string, number | null>[]): string {
  const series = (key: string, title: string, color: string): Series => ({
    title, color,
    points: rows.flatMap((r) => (typeof r[key] === 'number' && Number.isFinite(r[key]) && typeof r.global_step === 'number' ? [[r.global_step, r[key]] as [number, number]] : [])),
  });
  const panels = [series('charts/episodic_return', 'mean episodic return', '#2a6fdb'), series('self-play/elo', 'learner Elo (self-play)', '#c0392b')].filter((s) => s.points.length > 0);
  const W = 640;
  const P = 220;
  const H = 40 + panels.length * P + 30;
  const m = { left: 64, right: 24 };
  const xMax = Math.max(1, valueRange(rows.map((r) => r.global_step ?? 0))[1]);
  const x = (s: number) => m.left + (s / xMax) * (W - m.left - m.right);
  const parts = svgOpen(W, H, `${game}: learning curve`);
  panels.forEach((s, k) => {
    const top = 40 + k * P;
    const bottom = top + P - 40;
    const [lo, hi] = valueRange(s.points.map(([, v]) => v));
    const y = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
    parts.push(`<text x="${m.left}" y="${top - 6}">${s.title}</text>`);
    parts.push(`<rect x="${m.left}" y="${top}" width="${W - m.left - m.right}" height="${bottom - top}" fill="none" stroke="#ccc"/>`);
    for (const v of [lo, (lo + hi) / 2, hi]) parts.push(`<text x="${m.left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.abs(hi - lo) >= 10 ? v.toFixed(0) : v.toFixed(2)}</text>`);
    parts.push(`<text x="${m.left}" y="${bottom + 16}">0</text><text x="${W - m.right}" y="${bottom + 16}" text-anchor="end">${xMax} steps</text>`);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.points.map(([st, v]) => `${x(st).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
