import type { Observation } from '@sre-harness/core';

/** What a summarizer is asked to do when the memory compacts. */
export interface FoldRequest {
  /** The run's task, for context (it stays verbatim in the render; do not repeat it). */
  readonly task: string;
  /** The summary this summarizer returned last time ('' at first). */
  readonly previous: string;
  /** Observations leaving the verbatim window, oldest first; empty when the memory only needs a shorter summary. */
  readonly observations: readonly Observation[];
  /** The summary must be at most this many tokens, as `countTokens` measures. */
  readonly maxTokens: number;
  readonly countTokens: (text: string) => number;
  readonly signal: AbortSignal;
}

/** Turns older observations into a running summary; the memory makes one per run, so it may keep state. */
export interface Summarizer {
  readonly name: string;
  /** Returns the new summary; text longer than `maxTokens` is cut by the memory. */
  fold(request: FoldRequest): string | Promise<string>;
  /** One line about the last fold (facts kept, fallbacks), for the memory_compacted event. */
  readonly lastDetail?: string;
}
