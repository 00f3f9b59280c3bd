/**
 * A real scene with two teams, for the team tests. Import 'phaser-distill/node' before this file.
 *
 * Two agents of behaviour 'red' (team 'red') and two of 'blue' (team 0). Each observes [its index,
 * steps so far, its last action]; its own reward each decision is 0.1 x (index + 1). At step
 * `groupAt` the scene gives 'red' a group reward of 5, and at step `endAt` it ends red's episode
 * with `endTeamEpisode`.
 */
import Phaser from 'phaser';

export const TEAM_PERIOD = 2;

export class TeamScene extends Phaser.Scene {
  groupAt = 3;
  endAt = 8;
  steps = 0;
  readonly last = { red: [-1, -1], blue: [-1, -1] };

  constructor() {
    super('teams');
  }

  create(): void {
    this.steps = 0;
    for (const side of ['red', 'blue'] as const) {
      for (let i = 0; i < 2; i++) {
        this.ai.agent(`${side}-${i}`, {
          behavior: side,
          team: side === 'red' ? 'red' : 0,
          observation: { shape: [3], low: -100, high: 100 },
          action: { type: 'discrete', n: 3 },
          observe: () => [i, this.steps, this.last[side][i]!],
          act: (a) => {
            this.last[side][i] = a;
          },
          reward: () => 0.1 * (i + 1),
          decisionPeriod: TEAM_PERIOD,
        });
      }
    }
  }

  override fixedUpdate(): void {
    this.steps += 1;
    if (this.steps === this.groupAt) this.ai.addGroupReward('red', 5);
    if (this.steps === this.endAt) this.ai.endTeamEpisode('red');
  }
}
