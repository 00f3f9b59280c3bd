/** A learning curve from training episodes, summarised for a terminal and for summary.json. */
import type { TrainingEpisode } from '../train/index.js';

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
