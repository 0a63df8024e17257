import { cutText, cutTextEnd, sliceText } from '@sre-harness/core';

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
  /**
   * Longest line shown, in characters (UTF-16 code units); a longer line keeps its start and its end, joined
   * by ` … `, and the part around its first match when that falls between them (see `shownLine`). Default 1,000.
   */
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
  const maxLineChars = Math.max(20, options.maxLineChars ?? 1000);
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
  // Where the first match starts in the line itself, and how long it is: a lowercased line can be longer
  // than the line (`İ` lowercases to two code units), so its index is found in the line, case ignored.
  const finders = needles.map((n) =>
    ignoreCase ? new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : undefined,
  );
  const firstMatch = (i: number): { at: number; length: number } | undefined => {
    let best: { at: number; length: number } | undefined;
    needles.forEach((n, k) => {
      const m = finders[k]?.exec(lines[i]!);
      const at = m ? m.index : finders[k] ? -1 : lines[i]!.indexOf(n);
      if (at >= 0 && (!best || at < best.at)) best = { at, length: m ? m[0].length : n.length };
    });
    return best;
  };
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
      const shown =
        text.length > maxLineChars
          ? shownLine(text, maxLineChars, isHit.has(i) ? firstMatch(i) : undefined)
          : text;
      out.push(`${i + 1}${isHit.has(i) ? ':' : '-'}${shown}`);
    }
    last = Math.max(last, to);
  }
  return { lines: lines.length, matches: hits.length, shown: shownHits.length, text: out.join('\n') };
}

/**
 * A line longer than `max` as a search shows it, within `max` UTF-16 code units and never cut inside a
 * surrogate pair: its start and its end joined by ` … ` (a nested error names its cause last: `… with
 * error: exit status 3 stderr: …`), and when the match (its start `at` and its `length`, in the line's own
 * code units) does not lie wholly in one of them, the text around it between them. A line too short to
 * hold the joins keeps its start, followed by `…`.
 */
export function shownLine(text: string, max: number, match?: { at: number; length: number }): string {
  if (text.length <= max) return text;
  if (max < 40) return `${cutText(text, max - 1)}…`;
  const join = ' … ';
  const at = match?.at ?? -1;
  const end = at + (match?.length ?? 0);
  // Start and end: half each, less the join; enough when the match lies wholly in one of them.
  const half = Math.floor((max - join.length) / 2);
  const tail = max - join.length - half;
  if (at < 0 || end <= half || at >= text.length - tail)
    return `${cutText(text, half)}${join}${cutTextEnd(text, tail)}`;
  // Start, the match, end: a third each, less two joins; a match near the end shows in the end part.
  const third = Math.floor((max - 2 * join.length) / 3);
  // A match that starts inside the first third: a longer start holds it.
  if (at < third) return `${cutText(text, max - join.length - third)}${join}${cutTextEnd(text, third)}`;
  const from = Math.max(third, at - Math.floor(third / 4));
  const endRoom = max - join.length - third;
  if (from >= text.length - endRoom) return `${cutText(text, third)}${join}${cutTextEnd(text, endRoom)}`;
  const window = sliceText(text, from, from + third);
  return `${cutText(text, third)}${join}${window}${join}${cutTextEnd(text, endRoom - join.length - window.length)}`;
}
