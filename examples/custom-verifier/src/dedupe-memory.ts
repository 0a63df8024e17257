import { formatObservation, type Memory, type MemoryContext, type Observation } from '@sre-harness/core';

/**
 * A memory that keeps the task and the last `keep` observations, and replaces a tool output the
 * model has already seen word for word with a one-line reference, so a model that polls the same
 * thing does not fill its context with copies.
 */
export class DedupeMemory implements Memory {
  readonly #keep: number;
  #task = '';
  readonly #entries: string[] = [];
  readonly #seen = new Map<string, number>();

  constructor(options: { keep?: number } = {}) {
    this.#keep = options.keep ?? 20;
  }

  add(observation: Observation, ctx: MemoryContext): void {
    if (observation.kind === 'task') {
      this.#task = formatObservation(observation);
      return;
    }
    let text = formatObservation(observation);
    if (observation.kind === 'tool' && observation.status === 'ok') {
      const first = this.#seen.get(observation.content);
      if (first !== undefined) {
        text = `[step ${observation.step}] ${observation.tool} → ok, same output as step ${first}`;
        ctx.emit({
          kind: 'memory_compacted',
          step: observation.step,
          beforeTokens: Math.ceil(observation.content.length / 4),
          afterTokens: Math.ceil(text.length / 4),
          folded: 1,
          detail: `repeated output of step ${first}`,
        });
      } else {
        this.#seen.set(observation.content, observation.step);
      }
    }
    this.#entries.push(text);
    if (this.#entries.length > this.#keep) this.#entries.shift();
  }

  render(): string {
    return [this.#task, ...this.#entries].filter((t) => t !== '').join('\n\n');
  }
}
