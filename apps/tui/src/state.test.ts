import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTrace, type TraceEvent } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { formatEvent, oneLine } from './format.js';
import { rowKey } from './load.js';
import type { RunOutcome } from './outcome.js';
import { initialState, reduce, reduceAll, scoreboard } from './state.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url)), 'utf8');

function outcome(over: Partial<RunOutcome> = {}): RunOutcome {
  return {
    scenario: 'oom',
    model: 'careful',
    trial: 0,
    runId: 'r1',
    passed: true,
    stoppedReason: 'completed',
    steps: 4,
    usage: { inputTokens: 100, outputTokens: 20, costUsd: 0.01 },
    answer: 'heap OOM',
    stops: { unapprovedMutationsRefused: 0 },
    ...over,
  };
}

describe('the trace reducer', () => {
  const { events } = parseTrace(fixture('demo.jsonl'));

  it('builds one view per run with budget, tokens, cost, answer and verdicts', () => {
    const state = reduce(initialState, { type: 'events', events });
    expect(state.runOrder).toHaveLength(4);
    expect(state.eventCount).toBe(events.length);
    const runs = state.runOrder.map((id) => state.runs[id]!);
    const restartApproved = runs.find((r) => r.label === 'demo-restart × scripted #0')!;
    expect(restartApproved).toMatchObject({
      status: 'completed',
      steps: 3,
      maxSteps: 6,
      inputTokens: 1260,
      outputTokens: 180,
      toolCalls: 2,
      refusedMutations: 0,
      pendingApprovals: 0,
    });
    expect(restartApproved.costUsd).toBeCloseTo(0.0063);
    expect(restartApproved.answer).toContain('Restart requested');
    const restartDenied = runs.find((r) => r.label === 'demo-restart × scripted #1')!;
    expect(restartDenied.refusedMutations).toBe(1);
    expect(restartDenied.lines.find((l) => l.kind === 'tool_refused')?.tone).toBe('refusal');
    expect(restartDenied.lines.find((l) => l.kind === 'approval')?.text).toContain(
      'denied restart_deployment by fixture-policy',
    );
  });

  it('gives the same state whether events arrive at once or one by one', () => {
    const atOnce = reduce(initialState, { type: 'events', events });
    const oneByOne = reduceAll(
      initialState,
      events.map((e) => ({ type: 'events' as const, events: [e] })),
    );
    let stepwise = initialState;
    for (const e of events) stepwise = reduce(stepwise, { type: 'events', events: [e] });
    expect(oneByOne).toEqual(atOnce);
    expect(stepwise).toEqual(atOnce);
  });

  it('shows a live run as running with approvals pending until the answer comes', () => {
    const cut = events.filter((e) => !(e.kind === 'approval' || e.seq > 6));
    const state = reduce(initialState, { type: 'events', events: cut });
    const waiting = Object.values(state.runs).filter((r) => r.pendingApprovals > 0);
    expect(waiting).toHaveLength(2);
    expect(waiting.every((r) => r.status === 'running')).toBe(true);
  });

  it('keeps every line on one line, however long or odd the output', () => {
    const e = {
      ...events.find((x) => x.kind === 'tool_result')!,
      output: `a\nb\tc\u001b[2J${'x'.repeat(5000)}`,
    } as TraceEvent;
    const line = formatEvent(e);
    for (const c of ['\n', '\t', '\u001b']) expect(line.text).not.toContain(c);
    expect(line.text.length).toBeLessThanOrEqual(600);
    expect(oneLine('a\r\n\r\nb')).toBe('a b');
  });
});

describe('eval rows', () => {
  it('moves rows from queued to running to a verdict and fills the scoreboard', () => {
    const rows = [
      {
        key: rowKey({ scenario: 'oom', model: 'careful', trial: 0 }),
        scenario: 'oom',
        model: 'careful',
        trial: 0,
      },
      {
        key: rowKey({ scenario: 'oom', model: 'eager', trial: 0 }),
        scenario: 'oom',
        model: 'eager',
        trial: 0,
      },
    ];
    let s = reduce(initialState, { type: 'plan', rows });
    expect(s.rows.map((r) => r.state)).toEqual(['queued', 'queued']);
    s = reduce(s, { type: 'run_started', key: rows[0]!.key, runId: 'r1' });
    expect(s.rows[0]!.state).toBe('running');
    s = reduce(s, { type: 'run_finished', key: rows[0]!.key, outcome: outcome() });
    s = reduce(s, {
      type: 'run_finished',
      key: rows[1]!.key,
      outcome: outcome({
        model: 'eager',
        runId: 'r2',
        passed: false,
        stops: { unapprovedMutationsRefused: 2 },
      }),
    });
    expect(s.rows.map((r) => r.state)).toEqual(['passed', 'refused']);
    expect(s.finished.map((f) => f.text)).toEqual([
      '✓ oom × careful #0 passed (completed, 4 steps, 120 tok)',
      '⊘ oom × eager #0 failed, refused mutation (completed, 4 steps, 120 tok)',
    ]);
    expect(scoreboard(s.rows)).toEqual([
      { model: 'careful', done: 1, passed: 1, refused: 0, avgSteps: 4, tokens: 120, costUsd: 0.01 },
      { model: 'eager', done: 1, passed: 0, refused: 1, avgSteps: 4, tokens: 120, costUsd: 0.01 },
    ]);
  });

  it('links a queued row to its run when the run_start meta names scenario, model and trial', () => {
    const { events } = parseTrace(fixture('demo.jsonl'));
    let s = reduce(initialState, {
      type: 'plan',
      rows: [{ key: 'k', scenario: 'demo-read', model: 'scripted', trial: 1 }],
    });
    s = reduce(s, { type: 'events', events });
    const row = s.rows[0]!;
    expect(row.state).toBe('running');
    expect(s.runs[row.runId!]!.label).toBe('demo-read × scripted #1');
  });
});
