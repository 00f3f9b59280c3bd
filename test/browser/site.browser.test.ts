/**
 * The demo site as a showcase, each defect of the 2026-12-07 findings a test that fails on the old
 * site: the index shows each game (a picture, what its AI learned) and names a config that exists;
 * Pong's watch mode offers no ladder file as a student; the levels are labelled in a player's
 * words and the overlay says why its bold move can differ from its bars; Balance and the Lander
 * keep the player's score; every page fits a phone's width and the games have touch controls.
 * Phone screenshots go to test-artifacts/phone/ (index, pong, balance, lander, racer, hill, train).
 * Game time only: the pages' hooks advance the simulation, never wall time.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot, useBrowser } from './harness.js';

const h = useBrowser();
const PHONE = { width: 390, height: 844 };

/** A page as a phone opens it: 390 px wide, touch, and the errors it throws. */
const openPhone = (path: string) => openPage(h, path, { viewport: PHONE, isMobile: true, hasTouch: true });

async function ready(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => {
    const hooks = (window as unknown as Record<string, { ready?: boolean; error?: string } | undefined>)[n];
    return hooks?.ready === true || hooks?.error !== undefined;
  }, name);
  expect(await page.evaluate((n) => (window as unknown as Record<string, { error?: string }>)[n]!.error, name)).toBeUndefined();
}

/** The page is no wider than the phone: nothing to scroll sideways. */
async function expectFits(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PHONE.width);
}

/** Runs `steps` simulation steps of a play page at once (game time), keys held as they are. */
/** Puts the page's own loop to sleep: from then on only advance() moves the game, in game time. */
const sleepLoop = (page: Page, game: string) => page.evaluate((g) => (window as unknown as Record<string, { game: { loop: { sleep(): void } } }>)[g]!.game.loop.sleep(), game);
const advance = (page: Page, game: string, steps: number) => page.evaluate(([g, n]) => (window as unknown as Record<string, { advance(n: number): void }>)[g as string]!.advance(n as number), [game, steps] as const);

