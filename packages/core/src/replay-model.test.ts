import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callbackApprover } from './approvals.js';
import { HarnessError } from './errors.js';
import { createHarness, type Guardrails } from './harness.js';
import type { DecideRequest, Model } from './model.js';
import { ReplayModel } from './replay-model.js';
import { callTool, callTools, finalAnswer, ScriptedModel } from './testing/index.js';
import { defineTool } from './tool.js';
import { JsonlFileSink, MemorySink, type TraceEvent } from './trace.js';
import { parseTrace } from './trace-reader.js';

function world() {
  const executed: string[] = [];
  const tools = [
    defineTool({
      name: 'list_pods',
      description: 'List pods',
      input: z.object({ namespace: z.string() }),
      mutating: false,
      execute: ({ namespace }) => {
        executed.push(`list_pods ${namespace}`);
        return `web-1 CrashLoopBackOff (${namespace})`;
      },
    }),
    defineTool({
      name: 'restart_pod',
      description: 'Restart a pod',
      input: z.object({ namespace: z.string(), name: z.string() }),
      mutating: true,
      execute: ({ namespace, name }) => {
        executed.push(`restart_pod ${namespace}/${name}`);
        return 'deleted';
      },
    }),
  ];
  return { executed, tools };
}

const approveAll = callbackApprover(() => true, 'test');

async function record(dir: string, script: unknown[], guardrails?: Partial<Guardrails>) {
  const path = join(dir, 'recorded.jsonl');
  const w = world();
  const sink = new JsonlFileSink(path);
  const h = createHarness({
    model: new ScriptedModel(script, { name: 'recorded-model' }),
    tools: w.tools,
    guardrails: { maxSteps: 6, allow: ['list_pods', 'restart_pod'], approver: approveAll, ...guardrails },
    trace: sink,
  });
  const result = await h.run('web-1 is flapping', { runId: 'rec-1' });
  sink.close();
  return { path, result, executed: w.executed };
}

const incident = [
  callTool('list_pods', { namespace: 'prod' }),
  callTool('restart_pod', { namespace: 'prod', name: 'web-1' }),
  finalAnswer('web-1 was crash looping; restarted it'),
];

function replayHarness(model: Model, guardrails: Partial<Guardrails> = {}) {
  const w = world();
  const sink = new MemorySink();
  const h = createHarness({
    model,
    tools: w.tools,
    guardrails: { maxSteps: 6, allow: ['list_pods', 'restart_pod'], approver: approveAll, ...guardrails },
    trace: sink,
  });
  return { h, sink, executed: w.executed };
}

