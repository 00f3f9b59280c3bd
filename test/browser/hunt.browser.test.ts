/**
 * The Hunt page in headless Chromium: three AI hunters sharing one student hunt the prey, the
 * overlay explains one of them and says which, the hunters move, and a player plays the prey with
 * the arrow keys (keys held over simulation steps run in the page, never over wall-clock time).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot, useBrowser } from './harness.js';

const h = useBrowser();

type Measure = { episodes: number; caught: number; escaped: number; meanReturn: number };
interface Body { x: number; y: number }
interface Hunt {
  ready?: boolean;
  error?: string;
  levels: string[];
  explained: string;
  overlay(): { agent: string | null; decisions: number; probabilities: number[]; saliency: number[] };
  measure(frames: number, seed: number): Measure;
  frameStats(): Promise<{ colours: number; width: number }>;
  game: { loop: { sleep(): void } };
  restart(seed: number): void;
  advance(steps: number): void;
  scene(): { steps: number; hunters: { name: string; body: Body }[]; prey: { body: Body; aimX: number; aimY: number }; input: { keyboard: { keys: ({ isDown: boolean } | undefined)[] } } };
}

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = (window as unknown as { hunt?: Hunt }).hunt;
    return w?.ready === true || w?.error !== undefined;
  }, undefined);
  expect(await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.error)).toBeUndefined();
}

describe('the Hunt page', () => {
  it('renders; the hunters move and the overlay explains one of them, named; the strongest level catches more than the weakest', async () => {
    const { page, errors, requests } = await openPage(h, 'games/hunt/index.html?prey=scripted');
    await ready(page);
    await page.waitForFunction(() => (window as unknown as { hunt: Hunt }).hunt.overlay().decisions >= 10);
    const view = await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.overlay());
    expect(view.agent).toBe('hunter-0');
    expect(view.probabilities).toHaveLength(9);
    expect(view.saliency).toHaveLength(13);
    expect(await page.textContent('.overlay .subject')).toMatch(/explains hunter-0/);
    const stats = await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.frameStats());
    expect(stats.width).toBe(320);
    expect(stats.colours).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'hunt-play');
    // Game time from here: the hunters move by advance() alone.
    const where = () => page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.scene().hunters.map((x) => ({ ...x.body, name: x.name })).map(({ x, y, name }) => ({ x, y, name })));
    await page.evaluate(() => {
      const hunt = (window as unknown as { hunt: Hunt }).hunt;
      hunt.game.loop.sleep();
      hunt.restart(5);
      hunt.advance(1);
    });
    const before = await where();
    await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.advance(60));
    const after = await where();
    expect(before.map((b) => b.name)).toEqual(['hunter-0', 'hunter-1', 'hunter-2']);
    for (let i = 0; i < 3; i++) expect(Math.hypot(after[i]!.x - before[i]!.x, after[i]!.y - before[i]!.y), `hunter ${i}`).toBeGreaterThan(20);
    const levels = await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.levels);
    await page.selectOption('#level', String(levels.length - 1));
    const strongest = await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.measure(12_000, 7));
    await page.selectOption('#level', '0');
    const weakest = await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.measure(12_000, 7));
    const record = JSON.stringify({ weakest, strongest });
    console.log(`Hunt levels over 12,000 steps from seed 7: ${record}`);
    expect(strongest.caught / strongest.episodes, record).toBeGreaterThan(weakest.caught / weakest.episodes);
    expect(requests.filter((u) => /tensorflow|tfjs/i.test(u))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('you play the prey with the arrow keys', async () => {
    const { page, errors } = await openPage(h, 'games/hunt/index.html?prey=human');
    await ready(page);
    const prey = () => page.evaluate(() => {
      const p = (window as unknown as { hunt: Hunt }).hunt.scene().prey;
      return { x: p.body.x, y: p.body.y, aimX: p.aimX, aimY: p.aimY };
    });
    await page.evaluate(() => {
      const hunt = (window as unknown as { hunt: Hunt }).hunt;
      hunt.game.loop.sleep();
      hunt.restart(3);
      hunt.advance(2);
    });
    // The page has taken a key (down or up) before the game steps on it.
    const seen = (code: number, down: boolean) => page.waitForFunction(([c, d]) => Boolean((window as unknown as { hunt: Hunt }).hunt.scene().input.keyboard.keys[c as number]?.isDown) === d, [code, down] as const);
    const LEFT = 37;
    const DOWN = 40;
    const start = await prey();
    await page.keyboard.down('ArrowLeft');
    await seen(LEFT, true);
    await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.advance(30));
    const left = await prey();
    await page.keyboard.up('ArrowLeft');
    await seen(LEFT, false);
    expect(left.aimX).toBeLessThan(0);
    expect(left.x - start.x).toBeLessThan(-20);
    await page.keyboard.down('ArrowDown');
    await seen(DOWN, true);
    await page.evaluate(() => (window as unknown as { hunt: Hunt }).hunt.advance(30));
    const down = await prey();
    await page.keyboard.up('ArrowDown');
    expect(down.aimY).toBeGreaterThan(0);
    expect(down.y - left.y).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('watch mode: teacher (TensorFlow.js) and student hunters side by side, each overlay naming the hunter it explains', async () => {
    const { page, errors } = await openPage(h, 'games/hunt/index.html?mode=watch');
    await ready(page);
    type Side = { scene(): { steps: number; hunters: unknown[] }; overlay(): { agent: string | null; decisions: number } };
    await page.waitForFunction(() => {
      const w = (window as unknown as { hunt: { teacher: Side; student: Side } }).hunt;
      return w.teacher.overlay().decisions > 10 && w.student.overlay().decisions > 10;
    }, undefined);
    const sides = await page.evaluate(() => {
      const w = (window as unknown as { hunt: { teacher: Side; student: Side } }).hunt;
      return [w.teacher, w.student].map((s) => ({ agent: s.overlay().agent, hunters: s.scene().hunters.length }));
    });
    expect(sides).toEqual([{ agent: 'hunter-0', hunters: 3 }, { agent: 'hunter-0', hunters: 3 }]);
    await screenshot(page, 'hunt-watch');
    expect(errors).toEqual([]);
    await page.close();
  });
});
