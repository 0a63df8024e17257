import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { estimatedTokenCounter, o200kTokenCounter } from './tokens.js';

describe('token counters', () => {
  const o200k = o200kTokenCounter();

  it('counts exactly like the o200k_base tokenizer on ordinary text', () => {
    const text =
      'Reason: OOMKilled\nExit Code: 137\n2026-11-24T07:10:09Z ERROR java.lang.OutOfMemoryError: Java heap space';
    expect(o200k.count(text)).toBe(countTokens(text));
    expect(o200k.count('')).toBe(0);
  });

  it('counts a long unbroken run in slices: never below the exact count, and close to it', () => {
    const blob = Array.from({ length: 3_000 }, (_, i) => ((i * 7919) % 36).toString(36)).join('');
    const text = `payload=${blob} end`;
    const exact = countTokens(text);
    const guarded = o200k.count(text);
    expect(guarded).toBeGreaterThanOrEqual(exact);
    expect(guarded).toBeLessThan(exact * 1.1);
  });

  it('estimates by characters, rounding up', () => {
    expect(estimatedTokenCounter(2.5).count('x'.repeat(11))).toBe(5);
    expect(estimatedTokenCounter().name).toBe('estimate(2.5 chars/token)');
  });
});
