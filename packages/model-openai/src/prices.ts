import type { PriceTable } from '@sre-harness/core/model-kit';

/**
 * List prices of common OpenAI models (USD per million tokens) as published when this package was
 * written; prices change and newer models are missing, so pass `prices` (or `price`) to override or
 * extend them; a model with no entry gets no cost, never a guess. Local servers cost nothing
 * here: give them a zero price if you want a cost column.
 */
export const DEFAULT_OPENAI_PRICES: PriceTable = Object.freeze({
  'gpt-5': { inputPerMTok: 1.25, cacheReadPerMTok: 0.125, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, cacheReadPerMTok: 0.025, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, cacheReadPerMTok: 0.005, outputPerMTok: 0.4 },
  'gpt-4.1': { inputPerMTok: 2, cacheReadPerMTok: 0.5, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, cacheReadPerMTok: 0.1, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, cacheReadPerMTok: 0.025, outputPerMTok: 0.4 },
  'gpt-4o': { inputPerMTok: 2.5, cacheReadPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, cacheReadPerMTok: 0.075, outputPerMTok: 0.6 },
  o3: { inputPerMTok: 2, cacheReadPerMTok: 0.5, outputPerMTok: 8 },
  'o4-mini': { inputPerMTok: 1.1, cacheReadPerMTok: 0.275, outputPerMTok: 4.4 },
});
