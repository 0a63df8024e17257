import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { callbackApprover, createHarness, defineTool, MemorySink } from '@sre-harness/core';
import { callTool, callTools, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { otelSink } from './otel-sink.js';

const readPods = defineTool({
  name: 'read_pods',
  description: 'Lists pods.',
  input: z.object({ ns: z.string() }),
  mutating: false,
  execute: ({ ns }) => `pods in ${ns}: api-1 Running`,
});
const restart = defineTool({
  name: 'restart',
  description: 'Restarts a deployment.',
  input: z.object({ name: z.string() }),
  mutating: true,
  execute: ({ name }) => `restarted ${name}`,
});
const broken = defineTool({
  name: 'broken',
  description: 'Always fails.',
  input: z.object({}),
  mutating: false,
  execute: () => {
    throw new Error('backend unreachable');
  },
});

const usage = { inputTokens: 100, outputTokens: 20 };

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('test') };
}

function byName(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((s) => s.name === name);
  if (!found) throw new Error(`no span ${name}; got ${spans.map((s) => s.name).join(', ')}`);
  return found;
}

async function runOnce(sinkOptions: Parameters<typeof otelSink>[0], script: unknown[]) {
  const harness = createHarness({
    model: new ScriptedModel(script, { name: 'scripted-sonnet' }),
    tools: [readPods, restart, broken],
    guardrails: {
      maxSteps: 10,
      allow: [{ tool: 'read_pods' }, { tool: 'restart' }, { tool: 'broken' }],
      approver: callbackApprover((req) => (req.args as { name: string }).name === 'api', 'oncall'),
    },
    trace: otelSink(sinkOptions),
  });
  return harness.run('api is flapping');
}

describe('otelSink with the in-memory exporter', () => {
  it('emits a run span with child tool and chat spans carrying GenAI attributes', async () => {
    const { exporter, tracer } = setup();
    const result = await runOnce({ tracer, agentName: 'sre' }, [
      callTools(['read_pods', { ns: 'prod' }], ['restart', { name: 'db' }]),
      callTool('restart', { name: 'api' }, usage),
      callTool('broken', {}),
      callTool('nope', {}),
      finalAnswer('restarted api', usage),
    ]);
    expect(result.stoppedReason).toBe('completed');
    const spans = exporter.getFinishedSpans();
    const run = byName(spans, 'invoke_agent sre');
    expect(run.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'sre',
      'gen_ai.request.model': 'scripted-sonnet',
      'gen_ai.usage.input_tokens': 200,
      'gen_ai.usage.output_tokens': 40,
      'sre_harness.stopped_reason': 'completed',
      'sre_harness.steps': 5,
    });
    expect(run.status.code).toBe(SpanStatusCode.OK);
    expect(run.parentSpanContext).toBeUndefined();

    const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
    expect(tools.map((s) => [s.name, s.attributes['sre_harness.tool.outcome']])).toEqual([
      ['execute_tool read_pods', 'result'],
      ['execute_tool restart', 'refused'],
      ['execute_tool restart', 'result'],
      ['execute_tool broken', 'error'],
      ['execute_tool nope', 'refused'],
    ]);
    for (const span of tools) {
      expect(span.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(run.spanContext().traceId);
      expect(span.attributes['gen_ai.tool.call.id']).toEqual(expect.any(String));
    }
    const [read, denied, granted, failed, unknown] = tools;
    expect(read?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'read_pods',
      'sre_harness.tool.mutating': false,
    });
    expect(read?.status.code).toBe(SpanStatusCode.UNSET);
    expect(denied?.attributes).toMatchObject({
      'sre_harness.tool.mutating': true,
      'sre_harness.approval.granted': false,
      'sre_harness.approval.by': 'oncall',
      'error.type': 'approval_denied',
    });
    expect(denied?.status.code).toBe(SpanStatusCode.ERROR);
    expect(denied?.events.map((e) => e.name)).toEqual(['approval_requested', 'approval_denied']);
    expect(granted?.attributes['sre_harness.approval.granted']).toBe(true);
    expect(granted?.status.code).toBe(SpanStatusCode.UNSET);
    expect(failed?.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(failed?.status.message).toContain('backend unreachable');
    expect(unknown?.attributes['error.type']).toBe('unknown_tool');

    const chats = spans.filter((s) => s.name === 'chat scripted-sonnet');
    expect(chats).toHaveLength(5);
    expect(chats.every((s) => s.parentSpanContext?.spanId === run.spanContext().spanId)).toBe(true);
    expect(chats[1]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.response.finish_reasons': ['tool_calls'],
    });
    // task text and arguments stay out of telemetry unless asked for
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('flapping');
  });

  it('records content only when asked, and chat spans are optional', async () => {
    const { exporter, tracer } = setup();
    await runOnce({ tracer, decisions: false, recordContent: true }, [
      callTool('read_pods', { ns: 'prod' }),
      finalAnswer('all good'),
    ]);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['execute_tool read_pods', 'invoke_agent']);
    expect(byName(spans, 'invoke_agent').attributes).toMatchObject({
      'sre_harness.task': 'api is flapping',
      'sre_harness.answer': 'all good',
    });
    expect(byName(spans, 'execute_tool read_pods').attributes).toMatchObject({
      'gen_ai.tool.call.arguments': '{"ns":"prod"}',
      'gen_ai.tool.call.result': 'pods in prod: api-1 Running',
    });
  });

  it('marks a model failure as an error on the run span', async () => {
    const { exporter, tracer } = setup();
    const result = await runOnce({ tracer }, [
      () => {
        throw new Error('rate limited');
      },
    ]);
    expect(result.stoppedReason).toBe('model_error');
    const run = byName(exporter.getFinishedSpans(), 'invoke_agent');
    expect(run.status.code).toBe(SpanStatusCode.ERROR);
    expect(run.attributes['error.type']).toBe('model_error');
  });
});

describe('otelSink without configuration', () => {
  afterEach(() => trace.disable());

  it('does nothing (and breaks nothing) when no provider is registered', async () => {
    const sink = new MemorySink();
    const harness = createHarness({
      model: new ScriptedModel([callTool('read_pods', { ns: 'a' }), finalAnswer('ok')]),
      tools: [readPods],
      guardrails: { maxSteps: 5, allow: [{ tool: 'read_pods' }] },
      trace: [otelSink(), sink],
    });
    const result = await harness.run('check');
    expect(result.stoppedReason).toBe('completed');
    expect(sink.ofKind('tool_result')).toHaveLength(1);
  });

  it('uses the global tracer once the application registers a provider', async () => {
    const { exporter, provider } = setup();
    trace.setGlobalTracerProvider(provider);
    await runOnce({}, [finalAnswer('nothing to do')]);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['chat scripted-sonnet', 'invoke_agent']);
    expect(exporter.getFinishedSpans()[1]?.instrumentationScope.name).toBe('@sre-harness/otel');
  });
});
