/** The one-student game that also records the player (a 'player' agent on the arrow keys) and offers the demo file. */
import Phaser from 'phaser';
import { distillPluginEntry, loadStudentPolicy } from 'phaser-distill';
import 'phaser-distill/record';
import student from '../../assets/policies/pong/s8-int8.json';
import { declarePaddle } from './paddle.js';
import { ChaseScene, config } from './scene.js';

class Recorded extends ChaseScene {
  override create(): void {
    super.create();
    declarePaddle(this);
    this.ai.use('paddle', loadStudentPolicy(student, { temperature: 0.5 }));
    const keys = this.input.keyboard!.createCursorKeys();
    this.ai.agent('player', {
      observation: { shape: [7], low: -2, high: 2 },
      action: { type: 'discrete', n: 3 },
      observe: () => this.observe(),
      act: (a) => {
        this.paddle.y += (a - 1) * 2;
      },
      human: () => (keys.up.isDown ? 0 : keys.down.isDown ? 2 : 1),
    });
    this.ai.use('player', 'human');
    const recorder = this.ai.record('player');
    this.input.keyboard!.on('keydown-S', () => console.log(recorder.episodes, recorder.toFile().length));
  }
}

new Phaser.Game({ ...config, plugins: { scene: [distillPluginEntry] }, scene: [Recorded] });
