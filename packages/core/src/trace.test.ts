import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AsyncIterableSink,
  callbackSink,
  createHarness,
  defineTool,
  JsonlFileSink,
  MemorySink,
  TRACE_VERSION,
  type TraceEvent,
  teeSink,
} from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

const echo = defineTool({
  name: 'echo',
  description: 'echo',
  input: z.object({ text: z.string() }),
  mutating: false,
  execute: ({ text }) => text,
});

function run(
  trace: Parameters<typeof createHarness>[0]['trace'],
  script = [callTool('echo', { text: 'hi\nthere' }), finalAnswer('done')],
) {
  return createHarness({
    model: new ScriptedModel(script),
    tools: [echo],
    guardrails: { maxSteps: 5, allow: ['echo'] },
    trace,
    now: () => Date.UTC(2026, 10, 24, 10, 0, 0),
  }).run('say hi', { runId: 'run-1' });
}

describe('trace events', () => {
  it('carry the envelope { v, seq, ts, runId, kind }', async () => {
    const sink = new MemorySink();
    await run(sink);
    for (const [i, e] of sink.events.entries()) {
      expect(e).toMatchObject({ v: TRACE_VERSION, seq: i, ts: '2026-11-24T10:00:00.000Z', runId: 'run-1' });
    }
    expect(sink.events[0]).toMatchObject({
      kind: 'run_start',
      task: 'say hi',
      tools: [{ name: 'echo', mutating: false }],
      allow: [{ tool: 'echo' }],
      maxSteps: 5,
    });
    expect(sink.events.at(-1)).toMatchObject({ kind: 'stop', reason: 'completed', steps: 2, answer: 'done' });
  });

  it('are emitted before the run moves on (a callback sees each decision before the tool runs)', async () => {
    const order: string[] = [];
    const spy = defineTool({
      name: 'echo',
      description: 'echo',
      input: z.object({ text: z.string() }),
      mutating: false,
      execute: () => {
        order.push('tool ran');
        return 'x';
      },
    });
    await createHarness({
      model: new ScriptedModel([callTool('echo', { text: 'a' }), finalAnswer('x')]),
      tools: [spy],
      guardrails: { maxSteps: 3, allow: ['echo'] },
      trace: callbackSink((e) => order.push(e.kind)),
    }).run('t');
    expect(order.slice(0, 4)).toEqual(['run_start', 'decision', 'tool_call', 'tool ran']);
  });
});

describe('JSONL file sink', () => {
  it('writes one parseable line per event, appending across runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    const path = join(dir, 'nested', 'run.jsonl');
    const sink = new JsonlFileSink(path);
    await run(sink);
    await run(sink);
    sink.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const events = lines.slice(0, -1).map((l) => JSON.parse(l) as TraceEvent);
    expect(events.filter((e) => e.kind === 'run_start')).toHaveLength(2);
    expect(events.find((e) => e.kind === 'tool_result')).toMatchObject({ output: 'hi\nthere' });
  });

  it('has the whole record on disk before a mutation runs, as a process killed then would leave it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    const path = join(dir, 'run.jsonl');
    const sink = new JsonlFileSink(path);
    const onDisk: string[] = [];
    const peek = (name: string, mutating: boolean) =>
      defineTool({
        name,
        description: name,
        input: z.object({}),
        mutating,
        execute: () => {
          onDisk.push(readFileSync(path, 'utf8'));
          return 'x';
        },
      });
    await createHarness({
      model: new ScriptedModel([callTool('read'), callTool('fix'), finalAnswer('x')]),
      tools: [peek('read', false), peek('fix', true)],
      guardrails: { maxSteps: 4, allow: ['read', 'fix'], approver: async () => ({ granted: true, by: 't' }) },
      trace: sink,
    }).run('t');
    sink.close();
    const kinds = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as TraceEvent).kind);
    const final = readFileSync(path, 'utf8');
    // Whatever is on disk at any moment is whole lines, a prefix of the finished trace.
    for (const text of onDisk) {
      expect(text === '' || text.endsWith('\n')).toBe(true);
      expect(final.startsWith(text)).toBe(true);
    }
    // A mutation: the decision, the call and its approval are on disk before the tool runs.
    expect(kinds(onDisk[1]!)).toEqual([
      'run_start',
      'decision',
      'tool_call',
      'tool_result',
      'decision',
      'tool_call',
      'approval_requested',
      'approval',
    ]);
  });

  it('writes what waits within maxDelayMs while the harness waits on a slow model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    const path = join(dir, 'run.jsonl');
    const sink = new JsonlFileSink(path, { maxDelayMs: 20 });
    let seenDuringCall = '';
    const slowModel = {
      name: 'slow',
      decide: async () => {
        await new Promise((r) => setTimeout(r, 100));
        seenDuringCall = readFileSync(path, 'utf8');
        return finalAnswer('done');
      },
    };
    await createHarness({
      model: slowModel,
      tools: [echo],
      guardrails: { maxSteps: 2, allow: ['echo'] },
      trace: sink,
    }).run('t');
    sink.close();
    // The run_start event, emitted before the model call, reached the disk while the model thought.
    expect(
      seenDuringCall
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as TraceEvent).kind),
    ).toEqual(['run_start']);
  });

  it('names the file when it cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    expect(() => new JsonlFileSink(join(blocker, 'x.jsonl'))).toThrow(/cannot open trace file .*x\.jsonl/);
  });
});

describe('live sinks', () => {
  it('async iterable sink lets a consumer follow a run with for-await', async () => {
    const sink = new AsyncIterableSink();
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const e of sink) seen.push(e.kind);
    })();
    await run(sink);
    sink.end();
    await consumer;
    expect(seen[0]).toBe('run_start');
    expect(seen.at(-1)).toBe('stop');
    expect(seen).toContain('tool_result');
  });

  it('tee sink fans out to several sinks', async () => {
    const a = new MemorySink();
    const b = new MemorySink();
    await run(teeSink(a, b));
    expect(a.events).toEqual(b.events);
    expect(a.events.length).toBeGreaterThan(4);
  });
});
