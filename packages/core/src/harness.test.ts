import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Approver,
  callbackApprover,
  callHash,
  createHarness,
  defineTool,
  HarnessError,
  type HarnessOptions,
  MemorySink,
  type TraceEvent,
} from './index.js';
import { callTool, callTools, finalAnswer, ScriptedModel } from './testing/index.js';

function kinds(events: readonly TraceEvent[]): string[] {
  return events.map((e) => e.kind);
}

function world() {
  const executed: { tool: string; args: unknown }[] = [];
  const listPods = defineTool({
    name: 'list_pods',
    description: 'List pods in a namespace',
    input: z.object({ namespace: z.string() }),
    mutating: false,
    execute: ({ namespace }) => {
      executed.push({ tool: 'list_pods', args: { namespace } });
      return `NAME STATUS\npod-a Running (${namespace})`;
    },
  });
  const restartPod = defineTool({
    name: 'restart_pod',
    description: 'Restart a pod',
    input: z.object({ namespace: z.string(), name: z.string() }),
    mutating: true,
    execute: (args) => {
      executed.push({ tool: 'restart_pod', args });
      return `pod "${args.name}" deleted`;
    },
  });
  // Declares nothing about mutating: must be treated as mutating.
  const undeclared = defineTool({
    name: 'flush_cache',
    description: 'Flush a cache',
    input: z.object({}),
    execute: () => {
      executed.push({ tool: 'flush_cache', args: {} });
      return 'flushed';
    },
  });
  return { executed, tools: [listPods, restartPod, undeclared] };
}

function harness(script: unknown[], overrides: Partial<HarnessOptions> = {}) {
  const w = world();
  const sink = new MemorySink();
  const model = new ScriptedModel(script);
  const h = createHarness({
    model,
    tools: w.tools,
    guardrails: { maxSteps: 10, allow: ['list_pods', 'restart_pod', 'flush_cache'] },
    trace: sink,
    ...overrides,
  });
  return { h, sink, model, executed: w.executed };
}

describe('the loop', () => {
  it('runs a read, asks before a mutation, and completes', async () => {
    const { h, sink, model, executed } = harness(
      [
        callTool('list_pods', { namespace: 'shop' }),
        callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }),
        finalAnswer('restarted pod-a'),
      ],
      {
        guardrails: {
          maxSteps: 5,
          allow: ['list_pods', 'restart_pod'],
          approver: callbackApprover(() => true, 'oncall'),
        },
      },
    );
    const r = await h.run('pod-a is flapping');
    model.assertComplete();
    expect(r).toMatchObject({
      stoppedReason: 'completed',
      answer: 'restarted pod-a',
      steps: 3,
      verified: true,
    });
    expect(executed.map((e) => e.tool)).toEqual(['list_pods', 'restart_pod']);
    expect(kinds(sink.events)).toEqual([
      'run_start',
      'decision',
      'tool_call',
      'tool_result',
      'decision',
      'tool_call',
      'approval_requested',
      'approval',
      'tool_result',
      'decision',
      'final',
      'stop',
    ]);
    const approval = sink.ofKind('approval')[0]!;
    expect(approval).toMatchObject({ granted: true, by: 'oncall' });
    expect(approval.argsHash).toBe(callHash('restart_pod', { namespace: 'shop', name: 'pod-a' }));
  });

  it('shows the model the observation of every call it made', async () => {
    const { h, model } = harness([callTool('list_pods', { namespace: 'shop' }), finalAnswer('ok')]);
    await h.run('check shop');
    expect(model.requests[1]!.context).toContain('pod-a Running (shop)');
    expect(model.requests[1]!.context).toContain('Task: check shop');
  });

  it('offers the model only the allowed tools', async () => {
    const { h, model } = harness([finalAnswer('x')], { guardrails: { maxSteps: 2, allow: ['list_pods'] } });
    await h.run('t');
    expect(model.requests[0]!.tools.map((t) => t.name)).toEqual(['list_pods']);
  });
});

