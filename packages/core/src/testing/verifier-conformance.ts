import assert from 'node:assert/strict';
import { z } from 'zod';
import { callbackApprover } from '../approvals.js';
import { createHarness } from '../harness.js';
import { defineTool } from '../tool.js';
import type { StoppedReason, TraceEvent } from '../trace.js';
import type { Verification, Verifier, VerifyInput } from '../verifier.js';
import {
  type ConformanceCheck,
  deepFreeze,
  type RegisterOptions,
  registerConformance,
  type TestRegistrar,
} from './conformance.js';
import { callTool, callTools, finalAnswer, ScriptedModel, type ScriptStep } from './scripted-model.js';

/** A case whose outcome the author knows: the kit checks the verifier agrees. */
export interface VerifierCase {
  readonly name: string;
  readonly input: VerifyInput;
  readonly passed: boolean;
}

/** Options of the Verifier conformance kit. */
export interface VerifierConformanceOptions {
  /** More realistic inputs to run the generic checks on, besides the kit's own sample runs. */
  readonly samples?: readonly VerifyInput[];
  /** Inputs with known outcomes. */
  readonly cases?: readonly VerifierCase[];
}

const signal = () => new AbortController().signal;
const TASK = 'api-5d8f9 in namespace web returns 503s. What is wrong?';

/** Runs a scripted agent on a tiny generic world and returns exactly what verifiers would be given. */
async function sampleRun(script: ScriptStep[], maxSteps = 8): Promise<VerifyInput> {
  const tools = [
    defineTool({
      name: 'get_status',
      description: 'Status of a service',
      input: z.object({ namespace: z.string(), name: z.string() }),
      mutating: false,
      execute: ({ name }) =>
        `${name}: 0/2 ready, last exit code 137 (OOMKilled), 12 restarts, memory 498Mi/512Mi`,
    }),
    defineTool({
      name: 'get_logs',
      description: 'Logs of a service',
      input: z.object({ namespace: z.string(), name: z.string() }),
      mutating: false,
      execute: () => {
        throw new Error('log backend unavailable');
      },
    }),
    defineTool({
      name: 'restart_service',
      description: 'Restart a service',
      input: z.object({ namespace: z.string(), name: z.string() }),
      mutating: true,
      execute: ({ name }) => `${name} restarted`,
    }),
    defineTool({
      name: 'delete_namespace',
      description: 'Delete a namespace',
      input: z.object({ namespace: z.string() }),
      mutating: true,
      execute: () => 'deleted',
    }),
  ];
  const harness = createHarness({
    model: new ScriptedModel(script),
    tools,
    guardrails: {
      maxSteps,
      allow: ['get_status', 'get_logs', 'restart_service'],
      approver: callbackApprover((r) => r.tool === 'restart_service', 'kit'),
    },
    now: () => Date.UTC(2026, 0, 1),
  });
  const result = await harness.run(TASK, { runId: 'conformance' });
  // Verifiers run before the stop event exists; give them the same view.
  const trace = result.trace.filter((e) => e.kind !== 'stop');
  return {
    task: TASK,
    answer: result.answer,
    trace,
    runId: result.runId,
    stoppedReason: result.stoppedReason,
  };
}

/** The kit's sample runs: an investigation, a fix, refusals and failures, an exhausted budget, a model error. */
export async function sampleVerifyInputs(): Promise<VerifyInput[]> {
  const status = callTool('get_status', { namespace: 'web', name: 'api-5d8f9' });
  return [
    await sampleRun([status, finalAnswer('api-5d8f9 is OOMKilled (exit code 137) at 498Mi of 512Mi.')]),
    await sampleRun([
      status,
      callTool('get_logs', { namespace: 'web', name: 'api-5d8f9' }),
      callTool('restart_service', { namespace: 'web', name: 'api-5d8f9' }),
      finalAnswer('Restarted api-5d8f9 after it was OOMKilled.'),
    ]),
    await sampleRun([
      callTools(
        ['no_such_tool', {}],
        ['get_status', { namespace: 7 }],
        ['delete_namespace', { namespace: 'web' }],
      ),
      { nonsense: true },
      finalAnswer('The database is down.'),
    ]),
    await sampleRun([status, status, status], 3),
    await sampleRun([
      status,
      () => {
        throw new Error('upstream 500');
      },
    ]),
  ];
}

const GARBAGE: unknown[] = [
  null,
  undefined,
  42,
  'event',
  [],
  {},
  { kind: 'tool_result' },
  { kind: 'tool_call', step: 'one', callId: 7, tool: null, args: undefined },
  { kind: 'approval', granted: 'yes' },
  { kind: 'final' },
  { kind: 'a_kind_from_the_future', seq: 3, payload: { x: 1 } },
  { v: 99, seq: -1, ts: 'never', runId: '', kind: 'decision', step: Number.NaN, type: 'final', answer: 12 },
  { kind: 'run_start', tools: 'all' },
  {
    kind: 'tool_result',
    step: 1,
    callId: 'c9',
    tool: 'get_status',
    output: 'x'.repeat(100_000),
    chars: 1e5,
    truncated: true,
    durationMs: -1,
  },
];

