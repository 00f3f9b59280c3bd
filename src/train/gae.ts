/**
 * Generalised advantage estimation (Schulman et al. 2016) over a rollout laid out [T, N]
 * (index t * N + i: step t of env i).
 *
 * An episode that ends at step t cuts the recursion there. If it was terminated, the value after
 * it is zero; if it was truncated (a time limit), the value after it is V(final observation),
 * given in `finalValues`, so a time limit is not mistaken for a failure.
 */
export interface GaeInput {
  numSteps: number;
  numEnvs: number;
  rewards: Float32Array;
  /** V(s_t) as estimated during the rollout. */
  values: Float32Array;
  /** 1 where the episode terminated after step t. */
  terminated: Uint8Array;
  /** 1 where the episode was truncated after step t. */
  truncated: Uint8Array;
  /** V(final observation) where truncated, else ignored. */
  finalValues: Float32Array;
  /** V(s_T), the observation after the last step of the rollout, per env. */
  nextValues: Float32Array;
  gamma: number;
  lambda: number;
}

export function computeGae(input: GaeInput): { advantages: Float32Array; returns: Float32Array } {
  const { numSteps: T, numEnvs: N, rewards, values, terminated, truncated, finalValues, nextValues, gamma, lambda } = input;
  const advantages = new Float32Array(T * N);
  const returns = new Float32Array(T * N);
  for (let i = 0; i < N; i++) {
    let next = 0; // A_{t+1}
    for (let t = T - 1; t >= 0; t--) {
      const k = t * N + i;
      const ended = terminated[k] || truncated[k];
      const valueAfter = terminated[k] ? 0 : truncated[k] ? finalValues[k]! : t + 1 < T ? values[k + N]! : nextValues[i]!;
      const delta = rewards[k]! + gamma * valueAfter - values[k]!;
      next = delta + (ended ? 0 : gamma * lambda * next);
      advantages[k] = next;
      returns[k] = next + values[k]!;
    }
  }
  return { advantages, returns };
}
