import type { Usage } from '@sre-harness/core';

/** Price of one model in US dollars per million tokens. */
export interface ModelPrice {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** Cached input tokens; defaults to the input price. */
  readonly cacheReadPerMTok?: number;
  /** Tokens written to the cache, where the API bills them; defaults to the input price. */
  readonly cacheWritePerMTok?: number;
}

/** A price table keyed by model name; dated snapshots of a model share its entry. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

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

/** The price of a model: its entry, or the entry of the model it is a dated snapshot of. */
export function priceFor(table: PriceTable, model: string): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  // Only dated snapshots (gpt-4.1-2025-04-14, claude-haiku-4-5-20251001) inherit a price: a
  // longer name such as a "-pro" variant is a different model with a different price.
  const base = model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, '');
  return base === model ? undefined : table[base];
}

/**
 * Cost in USD of one response. `usage.inputTokens` counts every input token, cached ones included,
 * so uncached input is what remains after cache reads and writes.
 */
export function costOf(price: ModelPrice, usage: Usage): number {
  const read = usage.cacheReadTokens ?? 0;
  const write = usage.cacheWriteTokens ?? 0;
  const plain = Math.max(0, usage.inputTokens - read - write);
  const microDollars =
    plain * price.inputPerMTok +
    read * (price.cacheReadPerMTok ?? price.inputPerMTok) +
    write * (price.cacheWritePerMTok ?? price.inputPerMTok) +
    usage.outputTokens * price.outputPerMTok;
  return microDollars / 1e6;
}
