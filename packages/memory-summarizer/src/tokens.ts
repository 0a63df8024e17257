import { createRequire } from 'node:module';

// The o200k vocabulary takes about 0.2 s to load: it is loaded on the first count, not on import, so a
// program that imports this package but never counts (a --help, an eval with the window memory) does
// not pay for it. gpt-tokenizer ships a CommonJS build for `require`.
const load = createRequire(import.meta.url);
let encoder: ((text: string) => number) | undefined;
function countTokens(text: string): number {
  encoder ??= (load('gpt-tokenizer/encoding/o200k_base') as { countTokens: (t: string) => number })
    .countTokens;
  return encoder(text);
}

// Counts of texts seen lately: a memory counts each observation once, and runs of one world (an eval's
// models and trials) show the same outputs again. A count is a function of the text alone; the cache
// is emptied when its texts reach a few megabytes, so memory stays flat.
const COUNTS = new Map<string, number>();
let countedChars = 0;
const MAX_COUNTED_CHARS = 2_000_000;
const MAX_COUNTED_LENGTH = 65_536;

/** Counts tokens of a text; the memory's budget is measured with it. */
export interface TokenCounter {
  readonly name: string;
  count(text: string): number;
}

/**
 * Exact token counts with the o200k_base BPE vocabulary (the one OpenAI's GPT-4o, 4.1 and 5 families use),
 * via gpt-tokenizer: pure JavaScript, offline, and fast enough to count every observation once and every
 * rendered context (tens of megabytes per second; the benchmark prints the figure). For models with
 * another vocabulary (Claude, Llama) it is an approximation within a few tens of percent, so leave
 * headroom in `maxTokens` or pass that model's own counter.
 */
export function o200kTokenCounter(): TokenCounter {
  return { name: 'o200k_base', count: countGuarded };
}

// BPE merging is quadratic in the length of one unbroken word, so a 200 kB base64 blob or minified JSON
// line would stall the loop for seconds. Such runs are counted in slices: splitting can only stop merges
// across a cut, so the result is at most a few tokens above the exact count, the safe side for a budget.
const LONG_RUN = /\S{512,}/g;
const SLICE = 256;

function countGuarded(text: string): number {
  if (text.length === 0) return 0;
  if (text.length > MAX_COUNTED_LENGTH) return countSliced(text);
  let n = COUNTS.get(text);
  if (n === undefined) {
    n = countSliced(text);
    if (countedChars + text.length > MAX_COUNTED_CHARS) {
      COUNTS.clear();
      countedChars = 0;
    }
    COUNTS.set(text, n);
    countedChars += text.length;
  }
  return n;
}

function countSliced(text: string): number {
  LONG_RUN.lastIndex = 0;
  if (!LONG_RUN.test(text)) return countTokens(text);
  LONG_RUN.lastIndex = 0;
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(LONG_RUN)) {
    if (m.index > last) total += countTokens(text.slice(last, m.index));
    for (let i = 0; i < m[0].length; i += SLICE) total += countTokens(m[0].slice(i, i + SLICE));
    last = m.index + m[0].length;
  }
  if (last < text.length) total += countTokens(text.slice(last));
  return total;
}

/**
 * A calibrated estimate, `ceil(characters / charsPerToken)`, for when no tokenizer fits the model. The
 * default of 2.5 characters per token is deliberately low (it over-counts): kubectl-style output with
 * names, hashes, timestamps and numbers measures about 2.1 to 3.2 characters per o200k token, well below
 * the 4 usually quoted for English prose, so an estimate at 4 would let the context overflow.
 */
export function estimatedTokenCounter(charsPerToken = 2.5): TokenCounter {
  return {
    name: `estimate(${charsPerToken} chars/token)`,
    count: (text) => Math.ceil(text.length / charsPerToken),
  };
}
