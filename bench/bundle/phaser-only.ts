/** A Phaser game with a scripted paddle and no phaser-distill. */
import Phaser from 'phaser';
import { ChaseScene, config } from './scene.js';

class Scripted extends ChaseScene {
  override update(): void {
    super.update();
    this.paddle.y += Math.sign(this.ball.y - this.paddle.y) * 2;
  }
}

new Phaser.Game({ ...config, scene: [Scripted] });
