import { InvalidArgumentError } from 'commander';

// Parsers for commander options shared by the sre-eval and sre-tui command lines: each error names
// the flag and the value, and commander prints it as one line.

/** A whole number from 1 to `max`. */
export function positiveInt(flag: string, max = 1_000_000) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from 1 to ${max}; got "${value}"`);
    }
    return n;
  };
}

/** A whole number, negative allowed. */
export function integer(flag: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`${flag} must be a whole number; got "${value}"`);
    return Number(value);
  };
}

/** A number from 0 to 1. */
export function fraction(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      throw new InvalidArgumentError(`${flag} must be a number from 0 to 1; got "${value}"`);
    }
    return n;
  };
}

/** A number of at least 0. */
export function nonNegative(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${flag} must be a number of at least 0; got "${value}"`);
    }
    return n;
  };
}

/** `i/n` with 1 <= i <= n. */
export function shardArg(value: string): { index: number; total: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total) {
    throw new InvalidArgumentError(`--shard must be i/n with 1 <= i <= n, e.g. 1/4; got "${value}"`);
  }
  return { index, total };
}

/** A repeatable, comma-separated option, collected into one list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/**
 * The shard a Kubernetes Indexed Job pod runs: `JOB_COMPLETION_INDEX` (0-based, set by Kubernetes
 * on every pod of an Indexed Job) and `JOB_COMPLETIONS` (the Job's `completions`, which the manifest
 * passes in from `spec.completions`) as `{ index: i + 1, total: n }`; undefined when either is
 * absent. Source: Kubernetes "Jobs" documentation, completion mode Indexed.
 * @throws InvalidArgumentError when they are set but not a valid index of the count.
 */
export function shardFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): { index: number; total: number } | undefined {
  const rawIndex = env['JOB_COMPLETION_INDEX'];
  const rawTotal = env['JOB_COMPLETIONS'];
  if (rawIndex === undefined || rawIndex === '' || rawTotal === undefined || rawTotal === '')
    return undefined;
  const index = Number(rawIndex);
  const total = Number(rawTotal);
  if (!Number.isInteger(index) || !Number.isInteger(total) || total < 1 || index < 0 || index >= total) {
    throw new InvalidArgumentError(
      `JOB_COMPLETION_INDEX=${rawIndex} and JOB_COMPLETIONS=${rawTotal} do not name a shard (0 <= index < completions)`,
    );
  }
  return { index: index + 1, total };
}
