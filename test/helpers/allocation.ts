/**
 * Bytes a loop allocates per call, collected or not, by V8's sampling heap profiler (through the
 * inspector): a per-call allocation of even one heap number (16 bytes) shows up as ~16 bytes a
 * call, while the one-off costs of running the loop (compilation, the profiler itself) vanish per
 * call. A real per-call allocation shows in every measurement; a one-off deoptimisation (a busy
 * machine can trigger one mid-loop) or another task's allocations in the same window show in one:
 * so the least of up to `attempts` measurements, stopping at the first under 1 byte a call.
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  selfSize: number;
  children: ProfileNode[];
}

export async function leastBytesPerCall(run: () => void, calls: number, attempts = 3): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    let least = Infinity;
    for (let attempt = 0; attempt < attempts && least >= 1; attempt++) {
      await session.post('HeapProfiler.startSampling', { samplingInterval: 32, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
      run();
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
      const total = (n: ProfileNode): number => n.selfSize + n.children.reduce((a, c) => a + total(c), 0);
      least = Math.min(least, total(profile.head) / calls);
    }
    return least;
  } finally {
    session.disconnect();
  }
}
