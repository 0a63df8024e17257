import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { TraceEvent, TraceEventOf, TraceSink } from '@sre-harness/core';

/** The instrumentation scope name spans are created under. */
export const INSTRUMENTATION_SCOPE = '@sre-harness/otel';

/** Options of `otelSink`. */
export interface OtelSinkOptions {
  /** Where spans go. Default: the global tracer, a no-op until the application registers a provider. */
  readonly tracer?: Tracer;
  /** `gen_ai.agent.name` on run spans, and the run span's name suffix. */
  readonly agentName?: string;
  /** Emit a `chat` span per model decision. Default true. */
  readonly decisions?: boolean;
  /**
   * Record the task, tool arguments and final answer as attributes. Default false: they may hold
   * anything an operator typed or a tool printed, and telemetry backends are rarely the place for it.
   */
  readonly recordContent?: boolean;
  /** Parent for run spans. Default: the context active when the run starts. */
  readonly parent?: () => Context;
}

interface RunState {
  readonly span: Span;
  readonly ctx: Context;
  readonly model: string | undefined;
  readonly tools: Map<string, Span>;
  lastTs: Date;
}

function at(event: TraceEvent): Date {
  const d = new Date(event.ts);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

function usageAttributes(usage: { inputTokens?: number; outputTokens?: number } | undefined): Attributes {
  const out: Attributes = {};
  if (usage?.inputTokens !== undefined) out['gen_ai.usage.input_tokens'] = usage.inputTokens;
  if (usage?.outputTokens !== undefined) out['gen_ai.usage.output_tokens'] = usage.outputTokens;
  return out;
}

function contentString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A trace sink that emits each run as an `invoke_agent` span, each tool call as a child `execute_tool`
 * span and (optionally) each model decision as a `chat` span, with the OpenTelemetry GenAI semantic
 * conventions. Without a tracer it uses the global one, so nothing is exported unless configured.
 */
export function otelSink(options: OtelSinkOptions = {}): TraceSink {
  const tracer = options.tracer ?? trace.getTracer(INSTRUMENTATION_SCOPE);
  const decisions = options.decisions !== false;
  const content = options.recordContent === true;
  const runs = new Map<string, RunState>();

  function toolSpan(run: RunState, event: { callId: string; tool: string; step: number }, start: Date): Span {
    let span = run.tools.get(event.callId);
    if (!span) {
      span = tracer.startSpan(
        `execute_tool ${event.tool}`,
        {
          kind: SpanKind.INTERNAL,
          startTime: start,
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': event.tool,
            'gen_ai.tool.call.id': event.callId,
            'gen_ai.tool.type': 'function',
            'sre_harness.step': event.step,
          },
        },
        run.ctx,
      );
      run.tools.set(event.callId, span);
    }
    return span;
  }

  function endTool(run: RunState, callId: string, end: Date): void {
    run.tools.get(callId)?.end(end);
    run.tools.delete(callId);
  }

  function onStart(event: TraceEventOf<'run_start'>): void {
    const parent = options.parent ? options.parent() : context.active();
    const attributes: Attributes = {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.conversation.id': event.runId,
      'sre_harness.run_id': event.runId,
      'sre_harness.max_steps': event.maxSteps,
      'sre_harness.tools': event.tools.map((t) => t.name),
    };
    if (options.agentName) attributes['gen_ai.agent.name'] = options.agentName;
    if (event.model) attributes['gen_ai.request.model'] = event.model;
    if (content) attributes['sre_harness.task'] = event.task;
    const span = tracer.startSpan(
      options.agentName ? `invoke_agent ${options.agentName}` : 'invoke_agent',
      { kind: SpanKind.INTERNAL, startTime: at(event), attributes },
      parent,
    );
    runs.set(event.runId, {
      span,
      ctx: trace.setSpan(parent, span),
      model: event.model,
      tools: new Map(),
      lastTs: at(event),
    });
  }

  function onDecision(run: RunState, event: TraceEventOf<'decision'>): void {
    if (!decisions) return;
    const attributes: Attributes = {
      'gen_ai.operation.name': 'chat',
      'sre_harness.step': event.step,
      'sre_harness.decision.type': event.type,
      ...usageAttributes(event.usage),
    };
    if (run.model) attributes['gen_ai.request.model'] = run.model;
    if (event.type === 'tool_calls') attributes['gen_ai.response.finish_reasons'] = ['tool_calls'];
    if (event.type === 'final') attributes['gen_ai.response.finish_reasons'] = ['stop'];
    // The decision event arrives when the model has answered: the call began at the run's previous event.
    const span = tracer.startSpan(
      run.model ? `chat ${run.model}` : 'chat',
      { kind: SpanKind.CLIENT, startTime: run.lastTs, attributes },
      run.ctx,
    );
    if (event.type === 'invalid') {
      span.setAttribute('error.type', 'invalid_decision');
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.detail ?? 'invalid decision' });
    }
    span.end(at(event));
  }

  function onStop(run: RunState, event: TraceEventOf<'stop'>): void {
    const end = at(event);
    for (const [callId, span] of run.tools) {
      span.setAttribute('sre_harness.tool.outcome', 'unfinished');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the run stopped before this call ended' });
      endTool(run, callId, end);
    }
    run.span.setAttributes({
      'sre_harness.stopped_reason': event.reason,
      'sre_harness.steps': event.steps,
      'sre_harness.verified': event.verified,
      ...usageAttributes(event.usage),
    });
    if (content && typeof event.answer === 'string')
      run.span.setAttribute('sre_harness.answer', event.answer);
    if (event.reason === 'model_error') {
      run.span.setAttribute('error.type', 'model_error');
      run.span.setStatus({ code: SpanStatusCode.ERROR, message: event.error ?? 'model failed' });
    } else if (event.reason === 'completed') {
      run.span.setStatus({ code: SpanStatusCode.OK });
    }
    run.span.end(end);
    runs.delete(event.runId);
  }

  return {
    write(event: TraceEvent): void {
      if (event.kind === 'run_start') {
        onStart(event);
        return;
      }
      const run = runs.get(event.runId);
      if (!run) return;
      const ts = at(event);
      switch (event.kind) {
        case 'decision':
          onDecision(run, event);
          break;
        case 'tool_call': {
          const span = toolSpan(run, event, ts);
          span.setAttribute('sre_harness.tool.mutating', event.mutating);
          if (content) span.setAttribute('gen_ai.tool.call.arguments', contentString(event.args));
          break;
        }
        case 'approval_requested':
          toolSpan(run, event, ts).addEvent(
            'approval_requested',
            { 'sre_harness.args_hash': event.argsHash },
            ts,
          );
          break;
        case 'approval': {
          const span = toolSpan(run, event, ts);
          span.setAttributes({
            'sre_harness.approval.granted': event.granted,
            'sre_harness.approval.by': event.by,
          });
          span.addEvent(
            event.granted ? 'approval_granted' : 'approval_denied',
            { 'sre_harness.approval.by': event.by },
            ts,
          );
          break;
        }
        case 'tool_refused': {
          const span = toolSpan(run, event, ts);
          span.setAttributes({
            'sre_harness.tool.outcome': 'refused',
            'sre_harness.refusal.reason': event.reason,
            'error.type': event.reason,
          });
          span.setStatus({ code: SpanStatusCode.ERROR, message: event.detail });
          endTool(run, event.callId, ts);
          break;
        }
        case 'tool_result': {
          const span = toolSpan(run, event, ts);
          span.setAttributes({
            'sre_harness.tool.outcome': 'result',
            'sre_harness.tool.output_chars': event.chars,
            'sre_harness.tool.truncated': event.truncated,
          });
          if (content) span.setAttribute('gen_ai.tool.call.result', event.output);
          endTool(run, event.callId, ts);
          break;
        }
        case 'tool_error': {
          const span = toolSpan(run, event, ts);
          const outcome = event.reason === 'threw' ? 'error' : event.reason;
          span.setAttributes({ 'sre_harness.tool.outcome': outcome, 'error.type': event.reason });
          span.setStatus({ code: SpanStatusCode.ERROR, message: event.error });
          endTool(run, event.callId, ts);
          break;
        }
        case 'memory_compacted':
          run.span.addEvent(
            'memory_compacted',
            {
              'sre_harness.memory.before_tokens': event.beforeTokens,
              'sre_harness.memory.after_tokens': event.afterTokens,
            },
            ts,
          );
          break;
        case 'verify':
          run.span.addEvent(
            'verify',
            { 'sre_harness.verifier.name': event.name, 'sre_harness.verifier.passed': event.passed },
            ts,
          );
          break;
        case 'stop':
          onStop(run, event);
          return;
        default:
          break;
      }
      run.lastTs = ts;
    },
  };
}
