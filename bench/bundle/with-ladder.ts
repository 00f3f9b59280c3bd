/** The same game with the paddle played through the Pong difficulty ladder and the students it plays. */
import Phaser from 'phaser';
import { Difficulty, distillPluginEntry, loadStudentPolicy, type LadderPolicies } from 'phaser-distill';
import ladder from '../../assets/policies/pong/ladder.json';
import { declarePaddle } from './paddle.js';
import { ChaseScene, config } from './scene.js';

// The ladder plays the int8 students: bundle those, as JSON.
const files = import.meta.glob<{ default: unknown }>('../../assets/policies/pong/s*-int8.json', { eager: true });
const policies: LadderPolicies = {};
for (const [path, module] of Object.entries(files)) policies[path.split('/').pop()!] = loadStudentPolicy(module.default);

class Played extends ChaseScene {
  override create(): void {
    super.create();
    declarePaddle(this);
    new Difficulty(this.ai, 'paddle', ladder, policies).setDifficulty(2);
  }
}

new Phaser.Game({ ...config, plugins: { scene: [distillPluginEntry] }, scene: [Played] });
