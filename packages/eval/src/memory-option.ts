import { type Memory, windowMemory } from '@sre-harness/core';
import { summarizingMemory } from '@sre-harness/memory-summarizer';
import { EvaluationError } from './errors.js';
import { savedO200kCounter } from './token-count-cache.js';

/** Parses `--memory`: `window[:<keep>]` (core) or `summarizer[:<maxTokens>]` (extractive, offline). */
export function memoryFromSpec(spec: string): () => Memory {
  const m = /^(window|summarizer)(?::(\d+))?$/.exec(spec.trim());
  if (!m) {
    throw new EvaluationError(
      'invalid_option',
      `--memory must be window[:<keep>] or summarizer[:<maxTokens>]; got "${spec}"`,
    );
  }
  const n = m[2] === undefined ? undefined : Number(m[2]);
  try {
    if (m[1] === 'window') return windowMemory(n === undefined ? {} : { keep: n });
    // The o200k counter with its counts kept between evals (token-count-cache.ts): the same counts.
    return summarizingMemory({
      ...(n === undefined ? {} : { maxTokens: n }),
      tokenCounter: savedO200kCounter(),
    });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new EvaluationError('invalid_option', `--memory ${spec}: ${message}`, { cause });
  }
}
