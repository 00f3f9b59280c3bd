/**
 * The decision overlay under jsdom: a box action gets one bar per dimension, filled to the value
 * played within [low, high], marked at the policy's mean (clipped to the box); a discrete action
 * keeps its probability bars.
 */
import { describe, expect, it } from 'vitest';
import { DecisionOverlay } from '../../../games/shared/overlay.js';

describe('DecisionOverlay', () => {
  it('shows a box action as the value played in each dimension, with the mean marked', () => {
    const parent = document.createElement('div');
    const overlay = new DecisionOverlay(parent, 'Lander AI', { actions: ['main', 'side'], box: { low: [-1, -1], high: [1, 1] }, features: ['a', 'b'] });
    overlay.explainer = { probabilities: () => [2, -0.5], saliency: () => [0.25, 0.75] };
    // A policy that reuses its action array, as the student runtime does.
    const out = new Float32Array(2);
    const policy = overlay.tap({ act: () => out.fill(0.5) });
    policy.act(Float32Array.of(0.1, 0.2));
    out.fill(-3);
    overlay.render();
    expect(overlay.view).toEqual({ agent: null, decisions: 1, action: -1, choices: [], probabilities: [], values: [0.5, 0.5], means: [1, -0.5], saliency: [0.25, 0.75] });
    const rows = [...parent.querySelectorAll<HTMLElement>('.row.action')];
    expect(rows.map((r) => r.querySelector<HTMLElement>('.fill')!.style.width)).toEqual(['75%', '75%']);
    expect(rows.map((r) => r.querySelector<HTMLElement>('.mark')!.style.left)).toEqual(['100%', '25%']);
    expect(rows.map((r) => r.querySelector('.value')!.textContent)).toEqual(['0.50', '0.50']);
  });

  it('keeps probability bars for a discrete action, the choice highlighted', () => {
    const parent = document.createElement('div');
    const overlay = new DecisionOverlay(parent, 'Balance AI', { actions: ['left', 'right'], features: ['x'] });
    overlay.explainer = { probabilities: () => [0.2, 0.8], saliency: () => [1] };
    overlay.tap({ act: () => 1 }).act(Float32Array.of(0));
    overlay.render();
    expect(overlay.view).toEqual({ agent: null, decisions: 1, action: 1, choices: [1], probabilities: [0.2, 0.8], values: [], means: [], saliency: [1] });
    const rows = [...parent.querySelectorAll<HTMLElement>('.row.action')];
    expect(rows.map((r) => r.querySelector<HTMLElement>('.fill')!.style.width)).toEqual(['20%', '80%']);
    expect(rows.map((r) => r.classList.contains('top'))).toEqual([false, true]);
    expect(parent.querySelectorAll('.mark')).toHaveLength(0);
  });
});
