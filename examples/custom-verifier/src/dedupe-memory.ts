import type { Memory, MemoryContext, Observation, TranscriptEntry } from '@sre-harness/core';

/**
 * A memory that keeps the task and the most recent turns, and replaces a tool output the model has
 * already seen word for word with a one-line reference, so a model that polls the same thing does
 * not fill its context with copies.
 *
 * It renders transcript entries, not text: whole turns (the model's call with its result), so the
 * loop can send them as the model's own `tool_use` turns. It only appends between drops, and drops
 * the oldest half at once when full, so a provider's prompt cache serves everything but the newest
 * turn on almost every step.
 */
export class DedupeMemory implements Memory {
  readonly #keep: number;
  #task: Observation | undefined;
  /** Oldest first; each turn is the model's turn and the results of its calls. */
  readonly #turns: Observation[][] = [];
  #results = 0;
  #dropped = 0;
  /** Rendered entries never change once rendered: the note is replaced, not edited, at each drop. */
  #note: TranscriptEntry | undefined;
  /** Outputs still in the context, by content, with the step that showed them. */
  readonly #seen = new Map<string, number>();

  constructor(options: { keep?: number } = {}) {
    this.#keep = options.keep ?? 20;
  }

  add(observation: Observation, ctx: MemoryContext): void {
    if (observation.kind === 'task') {
      this.#task = observation;
      return;
    }
    if (observation.kind === 'assistant') {
      this.#turns.push([observation]);
      return;
    }
    let entry: Observation = observation;
    if (observation.kind === 'tool' && observation.status === 'ok') {
      const first = this.#seen.get(observation.content);
      if (first !== undefined) {
        // Same call id, shorter content: the model still gets one result for its call.
        entry = { ...observation, content: `(same output as step ${first})` };
        ctx.emit({
          kind: 'memory_compacted',
          step: observation.step,
          beforeTokens: Math.ceil(observation.content.length / 4),
          afterTokens: Math.ceil(entry.content.length / 4),
          folded: 1,
          detail: `repeated output of step ${first}`,
        });
      } else {
        this.#seen.set(observation.content, observation.step);
      }
    }
    const last = this.#turns[this.#turns.length - 1];
    const head = last?.[0];
    const answersLast =
      entry.kind === 'tool' &&
      head?.kind === 'assistant' &&
      head.calls.some((c) => c.callId === entry.callId);
    if (last && answersLast) last.push(entry);
    else this.#turns.push([entry]);
    this.#results++;
    if (this.#results > this.#keep) this.#drop(entry.step, ctx);
  }

  /** Drops the oldest whole turns, never the newest, down to half of `keep`. */
  #drop(step: number, ctx: MemoryContext): void {
    let gone = 0;
    let chars = 0;
    while (this.#turns.length > 1 && this.#results > Math.ceil(this.#keep / 2)) {
      for (const o of this.#turns.shift() ?? []) {
        if (o.kind === 'assistant') continue;
        gone++;
        chars += o.content.length;
        // An output that left the context can no longer be referred to.
        if (o.kind === 'tool' && this.#seen.get(o.content) === o.step) this.#seen.delete(o.content);
      }
      this.#results = this.#turns.flat().filter((o) => o.kind !== 'assistant').length;
    }
    if (gone === 0) return;
    this.#dropped += gone;
    this.#note = {
      kind: 'summary',
      untrusted: false,
      content: `(${this.#dropped} earlier observations dropped)`,
    };
    ctx.emit({
      kind: 'memory_compacted',
      step,
      beforeTokens: Math.ceil(chars / 4),
      afterTokens: 0,
      folded: gone,
      detail: `dropped the ${gone} oldest observation(s)`,
    });
  }

  render(): TranscriptEntry[] {
    const out: TranscriptEntry[] = [];
    if (this.#task) out.push(this.#task);
    // Harness text, not tool output: `untrusted: false`. A summary made of tool output says `true`
    // (or leaves it out) and the loop shows it fenced as untrusted data.
    if (this.#note) out.push(this.#note);
    for (const turn of this.#turns) out.push(...turn);
    return out;
  }
}
