/**
 * The Balance page: keep the pole up yourself (left / right arrows) or watch a hand-written
 * balancer; `?driver=human|balancer`. The simulation's time step is 0.02 s, so the game is limited
 * to 50 frames a second.
 */
import Phaser from 'phaser';
import { distillPluginEntry, type Driver } from 'phaser-distill';
import { BALANCE_AGENT, BALANCE_FPS, BALANCE_HEIGHT, BALANCE_WIDTH, BalanceScene } from './scene.js';

/** Pushes toward where the pole is falling, a little ahead of it. */
const balancer = (obs: Float32Array) => (obs[2]! + 0.5 * obs[3]! + 0.01 * obs[0]! + 0.1 * obs[1]! > 0 ? 1 : 0);

const game = new Phaser.Game({
  type: Phaser.AUTO,
  width: BALANCE_WIDTH,
  height: BALANCE_HEIGHT,
  parent: 'game',
  backgroundColor: '#10141c',
  fps: { limit: BALANCE_FPS },
  plugins: { scene: [distillPluginEntry] },
  scene: [BalanceScene],
});

function use(name: string): void {
  const driver: Driver = name === 'human' ? 'human' : balancer;
  (game.scene.getScene('balance') as BalanceScene).ai.use(BALANCE_AGENT, driver);
  document.getElementById('status')!.textContent = `cart: ${name}`;
}

document.getElementById('driver')!.addEventListener('change', (e) => use((e.target as HTMLSelectElement).value));
game.events.once(Phaser.Core.Events.READY, () => use(new URLSearchParams(location.search).get('driver') ?? 'balancer'));
