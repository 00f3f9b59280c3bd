/** The same game with the paddle played through the Pong difficulty ladder: every level's student ships. */
import Phaser from 'phaser';
import { distillPluginEntry, loadStudentPolicy, type LadderPolicies } from 'phaser-distill';
import ladder from '../../assets/policies/pong/ladder.json';
import { ChaseScene, config } from './scene.js';

// Every student file in the folder, bundled as JSON; the ladder names the ones it plays.
const files = import.meta.glob<{ default: unknown }>('../../assets/policies/pong/s*.json', { eager: true });
const policies: LadderPolicies = {};
for (const [path, module] of Object.entries(files)) policies[path.split('/').pop()!] = loadStudentPolicy(module.default);

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
    this.ai.difficulty('paddle', ladder, policies).setDifficulty(2);
  }
}

new Phaser.Game({ ...config, plugins: { scene: [distillPluginEntry] }, scene: [Played] });
