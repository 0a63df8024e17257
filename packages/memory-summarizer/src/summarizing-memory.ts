import {
  fenceToolOutput,
  formatObservation,
  type Memory,
  type MemoryContext,
  type Model,
  type Observation,
} from '@sre-harness/core';
import { z } from 'zod';
import { MemorySummarizerError } from './errors.js';
import { ExtractiveSummarizer } from './extractive-summarizer.js';
import { fitLines, ModelSummarizer, type ModelSummarizerOptions } from './model-summarizer.js';
import type { Summarizer } from './summarizer.js';
import { o200kTokenCounter, type TokenCounter } from './tokens.js';

/** Options of the summarizing memory. */
export interface SummarizingMemoryOptions {
  /** The most tokens the rendered context may take. Default 8,000. */
  readonly maxTokens?: number;
  /**
   * Share of the budget left after the task that recent observations keep verbatim once the context
   * is full; the rest holds the summary. Default 0.5.
   */
  readonly recentShare?: number;
  /** How tokens are counted. Default: the o200k_base tokenizer (exact for GPT-4o/4.1/5, close for others). */
  readonly tokenCounter?: TokenCounter;
  /** Summarize with this model (the loop's port) instead of the extractive summarizer. */
  readonly model?: Model;
  /** Options for the model-backed summarizer. */
  readonly modelOptions?: ModelSummarizerOptions;
  /** Any summarizer, made fresh for each memory; takes precedence over `model`. */
  readonly summarizer?: () => Summarizer;
}

const optionsSchema = z.object({
  maxTokens: z.number().int().min(256).optional(),
  recentShare: z.number().gt(0).lt(1).optional(),
  tokenCounter: z.object({ name: z.string(), count: z.function() }).optional(),
  model: z.looseObject({ decide: z.function() }).optional(),
  modelOptions: z
    .object({
      instructions: z.string().min(1).optional(),
      timeoutMs: z.number().positive().optional(),
      maxObservationChars: z.number().int().min(200).optional(),
    })
    .optional(),
  summarizer: z.function().optional(),
});

function parseOptions(options: unknown): SummarizingMemoryOptions {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (parsed.success) return options as SummarizingMemoryOptions;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new MemorySummarizerError(
    'invalid_option',
    `invalid summarizing memory options: ${issues.join('; ')}`,
    {
      cause: parsed.error,
      issues,
    },
  );
}

interface Part {
  readonly observation: Observation;
  readonly step: number;
  readonly text: string;
  readonly tokens: number;
}

const SUMMARY_HEADER = 'Summary of earlier observations (extracted from tool output):';
const SEPARATOR = '\n\n';
const quiet = new AbortController().signal;

/**
 * A Memory that keeps the rendered context under a token budget: the task and the most recent
 * observations stay verbatim, older ones are folded into a running summary (extractive by default, or
 * written by a model), and every compaction is recorded as a `memory_compacted` trace event with the
 * token counts before and after.
 */
export class SummarizingMemory implements Memory {
  readonly #max: number;
  readonly #recentShare: number;
  readonly #counter: TokenCounter;
  readonly #summarizer: Summarizer;
  #task: string | undefined;
  #taskText = '';
  #taskTokens = 0;
  #recent: Part[] = [];
  #recentTokens = 0;
  #summary = '';
  /** The summary as the model sees it: fenced as untrusted data, because it is made of tool output. */
  #summaryShown = '';
  #summaryTokens = 0;
  #folded = 0;
  #compactions = 0;

  constructor(options: SummarizingMemoryOptions = {}) {
    const o = parseOptions(options);
    this.#max = o.maxTokens ?? 8_000;
    this.#recentShare = o.recentShare ?? 0.5;
    this.#counter = o.tokenCounter ?? o200kTokenCounter();
    this.#summarizer = o.summarizer
      ? o.summarizer()
      : o.model
        ? new ModelSummarizer(o.model, o.modelOptions)
        : new ExtractiveSummarizer();
  }

  /** The token counter the budget is measured with. */
  get tokenCounter(): TokenCounter {
    return this.#counter;
  }

  /** How many observations were folded into the summary so far. */
  get folded(): number {
    return this.#folded;
  }

  /** How many compactions ran. */
  get compactions(): number {
    return this.#compactions;
  }

