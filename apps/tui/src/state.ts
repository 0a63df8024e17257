import type { StoppedReason, TraceEvent } from '@sre-harness/core';
import { formatEvent, shortRunId, type TraceLine } from './format.js';
import { type RunOutcome, refusedMutation } from './outcome.js';

/** Where a run is: live, or how it stopped. */
export type RunStatus = 'running' | StoppedReason;

/** One verifier's verdict on a run. */
export interface VerifierView {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** Everything the UI shows about one run, built from its trace events. */
export interface RunView {
  readonly runId: string;
  readonly label: string;
  readonly task: string;
  readonly model: string | undefined;
  readonly status: RunStatus;
  readonly steps: number;
  readonly maxSteps: number | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number | undefined;
  readonly toolCalls: number;
  readonly refusals: number;
  /** Mutations refused for want of an approval (denied, or the approver failed closed). */
  readonly refusedMutations: number;
  readonly pendingApprovals: number;
  readonly answer: string | null;
  readonly verifications: readonly VerifierView[];
  readonly lines: readonly TraceLine[];
}

/** State of one planned eval run. */
export type RowState = 'queued' | 'running' | 'passed' | 'failed' | 'refused';

/** One scenario × model × trial of a live eval (or of a loaded report). */
export interface EvalRow {
  readonly key: string;
  readonly scenario: string;
  readonly model: string;
  readonly trial: number;
  readonly state: RowState;
  readonly runId: string | undefined;
  readonly outcome: RunOutcome | undefined;
}

/** A finished run as one permanent line (what goes into Ink's `<Static>`). */
export interface FinishedLine {
  readonly id: string;
  readonly state: RowState;
  readonly text: string;
}

/** The whole UI state; replaced (never mutated) on every batch. */
export interface TuiState {
  readonly runOrder: readonly string[];
  readonly runs: Readonly<Record<string, RunView>>;
  readonly rows: readonly EvalRow[];
  readonly finished: readonly FinishedLine[];
  readonly warnings: readonly string[];
  /** How many trace events have been applied in total. */
  readonly eventCount: number;
}

/** What can happen to the state. */
export type TuiAction =
  | { readonly type: 'events'; readonly events: readonly TraceEvent[] }
  | {
      readonly type: 'plan';
      /** Rows with an outcome are already finished (a loaded report); they add no finished line. */
      readonly rows: readonly {
        key: string;
        scenario: string;
        model: string;
        trial: number;
        outcome?: RunOutcome;
      }[];
    }
  | { readonly type: 'run_started'; readonly key: string; readonly runId?: string }
  | { readonly type: 'run_finished'; readonly key: string; readonly outcome: RunOutcome }
  | { readonly type: 'warning'; readonly message: string };

/** The state before anything happened. */
export const initialState: TuiState = {
  runOrder: [],
  runs: {},
  rows: [],
  finished: [],
  warnings: [],
  eventCount: 0,
};

function emptyRun(runId: string): RunView {
  return {
    runId,
    label: runId,
    task: '',
    model: undefined,
    status: 'running',
    steps: 0,
    maxSteps: undefined,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: undefined,
    toolCalls: 0,
    refusals: 0,
    refusedMutations: 0,
    pendingApprovals: 0,
    answer: null,
    verifications: [],
    lines: [],
  };
}

function labelOf(event: Extract<TraceEvent, { kind: 'run_start' }>): string {
  const meta = event.meta ?? {};
  const scenario = typeof meta['scenario'] === 'string' ? meta['scenario'] : undefined;
  const model = typeof meta['model'] === 'string' ? meta['model'] : event.model;
  const trial = typeof meta['trial'] === 'number' ? ` #${meta['trial']}` : '';
  if (scenario) return `${scenario} × ${model ?? '?'}${trial}`;
  return model ? `${model} ${shortRunId(event.runId)}` : event.runId;
}

// Applies one run's new events to its view: counters move, lines are appended once per batch.
function applyRun(prev: RunView, events: readonly TraceEvent[]): RunView {
  const run = { ...prev, verifications: [...prev.verifications] } as {
    -readonly [K in keyof RunView]: RunView[K];
  } & { verifications: VerifierView[] };
  const lines: TraceLine[] = [];
  for (const e of events) {
    lines.push(formatEvent(e));
    switch (e.kind) {
      case 'run_start':
        run.label = labelOf(e);
        run.task = e.task;
        run.model = e.model;
        run.maxSteps = e.maxSteps;
        break;
      case 'decision':
        run.steps = Math.max(run.steps, e.step);
        if (e.usage) {
          run.inputTokens += e.usage.inputTokens;
          run.outputTokens += e.usage.outputTokens;
          if (e.usage.costUsd !== undefined) run.costUsd = (run.costUsd ?? 0) + e.usage.costUsd;
        }
        break;
      case 'tool_call':
        run.toolCalls++;
        break;
      case 'approval_requested':
        run.pendingApprovals++;
        break;
      case 'approval':
        run.pendingApprovals = Math.max(0, run.pendingApprovals - 1);
        break;
      case 'tool_refused':
        run.refusals++;
        if (e.reason === 'approval_denied') run.refusedMutations++;
        break;
      case 'final':
        run.answer = e.answer;
        break;
      case 'verify':
        run.verifications.push({ name: e.name, passed: e.passed, detail: e.detail });
        break;
      case 'stop':
        run.status = e.reason;
        run.steps = e.steps;
        // The stop event's usage is the run's total; it wins over the running sum.
        run.inputTokens = e.usage.inputTokens;
        run.outputTokens = e.usage.outputTokens;
        if (e.usage.costUsd !== undefined) run.costUsd = e.usage.costUsd;
        if (e.answer !== undefined) run.answer = e.answer;
        run.pendingApprovals = 0;
        break;
      default:
        break;
    }
  }
  run.lines = prev.lines.length === 0 ? lines : prev.lines.concat(lines);
  return run;
}

function applyEvents(state: TuiState, events: readonly TraceEvent[]): TuiState {
  if (events.length === 0) return state;
  const byRun = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const list = byRun.get(e.runId);
    if (list) list.push(e);
    else byRun.set(e.runId, [e]);
  }
  const runs: Record<string, RunView> = { ...state.runs };
  let order = state.runOrder;
  const fresh = new Map<string, string>();
  for (const [runId, list] of byRun) {
    const prev = runs[runId];
    if (!prev) order = order === state.runOrder ? [...order, runId] : (order as string[]).concat(runId);
    const next = applyRun(prev ?? emptyRun(runId), list);
    runs[runId] = next;
    if (!prev) fresh.set(next.label, runId);
  }
  // A live eval learns which row a new run belongs to from its run_start meta, when the runner sets it.
  let rows = state.rows;
  if (rows.length > 0 && fresh.size > 0) {
    rows = rows.map((row) => {
      if (row.runId || row.state !== 'queued') return row;
      const runId = fresh.get(`${row.scenario} × ${row.model} #${row.trial}`);
      return runId ? { ...row, state: 'running' as const, runId } : row;
    });
  }
  return { ...state, runs, runOrder: order, rows, eventCount: state.eventCount + events.length };
}

