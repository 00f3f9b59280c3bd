/** Draws episodic returns (dots) and their 10-episode mean (line) against training steps. */
import type { TrainingEpisode } from 'phaser-distill/train';

export function drawCurve(canvas: HTMLCanvasElement, episodes: readonly TrainingEpisode[], totalSteps: number): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { width: w, height: h } = canvas;
  const pad = 30;
  g.clearRect(0, 0, w, h);
  const maxReturn = Math.max(1, ...episodes.map((e) => e.return));
  const x = (step: number) => pad + ((w - 2 * pad) * step) / totalSteps;
  const y = (ret: number) => h - pad - ((h - 2 * pad) * ret) / maxReturn;
  g.strokeStyle = '#334';
  g.strokeRect(pad, pad, w - 2 * pad, h - 2 * pad);
  g.fillStyle = '#889';
  g.fillText(String(Math.round(maxReturn)), 2, pad + 4);
  g.fillText('0', 2, h - pad);
  g.fillText(`${totalSteps} steps`, w - pad - 70, h - 8);
  g.fillStyle = 'rgba(120, 170, 255, 0.35)';
  for (const e of episodes) g.fillRect(x(e.step) - 1, y(e.return) - 1, 2, 2);
  g.strokeStyle = '#7fdc8a';
  g.lineWidth = 2;
  g.beginPath();
  let sum = 0;
  episodes.forEach((e, i) => {
    sum += e.return - (i >= 10 ? episodes[i - 10]!.return : 0);
    const px = x(e.step);
    const py = y(sum / Math.min(i + 1, 10));
    if (i === 0) g.moveTo(px, py);
    else g.lineTo(px, py);
  });
  g.stroke();
}
