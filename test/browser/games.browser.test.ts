/**
 * The demo site in headless Chromium: the index lists every game and the training page; each game
 * page renders (a frame with many colours, screenshots kept in test-artifacts/), the AI moves, its
 * overlay explains each decision, switching difficulty changes how it plays (measured in the page
 * over a fixed number of game frames, so wall-clock speed does not matter), and the watch mode loads
 * the TensorFlow.js teacher only when asked.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot, useBrowser } from './harness.js';

const h = useBrowser();

interface DecisionView {
  decisions: number;
  action: number;
  probabilities: number[];
  saliency: number[];
}

/** Waits for `window[name].ready`, failing at once with the page's own error if it reports one. */
async function ready(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => {
    const hooks = (window as unknown as Record<string, { ready?: boolean; error?: string } | undefined>)[n];
    return hooks?.ready === true || hooks?.error !== undefined;
  }, name);
  const error = await page.evaluate((n) => (window as unknown as Record<string, { error?: string }>)[n]!.error, name);
  expect(error).toBeUndefined();
}

/** Waits until an overlay has drawn at least `n` decisions and returns what it shows. */
async function decisions(page: Page, expression: string, n: number): Promise<DecisionView> {
  await page.waitForFunction(`(${expression}).decisions >= ${n}`, undefined);
  return (await page.evaluate(expression)) as DecisionView;
}

