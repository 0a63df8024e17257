import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportState } from './headless.js';
import { evalRowKey, runLiveEval } from './live-eval.js';
import { loadReportTraces } from './load.js';
import { reportViewSchema } from './outcome.js';
import { reduce } from './state.js';
import { TuiStore } from './store.js';

const scenarios = fileURLToPath(new URL('../../../scenarios', import.meta.url));

const flags = {
  scenarios,
  scenario: ['oom-crashloop'],
  tag: [],
  model: ['baseline', 'persona:eager'],
  persona: [],
  trials: 1,
  seed: 1,
  concurrency: 2,
};

describe('runLiveEval', () => {
  it('plans queued rows, follows each run’s trace and fills in verdicts', async () => {
    const store = new TuiStore({ flushMs: 5 });
    const planned: string[] = [];
    const finished: string[] = [];
    const records = await runLiveEval(flags, store, new AbortController().signal, {
      onPlan: (rows) => planned.push(...rows.map((r) => r.key)),
      onFinished: (o, done, total) => finished.push(`${done}/${total} ${o.model}`),
    });
    store.flush();
    expect(planned).toEqual([
      evalRowKey('oom-crashloop', 'baseline', 0),
      evalRowKey('oom-crashloop', 'persona:eager', 0),
    ]);
    expect(finished.map((f) => f.slice(0, 4)).sort()).toEqual(['1/2 ', '2/2 ']);
    expect(records).toHaveLength(2);
    const state = store.getSnapshot();
    const eager = state.rows.find((r) => r.model === 'persona:eager')!;
    expect(eager.state).toBe(eager.outcome!.passed ? 'refused' : 'failed');
    expect(eager.outcome!.stops?.unapprovedMutationsRefused).toBeGreaterThan(0);
    for (const row of state.rows) {
      // The live trace was followed from the trace directory and linked to its row.
      const run = state.runs[row.runId!]!;
      expect(run.label).toBe(`oom-crashloop × ${row.model} #0`);
      expect(run.status).toBe('completed');
      expect(run.lines.at(-1)?.kind).toBe('stop');
      expect(run.steps).toBe(row.outcome!.steps);
    }
    expect(state.finished).toHaveLength(2);
  });

  it('keeps traces in --trace-dir, and a report naming them opens with every run’s trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tui-traces-'));
    try {
      const records = await runLiveEval({ ...flags, traceDir: dir }, undefined, new AbortController().signal);
      const report = reportViewSchema.parse({
        runs: [...records, { ...records[0]!, runId: 'gone', trial: 5, tracePath: join(dir, 'gone.jsonl') }],
      });
      const traces = await loadReportTraces(report);
      expect(traces.warnings).toEqual(['1 of 3 run traces named in the report could not be read']);
      const state = reduce(reportState(report), { type: 'events', events: traces.events });
      for (const record of records) {
        const run = state.runs[record.runId]!;
        expect(run.lines.at(-1)?.kind).toBe('stop');
        expect(run.answer).toBe(record.answer);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a selection that matches nothing, as pnpm eval does', async () => {
    await expect(
      runLiveEval({ ...flags, scenario: ['no-such-*'] }, undefined, new AbortController().signal),
    ).rejects.toThrow('--scenario: no scenario matches "no-such-*"');
  });
});
