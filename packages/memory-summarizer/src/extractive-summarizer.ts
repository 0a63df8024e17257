import type { Observation } from '@sre-harness/core';
import { cleanLine, isStateField, lineScore, lineShape, stateFields, targetOf } from './extract.js';
import type { FoldRequest, Summarizer } from './summarizer.js';

interface Entry {
  readonly key: string;
  readonly order: number;
  text: string;
  score: number;
  firstStep: number;
  lastStep: number;
  count: number;
  line?: string;
  tokens?: number;
}

/** Options of the extractive summarizer. */
export interface ExtractiveSummarizerOptions {
  /** Most facts held in memory (not rendered) before the least important are forgotten. Default 4,000. */
  readonly maxFacts?: number;
  /** Most notable lines kept from one observation. Default 12. */
  readonly maxLinesPerObservation?: number;
  /** Steps after which a fact's importance counts half when choosing what to keep. Default 500. */
  readonly halfLifeSteps?: number;
}

/**
 * A deterministic summarizer that keeps what an SRE needs and drops the rest: each object's state
 * fields (reason, exit code, restart count, limits), error and warning lines, mutations and failed
 * calls, each tagged with the tool and object it came from; repeats that differ only in numbers collapse
 * into one line with a count. When the summary must shrink, the least important and oldest facts go first.
 */
export class ExtractiveSummarizer implements Summarizer {
  readonly name = 'extractive';
  readonly #entries = new Map<string, Entry>();
  readonly #maxFacts: number;
  readonly #maxLines: number;
  readonly #halfLife: number;
  #order = 0;
  #folded = 0;
  #firstStep = Number.POSITIVE_INFINITY;
  #lastStep = 0;
  #lastDetail = '';

  constructor(options: ExtractiveSummarizerOptions = {}) {
    this.#maxFacts = options.maxFacts ?? 4_000;
    this.#maxLines = options.maxLinesPerObservation ?? 12;
    this.#halfLife = options.halfLifeSteps ?? 500;
  }

  get lastDetail(): string {
    return this.#lastDetail;
  }

  /** Takes observations into the fact store without rendering. */
  ingest(observations: readonly Observation[]): void {
    for (const o of observations) this.#ingest(o);
    if (this.#entries.size > this.#maxFacts * 1.25) this.#prune();
  }

  fold(request: FoldRequest): string {
    this.ingest(request.observations);
    return this.render(request.maxTokens, request.countTokens);
  }

  /** The summary of everything ingested, at most `maxTokens` tokens. */
  render(maxTokens: number, count: (text: string) => number): string {
    if (this.#entries.size === 0) {
      this.#lastDetail = 'nothing to summarize';
      return '';
    }
    const span =
      this.#firstStep === this.#lastStep
        ? `step ${this.#lastStep}`
        : `steps ${this.#firstStep}–${this.#lastStep}`;
    const header = `Summary of ${this.#folded} earlier observation(s), ${span} (most important facts first kept):`;
    const reserve = 16; // room for the "left out" footer
    let used = count(header) + reserve;
    if (used > maxTokens) {
      this.#lastDetail = `no room for a summary in ${maxTokens} tokens`;
      return '';
    }
    const ranked = this.#ranked();
    const chosen: Entry[] = [];
    let misses = 0;
    for (const e of ranked) {
      const t = this.#tokens(e, count) + 1;
      if (used + t <= maxTokens) {
        chosen.push(e);
        used += t;
        misses = 0;
      } else if (++misses > 64) break;
    }
    chosen.sort((a, b) => a.firstStep - b.firstStep || a.order - b.order);
    const omitted = this.#entries.size - chosen.length;
    const lines = [header, ...chosen.map((e) => e.line!)];
    if (omitted > 0) lines.push(`(${omitted} less important fact(s) left out)`);
    this.#lastDetail = `extractive: kept ${chosen.length} of ${this.#entries.size} fact(s)`;
    return lines.join('\n');
  }

  #tokens(e: Entry, count: (text: string) => number): number {
    if (e.line === undefined || e.tokens === undefined) {
      const when =
        e.count > 1 ? ` (×${e.count}, steps ${e.firstStep}–${e.lastStep})` : ` (step ${e.lastStep})`;
      e.line = `- ${e.text}${when}`;
      e.tokens = count(e.line);
    }
    return e.tokens;
  }

