/**
 * The scene systems that keep time, driven by the plugin's simulation step instead of the display's
 * frames: the scene's clock (`time.addEvent`, `delayedCall`), its tweens, and its physics (Arcade or
 * Matter). Left to themselves, Phaser's clock follows the loop's delta, tweens take their delta from
 * `Date.now()`, and Matter's automatic update stops early when a real-time budget runs out, so a
 * scene that uses them would be a different game on a 30 Hz and a 144 Hz display, in the page and
 * in training, and from one run to the next. Here each advances exactly one step's `dt` per
 * simulation step, in this order: the clock's timers, the tweens, then physics.
 *
 * A system is taken over on the scene's first frame after each START (when it has hooked itself to
 * the scene's events), by unhooking its own update. Only types come from Phaser, and Matter is
 * reached through the scene, so a game that does not use it carries nothing of it.
 */
import type Phaser from 'phaser';
import { PRE_UPDATE, UPDATE } from './events.js';

/** A system that advances by one simulation step of `dt` ms; `time` is the simulation time since the scene started. */
export interface SimSystem {
  readonly name: string;
  step(time: number, dt: number): void;
}

/** The part of Phaser.Time.Clock stepped here. */
interface ClockLike {
  paused: boolean;
  preUpdate(): void;
  update(time: number, delta: number): void;
}

/** The part of Phaser.Tweens.TweenManager stepped here: `step(true)` runs every tween by `getDelta()`. */
interface TweensLike {
  paused: boolean;
  time: number;
  update(): void;
  step(tick: boolean): void;
  getDelta(tick?: boolean): number;
}

/** The part of Phaser.Physics.Arcade.ArcadePhysics stepped here. */
interface ArcadeLike {
  disableUpdate(): void;
  world: { singleStep(): void; setFPS(fps: number): unknown };
}

/** The part of Phaser.Physics.Matter.MatterPhysics stepped here. */
interface MatterLike {
  world?: { autoUpdate: boolean; enabled: boolean; step(delta: number): void };
}

/**
 * Takes over the clock, tweens and physics of `systems` and returns them in step order. `warn`
 * hears once of each system that was taken back from the plugin later (a Matter world whose
 * automatic update was turned on again by `set60Hz`, say).
 */
export function takeOverSystems(systems: Phaser.Scenes.Systems, stepRate: number, warn: (message: string) => void): SimSystem[] {
  const events = systems.events;
  const found: SimSystem[] = [];

  const clock = (systems as unknown as { time?: ClockLike }).time;
  if (clock) {
    events.off(PRE_UPDATE, clock.preUpdate, clock);
    events.off(UPDATE, clock.update, clock);
    found.push({
      name: 'the scene clock',
      step: (time, dt) => {
        clock.preUpdate();
        clock.update(time, dt);
      },
    });
  }

  const tweens = (systems as unknown as { tweens?: TweensLike }).tweens;
  if (tweens) {
    events.off(UPDATE, tweens.update, tweens);
    let stepDt = 0;
    // TweenManager.step reads its delta from getDelta (Date.now() by default): here, one step.
    tweens.getDelta = () => {
      tweens.time += stepDt / 1000;
      return stepDt;
    };
    found.push({
      name: 'the tweens',
      step: (_time, dt) => {
        if (tweens.paused) return;
        stepDt = dt;
        tweens.step(true);
      },
    });
  }

  const arcade = (systems as unknown as { arcadePhysics?: ArcadeLike }).arcadePhysics;
  if (arcade) {
    arcade.disableUpdate();
    arcade.world.setFPS(stepRate);
    found.push({ name: 'Arcade physics', step: () => arcade.world.singleStep() });
  }

  const world = (systems as unknown as { matterPhysics?: MatterLike }).matterPhysics?.world;
  if (world) {
    world.autoUpdate = false;
    let warned = false;
    found.push({
      name: 'Matter physics',
      step: (_time, dt) => {
        if (world.autoUpdate) {
          world.autoUpdate = false;
          if (!warned) warn("Matter's automatic update was turned on again (matter.set60Hz / set30Hz, or world.autoUpdate = true), which steps Matter with the display's frames: the plugin turned it off, and steps Matter once per simulation step so that play and training stay the same game.");
          warned = true;
        }
        if (world.enabled) world.step(dt);
      },
    });
  }
  return found;
}
