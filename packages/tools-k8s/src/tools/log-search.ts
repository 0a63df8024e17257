import { cutText } from '@sre-harness/core';

/** Options of `searchLog`. */
export interface LogSearchOptions {
  /**
   * What to look for: literal text, with `|` between alternatives (`ERROR|FATAL`). Literal on
   * purpose: the pattern comes from a model and the log from a workload, and a substring search is
   * linear in the log's size, where a regular expression could backtrack.
   */
  readonly pattern: string;
  /** Case-insensitive. Default true. */
  readonly ignoreCase?: boolean;
  /** Lines shown before and after each match, as `grep -C`. Default 2. */
  readonly context?: number;
  /** Most matching lines shown; the newest are kept. Default 20. */
  readonly maxMatches?: number;
  /** Longest line shown, in characters; longer lines are cut (between code points) with `…`. Default 400. */
  readonly maxLineChars?: number;
}

/** What `searchLog` found. */
export interface LogSearchResult {
  /** Lines searched. */
  readonly lines: number;
  /** Matching lines in the whole log. */
  readonly matches: number;
  /** Matching lines shown (the newest `maxMatches`). */
  readonly shown: number;
  /** grep-like text: `N:line` for a match, `N-line` for context, `--` between groups; 1-based line numbers. */
  readonly text: string;
}

/**
 * Searches a log for lines containing any of the pattern's alternatives and prints the newest
 * matches with context, numbered the way `grep -n -C` numbers them. Work is linear in the log's size.
 */
export function searchLog(log: string, options: LogSearchOptions): LogSearchResult {
  const ignoreCase = options.ignoreCase ?? true;
  const context = Math.max(0, options.context ?? 2);
  const maxMatches = Math.max(1, options.maxMatches ?? 20);
  const maxLineChars = Math.max(20, options.maxLineChars ?? 400);
  const needles = options.pattern
    .split('|')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => (ignoreCase ? p.toLowerCase() : p));
  const lines = log.endsWith('\n') ? log.slice(0, -1).split('\n') : log === '' ? [] : log.split('\n');
  const hits: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = ignoreCase ? lines[i]!.toLowerCase() : lines[i]!;
    if (needles.some((n) => line.includes(n))) hits.push(i);
  }
  const shownHits = hits.slice(Math.max(0, hits.length - maxMatches));
  const isHit = new Set(hits);
  const out: string[] = [];
  let last = -1;
  for (const h of shownHits) {
    const from = Math.max(0, h - context, last + 1);
    const to = Math.min(lines.length - 1, h + context);
    if (last >= 0 && from > last + 1) out.push('--');
    for (let i = from; i <= to; i++) {
      const text = lines[i]!;
      const shown = text.length > maxLineChars ? `${cutText(text, maxLineChars - 1)}…` : text;
      out.push(`${i + 1}${isHit.has(i) ? ':' : '-'}${shown}`);
    }
    last = Math.max(last, to);
  }
  return { lines: lines.length, matches: hits.length, shown: shownHits.length, text: out.join('\n') };
}
