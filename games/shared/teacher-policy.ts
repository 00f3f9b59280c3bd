/**
 * A trained teacher checkpoint (model.json + weights.bin + run.json, see phaser-distill/train) as
 * a plain-TypeScript `Policy` for discrete actions: the actor's forward pass and an argmax, no
 * TensorFlow.js, so the same code evaluates in Node and plays in the browser. The real student
 * runtime lives in the package; this is the teacher's own greedy play.
 */
import { RunningMeanStd, normalizeInto, type Policy } from 'phaser-distill';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

export type CheckpointFiles = Record<string, Uint8Array>;

export class TeacherPolicy implements Policy {
  private readonly layers: { w: Float32Array; b: Float32Array; inSize: number; outSize: number }[] = [];
  private readonly stats: RunningMeanStd | null;
  private readonly input: Float32Array;
  private readonly buffers: Float32Array[];
  private readonly tanh: boolean;

  constructor(files: CheckpointFiles) {
    const text = new TextDecoder();
    const need = (name: string) => {
      const f = files[name];
      if (!f) throw new Error(`teacher checkpoint: ${name} is missing`);
      return f;
    };
    const model = JSON.parse(text.decode(need('model.json'))) as { weightsManifest: { weights: WeightSpec[] }[] };
    const run = JSON.parse(text.decode(need('run.json'))) as { config: { network: { activation: string } }; actionSpace: { type: string }; state: { obsStats: { mean: number[]; var: number[]; count: number } | null } };
    if (run.actionSpace.type !== 'discrete') throw new Error(`teacher checkpoint: TeacherPolicy plays discrete actions, this one's are '${run.actionSpace.type}'`);
    this.tanh = run.config.network.activation === 'tanh';
    const bin = need('weights.bin');
    const data = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    let offset = 0;
    const byName = new Map<string, Float32Array>();
    const shapes = new Map<string, number[]>();
    for (const spec of model.weightsManifest.flatMap((g) => g.weights)) {
      if (spec.dtype !== 'float32') throw new Error(`teacher checkpoint: weight ${spec.name} is ${spec.dtype}, expected float32`);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      byName.set(spec.name, data.subarray(offset, offset + size));
      shapes.set(spec.name, spec.shape);
      offset += size;
    }
    if (offset !== data.length) throw new Error(`teacher checkpoint: weights.bin holds ${data.length} floats, the manifest describes ${offset}`);
    // The actor: policy_hidden0, policy_hidden1, ..., then policy.
    const names = [...byName.keys()].filter((n) => /^policy(_hidden\d+)?\/kernel$/.test(n)).sort((a, b) => order(a) - order(b));
    for (const kernel of names) {
      const [inSize, outSize] = shapes.get(kernel)! as [number, number];
      this.layers.push({ w: byName.get(kernel)!, b: byName.get(kernel.replace('kernel', 'bias'))!, inSize, outSize });
    }
    if (this.layers.length === 0) throw new Error('teacher checkpoint: no policy layers in model.json');
    const obsStats = run.state.obsStats;
    this.stats = obsStats ? new RunningMeanStd(obsStats.mean.length) : null;
    if (this.stats && obsStats) this.stats.setState(obsStats);
    this.input = new Float32Array(this.layers[0]!.inSize);
    this.buffers = this.layers.map((l) => new Float32Array(l.outSize));
  }

  /** The actor's logits for one observation (reused by the next call). */
  logits(observation: ArrayLike<number>): Float32Array {
    if (this.stats) normalizeInto(this.stats, observation, this.input);
    else this.input.set(observation);
    let x = this.input;
    this.layers.forEach((layer, l) => {
      const y = this.buffers[l]!;
      const last = l + 1 === this.layers.length;
      for (let j = 0; j < layer.outSize; j++) {
        let s = layer.b[j]!;
        for (let i = 0; i < layer.inSize; i++) s += x[i]! * layer.w[i * layer.outSize + j]!;
        y[j] = last ? s : this.tanh ? Math.tanh(s) : Math.max(0, s);
      }
      x = y;
    });
    return x;
  }

  act(observation: Float32Array): number {
    const z = this.logits(observation);
    let best = 0;
    for (let j = 1; j < z.length; j++) if (z[j]! > z[best]!) best = j;
    return best;
  }
}

function order(kernel: string): number {
  const m = /_hidden(\d+)/.exec(kernel);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}
