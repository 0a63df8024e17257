// Attacker's review of search_pod_logs' long-line cut (held-out set 92's review; the rest of it is in
// packages/eval/src/analyzers/held-out-92-review.test.ts): 2 of these 5 tests were bugs, fixed since.
import { describe, expect, it } from 'vitest';
import { searchLog, shownLine } from './log-search.js';

const hasLoneSurrogate = (s: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('log-search shownLine', () => {
  it('keeps the start, the match in the middle and the end of a long line, within the limit', () => {
    const line = `START ${'a'.repeat(2000)} NEEDLE-HERE ${'b'.repeat(2000)} END`;
    const r = searchLog(line, { pattern: 'needle-here' });
    const shown = r.text.replace(/^1:/, '');
    expect(shown.length).toBeLessThanOrEqual(1000);
    expect(shown.startsWith('START')).toBe(true);
    expect(shown).toContain('NEEDLE-HERE');
    expect(shown.endsWith('END')).toBe(true);
  });

  it('never cuts inside a surrogate pair, wherever the cuts fall', () => {
    const line = '\u{1F600}'.repeat(3000);
    for (let at = 0; at < 6000; at += 97)
      for (const max of [40, 41, 100, 101, 1000]) {
        const s = shownLine(line, max, { at, length: 2 });
        expect(s.length).toBeLessThanOrEqual(max);
        expect(hasLoneSurrogate(s)).toBe(false);
      }
  });

  // Found in review, fixed: a match that starts just before the start part's cut (at 497 of a 1,000 limit) is not "in the middle", so the start part cuts it in two and the line loses the match; a match that crosses the cut should be shown whole.
  it('shows a match that crosses the end of the start part whole', () => {
    const line = `${'a'.repeat(495)} NEEDLE-HERE ${'b'.repeat(3000)}`;
    const r = searchLog(line, { pattern: 'needle-here' });
    expect(r.text).toContain('NEEDLE-HERE');
  });

  // Found in review, fixed: the match's position is taken in the lowercased line, which is longer than the line when it holds characters such as `İ` (one code unit, two lowercased), so the window shows text after the match instead of it; the position should be the original line's.
  it('shows the match of a line whose lowercase is longer than itself', () => {
    const line = `${'\u0130'.repeat(400)}${'a'.repeat(400)} NEEDLE-HERE ${'b'.repeat(3000)}`;
    const r = searchLog(line, { pattern: 'needle-here' });
    expect(r.text).toContain('NEEDLE-HERE');
  });

  it('stays linear on a huge log of long matching lines', () => {
    const make = (n: number) =>
      Array.from({ length: n }, (_, i) => `${'x'.repeat(5000)} hit${i} ${'y'.repeat(5000)}`).join('\n');
    const small = make(200);
    const big = make(2000);
    const time = (f: () => unknown) => {
      const t = performance.now();
      f();
      return performance.now() - t;
    };
    const base = time(() => searchLog(small, { pattern: 'hit|zzz', maxMatches: 20 }));
    const bad = time(() => searchLog(big, { pattern: 'hit|zzz', maxMatches: 20 }));
    expect(bad).toBeLessThan(base * 40 + 1000);
    const r = searchLog(big, { pattern: 'hit1999' });
    expect(r.matches).toBe(1);
    expect(r.text).toContain('hit1999');
  });
});
