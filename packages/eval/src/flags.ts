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
