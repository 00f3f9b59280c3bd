/**
 * Why the AI acts: an HTML panel beside the canvas showing, for the latest decision, the action
 * probabilities and a saliency bar per observation feature (which features, nudged, move the
 * decision most). Decisions are only recorded while the game steps (a copy of the observation);
 * the panel recomputes and redraws once per rendered frame, so fast-forwarding costs nothing here.
 */
import type { Action, ActionMask, Policy } from 'phaser-distill';

/** What the panel shows for an observation. */
export interface Explainer {
  probabilities(observation: Float32Array): ArrayLike<number>;
  saliency(observation: Float32Array): ArrayLike<number>;
}

/** The latest decision as drawn (tests read it through the page hooks). */
export interface DecisionView {
  decisions: number;
  /** The choice of a discrete action; -1 for a multi-discrete one, whose choices are in `choices`. */
  action: number;
  /** The choice made in each branch (one branch for a discrete action). */
  choices: number[];
  probabilities: number[];
  saliency: number[];
}

export class DecisionOverlay {
  readonly view: DecisionView = { decisions: 0, action: -1, choices: [], probabilities: [], saliency: [] };
  /** Set by the page: the policy whose probabilities and saliency are shown. */
  explainer: Explainer | null = null;
  private readonly observation: Float32Array;
  private decisions = 0;
  private drawn = 0;
  private readonly actionRows: Bar[];
  private readonly featureRows: Bar[];

  /**
   * @param actions the choices' names, branch after branch for a multi-discrete action
   * @param branches the branch sizes of a multi-discrete action (default: one branch of them all)
   */
  constructor(parent: HTMLElement, title: string, readonly actions: readonly string[], readonly features: readonly string[], readonly branches: readonly number[] = [actions.length]) {
    this.observation = new Float32Array(features.length);
    const panel = el('div', 'overlay');
    panel.append(el('h3', '', title), el('h4', '', 'action probabilities'));
    this.actionRows = actions.map((name) => bar(panel, name, 'action'));
    panel.append(el('h4', '', 'saliency (what moved the decision)'));
    this.featureRows = features.map((name) => bar(panel, name, 'feature'));
    parent.append(panel);
  }

  /** Wraps a policy so each of its decisions is recorded for the panel. */
  tap(policy: Policy): Policy {
    return {
      act: (observation: Float32Array, mask?: ActionMask): Action => {
        const action = policy.act(observation, mask);
        this.observation.set(observation);
        this.view.action = typeof action === 'number' ? action : -1;
        this.view.choices = typeof action === 'number' ? [action] : Array.from(action as ArrayLike<number>);
        this.decisions += 1;
        return action;
      },
    };
  }

  /** Redraws if a decision came since the last draw; call once per rendered frame. */
  render(): void {
    if (this.decisions === this.drawn || !this.explainer) return;
    this.drawn = this.decisions;
    const probabilities = Array.from(this.explainer.probabilities(this.observation));
    const saliency = Array.from(this.explainer.saliency(this.observation));
    Object.assign(this.view, { decisions: this.decisions, probabilities, saliency });
    // Row j is chosen when it is the choice made in its branch.
    const chosen = new Set<number>();
    for (let b = 0, offset = 0; b < this.branches.length; offset += this.branches[b]!, b++) chosen.add(offset + (this.view.choices[b] ?? -1));
    this.actionRows.forEach((row, j) => row.set(probabilities[j] ?? 0, chosen.has(j)));
    const top = Math.max(...saliency);
    this.featureRows.forEach((row, i) => row.set(saliency[i] ?? 0, saliency[i] === top && top > 0));
  }
}

interface Bar {
  set(value: number, highlight: boolean): void;
}

function bar(parent: HTMLElement, name: string, kind: string): Bar {
  const row = el('div', `row ${kind}`);
  const fill = el('span', 'fill');
  const value = el('span', 'value', '');
  const track = el('span', 'track');
  track.append(fill);
  row.append(el('span', 'name', name), track, value);
  parent.append(row);
  return {
    set(v, highlight) {
      fill.style.width = `${Math.round(100 * Math.min(1, Math.max(0, v)))}%`;
      value.textContent = `${(100 * v).toFixed(0)}%`;
      row.classList.toggle('top', highlight);
    },
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
