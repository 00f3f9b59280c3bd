/**
 * Why the AI acts: an HTML panel beside the canvas showing, for the latest decision, the action
 * probabilities (for a box action, one bar per dimension: the value played within its bounds) and
 * a saliency bar per observation feature (which features, nudged, move the decision most).
 * Decisions are only recorded while the game steps (a copy of the observation and the action); the
 * panel recomputes and redraws once per rendered frame, so fast-forwarding costs nothing here.
 */
import type { Action, ActionMask, Policy } from 'phaser-distill';
import type { ActionLayout } from './game-page.js';

/** What the panel shows for an observation. */
export interface Explainer {
  /** The action probabilities, branches end to end; for a box action, the policy's mean action. */
  probabilities(observation: Float32Array): ArrayLike<number>;
  saliency(observation: Float32Array): ArrayLike<number>;
}

/** The latest decision as drawn (tests read it through the page hooks). */
export interface DecisionView {
  /** The agent explained, where the page says (`subject`); null otherwise. */
  agent: string | null;
  decisions: number;
  /** The choice of a discrete action; -1 for a multi-discrete or box one (see `choices`, `values`). */
  action: number;
  /** The choice made in each branch (one branch for a discrete action; none for a box). */
  choices: number[];
  /** Discrete and multi-discrete actions: each choice's probability, branches end to end. */
  probabilities: number[];
  /** A box action: the value played in each dimension (empty otherwise). */
  values: number[];
  /** A box action: the policy's mean in each dimension, clipped to the box (what it plays greedily). */
  means: number[];
  saliency: number[];
}

export class DecisionOverlay {
  readonly view: DecisionView = { agent: null, decisions: 0, action: -1, choices: [], probabilities: [], values: [], means: [], saliency: [] };
  /** Set by the page: the policy whose probabilities and saliency are shown. */
  explainer: Explainer | null = null;
  readonly actions: readonly string[];
  readonly features: readonly string[];
  /** Branch sizes of a discrete or multi-discrete action (one branch of them all unless given); empty for a box. */
  readonly branches: readonly number[];
  /** A box action's bounds per dimension, or null. */
  readonly box: { readonly low: readonly number[]; readonly high: readonly number[] } | null;
  private readonly observation: Float32Array;
  private decisions = 0;
  private drawn = 0;
  private readonly actionRows: Bar[];
  private readonly subjectLine: HTMLElement;
  private readonly featureRows: Bar[];

  /**
   * @param layout the game's actions: their names (choices branch after branch, or a box's
   *   dimensions), the branch sizes of a multi-discrete action or the bounds of a box, and the
   *   observation's feature names
   */
  constructor(parent: HTMLElement, title: string, layout: ActionLayout) {
    this.actions = layout.actions;
    this.features = layout.features;
    this.box = layout.box ?? null;
    this.branches = this.box ? [] : layout.branches ?? [layout.actions.length];
    if (this.box && (this.box.low.length !== this.actions.length || this.box.high.length !== this.actions.length)) {
      throw new Error(`${title}: a box of ${this.box.low.length} x ${this.box.high.length} bounds for ${this.actions.length} named dimensions`);
    }
    this.observation = new Float32Array(layout.features.length);
    const panel = el('div', 'overlay');
    this.subjectLine = el('p', 'subject', '');
    this.subjectLine.hidden = true;
    panel.append(el('h3', '', title), this.subjectLine, el('h4', '', this.box ? 'action (bar: played; mark: the policy mean)' : 'action probabilities'));
    this.actionRows = this.actions.map((name) => bar(panel, name, 'action'));
    panel.append(el('h4', '', 'saliency (what moved the decision)'));
    this.featureRows = layout.features.map((name) => bar(panel, name, 'feature'));
    parent.append(panel);
  }

  /**
   * Says which agent the panel explains, where several share the policy (a team, a crowd): `text`
   * under the title, and the agent's name in `view.agent`. Tap only that agent's driver.
   */
  subject(agent: string, text: string): void {
    this.subjectLine.textContent = text;
    this.subjectLine.hidden = false;
    this.view.agent = agent;
  }

  /** Wraps a policy so each of its decisions is recorded for the panel. */
  tap(policy: Policy): Policy {
    return {
      act: (observation: Float32Array, mask?: ActionMask, agent?: string): Action => {
        const action = policy.act(observation, mask, agent);
        this.observation.set(observation);
        // (A policy may reuse its action array: keep a copy.)
        const values = typeof action === 'number' ? [action] : Array.from(action as ArrayLike<number>);
        this.view.action = typeof action === 'number' ? action : -1;
        this.view.choices = this.box ? [] : values;
        this.view.values = this.box ? values : [];
        this.decisions += 1;
        return action;
      },
    };
  }

  /** Redraws if a decision came since the last draw; call once per rendered frame. */
  render(): void {
    if (this.decisions === this.drawn || !this.explainer) return;
    this.drawn = this.decisions;
    const outputs = Array.from(this.explainer.probabilities(this.observation));
    const saliency = Array.from(this.explainer.saliency(this.observation));
    Object.assign(this.view, { decisions: this.decisions, saliency });
    if (this.box) {
      const { low, high } = this.box;
      const means = outputs.map((m, d) => Math.min(high[d]!, Math.max(low[d]!, m)));
      Object.assign(this.view, { probabilities: [], means });
      this.actionRows.forEach((row, d) => row.range(this.view.values[d] ?? 0, low[d]!, high[d]!, means[d] ?? 0));
    } else {
      this.view.probabilities = outputs;
      // Row j is chosen when it is the choice made in its branch.
      const chosen = new Set<number>();
      for (let b = 0, offset = 0; b < this.branches.length; offset += this.branches[b]!, b++) chosen.add(offset + (this.view.choices[b] ?? -1));
      this.actionRows.forEach((row, j) => row.set(outputs[j] ?? 0, chosen.has(j)));
    }
    const top = Math.max(...saliency);
    this.featureRows.forEach((row, i) => row.set(saliency[i] ?? 0, saliency[i] === top && top > 0));
  }
}

interface Bar {
  /** A share in [0, 1], shown as a percentage. */
  set(value: number, highlight: boolean): void;
  /** A value within [low, high], filled from low, with a mark at `mark`. */
  range(value: number, low: number, high: number, mark: number): void;
}

function bar(parent: HTMLElement, name: string, kind: string): Bar {
  const row = el('div', `row ${kind}`);
  const fill = el('span', 'fill');
  const mark = el('span', 'mark');
  const value = el('span', 'value', '');
  const track = el('span', 'track');
  track.append(fill);
  row.append(el('span', 'name', name), track, value);
  parent.append(row);
  const percent = (share: number) => `${Math.round(100 * Math.min(1, Math.max(0, share)))}%`;
  return {
    set(v, highlight) {
      fill.style.width = percent(v);
      value.textContent = `${(100 * v).toFixed(0)}%`;
      row.classList.toggle('top', highlight);
    },
    range(v, low, high, at) {
      if (!mark.isConnected) track.append(mark);
      fill.style.width = percent((v - low) / (high - low));
      mark.style.left = percent((at - low) / (high - low));
      value.textContent = v.toFixed(2);
    },
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
