import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent } from '@sre-harness/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import { demoSucceeded, formatEvent, runDemo } from './demo.js';

const dir = mkdtempSync(join(tmpdir(), 'sre-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readTrace(path: string): TraceEvent[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TraceEvent);
}

describe('seed demo', () => {
  it('run 1 triages read-only and verifies; run 2 has its restart refused and recorded', async () => {
    const lines: string[] = [];
    const runs = await runDemo({ traceDir: dir, print: (l) => lines.push(l) });
    expect(runs.map((r) => r.spec.id)).toEqual(['triage', 'remediation']);
    expect(demoSucceeded(runs)).toBe(true);

    const triage = readTrace(join(dir, 'demo-triage.jsonl'));
    const start = triage[0] as Extract<TraceEvent, { kind: 'run_start' }>;
    expect(start.kind).toBe('run_start');
    expect(start.allow.map((a) => a.tool)).not.toContain('restart_pod');
    const verifies = triage.filter((e) => e.kind === 'verify') as Extract<TraceEvent, { kind: 'verify' }>[];
    expect(verifies.map((v) => [v.name, v.passed])).toEqual([
      ['evidence_required', true],
      ['no_unapproved_mutation', true],
    ]);
    expect(triage.some((e) => e.kind === 'tool_call' && e.mutating)).toBe(false);
    const results = triage.filter((e) => e.kind === 'tool_result') as Extract<
      TraceEvent,
      { kind: 'tool_result' }
    >[];
    expect(results.map((r) => r.output).join('\n')).toContain('limit 512Mi (97%)');
    expect(results.map((r) => r.output).join('\n')).toContain('OutOfMemoryError: Java heap space');
    const final = triage.find((e) => e.kind === 'final') as Extract<TraceEvent, { kind: 'final' }>;
    expect(final.answer).toMatch(/restart alone will not fix/);

    const remediation = readTrace(join(dir, 'demo-remediation.jsonl'));
    const approval = remediation.find((e) => e.kind === 'approval') as Extract<
      TraceEvent,
      { kind: 'approval' }
    >;
    expect(approval).toMatchObject({ tool: 'restart_pod', granted: false, by: 'on-call (simulated)' });
    const refused = remediation.find((e) => e.kind === 'tool_refused') as Extract<
      TraceEvent,
      { kind: 'tool_refused' }
    >;
    expect(refused).toMatchObject({ tool: 'restart_pod', reason: 'approval_denied' });
    expect(refused.seq).toBeGreaterThan(approval.seq);
    // The run went on after the refusal and finished normally; nothing ran the restart.
    expect(remediation.some((e) => e.kind === 'tool_result' && e.tool === 'restart_pod')).toBe(false);
    expect(remediation.at(-1)).toMatchObject({ kind: 'stop', reason: 'completed' });

    expect(lines.some((l) => l.includes('approval DENIED by on-call (simulated)'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('--- result'))).toHaveLength(2);
  });

  it('main exits 0, writes the traces, and answers --help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const sub = join(dir, 'cli');
      expect(await main(['node', 'cli.ts', '--trace-dir', sub, '--quiet'])).toBe(0);
      expect(readTrace(join(sub, 'demo-remediation.jsonl')).some((e) => e.kind === 'tool_refused')).toBe(
        true,
      );
      expect(await main(['node', 'cli.ts', '--help'])).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain('--trace-dir');
    } finally {
      log.mockRestore();
      out.mockRestore();
    }
  });
});

describe('seed demo with --model', () => {
  it('replays a recorded run through both demo runs, and names the variable when a key is missing', async () => {
    const recorded = mkdtempSync(join(tmpdir(), 'sre-demo-rec-'));
    await runDemo({ traceDir: recorded });
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const replayDir = join(dir, 'replay');
      const replay = (file: string) =>
        main([
          'node',
          'cli',
          '--quiet',
          '--trace-dir',
          replayDir,
          '--model',
          `replay:${join(recorded, file)}`,
        ]);
      // The read-only triage recording replays cleanly into both runs.
      expect(await replay('demo-triage.jsonl')).toBe(0);
      const calls = (file: string) =>
        readTrace(join(replayDir, file))
          .filter((e) => e.kind === 'tool_call')
          .map((e) => (e as Extract<TraceEvent, { kind: 'tool_call' }>).tool);
      expect(calls('demo-triage.jsonl')).toEqual(['list_pods', 'get_pod_metrics', 'get_pod_logs']);
      expect(calls('demo-remediation.jsonl')).toEqual(calls('demo-triage.jsonl'));
      // The eager recording calls restart_pod, which run 1 does not offer: the replay stops with a
      // reason naming the tool instead of pretending, and the demo reports the failure.
      expect(await replay('demo-remediation.jsonl')).toBe(1);
      const stop = readTrace(join(replayDir, 'demo-triage.jsonl')).at(-1) as Extract<
        TraceEvent,
        { kind: 'stop' }
      >;
      expect(stop).toMatchObject({ kind: 'stop', reason: 'model_error' });
      expect(stop.error).toContain('restart_pod');

      const saved = process.env.ANTHROPIC_API_KEY;
      delete process.env.ANTHROPIC_API_KEY;
      try {
        expect(await main(['node', 'cli', '--model', 'anthropic:claude-haiku-4-5'])).toBe(2);
      } finally {
        if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
      }
      expect(err.mock.calls.flat().join('\n')).toMatch(/set ANTHROPIC_API_KEY/);
    } finally {
      out.mockRestore();
      err.mockRestore();
      rmSync(recorded, { recursive: true, force: true });
    }
  });
});

describe('demo event lines', () => {
  it('cut a long error between code points, wherever the cut falls', () => {
    for (const pad of [0, 1]) {
      const error = `${'e'.repeat(150 + pad)}${'😀'.repeat(20)}`;
      const event = {
        v: 2,
        seq: 3,
        ts: '2026-01-01T00:00:00Z',
        runId: 'r',
        kind: 'tool_error',
        step: 1,
        callId: 'c1',
        tool: 'get_pod_logs',
        reason: 'threw',
        error,
        durationMs: 1,
      } as unknown as TraceEvent;
      const [line] = formatEvent('x', event);
      expect(line, `pad ${pad}`).not.toMatch(/\p{Cs}/u);
      expect(line).toMatch(/: e+😀*…$/u);
    }
  });
});
