import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutText, cutTextEnd, previewText, sliceText } from './index.js';

const EMOJI = '😀'; // U+1F600: two UTF-16 code units, a surrogate pair

/** True when no surrogate is left without its other half. */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

// Text with emoji at every parity: a cut at any index lands inside a pair for some of them.
const MIXED = `a${EMOJI}b${EMOJI}${EMOJI}cd${EMOJI}é${EMOJI}`;

describe('wellFormed (the check the tests below rely on)', () => {
  it('accepts whole pairs and rejects either half alone', () => {
    for (const s of ['', 'abc', EMOJI, MIXED, `${EMOJI}${EMOJI}`]) expect(wellFormed(s), s).toBe(true);
    for (const s of ['\ud83d', '\ude00', 'a\ud83d', '\ude00a', `${EMOJI}\ud83d`, '\ude00\ud83d']) {
      expect(wellFormed(s)).toBe(false);
    }
  });
});

describe('cutText', () => {
  it('never ends in half a surrogate pair', () => {
    expect(cutText(`ab${EMOJI}c`, 3)).toBe('ab');
    expect(cutText(`ab${EMOJI}c`, 4)).toBe(`ab${EMOJI}`);
    expect(cutText('abc', 10)).toBe('abc');
    expect(cutText('abc', 0)).toBe('');
    expect(cutText('abc', -1)).toBe('');
  });

  it('at every cut position keeps a well-formed prefix of max or max - 1 units', () => {
    for (let max = 0; max <= MIXED.length + 1; max++) {
      const out = cutText(MIXED, max);
      expect(wellFormed(out), `max ${max}`).toBe(true);
      expect(MIXED.startsWith(out)).toBe(true);
      expect(out.length).toBeGreaterThanOrEqual(Math.min(MIXED.length, max) - 1);
      expect(out.length).toBeLessThanOrEqual(Math.max(0, max));
    }
  });

  it('keeps a prefix of an emoji straddling the cut', () => {
    const text = `${'a'.repeat(99)}${EMOJI}tail`;
    expect(cutText(text, 100)).toBe('a'.repeat(99));
    expect(cutText(text, 101)).toBe(`${'a'.repeat(99)}${EMOJI}`);
  });
});

describe('cutTextEnd', () => {
  it('never starts with half a surrogate pair', () => {
    expect(cutTextEnd(`a${EMOJI}bc`, 3)).toBe('bc');
    expect(cutTextEnd(`a${EMOJI}bc`, 4)).toBe(`${EMOJI}bc`);
    expect(cutTextEnd('abc', 10)).toBe('abc');
    expect(cutTextEnd('abc', 2)).toBe('bc');
    expect(cutTextEnd('abc', 0)).toBe('');
    expect(cutTextEnd('abc', -1)).toBe('');
  });

  it('at every cut position keeps a well-formed suffix of max or max - 1 units', () => {
    for (let max = 0; max <= MIXED.length + 1; max++) {
      const out = cutTextEnd(MIXED, max);
      expect(wellFormed(out), `max ${max}`).toBe(true);
      expect(MIXED.endsWith(out)).toBe(true);
      expect(out.length).toBeGreaterThanOrEqual(Math.min(MIXED.length, max) - 1);
      expect(out.length).toBeLessThanOrEqual(max);
    }
  });

  it('keeps a whole number of units for a fractional max', () => {
    expect(cutTextEnd('abcdef', 2.5)).toBe('ef');
  });
});

describe('sliceText', () => {
  it('moves both ends inward off a surrogate pair', () => {
    const text = `${EMOJI}ab${EMOJI}`; // units: H L a b H L
    expect(sliceText(text, 1, 5)).toBe('ab');
    expect(sliceText(text, 0, 6)).toBe(text);
    expect(sliceText(text, 0, 2)).toBe(EMOJI);
    expect(sliceText(text, 1, 2)).toBe('');
    expect(sliceText(text, 2)).toBe(`ab${EMOJI}`);
    expect(sliceText(text, 3, 1)).toBe('');
    expect(sliceText(text, -5, 99)).toBe(text);
    expect(sliceText(text, Number.NaN, Number.NaN)).toBe('');
  });

  it('at every pair of cut positions keeps a well-formed piece of the range', () => {
    for (let start = 0; start <= MIXED.length; start++) {
      for (let end = start; end <= MIXED.length; end++) {
        const out = sliceText(MIXED, start, end);
        expect(wellFormed(out), `${start}..${end}`).toBe(true);
        expect(MIXED.slice(start, end).includes(out)).toBe(true);
        expect(out.length).toBeGreaterThanOrEqual(end - start - 2);
      }
    }
  });
});

describe('previewText', () => {
  it('leaves text that fits and ends a cut one in the ellipsis, within max', () => {
    expect(previewText('abc', 3)).toBe('abc');
    expect(previewText('abcd', 3)).toBe('ab…');
    expect(previewText('abcdef', 5, '...')).toBe('ab...');
    expect(previewText('abcdef', 2, '...')).toBe('..');
    expect(previewText('abc', 0)).toBe('');
  });

  it('at every cut position stays well-formed and within max, ending in the ellipsis when cut', () => {
    for (let max = 0; max <= MIXED.length + 1; max++) {
      const out = previewText(MIXED, max);
      expect(wellFormed(out), `max ${max}`).toBe(true);
      expect(out.length).toBeLessThanOrEqual(max);
      if (max > 0 && max < MIXED.length) expect(out.endsWith('…')).toBe(true);
    }
  });

  it('drops an emoji straddling the cut whole', () => {
    expect(previewText(`${'a'.repeat(9)}${EMOJI}bcd`, 11)).toBe(`${'a'.repeat(9)}…`);
  });
});

describe('on any text (property)', () => {
  // `binary` units are whole code points from the full range, so astral ones come as pairs.
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const index = fc.integer({ min: -3, max: 90 });

  it('every helper keeps well-formed text well-formed, and stays within its limit', () => {
    fc.assert(
      fc.property(text, index, index, (t, a, b) => {
        const head = cutText(t, a);
        const tail = cutTextEnd(t, a);
        const piece = sliceText(t, a, b);
        const preview = previewText(t, a);
        for (const out of [head, tail, piece, preview]) expect(wellFormed(out)).toBe(true);
        expect(t.startsWith(head) && head.length <= Math.max(0, a)).toBe(true);
        expect(head.length).toBeGreaterThanOrEqual(Math.min(t.length, a) - 1);
        expect(t.endsWith(tail) && tail.length <= Math.max(0, a)).toBe(true);
        expect(tail.length).toBeGreaterThanOrEqual(Math.min(t.length, a) - 1);
        expect(t.slice(Math.max(0, a), Math.max(0, b)).includes(piece)).toBe(true);
        expect(preview.length).toBeLessThanOrEqual(Math.max(0, a));
      }),
      { numRuns: 2000 },
    );
  });

  it('only drops the half pair a cut would split: cutting a whole string is the identity', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(cutText(t, t.length)).toBe(t);
        expect(cutTextEnd(t, t.length)).toBe(t);
        expect(sliceText(t, 0)).toBe(t);
        expect(previewText(t, t.length)).toBe(t);
      }),
    );
  });
});