describe('the index', () => {
  it('shows each game with a picture and what its AI learned, names a config that exists, and fits a phone', async () => {
    const { page, errors } = await openPhone('games/index.html');
    const games = await page.$$eval('#games li', (lis) => lis.map((li) => ({ game: li.getAttribute('data-game'), picture: li.querySelector('svg') !== null, learned: li.querySelector('.learned')?.textContent ?? '' })));
    expect(games.map((g) => g.game)).toEqual(['pong', 'racer', 'balance', 'lander', 'hill', 'hunt']);
    for (const g of games) {
      expect(g.picture, g.game!).toBe(true);
      expect(g.learned, g.game!).toMatch(/^The AI learned to .{20,}/);
    }
    // Every file the page's command lines name is in the repository.
    const commands = await page.$$eval('code', (cs) => cs.map((c) => c.textContent ?? ''));
    const files = commands.flatMap((c) => c.split(/\s+/).filter((w) => /\.(ya?ml|json)$/.test(w)));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(f), f).toBe(true);
    await expectFits(page);
    await screenshot(page, 'phone/index');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('play pages at phone width', () => {
  const pages = [
    { game: 'pong', strength: /against the computer paddle/ },
    { game: 'balance', strength: /keeps the pole up \d+\.\d s on average/ },
    { game: 'lander', strength: /scores -?\d+ a flight on average/ },
    { game: 'racer', strength: /scores -?\d+ of 34 a lap on average/ },
    { game: 'hill', strength: /scores -?\d+ a run on average/ },
  ];
  for (const { game, strength } of pages) {
    it(`${game}: fits, has touch controls, levels in a player's words, and says what the overlay shows`, async () => {
      const { page, errors } = await openPhone(`games/${game}/index.html?level=0`);
      await ready(page, game);
      const labels = await page.$$eval('#level option', (os) => os.map((o) => o.textContent ?? ''));
      expect(labels.length).toBeGreaterThanOrEqual(2);
      for (const l of labels) {
        expect(l).toMatch(/^\w+: (reacts|makes|slips|mixes|plays)/);
        expect(l).not.toMatch(/episode return|point_win|wins \d+%/);
      }
      expect(labels[0]).toMatch(/reacts (a little )?late/);
      const info = (await page.textContent('#level-info'))!;
      expect(info).toMatch(/reacts \d\.\d\d s late \(it acts on what it saw then\)/);
      expect(info).toMatch(/\d+% of its moves are random/);
      expect(info).toMatch(strength);
      expect(await page.textContent('.overlay-help')).toMatch(/bold.*acts on what it saw a moment ago and sometimes moves at random/s);
      expect(await page.locator('.touch-controls button').count()).toBeGreaterThanOrEqual(2);
      await advance(page, game, 120);
      await expectFits(page);
      await screenshot(page, `phone/${game}`);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('train: fits a phone, the game visible within the width', async () => {
    const { page, errors } = await openPhone('games/train/index.html');
    await page.waitForFunction(() => document.querySelector('#game canvas') !== null);
    const box = await page.locator('#game canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await expectFits(page);
    await screenshot(page, 'phone/train');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('touch controls and scores', () => {
  it('Balance: holding the on-screen ◀ takes over and pushes the cart left; the score counts time up, falls and bests', async () => {
    const { page, errors } = await openPhone('games/balance/index.html?level=0');
    await ready(page, 'balance');
    type Balance = { scene(): { state: number[] }; record(): { falls: number; full: number; you: number; ai: number } };
    const velocity = () => page.evaluate(() => (window as unknown as { balance: Balance }).balance.scene().state[1]!);
    // The AI at the weakest level drops the pole within a few seconds of game time.
    await advance(page, 'balance', 1200);
    const ai = await page.evaluate(() => (window as unknown as { balance: Balance }).balance.record());
    expect(ai.falls).toBeGreaterThanOrEqual(1);
    expect(ai.ai).toBeGreaterThan(0);
    // The game runs on in real time while the test reads: the line may count more, never less. It is
    // redrawn on the page's next animation frame, which a loaded machine may not have run yet.
    await page.waitForFunction((falls) => Number(/falls (\d+)/.exec(document.getElementById('score')?.textContent ?? '')?.[1] ?? -1) >= falls, ai.falls);
    const line = (await page.textContent('#score'))!;
    const m = /^The AI: up for \d+\.\d s \| falls (\d+) \| full rounds \d+ \| your best 0\.0 s \| AI's best (\d+\.\d) s$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(ai.falls);
    expect(Number(m![2])).toBeGreaterThanOrEqual(Number(ai.ai.toFixed(1)));

    expect(await page.isChecked('#takeover')).toBe(false);
    // From here the page's own loop sleeps, so only advance() moves the game (no real frame of the
    // AI's comes between the readings). A fresh episode (a restart makes the scene's keys anew, so
    // ◀ goes down after it), then a quarter second of game time with ◀ held.
    await sleepLoop(page, 'balance');
    await page.evaluate(() => (window as unknown as { balance: { restart(seed: number): void } }).balance.restart(5));
    await advance(page, 'balance', 2);
    const before = await velocity();
    await page.locator('.touch-left').dispatchEvent('pointerdown');
    await advance(page, 'balance', 15);
    const held = await velocity();
    await page.locator('.touch-left').dispatchEvent('pointerup');
    expect(await page.isChecked('#takeover')).toBe(true);
    expect(held).toBeLessThan(before - 0.15);
    await page.waitForFunction(() => /^You: up for/.test(document.getElementById('score')?.textContent ?? ''));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Lander: the score shows this flight, how the last one ended, landings, crashes and bests', async () => {
    const { page, errors } = await openPhone('games/lander/index.html?level=4');
    await ready(page, 'lander');
    // Only advance() moves the game from here: the line read below cannot change under the test.
    await sleepLoop(page, 'lander');
    type Lander = { record(): { landed: number; crashed: number; ai: number | null; last: string } };
    expect(await page.textContent('#score')).toMatch(/^score -?\d+ \| last flight: - \| landed 0, crashed 0 \| your best - \| AI's best -$/);
    // The top level lands within about 20 s of game time.
    await advance(page, 'lander', 1500);
    const r = await page.evaluate(() => (window as unknown as { lander: Lander }).lander.record());
    expect(r.landed + r.crashed).toBeGreaterThanOrEqual(1);
    expect(r.last).toMatch(/^the AI (landed|crashed|flew off the screen|ran out of time), score -?\d+$/);
    // The line is redrawn on the page's next animation frame: wait for it rather than read it at once.
    const expected = `last flight: ${r.last} | landed ${r.landed}, crashed ${r.crashed} | your best - | AI's best ${Math.round(r.ai!)}`;
    await page.waitForFunction((t) => (document.getElementById('score')?.textContent ?? '').includes(t), expected);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Pong: holding the on-screen ▲ moves your paddle up', async () => {
    const { page, errors } = await openPhone('games/pong/index.html?opponent=scripted');
    await ready(page, 'pong');
    // Only advance() moves the game from here: no point ends (restarting the match) between the readings.
    await sleepLoop(page, 'pong');
    type Pong = { scene(): { right: { y: number } } };
    const y = () => page.evaluate(() => (window as unknown as { pong: Pong }).pong.scene().right.y);
    await advance(page, 'pong', 30);
    const before = await y();
    await page.locator('.touch-up').dispatchEvent('pointerdown');
    await advance(page, 'pong', 30);
    const after = await y();
    await page.locator('.touch-up').dispatchEvent('pointerup');
    // The touch took the right paddle back from the scripted computer.
    expect(await page.inputValue('#opponent')).toBe('human');
    expect(after).toBeLessThan(before - 20);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('Pong watch', () => {
  it('offers only students (no ladder file), and each one it offers plays', async () => {
    const { page, errors } = await openPhone('games/pong/index.html?mode=watch');
    await ready(page, 'pong');
    const options = await page.$$eval('#student option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options.length).toBeGreaterThanOrEqual(2);
    expect(options.filter((o) => /ladder/.test(o))).toEqual([]);
    for (const o of options) {
      await page.selectOption('#student', o);
      await page.waitForFunction((f) => (window as unknown as { pong: { student: { file(): string } } }).pong.student.file() === f, o);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
