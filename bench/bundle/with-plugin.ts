/** The same game with the paddle played by one shipped student through the plugin (sampling at temperature 0.5). */
import Phaser from 'phaser';
import { distillPluginEntry, loadStudentPolicy } from 'phaser-distill';
import student from '../../assets/policies/pong/s8-int8.json';
import { declarePaddle } from './paddle.js';
import { ChaseScene, config } from './scene.js';

class Played extends ChaseScene {
  override create(): void {
    super.create();
    declarePaddle(this);
    this.ai.use('paddle', loadStudentPolicy(student, { temperature: 0.5 }));
  }
}

new Phaser.Game({ ...config, plugins: { scene: [distillPluginEntry] }, scene: [Played] });
