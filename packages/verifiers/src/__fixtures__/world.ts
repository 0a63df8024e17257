import {
  callbackApprover,
  createHarness,
  defineTool,
  type RunResult,
  type TraceEvent,
  type Verifier,
} from '@sre-harness/core';
import { ScriptedModel, type ScriptStep } from '@sre-harness/core/testing';
import { z } from 'zod';

const ns = z.object({ namespace: z.string() });
const named = z.object({ namespace: z.string(), name: z.string() });

const POD = 'checkout-7f9c4-xk2p9';

/** A small shop namespace with one crash-looping Java pod; outputs look like kubectl's. */
export function shopTools() {
  return [
    defineTool({
      name: 'list_pods',
      description: 'List pods',
      input: ns,
      mutating: false,
      execute: () =>
        [
          'NAME                    READY   STATUS             RESTARTS   AGE',
          `${POD}    0/1     CrashLoopBackOff   14         47m`,
          'cart-5b6d8-q7w2e        1/1     Running            0          3d',
        ].join('\n'),
    }),
    defineTool({
      name: 'describe_pod',
      description: 'Describe a pod',
      input: named,
      mutating: false,
      execute: ({ name }) => {
        if (name !== POD) throw new Error(`pods "${name}" not found`);
        return [
          `Name:         ${POD}`,
          'Namespace:    shop',
          'Containers:',
          '  app:',
          '    State:          Waiting',
          '      Reason:       CrashLoopBackOff',
          '    Last State:     Terminated',
          '      Reason:       OOMKilled',
          '      Exit Code:    137',
          '    Restart Count:  14',
          '    Limits:',
          '      memory:  512Mi',
        ].join('\n');
      },
    }),
    defineTool({
      name: 'get_pod_logs',
      description: 'Pod logs',
      input: named,
      mutating: false,
      execute: () =>
        [
          '2026-11-24T07:10:01Z INFO  started in 4.2 seconds',
          '2026-11-24T07:10:09Z ERROR java.lang.OutOfMemoryError: Java heap space',
          '2026-11-24T07:10:09Z INFO  shutting down',
        ].join('\n'),
    }),
    defineTool({
      name: 'describe_deployment',
      description: 'Describe a deployment',
      input: named,
      mutating: false,
      execute: ({ name }) => `Name: ${name}\nReplicas: 1 desired | 0 available\nImage: shop/checkout:2.14.1`,
    }),
    defineTool({
      name: 'restart_pod',
      description: 'Restart a pod',
      input: named,
      mutating: true,
      execute: ({ name }) => `pod "${name}" deleted`,
    }),
    defineTool({
      name: 'set_resources',
      description: 'Set resources',
      input: z.object({
        namespace: z.string(),
        deployment: z.string(),
        container: z.string(),
        memoryLimit: z.string(),
      }),
      mutating: true,
      execute: ({ deployment }) => `deployment.apps/${deployment} resource requirements updated`,
    }),
  ];
}

/** Runs a scripted agent against the shop world with every mutation approved and returns the result. */
export async function runScript(
  script: ScriptStep[],
  options: { verifiers?: Verifier[]; maxSteps?: number; task?: string } = {},
): Promise<RunResult> {
  const tools = shopTools();
  const harness = createHarness({
    model: new ScriptedModel(script),
    tools,
    guardrails: {
      maxSteps: options.maxSteps ?? 12,
      allow: tools.map((t) => t.name),
      approver: callbackApprover(() => true, 'oncall'),
    },
    verifiers: options.verifiers ?? [],
    now: () => Date.UTC(2026, 10, 24, 8, 0, 0),
  });
  return harness.run(options.task ?? 'checkout is flapping in namespace shop. What is wrong?', {
    runId: 'run-1',
  });
}

/** Calls a verifier on a finished run the way the harness does. */
export async function verifyRun(verifier: Verifier, run: RunResult, task?: string) {
  return verifier.verify(
    {
      task: task ?? 'checkout is flapping in namespace shop. What is wrong?',
      answer: run.answer,
      trace: run.trace as TraceEvent[],
      runId: run.runId,
      stoppedReason: run.stoppedReason,
    },
    { signal: new AbortController().signal },
  );
}

export { POD };
