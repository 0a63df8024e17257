// The simulated cluster alone, on the worlds of the default eval suite: for each scenario file in
// `scenarios/` (or the folder given), builds its world, makes the read-only tool calls an
// investigation makes (list, describe and logs of every pod in the scenario's namespace, events,
// Deployments, metrics), restarts the first Deployment (a rollout), lets it settle and takes the
// snapshot the eval judges; ROUNDS passes over all scenarios, in this thread. Prints the median
// wall and CPU time of one pass (CPU time is the steadier figure on a shared machine), per scenario
// and per tool call, and the heap after; asserts nothing.
//
// Usage (from packages/tools-k8s):
//   tsx --conditions=@sre-harness/source bench/sim-cluster.ts [scenario-folder]
//   BENCH_ROUNDS=30 (default 20). Without the condition it runs the built dist. For the heap after a
//   full collection run it as `node --expose-gc --import tsx bench/sim-cluster.ts`; add --cpu-prof to profile.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { k8sTools } from '@sre-harness/tools-k8s';
import { createSimCluster } from '@sre-harness/tools-k8s/sim';
import { parse } from 'yaml';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const folder = process.argv[2] ?? fileURLToPath(new URL('../../../scenarios', import.meta.url));
const ctx = { signal: new AbortController().signal, runId: 'bench', callId: 'c' };

interface Scenario {
  id?: string;
  namespace?: string;
  cluster: unknown;
}
const scenarios: Scenario[] = readdirSync(folder)
  .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
  .sort()
  .map((f) => parse(readFileSync(join(folder, f), 'utf8')) as Scenario)
  .filter((s) => s && typeof s.cluster === 'object');

let requests = 0;

/** One scenario's run: the calls an investigation and a fix make, then the judged end state. */
async function runOne(s: Scenario): Promise<number> {
  const cluster = createSimCluster(s.cluster);
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t]));
  const ns = s.namespace ?? 'default';
  let calls = 0;
  const call = async (name: string, args: Record<string, unknown>) => {
    calls++;
    try {
      await tools.get(name)?.execute(args, ctx);
    } catch {
      // A tool that refuses (no metrics, a container name needed) still made its request.
    }
  };
  await call('list_pods', { namespace: ns });
  await call('get_events', { namespace: ns });
  await call('list_deployments', { namespace: ns });
  const pods = cluster.listNow({ kind: 'Pod', namespace: ns });
  for (const p of pods) {
    await call('describe_pod', { namespace: ns, name: p.metadata?.name });
    await call('get_pod_logs', { namespace: ns, name: p.metadata?.name });
    await call('get_pod_logs', { namespace: ns, name: p.metadata?.name, previous: true });
  }
  const deployments = cluster.listNow({ kind: 'Deployment', namespace: ns });
  for (const d of deployments) await call('describe_deployment', { namespace: ns, name: d.metadata?.name });
  await call('get_pod_metrics', { namespace: ns });
  const first = deployments[0]?.metadata?.name;
  if (first) {
    calls++;
    await cluster.patch(
      { kind: 'Deployment', namespace: ns, name: first },
      {
        type: 'strategic',
        body: {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'bench' } } },
          },
        },
      },
    );
    await call('list_pods', { namespace: ns });
  }
  cluster.settle();
  cluster.snapshot();
  return calls;
}

const wall: number[] = [];
const cpu: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  requests = 0;
  for (const s of scenarios) requests += await runOne(s);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  wall.push(performance.now() - t0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const w = median(wall);
const c = median(cpu);
console.log(
  `${scenarios.length} scenarios, ${requests} tool calls per pass, ${ROUNDS} passes, medians per pass: ` +
    `CPU ${c.toFixed(1)} ms (${((c / scenarios.length) * 1000).toFixed(0)} µs per scenario, ` +
    `${((c / requests) * 1000).toFixed(1)} µs per call, settle included), wall ${w.toFixed(1)} ms`,
);
(globalThis as { gc?: () => void }).gc?.();
console.log(`heap used after: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`);
