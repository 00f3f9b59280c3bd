/**
 * No silent failures: what a game gets wrong without an error is said once on the console, in
 * development builds. A driver for an agent the scene never declares (a misspelt name); a sensor
 * whose tags match nothing it sees for a whole run; a Matter world whose automatic update a game
 * turned on again (which the plugin also turns off again, so the game stays on simulation time).
 */
import { HeadlessGame, RaySensor2D } from 'phaser-distill/node';
import Phaser from 'phaser';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { MACHINERY, type MachineryScene } from '../helpers/machinery-scene.js';
import { WalkScene } from '../helpers/scenes.js';

let warn: MockInstance<typeof console.warn>;
const hosts: HeadlessGame[] = [];
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
  warn.mockRestore();
});
const warnings = () => warn.mock.calls.map((c) => String(c[0]));

/** A probe with a ray sensor looking at a coin, its tags as given. */
function probeScene(tags: string[]) {
  return class Probe extends Phaser.Scene {
    constructor() {
      super('probe');
    }
    create(): void {
      const coin = this.add.circle(150, 50, 5).setName('coin');
      this.physics.add.existing(coin, true);
      const probe = this.add.rectangle(50, 50, 4, 4);
      const sensor = new RaySensor2D(this, { tags, rayLength: 200, raysPerDirection: 0, from: probe });
      this.ai.agent('probe', { sensors: [sensor], action: { type: 'discrete', n: 2 }, act: () => undefined, decisionPeriod: 1 });
    }
  };
}

describe('development warnings', () => {
  it("a driver for an agent the scene never declares, once however often the scene restarts", async () => {
    const host = await HeadlessGame.create({ game: { scene: WalkScene, width: 200, height: 100 } });
    hosts.push(host);
    const scene = host.scenes[0]!;
    scene.ai.use('walkr', () => 1);
    for (let k = 0; k < 3; k++) {
      host.restart(0, k);
      host.frame();
    }
    const said = warnings().filter((w) => w.includes('walkr'));
    expect(said).toEqual(["scene 'walk#0': this.ai.use('walkr', ...) drives no agent: the scene declares 'walker' (warned once)"]);
    // A driver of a declared agent is not warned of.
    scene.ai.use('walker', () => 1);
    host.restart(0, 9);
    host.frame();
    expect(warnings().filter((w) => w.includes("'walker', ...)"))).toEqual([]);
  });

  it('a sensor whose tags match nothing for a whole run of the scene; not one that sees its tag', async () => {
    for (const [tags, expected] of [[['coins'], 1], [['coin'], 0]] as const) {
      warn.mockClear();
      const host = await HeadlessGame.create({ game: { scene: probeScene([...tags]), width: 200, height: 100, physics: { default: 'arcade' } } });
      hosts.push(host);
      const scene = host.scenes[0]!;
      scene.ai.use('probe', () => 0);
      for (let f = 0; f < 5; f++) host.frame();
      host.restart(0, 1);
      host.frame();
      const said = warnings().filter((w) => w.includes('matched nothing'));
      expect(said, tags.join()).toHaveLength(expected);
      if (expected) expect(said[0]).toMatch(/^scene 'probe#0': a sensor's tags \['coins'\] matched nothing it saw in a whole run of the scene \(\d+ observations\)\. A body's tag is its categoryTags entry, else tagOf\(gameObject\)/);
    }
  });

  it("a Matter world whose automatic update is turned on again: warned once, turned off, and Matter still steps once a step", async () => {
    const host = await HeadlessGame.create({ game: MACHINERY });
    hosts.push(host);
    const scene = host.scenes[0]! as MachineryScene;
    host.restart(0, 1);
    host.frame();
    scene.matter.set60Hz();
    expect(scene.matter.world.autoUpdate).toBe(true);
    for (let f = 0; f < 99; f++) host.frame();
    scene.matter.world.autoUpdate = true;
    for (let f = 0; f < 100; f++) host.frame();
    expect(scene.matter.world.autoUpdate).toBe(false);
    expect(scene.matter.world.engine.timing.timestamp).toBeCloseTo(200 * (1000 / 60), 6);
    const said = warnings().filter((w) => w.includes('automatic update'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^scene 'machinery#0': Matter's automatic update was turned on again/);
  });
});
