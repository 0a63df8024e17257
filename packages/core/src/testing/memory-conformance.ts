import assert from 'node:assert/strict';
import type { Memory, MemoryContext, Observation, ObservationStatus, TranscriptEntry } from '../memory.js';
import type { TraceEventInput } from '../trace.js';
import { type Transcript, toTranscript, transcriptText } from '../transcript.js';
import {
  type ConformanceCheck,
  deepFreeze,
  type RegisterOptions,
  registerConformance,
  type TestRegistrar,
} from './conformance.js';

/** Options of the Memory conformance kit. */
export interface MemoryConformanceOptions {
  /** How many observations the volume check adds. Default 10,000. */
  readonly volume?: number;
  /** When given with `countTokens`, the kit checks that the render never exceeds this many tokens. */
  readonly maxRenderTokens?: number;
  /** The token counter the limit is measured with (the memory's own, usually). */
  readonly countTokens?: (text: string) => number;
  /**
   * The largest share of steps at which the memory may rewrite the transcript it rendered before
   * (rather than only append to it); each rewrite costs a prompt cache miss. Default 0.25.
   */
  readonly maxRewriteShare?: number;
}

const STATUSES: readonly ObservationStatus[] = ['ok', 'error', 'timeout', 'cancelled', 'refused'];
const TASK = 'checkout-7f9c is flapping in namespace "shop".\nWhat is wrong — and what should we do? ✓';

/** A context that records what the memory emits. */
function recordingContext(): MemoryContext & { events: TraceEventInput[] } {
  const events: TraceEventInput[] = [];
  return { events, emit: (e) => events.push(structuredClone(e)), signal: new AbortController().signal };
}

function toolObservation(step: number, content: string, extra: Partial<Observation> = {}): Observation {
  return deepFreeze({
    kind: 'tool',
    step,
    callId: `c${step}`,
    tool: step % 3 === 0 ? 'get_pod_logs' : 'describe_pod',
    args: { namespace: 'shop', name: `pod-${step % 7}` },
    mutating: false,
    status: 'ok',
    content,
    ...extra,
  } as Observation);
}

/** A realistic observation body with a unique marker, about `lines` lines long. */
function body(step: number, lines = 6): string {
  const out = [`marker-${step}-${(step * 2654435761) % 1_000_003}`];
  for (let i = 1; i < lines; i++) {
    out.push(
      `2026-11-24T07:${String(i % 60).padStart(2, '0')}:00Z INFO request ${step}.${i} served in ${(step + i) % 90}ms`,
    );
  }
  return out.join('\n');
}

/** The model's turn that asks for the call `toolObservation(step, …)` answers. */
function assistantTurn(step: number): Observation {
  return deepFreeze({
    kind: 'assistant',
    step,
    text: `Step ${step}: checking pod-${step % 7} next.`,
    calls: [
      {
        id: `toolu_${step}`,
        callId: `c${step}`,
        tool: step % 3 === 0 ? 'get_pod_logs' : 'describe_pod',
        args: { namespace: 'shop', name: `pod-${step % 7}` },
      },
    ],
  } as Observation);
}

/** Adds `count` turns as the loop does: the model's turn, then the result of its call. */
async function feed(memory: Memory, ctx: MemoryContext, count: number, start = 1): Promise<void> {
  for (let step = start; step < start + count; step++) {
    await memory.add(assistantTurn(step), ctx);
    await memory.add(toolObservation(step, body(step)), ctx);
  }
}

/** The transcript a model would get from a render (the loop's own normalisation). */
function checkTranscript(value: unknown, step = 1): Transcript {
  assert.ok(
    typeof value === 'string' || Array.isArray(value),
    `render() must return an array of transcript entries (or a string); got ${typeof value}`,
  );
  return toTranscript(value as readonly TranscriptEntry[] | string, step, 10_000);
}

/** A render as the plain text a model reads (fences, headers and the model's own words). */
function checkRender(value: unknown): string {
  return transcriptText(checkTranscript(value));
}

/**
 * The Memory port's contract as named checks: renders are transcripts (or text), the task stays verbatim, the newest
 * observation stays verbatim, any observation is accepted, renders are deterministic, each factory call
 * is a fresh memory, turns are kept whole, the transcript is append-only between compactions, it
 * copes with 10,000 observations, its events are well-formed and it does not mutate what it is given. Run them with `runConformance` or register them with `describeMemoryConformance`.
 */