  async add(observation: Observation, ctx?: MemoryContext): Promise<void> {
    if (observation.kind === 'task') {
      this.#task = String(observation.content);
      this.#taskText = `Task: ${this.#task}`;
      this.#taskTokens = this.#count(this.#taskText);
      return;
    }
    const step = Number.isFinite(observation.step) ? observation.step : 0;
    let text = formatObservation(observation);
    let tokens = this.#count(text);
    const limit = this.#recentLimit();
    // One observation larger than the verbatim share is cut in the middle; the summarizer still gets all of it.
    if (tokens > limit) {
      text = this.#clip(text, limit);
      tokens = this.#count(text);
    }
    this.#recent.push({ observation, step, text, tokens });
    this.#recentTokens += tokens;
    if (this.#estimate() > this.#max) await this.#compact(step, ctx);
  }

  render(): string {
    const parts: string[] = [];
    if (this.#task !== undefined) parts.push(this.#taskText);
    if (this.#summaryShown) parts.push(this.#summaryShown);
    for (const p of this.#recent) parts.push(p.text);
    return parts.join(SEPARATOR);
  }

  #count(text: string): number {
    return this.#counter.count(text);
  }

  #available(): number {
    return Math.max(0, this.#max - this.#taskTokens - 4);
  }

  #recentLimit(): number {
    return Math.max(32, Math.floor(this.#available() * this.#recentShare));
  }

  /** Tokens of the render as the sum of its parts plus one per separator: an upper bound in practice. */
  #estimate(): number {
    const parts = (this.#task !== undefined ? 1 : 0) + (this.#summary ? 1 : 0) + this.#recent.length;
    return this.#taskTokens + this.#summaryTokens + this.#recentTokens + Math.max(0, parts - 1);
  }

  async #compact(step: number, ctx: MemoryContext | undefined): Promise<void> {
    const before = this.#estimate();
    // Fold down to three quarters of the verbatim share, so compactions come in batches, not on every add.
    const target = Math.floor(this.#recentLimit() * 0.75);
    const leaving: Observation[] = [];
    while (this.#recent.length > 1 && this.#recentTokens > target) {
      const p = this.#recent.shift()!;
      this.#recentTokens -= p.tokens;
      leaving.push(p.observation);
    }
    this.#folded += leaving.length;
    // The summary keeps to its own share, so the slack left by folding lasts several adds.
    let budget = Math.min(
      this.#available() - this.#recentLimit(),
      this.#available() - this.#recentTokens - this.#recent.length - 2,
    );
    let summary = await this.#fold(leaving, budget, ctx);
    this.#setSummary(summary);
    // Token counts do not add up exactly across part boundaries; measure and shrink until it fits.
    let after = this.#count(this.render());
    for (let i = 0; i < 4 && after > this.#max && budget > 0; i++) {
      budget -= after - this.#max + 8;
      summary = await this.#fold([], Math.max(0, budget), ctx);
      this.#setSummary(summary);
      after = this.#count(this.render());
    }
    this.#compactions++;
    const detail = [
      `folded ${leaving.length} observation(s) (${this.#folded} in all) into a ${this.#summaryTokens}-token summary`,
      `${this.#recent.length} recent kept verbatim`,
      this.#summarizer.lastDetail,
      this.#counter.name,
    ]
      .filter(Boolean)
      .join('; ');
    ctx?.emit({
      kind: 'memory_compacted',
      step,
      beforeTokens: before,
      afterTokens: after,
      folded: leaving.length,
      detail,
    });
  }

  async #fold(
    observations: Observation[],
    maxTokens: number,
    ctx: MemoryContext | undefined,
  ): Promise<string> {
    if (maxTokens <= 0) return '';
    const count = (t: string) => this.#count(t);
    const text = await this.#summarizer.fold({
      task: this.#task ?? '',
      previous: this.#summary,
      observations,
      maxTokens,
      countTokens: count,
      signal: ctx?.signal ?? quiet,
    });
    return fitLines(typeof text === 'string' ? text : '', maxTokens, count);
  }

  /**
   * The one place a summary enters the context. Whatever summarizer wrote it, it is built from tool
   * output, so it is shown inside the same untrusted-data fence as tool output (a forged fence in it
   * is neutralised), never as harness text the model could take for instructions.
   */
  #setSummary(text: string): void {
    this.#summary = text;
    this.#summaryShown = text ? `${SUMMARY_HEADER}\n${fenceToolOutput(text)}` : '';
    this.#summaryTokens = this.#summaryShown ? this.#count(this.#summaryShown) : 0;
  }

  #clip(text: string, maxTokens: number): string {
    // Characters per token on this very text, so the cut lands close to the limit in one or two tries.
    let chars = Math.floor(text.length * (maxTokens / Math.max(1, this.#count(text))) * 0.95);
    for (;;) {
      const half = Math.max(0, Math.floor((chars - 60) / 2));
      const clipped = `${text.slice(0, half)}\n…[${text.length - 2 * half} characters cut to fit the context budget]…\n${text.slice(text.length - half)}`;
      if (this.#count(clipped) <= maxTokens || half === 0) return clipped;
      chars = Math.floor(chars * 0.85);
    }
  }
}

/** A factory for the summarizing memory (fresh for every run); options are checked now, at configuration time. */
export function summarizingMemory(options: SummarizingMemoryOptions = {}): () => SummarizingMemory {
  new SummarizingMemory(options);
  return () => new SummarizingMemory(options);
}
