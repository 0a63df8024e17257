import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyTrace } from './index.js';

// Real child processes: SIGKILL at many points must leave a valid, verifiable prefix; SIGINT and
// SIGTERM must end the run as cancelled with a stop event written before the process exits.

const root = resolve(import.meta.dirname, '../../..');
const fixture = join(import.meta.dirname, '__fixtures__/durable-run.ts');

function start(
  file: string,
  steps: number,
  delayMs: number,
): { child: ChildProcess; ready: Promise<void>; exit: Promise<number | null>; out: () => string } {
  // One node process (tsx as a loader, not its wrapper binary), so signals reach the run itself.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@sre-harness/source', fixture, file, String(steps), String(delayMs)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const ready = new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) res();
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', () =>
      out.includes('READY') ? res() : rej(new Error(`child exited before READY: ${err}`)),
    );
  });
  const exit = new Promise<number | null>((res) =>
    child.on('close', (code, signal) => res(signal ? null : code)),
  );
  return { child, ready, exit, out: () => out };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('durability with real processes', () => {
  it('SIGKILL at many points leaves a trace whose every line parses and whose chain verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kill-'));
    const delays = [0, 3, 7, 15, 30, 60, 120, 250];
    let killedMidRun = 0;
    for (const [n, delay] of delays.entries()) {
      const file = join(dir, `run-${n}.jsonl`);
      const p = start(file, 200_000, 0);
      await p.ready;
      await sleep(delay);
      p.child.kill('SIGKILL');
      expect(await p.exit).toBeNull();
      const text = readFileSync(file, 'utf8');
      const v = verifyTrace(text);
      expect(v.problems, `kill after ${delay} ms`).toEqual([]);
      expect(v.lines).toBeGreaterThan(2);
      // Everything but possibly a cut-off last line is whole JSON.
      const lines = text.split('\n').filter(Boolean);
      for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
      if (!text.includes('"kind":"stop"')) killedMidRun++;
    }
    expect(killedMidRun).toBe(delays.length);
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s ends the run as cancelled and writes the stop event before exiting',
    async (sig, code) => {
      const file = join(mkdtempSync(join(tmpdir(), 'sig-')), 'run.jsonl');
      const p = start(file, 100, 5_000);
      await p.ready;
      p.child.kill(sig);
      expect(await p.exit).toBe(code);
      expect(p.out()).toContain('STOPPED cancelled');
      const text = readFileSync(file, 'utf8');
      const v = verifyTrace(text);
      expect(v.ok).toBe(true);
      expect(v.warnings).toEqual([]);
      const last = JSON.parse(text.trimEnd().split('\n').at(-1)!);
      expect(last).toMatchObject({ kind: 'stop', reason: 'cancelled', error: `Error: received ${sig}` });
    },
    60_000,
  );
});

describe('a trace written to a full disk (/dev/full)', () => {
  const fullDisk = join(import.meta.dirname, '__fixtures__/full-disk-run.ts');
  const runChild = async (mode: string) => {
    try {
      const r = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--conditions=@sre-harness/source', fullDisk, mode],
        { cwd: root },
      );
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it.skipIf(!existsSync('/dev/full'))(
    'a delayed write that fails is kept, never thrown from its timer; the next critical checkpoint throws it',
    async () => {
      const r = await runChild('sink');
      expect(r.stderr).not.toMatch(/uncaught|ENOSPC/i);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('ALIVE trace_write_failed\nCHECKPOINT THREW trace_write_failed\n');
    },
    60_000,
  );

  it.skipIf(!existsSync('/dev/full'))(
    'a run whose trace cannot be written never runs its mutation, and the process does not crash',
    async () => {
      const r = await runChild('run-slow');
      expect(r.code).toBe(0);
      // The run ends as a value that names the cause; it does not reject.
      expect(r.stdout).toMatch(/^RESULT trace_failed the trace could not be written/m);
      expect(r.stdout).not.toContain('REJECTED');
      expect(r.stdout).toMatch(/\nMUTATED false\n$/);
    },
    60_000,
  );
});
