import { generateKeyPairSync } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callbackApprover,
  createHarness,
  defineTool,
  HarnessError,
  JsonlFileSink,
  type JsonlSinkOptions,
  lineHash,
  streamLines,
  TraceVerifier,
  verifyTrace,
  verifyTraceFiles,
} from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

const tools = [
  defineTool({
    name: 'read',
    description: 'read',
    input: z.object({ name: z.string() }),
    mutating: false,
    execute: ({ name }) => `${name}: ${'log line\n'.repeat(20)}`,
  }),
  defineTool({
    name: 'restart',
    description: 'restart',
    input: z.object({ name: z.string() }),
    mutating: true,
    execute: ({ name }) => `${name} restarted`,
  }),
];

async function runInto(sink: JsonlFileSink, runId: string): Promise<void> {
  await createHarness({
    model: new ScriptedModel([
      callTool('read', { name: 'api' }),
      callTool('restart', { name: 'api' }),
      callTool('read', { name: 'db' }),
      finalAnswer('restarted api'),
    ]),
    tools,
    guardrails: { maxSteps: 5, allow: ['read', 'restart'], approver: callbackApprover(() => true, 'oncall') },
    trace: sink,
  }).run('api is slow', { runId });
}

async function rotated(runs: number, options: JsonlSinkOptions): Promise<{ dir: string; files: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rotate-'));
  const sink = new JsonlFileSink(join(dir, 'run.jsonl'), options);
  for (let i = 0; i < runs; i++) await runInto(sink, `run-${i + 1}`);
  sink.close();
  const files = readdirSync(dir)
    .map((n) => ({ n, i: Number(/^run\.(\d+)\.jsonl$/.exec(n)?.[1] ?? 0) }))
    .sort((a, b) => a.i - b.i)
    .map(({ n }) => join(dir, n));
  return { dir, files };
}

describe('rotation by size', () => {
  it('starts a new file past maxFileBytes, each linked to the head of the one before', async () => {
    const { files } = await rotated(6, { maxFileBytes: 4096 });
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(4096);
    for (let i = 1; i < files.length; i++) {
      const before = readFileSync(files[i - 1]!, 'utf8')
        .trimEnd()
        .split('\n')
        .at(-1)!;
      const first = JSON.parse(readFileSync(files[i]!, 'utf8').split('\n')[0]!);
      expect(first).toMatchObject({ kind: 'link', index: i, prev: JSON.parse(before).hash });
    }
    const v = await verifyTraceFiles(files);
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, runs: 6, mutations: 6, incompleteRuns: [] });
  });

  it('signs the end of every file, so a signed rotated trace verifies with the key', async () => {
    const { files } = await rotated(4, { maxFileBytes: 4096, signingKey: privateKey });
    const v = await verifyTraceFiles(files, { publicKey });
    expect(v.problems).toEqual([]);
    expect(v.signed).toBe(true);
    for (const f of files.slice(0, -1))
      expect(readFileSync(f, 'utf8').trimEnd().split('\n').at(-1)).toContain('"kind":"checkpoint"');
  });

  it('a file removed from the middle, or files in the wrong order, break the chain where it happens', async () => {
    const { files } = await rotated(6, { maxFileBytes: 4096 });
    const gap = await verifyTraceFiles([files[0]!, ...files.slice(2)]);
    expect(gap.ok).toBe(false);
    expect(gap.problems[0]).toMatchObject({
      file: files[2],
      line: 1,
      message: 'does not continue run.jsonl: a file was removed, reordered or rewritten',
    });
    const swapped = await verifyTraceFiles([files[0]!, files[2]!, files[1]!, ...files.slice(3)]);
    expect(swapped.ok).toBe(false);
    expect(swapped.problems[0]).toMatchObject({ file: files[2], line: 1 });
  });

  it('a rotated file given alone is checked from its link, with a note', async () => {
    const { files } = await rotated(6, { maxFileBytes: 4096 });
    const v = await verifyTraceFiles([files.at(-1)!]);
    expect(v.warnings[0]!.message).toMatch(/^continues run\.\d+\.jsonl \(rotation\), which was not given/);
    expect(v.problems.filter((p) => !p.message.includes('without a granted approval'))).toEqual([]);
  });

  it('a new sink on the same path continues the last rotated file and its chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotate-'));
    const path = join(dir, 'run.jsonl');
    const a = new JsonlFileSink(path, { maxFileBytes: 4096 });
    await runInto(a, 'a');
    await runInto(a, 'b');
    a.close();
    const b = new JsonlFileSink(path, { maxFileBytes: 4096 });
    const before = b.currentPath;
    expect(before).not.toBe(path);
    await runInto(b, 'c');
    b.close();
    const files = [
      path,
      ...readdirSync(dir)
        .filter((n) => n !== 'run.jsonl')
        .sort()
        .map((n) => join(dir, n)),
    ];
    expect((await verifyTraceFiles(files)).problems).toEqual([]);
  });
});

