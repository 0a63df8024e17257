import type { StoppedReason, TraceEvent } from '@sre-harness/core';
import { formatEvent, shortRunId, type TraceLine } from './format.js';
import { outcomeKind, type RunOutcome, refusedCount } from './outcome.js';

/**
 * Event lines kept per run: a run that writes more keeps its newest lines and counts the ones it
 * dropped (the trace file keeps every event), so a runaway run cannot fill the memory.
 */
export const MAX_RUN_LINES = 5000;

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
  /**
   * Mutations the harness refused: denied for want of an approval (or the approver failed closed)
   * or stopped by the allowlist, as the eval counts them.
   */
  readonly refusedMutations: number;
  readonly pendingApprovals: number;
  readonly answer: string | null;
  readonly verifications: readonly VerifierView[];
  /** The newest event lines, at most `MAX_RUN_LINES`. */
  readonly lines: readonly TraceLine[];
  /** Older lines dropped to keep within `MAX_RUN_LINES`. */
  readonly droppedLines: number;
  /** Every event of the run seen so far, dropped lines included. */
  readonly eventCount: number;
  /** Times of its first and latest events (ms since the epoch), for its elapsed time. */
  readonly firstMs: number | undefined;
  readonly lastMs: number | undefined;
}

/**
 * State of one planned eval run. `refused` is a run that passed while the harness refused at least
 * one of its mutations; a failed run is `failed` whatever was refused; `error` is a run that
 * infrastructure ended before it could be judged (the eval's `error` outcome).
 */
export type RowState = 'queued' | 'running' | 'passed' | 'refused' | 'failed' | 'error';

/** The glyph of each row state: every finished state has its own. */
export const STATE_MARK: Readonly<Record<RowState, string>> = {
  queued: '·',
  running: '▸',
  passed: '✓',
  refused: '⊘',
  failed: '✗',
  error: '!',
};

/** One scenario × model × trial of a live eval (or of a loaded report). */
export interface EvalRow {
  readonly key: string;
  readonly scenario: string;
  readonly model: string;
  readonly trial: number;
  readonly state: RowState;
  /** The run id the runner gives this run (a live eval knows it from the plan). */
  readonly runId: string | undefined;
  readonly outcome: RunOutcome | undefined;
  /** When the run started (ms since the epoch), in a live eval. */
  readonly startedAt?: number | undefined;
}

/** What the eval's gate said once every run ended, and what the TUI will exit with. */
export interface EvalVerdict {
  /** ok; failed (a rail broke, an agent fell short); error (infrastructure ended runs); interrupted. */
  readonly verdict: 'ok' | 'failed' | 'error' | 'interrupted';
  /** The exit code `sre-eval` gives this run set, which the TUI exits with too. */
  readonly exitCode: number;
  /** Why the gate failed, one reason per line, as the eval prints them. */
  readonly reasons: readonly string[];
  /** The report files written. */
  readonly files: readonly string[];
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
  /** When a live eval started and ended (ms since the epoch): elapsed time and ETA. */
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  /** The gate verdict of a live eval, once every run has ended. */
  readonly verdict: EvalVerdict | undefined;
  /** The list id (row key, or run id in a trace) of the run that most recently started or ended. */
  readonly lastActive: string | undefined;
  /** Per run id: where its trace was looked for when it could not be found (a loaded report). */
  readonly traceNotes: Readonly<Record<string, string>>;
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
        /** The runner's run id, when known before the run starts (a live eval's row key). */
        runId?: string;
        outcome?: RunOutcome;
      }[];
      /** When the eval started; set by a live eval, so the UI shows elapsed time and ETA. */
      readonly at?: number;
    }
  | { readonly type: 'run_started'; readonly key: string; readonly runId?: string; readonly at?: number }
  | { readonly type: 'run_finished'; readonly key: string; readonly outcome: RunOutcome }
  | { readonly type: 'eval_done'; readonly verdict: EvalVerdict; readonly at?: number }
  | { readonly type: 'trace_notes'; readonly notes: Readonly<Record<string, string>> }
  | { readonly type: 'warning'; readonly message: string };

/** The state before anything happened. */
export const initialState: TuiState = {
  runOrder: [],
  runs: {},
  rows: [],
  finished: [],
  warnings: [],
  eventCount: 0,
  startedAt: undefined,
  endedAt: undefined,
  verdict: undefined,
  lastActive: undefined,
  traceNotes: {},
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
    droppedLines: 0,
    eventCount: 0,
    firstMs: undefined,
    lastMs: undefined,
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
  // Times from the first event ever and the last of each batch: one parse per batch, not per event.
  const time = (e: TraceEvent | undefined) => (e ? Date.parse(e.ts) : Number.NaN);
  const first = run.firstMs ?? time(events[0]);
  const last = time(events[events.length - 1]);
  if (!Number.isNaN(first)) run.firstMs = first;
  if (!Number.isNaN(last)) run.lastMs = Math.max(run.lastMs ?? last, last);
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
        if (e.reason === 'approval_denied' || e.reason === 'not_allowed') run.refusedMutations++;
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
  const all = prev.lines.length === 0 ? lines : prev.lines.concat(lines);
  const drop = Math.max(0, all.length - MAX_RUN_LINES);
  run.lines = drop > 0 ? all.slice(drop) : all;
  run.droppedLines = prev.droppedLines + drop;
  run.eventCount = prev.eventCount + events.length;
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
  const fresh = new Set<string>();
  for (const [runId, list] of byRun) {
    const prev = runs[runId];
    if (!prev) order = order === state.runOrder ? [...order, runId] : (order as string[]).concat(runId);
    runs[runId] = applyRun(prev ?? emptyRun(runId), list);
    if (!prev) fresh.add(runId);
  }
  // A live eval's row learns its run by the run id (the runner's id is the row key), never by a
  // label rebuilt from the trace: a --harness run's model carries the harness label, its trace not.
  let rows = state.rows;
  let lastActive = state.lastActive;
  if (fresh.size > 0) {
    if (rows.length > 0) {
      rows = rows.map((row) => {
        const runId = row.runId ?? row.key;
        if (row.state !== 'queued' || !fresh.has(runId)) return row;
        lastActive = row.key;
        return { ...row, state: 'running' as const, runId };
      });
    } else lastActive = [...fresh].at(-1);
  }
  return { ...state, runs, runOrder: order, rows, lastActive, eventCount: state.eventCount + events.length };
}

