import { cutText } from '@sre-harness/core';

/**
 * Log lines as a world declares them: plain lines, and generators that stand for many lines, so a
 * 100,000-line log costs a few lines of YAML and no memory until it is read. Reading materialises
 * only the lines asked for (the newest `tail`).
 */

/** A line repeated `times` times; `{i}` in it becomes its 1-based number within the generator. */
export interface RepeatLines {
  readonly repeat: string;
  readonly times: number;
}

/** One `needle` line at line `at` (1-based) among `in` lines of `filler` (cycled; `{i}` numbered). */
export interface NeedleLines {
  readonly needle: string;
  readonly in: number;
  readonly filler: readonly string[];
  readonly at: number;
}

/** One entry of a log: a line, or a generator of lines. */
export type LogEntry = string | RepeatLines | NeedleLines;
/** A log as the simulated cluster keeps it. */
export type LogLines = readonly LogEntry[];

const sizeOf = (e: LogEntry): number => (typeof e === 'string' ? 1 : 'repeat' in e ? e.times : e.in);

const numbered = (text: string, i: number): string =>
  text.includes('{i}') ? text.split('{i}').join(String(i)) : text;

/** Line `i` (1-based) of a generator. */
function lineOf(e: RepeatLines | NeedleLines, i: number): string {
  if ('repeat' in e) return numbered(e.repeat, i);
  return i === e.at ? e.needle : numbered(e.filler[(i - 1) % e.filler.length]!, i);
}

/** How many lines a log has. */
export function logLength(lines: LogLines): number {
  let n = 0;
  for (const e of lines) n += sizeOf(e);
  return n;
}

/** Most characters one read of a log returns (the newest are kept), so a world cannot make a read unbounded. */
export const MAX_LOG_READ_CHARS = 8 * 1024 * 1024;

/**
 * The newest `tail` lines of a log (all of them when `tail` is left out), materialised, oldest
 * first; at most `maxChars` characters of lines (default `MAX_LOG_READ_CHARS`), counted from the newest.
 */
export function logTail(lines: LogLines, tail?: number, maxChars: number = MAX_LOG_READ_CHARS): string[] {
  const want = tail === undefined ? Number.POSITIVE_INFINITY : Math.max(0, tail);
  const out: string[] = [];
  let chars = 0;
  for (let e = lines.length - 1; e >= 0 && out.length < want; e--) {
    const entry = lines[e]!;
    for (let i = sizeOf(entry); i >= 1 && out.length < want; i--) {
      const line = typeof entry === 'string' ? entry : lineOf(entry, i);
      chars += line.length + 1;
      if (chars > maxChars) {
        // The newest line alone over the limit is still read, cut to it, rather than nothing.
        if (out.length === 0) out.push(cutText(line, maxChars));
        return out.reverse();
      }
      out.push(line);
    }
  }
  return out.reverse();
}
