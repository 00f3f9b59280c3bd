/** Fetches a teacher checkpoint folder served next to the game (`{base}/latest` names the step). */
import { TeacherPolicy, type CheckpointFiles } from './teacher-policy.js';

export async function fetchTeacher(base: string): Promise<TeacherPolicy> {
  const latest = await fetch(`${base}/latest`);
  if (!latest.ok) throw new Error(`no teacher at ${base}/latest (HTTP ${latest.status})`);
  // Vite's dev server serves the extensionless `latest` as a module with a source map appended:
  // the step name is its first line.
  const step = (await latest.text()).split('\n')[0]!.trim();
  if (!/^step-\d+$/.test(step)) throw new Error(`${base}/latest: expected a step folder name such as step-000001000, got ${JSON.stringify(step.slice(0, 40))}`);
  const files: CheckpointFiles = {};
  for (const name of ['model.json', 'weights.bin', 'run.json']) {
    const r = await fetch(`${base}/${step}/${name}`);
    if (!r.ok) throw new Error(`teacher file ${base}/${step}/${name}: HTTP ${r.status}`);
    files[name] = new Uint8Array(await r.arrayBuffer());
  }
  return new TeacherPolicy(files);
}