  #put(key: string, text: string, score: number, step: number): void {
    const e = this.#entries.get(key);
    if (e) {
      e.text = text;
      e.score = Math.max(e.score, score);
      e.count++;
      e.lastStep = Math.max(e.lastStep, step);
      e.line = undefined;
      e.tokens = undefined;
      return;
    }
    this.#entries.set(key, {
      key,
      order: this.#order++,
      text,
      score,
      firstStep: step,
      lastStep: step,
      count: 1,
    });
  }

  #ingest(o: Observation): void {
    // The model's own turns are its hypotheses, not evidence: the summary keeps what tools showed.
    if (o.kind === 'task' || o.kind === 'assistant') return;
    const step = Number.isFinite(o.step) ? o.step : 0;
    this.#folded++;
    this.#firstStep = Math.min(this.#firstStep, step);
    this.#lastStep = Math.max(this.#lastStep, step);
    const content = typeof o.content === 'string' ? o.content : String(o.content);
    if (o.kind === 'note') {
      const line = cleanLine(content.split('\n', 1)[0] ?? '', 200);
      this.#put(`note\u0000${lineShape(line)}`, `note: ${line}`, Math.max(1, lineScore(line)), step);
      return;
    }
    const target = targetOf(o.args);
    const head = target ? `${o.tool} ${target}` : o.tool;
    const firstLine = cleanLine(content.split('\n').find((l) => l.trim()) ?? '', 200);
    if (o.status !== 'ok') {
      this.#put(
        `fail\u0000${head}\u0000${o.status}\u0000${lineShape(firstLine)}`,
        `${head} → ${o.status}: ${firstLine}`,
        o.status === 'refused' ? 2 : 3,
        step,
      );
      return;
    }
    if (o.mutating) {
      this.#put(`mut\u0000${head}\u0000${lineShape(firstLine)}`, `${head} → changed: ${firstLine}`, 5, step);
      return;
    }
    // Cap the scan so one enormous output cannot stall the loop; notable lines are rarely past this.
    const lines = content.length > 400_000 ? content.slice(0, 400_000).split('\n') : content.split('\n');
    const fields = stateFields(lines);
    let notable = 0;
    if (fields.length > 0) {
      const joined = fields.join('; ');
      // The most telling field sets the rank; each further telling field (a second reason, an exit code) adds a little.
      const scores = fields.map(lineScore).sort((a, b) => b - a);
      const score = Math.min(8, (scores[0] ?? 0) + 0.5 * scores.slice(1).filter((x) => x >= 2).length);
      if (score > 0) {
        this.#put(`state\u0000${head}\u0000${lineShape(joined)}`, `${head}: ${joined}`, score, step);
        notable++;
      }
    }
    const scored: { line: string; score: number; i: number }[] = [];
    for (const [i, raw] of lines.entries()) {
      if (fields.length > 0 && isStateField(raw)) continue;
      const score = lineScore(raw);
      if (score >= 2) scored.push({ line: cleanLine(raw), score, i });
    }
    scored.sort((a, b) => b.score - a.score || a.i - b.i);
    for (const s of scored.slice(0, this.#maxLines)) {
      this.#put(`line\u0000${target}\u0000${lineShape(s.line)}`, `${head}: ${s.line}`, s.score, step);
      notable++;
    }
    if (notable === 0) {
      const n = lines.filter((l) => l.trim()).length;
      this.#put(`seen\u0000${head}`, `${head}: nothing notable (${n} line(s))`, 0.5, step);
    }
  }

  /**
   * Entries by importance, discounted by age: a fact loses half its weight every `halfLife` steps, so
   * in a long run a fresh error outranks an OOM kill from hundreds of steps ago, while in a run of a few
   * dozen steps importance alone decides. Routine lines rank below every notable fact, however old.
   */
  #ranked(): Entry[] {
    const now = this.#lastStep;
    // Notable facts (errors, reasons, changes) always outrank routine state and "nothing notable" lines.
    const rank = (e: Entry) =>
      (e.score >= 2 ? 100 : 0) + e.score * 0.5 ** ((now - e.lastStep) / this.#halfLife);
    return [...this.#entries.values()]
      .map((e) => ({ e, r: rank(e) }))
      .sort((a, b) => b.r - a.r || b.e.lastStep - a.e.lastStep || b.e.order - a.e.order)
      .map((x) => x.e);
  }

  #prune(): void {
    const keep = this.#ranked().slice(0, this.#maxFacts);
    this.#entries.clear();
    for (const e of keep.sort((a, b) => a.order - b.order)) this.#entries.set(e.key, e);
  }
}

/** A factory for the default summarizer, one per memory. */
export function extractiveSummarizer(options: ExtractiveSummarizerOptions = {}): () => ExtractiveSummarizer {
  return () => new ExtractiveSummarizer(options);
}
