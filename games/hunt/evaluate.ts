/**
 * Measures a team of hunters: episodes on fresh seeds in a headless game of `hunters` hunters a
 * scene against the scripted prey (or `prey`, a trained one), each hunter's decision from `policy` (its own observation),
 * until `episodes` episodes have ended. The score is the share of episodes whose prey was caught.
 *   npx tsx games/hunt/evaluate.ts [episodes]   (the scripted team, 1 to 3 hunters)
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { Policy } from 'phaser-distill';
import { HUNTER_OBS, PREY, chasePrey, fleePrey, huntGame } from './scene.js';

export interface HuntStats {
  episodes: number;
  caught: number;
  /** Caught / episodes. */
  rate: number;
  /** Mean seconds to a catch, over the catches. */
  secondsToCatch: number;
}

export async function evaluateHunt(policy: Policy | ((obs: Float32Array) => number), options: { hunters?: number; episodes?: number; seed?: number; scenes?: number; prey?: Policy | ((obs: Float32Array) => number) } = {}): Promise<HuntStats> {
  const hunters = options.hunters ?? 3;
  const wanted = options.episodes ?? 200;
  const scenes = options.scenes ?? 16;
  const env = await createSceneVectorEnv(huntGame(hunters), { instances: scenes, drivers: { [PREY]: options.prey ?? fleePrey } });
  const act = typeof policy === 'function' ? policy : (o: Float32Array) => policy.act(o) as number;
  try {
    const n = env.numEnvs;
    const actions = new Float32Array(n);
    let obs = env.reset(options.seed ?? 1000);
    let episodes = 0;
    let caught = 0;
    let catchSteps = 0;
    const steps = new Int32Array(scenes);
    while (episodes < wanted) {
      for (let i = 0; i < n; i++) actions[i] = act(obs.subarray(i * HUNTER_OBS, (i + 1) * HUNTER_OBS));
      const r = env.step(actions);
      obs = r.observations;
      for (let c = 0; c < scenes; c++) {
        steps[c]! += 1;
        // A scene's hunters end together (the team's episode): its first slot counts the episode.
        const i = c * hunters;
        if (!r.terminated[i] && !r.truncated[i]) continue;
        if (episodes < wanted) {
          episodes += 1;
          if (r.terminated[i]) {
            caught += 1;
            catchSteps += steps[c]!;
          }
        }
        steps[c] = 0;
      }
    }
    return { episodes, caught, rate: caught / episodes, secondsToCatch: caught ? (catchSteps * 4) / 60 / caught : NaN };
  } finally {
    env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const episodes = Number(process.argv[2] ?? 200);
  for (const hunters of [1, 2, 3]) {
    const s = await evaluateHunt(chasePrey, { hunters, episodes });
    console.log(`${hunters} scripted hunter(s): caught ${s.caught}/${s.episodes} (${(100 * s.rate).toFixed(0)}%), ${s.secondsToCatch.toFixed(1)} s to a catch`);
  }
}
