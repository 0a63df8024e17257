import { HarnessError } from '../errors.js';
import type { DecideRequest, Decision, Model, ToolCallRequest, Usage } from '../model.js';

/** One scripted step: a decision, or a function of the request that makes one (or throws, like a failing API). */
export type ScriptStep =
  | Decision
  | unknown
  | ((request: DecideRequest) => Decision | unknown | Promise<Decision | unknown>);

/** A model that plays back a fixed script, for tests and benchmarks; anything may be scripted, garbage included. */
export class ScriptedModel implements Model {
  readonly name: string;
  readonly #steps: Iterator<ScriptStep>;
  #pending: IteratorResult<ScriptStep> | undefined;
  #used = 0;
  readonly #record: boolean;
  /** The requests the model received, in order (unless created with `record: false`). */
  readonly requests: DecideRequest[] = [];

  constructor(steps: Iterable<ScriptStep>, options: { name?: string; record?: boolean } = {}) {
    this.#steps = steps[Symbol.iterator]();
    this.name = options.name ?? 'scripted';
    this.#record = options.record ?? true;
  }

  async decide(request: DecideRequest): Promise<Decision> {
    if (this.#record) this.requests.push(request);
    const next = this.#pending ?? this.#steps.next();
    this.#pending = undefined;
    if (next.done) {
      throw new HarnessError(
        'script_exhausted',
        `ScriptedModel "${this.name}" has no step ${this.#used + 1}; the script held ${this.#used}`,
      );
    }
    this.#used++;
    const step = next.value;
    return (typeof step === 'function' ? await step(request) : step) as Decision;
  }

  /** How many scripted steps were played. */
  get used(): number {
    return this.#used;
  }

  /** Throws unless every scripted step was played: a test that stopped early is not a passing test. */
  assertComplete(): void {
    this.#pending ??= this.#steps.next();
    if (!this.#pending.done) {
      throw new HarnessError(
        'script_incomplete',
        `ScriptedModel "${this.name}" played ${this.#used} steps; more were scripted`,
      );
    }
  }
}

/** A decision with one or more tool calls. */
export function callTools(...calls: (ToolCallRequest | [tool: string, args?: unknown])[]): Decision {
  return {
    type: 'tool_calls',
    calls: calls.map((c) => (Array.isArray(c) ? { tool: c[0], args: c[1] ?? {} } : c)),
  };
}

/** A decision with a single tool call. */
export function callTool(tool: string, args: unknown = {}, usage?: Usage): Decision {
  return { type: 'tool_calls', calls: [{ tool, args }], ...(usage ? { usage } : {}) };
}

/** A final answer. */
export function finalAnswer(answer: string, usage?: Usage): Decision {
  return { type: 'final', answer, ...(usage ? { usage } : {}) };
}
