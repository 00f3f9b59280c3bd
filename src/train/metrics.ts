/**
 * Per-iteration metrics written as JSON lines and as CSV, one row per iteration, with CleanRL's
 * names as column headers. Appends, so a resumed run continues the same files. Node only.
 */
import type { PpoMetrics } from './ppo.js';

export const METRIC_COLUMNS: (keyof PpoMetrics)[] = [
  'global_step', 'iteration', 'charts/episodic_return', 'charts/episodic_length', 'charts/learning_rate', 'charts/SPS',
  'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/old_approx_kl', 'losses/approx_kl', 'losses/clipfrac',
  'losses/explained_variance',
];

export class MetricsWriter {
  private constructor(private readonly jsonlPath: string, private readonly csvPath: string, readonly columns: readonly string[], private readonly fs: typeof import('node:fs')) {}

  /** Opens `{dir}/metrics.jsonl` and `{dir}/metrics.csv` (PPO's columns, then `extra`), writing the CSV header if the file is new. */
  static async open(dir: string, extra: readonly string[] = []): Promise<MetricsWriter> {
    const fs = await import('node:fs');
    const path = await import('node:path');
    fs.mkdirSync(dir, { recursive: true });
    const w = new MetricsWriter(path.join(dir, 'metrics.jsonl'), path.join(dir, 'metrics.csv'), [...METRIC_COLUMNS, ...extra], fs);
    if (!fs.existsSync(w.csvPath)) fs.writeFileSync(w.csvPath, w.columns.join(',') + '\n');
    return w;
  }

  /** One iteration's row: PPO's metrics and the run's own (`extra`, such as self-play's `self-play/elo`). */
  write(m: PpoMetrics, extra: Record<string, number | null> = {}): void {
    const row: Record<string, number | null> = { ...m, ...extra };
    this.fs.appendFileSync(this.jsonlPath, JSON.stringify(row) + '\n');
    this.fs.appendFileSync(this.csvPath, this.columns.map((c) => (row[c] === null || row[c] === undefined || Number.isNaN(row[c]) ? '' : String(row[c]))).join(',') + '\n');
  }
}