describe('a failed write is kept and retried', () => {
  it('keeps the lines a failed write could not write, throws at the critical checkpoint, and writes them on retry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retry-'));
    const path = join(dir, 'run.jsonl');
    const sink = new JsonlFileSink(path, { maxFileBytes: 1500 });
    // The next rotated file cannot be opened: a directory sits where it would go.
    mkdirSync(join(dir, 'run.1.jsonl'));
    const events: Parameters<JsonlFileSink['write']>[0][] = [];
    for (let seq = 0; seq < 12; seq++)
      events.push({
        v: 2,
        seq,
        ts: '2026-01-01T00:00:00.000Z',
        runId: 'r',
        kind: 'final',
        step: 1,
        answer: 'x'.repeat(200),
      });
    for (const e of events) sink.write(e);
    sink.checkpoint(false);
    let caught: unknown;
    try {
      sink.checkpoint(true);
    } catch (e) {
      caught = e;
    }
    expect(HarnessError.isInstance(caught) && caught.code).toBe('trace_write_failed');
    expect((caught as Error).message).toMatch(
      /cannot write trace file .*run\.1\.jsonl: .*EISDIR.*; \d+ lines kept to retry/,
    );
    expect(sink.writeError).toBe(caught);
    rmdirSync(join(dir, 'run.1.jsonl'));
    sink.checkpoint(true);
    expect(sink.writeError).toBeUndefined();
    sink.close();
    const files = readdirSync(dir)
      .map((n) => ({ n, i: Number(/^run\.(\d+)\.jsonl$/.exec(n)?.[1] ?? 0) }))
      .sort((a, b) => a.i - b.i)
      .map(({ n }) => join(dir, n));
    expect(files.length).toBeGreaterThan(2);
    const v = await verifyTraceFiles(files);
    expect(v.problems).toEqual([]);
    expect(v.lines).toBe(12 + files.length - 1); // every event, and a link per rotated file
  });
});

describe('streaming verification', () => {
  it('gives the same answer streaming a file as verifying its text, over many runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-'));
    const path = join(dir, 'run.jsonl');
    const sink = new JsonlFileSink(path);
    for (let i = 0; i < 40; i++) await runInto(sink, `run-${i}`);
    sink.close();
    const text = readFileSync(path, 'utf8');
    const streamed = await verifyTraceFiles([path]);
    const { file: _f, ...whole } = { ...verifyTrace(text), file: undefined };
    expect(streamed).toEqual(whole);
    expect(streamed).toMatchObject({ ok: true, runs: 40, mutations: 40 });
    // And a broken copy: the same problems, at the same lines.
    const lines = text.split('\n');
    lines[100] = lines[100]!.replace('"seq":', '"seq": ');
    writeFileSync(path, lines.join('\n'));
    const bad = await verifyTraceFiles([path]);
    expect(bad.problems.map(({ line, message }) => ({ line, message }))).toEqual(
      verifyTrace(lines.join('\n')).problems,
    );
  });

  it('splits lines the same wherever chunks end, even inside a UTF-8 character', async () => {
    const text = 'héllo\n{"a":"ü→✓"}\n\nlast';
    const bytes = Buffer.from(text);
    for (let size = 1; size <= 5; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const got: string[] = [];
      for await (const l of streamLines(Readable.from(chunks))) got.push(l);
      expect(got).toEqual(text.split('\n'));
    }
  });

  it('verifies a trace longer than the longest string JavaScript can hold', async () => {
    // 39 runs of about 15 MiB each, as in the 558 MB file of issue 14, never in one string.
    const runs = 39;
    const output = 'x'.repeat(1 << 20);
    const perRun = 15;
    expect(() => output.repeat(runs * perRun)).toThrow(RangeError);
    async function* lines(): AsyncGenerator<string> {
      let prev: string | null = null;
      const line = (body: object) => {
        const head = `${JSON.stringify(body).slice(0, -1)},"prev":${prev === null ? 'null' : `"${prev}"`}`;
        prev = lineHash(head);
        return `${head},"hash":"${prev}"}`;
      };
      const env = { v: 2, ts: '2026-01-01T00:00:00.000Z' };
      for (let r = 0; r < runs; r++) {
        const runId = `run-${r}`;
        let seq = 0;
        yield line({
          ...env,
          seq: seq++,
          runId,
          kind: 'run_start',
          task: 't',
          tools: [],
          allow: [],
          maxSteps: 99,
        });
        for (let i = 0; i < perRun; i++) {
          const call = { step: i + 1, callId: `c${i}`, tool: 'read' };
          yield line({ ...env, seq: seq++, runId, kind: 'tool_call', ...call, args: {}, mutating: false });
          yield line({
            ...env,
            seq: seq++,
            runId,
            kind: 'tool_result',
            ...call,
            output,
            chars: output.length,
            truncated: false,
            durationMs: 1,
          });
        }
        const usage = { inputTokens: 0, outputTokens: 0 };
        yield line({
          ...env,
          seq: seq++,
          runId,
          kind: 'stop',
          reason: 'completed',
          steps: perRun,
          verified: true,
          usage,
        });
      }
    }
    const v = new TraceVerifier();
    v.beginFile('big.jsonl');
    let bytes = 0;
    for await (const l of lines()) {
      bytes += l.length + 1;
      v.line(l);
    }
    v.endFile();
    expect(bytes).toBeGreaterThan(2 ** 29);
    expect(v.result()).toMatchObject({ ok: true, runs, problems: [], warnings: [] });
  }, 120_000);
});
