/**
 * Teacher checkpoints. A checkpoint is a set of named files:
 * - `model.json` + `weights.bin`: the actor-critic as a TensorFlow.js LayersModel (outputs `policy`
 *   and `value`), loadable with `tf.loadLayersModel` in the browser,
 * - `optimizer.bin`: Adam's moments and step count,
 * - `run.json`: config, spaces, step counter, generator state, observation statistics, the
 *   Gaussian log std, and the optimizer's weight specs.
 *
 * There is no tfjs-node here, so the model goes through our own IO handlers. On disk a checkpoint is
 * written to a temporary folder and renamed into place, and `latest` is swapped by rename too, so a
 * run killed at any moment leaves the previous checkpoint whole. `checkpointProblem` says what is
 * wrong with a set of files (a missing or cut file, a non-finite weight); a resume takes the newest
 * checkpoint without one (`loadGoodCheckpoint`).
 */
import * as tf from '@tensorflow/tfjs';
import type { BoxSpace, Space } from '../env/index.js';
import type { PpoConfig, PpoState, PpoTrainer } from './ppo.js';

export const CHECKPOINT_VERSION = 1;

export type CheckpointFiles = Record<string, Uint8Array>;

export interface RunRecord {
  version: number;
  config: PpoConfig;
  observationSpace: BoxSpace;
  actionSpace: Space;
  state: PpoState;
  logStd: number[] | null;
  optimizer: tf.io.WeightsManifestEntry[];
  /** Set by checkpoints that are saved with `checksums.json`: one read without it is damaged. */
  checksummed?: boolean;
}

/** The file a saved checkpoint keeps the CRC-32 of each of its other files in. */
export const CHECKSUMS_FILE = 'checksums.json';

const text = new TextEncoder();
const untext = new TextDecoder();

/** The LayersModel as `model.json` and `weights.bin`, in the standard tfjs layout. */
export async function modelToFiles(model: tf.LayersModel): Promise<CheckpointFiles> {
  let files: CheckpointFiles = {};
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      const data = artifacts.weightData as ArrayBuffer;
      files = { 'model.json': text.encode(JSON.stringify(modelJson)), 'weights.bin': new Uint8Array(data.slice(0)) };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files;
}

/** Loads `model.json` + `weights.bin` back into a LayersModel. */
export async function modelFromFiles(files: CheckpointFiles): Promise<tf.LayersModel> {
  const json = requireFile(files, 'model.json');
  const bin = requireFile(files, 'weights.bin');
  const modelJson = JSON.parse(untext.decode(json)) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: toArrayBuffer(bin) }));
}

export async function serializeCheckpoint(trainer: PpoTrainer): Promise<CheckpointFiles> {
  const model = trainer.net.toLayersModel();
  const files = await modelToFiles(model);
  model.dispose();
  // Adam's state in tf.train.adam's layout, whichever engine learns.
  const optimizerWeights = (await trainer.learner.optimizerWeights()).map((w) => ({ name: w.name, tensor: tf.tensor(w.data, w.shape, w.dtype) }));
  const encoded = await tf.io.encodeWeights(optimizerWeights);
  for (const w of optimizerWeights) w.tensor.dispose();
  const record: RunRecord = {
    version: CHECKPOINT_VERSION,
    config: trainer.config,
    observationSpace: trainer.env.observationSpace,
    actionSpace: trainer.env.actionSpace,
    state: trainer.getState(),
    logStd: trainer.net.logStd ? Array.from(trainer.net.logStd.dataSync()) : null,
    optimizer: encoded.specs,
    checksummed: true,
  };
  files['optimizer.bin'] = new Uint8Array(encoded.data as ArrayBuffer);
  files['run.json'] = text.encode(JSON.stringify(record, null, 2));
  return files;
}