describe('every model mistake is refused and observed, never thrown', () => {
  it('unknown tool', async () => {
    const { h, sink, model } = harness([callTool('rm_rf', { path: '/' }), finalAnswer('done')]);
    const r = await h.run('t');
    expect(r.stoppedReason).toBe('completed');
    expect(sink.ofKind('tool_refused')[0]).toMatchObject({ reason: 'unknown_tool', tool: 'rm_rf' });
    expect(model.requests[1]!.context).toContain('no tool named "rm_rf"');
  });

  it('arguments that fail validation: the zod issues go back to the model', async () => {
    const { h, sink, model, executed } = harness([
      callTool('list_pods', { namespace: 42 }),
      finalAnswer('x'),
    ]);
    await h.run('t');
    const refusal = sink.ofKind('tool_refused')[0]!;
    expect(refusal.reason).toBe('invalid_arguments');
    expect(refusal.detail).toMatch(/namespace: .*expected string/i);
    expect(model.requests[1]!.context).toContain('invalid_arguments');
    expect(executed).toEqual([]);
  });

  it('arguments the adapter could not parse', async () => {
    const { h, sink } = harness([
      {
        type: 'tool_calls',
        calls: [{ tool: 'list_pods', args: '{"namespace": ', parseError: 'Unexpected end of JSON' }],
      },
      finalAnswer('x'),
    ]);
    await h.run('t');
    expect(sink.ofKind('tool_refused')[0]).toMatchObject({ reason: 'invalid_arguments' });
  });

  it.each([
    ['null', null],
    ['a string', 'garbage'],
    ['an unknown type', { type: 'shrug' }],
    ['tool_calls with no calls', { type: 'tool_calls', calls: [] }],
    ['a final with no answer', { type: 'final' }],
  ])('unparseable model output: %s', async (_, garbage) => {
    const { h, sink, model } = harness([garbage, finalAnswer('recovered')]);
    const r = await h.run('t');
    expect(r.stoppedReason).toBe('completed');
    expect(r.steps).toBe(2);
    expect(sink.ofKind('decision')[0]).toMatchObject({ type: 'invalid' });
    expect(model.requests[1]!.context).toMatch(/could not be used/);
  });

  it('a tool that throws', async () => {
    const boom = defineTool({
      name: 'boom',
      description: 'fails',
      input: z.object({}),
      mutating: false,
      execute: () => {
        throw new Error('connection refused');
      },
    });
    const sink = new MemorySink();
    const model = new ScriptedModel([callTool('boom'), finalAnswer('x')]);
    const r = await createHarness({
      model,
      tools: [boom],
      guardrails: { maxSteps: 3, allow: ['boom'] },
      trace: sink,
    }).run('t');
    expect(r.stoppedReason).toBe('completed');
    expect(sink.ofKind('tool_error')[0]).toMatchObject({
      reason: 'threw',
      error: 'Error: connection refused',
    });
    expect(model.requests[1]!.context).toContain('connection refused');
  });

  it('a tool that hangs past its timeout and ignores its signal', async () => {
    let sawAbort = false;
    const hang = defineTool({
      name: 'hang',
      description: 'never answers',
      input: z.object({}),
      mutating: false,
      timeoutMs: 30,
      execute: (_, { signal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
          });
        }),
    });
    const sink = new MemorySink();
    const model = new ScriptedModel([callTool('hang'), finalAnswer('x')]);
    const r = await createHarness({
      model,
      tools: [hang],
      guardrails: { maxSteps: 3, allow: ['hang'] },
      trace: sink,
    }).run('t');
    expect(r.stoppedReason).toBe('completed');
    expect(sink.ofKind('tool_error')[0]).toMatchObject({ reason: 'timeout' });
    expect(sawAbort).toBe(true);
    expect(model.requests[1]!.context).toContain('timed out');
  });

  it('huge and non-UTF-8 output is capped and decoded', async () => {
    const big = defineTool({
      name: 'big',
      description: 'much output',
      input: z.object({}),
      mutating: false,
      execute: () => 'x'.repeat(50_000),
    });
    const bytes = defineTool({
      name: 'bytes',
      description: 'raw bytes',
      input: z.object({}),
      mutating: false,
      execute: () => new Uint8Array([0x6f, 0x6b, 0xff, 0xfe]),
    });
    const sink = new MemorySink();
    const model = new ScriptedModel([callTools(['big'], ['bytes']), finalAnswer('x')]);
    await createHarness({
      model,
      tools: [big, bytes],
      guardrails: { maxSteps: 3, allow: ['big', 'bytes'] },
      maxObservationChars: 1000,
      trace: sink,
    }).run('t');
    const [r1, r2] = sink.ofKind('tool_result');
    expect(r1).toMatchObject({ truncated: true, chars: 50_000 });
    expect(r1!.output).toContain('[output cut: showing 1000 of 50000 characters]');
    expect(r2!.output).toBe('ok\uFFFD\uFFFD');
  });

  it('a model that throws ends the run as model_error, not an exception', async () => {
    const { h, sink } = harness([
      () => {
        throw new Error('HTTP 500 after 3 retries');
      },
    ]);
    const r = await h.run('t');
    expect(r.stoppedReason).toBe('model_error');
    expect(r.error).toContain('HTTP 500 after 3 retries');
    expect(sink.events.at(-1)).toMatchObject({ kind: 'stop', reason: 'model_error' });
  });

  it('refuses calls beyond the per-decision cap', async () => {
    const calls = Array.from({ length: 4 }, () => ['list_pods', { namespace: 'a' }] as [string, unknown]);
    const { h, sink, executed } = harness([callTools(...calls), finalAnswer('x')], {
      guardrails: { maxSteps: 3, allow: ['list_pods'], maxCallsPerDecision: 2 },
    });
    await h.run('t');
    expect(executed).toHaveLength(2);
    expect(sink.ofKind('tool_refused').map((e) => e.reason)).toEqual(['too_many_calls', 'too_many_calls']);
  });
});

