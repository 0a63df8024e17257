import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApprovalRequest, callHash } from '@sre-harness/core';
import type { ScenarioEnvironment } from '@sre-harness/eval';
import { describe, expect, it } from 'vitest';
import { reportState } from './headless.js';
import { evalRowKey, liveEvalApprover, runLiveEval } from './live-eval.js';
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

  it('marks the runs in flight as running, in plan order, each before it finishes', async () => {
    const log: string[] = [];
    const store = new TuiStore();
    let plan: string[] = [];
    await runLiveEval({ ...flags, trials: 2, concurrency: 2 }, store, new AbortController().signal, {
      onPlan: (rows) => {
        plan = rows.map((r) => r.key);
      },
      onStarted: (key) => log.push(`start ${key}`),
      onFinished: (o) => log.push(`end ${evalRowKey(o.scenario, o.model, o.trial)}`),
    });
    expect(log.filter((l) => l.startsWith('start ')).map((l) => l.slice(6))).toEqual(plan);
    for (const key of plan) expect(log.indexOf(`start ${key}`)).toBeLessThan(log.indexOf(`end ${key}`));
    // Never more than two in flight.
    let running = 0;
    for (const l of log) {
      running += l.startsWith('start ') ? 1 : -1;
      expect(running).toBeLessThanOrEqual(2);
    }
    store.flush();
    expect(store.getSnapshot().rows.every((r) => r.state !== 'running' && r.state !== 'queued')).toBe(true);
  });

  it('rejects a selection that matches nothing, as pnpm eval does', async () => {
    await expect(
      runLiveEval({ ...flags, scenario: ['no-such-*'] }, undefined, new AbortController().signal),
    ).rejects.toThrow('--scenario: no scenario matches "no-such-*"');
  });
});

describe('runLiveEval with --approve', () => {
  it('asks a person about each mutation, shows the target, and records who decided', async () => {
    const approvals = liveEvalApprover('alice');
    const queue = approvals.approver.queue;
    const seen: { tool: string; target: string | undefined }[] = [];
    const unsubscribe = queue.subscribe(() => {
      for (const item of queue.getSnapshot()) {
        seen.push({ tool: item.request.tool, target: item.target });
        queue.answer(item.id, true, 'looks right');
      }
    });
    const store = new TuiStore({ flushMs: 5 });
    const [record] = await runLiveEval(
      { ...flags, model: ['baseline'] },
      store,
      new AbortController().signal,
      { approvals },
    );
    unsubscribe();
    store.flush();
    // The baseline proposed raising the memory limit; the person approved it, so the incident is resolved.
    expect(seen.map((s) => s.tool)).toEqual(['set_resources']);
    expect(seen[0]!.target).toMatch(/Name:\s+checkout/);
    expect(record!.mutationsExecuted).toBe(1);
    expect(record!.scores.resolution).toBe(true);
    // The run's trace reached the UI live, the person's decision with it.
    const run = store.getSnapshot().runs[evalRowKey('oom-crashloop', 'baseline', 0)];
    const approval = run?.lines.find((l) => l.kind === 'approval');
    expect(approval?.text).toMatch(/alice/);
  });
});

describe('liveEvalApprover', () => {
  // The target is read straight from the run's tools, outside the harness's redaction.
  const environment = (output: string) =>
    ({
      tools: [{ name: 'describe_deployment', execute: async () => output }],
    }) as unknown as ScenarioEnvironment;
  const request = (signal: AbortSignal): ApprovalRequest => ({
    runId: 'r1',
    callId: 'c1',
    step: 1,
    tool: 'scale_deployment',
    args: { namespace: 'shop', name: 'checkout', replicas: 3 },
    argsHash: callHash('scale_deployment', { namespace: 'shop', name: 'checkout', replicas: 3 }),
    task: 't',
    signal,
  });

  it('masks secrets in the target it reads, and keeps all of it (no silent cut at 24 lines)', async () => {
    const approvals = liveEvalApprover('alice');
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const approver = approvals.forRun(
      'r1',
      environment(['Name: checkout', '  Env: PASSWORD=hunter2hunter2', ...lines].join('\n')),
    );
    const controller = new AbortController();
    const decision = approver(request(controller.signal));
    await new Promise((r) => setTimeout(r, 20));
    const [pending] = approvals.approver.queue.getSnapshot();
    expect(pending!.target).toContain('Env: PASSWORD=<redacted>');
    expect(pending!.target).not.toContain('hunter2');
    expect(pending!.target).toContain('line 39');
    controller.abort();
    expect(await decision).toMatchObject({ granted: false });
  });

  it('uses the harness’s own redactor when given one', async () => {
    const approvals = liveEvalApprover('alice', { redact: (t) => t.replaceAll('checkout', '<app>') });
    const approver = approvals.forRun('r1', environment('Name: checkout'));
    const controller = new AbortController();
    const decision = approver(request(controller.signal));
    await new Promise((r) => setTimeout(r, 20));
    const [pending] = approvals.approver.queue.getSnapshot();
    expect(pending!.target).toBe('Name: <app>');
    expect(pending!.args).toContain('"name": "<app>"');
    controller.abort();
    await decision;
  });
});
