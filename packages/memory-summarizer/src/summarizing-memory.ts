import {
  cutText,
  cutTextEnd,
  fenceToolOutput,
  formatObservation,
  type Memory,
  type MemoryContext,
  type Model,
  type Observation,
  type TranscriptEntry,
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

/** One turn: the model's turn (absent for a note on its own) and the observations after it. */
interface Turn {
  /** What the model is shown: the observations, a huge output cut in the middle. */
  readonly shown: Observation[];
  /** The same observations whole, for the summarizer. */
  readonly whole: Observation[];
  tokens: number;
}

/** Whether the turn's model call `callId` is one of the calls it made. */
function answers(turn: Turn, callId: string): boolean {
  const first = turn.shown[0];
  return first?.kind === 'assistant' && first.calls.some((c) => c.callId === callId);
}

const SUMMARY_HEADER = 'Summary of earlier observations (extracted from tool output):';
const SEPARATOR = '\n\n';
const quiet = new AbortController().signal;

/**
 * A Memory that keeps the context under a token budget: the task and the most recent turns stay
 * verbatim, older turns are folded whole (the model's calls with their results) into a running
 * summary (extractive by default, or written by a model), and every compaction is recorded as a
 * `memory_compacted` trace event with the token counts before and after. It compacts down to three
 * quarters of its verbatim share at once, so between compactions the transcript only grows and a
 * provider's prompt cache keeps serving it.
 */
export class SummarizingMemory implements Memory {
  readonly #max: number;
  readonly #recentShare: number;
  readonly #counter: TokenCounter;
  readonly #summarizer: Summarizer;
  #task: string | undefined;
  #taskText = '';
  #taskTokens = 0;
  #recent: Turn[] = [];
  #recentTokens = 0;
  #summary = '';
  #taskEntry: TranscriptEntry | undefined;
  #summaryEntry: TranscriptEntry | undefined;
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
      this.#taskEntry = { kind: 'task', content: this.#task };
      this.#taskText = `Task: ${this.#task}`;
      this.#taskTokens = this.#count(this.#taskText);
      return;
    }
    if (observation.kind !== 'assistant' && observation.kind !== 'tool' && observation.kind !== 'note')
      return;
    const step = Number.isFinite(observation.step) ? observation.step : 0;
    let shown: Observation = observation;
    let tokens = this.#count(formatObservation(observation));
    const limit = this.#recentLimit();
    // One observation larger than the verbatim share is cut in the middle; the summarizer still gets all of it.
    if (tokens > limit && observation.kind !== 'assistant') {
      shown = { ...observation, content: this.#clip(observation, limit) };
      tokens = this.#count(formatObservation(shown));
    }
    // A result joins the turn whose call it answers; anything else starts a turn of its own.
    let turn = this.#recent[this.#recent.length - 1];
    if (observation.kind !== 'tool' || !turn || !answers(turn, observation.callId)) {
      turn = { shown: [], whole: [], tokens: 0 };
      this.#recent.push(turn);
    }
    turn.shown.push(shown);
    turn.whole.push(observation);
    turn.tokens += tokens;
    this.#recentTokens += tokens;
    if (observation.kind !== 'assistant' && this.#estimate() > this.#max) await this.#compact(step, ctx);
  }

  render(): TranscriptEntry[] {
    // The same entry objects from one render to the next, so the loop converts only what is new.
    const out: TranscriptEntry[] = [];
    if (this.#taskEntry) out.push(this.#taskEntry);
    if (this.#summaryEntry) out.push(this.#summaryEntry);
    for (const turn of this.#recent) for (const o of turn.shown) out.push(o);
    return out;
  }

  /** The context as the text whose tokens the budget counts: task, summary, then every entry formatted. */
  text(): string {
    const parts: string[] = [];
    if (this.#task !== undefined) parts.push(this.#taskText);
    if (this.#summary) parts.push(this.#summaryShown());
    for (const turn of this.#recent) for (const o of turn.shown) parts.push(formatObservation(o));
    return parts.join(SEPARATOR);
  }

  #summaryShown(): string {
    return this.#summary ? `${SUMMARY_HEADER}\n${fenceToolOutput(this.#summary)}` : '';
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

  #entries(): number {
    let n = 0;
    for (const turn of this.#recent) n += turn.shown.length;
    return n;
  }

  /** Tokens of the text as the sum of its parts plus one per separator: an upper bound in practice. */
  #estimate(): number {
    const parts = (this.#task !== undefined ? 1 : 0) + (this.#summary ? 1 : 0) + this.#entries();
    return this.#taskTokens + this.#summaryTokens + this.#recentTokens + Math.max(0, parts - 1);
  }

  async #compact(step: number, ctx: MemoryContext | undefined): Promise<void> {
    const before = this.#estimate();
    // Fold down to three quarters of the verbatim share, so compactions come in batches, not on every add.
    const target = Math.floor(this.#recentLimit() * 0.75);
    const leaving: Observation[] = [];
    // Whole turns only (never the newest), so every call kept still has its result.
    while (this.#recent.length > 1 && this.#recentTokens > target) {
      const turn = this.#recent.shift()!;
      this.#recentTokens -= turn.tokens;
      for (const o of turn.whole) if (o.kind !== 'assistant') leaving.push(o);
    }
    this.#folded += leaving.length;
    // The summary keeps to its own share, so the slack left by folding lasts several adds.
    let budget = Math.min(
      this.#available() - this.#recentLimit(),
      this.#available() - this.#recentTokens - this.#entries() - 2,
    );
    let summary = await this.#fold(leaving, budget, ctx);
    this.#setSummary(summary);
    // Token counts do not add up exactly across part boundaries; measure and shrink until it fits.
    let after = this.#count(this.text());
    for (let i = 0; i < 4 && after > this.#max && budget > 0; i++) {
      budget -= after - this.#max + 8;
      summary = await this.#fold([], Math.max(0, budget), ctx);
      this.#setSummary(summary);
      after = this.#count(this.text());
    }
    this.#compactions++;
    const detail = [
      `folded ${leaving.length} observation(s) (${this.#folded} in all) into a ${this.#summaryTokens}-token summary`,
      `${this.#entries()} recent kept verbatim`,
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
   * The one place a summary is kept. Whatever summarizer wrote it, it is built from tool output, so
   * `render` hands it over as untrusted: the loop fences it like tool output (a forged fence in it
   * is neutralised), never as harness text the model could take for instructions.
   */
  #setSummary(text: string): void {
    this.#summary = text;
    // Made of tool output: the loop shows it fenced as untrusted data, under this header.
    this.#summaryEntry = text
      ? { kind: 'summary', content: text, untrusted: true, header: SUMMARY_HEADER }
      : undefined;
    this.#summaryTokens = text ? this.#count(this.#summaryShown()) : 0;
  }

  /** The observation's content cut in the middle, between code points, so its text fits `maxTokens`. */
  #clip(o: Extract<Observation, { kind: 'tool' | 'note' }>, maxTokens: number): string {
    const text = o.content;
    const whole = this.#count(formatObservation(o));
    // Characters per token on this very text, so the cut lands close to the limit in one or two tries.
    let chars = Math.floor(text.length * (maxTokens / Math.max(1, whole)) * 0.95);
    for (;;) {
      const half = Math.max(0, Math.floor((chars - 60) / 2));
      const head = cutText(text, half);
      const tail = cutTextEnd(text, half);
      const clipped = `${head}\n…[${text.length - head.length - tail.length} characters cut to fit the context budget]…\n${tail}`;
      if (this.#count(formatObservation({ ...o, content: clipped })) <= maxTokens || half === 0)
        return clipped;
      chars = Math.floor(chars * 0.85);
    }
  }
}

/** A factory for the summarizing memory (fresh for every run); options are checked now, at configuration time. */
export function summarizingMemory(options: SummarizingMemoryOptions = {}): () => SummarizingMemory {
  new SummarizingMemory(options);
  return () => new SummarizingMemory(options);
}
