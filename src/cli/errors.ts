/** The command line's exit codes and the error that means "your input is wrong" (exit 2). */

export const EXIT = { ok: 0, targetMissed: 1, usage: 2, interrupted: 130 } as const;

/** The run cannot go on, for a reason the message gives in full (exit 1, no stack trace). */
export class RunFailed extends Error {
  override name = 'RunFailed';
}

/** A config, a path in it or a file it names is wrong: the message names the file and the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
