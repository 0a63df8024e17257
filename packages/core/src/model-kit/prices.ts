import type { Usage } from '../model.js';

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