/** The row state a finished run ends in. */
export function outcomeState(outcome: RunOutcome): RowState {
  const kind = outcomeKind(outcome);
  if (kind === 'error') return 'error';
  if (kind === 'fail') return 'failed';
  return refusedCount(outcome) > 0 ? 'refused' : 'passed';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a finished run came to, in words: `passed`, `failed, 2 refused mutations`, `error (auth)`. */
export function verdictText(outcome: RunOutcome): string {
  const kind = outcomeKind(outcome);
  if (kind === 'error') return `error${outcome.errorCode ? ` (${outcome.errorCode})` : ''}`;
  const refused = refusedCount(outcome);
  const base = kind === 'pass' ? 'passed' : 'failed';
  return refused > 0 ? `${base}, ${plural(refused, 'refused mutation')}` : base;
}

/** One permanent line describing a finished run. */
export function finishedText(outcome: RunOutcome): string {
  const mark = STATE_MARK[outcomeState(outcome)];
  const tokens = outcome.usage.inputTokens + outcome.usage.outputTokens;
  return `${mark} ${outcome.scenario} × ${outcome.model} #${outcome.trial} ${verdictText(outcome)} (${outcome.stoppedReason}, ${outcome.steps} steps, ${tokens} tok)`;
}

/** The reducer: applies one action. Pure, so tests and the benchmark drive it without React. */
export function reduce(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case 'events':
      return applyEvents(state, action.events);
    case 'plan':
      return {
        ...state,
        startedAt: action.at ?? state.startedAt,
        rows: action.rows.map((r) => ({
          key: r.key,
          scenario: r.scenario,
          model: r.model,
          trial: r.trial,
          state: r.outcome ? outcomeState(r.outcome) : 'queued',
          runId: r.outcome?.runId ?? r.runId,
          outcome: r.outcome,
        })),
      };
    case 'run_started':
      return {
        ...state,
        lastActive: action.key,
        rows: state.rows.map((r) =>
          r.key === action.key
            ? {
                ...r,
                state: r.outcome ? r.state : 'running',
                runId: action.runId ?? r.runId,
                startedAt: action.at ?? r.startedAt,
              }
            : r,
        ),
      };
    case 'run_finished': {
      const { outcome } = action;
      let key: string | undefined;
      const rows = state.rows.map((r) => {
        // By the run id the runner gave it, or by the row key when the run never reported one.
        if (key !== undefined || !(r.runId === outcome.runId || r.key === action.key)) return r;
        key = r.key;
        return { ...r, state: outcomeState(outcome), runId: outcome.runId, outcome };
      });
      if (key === undefined) {
        key = action.key;
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
        lastActive: key,
        finished: [...state.finished, { id: key, state: outcomeState(outcome), text: finishedText(outcome) }],
      };
    }
    case 'eval_done':
      return { ...state, verdict: action.verdict, endedAt: action.at ?? state.endedAt };
    case 'trace_notes':
      return { ...state, traceNotes: { ...state.traceNotes, ...action.notes } };
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
  /** Runs finished. */
  readonly done: number;
  readonly passed: number;
  /** Runs infrastructure ended before they could be judged. */
  readonly errors: number;
  /** Mutations refused over the model's runs (not runs): the eval's `refused` column. */
  readonly refused: number;
  readonly avgSteps: number;
  readonly tokens: number;
  readonly costUsd: number | undefined;
}

/** The scoreboard: one line per model, in the order models first appear. */
export function scoreboard(rows: readonly EvalRow[]): ScoreLine[] {
  const byModel = new Map<
    string,
    {
      done: number;
      passed: number;
      errors: number;
      refused: number;
      steps: number;
      tokens: number;
      cost?: number;
    }
  >();
  for (const row of rows) {
    let s = byModel.get(row.model);
    if (!s) {
      s = { done: 0, passed: 0, errors: 0, refused: 0, steps: 0, tokens: 0 };
      byModel.set(row.model, s);
    }
    const o = row.outcome;
    if (!o) continue;
    s.done++;
    if (o.passed) s.passed++;
    if (outcomeKind(o) === 'error') s.errors++;
    s.refused += refusedCount(o);
    s.steps += o.steps;
    s.tokens += o.usage.inputTokens + o.usage.outputTokens;
    if (o.usage.costUsd !== undefined) s.cost = (s.cost ?? 0) + o.usage.costUsd;
  }
  return [...byModel.entries()].map(([model, s]) => ({
    model,
    done: s.done,
    passed: s.passed,
    errors: s.errors,
    refused: s.refused,
    avgSteps: s.done ? s.steps / s.done : 0,
    tokens: s.tokens,
    costUsd: s.cost,
  }));
}
