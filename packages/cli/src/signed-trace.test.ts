import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  callbackApprover,
  createHarness,
  defineTool,
  JsonlFileSink,
  type JsonlSinkOptions,
  lineHash,
} from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { main } from './program.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const restart = defineTool({
  name: 'restart',
  description: 'restart',
  input: z.object({ name: z.string() }),
  mutating: true,
  execute: ({ name }) => `${name} restarted ${'.'.repeat(400)}`,
});

async function record(path: string, runs: number, options: JsonlSinkOptions): Promise<void> {
  const sink = new JsonlFileSink(path, options);
  for (let i = 0; i < runs; i++) {
    await createHarness({
      model: new ScriptedModel([callTool('restart', { name: 'api' }), finalAnswer('done')]),
      tools: [restart],
      guardrails: { maxSteps: 3, allow: ['restart'], approver: callbackApprover(() => true, 'oncall') },
      trace: sink,
    }).run('restart api', { runId: `run-${i + 1}` });
  }
  sink.close();
}

/** A forger's rewrite: edit, then recompute every hash (signatures cannot be recomputed). */
function rechain(lines: string[], edit: (e: Record<string, unknown>) => Record<string, unknown>): string {
  let prev: string | null = null;
  return `${lines
    .map((l) => {
      const { prev: _p, hash: _h, sig, ...body } = edit(JSON.parse(l));
      const head = `${JSON.stringify(body).slice(0, -1)},"prev":${prev === null ? 'null' : `"${prev}"`}${sig === undefined ? '' : `,"sig":"${String(sig)}"`}`;
      prev = lineHash(head);
      return `${head},"hash":"${prev}"}`;
    })
    .join('\n')}\n`;
}

let dir: string;
let priv: string;
let pub: string;
let signed: string;
let anchor: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-signed-'));
  priv = join(dir, 'keys', 'trace.key.pem');
  pub = join(dir, 'keys', 'trace.pub.pem');
  const r = await cli('trace', 'keygen', '--private', priv, '--public', pub);
  expect(r).toMatchObject({ code: 0, err: '' });
  signed = join(dir, 'signed.jsonl');
  anchor = join(dir, 'heads', 'anchor.jsonl');
  await record(signed, 2, { signingKey: readFileSync(priv, 'utf8'), anchor });
});

