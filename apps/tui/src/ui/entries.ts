import { compactNumber, duration, money } from '../format.js';
import { outcomeKind, refusedCount } from '../outcome.js';
import { type EvalRow, type RowState, type RunView, STATE_MARK, type TuiState } from '../state.js';

/** One selectable entry of the runs list: an eval row, or a run found in a trace. */
export interface ListEntry {
  readonly id: string;
  readonly row: EvalRow | undefined;
  readonly run: RunView | undefined;
}

/** The entries the runs list shows, in plan (or trace) order. */
export function listEntries(state: TuiState): ListEntry[] {
  if (state.rows.length > 0) {
    return state.rows.map((row) => ({
      id: row.key,
      row,
      run: row.runId ? state.runs[row.runId] : undefined,
    }));
  }
  return state.runOrder.map((id) => ({ id, row: undefined, run: state.runs[id] }));
}

/** Colour of each row state; every finished state also has its own glyph (`STATE_MARK`). */
export const STATE_COLOR: Readonly<Record<RowState, string>> = {
  queued: 'gray',
  running: 'yellow',
  passed: 'green',
  refused: 'magenta',
  failed: 'red',
  error: 'yellowBright',
};

/** Failures first when sorting by state. */
const STATE_RANK: Readonly<Record<RowState, number>> = {
  error: 0,
  failed: 1,
  refused: 2,
  running: 3,
  queued: 4,
  passed: 5,
};

/** An entry as the list shows, filters and sorts it. */
export interface EntryView {
  readonly id: string;
  readonly entry: ListEntry;
  /** Position in plan (or trace) order. */
  readonly index: number;
  readonly state: RowState;
  readonly name: string;
  readonly scenario: string;
  readonly model: string;
  readonly result: string;
  readonly steps: number | undefined;
  readonly maxSteps: number | undefined;
  readonly tokens: number | undefined;
  readonly cost: number | undefined;
  readonly elapsedMs: number | undefined;
  /** A run to stop at with n/N: failed, or ended in an error. */
  readonly failure: boolean;
}

// A run found in a trace (no eval row): its state from how it stopped and what its verifiers said.
function runState(run: RunView): RowState {
  if (run.status === 'running') return 'running';
  const verified = run.verifications.length ? run.verifications.every((v) => v.passed) : undefined;
  if (run.status !== 'completed' || verified === false) return 'failed';
  return run.refusedMutations > 0 ? 'refused' : 'passed';
}

/** The view of one entry; `now` gives running rows their elapsed time. */
export function entryView(entry: ListEntry, index: number, now: number): EntryView {
  const { row, run } = entry;
  if (row) {
    const o = row.outcome;
    const refused = o ? refusedCount(o) : (run?.refusedMutations ?? 0);
    let result: string = row.state;
    if (o) {
      const kind = outcomeKind(o);
      result =
        kind === 'error'
          ? `error${o.errorCode ? `: ${o.errorCode}` : ''}`
          : `${kind === 'pass' ? 'passed' : 'failed'}${refused ? `, ${refused} refused` : ''}`;
    }
    return {
      id: entry.id,
      entry,
      index,
      state: row.state,
      name: `${row.scenario} × ${row.model} #${row.trial}`,
      scenario: row.scenario,
      model: row.model,
      result,
      steps: o?.steps ?? run?.steps,
      maxSteps: o ? undefined : run?.maxSteps,
      tokens: o
        ? o.usage.inputTokens + o.usage.outputTokens
        : run
          ? run.inputTokens + run.outputTokens
          : undefined,
      cost: o ? o.usage.costUsd : run?.costUsd,
      elapsedMs: o?.wallMs ?? (row.startedAt !== undefined ? Math.max(0, now - row.startedAt) : undefined),
      failure: row.state === 'failed' || row.state === 'error',
    };
  }
  if (!run) {
    return {
      id: entry.id,
      entry,
      index,
      state: 'queued',
      name: entry.id,
      scenario: entry.id,
      model: '',
      result: '?',
      steps: undefined,
      maxSteps: undefined,
      tokens: undefined,
      cost: undefined,
      elapsedMs: undefined,
      failure: false,
    };
  }
  const state = runState(run);
  return {
    id: entry.id,
    entry,
    index,
    state,
    name: run.label,
    scenario: run.label,
    model: run.model ?? '',
    result: `${run.status}${run.refusedMutations ? `, ${run.refusedMutations} refused` : ''}`,
    steps: run.steps,
    maxSteps: run.maxSteps,
    tokens: run.inputTokens + run.outputTokens,
    cost: run.costUsd,
    elapsedMs: run.firstMs !== undefined && run.lastMs !== undefined ? run.lastMs - run.firstMs : undefined,
    failure: state === 'failed' || state === 'error',
  };
}

/** The glyph and colour of an entry. */
export function entryStyle(v: EntryView): { mark: string; color: string } {
  return { mark: STATE_MARK[v.state], color: STATE_COLOR[v.state] };
}

/**
 * Whether an entry matches a filter: every space-separated term, case-insensitive, found in its
 * name, model, result or state.
 */
export function matches(v: EntryView, filter: string): boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = `${v.name} ${v.model} ${v.result} ${v.state}`.toLowerCase();
  return terms.every((t) => hay.includes(t));
}

/** What `s` cycles through: plan order, then each column. */
export const SORT_KEYS = ['plan', 'state', 'scenario', 'model', 'steps', 'tokens', 'cost', 'time'] as const;
/** A sort column. */
export type SortKey = (typeof SORT_KEYS)[number];

const byNumber = (a: number | undefined, b: number | undefined) =>
  (a ?? Number.NEGATIVE_INFINITY) - (b ?? Number.NEGATIVE_INFINITY);

function compare(key: SortKey, a: EntryView, b: EntryView): number {
  switch (key) {
    case 'plan':
      return 0;
    case 'state':
      return STATE_RANK[a.state] - STATE_RANK[b.state];
    case 'scenario':
      return a.scenario.localeCompare(b.scenario) || a.model.localeCompare(b.model);
    case 'model':
      return a.model.localeCompare(b.model) || a.scenario.localeCompare(b.scenario);
    case 'steps':
      return byNumber(a.steps, b.steps);
    case 'tokens':
      return byNumber(a.tokens, b.tokens);
    case 'cost':
      return byNumber(a.cost, b.cost);
    case 'time':
      return byNumber(a.elapsedMs, b.elapsedMs);
  }
}

/** Sorted by `key` (ties in plan order), reversed with `desc`. Numbers sort largest first. */
export function sortViews(views: readonly EntryView[], key: SortKey, desc: boolean): EntryView[] {
  const numeric = key === 'steps' || key === 'tokens' || key === 'cost' || key === 'time';
  const sign = (numeric ? -1 : 1) * (desc ? -1 : 1);
  return [...views].sort((a, b) => sign * compare(key, a, b) || a.index - b.index);
}

/** The cells of one entry's figures. */
export function figureCells(v: EntryView): { steps: string; tokens: string; cost: string; time: string } {
  return {
    steps:
      v.steps === undefined ? '' : v.maxSteps !== undefined ? `${v.steps}/${v.maxSteps}` : String(v.steps),
    tokens: v.tokens === undefined ? '' : compactNumber(v.tokens),
    cost: v.tokens === undefined ? '' : money(v.cost),
    time: v.elapsedMs === undefined ? '' : duration(v.elapsedMs),
  };
}
