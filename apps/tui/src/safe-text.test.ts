import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { firstUnsafe, fitText, padCells, safeLine, safeText, textWidth, wrapText } from './safe-text.js';

describe('safeText', () => {
  it.each([
    ['OSC 52 clipboard write, BEL-terminated', 'a\x1b]52;c;aGk=\x07b', 'a␛]52;c;aGk=␇b'],
    ['OSC terminated by ST', '\x1b]0;title\x1b\\', '␛]0;title␛\\'],
    ['CSI', '\x1b[2J\x1b[31mred', '␛[2J␛[31mred'],
    ['DCS', '\x1bP1$r\x1b\\', '␛P1$r␛\\'],
    ['carriage return and backspace', 'ok\rno\b', 'ok␍no␈'],
    ['NUL and DEL', '\x00\x7f', '␀␡'],
    ['one-byte C1 CSI and NEL', '\u009b2J\u0085', '\\u009b2J\\u0085'],
    ['bidi override', 'abc\u202edef', 'abc\\u202edef'],
    ['newline and tab kept', 'a\n\tb', 'a\n\tb'],
    ['printable text untouched', 'héllo — 日本 ✓ 😀', 'héllo — 日本 ✓ 😀'],
  ])('%s', (_, input, shown) => {
    expect(safeText(input)).toBe(shown);
    // Idempotent: escaping what is already escaped changes nothing.
    expect(safeText(shown)).toBe(shown);
  });

  it('shows newline and tab too when the text must stay on one line', () => {
    expect(safeLine('a\n\tb\x1b')).toBe('a␊␉b␛');
  });

  it('leaves no control character in any of the first 0x2100 code points', () => {
    const all = Array.from({ length: 0x2100 }, (_, c) => String.fromCharCode(c)).join('');
    const shown = safeLine(all);
    expect(firstUnsafe(all)).toBe(0);
    expect(firstUnsafe(shown)).toBe(-1);
    for (let i = 0; i < shown.length; i++) {
      const c = shown.charCodeAt(i);
      expect(c < 0x20 || (c >= 0x7f && c <= 0x9f)).toBe(false);
    }
  });
});

describe('wrapText and fitText', () => {
  it('wrap by terminal cells, so wide characters never overflow the width', () => {
    const lines = wrapText('日本語のテキスト', 6);
    expect(lines).toEqual(['日本語', 'のテキ', 'スト']);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(6);
  });

  it('break at spaces, keep indentation, and never split a surrogate pair', () => {
    expect(wrapText('    "key": "a long value here"', 16)).toEqual(['    "key": "a', 'long value here"']);
    expect(wrapText('😀😀😀', 3)).toEqual(['😀', '😀', '😀']);
    expect(wrapText('a\x1bb', 10)).toEqual(['a␛b']);
  });

  it('fit cuts to the width with an ellipsis', () => {
    expect(fitText('abcdef', 4)).toBe('abc…');
    expect(fitText('日本語', 4)).toBe('日…');
    expect(fitText('abc', 3)).toBe('abc');
  });
});

describe('widths of emoji and CJK, measured as Ink measures them (string-width per grapheme)', () => {
  // An emoji with a variation selector or keycap is two cells to string-width (and so to Ink) but
  // was counted one cell per code point, so a cut line overflowed its width; a ZWJ family was split.
  const cases = [
    ['heart with VS16', '❤️'],
    ['keycap', '1️⃣'],
    ['ZWJ family', '👨‍👩‍👧'],
    ['flag', '🇺🇸'],
    ['CJK', '中文'],
    ['accented, combining', 'e\u0301'],
  ] as const;

  it.each(cases)('%s: fitText and wrapText stay within the width, whole clusters only', (_, unit) => {
    const text = `${unit} `.repeat(12) + unit.repeat(20);
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const clustersOf = (s: string) => [...segmenter.segment(s)].map((x) => x.segment);
    const whole = new Set(clustersOf(text));
    for (const width of [3, 7, 20, 41]) {
      const fit = fitText(text, width);
      expect(stringWidth(fit), `fit ${width}`).toBeLessThanOrEqual(width);
      for (const c of clustersOf(fit.replace(/…$/, ''))) expect(whole.has(c)).toBe(true);
      for (const line of wrapText(text, width)) {
        expect(stringWidth(line), `wrap ${width}: ${line}`).toBeLessThanOrEqual(width);
        for (const c of clustersOf(line)) expect(whole.has(c) || c === ' ').toBe(true);
      }
    }
  });

  it('padCells lines columns up by cells, not code units', () => {
    expect(padCells('模型', 6)).toBe('模型  ');
    expect(padCells('❤️x', 4)).toBe('❤️x ');
    expect(padCells('7', 3, 'right')).toBe('  7');
    expect(stringWidth(padCells('中文中文中文', 5))).toBe(5);
  });
});

describe('the one place the UI prints text', () => {
  it('is SafeText: no other UI file renders Ink’s Text', () => {
    const dir = fileURLToPath(new URL('./ui/', import.meta.url));
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.tsx') && !f.endsWith('.test.tsx') && f !== 'lines.tsx')
      .filter((f) => /import\s*\{[^}]*\bText\b[^}]*\}\s*from\s*'ink'/.test(readFileSync(dir + f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
