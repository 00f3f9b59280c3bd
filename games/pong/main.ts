/**
 * The Pong page: the left paddle is played by you (arrow keys), the trained teacher, or a simple
 * ball follower; switch at any time, the match goes on. `?driver=human|teacher|follow` picks the
 * first one. The page exposes `window.pong` for tests.
 */
import Phaser from 'phaser';
import { distillPluginEntry, type Driver } from 'phaser-distill';
import { PONG_HEIGHT, PONG_WIDTH } from './constants.js';
import { followBall } from './policies.js';
import { PongScene, PONG_AGENT } from './scene.js';
import { fetchTeacher } from '../shared/load-teacher.js';

const game = new Phaser.Game({
  type: Phaser.AUTO,
  width: PONG_WIDTH,
  height: PONG_HEIGHT,
  parent: 'game',
  backgroundColor: '#10141c',
  physics: { default: 'arcade', arcade: { fixedStep: true, fps: 60 } },
  plugins: { scene: [distillPluginEntry] },
  scene: [PongScene],
});

const status = document.getElementById('status')!;
const scene = () => game.scene.getScene('pong') as PongScene;

async function driverFor(name: string): Promise<Driver> {
  if (name === 'human') return 'human';
  if (name === 'follow') return followBall;
  if (name === 'teacher') return fetchTeacher('/assets/teachers/pong');
  throw new Error(`unknown driver '${name}' (expected human, teacher or follow)`);
}

async function use(name: string): Promise<void> {
  try {
    scene().ai.use(PONG_AGENT, await driverFor(name));
    status.textContent = `left paddle: ${name}`;
    (document.getElementById('driver') as HTMLSelectElement).value = name;
  } catch (e) {
    status.textContent = (e as Error).message;
  }
}

/** Counts the distinct colours of a rendered frame: a blank canvas has one. */
function frameStats(): Promise<{ colours: number; width: number; height: number }> {
  return new Promise((resolve) => {
    game.renderer.snapshot((image) => {
      const img = image as HTMLImageElement;
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      resolve({ colours: seen.size, width: img.width, height: img.height });
    });
  });
}

document.getElementById('driver')!.addEventListener('change', (e) => void use((e.target as HTMLSelectElement).value));
game.events.once(Phaser.Core.Events.READY, () => {
  const first = new URLSearchParams(location.search).get('driver') ?? 'teacher';
  void use(first).then(() => {
    (window as unknown as { pong: unknown }).pong = { game, scene, use, frameStats, ready: true };
  });
});
