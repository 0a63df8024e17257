import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApprovalRequest, callHash } from '@sre-harness/core';
import type { ScenarioEnvironment } from '@sre-harness/eval';
import { describe, expect, it } from 'vitest';
import { reportState } from './headless.js';
import { evalRowKey, liveEvalApprover, runLiveEval, targetRead } from './live-eval.js';
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

describe('targetRead', () => {
  // One small world with an object of each kind a mutating tool changes.
  const world = {
    namespaces: ['shop'],
    nodes: [{ name: 'n1' }],
    deployments: [
      {
        name: 'checkout',
        namespace: 'shop',
        podTemplateHash: '7c9d8f6b5',
        containers: [{ name: 'app', image: 'shop/checkout:1' }],
        pods: [{ name: 'checkout-7c9d8f6b5-x2k4p' }],
      },
    ],
    services: [{ name: 'checkout', namespace: 'shop', selector: { app: 'checkout' }, ports: [{ port: 80 }] }],
    objects: [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'reader', namespace: 'shop' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      },
    ],
  };
  const calls: Record<string, Record<string, unknown>> = {
    scale_deployment: { namespace: 'shop', name: 'checkout', replicas: 2 },
    restart_pod: { namespace: 'shop', name: 'checkout-7c9d8f6b5-x2k4p' },
    rollback_deployment: { namespace: 'shop', name: 'checkout' },
    set_image: { namespace: 'shop', deployment: 'checkout', container: 'app', image: 'shop/checkout:2' },
    set_resources: { namespace: 'shop', deployment: 'checkout', container: 'app' },
    set_command: { namespace: 'shop', deployment: 'checkout', container: 'app' },
    set_env: {
      namespace: 'shop',
      deployment: 'checkout',
      container: 'app',
      set: [{ name: 'MODE', value: 'a' }],
    },
    restart_deployment: { namespace: 'shop', name: 'checkout' },
    set_probe: { namespace: 'shop', deployment: 'checkout', container: 'app', probe: 'readiness' },
    set_node_placement: { namespace: 'shop', deployment: 'checkout' },
    set_service_selector: { namespace: 'shop', name: 'checkout', selector: { app: 'checkout' } },
    set_labels: { namespace: 'shop', kind: 'Service', name: 'checkout', labels: { tier: 'web' } },
    set_role_rules: { namespace: 'shop', name: 'reader', rules: [] },
  };

  it('describes the object every mutating tool would change, read through the run’s own tools', async () => {
    const ev = await import('@sre-harness/eval');
    const env = await ev.simEnvironment({ cluster: world } as never);
    const mutating = env.tools.filter((t) => t.mutating).map((t) => t.name);
    // Every mutating tool has a target, except apply_manifest, whose manifest is the change itself.
    expect(mutating.filter((t) => targetRead(t, {}) === undefined)).toEqual(['apply_manifest']);
    for (const tool of mutating.filter((t) => t !== 'apply_manifest')) {
      const args = calls[tool];
      expect(args, `a sample call for ${tool}`).toBeDefined();
      const read = targetRead(tool, args!)!;
      const reader = env.tools.find((t) => t.name === read.tool);
      expect(reader?.mutating, `${tool} -> ${read.tool}`).toBe(false);
      const text = String(
        await reader!.execute(reader!.input.parse(read.args) as never, {
          signal: new AbortController().signal,
          runId: 'r1',
          callId: 'c1',
        }),
      );
      expect(text, tool).toMatch(/Name:\s+(checkout|reader)/);
    }
  });
});
