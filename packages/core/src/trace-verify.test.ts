import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callbackApprover,
  createHarness,
  defineTool,
  JsonlFileSink,
  lineHash,
  verifyTrace,
} from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

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

async function recordedTrace(runs = 1): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'verify-')), 'run.jsonl');
  for (let i = 0; i < runs; i++) {
    const sink = new JsonlFileSink(path);
    await createHarness({
      model: new ScriptedModel([
        callTool('read', { name: 'api' }),
        callTool('restart', { name: 'api' }),
        callTool('restart', { name: 'db' }),
        finalAnswer('restarted api'),
      ]),
      tools,
      guardrails: {
        maxSteps: 5,
        allow: ['read', 'restart'],
        approver: callbackApprover((r) => (r.args as { name: string }).name === 'api', 'oncall'),
      },
      trace: sink,
    }).run('api is slow');
    sink.close();
  }
  return readFileSync(path, 'utf8');
}

const lines = (text: string) => text.trimEnd().split('\n');
const join2 = (ls: string[]) => `${ls.join('\n')}\n`;

describe('trace verify', () => {
  it('accepts an untouched trace, across runs appended to one file', async () => {
    const text = await recordedTrace(2);
    const v = verifyTrace(text);
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, runs: 2, mutations: 2, lines: lines(text).length });
  });

  it('names the edited line, whichever line it is', async () => {
    const original = lines(await recordedTrace());
    for (let i = 0; i < original.length; i++) {
      const edited = [...original];
      edited[i] = edited[i]!.replace(/"seq":(\d+)/, (_, n) => `"seq":${Number(n)}, "x":1`);
      const v = verifyTrace(join2(edited));
      expect(v.ok, `edit of line ${i + 1}`).toBe(false);
      expect(v.problems[0]!.line).toBe(i + 1);
    }
  });

  it('names the place of a deleted line', async () => {
    const original = lines(await recordedTrace());
    for (let i = 0; i < original.length - 1; i++) {
      const cut = original.filter((_, j) => j !== i);
      const v = verifyTrace(join2(cut));
      expect(v.ok, `deletion of line ${i + 1}`).toBe(false);
      expect(v.problems[0]!.line).toBe(i + 1);
    }
  });

  it('names the first moved line when two lines are swapped', async () => {
    const original = lines(await recordedTrace());
    for (let i = 0; i < original.length - 1; i++) {
      const swapped = [...original];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      const v = verifyTrace(join2(swapped));
      expect(v.ok, `swap of lines ${i + 1} and ${i + 2}`).toBe(false);
      expect(v.problems[0]!.line).toBe(i + 1);
    }
  });

  it('catches a forged trace whose chain was recomputed but whose mutation has no approval', async () => {
    // Drop the approval lines and re-chain everything, as a forger with the format would.
    const kept = lines(await recordedTrace())
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.kind !== 'approval')
      .map((e, i): Record<string, unknown> => ({ ...e, seq: i }));
    let prev: string | null = null;
    const forged = kept.map((e) => {
      const { prev: _p, hash: _h, ...body } = e;
      const head = `${JSON.stringify(body).slice(0, -1)},"prev":${prev === null ? 'null' : `"${prev}"`}`;
      prev = lineHash(head);
      return `${head},"hash":"${prev}"}`;
    });
    const v = verifyTrace(join2(forged));
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.message).join('\n')).toMatch(/\(restart\) ran without a granted approval/);
  });

  it('tolerates a cut-off last line and a run with no stop, as warnings', async () => {
    const original = lines(await recordedTrace());
    const prefix = original.slice(0, 6);
    const v = verifyTrace(`${prefix.join('\n')}\n${original[6]!.slice(0, 20)}`);
    expect(v.ok).toBe(true);
    expect(v.warnings.map((w) => w.message)).toEqual([
      'the last line is cut off (a run killed while writing); ignored',
      expect.stringMatching(/has no stop event/),
    ]);
  });

  it('reports a gap in seq', async () => {
    const v = verifyTrace('');
    expect(v).toMatchObject({ ok: true, lines: 0 });
    const bad = lines(await recordedTrace()).map((l) => JSON.parse(l));
    bad[3].seq = 7;
    // Unchained lines: the chain problem is reported on every line, the seq problem on line 4.
    const msgs = verifyTrace(join2(bad.map((e) => JSON.stringify(e)))).problems.filter((p) =>
      p.message.includes('seq'),
    );
    expect(msgs[0]).toEqual({ line: 4, message: expect.stringMatching(/seq 7 where 3 was expected/) });
  });
});
