import type { ParsedTrace } from '@sre-harness/core';
import { compactNumber, money, plainLine } from './format.js';
import { rowKey } from './load.js';
import type { ReportView, RunOutcome } from './outcome.js';
import { safeText } from './safe-text.js';
import {
  finishedText,
  initialState,
  type RunView,
  reduce,
  type ScoreLine,
  scoreboard,
  type TuiState,
} from './state.js';

/** Where headless output goes (process.stdout, or a test's buffer). */
export interface TextOut {
  write(text: string): unknown;
}

/**
 * A writer that escapes control characters (`safeText`) before they reach the terminal: plain
 * output carries text from tools, models and scenario files too.
 */
export function safeWriter(out: TextOut): TextOut {
  return { write: (text) => out.write(safeText(text)) };
}

/** The state a parsed trace produces (all of it applied at once: no renderer to spare). */
export function traceState(parsed: ParsedTrace): TuiState {
  // A whole trace has no run in flight to follow: the list starts at the top.
  let state: TuiState = {
    ...reduce(initialState, { type: 'events', events: parsed.events }),
    lastActive: undefined,
  };
  for (const w of parsed.warnings) state = reduce(state, { type: 'warning', message: w });
  return state;
}

/** The state a report produces: one finished row per run. */
export function reportState(report: ReportView): TuiState {
  return reduce(initialState, {
    type: 'plan',
    rows: report.runs.map((o) => ({
      key: rowKey(o),
      scenario: o.scenario,
      model: o.model,
      trial: o.trial,
      outcome: o,
    })),
  });
}

/** One run's summary as plain data, for `--json`. */
export function runSummary(run: RunView) {
  return {
    runId: run.runId,
    label: run.label,
    task: run.task,
    status: run.status,
    steps: run.steps,
    maxSteps: run.maxSteps ?? null,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    costUsd: run.costUsd ?? null,
    toolCalls: run.toolCalls,
    refusals: run.refusals,
    refusedMutations: run.refusedMutations,
    answer: run.answer,
    verifications: run.verifications,
    events: run.eventCount,
  };
}

/** One-line summary of a run: status, budget, tokens, cost. */
export function runLine(run: RunView): string {
  const budget = run.maxSteps === undefined ? `${run.steps}` : `${run.steps}/${run.maxSteps}`;
  const tokens = compactNumber(run.inputTokens + run.outputTokens);
  const verified = run.verifications.length
    ? `, verifiers ${run.verifications.filter((v) => v.passed).length}/${run.verifications.length}`
    : '';
  return `${run.label}: ${run.status}, steps ${budget}, ${tokens} tok, ${money(run.costUsd)}${verified}`;
}

/** Prints a trace as plain lines (one per event, then one summary per run) or as JSON. */
export function printTrace(parsed: ParsedTrace, out: TextOut, err: TextOut, json: boolean): void {
  const state = traceState(parsed);
  const runs = state.runOrder.map((id) => state.runs[id]).filter((r): r is RunView => r !== undefined);
  if (json) {
    out.write(`${JSON.stringify({ runs: runs.map(runSummary), warnings: state.warnings }, null, 2)}\n`);
    return;
  }
  const safeOut = safeWriter(out);
  const safeErr = safeWriter(err);
  for (const w of state.warnings) safeErr.write(`warning: ${w}\n`);
  const many = runs.length > 1;
  for (const run of runs) {
    for (const line of run.lines) safeOut.write(`${plainLine(line, many ? run.label : undefined)}\n`);
  }
  for (const run of runs) safeOut.write(`${runLine(run)}\n`);
}

/** One model's scoreboard line for plain output. */
export function scoreText(s: ScoreLine): string {
  const errors = s.errors > 0 ? `, ${s.errors} error${s.errors === 1 ? '' : 's'}` : '';
  return `${s.model}: ${s.passed}/${s.done} passed${errors}, ${s.refused} refused mutation, avg ${s.avgSteps.toFixed(1)} steps, ${compactNumber(s.tokens)} tok, ${money(s.costUsd)}`;
}

function scoreLines(outcomes: readonly RunOutcome[], rows: TuiState['rows']): string[] {
  const lines = outcomes.map((o) => finishedText(o));
  for (const s of scoreboard(rows)) {
    lines.push(scoreText(s));
  }
  return lines;
}

/** Prints a report as plain lines (one per run, then the scoreboard) or as JSON. */
export function printReport(report: ReportView, out: TextOut, json: boolean): void {
  const state = reportState(report);
  if (json) {
    out.write(
      `${JSON.stringify({ scoreboard: scoreboard(state.rows), runs: report.runs.length }, null, 2)}\n`,
    );
    return;
  }
  const safeOut = safeWriter(out);
  for (const line of scoreLines(report.runs, state.rows)) safeOut.write(`${line}\n`);
}
