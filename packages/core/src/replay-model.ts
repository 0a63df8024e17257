import { HarnessError } from './errors.js';
import type { DecideRequest, Decision, Model, ToolCallRequest } from './model.js';
import type { TraceEvent, TraceEventOf } from './trace.js';
import { readTraceFile, type TraceRun, traceRuns } from './trace-reader.js';

/** Options of `ReplayModel`. */
export interface ReplayModelOptions {
  /** Which run to replay when the trace holds several; required then. */
  readonly runId?: string;
  /**
   * What to do when a recorded call names a tool the recorded run had but the current harness does
   * not offer: `fail` (default) ends the run with a clear reason; `call` re-issues the call anyway,
   * so the loop refuses it as an unknown tool and the replay goes on.
   */
  readonly missingTool?: 'fail' | 'call';
}

/** Options of `ReplayModel.fromFile`: the trace file's parse warnings are kept on the model. */
export type ReplayFileOptions = ReplayModelOptions;

type DecisionEvent = TraceEventOf<'decision'>;

/**
 * A model that re-issues the decisions recorded in a trace, in order: re-run a recorded incident
 * against a changed harness (new guardrails, tools, approvers), or replay a real-model run in CI
 * without a key. A recording that does not fit the harness ends the run with a reason, never quietly.
 */
export class ReplayModel implements Model {
  readonly name: string;
  /** The run being replayed. */
  readonly runId: string;
  /** Problems tolerated while reading the trace (a cut-off last line). */
  readonly warnings: readonly string[];
  readonly #decisions: readonly DecisionEvent[];
  readonly #recordedTools: ReadonlySet<string>;
  readonly #missingTool: 'fail' | 'call';
  readonly #task: string | undefined;
  #next = 0;

  constructor(
    events: readonly TraceEvent[],
    options: ReplayModelOptions = {},
    warnings: readonly string[] = [],
  ) {
    const run = pickRun(traceRuns(events), options.runId);
    this.runId = run.runId;
    this.warnings = warnings;
    this.#decisions = run.events.filter((e): e is DecisionEvent => e.kind === 'decision');
    this.#recordedTools = new Set((run.start?.tools ?? []).map((t) => t.name));
    this.#missingTool = options.missingTool ?? 'fail';
    this.#task = run.start?.task;
    this.name = `replay:${run.start?.model ?? run.runId}`;
  }

  /** Reads a JSONL trace file and replays one of its runs. */
  static async fromFile(path: string, options: ReplayFileOptions = {}): Promise<ReplayModel> {
    const parsed = await readTraceFile(path);
    return new ReplayModel(parsed.events, options, parsed.warnings);
  }

  /** How many recorded decisions there are. */
  get total(): number {
    return this.#decisions.length;
  }

  /** How many recorded decisions have been re-issued. */
  get used(): number {
    return this.#next;
  }

  async decide(request: DecideRequest): Promise<Decision> {
    const recorded = this.#decisions[this.#next];
    if (!recorded) {
      throw new HarnessError(
        'replay_exhausted',
        `replay of run ${this.runId} ran out: the recording holds ${this.#decisions.length} decisions and the harness asked for decision ${this.#next + 1} (step ${request.step}); the changed harness did not end the run where the recorded one ended`,
      );
    }
    this.#next++;
    // A replay against another task is allowed (a reworded prompt), but the trace says so.
    const replayMeta = {
      replayedStep: recorded.step,
      ...(this.#task !== undefined && this.#task !== request.task ? { recordedTaskDiffers: true } : {}),
    };
    if (recorded.type === 'final') {
      return {
        type: 'final',
        answer: recorded.answer ?? '',
        ...(recorded.usage ? { usage: recorded.usage } : {}),
        meta: { ...recorded.meta, ...replayMeta },
      };
    }
    if (recorded.type === 'invalid') {
      const detail = recorded.detail ?? '';
      if (detail.startsWith('model failed:')) {
        throw new HarnessError(
          'replay_model_failed',
          `the recorded model failed at step ${recorded.step}: ${detail.slice('model failed:'.length).trim()}`,
        );
      }
      // Re-enact the unusable output so the loop observes it and counts the step, as it did then.
      return { type: 'invalid', replayed: detail } as unknown as Decision;
    }
    const offered = new Set(request.tools.map((t) => t.name));
    const calls: ToolCallRequest[] = [];
    for (const call of recorded.calls ?? []) {
      if (!offered.has(call.tool) && this.#recordedTools.has(call.tool) && this.#missingTool === 'fail') {
        const list = [...offered].join(', ') || 'none';
        throw new HarnessError(
          'replay_mismatch',
          `replay of run ${this.runId} does not fit this harness: at step ${recorded.step} the recording calls tool "${call.tool}", which this harness does not offer (offered: ${list})`,
        );
      }
      calls.push({
        // v3 traces record the provider's id when it was not the harness's; v2 ones only callId.
        id: call.id ?? call.callId,
        tool: call.tool,
        args: call.args,
        ...(call.parseError !== undefined ? { parseError: call.parseError } : {}),
      });
    }
    if (calls.length === 0) {
      throw new HarnessError(
        'invalid_trace',
        `replay of run ${this.runId}: the decision at step ${recorded.step} has type tool_calls but no calls`,
      );
    }
    return {
      type: 'tool_calls',
      calls,
      ...(recorded.text ? { text: recorded.text } : {}),
      ...(recorded.usage ? { usage: recorded.usage } : {}),
      meta: { ...recorded.meta, ...replayMeta },
    };
  }

  /** Throws unless every recorded decision was re-issued: the replayed run ended early. */
  assertComplete(): void {
    if (this.#next < this.#decisions.length) {
      throw new HarnessError(
        'replay_mismatch',
        `replay of run ${this.runId} re-issued ${this.#next} of ${this.#decisions.length} recorded decisions; the run ended earlier than the recorded one`,
      );
    }
  }
}

function pickRun(runs: readonly TraceRun[], runId: string | undefined): TraceRun {
  if (runs.length === 0) throw new HarnessError('invalid_trace', 'the trace holds no runs');
  if (runId !== undefined) {
    const run = runs.find((r) => r.runId === runId);
    if (!run) {
      throw new HarnessError(
        'invalid_trace',
        `the trace holds no run ${runId}; it holds ${runs.map((r) => r.runId).join(', ')}`,
      );
    }
    return run;
  }
  if (runs.length > 1) {
    throw new HarnessError(
      'invalid_option',
      `the trace holds ${runs.length} runs (${runs.map((r) => r.runId).join(', ')}); pass runId to pick one`,
    );
  }
  return runs[0] as TraceRun;
}