describe('ReplayModel', () => {
  it('re-issues a recorded run identically against the same harness', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, incident);
    expect(rec.result.stoppedReason).toBe('completed');

    const model = await ReplayModel.fromFile(rec.path);
    expect(model.name).toBe('replay:recorded-model');
    expect(model.total).toBe(3);
    const { h, sink, executed } = replayHarness(model);
    const result = await h.run('web-1 is flapping');
    expect(result.stoppedReason).toBe('completed');
    // The decision event carries the model's meta, which marks the replayed step.
    expect(sink.ofKind('decision').map((d) => d.meta?.['replayedStep'])).toEqual([1, 2, 3]);
    expect(sink.ofKind('decision')[0]?.meta?.['recordedTaskDiffers']).toBeUndefined();
    expect(result.answer).toBe('web-1 was crash looping; restarted it');
    expect(executed).toEqual(rec.executed);
    model.assertComplete();
  });

  it('shows a stricter guardrail refusing the mutation the recorded run was allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, incident);
    expect(rec.executed).toContain('restart_pod prod/web-1');

    const model = await ReplayModel.fromFile(rec.path);
    const { h, sink, executed } = replayHarness(model, {
      allow: ['list_pods', { tool: 'restart_pod', where: { namespace: 'staging' } }],
    });
    const result = await h.run('web-1 is flapping');
    expect(executed).toEqual(['list_pods prod']);
    const refused = sink.ofKind('tool_refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ tool: 'restart_pod', reason: 'not_allowed' });
    // The recording goes on to its final answer, which now claims a restart that never happened.
    expect(result.stoppedReason).toBe('completed');
  });

  it('ends the run with a clear reason when a recorded tool is no longer offered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, incident);
    const model = await ReplayModel.fromFile(rec.path);
    const { h, executed } = replayHarness(model, { allow: ['list_pods'] });
    const result = await h.run('web-1 is flapping');
    expect(result.stoppedReason).toBe('model_error');
    expect(result.error).toMatch(
      /at step 2 the recording calls tool "restart_pod", which this harness does not offer \(offered: list_pods\)/,
    );
    expect(executed).toEqual(['list_pods prod']);
  });

  it('with missingTool: call, lets the loop refuse the call as an unknown tool and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, incident);
    const model = await ReplayModel.fromFile(rec.path, { missingTool: 'call' });
    const w = world();
    const sink = new MemorySink();
    const h = createHarness({
      model,
      tools: w.tools.slice(0, 1),
      guardrails: { maxSteps: 6, allow: ['list_pods'] },
      trace: sink,
    });
    const result = await h.run('web-1 is flapping');
    expect(result.stoppedReason).toBe('completed');
    expect(sink.ofKind('tool_refused')[0]).toMatchObject({ tool: 'restart_pod', reason: 'unknown_tool' });
  });

  it('ends the run when the recording runs out before the run ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    // Recorded under a budget of 2: the run stopped without a final answer.
    const rec = await record(dir, incident, { maxSteps: 2 });
    expect(rec.result.stoppedReason).toBe('budget_exhausted');
    const model = await ReplayModel.fromFile(rec.path);
    const { h } = replayHarness(model);
    const result = await h.run('web-1 is flapping');
    expect(result.stoppedReason).toBe('model_error');
    expect(result.error).toMatch(
      /ran out: the recording holds 2 decisions and the harness asked for decision 3/,
    );
  });

  it('replays refused calls, invalid output and parse errors as they were recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, [
      callTool('drop_database', {}),
      { type: 'nonsense' },
      { type: 'tool_calls', calls: [{ tool: 'list_pods', args: '{"namespace":', parseError: 'bad JSON' }] },
      callTools(['list_pods', { namespace: 'prod' }]),
      finalAnswer('done'),
    ]);
    const recorded = parseTrace(readFileSync(rec.path, 'utf8')).events;
    const model = await ReplayModel.fromFile(rec.path);
    const { h, sink } = replayHarness(model);
    const result = await h.run('web-1 is flapping');
    expect(result.steps).toBe(rec.result.steps);
    const reasons = (events: readonly TraceEvent[]) =>
      events.flatMap((e) => (e.kind === 'tool_refused' ? [e.reason] : []));
    expect(reasons(sink.events)).toEqual(reasons(recorded));
    expect(reasons(sink.events)).toEqual(['unknown_tool', 'invalid_arguments']);
    expect(sink.ofKind('decision').map((d) => d.type)).toEqual([
      'tool_calls',
      'invalid',
      'tool_calls',
      'tool_calls',
      'final',
    ]);
  });

  it('re-enacts a recorded model failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, [
      callTool('list_pods', { namespace: 'prod' }),
      () => {
        throw new Error('upstream 500');
      },
    ]);
    expect(rec.result.stoppedReason).toBe('model_error');
    const model = await ReplayModel.fromFile(rec.path);
    const { h } = replayHarness(model);
    const result = await h.run('web-1 is flapping');
    expect(result.stoppedReason).toBe('model_error');
    expect(result.error).toMatch(/the recorded model failed at step 2: Error: upstream 500/);
  });

  it('asks for a runId when the file holds several runs, and picks the one named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const path = join(dir, 'two.jsonl');
    const sink = new JsonlFileSink(path);
    const w = world();
    const h = createHarness({
      model: new ScriptedModel([finalAnswer('first'), finalAnswer('second')]),
      tools: w.tools,
      guardrails: { maxSteps: 3, allow: ['list_pods'] },
      trace: sink,
    });
    await h.run('one', { runId: 'run-a' });
    await h.run('two', { runId: 'run-b' });
    sink.close();
    await expect(ReplayModel.fromFile(path)).rejects.toThrow(/holds 2 runs \(run-a, run-b\); pass runId/);
    await expect(ReplayModel.fromFile(path, { runId: 'nope' })).rejects.toThrow(/no run nope/);
    const model = await ReplayModel.fromFile(path, { runId: 'run-b' });
    const result = await replayHarness(model).h.run('two');
    expect(result.answer).toBe('second');
  });

  it('replays the valid prefix of a killed run and reports the cut-off line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, incident);
    const text = readFileSync(rec.path, 'utf8');
    const cut = text.slice(0, text.lastIndexOf('"kind":"final"') + 5);
    const path = join(dir, 'killed.jsonl');
    writeFileSync(path, cut);
    const model = await ReplayModel.fromFile(path);
    expect(model.warnings).toHaveLength(1);
    expect(model.warnings[0]).toMatch(/killed\.jsonl:\d+: skipped a broken last line/);
    expect(model.total).toBe(3);
  });

  it('keeps the recorded usage so token figures reproduce', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const rec = await record(dir, [finalAnswer('ok', { inputTokens: 120, outputTokens: 7 })]);
    const model = await ReplayModel.fromFile(rec.path);
    const { h, sink } = replayHarness(model);
    const result = await h.run('x');
    expect(result.usage).toEqual({ inputTokens: 120, outputTokens: 7 });
    // Replayed against another task: allowed, and the trace says so.
    expect(sink.ofKind('decision')[0]?.meta?.['recordedTaskDiffers']).toBe(true);
  });

  it('is a HarnessError with a code, so callers can tell replay trouble apart', async () => {
    let caught: unknown;
    try {
      new ReplayModel([]);
    } catch (e) {
      caught = e;
    }
    expect(HarnessError.isInstance(caught)).toBe(true);
    expect((caught as HarnessError).code).toBe('invalid_trace');
  });
});

