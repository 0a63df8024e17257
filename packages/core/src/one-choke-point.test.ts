import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  allowExactCalls,
  createHarness,
  cutText,
  defineTool,
  denyAll,
  JsonlFileSink,
  MemorySink,
  type Tool,
  ToolRegistry,
} from './index.js';
import { callTool, callTools, finalAnswer, ScriptedModel } from './testing/index.js';

// Issue 14, sections 2–4: each promise is kept in one place that every path goes through.

function counting(name: string, mutating?: boolean) {
  const ran: unknown[] = [];
  const tool = defineTool({
    name,
    description: 'd',
    input: z.object({ target: z.unknown().optional() }).passthrough(),
    ...(mutating === undefined ? {} : { mutating }),
    execute: (args) => {
      ran.push(args);
      return 'done';
    },
  });
  return { tool, ran };
}

describe('mutating is decided at registration', () => {
  it('a tool object without a mutating field (spread or hand-written) is mutating: denyAll stops it', async () => {
    const { tool, ran } = counting('flush', false);
    const { mutating: _drop, ...spread } = tool;
    const handWritten = { ...spread } as unknown as Tool;
    const registry = new ToolRegistry([handWritten]);
    expect(registry.get('flush')!.mutating).toBe(true);
    expect(registry.descriptors()[0]!.mutating).toBe(true);
    const sink = new MemorySink();
    const h = createHarness({
      model: new ScriptedModel([callTool('flush', {}), finalAnswer('x')]),
      tools: registry,
      guardrails: { maxSteps: 3, allow: ['flush'], approver: denyAll() },
      trace: sink,
    });
    await h.run('t');
    expect(ran).toEqual([]);
    expect(sink.ofKind('tool_refused')[0]).toMatchObject({ reason: 'approval_denied' });
    for (const odd of [undefined, null, 'false', 0]) {
      const t = { ...spread, mutating: odd } as unknown as Tool;
      expect(new ToolRegistry([t]).get('flush')!.mutating, String(odd)).toBe(true);
    }
  });
});

