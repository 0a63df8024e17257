import { describe, expect, it } from 'vitest';
import type { Memory, Observation } from '../memory.js';
import { WindowMemory } from '../memory.js';
import type { Verifier } from '../verifier.js';
import { runConformance } from './conformance.js';
import { describeMemoryConformance, memoryConformance } from './memory-conformance.js';
import {
  describeVerifierConformance,
  sampleVerifyInputs,
  verifierConformance,
} from './verifier-conformance.js';

describeMemoryConformance('WindowMemory', () => new WindowMemory(), { describe, it });
describeMemoryConformance(
  'WindowMemory keep 5',
  () => new WindowMemory({ keep: 5 }),
  { describe, it },
  { maxRewriteShare: 0.5 },
);

const honest: Verifier = {
  name: 'has_answer',
  verify: ({ answer }) => ({
    name: 'has_answer',
    passed: answer !== null,
    detail: answer === null ? 'the run gave no answer' : 'the run answered',
  }),
};
describeVerifierConformance(
  'a minimal verifier',
  () => honest,
  { describe, it },
  {
    cases: [
      {
        name: 'no answer fails',
        input: { task: 't', answer: null, trace: [], runId: 'r', stoppedReason: 'budget_exhausted' },
        passed: false,
      },
    ],
  },
);

function failed(results: { name: string; passed: boolean }[]): string[] {
  return results.filter((r) => !r.passed).map((r) => r.name);
}

describe('the Memory kit catches broken memories', () => {
  it('a memory that forgets the task and keeps state across instances', async () => {
    const shared: string[] = [];
    const leaky = (): Memory => ({
      add: (o: Observation) => {
        if (o.kind === 'tool' || o.kind === 'note') shared.push(o.content);
      },
      render: () => shared.slice(-3).join('\n'),
    });
    const out = failed(await runConformance(memoryConformance(leaky, { volume: 100 })));
    expect(out).toContain('render includes the task verbatim');
    expect(out).toContain('each factory call starts empty');
  });

  it('a memory that renders differently each time, mutates observations and throws on odd input', async () => {
    let n = 0;
    const bad = (): Memory => {
      const items: string[] = [];
      return {
        add: (o: Observation) => {
          if (o.kind === 'tool' && o.content.length > 100_000) throw new Error('too big');
          if (o.kind === 'assistant') return;
          (o as { content: string }).content = o.content.trim();
          items.push(o.content);
        },
        render: () => `${n++}\n${items.join('\n')}`,
      };
    };
    const out = failed(await runConformance(memoryConformance(bad, { volume: 100 })));
    expect(out).toEqual(
      expect.arrayContaining([
        'render is deterministic',
        'does not mutate the observations it is given',
        'add accepts every observation kind and status without throwing',
      ]),
    );
  });

  it('checks the token limit only when given one, and reports a breach', async () => {
    const names = memoryConformance(() => new WindowMemory({ keep: 50 }), { volume: 10 }).map((c) => c.name);
    expect(names.some((n) => n.startsWith('render stays within'))).toBe(false);
    const checks = memoryConformance(() => new WindowMemory({ keep: 50 }), {
      volume: 10,
      maxRenderTokens: 500,
      countTokens: (t) => Math.ceil(t.length / 4),
    });
    const results = await runConformance(checks);
    expect(results.find((r) => r.name === 'render stays within 500 tokens')).toMatchObject({ passed: false });
  });
});

describe('the Verifier kit catches broken verifiers', () => {
  it('one that throws on damaged traces, returns no detail, is random and writes to its input', async () => {
    const bad: Verifier = {
      name: 'bad',
      verify: (input) => {
        for (const e of input.trace) if ((e as { kind: string }).kind.length === 0) throw new Error('x');
        (input as { answer: string | null }).answer = 'changed';
        return { name: 'bad', passed: Math.random() > 2, detail: '' };
      },
    };
    const out = failed(await runConformance(verifierConformance(() => bad)));
    expect(out).toEqual([
      'returns name, passed and a detail on realistic runs',
      'does not throw on an empty trace, whatever the answer and stop reason',
      'does not throw on truncated traces',
      'does not throw on damaged events or unknown kinds',
      'is deterministic',
      'does not mutate its input',
    ]);
  });

  it('reports a case whose outcome disagrees, with the detail', async () => {
    const results = await runConformance(
      verifierConformance(() => honest, {
        cases: [
          {
            name: 'wrong',
            input: { task: 't', answer: 'a', trace: [], runId: 'r', stoppedReason: 'completed' },
            passed: false,
          },
        ],
      }),
    );
    expect(results.at(-1)).toMatchObject({ name: 'case: wrong', passed: false });
    expect(results.at(-1)?.error).toContain('detail: the run answered');
  });

  it('samples cover every way a run ends and every outcome event', async () => {
    const samples = await sampleVerifyInputs();
    expect(samples.map((s) => s.stoppedReason)).toEqual([
      'completed',
      'completed',
      'completed',
      'budget_exhausted',
      'model_error',
    ]);
    const kinds = new Set(samples.flatMap((s) => s.trace.map((e) => e.kind)));
    for (const k of ['tool_result', 'tool_error', 'tool_refused', 'approval', 'decision', 'final'])
      expect(kinds.has(k as never), k).toBe(true);
  });
});
