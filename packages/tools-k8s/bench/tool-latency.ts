// Tool-call latency on the simulated cluster: the same read-only tool calls in memory and through the
// real adapter over the simulated API server (HTTP on loopback), plus the cost of building a world.
// Prints medians in milliseconds; nothing is asserted.
import type { AnyTool } from '@sre-harness/core';
import { k8sTools, realCluster } from '@sre-harness/tools-k8s';
import { checkoutOomWorld, createSimCluster, serveCluster } from '@sre-harness/tools-k8s/sim';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const ctx = { signal: new AbortController().signal, runId: 'bench', callId: 'c' };
const CALLS: [string, Record<string, unknown>][] = [
  ['list_pods', { namespace: 'shop' }],
  ['describe_pod', { namespace: 'shop', name: 'checkout-7f9c8d6b5-x2k4p' }],
  ['get_pod_logs', { namespace: 'shop', name: 'checkout-7f9c8d6b5-x2k4p', previous: true }],
  ['get_pod_metrics', { namespace: 'shop' }],
  ['get_events', { namespace: 'shop' }],
  ['describe_deployment', { namespace: 'shop', name: 'checkout' }],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeCalls(tools: AnyTool[]): Promise<Record<string, number>> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const out: Record<string, number> = {};
  for (const [name, args] of CALLS) {
    const tool = byName.get(name)!;
    const samples: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      await tool.execute(args, ctx);
      samples.push(performance.now() - t0);
    }
    out[name] = median(samples);
  }
  return out;
}

const build: number[] = [];
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  createSimCluster(checkoutOomWorld());
  build.push(performance.now() - t0);
}
console.log(`build the seed world: ${median(build).toFixed(2)} ms (median of 50)`);

const memory = await timeCalls(k8sTools(createSimCluster(checkoutOomWorld())));
const served = createSimCluster(checkoutOomWorld());
const server = await serveCluster(served);
const http = await timeCalls(k8sTools(realCluster({ kubeconfig: server.kubeconfigPath })));
await server.close();

console.log(`tool call medians over ${ROUNDS} rounds (ms): in-memory vs real adapter over HTTP`);
for (const [name] of CALLS) {
  console.log(
    `  ${name.padEnd(20)} ${memory[name]!.toFixed(3).padStart(8)}  ${http[name]!.toFixed(3).padStart(8)}`,
  );
}