describe('ReplayModel on a committed v1 trace', () => {
  const fixture = fileURLToPath(new URL('./__fixtures__/replay/recorded-run.v1.jsonl', import.meta.url));
  const tools = () => {
    const executed: string[] = [];
    const tool = (name: string, input: z.ZodObject, mutating: boolean) =>
      defineTool({
        name,
        description: name,
        input,
        mutating,
        execute: (args) => {
          executed.push(`${name} ${JSON.stringify(args)}`);
          return 'ok';
        },
      });
    return {
      executed,
      list: [
        tool('list_pods', z.object({ namespace: z.string() }), false),
        tool('get_logs', z.object({ namespace: z.string(), pod: z.string() }), false),
        tool('restart_pod', z.object({ namespace: z.string(), name: z.string() }), true),
      ],
    };
  };

  it('re-runs the recorded incident without a key and with the recorded usage', async () => {
    const model = await ReplayModel.fromFile(fixture);
    expect(model.name).toBe('replay:anthropic:claude-haiku-4-5');
    const w = tools();
    const h = createHarness({
      model,
      tools: w.list,
      guardrails: { maxSteps: 8, allow: ['list_pods', 'get_logs', 'restart_pod'], approver: approveAll },
    });
    const result = await h.run('web-1 in shop is flapping');
    expect(result.stoppedReason).toBe('completed');
    expect(result.steps).toBe(5);
    expect(w.executed).toEqual([
      'list_pods {"namespace":"shop"}',
      'get_logs {"namespace":"shop","pod":"web-1"}',
      'restart_pod {"namespace":"shop","name":"web-1"}',
    ]);
    expect(result.usage).toMatchObject({ inputTokens: 3600, outputTokens: 100, cacheReadTokens: 1200 });
    model.assertComplete();
  });

  it('shows that an approver denying restarts stops the mutation the recording made', async () => {
    const model = await ReplayModel.fromFile(fixture);
    const w = tools();
    const sink = new MemorySink();
    const h = createHarness({
      model,
      tools: w.list,
      guardrails: { maxSteps: 8, allow: ['list_pods', 'get_logs', 'restart_pod'] },
      trace: sink,
    });
    const result = await h.run('web-1 in shop is flapping');
    expect(w.executed.some((e) => e.startsWith('restart_pod'))).toBe(false);
    expect(sink.ofKind('tool_refused').map((r) => r.reason)).toEqual([
      'invalid_arguments',
      'approval_denied',
    ]);
    expect(result.answer).toMatch(/restarted it/);
  });
});

describe('ReplayModel on a v3 trace (native transcript)', () => {
  it('records the provider call ids and the model text, and a replay hands both back to the model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const script = [
      {
        type: 'tool_calls',
        text: 'Checking the pods first.',
        calls: [{ id: 'toolu_01A', tool: 'list_pods', args: { namespace: 'prod' } }],
      },
      finalAnswer('web-1 is crash looping'),
    ];
    const rec = await record(dir, script);
    const lines = readFileSync(rec.path, 'utf8').trim().split('\n');
    const decision = JSON.parse(lines.find((l) => l.includes('"kind":"decision"')) ?? '{}');
    expect(decision.v).toBe(3);
    expect(decision.calls[0]).toMatchObject({ callId: 'c1', id: 'toolu_01A' });

    const seen: Model = await ReplayModel.fromFile(rec.path);
    const requests: DecideRequest[] = [];
    const spy: Model = {
      decide: (r) => {
        requests.push(r);
        return seen.decide(r);
      },
    };
    const { h } = replayHarness(spy);
    const result = await h.run('web-1 is flapping');
    expect(result.stoppedReason).toBe('completed');
    const turn = requests[1]?.transcript[1];
    expect(turn).toMatchObject({
      role: 'assistant',
      text: 'Checking the pods first.',
      calls: [{ id: 'toolu_01A', callId: 'c1', tool: 'list_pods' }],
    });
    expect(requests[1]?.transcript[2]).toMatchObject({
      role: 'user',
      parts: [
        { type: 'tool_result', id: 'toolu_01A', callId: 'c1' },
        { type: 'text', source: 'step' },
      ],
    });
  });
});
