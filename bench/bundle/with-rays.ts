/** The one-student game, its paddle also seeing the ball through a RaySensor2D (five rays, as a game that senses would). */
import Phaser from 'phaser';
import { RaySensor2D, distillPluginEntry, loadStudentPolicy } from 'phaser-distill';
import student from '../../assets/policies/pong/s8-int8.json';
import { declarePaddle } from './paddle.js';
import { ChaseScene, config } from './scene.js';

class Sensing extends ChaseScene {
  rays!: RaySensor2D;

  override create(): void {
    super.create();
    this.rays = new RaySensor2D(this, { rayLength: 400, tags: ['ball'], raysPerDirection: 2, shapes: [{ shape: new Phaser.Geom.Circle(320, 100, 5), tag: 'ball' }] });
    declarePaddle(this);
    this.ai.use('paddle', loadStudentPolicy(student, { temperature: 0.5 }));
  }

  override update(): void {
    super.update();
    this.rays.observe(this.paddle);
  }
}

new Phaser.Game({ ...config, plugins: { scene: [distillPluginEntry] }, scene: [Sensing] });
