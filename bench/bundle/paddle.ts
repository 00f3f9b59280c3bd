/** The learning paddle's agent, as both plugin bundles declare it. */
import type { ChaseScene } from './scene.js';

export function declarePaddle(scene: ChaseScene): void {
  scene.ai.agent('paddle', {
    observation: { shape: [7], low: -2, high: 2 },
    action: { type: 'discrete', n: 3 },
    observe: () => scene.observe(),
    act: (a) => {
      scene.paddle.y += (a - 1) * 2;
    },
    decisionPeriod: 2,
  });
}
