/**
 * A real scene with many agents of one behaviour, for the many-agent tests. Import
 * 'phaser-distill/node' before this file.
 *
 * Every agent of behaviour 'ant' is born with a serial number s (0, 1, 2, .. in the scene) and
 * lives `life(s)` decisions. Its observation is [s, its decisions so far, the action it last took],
 * its reward each decision is s + 1, so an episode's return and length say whose it was: s + 1
 * times life(s). With `respawn`, an ant that reaches its age leaves (`this.ai.remove`) and a new ant
 * takes its place in the same step; without, it ends by its done() and stays, inert.
 */
import Phaser from 'phaser';
import type { AgentSpec } from 'phaser-distill';

export const CROWD_PERIOD = 2;

export interface Ant {
  serial: number;
  name: string;
  decisions: number;
  lastAction: number;
  steps: number;
  gone: boolean;
}

export class CrowdScene extends Phaser.Scene {
  /** Ants declared as the scene starts. */
  count = 4;
  /** A gone ant is replaced in the same step. */
  respawn = true;
  /** Decisions an ant lives. */
  life: (serial: number) => number = (s) => 3 + (s % 4);
  /** Every ant of this run, by serial. */
  readonly ants: Ant[] = [];
  /** Extra ants to declare at the start (for the refusal of a wrong count). */
  extra = 0;
  /** Agents of a second behaviour, 'scout', that the trainer does not drive: each counts its decisions and keeps its last action. */
  scouts = 0;
  readonly scoutDecisions: number[] = [];
  readonly scoutActions: number[] = [];

  constructor() {
    super('crowd');
  }

  create(): void {
    this.ants.length = 0;
    for (let i = 0; i < this.count + this.extra; i++) this.spawn();
    this.scoutDecisions.length = 0;
    this.scoutActions.length = 0;
    for (let k = 0; k < this.scouts; k++) {
      this.scoutDecisions.push(0);
      this.scoutActions.push(-1);
      this.ai.agent(`scout-${k}`, {
        behavior: 'scout',
        observation: { shape: [6], low: -2, high: 2 },
        action: { type: 'discrete', n: 5 },
        observe: () => {
          this.scoutDecisions[k]! += 1;
          return [k / 10, -k / 10, 0, 0, 0, 0];
        },
        act: (a) => {
          this.scoutActions[k] = a;
        },
        decisionPeriod: 3,
      });
    }
  }

  spawn(): Ant {
    const serial = this.ants.length;
    const ant: Ant = { serial, name: `ant-${serial}`, decisions: 0, lastAction: -1, steps: 0, gone: false };
    this.ants.push(ant);
    this.ai.agent(ant.name, antSpec(this, ant));
    return ant;
  }

  override fixedUpdate(): void {
    for (const ant of this.ants) {
      if (ant.gone || ant.lastAction < 0) continue;
      ant.steps += 1;
      if (ant.steps % CROWD_PERIOD === 0) ant.decisions += 1;
      if (this.respawn && ant.decisions >= this.life(ant.serial)) {
        ant.gone = true;
        this.ai.remove(ant.name);
        this.spawn();
      }
    }
  }
}

function antSpec(scene: CrowdScene, ant: Ant): AgentSpec<{ type: 'discrete'; n: 3 }> {
  return {
    behavior: 'ant',
    observation: { shape: [3], low: -1, high: 1000 },
    action: { type: 'discrete', n: 3 },
    observe: () => [ant.serial, ant.decisions, ant.lastAction],
    act: (a) => {
      ant.lastAction = a;
    },
    reward: () => ant.serial + 1,
    done: () => (!scene.respawn && ant.decisions >= scene.life(ant.serial) ? 'terminated' : false),
    decisionPeriod: CROWD_PERIOD,
  };
}