export function memoryConformance(
  factory: () => Memory,
  options: MemoryConformanceOptions = {},
): ConformanceCheck[] {
  const volume = options.volume ?? 10_000;
  const make = (): { memory: Memory; ctx: ReturnType<typeof recordingContext> } => {
    const memory = factory();
    assert.ok(
      memory && typeof memory.add === 'function' && typeof memory.render === 'function',
      'factory must return a Memory',
    );
    return { memory, ctx: recordingContext() };
  };
  const checks: ConformanceCheck[] = [
    {
      name: 'render works before anything was added',
      run: async () => {
        checkRender(await make().memory.render());
      },
    },
    {
      name: 'render includes the task verbatim',
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        await feed(memory, ctx, 30);
        const text = checkRender(await memory.render());
        assert.ok(text.includes(TASK), 'the rendered context must contain the task exactly as given');
      },
    },
    {
      name: 'the most recent observation is rendered verbatim',
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        await feed(memory, ctx, 200);
        const last = body(201);
        await memory.add(assistantTurn(201), ctx);
        await memory.add(toolObservation(201, last), ctx);
        assert.ok(
          checkRender(await memory.render()).includes(last),
          'the newest tool observation must appear verbatim',
        );
        await memory.add(
          deepFreeze({ kind: 'note', step: 202, content: 'Your previous output could not be used.' }),
          ctx,
        );
        assert.ok(
          checkRender(await memory.render()).includes('Your previous output could not be used.'),
          'the newest note must appear verbatim',
        );
      },
    },
    {
      name: 'add accepts every observation kind and status without throwing',
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        let step = 1;
        for (const status of STATUSES) {
          for (const mutating of [false, true])
            await memory.add(toolObservation(step++, `${status} body`, { status, mutating }), ctx);
        }
        const oddArgs: unknown[] = [
          undefined,
          null,
          'text',
          42,
          [],
          [1, { a: [null] }],
          { deep: { er: { still: 'x' } } },
        ];
        for (const args of oddArgs) await memory.add(toolObservation(step++, 'odd args', { args }), ctx);
        const oddContent = [
          '',
          ' ',
          '\u0000\u001b[31mred\u001b[0m',
          '🙂 ünïcödé 日本語',
          'x'.repeat(200_000),
          '\n'.repeat(500),
        ];
        for (const content of oddContent) await memory.add(toolObservation(step++, content), ctx);
        await memory.add(deepFreeze({ kind: 'note', step: step++, content: '' }), ctx);
        // A kind a later core may add: a memory should degrade, not crash.
        await memory.add(
          deepFreeze({ kind: 'a_future_kind', step: step++, content: 'future' }) as unknown as Observation,
          ctx,
        );
        await memory.add(toolObservation(step, 'after the odd ones'), ctx);
        const text = checkRender(await memory.render());
        assert.ok(text.includes(TASK), 'the task must survive odd observations');
        assert.ok(text.includes('after the odd ones'), 'the newest observation must survive odd ones');
      },
    },
    {
      name: 'render is deterministic',
      run: async () => {
        const a = make();
        const b = make();
        for (const { memory, ctx } of [a, b]) {
          await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
          await feed(memory, ctx, 300);
        }
        const first = checkRender(await a.memory.render());
        assert.equal(checkRender(await a.memory.render()), first, 'rendering twice must give the same text');
        assert.equal(
          checkRender(await b.memory.render()),
          first,
          'two memories fed the same observations must render the same',
        );
        assert.deepEqual(
          b.ctx.events,
          a.ctx.events,
          'two memories fed the same observations must emit the same events',
        );
      },
    },
    {
      name: 'each factory call starts empty',
      run: async () => {
        const a = make();
        await a.memory.add(deepFreeze({ kind: 'task', content: 'first run task' }), a.ctx);
        await a.memory.add(toolObservation(1, 'first-run-secret'), a.ctx);
        const b = make();
        const fresh = checkRender(await b.memory.render());
        assert.ok(
          !fresh.includes('first-run-secret') && !fresh.includes('first run task'),
          'a new memory must not show another run',
        );
        await b.memory.add(deepFreeze({ kind: 'task', content: 'second run task' }), b.ctx);
        const text = checkRender(await b.memory.render());
        assert.ok(text.includes('second run task') && !text.includes('first run task'));
      },
    },
    {
      name: `copes with ${volume.toLocaleString('en-US')} observations`,
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        await feed(memory, ctx, volume);
        const text = checkRender(await memory.render());
        assert.ok(text.includes(TASK), 'the task must survive many observations');
        assert.ok(text.includes(body(volume)), 'the newest observation must survive many observations');
      },
    },
    {
      name: 'keeps whole turns: no call without its result, no result without its call',
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        for (let step = 1; step <= 300; step++) {
          await feed(memory, ctx, 1, step);
          const rendered = await memory.render();
          if (typeof rendered === 'string') return; // a text memory has no turns to keep whole
          const calls = new Set<string>();
          const answered = new Set<string>();
          for (const e of rendered) {
            if (e.kind === 'assistant') for (const c of e.calls) calls.add(c.callId);
            if (e.kind === 'tool') {
              assert.ok(
                calls.has(e.callId),
                `after ${step} turns, the result of ${e.callId} is kept without its call`,
              );
              answered.add(e.callId);
            }
          }
          for (const id of calls)
            assert.ok(answered.has(id), `after ${step} turns, call ${id} is kept without its result`);
        }
      },
    },
    {
      name: 'the transcript is append-only between compactions (what a prompt cache needs)',
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        const turns = 200;
        let previous = '';
        let rewrites = 0;
        for (let step = 1; step <= turns; step++) {
          await feed(memory, ctx, 1, step);
          const messages = checkTranscript(await memory.render(), step + 1);
          // Each request's transcript should be the start of the next one's.
          const now = JSON.stringify(messages).slice(0, -1);
          if (previous && !now.startsWith(previous)) rewrites++;
          previous = now;
        }
        assert.ok(
          rewrites <= turns * (options.maxRewriteShare ?? 0.25),
          `the earlier transcript was rewritten at ${rewrites} of ${turns} steps; compact a large prefix at once, so most steps only append`,
        );
      },
    },
    {
      name: 'the events it emits are well-formed',
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        await feed(memory, ctx, 2_000);
        for (const e of ctx.events) {
          assert.equal(typeof e.kind, 'string', 'every event needs a kind');
          if (e.kind !== 'memory_compacted') continue;
          assert.ok(
            Number.isInteger(e.step) && e.step >= 0,
            `memory_compacted.step must be a step number; got ${e.step}`,
          );
          for (const field of ['beforeTokens', 'afterTokens', 'folded'] as const) {
            assert.ok(
              Number.isFinite(e[field]) && e[field] >= 0,
              `memory_compacted.${field} must be a count; got ${e[field]}`,
            );
          }
        }
      },
    },
    {
      name: 'does not mutate the observations it is given',
      run: async () => {
        // Observations are deep-frozen throughout the kit; this one is also compared afterwards.
        const { memory, ctx } = make();
        const o = toolObservation(1, 'frozen', {
          args: { namespace: 'shop', name: 'a', nested: { list: [1, 2] } },
        });
        const before = structuredClone(o);
        await memory.add(o, ctx);
        await memory.render();
        assert.deepEqual(o, before);
      },
    },
  ];
  const { maxRenderTokens, countTokens } = options;
  if (maxRenderTokens !== undefined && countTokens !== undefined) {
    checks.push({
      name: `render stays within ${maxRenderTokens} tokens`,
      run: async () => {
        const { memory, ctx } = make();
        await memory.add(deepFreeze({ kind: 'task', content: TASK }), ctx);
        for (let step = 1; step <= 1_000; step++) {
          await memory.add(toolObservation(step, body(step, 1 + (step % 40))), ctx);
          if (step % 50 !== 0) continue;
          const tokens = countTokens(checkRender(await memory.render()));
          assert.ok(tokens <= maxRenderTokens, `after ${step} observations the render is ${tokens} tokens`);
        }
      },
    });
  }
  return checks;
}

/** Registers the Memory conformance checks as tests: `describeMemoryConformance('my memory', () => new M(), { describe, it })`. */
export function describeMemoryConformance(
  name: string,
  factory: () => Memory,
  t: TestRegistrar,
  options: MemoryConformanceOptions & RegisterOptions = {},
): void {
  registerConformance(`Memory conformance: ${name}`, memoryConformance(factory, options), t, options);
}
