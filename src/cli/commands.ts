/**
 * The commands of `phaser-distill`: each one's usage lines, one-line summary and the flags it
 * takes. `main` checks every flag against its command's list, so a flag that does not apply is an
 * error naming it rather than a flag ignored.
 */

export interface Flag {
  type: 'string' | 'boolean';
  /** What the flag does, in the command's help. */
  doc: string;
}

export interface Command {
  /** One line, for the list of commands. */
  summary: string;
  /** The forms the command is called in, without `phaser-distill `. */
  usage: string[];
  flags: Record<string, Flag>;
  /** Lines after the flags: what it writes, exit codes, an example. */
  notes?: string[];
}

export const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'scaffold a small game that learns (scene, env module, config, page)',
    usage: ['init [folder] [--force]'],
    flags: { force: { type: 'boolean', doc: 'write into a folder that is not empty (files of the same name are replaced)' } },
    notes: ['The folder defaults to the current one. Then: npm install, and npx phaser-distill run <folder>/config.yaml'],
  },
  run: {
    summary: 'train, distil, evaluate, copy results to the config\'s export paths',
    usage: ['run <config> [--no-export]'],
    flags: { 'no-export': { type: 'boolean', doc: 'leave the results in the run folder only (skip the config\'s export paths)' } },
    notes: ['Exit 0 when the teacher reaches train.targetReturn (or none is set), 1 when it does not.'],
  },
  train: {
    summary: 'train a PPO teacher (or resume an interrupted run)',
    usage: ['train <config>', 'train --resume <run folder>'],
    flags: { resume: { type: 'string', doc: 'continue the run in this folder from its last checkpoint (no config: the run keeps its own)' } },
    notes: ['Ctrl+C (or SIGTERM) saves a checkpoint first; --resume continues from it.'],
  },
  distill: {
    summary: 'distil a run\'s teacher into the config\'s students',
    usage: ['distill <config> --run <run folder>'],
    flags: { run: { type: 'string', doc: 'the run folder whose teacher is distilled (required); with train.alternate, every behaviour\'s in its folder, or one behaviour\'s given {run}/{behavior}' } },
  },
  eval: {
    summary: 'evaluate a run\'s teacher and students; write a new report',
    usage: ['eval <config> --run <run folder>'],
    flags: { run: { type: 'string', doc: 'the run folder to evaluate (required); with train.alternate, every behaviour\'s teacher in its folder, or one behaviour\'s given {run}/{behavior}' } },
  },
  export: {
    summary: 'copy a student or the teacher out of a run, or write it as ONNX',
    usage: [
      'export --run <run folder> (--student <name-dtype> | --teacher) --out <path> [--onnx [--layout plain|mlagents|godot]]',
      'export <student file | teacher folder> --onnx --out <file.onnx> [--layout plain|mlagents|godot]',
    ],
    flags: {
      run: { type: 'string', doc: 'the run folder to export from' },
      student: { type: 'string', doc: 'the run\'s student, by file name without .json (e.g. s16-int8)' },
      teacher: { type: 'boolean', doc: 'the run\'s teacher' },
      out: { type: 'string', doc: 'where to write (a file; a folder for the teacher without --onnx) (required)' },
      onnx: { type: 'boolean', doc: 'write one ONNX file instead of copying the phaser-distill files' },
      layout: { type: 'string', doc: 'the ONNX file\'s inputs and outputs: plain (default), mlagents or godot; with --onnx only' },
    },
    notes: ['A student file is a policy file (students/<name>-<dtype>.json); a teacher folder holds model.json, weights.bin and run.json.'],
  },
  config: {
    summary: 'print a run config with every default filled in',
    usage: ['config <config> [--json]'],
    flags: { json: { type: 'boolean', doc: 'print JSON instead of YAML' } },
    notes: ['Checks the config as train and run do: an unknown or mistyped key is an error naming it (exit 2).'],
  },
  calibrate: {
    summary: 'measure difficulty levels, write a ladder file',
    usage: ['calibrate <ladder config>'],
    flags: {},
    notes: ['Exit 1 when the measured levels are not strictly ordered.'],
  },
  demo: {
    summary: 'read recorded play: episodes, returns, spaces',
    usage: ['demo <file or folder>'],
    flags: {},
    notes: ['A folder\'s .demo files are merged; they must be of one agent and one set of spaces.'],
  },
  imitate: {
    summary: 'clone the config\'s imitate students from recorded play; evaluate them',
    usage: ['imitate <config> [--demos <file or folder>]'],
    flags: { demos: { type: 'string', doc: 'the recorded play to clone (wins over the config\'s imitate.demos)' } },
  },
  sweep: {
    summary: 'run a grid or random search over config keys and seeds; write its report',
    usage: [
      'sweep <sweep.yaml> [--parallel N]',
      'sweep <sweep.yaml> --queue redis://host:port',
      'sweep <sweep.yaml> --plan | --index <i> | --report',
    ],
    flags: {
      parallel: { type: 'string', doc: 'runs at once on the local pool' },
      queue: { type: 'string', doc: 'put the runs on a BullMQ queue at this Redis URL for workers; wait (needs: npm install bullmq ioredis)' },
      plan: { type: 'boolean', doc: 'list the runs, run nothing' },
      index: { type: 'string', doc: 'run run i alone (a CI matrix, an Indexed Job)' },
      report: { type: 'boolean', doc: 'gather the finished runs into the report' },
    },
  },
  worker: {
    summary: 'take sweep runs from a BullMQ queue',
    usage: ['worker --queue redis://host:port [--concurrency N] [--lock-duration ms]'],
    flags: {
      queue: { type: 'string', doc: 'the Redis URL of the queue (required; needs: npm install bullmq ioredis)' },
      concurrency: { type: 'string', doc: 'runs at once in this worker' },
      'lock-duration': { type: 'string', doc: 'milliseconds a run\'s lock lasts without renewal' },
    },
  },
  help: {
    summary: 'print the usage of one command, or the list of commands',
    usage: ['help [command]'],
    flags: {},
  },
};

/** The list of commands, and how to get more. */
export function globalUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'usage: phaser-distill <command> [arguments]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'phaser-distill help <command> (or <command> --help) prints a command\'s usage; --version prints the version.',
    '<config> is a run config in YAML or JSON; phaser-distill config <config> prints it with its defaults.',
  ].join('\n');
}

/** One command's usage: its forms, its flags with what each does, and its notes. */
export function commandUsage(name: string): string {
  const c = COMMANDS[name]!;
  const lines = [`usage: ${c.usage.map((u, i) => (i === 0 ? '' : '       ') + `phaser-distill ${u}`).join('\n')}`, '', c.summary];
  const flags = Object.entries(c.flags);
  if (flags.length) {
    const heads = flags.map(([f, d]) => `--${f}${d.type === 'string' ? ' <value>' : ''}`);
    const width = Math.max(...heads.map((h) => h.length));
    lines.push('', 'options:', ...flags.map(([, d], i) => `  ${heads[i]!.padEnd(width)}  ${d.doc}`));
  }
  if (c.notes) lines.push('', ...c.notes);
  return lines.join('\n');
}

/** The commands that take `--flag`, for the error that says where a misplaced flag belongs. */
export function commandsWithFlag(flag: string): string[] {
  return Object.entries(COMMANDS).filter(([, c]) => flag in c.flags).map(([name]) => name);
}
