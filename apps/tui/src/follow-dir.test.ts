import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '@sre-harness/core';
import { afterEach, describe, expect, it } from 'vitest';
import { followTraceFile } from './follow-dir.js';

const lines = readFileSync(fileURLToPath(new URL('./__fixtures__/demo.jsonl', import.meta.url)), 'utf8')
  .split('\n')
  .filter(Boolean);

describe('followTraceFile', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('delivers whole lines as they are appended, holding back a line still being written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tui-follow-'));
    dirs.push(dir);
    const got: TraceEvent[] = [];
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, `${lines[0]}\n${lines[1]!.slice(0, 20)}`);
    const f = followTraceFile(file, (e) => got.push(...e), { intervalMs: 60_000 });
    f.poll();
    expect(got.map((e) => e.seq)).toEqual([0]);
    appendFileSync(file, `${lines[1]!.slice(20)}\n${lines[2]}\n${lines[3]}\n`);
    f.poll();
    expect(got).toHaveLength(4);
    expect(got.slice(1).map((e) => e.kind)).toEqual(
      [lines[1], lines[2], lines[3]].map((l) => (JSON.parse(l!) as TraceEvent).kind),
    );
    // A file rewritten from the start is read again from the start.
    writeFileSync(file, `${lines[0]}\n`);
    f.poll();
    expect(got).toHaveLength(5);
    f.stop();
  });

  it('never splits a character whose bytes a read cuts: at the buffer edge or mid-write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tui-follow-'));
    dirs.push(dir);
    const got: TraceEvent[] = [];
    const file = join(dir, 'a.jsonl');
    const { prev: _prev, hash: _hash, ...start } = JSON.parse(lines[0]!) as Record<string, unknown>;
    const withTask = (task: string) => Buffer.from(`${JSON.stringify({ ...start, task })}\n`);
    // The reader's buffer is 64 KiB: put an emoji's four UTF-8 bytes across byte 65,536.
    const head = withTask('').indexOf('"task":""') + '"task":"'.length;
    const edge = `${'x'.repeat((1 << 16) - head - 2)}😀 and 😀 more`;
    const edgeLine = withTask(edge);
    expect(edgeLine.subarray(0, 1 << 16).toString('utf8')).toMatch(/\uFFFD$/);
    writeFileSync(file, edgeLine);
    const f = followTraceFile(file, (e) => got.push(...e), { intervalMs: 60_000 });
    f.poll();
    // A writer seen mid-line, mid-character: the rest of the bytes arrive on the next poll.
    const mid = withTask('half 😀 then ✓ done');
    const at = mid.indexOf(Buffer.from('😀')) + 2;
    appendFileSync(file, mid.subarray(0, at));
    f.poll();
    appendFileSync(file, mid.subarray(at));
    f.poll();
    const tasks = got.map((e) => (e as Extract<TraceEvent, { kind: 'run_start' }>).task);
    expect(tasks).toHaveLength(2);
    // The long one by its end, so a failure prints short: the broken character sits there.
    expect(tasks[0]!.slice(-16)).toBe(edge.slice(-16));
    expect(tasks[0] === edge).toBe(true);
    expect(tasks[1]).toBe('half 😀 then ✓ done');
    f.stop();
  });

  it('keeps the good lines around a bad one and says which line was bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tui-follow-'));
    dirs.push(dir);
    const got: TraceEvent[] = [];
    const warnings: string[] = [];
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, `${lines[0]}\n{"not":"an event"}\n${lines[2]}\n`);
    const f = followTraceFile(file, (e) => got.push(...e), {
      intervalMs: 60_000,
      onWarning: (w) => warnings.push(w),
    });
    f.poll();
    expect(got.map((e) => e.seq)).toEqual([0, (JSON.parse(lines[2]!) as TraceEvent).seq]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not a trace event');
    f.stop();
  });
});
