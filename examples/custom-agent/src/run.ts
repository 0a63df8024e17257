import { callbackSink, type RunResult } from '@sre-harness/core';
import { createSimCluster, type SimSnapshot } from '@sre-harness/tools-k8s/sim';
import { createSreAgent } from './agent.js';
import { traceLine } from './format.js';
import { scriptedSreModel } from './model.js';
import { ledgerOomWorld, NAMESPACE } from './world.js';

/** The task the example gives its agent. */
export const TASK = `The ledger service in namespace ${NAMESPACE} keeps restarting. Find out why and fix it if you safely can.`;

/** What one run of the example produced. */
export interface ExampleRun {
  readonly result: RunResult;
  /** The simulated cluster after the run: objects, deletions and the mutations the agent made. */
  readonly snapshot: SimSnapshot;
  /** The printed trace lines, in order. */
  readonly lines: readonly string[];
}

/** Runs the agent once on a fresh simulated cluster; `print` receives each trace line as it happens. */
export async function runExample(print: (line: string) => void = () => {}): Promise<ExampleRun> {
  const cluster = createSimCluster(ledgerOomWorld());
  const lines: string[] = [];
  const agent = createSreAgent({
    cluster,
    model: scriptedSreModel(),
    namespaces: [NAMESPACE],
    trace: [
      callbackSink((e) => {
        const line = traceLine(e);
        if (line === undefined) return;
        lines.push(line);
        print(line);
      }),
    ],
  });
  const result = await agent.run(TASK);
  return { result, snapshot: cluster.snapshot(), lines };
}
