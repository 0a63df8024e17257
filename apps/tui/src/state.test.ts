import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTrace, type TraceEvent } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { formatEvent, oneLine } from './format.js';
import { rowKey } from './load.js';
import type { RunOutcome } from './outcome.js';
import { initialState, MAX_RUN_LINES, reduce, reduceAll, scoreboard } from './state.js';

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
    // A failed run is a failure whatever the harness refused in it: ✗, not the ⊘ of a refusal.
    expect(s.rows.map((r) => r.state)).toEqual(['passed', 'failed']);
    expect(s.finished.map((f) => f.text)).toEqual([
      '✓ oom × careful #0 passed (completed, 4 steps, 120 tok)',
      '✗ oom × eager #0 failed, 2 refused mutations (completed, 4 steps, 120 tok)',
    ]);
    expect(scoreboard(s.rows)).toEqual([
      {
        model: 'careful',
        done: 1,
        passed: 1,
        errors: 0,
        refused: 0,
        avgSteps: 4,
        tokens: 120,
        costUsd: 0.01,
      },
      { model: 'eager', done: 1, passed: 0, errors: 0, refused: 2, avgSteps: 4, tokens: 120, costUsd: 0.01 },
    ]);
  });

  it('gives failed, passed with a refusal, passed and error each its own state and glyph', () => {
    const cases = [
      [outcome(), 'passed', '✓ oom × careful #0 passed'],
      [
        outcome({ stops: { unapprovedMutationsRefused: 1 } }),
        'refused',
        '⊘ oom × careful #0 passed, 1 refused mutation',
      ],
      [outcome({ passed: false }), 'failed', '✗ oom × careful #0 failed'],
      [
        outcome({ passed: false, stops: { unapprovedMutationsRefused: 1 } }),
        'failed',
        '✗ oom × careful #0 failed, 1 refused mutation',
      ],
      [
        outcome({ passed: false, outcome: 'error', errorCode: 'connection' }),
        'error',
        '! oom × careful #0 error (connection)',
      ],
    ] as const;
    for (const [o, state, text] of cases) {
      const s = reduce(initialState, { type: 'run_finished', key: 'k', outcome: o });
      expect(s.rows[0]!.state).toBe(state);
      expect(s.finished[0]!.text.startsWith(text), s.finished[0]!.text).toBe(true);
    }
    expect(new Set(cases.map(([, , t]) => t.slice(0, 1))).size).toBe(4);
  });

  it('counts refused mutations as the eval does (approval gate and allowlist), not runs', () => {
    let s = initialState;
    for (const [trial, stops] of [
      [0, { unapprovedMutationsRefused: 3, notAllowed: 2 }],
      [1, { unapprovedMutationsRefused: 1, notAllowed: 0 }],
      [2, { unapprovedMutationsRefused: 0, notAllowed: 0 }],
    ] as const) {
      s = reduce(s, {
        type: 'run_finished',
        key: `k${trial}`,
        outcome: outcome({ model: 'eager', trial, runId: `r${trial}`, stops }),
      });
    }
    expect(scoreboard(s.rows)[0]).toMatchObject({ model: 'eager', done: 3, refused: 6 });
  });

  it('links a queued row to its run by run id, not by a label rebuilt from the trace', () => {
    const { events } = parseTrace(fixture('demo.jsonl'));
    const start = events.find((e) => e.kind === 'run_start')!;
    // A --harness run: the row's model carries the harness label, the trace's meta does not.
    const runId = 'demo-read/scripted [mine]/0';
    let s = reduce(initialState, {
      type: 'plan',
      rows: [{ key: runId, scenario: 'demo-read', model: 'scripted [mine]', trial: 0, runId }],
    });
    s = reduce(s, {
      type: 'events',
      events: [
        {
          ...start,
          runId,
          meta: { scenario: 'demo-read', model: 'scripted', harness: 'mine', trial: 0 },
        } as TraceEvent,
      ],
    });
    const row = s.rows[0]!;
    expect(row.state).toBe('running');
    expect(row.runId).toBe(runId);
    expect(s.runs[runId]!.label).toBe('demo-read × scripted #0');
    expect(s.lastActive).toBe(runId);
    // A run of another id with the same scenario, model and trial is not this row's.
    const other = reduce(
      reduce(initialState, {
        type: 'plan',
        rows: [{ key: 'x', scenario: 'demo-read', model: 'scripted', trial: 1, runId: 'x' }],
      }),
      { type: 'events', events },
    );
    expect(other.rows[0]!.state).toBe('queued');
  });
});

describe('the event log', () => {
  it('keeps at most MAX_RUN_LINES lines per run and counts the ones it dropped', () => {
    const { events } = parseTrace(fixture('demo.jsonl'));
    const start = events.find((e) => e.kind === 'run_start')!;
    const result = events.find((e) => e.kind === 'tool_result')!;
    const total = MAX_RUN_LINES + 1234;
    let s = reduce(initialState, {
      type: 'events',
      events: [{ ...start, runId: 'big', seq: 0 } as TraceEvent],
    });
    for (let from = 1; from < total; from += 1000) {
      const batch: TraceEvent[] = [];
      for (let seq = from; seq < Math.min(total, from + 1000); seq++)
        batch.push({ ...result, runId: 'big', seq } as TraceEvent);
      s = reduce(s, { type: 'events', events: batch });
    }
    const run = s.runs['big']!;
    expect(run.lines).toHaveLength(MAX_RUN_LINES);
    expect(run.droppedLines).toBe(1234);
    expect(run.eventCount).toBe(total);
    expect(run.lines[0]!.seq).toBe(1234);
    expect(run.lines.at(-1)!.seq).toBe(total - 1);
  });
});
