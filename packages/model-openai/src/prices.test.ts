import { costOf, priceFor } from '@sre-harness/core/model-kit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPENAI_PRICES } from './prices.js';

describe('priceFor', () => {
  it('prices a dated snapshot like its model', () => {
    expect(priceFor(DEFAULT_OPENAI_PRICES, 'gpt-4.1-2025-04-14')).toBe(DEFAULT_OPENAI_PRICES['gpt-4.1']);
    expect(priceFor(DEFAULT_OPENAI_PRICES, 'gpt-4.1-mini')).toBe(DEFAULT_OPENAI_PRICES['gpt-4.1-mini']);
  });

  it('does not guess the price of a variant it has no entry for', () => {
    expect(priceFor(DEFAULT_OPENAI_PRICES, 'gpt-5-pro')).toBeUndefined();
    expect(priceFor(DEFAULT_OPENAI_PRICES, 'llama3.1:8b')).toBeUndefined();
  });

  it('lets a user table override and extend the defaults', () => {
    const table = {
      ...DEFAULT_OPENAI_PRICES,
      'gpt-4.1': { inputPerMTok: 1, outputPerMTok: 1 },
      local: { inputPerMTok: 0, outputPerMTok: 0 },
    };
    expect(priceFor(table, 'gpt-4.1')?.inputPerMTok).toBe(1);
    expect(priceFor(table, 'local')?.outputPerMTok).toBe(0);
  });
});

describe('costOf', () => {
  it('bills cached input at the cached rate and the rest at the input rate', () => {
    const price = { inputPerMTok: 2, cacheReadPerMTok: 0.5, outputPerMTok: 8 };
    expect(costOf(price, { inputTokens: 2e6, cacheReadTokens: 1e6, outputTokens: 1e6 })).toBeCloseTo(
      2 + 0.5 + 8,
      9,
    );
  });
});