describe('the approval is bound to what runs', () => {
  it('arguments that are not plain JSON after validation are refused, so two calls cannot share a hash', async () => {
    const ran: unknown[] = [];
    const fetchUrl = defineTool({
      name: 'fetch_url',
      description: 'd',
      input: z.object({ url: z.string().transform((s) => new URL(s)) }),
      mutating: true,
      execute: (a) => {
        ran.push(a);
        return 'ok';
      },
    });
    const sink = new MemorySink();
    const h = createHarness({
      model: new ScriptedModel([
        callTool('fetch_url', { url: 'https://a.example/' }),
        callTool('fetch_url', { url: 'https://b.example/' }),
        finalAnswer('x'),
      ]),
      tools: [fetchUrl],
      guardrails: { maxSteps: 5, allow: ['fetch_url'], approver: async () => ({ granted: true, by: 'p' }) },
      trace: sink,
    });
    await h.run('t');
    expect(ran).toEqual([]);
    expect(sink.ofKind('tool_refused').map((e) => e.reason)).toEqual([
      'invalid_arguments',
      'invalid_arguments',
    ]);
    expect(sink.ofKind('tool_refused')[0]!.detail).toMatch(/not plain JSON \(url: a URL/);
  });

  it('allowExactCalls grants a listed call once: four requests of it (three in one decision) run it once', async () => {
    const { tool, ran } = counting('scale', true);
    const call = { tool: 'scale', args: { target: 'web' } };
    const h = createHarness({
      model: new ScriptedModel([
        callTools(call, call, call),
        callTool('scale', { target: 'web' }),
        finalAnswer('x'),
      ]),
      tools: [tool],
      guardrails: { maxSteps: 5, allow: ['scale'], approver: allowExactCalls([call]) },
    });
    const r = await h.run('t');
    expect(ran).toHaveLength(1);
    expect(
      r.trace.filter((e) => e.kind === 'tool_refused').map((e) => (e as { reason: string }).reason),
    ).toEqual(['approval_denied', 'approval_denied', 'approval_denied']);
    const twice = allowExactCalls([{ ...call, times: 2 }]);
    const h2 = createHarness({
      model: new ScriptedModel([callTools(call, call, call), finalAnswer('x')]),
      tools: [counting('scale', true).tool],
      guardrails: { maxSteps: 5, allow: ['scale'], approver: twice },
    });
    const r2 = await h2.run('t');
    expect(r2.trace.filter((e) => e.kind === 'tool_result')).toHaveLength(2);
  });

  it('a BigInt in the arguments with a JSONL sink: the run ends as a value and the trace is written', async () => {
    const { tool } = counting('scale', true);
    const path = join(mkdtempSync(join(tmpdir(), 'bigint-')), 'run.jsonl');
    const sink = new JsonlFileSink(path);
    const h = createHarness({
      model: new ScriptedModel([callTool('scale', { target: 10n }), finalAnswer('x')]),
      tools: [tool],
      guardrails: { maxSteps: 3, allow: ['scale'] },
      trace: sink,
    });
    const r = await h.run('t');
    await sink.close();
    expect(r.stoppedReason).toBe('completed');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('"target":"<bigint 10>"');
    expect(text).toContain('"kind":"stop"');
  });
});

describe('one path for every outgoing text', () => {
  const KEY = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

  it('the task, the model text, arguments, refusal details and model errors are redacted in the trace and result', async () => {
    const { tool } = counting('scale', true);
    const sink = new MemorySink();
    const failing = {
      n: 0,
      async decide() {
        if (this.n++ === 0)
          return {
            type: 'tool_calls' as const,
            text: `calling with ${KEY}`,
            calls: [{ tool: 'scale', args: { target: `token=${KEY}` } }],
          };
        throw new Error(`gateway said: invalid x-api-key ${KEY}`);
      },
    };
    const h = createHarness({
      model: failing,
      tools: [tool],
      guardrails: { maxSteps: 3, allow: ['scale'] },
      trace: sink,
    });
    const r = await h.run(`the key ${KEY} stopped working`);
    expect(r.stoppedReason).toBe('model_error');
    const all = JSON.stringify(sink.events) + JSON.stringify({ e: r.error, a: r.answer });
    expect(all).not.toContain(KEY);
    expect(all).toContain('<redacted');
  });

  it('a tool error is capped like a result, and cuts never split a surrogate pair', async () => {
    const huge = defineTool({
      name: 'mcp_call',
      description: 'd',
      input: z.object({}),
      mutating: false,
      execute: () => {
        throw new Error(`failed: ${'x'.repeat(2_000_000)}`);
      },
    });
    const emoji = defineTool({
      name: 'emoji',
      description: 'd',
      input: z.object({}),
      mutating: false,
      execute: () => `${'a'.repeat(199)}😀${'b'.repeat(500)}`,
    });
    const sink = new MemorySink();
    const h = createHarness({
      model: new ScriptedModel([callTool('mcp_call', {}), callTool('emoji', {}), finalAnswer('x')]),
      tools: [huge, emoji],
      guardrails: { maxSteps: 4, allow: ['mcp_call', 'emoji'] },
      maxObservationChars: 200,
      trace: sink,
    });
    await h.run('t');
    const error = sink.ofKind('tool_error')[0]!.error;
    expect(error.length).toBeLessThan(300);
    expect(error).toMatch(/\[output cut: showing 200 of 2000015 characters\]$/);
    const output = sink.ofKind('tool_result')[0]!.output;
    expect(output.startsWith(`${'a'.repeat(199)}\n[output cut`)).toBe(true);
    // No high surrogate without its low half anywhere in what the model would be sent.
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(output)).toBe(false);
  });

  it('cutText never ends in half a surrogate pair', () => {
    expect(cutText('ab😀c', 3)).toBe('ab');
    expect(cutText('ab😀c', 4)).toBe('ab😀');
    expect(cutText('abc', 10)).toBe('abc');
    expect(cutText('abc', 0)).toBe('');
  });
});

describe('the trace envelope is the harness’s', () => {
  it('an event a memory emits cannot set its own seq, runId, ts or version', async () => {
    const sink = new MemorySink();
    const memory = {
      entries: [] as unknown[],
      add(o: unknown, ctx: { emit: (e: unknown) => void }) {
        this.entries.push(o);
        ctx.emit({
          kind: 'memory_compacted',
          step: 0,
          beforeTokens: 1,
          afterTokens: 1,
          folded: 0,
          detail: 'kept',
          seq: 999,
          runId: 'forged',
          v: 0,
          ts: 'then',
        });
      },
      render() {
        return this.entries as never;
      },
    };
    const h = createHarness({
      model: new ScriptedModel([finalAnswer('x')]),
      tools: [],
      guardrails: { maxSteps: 2 },
      memory: () => memory as never,
      trace: sink,
    });
    const result = await h.run('t');
    const events = sink.events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    for (const e of events) {
      expect(e.runId).toBe(result.runId);
      expect(e.ts).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(e.v).toBe(events[0]!.v);
    }
  });
});

describe('arguments nested past any schema', () => {
  it('a call with arguments nested 5,000 deep is traced and refused, not a crashed run', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deep = [deep];
    const { tool, ran } = counting('read', false);
    const sink = new MemorySink();
    const h = createHarness({
      model: new ScriptedModel([callTool('read', { target: deep }), finalAnswer('done')]),
      tools: [tool],
      guardrails: { maxSteps: 3 },
      trace: sink,
    });
    const result = await h.run('t');
    expect(result.answer).toBe('done');
    // The trace holds the call, cut where it nests too deep to walk.
    const call = sink.ofKind('tool_call')[0] ?? sink.ofKind('tool_refused')[0];
    expect(JSON.stringify(call)).toContain('<nested deeper than 64 levels>');
    expect(ran.length).toBeLessThanOrEqual(1);
  });
});