describe('sre-harness trace keygen', () => {
  it('writes a private key only its owner can read, and a public key; never overwrites by accident', async () => {
    expect(statSync(priv).mode & 0o777).toBe(0o600);
    expect(readFileSync(pub, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const again = await cli('trace', 'keygen', '--private', priv, '--public', pub);
    expect(again).toMatchObject({
      code: 2,
      err: `sre-harness: ${priv}: already exists (use --force to replace it)`,
    });
    const forced = await cli(
      'trace',
      'keygen',
      '--private',
      join(dir, 'k2'),
      '--public',
      join(dir, 'p2'),
      '--force',
    );
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/^wrote .*k2 \(private\) and .*p2 \(public\), key id [0-9a-f]{16}$/);
    expect((await cli('trace', 'keygen', '--help')).code).toBe(0);
  });
});

describe('sre-harness trace verify --key / --anchor', () => {
  it('passes a signed trace, naming the key; without --key it says it proves self-consistency only', async () => {
    const r = await cli('trace', 'verify', '--key', pub, '--anchor', anchor, signed);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^ok .*signed\.jsonl: \d+ lines, 2 run\(s\), .* 2 mutation\(s\) each with its own approval, \d+ checkpoint\(s\) signed by key [0-9a-f]{16}$/,
    );
    const plain = await cli('trace', 'verify', signed);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('no --key: this proves the file is self-consistent only');
  });

  it('an edited event with every hash recomputed fails with --key, naming the line', async () => {
    const forged = join(dir, 'forged.jsonl');
    const lines = readFileSync(signed, 'utf8').trimEnd().split('\n');
    writeFileSync(
      forged,
      rechain(lines, (e) => (e.kind === 'approval' ? { ...e, by: 'someone else' } : e)),
    );
    expect((await cli('trace', 'verify', forged)).code).toBe(0);
    const r = await cli('trace', 'verify', '--key', pub, forged);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `^FAIL ${forged.replace(/[.]/g, '\\.')}:\\d+: the checkpoint signature does not verify: the lines before it were rewritten`,
      ),
    );
  });

  it('a trace cut after its last run, or cut short of its stop, disagrees with the anchor', async () => {
    const lines = readFileSync(signed, 'utf8').trimEnd().split('\n');
    const cut = join(dir, 'signed.jsonl.cut');
    // Cut at the checkpoint that closed run 1: every remaining signature still holds.
    const closeOfFirst = lines.findIndex((l) => l.includes('"kind":"stop"')) + 1;
    writeFileSync(cut, `${lines.slice(0, closeOfFirst + 1).join('\n')}\n`);
    const copy = join(dir, 'cut', 'signed.jsonl');
    rmSync(join(dir, 'cut'), { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'cut')));
    writeFileSync(copy, readFileSync(cut));
    expect((await cli('trace', 'verify', '--key', pub, copy)).code).toBe(0);
    const r = await cli('trace', 'verify', '--key', pub, '--anchor', anchor, copy);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^FAIL .*signed\.jsonl:\d+: the anchor records a checkpoint at line \d+ .* the file was cut short/,
    );

    writeFileSync(copy, `${lines.slice(0, -2).join('\n')}\n`);
    const shortOfStop = await cli('trace', 'verify', '--key', pub, copy);
    expect(shortOfStop.out).toContain('run run-2 is incomplete: it has no stop event');
    expect((await cli('trace', 'verify', '--key', pub, '--require-complete', copy)).code).toBe(1);
    expect((await cli('trace', 'verify', '--key', pub, '--anchor', anchor, copy)).code).toBe(1);
  });

  it('verifies a directory of rotated files as one trace, and fails when one is missing', async () => {
    const rot = mkdtempSync(join(tmpdir(), 'cli-rot-'));
    const heads = join(rot, '..', `${rot.split('/').at(-1)}-anchor.jsonl`);
    await record(join(rot, 'agent.jsonl'), 4, {
      maxFileBytes: 4000,
      signingKey: readFileSync(priv),
      anchor: heads,
    });
    const files = readdirSync(rot);
    expect(files.length).toBeGreaterThan(2);
    const r = await cli('trace', 'verify', '--key', pub, '--anchor', heads, rot);
    expect(r.out).toMatch(
      new RegExp(`^ok .*agent\\.jsonl \\(\\+${files.length - 1} rotated file\\(s\\)\\): .* 4 run\\(s\\)`),
    );
    expect(r.code).toBe(0);
    const last = Math.max(...files.map((f) => Number(/\.(\d+)\.jsonl$/.exec(f)?.[1] ?? 0)));
    rmSync(join(rot, `agent.${last}.jsonl`));
    const gone = await cli('trace', 'verify', '--key', pub, '--anchor', heads, rot);
    expect(gone.code).toBe(1);
    expect(gone.out).toContain(
      `FAIL agent.${last}.jsonl: the anchor records checkpoints of this file, which was not given`,
    );
    rmSync(join(rot, 'agent.1.jsonl'));
    const middle = await cli('trace', 'verify', rot);
    expect(middle.code).toBe(1);
    expect(middle.out).toMatch(
      /^FAIL .*agent\.2\.jsonl:1: does not continue agent\.jsonl: a file was removed, reordered or rewritten/,
    );
  });

  it('a bad key or anchor file is a usage error naming it', async () => {
    const notKey = join(dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello');
    expect(await cli('trace', 'verify', '--key', notKey, signed)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^sre-harness: .*not-a-key\.pem: not a PEM public key/),
    });
    const badAnchor = join(dir, 'bad-anchor.jsonl');
    writeFileSync(badAnchor, '{"file":"x"}\n');
    expect(await cli('trace', 'verify', '--anchor', badAnchor, signed)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^sre-harness: .*bad-anchor\.jsonl:1: not an anchor record/),
    });
  });
});
