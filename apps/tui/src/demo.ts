import {
  type AnyTool,
  type ApprovalRequest,
  type Approver,
  createHarness,
  defineTool,
  type RunResult,
  type TraceSink,
} from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { z } from 'zod';

/** Options of `runDemo`. */
export interface DemoOptions {
  readonly trace: TraceSink;
  readonly approver: Approver;
  /** Pause before each model decision, so a person can watch the run move. Default 0. */
  readonly delayMs?: number;
  readonly signal?: AbortSignal;
  /** Trial number recorded in each run's meta. Default 0. */
  readonly trial?: number;
  /** The service the runs act on; a fresh one by default. */
  readonly world?: DemoWorld;
}

/** The tiny in-memory service of the demo: its tools, and how a call's target looks now. */
export interface DemoWorld {
  readonly tools: readonly AnyTool[];
  describeTarget(request: ApprovalRequest): string | undefined;
}

/** A deployment that is flapping (1 of 3 replicas ready), with a read tool and a restart tool. */
export function createDemoWorld(): DemoWorld {
  const replicas = new Map([['checkout', { ready: 1, desired: 3, restarts: 7 }]]);
  const getDeployment = defineTool({
    name: 'get_deployment',
    description: 'Reads a deployment status',
    input: z.object({ name: z.string() }),
    mutating: false,
    execute: async ({ name }) => JSON.stringify(replicas.get(name) ?? null),
  });
  const restartDeployment = defineTool({
    name: 'restart_deployment',
    description: 'Restarts a deployment',
    input: z.object({ name: z.string() }),
    mutating: true,
    execute: async ({ name }) => {
      const d = replicas.get(name);
      if (d) replicas.set(name, { ...d, ready: d.desired, restarts: 0 });
      return `restarted ${name}`;
    },
  });
  return {
    tools: [getDeployment, restartDeployment],
    describeTarget: (request) => {
      const name = (request.args as { name?: unknown } | null)?.name;
      const d = typeof name === 'string' ? replicas.get(name) : undefined;
      return d
        ? `deployment ${name}: ${d.ready}/${d.desired} replicas ready, ${d.restarts} restarts`
        : undefined;
    },
  };
}

const pause = (ms: number, signal?: AbortSignal) =>
  ms <= 0
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });

/**
 * Two scripted runs against a tiny in-memory service: one only reads and answers, the other asks
 * to restart a deployment (a mutation that needs approval). Shows the UI without a cluster or a key.
 */
export async function runDemo(options: DemoOptions): Promise<RunResult[]> {
  const world = options.world ?? createDemoWorld();
  const delay = options.delayMs ?? 0;
  const slow = (d: unknown) => async () => {
    await pause(delay, options.signal);
    return d;
  };
  const usage = { inputTokens: 420, outputTokens: 60, costUsd: 0.0021 };
  const scripts: { meta: Record<string, unknown>; steps: unknown[] }[] = [
    {
      meta: { scenario: 'demo-read', model: 'scripted', trial: options.trial ?? 0 },
      steps: [
        slow(callTool('get_deployment', { name: 'checkout' }, usage)),
        slow(finalAnswer('checkout has 1 of 3 replicas ready after 7 restarts; look at its logs.', usage)),
      ],
    },
    {
      meta: { scenario: 'demo-restart', model: 'scripted', trial: options.trial ?? 0 },
      steps: [
        slow(callTool('get_deployment', { name: 'checkout' }, usage)),
        slow(callTool('restart_deployment', { name: 'checkout' }, usage)),
        slow(finalAnswer('Restart requested for checkout; check that it reaches 3 ready replicas.', usage)),
      ],
    },
  ];
  return Promise.all(
    scripts.map((s) =>
      createHarness({
        model: new ScriptedModel(s.steps, { name: 'scripted' }),
        tools: world.tools,
        guardrails: {
          maxSteps: 6,
          allow: [{ tool: 'get_deployment' }, { tool: 'restart_deployment' }],
          approver: options.approver,
          approvalTimeoutMs: 10 * 60_000,
        },
        trace: options.trace,
        meta: s.meta,
      }).run('checkout is flapping; find out why and fix it if you can.', {
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    ),
  );
}