export function readRunRecord(files: CheckpointFiles): RunRecord {
  const record = JSON.parse(untext.decode(requireFile(files, 'run.json'))) as RunRecord;
  if (record.version !== CHECKPOINT_VERSION) throw new Error(`checkpoint run.json: version ${record.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  return record;
}

/** Puts a trainer built with the same config back where the checkpoint left it. */
export async function restoreCheckpoint(trainer: PpoTrainer, files: CheckpointFiles): Promise<void> {
  const record = readRunRecord(files);
  if (JSON.stringify(record.actionSpace) !== JSON.stringify(trainer.env.actionSpace) || JSON.stringify(record.observationSpace) !== JSON.stringify(trainer.env.observationSpace)) {
    throw new Error('checkpoint: its observation or action space differs from the environment being resumed');
  }
  const model = await modelFromFiles(files);
  trainer.net.loadLayersModel(model);
  model.dispose();
  if (trainer.net.logStd && record.logStd) {
    const logStd = tf.tensor1d(record.logStd);
    trainer.net.logStd.assign(logStd);
    logStd.dispose();
  }
  trainer.netChanged();
  const named = tf.io.decodeWeights(toArrayBuffer(requireFile(files, 'optimizer.bin')), record.optimizer);
  await trainer.learner.setOptimizerWeights(record.optimizer.map((s) => {
    const t = named[s.name]!;
    return { name: s.name, shape: [...t.shape], dtype: t.dtype === 'int32' ? 'int32' : 'float32', data: t.dataSync() as Float32Array | Int32Array };
  }));
  for (const t of Object.values(named)) t.dispose();
  trainer.setState(record.state);
}

/**
 * Writes a checkpoint as `{dir}/step-{N}/` and points `{dir}/latest` at it, both atomically, and
 * removes what a killed write left behind (`.step-N.tmp-PID` folders). Node only.
 */
export async function saveCheckpointDir(dir: string, files: CheckpointFiles, step: number, keep = 3): Promise<string> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  for (const f of await fs.readdir(dir)) if (/^\.step-\d+\.tmp-\d+$/.test(f)) await fs.rm(path.join(dir, f), { recursive: true, force: true });
  const name = `step-${String(step).padStart(9, '0')}`;
  const tmp = path.join(dir, `.${name}.tmp-${process.pid}`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp);
  const sums: Record<string, string> = {};
  // A failed write (ENOSPC: a full disk) names its file: the error of a write(2) names none.
  const write = (file: string, data: string | Uint8Array) => fs.writeFile(path.join(tmp, file), data).catch((e: NodeJS.ErrnoException) => {
    e.path ??= path.join(tmp, file);
    throw e;
  });
  for (const [file, data] of Object.entries(files)) {
    if (file === CHECKSUMS_FILE) continue;
    await write(file, data);
    sums[file] = crc32Hex(data);
  }
  // Last, so a folder with checksums holds every file they name.
  await write(CHECKSUMS_FILE, JSON.stringify({ crc32: sums }, null, 2));
  const final = path.join(dir, name);
  await fs.rm(final, { recursive: true, force: true });
  await fs.rename(tmp, final);
  await fs.writeFile(path.join(dir, 'latest.tmp'), name);
  await fs.rename(path.join(dir, 'latest.tmp'), path.join(dir, 'latest'));
  const old = (await fs.readdir(dir)).filter((f) => /^step-\d+$/.test(f)).sort().slice(0, -keep);
  for (const f of old) await fs.rm(path.join(dir, f), { recursive: true, force: true });
  return final;
}

/**
 * What is wrong with a checkpoint, or null: every file present and readable, each weight file as
 * long as its specs say, every float weight finite (a NaN checkpoint would resume and play NaN).
 */
export function checkpointProblem(files: CheckpointFiles, what: 'checkpoint' | 'teacher' = 'checkpoint'): string | null {
  try {
    const record = readRunRecord(files);
    let modelJson: { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    try {
      modelJson = JSON.parse(untext.decode(requireFile(files, 'model.json'))) as typeof modelJson;
    } catch (e) {
      throw new Error(`model.json: ${(e as Error).message}`);
    }
    checkWeights('weights.bin', requireFile(files, 'weights.bin'), modelJson.weightsManifest.flatMap((g) => g.weights));
    // A teacher (a run's `teacher/`, an export) keeps no optimizer state.
    if (what === 'checkpoint') checkWeights('optimizer.bin', requireFile(files, 'optimizer.bin'), record.optimizer);
    if (record.logStd && !record.logStd.every(Number.isFinite)) throw new Error('run.json: logStd holds a non-finite value');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * What is wrong with a saved checkpoint's files against its `checksums.json`, or null: a file whose
 * CRC-32 is not the one written (a zero-filled or rewritten weights.bin is finite and the right
 * length, and only this catches it), a file it lists that is missing, or no checksums.json where
 * run.json says the checkpoint was saved with one. `only`: check these files alone (a teacher's).
 * A checkpoint saved before checksums has none to check.
 */
export function checksumProblem(files: CheckpointFiles, only?: readonly string[]): string | null {
  const raw = files[CHECKSUMS_FILE];
  if (!raw) {
    // A teacher's folder may have been copied without them.
    if (only) return null;
    try {
      return readRunRecord(files).checksummed ? `${CHECKSUMS_FILE} is missing (run.json says the checkpoint was saved with it)` : null;
    } catch {
      return null;
    }
  }
  let sums: Record<string, unknown>;
  try {
    sums = (JSON.parse(untext.decode(raw)) as { crc32: Record<string, unknown> }).crc32;
    if (typeof sums !== 'object' || sums === null) throw new Error('no crc32 object');
  } catch (e) {
    return `${CHECKSUMS_FILE}: not readable (${(e as Error).message})`;
  }
  for (const name of only ?? Object.keys(sums)) {
    const data = files[name];
    if (!data) return `${name} is missing (${CHECKSUMS_FILE} lists it)`;
    const sum = crc32Hex(data);
    if (sums[name] !== sum) return `${name}: CRC-32 ${sum}, where ${CHECKSUMS_FILE} says ${JSON.stringify(sums[name])}: the file changed after it was written`;
  }
  return null;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (the polynomial of zip and PNG) as 8 hex digits. */
export function crc32Hex(bytes: Uint8Array): string {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function checkWeights(file: string, bytes: Uint8Array, specs: readonly tf.io.WeightsManifestEntry[]): void {
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const size = DTYPE_BYTES[spec.dtype];
    if (!size) throw new Error(`${file}: weight '${spec.name}' has dtype ${spec.dtype}, which a checkpoint does not hold`);
    const end = offset + count * size;
    if (end > bytes.length) throw new Error(`${file}: ${bytes.length} bytes, too few for weight '${spec.name}' (its weights need ${specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[s.dtype] ?? 0), 0)})`);
    if (spec.dtype === 'float32') {
      const values = new Float32Array(toArrayBuffer(bytes.subarray(offset, end)));
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`${file}: weight '${spec.name}' holds ${values[bad]} at index ${bad}`);
    }
    offset = end;
  }
  if (offset !== bytes.length) throw new Error(`${file}: ${bytes.length} bytes where its weights need ${offset}`);
}

/** The checkpoint folders of `dir`, newest first. Node only. */
async function checkpointFolders(dir: string): Promise<string[]> {
  const fs = await import('node:fs/promises');
  try {
    return (await fs.readdir(dir)).filter((f) => /^step-\d+$/.test(f)).sort().reverse();
  } catch {
    return [];
  }
}

async function readCheckpointFolder(folder: string): Promise<CheckpointFiles> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const files: CheckpointFiles = {};
  for (const f of await fs.readdir(folder)) files[f] = new Uint8Array(await fs.readFile(path.join(folder, f)));
  return files;
}

export interface GoodCheckpoint {
  /** The checkpoint taken, as files and its folder's name (`step-N`); null if none would do. */
  found: { files: CheckpointFiles; name: string } | null;
  /** The checkpoints passed over, newest first, and why. */
  skipped: { name: string; why: string }[];
}

/**
 * The checkpoint `latest` points at if it is whole and finite, else the newest one that is, with
 * the ones passed over and why. `restore` (a trainer's restoreCheckpoint) is tried on each, so
 * one the trainer cannot take is passed over too. Node only.
 */
export async function loadGoodCheckpoint(dir: string, restore: (files: CheckpointFiles) => Promise<void>): Promise<GoodCheckpoint> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const skipped: { name: string; why: string }[] = [];
  let latest: string | null = null;
  try {
    latest = (await fs.readFile(path.join(dir, 'latest'), 'utf8')).trim();
  } catch {
    skipped.push({ name: 'latest', why: 'missing' });
  }
  const folders = await checkpointFolders(dir);
  if (latest !== null && !folders.includes(latest)) skipped.push({ name: 'latest', why: `points at ${latest}, which does not exist` });
  const order = latest !== null && folders.includes(latest) ? [latest, ...folders.filter((f) => f !== latest)] : folders;
  for (const name of order) {
    let files: CheckpointFiles;
    try {
      files = await readCheckpointFolder(path.join(dir, name));
    } catch (e) {
      skipped.push({ name, why: (e as Error).message });
      continue;
    }
    const why = checkpointProblem(files) ?? checksumProblem(files);
    if (why) {
      skipped.push({ name, why });
      continue;
    }
    try {
      await restore(files);
    } catch (e) {
      skipped.push({ name, why: (e as Error).message });
      continue;
    }
    return { found: { files, name }, skipped };
  }
  return { found: null, skipped };
}

/** Reads the checkpoint `{dir}/latest` points at, or null if there is none. Node only. */
export async function loadCheckpointDir(dir: string): Promise<CheckpointFiles | null> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let name: string;
  try {
    name = (await fs.readFile(path.join(dir, 'latest'), 'utf8')).trim();
  } catch {
    return null;
  }
  return readCheckpointFolder(path.join(dir, name));
}

function requireFile(files: CheckpointFiles, name: string): Uint8Array {
  const f = files[name];
  if (!f) throw new Error(`checkpoint: ${name} is missing`);
  return f;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
