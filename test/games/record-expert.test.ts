/**
 * Recording a scripted expert through the human path (games/shared/record-expert.ts): in a real
 * headless scene, the recording's episodes are the plugin's, and each recorded action is the
 * expert's choice from the recorded observation (what a policy would see), for Pong and Balance.
 */
import 'phaser-distill/node';
import { describe, expect, it } from 'vitest';
import { decodeDemo } from 'phaser-distill';
import { recordExpert } from '../../games/shared/record-expert.js';
import { PONG, PONG_AGENT } from '../../games/pong/scene.js';
import { followBall } from '../../games/pong/policies.js';
import { BALANCE, BALANCE_AGENT } from '../../games/balance/scene.js';
import { balanceExpert } from '../../games/balance/expert.js';

const games = [
  { name: 'Pong', game: PONG, agent: PONG_AGENT, expert: followBall, period: 4 },
  { name: 'Balance', game: BALANCE, agent: BALANCE_AGENT, expert: balanceExpert, period: 1 },
];

describe('recordExpert', () => {
  for (const g of games) {
    it(`${g.name}: whole episodes with the plugin's returns, each action the expert's on the recorded observation`, async () => {
      const rec = await recordExpert(g.game, g.agent, g.expert, { episodes: 3, seed: 40, meta: { game: g.name } });
      const demo = decodeDemo(rec.bytes);
      expect(demo.agent).toBe(g.agent);
      expect(demo.decisionPeriod).toBe(g.period);
      expect(demo.episodes.map((e) => e.return)).toEqual(rec.returns);
      expect(demo.meta).toMatchObject({ game: g.name, seed: 40 });
      const D = demo.observationSpace.shape[0]!;
      for (let s = 0; s < demo.rewards.length; s++) expect(demo.actions[s]).toBe(g.expert(demo.observations.subarray(s * D, (s + 1) * D)));
      // The same seed records the same play.
      expect((await recordExpert(g.game, g.agent, g.expert, { episodes: 3, seed: 40, meta: { game: g.name } })).bytes).toEqual(rec.bytes);
    });
  }
});
