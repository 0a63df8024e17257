import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AnchorRecord,
  callbackApprover,
  createHarness,
  defineTool,
  JsonlFileSink,
  type JsonlSinkOptions,
  lineHash,
  verifyTrace,
} from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

// Issue 14 §6: a forger who knows the format can rewrite the file and recompute every hash; a
// signature by a key the trace does not contain, and an anchor kept elsewhere, are what catch it.

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

const tools = [
  defineTool({
    name: 'read',
    description: 'read',
    input: z.object({ name: z.string() }),
    mutating: false,
    execute: ({ name }) => `${name} is fine`,
  }),
  defineTool({
    name: 'restart',
    description: 'restart',
    input: z.object({ name: z.string() }),
    mutating: true,
    execute: ({ name }) => `${name} restarted`,
  }),
];

async function record(
  runs: number,
  options: JsonlSinkOptions = {},
): Promise<{ path: string; text: string; anchor: AnchorRecord[] }> {
  const path = join(mkdtempSync(join(tmpdir(), 'signed-')), 'run.jsonl');
  const anchor: AnchorRecord[] = [];
  for (let i = 0; i < runs; i++) {
    const sink = new JsonlFileSink(path, { anchor: (r) => anchor.push(r), ...options });
    await createHarness({
      model: new ScriptedModel([
        callTool('read', { name: 'api' }),
        callTool('restart', { name: 'api' }),
        finalAnswer('restarted api'),
      ]),
      tools,
      guardrails: {
        maxSteps: 5,
        allow: ['read', 'restart'],
        approver: callbackApprover(() => true, 'oncall'),
      },
      trace: sink,
    }).run('api is slow', { runId: `run-${i + 1}` });
    sink.close();
  }
  return { path, text: readFileSync(path, 'utf8'), anchor };
}

const split = (text: string) => text.trimEnd().split('\n');
const parse = (text: string) => split(text).map((l) => JSON.parse(l) as Record<string, unknown>);

/** What a forger with the format but not the key does: renumber seq per run, recompute every hash. */
function rechain(events: Record<string, unknown>[]): string {
  const seqs = new Map<string, number>();
  let prev: string | null = null;
  const out = events.map((e, i) => {
    const { prev: _p, hash: _h, ...body } = e;
    if (typeof body.runId === 'string') {
      const n = seqs.get(body.runId) ?? 0;
      seqs.set(body.runId, n + 1);
      body.seq = n;
    }
    if (body.kind === 'checkpoint') {
      // Keep the checkpoint's signature (the forger cannot make a new one) but chain it.
      const { sig, ...rest }: Record<string, unknown> = { ...body, lines: i };
      const head = `${JSON.stringify(rest).slice(0, -1)},"prev":${prev === null ? 'null' : `"${prev}"`}${sig === undefined ? '' : `,"sig":"${String(sig)}"`}`;
      prev = lineHash(head);
      return `${head},"hash":"${prev}"}`;
    }
    const head = `${JSON.stringify(body).slice(0, -1)},"prev":${prev === null ? 'null' : `"${prev}"`}`;
    prev = lineHash(head);
    return `${head},"hash":"${prev}"}`;
  });
  return `${out.join('\n')}\n`;
}

const withKey = { publicKey };
const messages = (v: { problems: readonly { message: string }[] }) => v.problems.map((p) => p.message);