describe('approval gate', () => {
  it('denies mutations by default and the run goes on', async () => {
    const { h, sink, executed } = harness([
      callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }),
      finalAnswer('could not restart'),
    ]);
    const r = await h.run('t');
    expect(r.stoppedReason).toBe('completed');
    expect(executed).toEqual([]);
    expect(sink.ofKind('approval')[0]).toMatchObject({ granted: false, by: 'deny-all' });
    expect(sink.ofKind('tool_refused')[0]).toMatchObject({ reason: 'approval_denied' });
  });

  it('treats a tool that does not declare mutating as mutating', async () => {
    const { h, sink, executed } = harness([callTool('flush_cache'), finalAnswer('x')]);
    await h.run('t');
    expect(executed).toEqual([]);
    expect(sink.ofKind('approval_requested')).toHaveLength(1);
  });

  it('binds each approval to the exact call and never reuses it for other arguments', async () => {
    const seen: string[] = [];
    const approver: Approver = async (r) => {
      seen.push(r.argsHash);
      return { granted: (r.args as { name: string }).name === 'pod-a', by: 'oncall' };
    };
    const { h, sink, executed } = harness(
      [
        callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }),
        callTool('restart_pod', { namespace: 'shop', name: 'pod-b' }),
        callTool('restart_pod', { name: 'pod-a', namespace: 'shop' }),
        finalAnswer('x'),
      ],
      { guardrails: { maxSteps: 5, allow: ['restart_pod'], approver } },
    );
    await h.run('t');
    // Asked every time, even for a call identical to one approved before.
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe(seen[2]);
    expect(executed.map((e) => (e.args as { name: string }).name)).toEqual(['pod-a', 'pod-a']);
    expect(sink.ofKind('approval').map((a) => a.granted)).toEqual([true, false, true]);
  });

  it('an approver is shown a frozen copy: editing it fails the approval, and edits after answering change nothing that runs', async () => {
    const sneaky: Approver = async (r) => {
      (r.args as { name: string }).name = 'kube-apiserver';
      return { granted: true, by: 'sneaky' };
    };
    const first = harness([callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }), finalAnswer('x')], {
      guardrails: { maxSteps: 3, allow: ['restart_pod'], approver: sneaky },
    });
    await first.h.run('t');
    expect(first.executed).toEqual([]);
    expect(first.sink.ofKind('approval')[0]).toMatchObject({ granted: false, by: 'harness' });

    const later: Approver = async (r) => {
      queueMicrotask(() => {
        try {
          (r.args as { name: string }).name = 'kube-apiserver';
        } catch {
          // frozen
        }
      });
      return { granted: true, by: 'later' };
    };
    const second = harness(
      [callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }), finalAnswer('x')],
      {
        guardrails: { maxSteps: 3, allow: ['restart_pod'], approver: later },
      },
    );
    await second.h.run('t');
    expect(second.executed).toEqual([{ tool: 'restart_pod', args: { namespace: 'shop', name: 'pod-a' } }]);
  });

  it('an approval for another call (its argsHash differs) is a denial', async () => {
    const other: Approver = async () => ({ granted: true, by: 'other', argsHash: 'sha256:0000' });
    const { h, sink, executed } = harness(
      [callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }), finalAnswer('x')],
      { guardrails: { maxSteps: 3, allow: ['restart_pod'], approver: other } },
    );
    await h.run('t');
    expect(executed).toEqual([]);
    expect(sink.ofKind('approval')[0]).toMatchObject({ granted: false, by: 'harness' });
    expect(String(sink.ofKind('approval')[0]!.reason)).toMatch(/another call/);
  });

  it('an approver that throws is a denial', async () => {
    const { h, sink, executed } = harness(
      [callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }), finalAnswer('x')],
      {
        guardrails: {
          maxSteps: 3,
          allow: ['restart_pod'],
          approver: async () => {
            throw new Error('pager down');
          },
        },
      },
    );
    await h.run('t');
    expect(executed).toEqual([]);
    expect(sink.ofKind('approval')[0]).toMatchObject({ granted: false, by: 'harness' });
    expect(sink.ofKind('approval')[0]!.reason).toContain('pager down');
  });

  it('an approver that exceeds its timeout is a denial', async () => {
    const { h, sink, executed } = harness(
      [callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }), finalAnswer('x')],
      {
        guardrails: {
          maxSteps: 3,
          allow: ['restart_pod'],
          approvalTimeoutMs: 20,
          approver: () => new Promise(() => {}),
        },
      },
    );
    const r = await h.run('t');
    expect(r.stoppedReason).toBe('completed');
    expect(executed).toEqual([]);
    expect(sink.ofKind('approval')[0]!.reason).toMatch(/did not answer within 20 ms/);
  });

  it('an approver answering garbage is a denial', async () => {
    const { h, executed } = harness(
      [callTool('restart_pod', { namespace: 'shop', name: 'pod-a' }), finalAnswer('x')],
      {
        guardrails: {
          maxSteps: 3,
          allow: ['restart_pod'],
          approver: (async () => 'yes') as unknown as Approver,
        },
      },
    );
    await h.run('t');
    expect(executed).toEqual([]);
  });

  it('the allowlist is checked before the approver is asked', async () => {
    let asked = 0;
    const { h, sink } = harness(
      [callTool('restart_pod', { namespace: 'kube-system', name: 'etcd' }), finalAnswer('x')],
      {
        guardrails: {
          maxSteps: 3,
          allow: [{ tool: 'restart_pod', where: { namespace: 'shop' } }],
          approver: async () => {
            asked++;
            return { granted: true, by: 'x' };
          },
        },
      },
    );
    await h.run('t');
    expect(asked).toBe(0);
    expect(sink.ofKind('tool_refused')[0]).toMatchObject({ reason: 'not_allowed' });
  });
});