/** The row state a finished run ends in. */
export function outcomeState(outcome: RunOutcome): RowState {
  if (refusedMutation(outcome)) return 'refused';
  return outcome.passed ? 'passed' : 'failed';
}

/** One permanent line describing a finished run. */
export function finishedText(outcome: RunOutcome): string {
  const state = outcomeState(outcome);
  const mark = state === 'passed' ? '✓' : state === 'refused' ? '⊘' : '✗';
  const verdict = state === 'refused' ? `${outcome.passed ? 'passed' : 'failed'}, refused mutation` : state;
  const tokens = outcome.usage.inputTokens + outcome.usage.outputTokens;
  return `${mark} ${outcome.scenario} × ${outcome.model} #${outcome.trial} ${verdict} (${outcome.stoppedReason}, ${outcome.steps} steps, ${tokens} tok)`;
}

/** The reducer: applies one action. Pure, so tests and the benchmark drive it without React. */
export function reduce(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'events':
      return applyEvents(state, action.events);
    case 'plan':
      return {
        ...state,
        rows: action.rows.map((r) => ({
          key: r.key,
          scenario: r.scenario,
          model: r.model,
          trial: r.trial,
          state: r.outcome ? outcomeState(r.outcome) : 'queued',
          runId: r.outcome?.runId,
          outcome: r.outcome,
        })),
      };
    case 'run_started':
      return {
        ...state,
        rows: state.rows.map((r) =>
          r.key === action.key ? { ...r, state: 'running', runId: action.runId ?? r.runId } : r,
        ),
      };
    case 'run_finished': {
      const { outcome } = action;
      let found = false;
      const rows = state.rows.map((r) => {
        if (r.key !== action.key) return r;
        found = true;
        return { ...r, state: outcomeState(outcome), runId: outcome.runId, outcome };
      });
      if (!found) {
        rows.push({
          key: action.key,
          scenario: outcome.scenario,
          model: outcome.model,
          trial: outcome.trial,
          state: outcomeState(outcome),
          runId: outcome.runId,
          outcome,
        });
      }
      return {
        ...state,
        rows,
        finished: [
          ...state.finished,
          { id: action.key, state: outcomeState(outcome), text: finishedText(outcome) },
        ],
      };
    }
    case 'warning':
      return { ...state, warnings: [...state.warnings, action.message] };
  }
}

/** Applies several actions in order. */
export function reduceAll(state: TuiState, actions: readonly TuiAction[]): TuiState {
  let next = state;
  // Consecutive event actions are merged so a burst costs one copy of the run map, not one per event.
  let pending: TraceEvent[] = [];
  for (const action of actions) {
    if (action.type === 'events') {
      for (const e of action.events) pending.push(e);
      continue;
    }
    if (pending.length) {
      next = applyEvents(next, pending);
      pending = [];
    }
    next = reduce(next, action);
  }
  if (pending.length) next = applyEvents(next, pending);
  return next;
}

/** Per-model scoreboard line over the finished rows. */
export interface ScoreLine {
  readonly model: string;
  readonly done: number;
  readonly passed: number;
  readonly refused: number;
  readonly avgSteps: number;
  readonly tokens: number;
  readonly costUsd: number | undefined;
}

/** The scoreboard: one line per model, in the order models first appear. */
export function scoreboard(rows: readonly EvalRow[]): ScoreLine[] {
  const byModel = new Map<
    string,
    { done: number; passed: number; refused: number; steps: number; tokens: number; cost?: number }
  >();
  for (const row of rows) {
    let s = byModel.get(row.model);
    if (!s) {
      s = { done: 0, passed: 0, refused: 0, steps: 0, tokens: 0 };
      byModel.set(row.model, s);
    }
    const o = row.outcome;
    if (!o) continue;
    s.done++;
    if (o.passed) s.passed++;
    if (refusedMutation(o)) s.refused++;
    s.steps += o.steps;
    s.tokens += o.usage.inputTokens + o.usage.outputTokens;
    if (o.usage.costUsd !== undefined) s.cost = (s.cost ?? 0) + o.usage.costUsd;
  }
  return [...byModel.entries()].map(([model, s]) => ({
    model,
    done: s.done,
    passed: s.passed,
    refused: s.refused,
    avgSteps: s.done ? s.steps / s.done : 0,
    tokens: s.tokens,
    costUsd: s.cost,
  }));
}
