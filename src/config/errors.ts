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

/** Problems listed in one ConfigError; the rest are counted (a config can hold thousands of stray keys). */
const SHOWN_PROBLEMS = 20;

/** A ConfigError for `source` listing its problems, one a line, the first 20 of them. */
export function configProblems(source: string, problems: readonly string[]): ConfigError {
  const shown = problems.slice(0, SHOWN_PROBLEMS);
  if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
  return new ConfigError(`${source}:\n  ${shown.join('\n  ')}`);
}