describe('signed checkpoints', () => {
  it('a signed trace verifies with the public key, checkpoint lines included', async () => {
    const { text } = await record(2, { signingKey: privateKey });
    const v = verifyTrace(text, withKey);
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, signed: true, runs: 2, mutations: 2, incompleteRuns: [] });
    // One before the approval, one before the mutation, one when each run ends, at least.
    expect(v.signedCheckpoints).toBeGreaterThanOrEqual(6);
    expect(v.signedCheckpoints).toBe(v.checkpoints);
    // The last line of a closed trace is a checkpoint: nothing is left unsigned.
    expect(parse(text).at(-1)).toMatchObject({ kind: 'checkpoint', sig: expect.any(String) });
  });

  it('takes the key as PEM text too, and names a wrong key', async () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { text } = await record(1, { signingKey: pem });
    expect(verifyTrace(text, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }) }).ok).toBe(true);
    const v = verifyTrace(text, { publicKey: other.publicKey });
    expect(v.ok).toBe(false);
    expect(messages(v)[0]).toMatch(
      /checkpoint is signed with another key \(keyId [0-9a-f]{16}, expected [0-9a-f]{16}\)/,
    );
  });

  it('an edited event with every hash recomputed: self-consistent, but the signature fails at the next checkpoint', async () => {
    const { text } = await record(1, { signingKey: privateKey });
    const events = parse(text);
    const i = events.findIndex((e) => e.kind === 'tool_result' && e.tool === 'read');
    events[i] = { ...events[i], output: 'api is on fire' };
    const forged = rechain(events);
    expect(verifyTrace(forged).ok).toBe(true);
    const v = verifyTrace(forged, withKey);
    expect(v.ok).toBe(false);
    const next = events.findIndex((e, j) => j > i && e.kind === 'checkpoint');
    expect(v.problems[0]).toEqual({
      line: next + 1,
      message: 'the checkpoint signature does not verify: the lines before it were rewritten',
    });
  });

  it('an executed mutation deleted with every hash recomputed fails with the key', async () => {
    const { text } = await record(1, { signingKey: privateKey });
    const events = parse(text);
    const callId = events.find((e) => e.kind === 'tool_call' && e.tool === 'restart')!.callId;
    const kept = events.filter((e) => e.callId !== callId);
    const forged = rechain(kept);
    expect(verifyTrace(forged).ok).toBe(true);
    const v = verifyTrace(forged, withKey);
    expect(v.ok).toBe(false);
    expect(messages(v)).toContain(
      'the checkpoint signature does not verify: the lines before it were rewritten',
    );
  });

  it('a tool set to mutating: false with its approvals dropped fails with the key', async () => {
    const { text } = await record(1, { signingKey: privateKey });
    const forged = rechain(
      parse(text)
        .filter((e) => e.kind !== 'approval' && e.kind !== 'approval_requested')
        .map((e) => {
          if (e.kind === 'run_start')
            return { ...e, tools: (e.tools as { name: string }[]).map((t) => ({ ...t, mutating: false })) };
          if (e.kind === 'tool_call') return { ...e, mutating: false };
          return e;
        }),
    );
    const plain = verifyTrace(forged);
    expect(plain).toMatchObject({ ok: true, mutations: 0 });
    expect(verifyTrace(forged, withKey).ok).toBe(false);
  });

  it('checkpoints stripped and the chain recomputed: an unsigned tail in a closed run', async () => {
    const { text } = await record(1, { signingKey: privateKey });
    const forged = rechain(parse(text).filter((e) => e.kind !== 'checkpoint'));
    expect(verifyTrace(forged).ok).toBe(true);
    const v = verifyTrace(forged, withKey);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      {
        line: 1,
        message: expect.stringMatching(
          /^unsigned tail: the lines from here follow no signed checkpoint at all, and run run-1 stopped at line \d+/,
        ),
      },
    ]);
  });

  it('a line appended after the last checkpoint of a closed run is an unsigned tail', async () => {
    const { text } = await record(1, { signingKey: privateKey });
    const events = parse(text);
    const stop = events.find((e) => e.kind === 'stop')!;
    const forged = rechain([...events, { ...stop, runId: 'run-9', reason: 'completed' }]);
    const v = verifyTrace(forged, withKey);
    expect(v.ok).toBe(false);
    expect(messages(v)[0]).toMatch(
      /^unsigned tail: the lines from here follow the last signed checkpoint \(line \d+\)/,
    );
  });

  it('cutting the last run or the last lines: the anchor disagrees; the key alone sees an incomplete run', async () => {
    const { text, anchor } = await record(2, { signingKey: privateKey });
    const lines = split(text);
    const options = { ...withKey, anchor, file: 'run.jsonl' };
    expect(verifyTrace(text, options).problems).toEqual([]);

    // The last run, cut at the checkpoint that closed the first: every remaining signature holds.
    const firstStop = lines.findIndex((l) => l.includes('"kind":"stop"'));
    const cutRun = `${lines.slice(0, firstStop + 2).join('\n')}\n`;
    expect(verifyTrace(cutRun, withKey).ok).toBe(true);
    const v1 = verifyTrace(cutRun, options);
    expect(v1.ok).toBe(false);
    expect(messages(v1)[0]).toMatch(
      /^the anchor records a checkpoint at line \d+ \(sha256:[0-9a-f]{12}…\) but the file ends at line \d+: the file was cut short$/,
    );

    // The last three lines (the stop event and what follows).
    const cutLines = `${lines.slice(0, -3).join('\n')}\n`;
    const k = verifyTrace(cutLines, withKey);
    expect(k.incompleteRuns).toEqual(['run-2']);
    expect(k.warnings.map((w) => w.message)).toContain(
      'run run-2 is incomplete: it has no stop event (killed, still running, or cut off)',
    );
    const v2 = verifyTrace(cutLines, options);
    expect(v2.ok).toBe(false);
    expect(messages(v2)[0]).toMatch(/the file was cut short$/);
  });

  it('a file rewritten from the start disagrees with its anchor, even without the key', async () => {
    const { text, anchor } = await record(1, { signingKey: privateKey });
    const events = parse(text);
    const forged = rechain(
      events.map((e) => (e.kind === 'run_start' ? { ...e, task: 'nothing to see' } : e)),
    );
    const v = verifyTrace(forged, { anchor, file: 'run.jsonl' });
    expect(v.ok).toBe(false);
    expect(messages(v)[0]).toMatch(
      /^disagrees with the anchor \(sha256:[0-9a-f]{12}…\): the file was rewritten$/,
    );
  });

  it('an anchor file gets one JSON line per checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchor-'));
    const anchorPath = join(dir, 'elsewhere', 'heads.jsonl');
    const { text } = await record(1, { anchor: anchorPath });
    const records = parse(readFileSync(anchorPath, 'utf8'));
    const checkpoints = parse(text).filter((e) => e.kind === 'checkpoint');
    expect(records.map((r) => r.hash)).toEqual(checkpoints.map((c) => c.hash));
    expect(records[0]).toMatchObject({ v: 3, file: 'run.jsonl', line: expect.any(Number) });
    // Unsigned checkpoints (an anchor, no key) verify without a key and fail with one.
    expect(verifyTrace(text, { anchor: records as AnchorRecord[], file: 'run.jsonl' }).ok).toBe(true);
    expect(messages(verifyTrace(text, withKey))).toContain('checkpoint is not signed');
  });

  it('a version 1 trace still verifies without a key, and is unsigned with one', () => {
    const text = readFileSync(join(import.meta.dirname, '__fixtures__/replay/recorded-run.v1.jsonl'), 'utf8');
    expect(verifyTrace(text)).toMatchObject({ ok: true, runs: 1, mutations: 1, checkpoints: 0 });
    expect(messages(verifyTrace(text, withKey))[0]).toMatch(
      /^unsigned tail: the lines from here follow no signed checkpoint/,
    );
  });

  it('rejects a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => new JsonlFileSink(join(tmpdir(), 'x.jsonl'), { signingKey: rsa.privateKey })).toThrow(
      /signingKey: an Ed25519 key is required, got rsa/,
    );
    expect(() => verifyTrace('', { publicKey: 'not a key' })).toThrow(/publicKey: not a PEM public key/);
  });
});