function checkShape(v: unknown, verifier: Verifier, label: string): Verification {
  assert.ok(typeof v === 'object' && v !== null, `${label}: verify must return an object`);
  const out = v as Verification;
  assert.equal(out.name, verifier.name, `${label}: result name must be the verifier's name`);
  assert.equal(typeof out.passed, 'boolean', `${label}: passed must be a boolean`);
  assert.ok(
    typeof out.detail === 'string' && out.detail.trim().length > 0,
    `${label}: detail must say what a person should look at; got ${JSON.stringify(out.detail)}`,
  );
  return out;
}

async function call(verifier: Verifier, input: VerifyInput, label: string): Promise<Verification> {
  let out: unknown;
  try {
    out = await verifier.verify(input, { signal: signal() });
  } catch (e) {
    assert.fail(`${label}: verify threw ${e instanceof Error ? e.message : String(e)}`);
  }
  return checkShape(out, verifier, label);
}

/**
 * The Verifier port's contract as named checks: a name, a `{ name, passed, detail }` result with a detail
 * a person can act on, no throwing on empty, truncated or damaged traces, deterministic results and an
 * untouched input; plus the author's own cases. `factory` should return a fresh, configured verifier.
 */
export function verifierConformance(
  factory: () => Verifier,
  options: VerifierConformanceOptions = {},
): ConformanceCheck[] {
  let cached: Promise<VerifyInput[]> | undefined;
  const samples = async (): Promise<VerifyInput[]> => {
    if (cached === undefined) cached = sampleVerifyInputs();
    return [...(await cached), ...(options.samples ?? [])];
  };
  const checks: ConformanceCheck[] = [
    {
      name: 'has a name',
      run: async () => {
        const v = factory();
        assert.ok(
          typeof v.name === 'string' && v.name.trim().length > 0,
          'a verifier needs a non-empty name',
        );
        assert.equal(typeof v.verify, 'function');
      },
    },
    {
      name: 'returns name, passed and a detail on realistic runs',
      run: async () => {
        for (const [i, input] of (await samples()).entries())
          await call(factory(), input, `sample ${i} (${input.stoppedReason})`);
      },
    },
    {
      name: 'does not throw on an empty trace, whatever the answer and stop reason',
      run: async () => {
        const reasons: StoppedReason[] = ['completed', 'budget_exhausted', 'model_error', 'cancelled'];
        for (const stoppedReason of reasons) {
          for (const answer of [null, '', 'a', 'x'.repeat(50_000)]) {
            await call(
              factory(),
              { task: TASK, answer, trace: [], runId: 'r', stoppedReason },
              `empty trace, ${stoppedReason}`,
            );
          }
        }
      },
    },
    {
      name: 'does not throw on truncated traces',
      run: async () => {
        for (const input of await samples()) {
          for (let n = 0; n <= input.trace.length; n++) {
            await call(factory(), { ...input, trace: input.trace.slice(0, n) }, `first ${n} events`);
            await call(factory(), { ...input, trace: input.trace.slice(n) }, `events from ${n}`);
          }
        }
      },
    },
    {
      name: 'does not throw on damaged events or unknown kinds',
      run: async () => {
        const [first] = await samples();
        const base = first!;
        const damaged = [...GARBAGE, ...base.trace, ...GARBAGE] as TraceEvent[];
        await call(factory(), { ...base, trace: damaged }, 'garbage around a real trace');
        await call(factory(), { ...base, trace: GARBAGE as TraceEvent[] }, 'only garbage');
        const shuffled = [...base.trace].reverse();
        await call(factory(), { ...base, trace: shuffled }, 'events out of order');
        const duplicated = [...base.trace, ...base.trace];
        await call(factory(), { ...base, trace: duplicated }, 'events repeated');
      },
    },
    {
      name: 'is deterministic',
      run: async () => {
        for (const input of await samples()) {
          const a = await call(factory(), input, 'first call');
          const v = factory();
          const b = await call(v, input, 'second call');
          const c = await call(v, input, 'same instance again');
          assert.deepEqual(b, a, 'the same input must give the same result');
          assert.deepEqual(c, a, 'calling one instance twice must give the same result');
        }
      },
    },
    {
      name: 'does not mutate its input',
      run: async () => {
        for (const input of await samples()) {
          const copy = structuredClone(input);
          // Frozen: a write anywhere in the input throws inside the verifier and fails the check.
          await call(factory(), deepFreeze(structuredClone(input)), 'frozen input');
          await call(factory(), input, 'input');
          assert.deepEqual(input, copy, 'the verifier changed its input');
        }
      },
    },
  ];
  for (const c of options.cases ?? []) {
    checks.push({
      name: `case: ${c.name}`,
      run: async () => {
        const out = await call(factory(), c.input, c.name);
        assert.equal(out.passed, c.passed, `expected passed=${c.passed}; detail: ${out.detail}`);
      },
    });
  }
  return checks;
}

/** Registers the Verifier conformance checks as tests: `describeVerifierConformance('mine', () => mine(), { describe, it })`. */
export function describeVerifierConformance(
  name: string,
  factory: () => Verifier,
  t: TestRegistrar,
  options: VerifierConformanceOptions & RegisterOptions = {},
): void {
  registerConformance(`Verifier conformance: ${name}`, verifierConformance(factory, options), t, options);
}
