/** The same game with the paddle played by a shipped student through the plugin, at a difficulty level. */
import Phaser from 'phaser';
import { distillPluginEntry, loadStudentPolicy } from 'phaser-distill';
import student from '../../assets/policies/pong/s8-int8.json';
import { ChaseScene, config } from './scene.js';

class Played extends ChaseScene {
  override create(): void {
    super.create();
    this.ai.agent('paddle', {
      observation: { shape: [7], low: -2, high: 2 },
      action: { type: 'discrete', n: 3 },
      observe: () => this.observe(),
      act: (a) => {
        this.paddle.y += (a - 1) * 2;
      },
      decisionPeriod: 2,
    });
    this.ai.use('paddle', loadStudentPolicy(student, { temperature: 0.5 }));
  }
}

new Phaser.Game({ ...config, plugins: { scene: [distillPluginEntry] }, scene: [Played] });
