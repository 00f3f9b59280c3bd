/**
 * A one-line progress bar with ETA and the latest return, redrawn in place on a terminal; on a
 * pipe (CI logs) a plain line every few seconds instead.
 */
export class Progress {
  private readonly start = performance.now();
  private lastPrint = -Infinity;
  private readonly tty: boolean;

  constructor(private readonly total: number, private readonly out: NodeJS.WriteStream = process.stderr, private readonly startAt = 0) {
    this.tty = Boolean(out.isTTY);
  }

  update(done: number, latestReturn: number | null, extra = ''): void {
    const now = performance.now();
    if (!this.tty && now - this.lastPrint < 5000 && done < this.total) return;
    this.lastPrint = now;
    const frac = Math.min(1, done / this.total);
    const rate = (done - this.startAt) / Math.max(1e-3, (now - this.start) / 1000);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const ret = latestReturn === null ? '-' : latestReturn.toFixed(1);
    const line = `${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${fmtCount(done)}/${fmtCount(this.total)} steps | return ${ret} | ${fmtCount(rate)} steps/s | ETA ${fmtTime(eta)}${extra ? ' | ' + extra : ''}`;
    this.out.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.tty) this.out.write('\n');
  }
}

export function fmtCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}

export function fmtTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
