import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { callbackApprover, createHarness, defineTool, JsonlFileSink } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(import.meta.dirname, 'cli.ts');

async function sreHarness(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(tsx, ['--conditions=@sre-harness/source', cli, ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
let good: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-'));
  good = join(dir, 'good.jsonl');
  const sink = new JsonlFileSink(good);
  const restart = defineTool({
    name: 'restart',
    description: 'restart',
    input: z.object({ name: z.string() }),
    mutating: true,
    execute: ({ name }) => `${name} restarted`,
  });
  await createHarness({
    model: new ScriptedModel([callTool('restart', { name: 'api' }), finalAnswer('done')]),
    tools: [restart],
    guardrails: { maxSteps: 3, allow: ['restart'], approver: callbackApprover(() => true, 'oncall') },
    trace: sink,
  }).run('restart api');
  sink.close();
});

describe('sre-harness trace verify (the real binary)', () => {
  it('passes an intact trace', async () => {
    const r = await sreHarness('trace', 'verify', good);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ok .*good\.jsonl: 9 lines, 1 run\(s\), chain intact, seq continuous, 1 mutation\(s\)/,
    );
  });

  it('fails an edited trace and names the line', async () => {
    const lines = readFileSync(good, 'utf8').trimEnd().split('\n');
    lines[4] = lines[4]!.replace('"granted":true', '"granted":false');
    const bad = join(dir, 'edited.jsonl');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const r = await sreHarness('trace', 'verify', good, bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL ${bad}:5: content does not match its hash: the line was edited`);
  });

  it('prints JSON with --json', async () => {
    const r = await sreHarness('trace', 'verify', '--json', good);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, runs: 1, mutations: 1, problems: [] });
  });

  it('has --help on every command and clear usage errors', async () => {
    expect((await sreHarness('--help')).stdout).toContain('trace');
    const help = await sreHarness('trace', 'verify', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit 0 when every file verifies');
    const missing = await sreHarness('trace', 'verify', join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`sre-harness: ${join(dir, 'nope.jsonl')}: no such file`);
    const unknown = await sreHarness('trace', 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });
});