function expectExplained(view: DecisionView, actions: number, features: number): void {
  expect(view.probabilities).toHaveLength(actions);
  expect(view.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  expect(view.saliency).toHaveLength(features);
  expect(view.saliency.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  expect(view.action).toBeGreaterThanOrEqual(0);
}

/** Two-proportion z statistic of a's point win rate over b's. */
function pointRateZ(a: { won: number; lost: number }, b: { won: number; lost: number }): number {
  const na = a.won + a.lost;
  const nb = b.won + b.lost;
  const pooled = (a.won + b.won) / (na + nb);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  return se > 0 ? (a.won / na - b.won / nb) / se : 0;
}

/** Picks a level the way a player does: through the selector. */
async function chooseLevel(page: Page, index: number): Promise<void> {
  await page.selectOption('#level', String(index));
}

describe('the demo site', () => {
  it('the index lists every game and the training page', async () => {
    const { page, errors } = await openPage(h, 'games/index.html');
    const links = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
    const pages = ['./pong/index.html', './balance/index.html', './racer/index.html', './lander/index.html', './train/index.html'];
    expect(links).toEqual(expect.arrayContaining(pages));
    for (const href of pages) {
      const response = await page.request.get(new URL(href, page.url()).href);
      expect(response.status(), href).toBe(200);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Pong: renders, the AI moves and explains itself, and the weakest level loses more than the strongest', async () => {
    const { page, errors, requests } = await openPage(h, 'games/pong/index.html?opponent=scripted');
    await ready(page, 'pong');
    type Pong = { scene(): { left: { y: number } }; levels: string[]; level(): number; measure(frames: number, seed: number): { won: number; lost: number; tracking: number }; frameStats(): Promise<{ colours: number; width: number; common: number[] }> };
    const pong = 'window.pong';
    const ys: number[] = [];
    // The paddle's height at 20 successive decisions of the AI, by game state, not by sleeping.
    for (let k = 1; k <= 20; k++) {
      await decisions(page, `${pong}.overlay()`, k * 3);
      ys.push(await page.evaluate(() => (window as unknown as { pong: Pong }).pong.scene().left.y));
    }
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(5);
    expectExplained(await decisions(page, `${pong}.overlay()`, 1), 3, 7);

    const stats = await page.evaluate(() => (window as unknown as { pong: Pong }).pong.frameStats());
    expect(stats.width).toBe(640);
    // The background, the white paddles and ball, the net and the anti-aliased score text.
    expect(stats.colours).toBeGreaterThan(8);
    expect(stats.common).toEqual(expect.arrayContaining([0x10141c, 0xffffff, 0x444444]));
    await screenshot(page, 'pong-play');

    const levels = await page.evaluate(() => (window as unknown as { pong: Pong }).pong.levels);
    expect(levels.length).toBeGreaterThanOrEqual(2);
    const measureAt = async (index: number) => {
      await chooseLevel(page, index);
      expect(await page.evaluate(() => (window as unknown as { pong: Pong }).pong.level())).toBe(index);
      // About eleven minutes of game time against the scripted opponent, from the same seed.
      return page.evaluate(() => (window as unknown as { pong: Pong }).pong.measure(40_000, 12_345));
    };
    const weakest = await measureAt(0);
    const strongest = await measureAt(levels.length - 1);
    const measured = JSON.stringify({ weakest, strongest });
    expect(weakest.won + weakest.lost, measured).toBeGreaterThanOrEqual(20);
    expect(strongest.won + strongest.lost, measured).toBeGreaterThanOrEqual(10);
    // The strongest level wins a larger share of points, by more than chance explains (z > 3).
    expect(pointRateZ(strongest, weakest), measured).toBeGreaterThan(3);
    expect(strongest.tracking, measured).toBeLessThan(weakest.tracking);

    // Playing needs no TensorFlow.js.
    expect(requests.filter((u) => /tensorflow|tfjs/i.test(u))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Pong: you play the right paddle with the arrow keys', async () => {
    const { page, errors } = await openPage(h, 'games/pong/index.html?opponent=human');
    await ready(page, 'pong');
    type Live = { pong: { game: { loop: { sleep(): void } }; advance(steps: number): void; scene(): { frames: number; right: { y: number }; input: { keyboard: { keys: ({ isDown: boolean } | undefined)[] } }; scene: { restart(): void } } } };
    const rightY = () => page.evaluate(() => (window as unknown as Live).pong.scene().right.y);
    // A fresh match, so no match ends (and restarts the scene, dropping the held key) meanwhile;
    // the page's own loop sleeps, so the game moves only by advance() (game time), however loaded
    // the machine. A restart takes effect on the next step.
    await page.evaluate(() => {
      const pong = (window as unknown as Live).pong;
      pong.game.loop.sleep();
      pong.scene().scene.restart();
      pong.advance(2);
    });
    expect(await page.evaluate(() => (window as unknown as Live).pong.scene().frames)).toBeLessThanOrEqual(2);
    const start = await rightY();
    // Held, and seen by the scene's keyboard (ArrowUp is key code 38) before the game moves on:
    // then twenty simulation steps at 360 px/s move the paddle 120 px, or to the wall, in game time.
    await page.keyboard.down('ArrowUp');
    await page.waitForFunction(() => (window as unknown as Live).pong.scene().input.keyboard.keys[38]?.isDown === true, undefined);
    await page.evaluate(() => (window as unknown as Live).pong.advance(20));
    const moved = await rightY();
    await page.keyboard.up('ArrowUp');
    expect(moved).toBeLessThan(Math.min(start - 40, 100));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Pong watch mode: the TensorFlow.js teacher and a student play side by side, each explained', async () => {
    const { page, errors, requests } = await openPage(h, 'games/pong/index.html?mode=watch');
    await ready(page, 'pong');
    expect(await page.evaluate(() => (window as unknown as { pong: { teacher: { backend: string } } }).pong.teacher.backend)).toMatch(/^(wasm|cpu)$/);
    expect(requests.some((u) => /tfjs/i.test(u))).toBe(true);
    expectExplained(await decisions(page, 'window.pong.teacher.overlay()', 10), 3, 7);
    expectExplained(await decisions(page, 'window.pong.student.overlay()', 10), 3, 7);
    // The first match (no one has reached 5 points yet) is served from the same seed on both sides.
    const seeds = await page.evaluate(() => ['teacher', 'student'].map((side) => (window as unknown as Record<string, Record<string, { scene(): { ai: { episodeSeed: number } } }>>).pong![side]!.scene().ai.episodeSeed));
    expect(seeds).toEqual([1, 1]);
    for (const side of ['teacher', 'student']) {
      const stats = (await page.evaluate(`window.pong.${side}.frameStats()`)) as { colours: number };
      expect(stats.colours, side).toBeGreaterThan(8);
    }
    await screenshot(page, 'pong-watch');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Racer: renders with the rays, the AI cars drive and the orange one explains itself, and the weakest level crashes more than the strongest', async () => {
    const { page, errors, requests } = await openPage(h, 'games/racer/index.html');
    await ready(page, 'racer');
    type Car = { x: number; y: number; speed: number };
    type Racer = {
      scene(): { racers: { name: string; car: Car; gatesPassed: number; rays: { visible: boolean; commandBuffer: unknown[] } | null }[]; showRays: boolean };
      levels: string[]; level(): number; rivalLevels(): number[];
      measure(frames: number, seed: number): { gates: number; crashes: number; laps: number };
      frameStats(): Promise<{ colours: number; width: number; common: number[] }>;
    };
    const cars = () => page.evaluate(() => (window as unknown as { racer: Racer }).racer.scene().racers.map((r) => ({ name: r.name, x: r.car.x, y: r.car.y, gates: r.gatesPassed })));
    // The AI cars' positions every 12 decisions of the orange car (8 s of game time in all, longer
    // than a stopped car waits for its checkpoint timer), by game state, not by sleeping.
    const seen: { name: string; x: number; y: number; gates: number }[][] = [];
    for (let k = 1; k <= 10; k++) {
      await decisions(page, 'window.racer.overlay()', k * 12);
      seen.push(await cars());
    }
    const names = seen[0]!.map((c) => c.name);
    expect(names).toEqual(['car', 'rival1', 'rival2', 'rival3', 'player']);
    for (let i = 0; i < 4; i++) {
      const path = seen.map((s) => s[i]!);
      const travelled = path.slice(1).reduce((d, p, k) => d + Math.hypot(p.x - path[k]!.x, p.y - path[k]!.y), 0);
      expect(travelled, names[i]).toBeGreaterThan(60);
    }
    // Two branches, steer and throttle, each a distribution; 1 speed + 9 rays x 3 features.
    const view = await decisions(page, 'window.racer.overlay()', 1);
    expect(view.probabilities).toHaveLength(6);
    expect(view.probabilities.slice(0, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(view.probabilities.slice(3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect((view as unknown as { choices: number[] }).choices).toHaveLength(2);
    expect(view.saliency).toHaveLength(28);
    expect(view.saliency.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

    // The rays are drawn, one Graphics per car; the toggle hides them.
    const rays = () => page.evaluate(() => (window as unknown as { racer: Racer }).racer.scene().racers.map((r) => ({ visible: r.rays!.visible, commands: r.rays!.commandBuffer.length })));
    expect((await rays()).every((r) => r.visible && r.commands > 0)).toBe(true);
    const stats = await page.evaluate(() => (window as unknown as { racer: Racer }).racer.frameStats());
    expect(stats.width).toBe(800);
    // The background, the tarmac and the walls, the cars and their rays.
    expect(stats.colours).toBeGreaterThan(8);
    expect(stats.common).toEqual(expect.arrayContaining([0x10141c, 0x2b3040]));
    await screenshot(page, 'racer-play');
    await page.uncheck('#rays');
    await page.waitForFunction(() => (window as unknown as { racer: Racer }).racer.scene().racers.every((r) => !r.rays!.visible));

    const levels = await page.evaluate(() => (window as unknown as { racer: Racer }).racer.levels);
    expect(levels.length).toBeGreaterThanOrEqual(2);
    const measureAt = async (index: number) => {
      await chooseLevel(page, index);
      // The rivals follow the level picked.
      expect(await page.evaluate(() => (window as unknown as { racer: Racer }).racer.rivalLevels())).toEqual([index, index, index]);
      // 100 s of game time of the four AI cars, from the same unseen track.
      return page.evaluate(() => (window as unknown as { racer: Racer }).racer.measure(6_000, 3));
    };
    const weakest = await measureAt(0);
    const strongest = await measureAt(levels.length - 1);
    const measured = JSON.stringify({ weakest, strongest });
    expect(strongest.crashes, measured).toBeLessThan(weakest.crashes);
    expect(strongest.gates, measured).toBeGreaterThan(weakest.gates);
    expect(strongest.laps, measured).toBeGreaterThanOrEqual(4);

    // Playing needs no TensorFlow.js.
    expect(requests.filter((u) => /tensorflow|tfjs/i.test(u))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Racer: you drive the yellow car with the arrow keys', async () => {
    const { page, errors } = await openPage(h, 'games/racer/index.html');
    await ready(page, 'racer');
    type Live = { racer: { game: { loop: { sleep(): void } }; newRace(k: number): void; advance(steps: number): void; scene(): { steps: number; input: { keyboard: { keys: ({ isDown: boolean } | undefined)[] } }; racers: { name: string; crashes: number; car: { x: number; y: number; speed: number; rotation: number } }[] } } };
    const CODES: Record<string, number> = { ArrowLeft: 37, ArrowUp: 38, ArrowRight: 39, ArrowDown: 40 };
    /** Until the scene's keyboard has seen `key` go down (or up): a loaded machine may take a while to deliver it. */
    const seen = (key: string, down: boolean) => page.waitForFunction(([code, d]) => Boolean((window as unknown as Live).racer.scene().input.keyboard.keys[code as number]?.isDown) === d, [CODES[key]!, down] as const);
    const player = () => page.evaluate(() => {
      const r = (window as unknown as Live).racer.scene().racers.find((c) => c.name === 'player')!;
      return { ...r.car, crashes: r.crashes };
    });
    /**
     * Holds `key` (a real key press, as a player's) over `n` simulation steps run at once in the
     * page: game time, so the number of steps it is held does not depend on the machine's speed.
     */
    const hold = async (key: string, n: number) => {
      await page.keyboard.down(key);
      await seen(key, true);
      await page.evaluate((steps) => (window as unknown as Live).racer.advance(steps), n);
      await page.keyboard.up(key);
      await seen(key, false);
    };
    // A fresh race on a track whose start the moves below fit (no wall in the way).
    // The page's own loop sleeps from here: the game moves only by advance() (game time).
    await page.evaluate(() => {
      const racer = (window as unknown as Live).racer;
      racer.game.loop.sleep();
      racer.newRace(11);
      racer.advance(2);
    });
    expect(await page.evaluate(() => (window as unknown as Live).racer.scene().steps)).toBeLessThanOrEqual(2);
    const start = await player();
    // Untouched, the car waits on the grid.
    await page.evaluate(() => (window as unknown as Live).racer.advance(20));
    expect(await player()).toEqual(start);
    // Throttle for half a second: it moves off along its heading.
    await hold('ArrowUp', 30);
    const moved = await player();
    expect(moved.speed).toBeGreaterThan(100);
    const along = (moved.x - start.x) * Math.cos(start.rotation) + (moved.y - start.y) * Math.sin(start.rotation);
    expect(along).toBeGreaterThan(25);
    // Steering right turns it clockwise on the screen (its grid slot is on the left of the track).
    await hold('ArrowRight', 10);
    const turned = (await player()).rotation - moved.rotation;
    expect(Math.atan2(Math.sin(turned), Math.cos(turned))).toBeGreaterThan(0.2);
    // Braking stops it, and it never touched a wall.
    await hold('ArrowDown', 60);
    const stopped = await player();
    expect(stopped.speed).toBe(0);
    expect(stopped.crashes).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Racer watch mode: the TensorFlow.js teacher and a student drive the same unseen track side by side', async () => {
    const { page, errors, requests } = await openPage(h, 'games/racer/index.html?mode=watch');
    await ready(page, 'racer');
    expect(await page.evaluate(() => (window as unknown as { racer: { teacher: { backend: string } } }).racer.teacher.backend)).toMatch(/^(wasm|cpu)$/);
    expect(requests.some((u) => /tfjs/i.test(u))).toBe(true);
    for (const side of ['teacher', 'student']) {
      const view = await decisions(page, `window.racer.${side}.overlay()`, 20);
      expect(view.probabilities, side).toHaveLength(6);
      expect(view.probabilities.slice(0, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(view.probabilities.slice(3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(view.saliency).toHaveLength(28);
    }
    type Side = { scene(): { ai: { episodeSeed: number }; track: { seed: number }; learner: { gatesPassed: number } } };
    const state = () => page.evaluate(() => ['teacher', 'student'].map((side) => {
      const scene = (window as unknown as { racer: Record<string, Side> }).racer[side]!.scene();
      return { episode: scene.ai.episodeSeed, track: scene.track.seed, gates: scene.learner.gatesPassed };
    }));
    // Both on unseen track 0 (track seed 0, even: never trained on), and both on their way round.
    const [teacher, student] = await state();
    expect([teacher!.episode, teacher!.track, student!.episode, student!.track]).toEqual([0, 0, 0, 0]);
    await page.waitForFunction(() => ['teacher', 'student'].every((side) => (window as unknown as { racer: Record<string, Side> }).racer[side]!.scene().learner.gatesPassed >= 3));
    await screenshot(page, 'racer-watch');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Lander: renders, the AI lands and explains its thrusts, and the weakest level lands less often than the strongest', async () => {
    const { page, errors, requests } = await openPage(h, 'games/lander/index.html');
    await ready(page, 'lander');
    type Measure = { episodes: number; landed: number; crashed: number; away: number; truncated: number; meanReturn: number };
    type Lander = { levels: string[]; measure(frames: number, seed: number): Measure; frameStats(): Promise<{ colours: number; width: number; common: number[] }> };
    // The overlay shows the two thrusts the AI plays, each within [-1, 1], and a saliency per observation.
    const view = (await page.waitForFunction(() => {
      const v = (window as unknown as { lander: { overlay(): { decisions: number } } }).lander.overlay();
      return v.decisions >= 20 && v;
    }, undefined).then((handle) => handle.jsonValue())) as unknown as { values: number[]; means: number[]; saliency: number[] };
    expect(view.values).toHaveLength(2);
    for (const v of view.values) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(view.means).toHaveLength(2);
    expect(view.saliency).toHaveLength(8);
    expect(view.saliency.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const stats = await page.evaluate(() => (window as unknown as { lander: Lander }).lander.frameStats());
    expect(stats.width).toBe(600);
    expect(stats.colours).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'lander-play');

    // Over 6,000 game-time steps from the same seed (a handful of flights), at each end of the ladder.
    const levels = await page.evaluate(() => (window as unknown as { lander: Lander }).lander.levels);
    await chooseLevel(page, levels.length - 1);
    const strongest = await page.evaluate(() => (window as unknown as { lander: Lander }).lander.measure(6_000, 3));
    await chooseLevel(page, 0);
    const weakest = await page.evaluate(() => (window as unknown as { lander: Lander }).lander.measure(6_000, 3));
    const record = JSON.stringify({ weakest, strongest });
    console.log(`Lander levels over 6,000 steps from seed 3: ${record}`);
    // The strongest level lands every flight it finishes; the weakest lands a smaller share and scores less.
    expect(strongest.episodes, record).toBeGreaterThanOrEqual(5);
    expect(strongest.landed, record).toBe(strongest.episodes);
    expect(weakest.landed / Math.max(1, weakest.episodes), record).toBeLessThan(strongest.landed / strongest.episodes);
    expect(weakest.meanReturn, record).toBeLessThan(strongest.meanReturn);
    // The play page carries no TensorFlow.js.
    expect(requests.filter((u) => /tensorflow|tfjs/i.test(u))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Lander: you fly it with the arrow keys', async () => {
    const { page, errors } = await openPage(h, 'games/lander/index.html?driver=human');
    await ready(page, 'lander');
    type Live = { lander: { game: { loop: { sleep(): void; wake(): void } }; restart(seed: number): void; advance(steps: number): void; state(): number[]; scene(): { steps: number; throttle: Float32Array; input: { keyboard: { keys: ({ isDown: boolean } | undefined)[] } } } } };
    const state = () => page.evaluate(() => {
      const l = (window as unknown as Live).lander;
      return { s: l.state(), throttle: Array.from(l.scene().throttle), steps: l.scene().steps };
    });
    const CODES: Record<string, number> = { ArrowLeft: 37, ArrowUp: 38, ArrowRight: 39 };
    /** Advances one simulation step at a time until the scene's keyboard has `key` down (or up): the page saw the key. */
    const seen = (key: string, down: boolean) => page.evaluate(([code, d]) => {
      const l = (window as unknown as Live).lander;
      for (let k = 0; k < 60; k++) {
        if (Boolean(l.scene().input.keyboard.keys[code as number]?.isDown) === d) return k;
        l.advance(1);
      }
      throw new Error(`the page did not see key ${code} ${d ? 'down' : 'up'} in 60 steps`);
    }, [CODES[key]!, down] as const);
    /**
     * Holds `key` (a real key press) over `n` simulation steps run at once in the page: game time.
     * The page's own loop sleeps meanwhile (advance keeps it so), so nothing but these steps moves
     * the game, and they run only once the page has seen the key.
     */
    const hold = async (key: string, n: number) => {
      await page.keyboard.down(key);
      await seen(key, true);
      const before = await state();
      await page.evaluate((steps) => (window as unknown as Live).lander.advance(steps), n);
      const during = await state();
      await page.keyboard.up(key);
      await seen(key, false);
      return { before, during };
    };
    const coast = async (n: number) => {
      await page.evaluate((steps) => (window as unknown as Live).lander.advance(steps), n);
      return state();
    };
    // A fresh flight: the lander falls with no key held (observation 3 is the vertical speed).
    await page.evaluate(() => (window as unknown as Live).lander.restart(5));
    await page.waitForFunction(() => (window as unknown as Live).lander.scene().steps >= 2);
    // From here the game moves by advance(steps) alone.
    await page.evaluate(() => (window as unknown as Live).lander.game.loop.sleep());
    const before = await coast(10);
    // Both engines off: main -1 (it fires only above 0), lateral 0 (it fires only beyond +-0.5).
    expect(before.throttle).toEqual([-1, 0]);
    const falling = (await coast(10)).s[3]! - before.s[3]!;
    expect(falling).toBeLessThan(0);
    // Up fires the main engine at full throttle: the lander now climbs against gravity.
    const up = await hold('ArrowUp', 15);
    expect(up.during.throttle[0]).toBe(1);
    expect(up.during.s[3]! - up.before.s[3]!).toBeGreaterThan(0);
    // Right fires the side engine that pushes it right, Left the one that pushes it left (observation 2: horizontal speed).
    const right = await hold('ArrowRight', 15);
    expect(right.during.throttle[1]).toBe(1);
    expect(right.during.s[2]! - right.before.s[2]!).toBeGreaterThan(0);
    const left = await hold('ArrowLeft', 15);
    expect(left.during.throttle[1]).toBe(-1);
    expect(left.during.s[2]! - left.before.s[2]!).toBeLessThan(0);
    await page.evaluate(() => (window as unknown as Live).lander.game.loop.wake());
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Lander watch mode: the TensorFlow.js teacher and a student fly the same flight side by side', async () => {
    const { page, errors, requests } = await openPage(h, 'games/lander/index.html?mode=watch');
    await ready(page, 'lander');
    expect(requests.some((u) => /tfjs/i.test(u))).toBe(true);
    for (const side of ['teacher', 'student']) {
      const view = (await page.waitForFunction((s) => {
        const v = (window as unknown as { lander: Record<string, { overlay(): { decisions: number } }> }).lander[s]!.overlay();
        return v.decisions >= 20 && v;
      }, side).then((handle) => handle.jsonValue())) as unknown as { values: number[]; saliency: number[] };
      expect(view.values, side).toHaveLength(2);
      expect(view.saliency, side).toHaveLength(8);
    }
    await screenshot(page, 'lander-watch');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Balance: renders, the AI balances and explains itself, and the weakest level falls more than the strongest', async () => {
    const { page, errors } = await openPage(h, 'games/balance/index.html');
    await ready(page, 'balance');
    type Balance = { scene(): { state: number[] }; levels: string[]; measure(frames: number, seed: number): { falls: number; survived: number; meanAngle: number }; frameStats(): Promise<{ colours: number; width: number; common: number[] }> };
    const xs: number[] = [];
    for (let k = 1; k <= 10; k++) {
      await decisions(page, 'window.balance.overlay()', k * 10);
      xs.push(await page.evaluate(() => (window as unknown as { balance: Balance }).balance.scene().state[0]!));
    }
    expect(new Set(xs).size).toBeGreaterThan(5);
    expectExplained(await decisions(page, 'window.balance.overlay()', 1), 2, 4);
    const stats = await page.evaluate(() => (window as unknown as { balance: Balance }).balance.frameStats());
    expect(stats.width).toBe(600);
    // The background, the track, the cart (blue) and the pole (yellow) are all drawn.
    expect(stats.colours).toBeGreaterThanOrEqual(4);
    expect(stats.common).toEqual(expect.arrayContaining([0x10141c, 0x4aa3df, 0xe8c547]));
    await screenshot(page, 'balance-play');

    const levels = await page.evaluate(() => (window as unknown as { balance: Balance }).balance.levels);
    await chooseLevel(page, 0);
    const weakest = await page.evaluate(() => (window as unknown as { balance: Balance }).balance.measure(10_000, 7));
    await chooseLevel(page, levels.length - 1);
    const strongest = await page.evaluate(() => (window as unknown as { balance: Balance }).balance.measure(10_000, 7));
    // Fewer falls means longer episodes: compare falls per step, and the pole's wobble.
    expect(strongest.falls, JSON.stringify({ weakest, strongest })).toBeLessThan(weakest.falls);
    expect(strongest.meanAngle).toBeLessThan(weakest.meanAngle);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Balance: you can take over from the AI', async () => {
    const { page, errors } = await openPage(h, 'games/balance/index.html');
    await ready(page, 'balance');
    await page.check('#takeover');
    type Live = { balance: { game: { loop: { sleep(): void; wake(): void } }; advance(steps: number): void; scene(): { steps: number; push: number; ai: { episodeSeed: number; driverOf(name: string): unknown }; scene: { restart(): void }; input: { keyboard: { keys: ({ isDown: boolean } | undefined)[] } } } } };
    const CODES: Record<string, number> = { ArrowLeft: 37, ArrowRight: 39 };
    // The page's own loop sleeps: from here the game moves only by advance(), in game time, so no
    // number of real frames (a loaded machine's) can come between a key and the pushes read.
    // Phaser's keyboard takes a key down or up as the browser's event arrives, not on a frame.
    await page.evaluate(() => (window as unknown as Live).balance.game.loop.sleep());
    const isDown = (key: string) => page.evaluate((code) => Boolean((window as unknown as Live).balance.scene().input.keyboard.keys[code]?.isDown), CODES[key]!);
    /** The push of each of `n` simulation steps, advanced one at a time. */
    const pushes = (n: number) =>
      page.evaluate((count) => {
        const live = (window as unknown as Live).balance;
        return Array.from({ length: count }, () => {
          live.advance(1);
          return live.scene().push;
        });
      }, n);
    // Held arrows push one way every step, each from a fresh episode (held long, the pole falls).
    for (const [key, push] of [['ArrowRight', 1], ['ArrowLeft', 0]] as const) {
      // A restart takes effect on the next step: step until the new episode (a new seed) has begun.
      const fresh = await page.evaluate(() => {
        const live = (window as unknown as Live).balance;
        const old = live.scene().ai.episodeSeed;
        live.scene().scene.restart();
        for (let k = 0; k < 10 && (live.scene().ai.episodeSeed === old || live.scene().steps < 1); k++) live.advance(1);
        return { seed: live.scene().ai.episodeSeed !== old, steps: live.scene().steps, driver: String(live.scene().ai.driverOf('cart')) };
      });
      expect(fresh.seed, JSON.stringify(fresh)).toBe(true);
      expect(fresh.driver).toBe('human');
      await page.keyboard.down(key);
      expect(await isDown(key)).toBe(true);
      expect(await pushes(3), key).toEqual([push, push, push]);
      await page.keyboard.up(key);
      expect(await isDown(key)).toBe(false);
    }
    // Let go, the pushes alternate (no net force).
    const free = await pushes(4);
    expect(new Set(free)).toEqual(new Set([0, 1]));
    await page.evaluate(() => (window as unknown as Live).balance.game.loop.wake());
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Balance watch mode: teacher and student side by side', async () => {
    const { page, errors } = await openPage(h, 'games/balance/index.html?mode=watch');
    await ready(page, 'balance');
    expectExplained(await decisions(page, 'window.balance.teacher.overlay()', 10), 2, 4);
    expectExplained(await decisions(page, 'window.balance.student.overlay()', 10), 2, 4);
    await screenshot(page, 'balance-watch');
    expect(errors).toEqual([]);
    await page.close();
  });
});
