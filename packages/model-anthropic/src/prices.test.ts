import { costOf, priceFor } from '@sre-harness/core/model-kit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANTHROPIC_PRICES } from './prices.js';

describe('priceFor', () => {
  it('prices a dated snapshot like its model', () => {
    expect(priceFor(DEFAULT_ANTHROPIC_PRICES, 'claude-haiku-4-5-20251001')).toBe(
      DEFAULT_ANTHROPIC_PRICES['claude-haiku-4-5'],
    );
    expect(priceFor(DEFAULT_ANTHROPIC_PRICES, 'claude-opus-4-20250514')?.inputPerMTok).toBe(15);
    expect(priceFor(DEFAULT_ANTHROPIC_PRICES, 'claude-3-7-sonnet-latest')?.inputPerMTok).toBe(3);
  });

  it('does not guess the price of a model it has no entry for', () => {
    expect(priceFor(DEFAULT_ANTHROPIC_PRICES, 'claude-opus-4-6')).toBeUndefined();
    expect(priceFor(DEFAULT_ANTHROPIC_PRICES, 'claude-sonnet-5')).toBeUndefined();
  });
});

describe('costOf', () => {
  it('bills uncached input, cache reads, cache writes and output at their own rates', () => {
    const price = { inputPerMTok: 10, outputPerMTok: 100, cacheReadPerMTok: 1, cacheWritePerMTok: 20 };
    const usage = {
      inputTokens: 1_600_000,
      outputTokens: 10_000,
      cacheReadTokens: 500_000,
      cacheWriteTokens: 100_000,
    };
    // 1,000,000 plain x 10 + 500,000 x 1 + 100,000 x 20 + 10,000 x 100, per million.
    expect(costOf(price, usage)).toBeCloseTo(10 + 0.5 + 2 + 1, 9);
  });

  it('bills cache tokens at the input price when the table gives no cache price', () => {
    expect(
      costOf(
        { inputPerMTok: 2, outputPerMTok: 0 },
        { inputTokens: 1e6, outputTokens: 0, cacheReadTokens: 5e5 },
      ),
    ).toBe(2);
  });
});