describe('budget, cancellation and results', () => {
  it('counts every decision, refused ones included, and stops with budget_exhausted', async () => {
    const script = Array.from({ length: 10 }, () => callTool('nope'));
    const { h, sink } = harness(script, { guardrails: { maxSteps: 3, allow: ['list_pods'] } });
    const r = await h.run('t');
    expect(r).toMatchObject({ stoppedReason: 'budget_exhausted', steps: 3, answer: null, verified: false });
    expect(sink.ofKind('decision')).toHaveLength(3);
  });

  it('cancellation while a tool runs ends the call and the run as cancelled', async () => {
    const controller = new AbortController();
    const slow = defineTool({
      name: 'slow',
      description: 'slow',
      input: z.object({}),
      mutating: false,
      execute: () => {
        setTimeout(() => controller.abort(new Error('operator pressed ctrl-c')), 5);
        return new Promise(() => {});
      },
    });
    const sink = new MemorySink();
    const r = await createHarness({
      model: new ScriptedModel([callTool('slow'), finalAnswer('x')]),
      tools: [slow],
      guardrails: { maxSteps: 3, allow: ['slow'] },
      trace: sink,
    }).run('t', { signal: controller.signal });
    expect(r.stoppedReason).toBe('cancelled');
    expect(r.error).toContain('ctrl-c');
    expect(sink.ofKind('tool_error')[0]).toMatchObject({ reason: 'cancelled' });
    expect(sink.events.at(-1)).toMatchObject({ kind: 'stop', reason: 'cancelled' });
  });

  it('cancellation while the model thinks', async () => {
    const controller = new AbortController();
    const { h } = harness([
      () => {
        setTimeout(() => controller.abort(), 5);
        return new Promise(() => {});
      },
    ]);
    const r = await h.run('t', { signal: controller.signal });
    expect(r.stoppedReason).toBe('cancelled');
  });

  it('a call whose getters change value: the decision event, the turn and the call that ran agree', async () => {
    let reads = 0;
    const shifty = {
      get tool() {
        reads++;
        return reads <= 2 ? 'list_pods' : 'restart_pod';
      },
      args: { namespace: 'a' },
    };
    const { h, sink, executed } = harness([{ type: 'tool_calls', calls: [shifty] }, finalAnswer('x')]);
    await h.run('t');
    const decision = sink.ofKind('decision')[0] as { calls: { tool: string }[] };
    const call = sink.ofKind('tool_call')[0];
    expect(decision.calls[0]?.tool).toBe(call?.tool);
    expect(call?.tool).toBe('list_pods');
    expect(executed.map((e) => e.tool)).toEqual(['list_pods']);
  });

  it('a call with no args key runs with {} whether or not the decision carries usage (one rule on both paths)', async () => {
    const ran: unknown[] = [];
    const ping = defineTool({
      name: 'ping',
      description: 'takes nothing',
      input: z.object({}),
      mutating: false,
      execute: (args) => {
        ran.push(args);
        return 'pong';
      },
    });
    const usage = { inputTokens: 10, outputTokens: 2 };
    const r = await createHarness({
      model: new ScriptedModel([
        { type: 'tool_calls', calls: [{ tool: 'ping' }] },
        { type: 'tool_calls', calls: [{ tool: 'ping' }], usage },
        { type: 'final', answer: 'done', usage },
      ]),
      tools: [ping],
      guardrails: { maxSteps: 4, allow: ['ping'] },
    }).run('t');
    expect(r.stoppedReason).toBe('completed');
    expect(ran).toEqual([{}, {}]);
    expect(r.trace.filter((e) => e.kind === 'decision' && e.type === 'invalid')).toEqual([]);
    expect(r.usage).toEqual({ inputTokens: 20, outputTokens: 4 });
  });

  it("the run signal: the caller's own when given; otherwise one per run, made when read, never aborted", async () => {
    const seen: { model: AbortSignal[]; memory: AbortSignal[]; verifier: AbortSignal[] } = {
      model: [],
      memory: [],
      verifier: [],
    };
    const make = () =>
      createHarness({
        model: new ScriptedModel([
          (req: { signal: AbortSignal }) => {
            seen.model.push(req.signal);
            return callTool('list_pods', { namespace: 'a' });
          },
          (req: { signal: AbortSignal }) => {
            seen.model.push(req.signal);
            return finalAnswer('fine');
          },
        ]),
        tools: world().tools,
        guardrails: { maxSteps: 3, allow: ['list_pods'] },
        memory: () => {
          const entries: unknown[] = [];
          return {
            add: (o: unknown, ctx: { signal: AbortSignal }) => {
              seen.memory.push(ctx.signal);
              entries.push(o);
            },
            render: () => entries as never,
          };
        },
        verifiers: [
          {
            name: 'signal',
            verify: (_input, ctx) => {
              seen.verifier.push(ctx.signal);
              return { name: 'signal', passed: true, detail: '' };
            },
          },
        ],
      });
    const r = await make().run('t');
    expect(r.stoppedReason).toBe('completed');
    const all = [...seen.model, ...seen.memory, ...seen.verifier];
    expect(all.length).toBeGreaterThan(4);
    for (const s of all) {
      expect(s).toBeInstanceOf(AbortSignal);
      expect(s).toBe(all[0]);
      expect(s.aborted).toBe(false);
    }
    const first = all[0];
    seen.model.length = seen.memory.length = seen.verifier.length = 0;
    const controller = new AbortController();
    await make().run('t', { signal: controller.signal });
    const again = [...seen.model, ...seen.memory, ...seen.verifier];
    expect(again.length).toBeGreaterThan(4);
    for (const s of again) expect(s).toBe(controller.signal);
    expect(again[0]).not.toBe(first);
  });

  it('verifiers run after the answer and decide `verified`', async () => {
    const { h, sink } = harness([callTool('list_pods', { namespace: 'a' }), finalAnswer('fine')], {
      verifiers: [
        { name: 'always', verify: () => ({ name: 'always', passed: true, detail: 'ok' }) },
        {
          name: 'broken',
          verify: () => {
            throw new Error('bug in verifier');
          },
        },
      ],
    });
    const r = await h.run('t');
    expect(r.verified).toBe(false);
    expect(r.verifications).toEqual([
      { name: 'always', passed: true, detail: 'ok' },
      { name: 'broken', passed: false, detail: 'verifier failed to run: Error: bug in verifier' },
    ]);
    expect(kinds(sink.events).slice(-3)).toEqual(['verify', 'verify', 'stop']);
  });

  it('runs share nothing: each starts with a fresh memory and seq 0', async () => {
    const model = new ScriptedModel([
      callTool('list_pods', { namespace: 'a' }),
      finalAnswer('1'),
      finalAnswer('2'),
    ]);
    const w = world();
    const h = createHarness({ model, tools: w.tools, guardrails: { maxSteps: 3, allow: ['list_pods'] } });
    const a = await h.run('first');
    const b = await h.run('second');
    expect(a.runId).not.toBe(b.runId);
    expect(b.trace[0]!.seq).toBe(0);
    expect(model.requests[2]!.context).not.toContain('first');
  });
});

