import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarnessError } from './errors.js';
import { parseTrace, readTraceFile, traceRuns } from './trace-reader.js';

function line(seq: number, runId: string, body: Record<string, unknown>): string {
  return JSON.stringify({ v: 1, seq, ts: '2026-01-01T00:00:00.000Z', runId, ...body });
}

const start = (runId: string) =>
  line(0, runId, {
    kind: 'run_start',
    task: 't',
    tools: [{ name: 'list_pods', mutating: false }],
    allow: [],
    maxSteps: 3,
  });

describe('parseTrace', () => {
  it('reads every event and ignores blank lines', () => {
    const text = `${start('r1')}\n\n${line(1, 'r1', { kind: 'final', step: 1, answer: 'ok' })}\n`;
    const parsed = parseTrace(text);
    expect(parsed.events.map((e) => e.kind)).toEqual(['run_start', 'final']);
    expect(parsed.warnings).toEqual([]);
  });

  it('skips a cut-off last line with a warning naming the line', () => {
    const text = `${start('r1')}\n${line(1, 'r1', { kind: 'final', step: 1, answer: 'ok' }).slice(0, 30)}`;
    const parsed = parseTrace(text, { source: 'run.jsonl' });
    expect(parsed.events).toHaveLength(1);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatch(/^run\.jsonl:2: skipped a broken last line/);
  });

  it('throws for a broken line in the middle, naming the line number', () => {
    const text = `${start('r1')}\n{"v":1,"seq":\n${line(2, 'r1', { kind: 'final', step: 1, answer: 'ok' })}\n`;
    let caught: unknown;
    try {
      parseTrace(text, { source: 'run.jsonl' });
    } catch (e) {
      caught = e;
    }
    expect(HarnessError.isInstance(caught)).toBe(true);
    expect((caught as HarnessError).code).toBe('invalid_trace');
    expect((caught as HarnessError).message).toMatch(/^run\.jsonl:2: not valid JSON/);
  });

  it('rejects a line that parses but is not a trace event', () => {
    const text = `{"hello":"world"}\n${start('r1')}\n`;
    expect(() => parseTrace(text)).toThrow(/trace:1: not a trace event .*runId/);
  });

  it('rejects a decision event whose body is malformed', () => {
    const bad = line(1, 'r1', { kind: 'decision', step: 1, type: 'tool_calls', calls: [{ tool: 3 }] });
    expect(() => parseTrace(`${bad}\n${start('r1')}\n`)).toThrow(/trace:1: bad decision event/);
  });

  it('keeps fields it does not know, so newer traces survive a read', () => {
    const parsed = parseTrace(`${line(0, 'r1', { kind: 'custom_kind', extra: 42 })}\n`);
    expect(parsed.events[0]).toMatchObject({ kind: 'custom_kind', extra: 42 });
  });
});

describe('readTraceFile and traceRuns', () => {
  it('reads a file and splits interleaved runs, each in seq order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-reader-'));
    const path = join(dir, 'two.jsonl');
    writeFileSync(
      path,
      [
        start('a'),
        start('b'),
        line(2, 'a', {
          kind: 'stop',
          reason: 'completed',
          steps: 1,
          verified: true,
          usage: { inputTokens: 0, outputTokens: 0 },
        }),
        line(1, 'a', { kind: 'final', step: 1, answer: 'A' }),
      ].join('\n'),
    );
    const parsed = await readTraceFile(path);
    const runs = traceRuns(parsed.events);
    expect(runs.map((r) => r.runId)).toEqual(['a', 'b']);
    expect(runs[0]?.events.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(runs[0]?.stop?.reason).toBe('completed');
    expect(runs[1]?.start?.task).toBe('t');
    expect(runs[1]?.stop).toBeUndefined();
  });

  it('names the file when it cannot be read', async () => {
    await expect(readTraceFile('/nonexistent/dir/x.jsonl')).rejects.toThrow(
      /cannot read trace file \/nonexistent\/dir\/x\.jsonl/,
    );
  });
});