describe('configuration errors are typed and name the option', () => {
  const w = world();
  const base = { model: new ScriptedModel([]), tools: w.tools };
  it.each([
    [{ guardrails: { maxSteps: 0 } }, 'guardrails.maxSteps'],
    [{ guardrails: { maxSteps: 1.5 } }, 'guardrails.maxSteps'],
    [{ guardrails: { maxSteps: 3, allow: ['ghost'] } }, '"ghost"'],
    [{ guardrails: { maxSteps: 3, approvalTimeoutMs: -1 } }, 'guardrails.approvalTimeoutMs'],
    [{ guardrails: { maxSteps: 3 }, toolTimeoutMs: 0 }, 'toolTimeoutMs'],
    [{ guardrails: { maxSteps: 3 }, memory: { add: 1 } }, 'memory'],
    [{ guardrails: { maxSteps: 3 }, trace: [{}] }, 'trace[0]'],
  ])('%j', (opts, needle) => {
    try {
      createHarness({ ...base, ...(opts as object) } as unknown as HarnessOptions);
      expect.unreachable();
    } catch (e) {
      expect(HarnessError.isInstance(e)).toBe(true);
      expect((e as Error).message).toContain(needle);
    }
  });

  it('a duplicate tool in the list', () => {
    expect(() =>
      createHarness({ ...base, tools: [w.tools[0]!, w.tools[0]!], guardrails: { maxSteps: 1 } }),
    ).toThrow(/"list_pods" is registered twice/);
  });
});

describe('long runs', () => {
  it('retainTrace: false keeps no events in the run but still writes every event to the sinks', async () => {
    const sink = new MemorySink();
    const { h } = harness([callTool('list_pods', { namespace: 'a' }), finalAnswer('x')], {
      retainTrace: false,
      trace: sink,
    });
    const r = await h.run('t');
    expect(r.trace).toEqual([]);
    expect(r.stoppedReason).toBe('completed');
    expect(sink.events.map((e) => e.kind)).toEqual([
      'run_start',
      'decision',
      'tool_call',
      'tool_result',
      'decision',
      'final',
      'stop',
    ]);
  });
});
