import { parseQuantity } from '@sre-harness/tools-k8s';
import {
  type Analyzer,
  clip,
  envFix,
  type Finding,
  metricLines,
  outputs,
  podDeployment,
  type Read,
  searchedLines,
} from './types.js';

// A container's CPU against its limit in get_pod_metrics: `planner: cpu 2 / request 1 / limit 2 (100%)`.
const CPU_AT_LIMIT =
  /^\s*([a-z0-9][a-z0-9.-]{0,62}):\s*cpu\s+(\S{1,20})\s*\/(?:\s*request\s+\S{1,20}\s*\/)?\s*limit\s+(\S{1,20})\s*\((\d{1,4})%\)/i;
// What a Go program (or automaxprocs) logs of its scheduler's parallelism: `gomaxprocs=64`,
// `GOMAXPROCS=64`, `maxprocs: Leaving GOMAXPROCS=64: CPU quota undefined`, `"gomaxprocs":64`.
const MAXPROCS = /\bgomaxprocs"?\s*[=:]\s*"?(\d{1,4})\b/i;
const PATTERN = 'gomaxprocs';

interface Throttled {
  readonly pod: string;
  readonly container: string;
  readonly limit: number;
  readonly line: string;
}

/** Containers at 90 % or more of their CPU limit, from the metrics read in `ns`. */
function throttled(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Throttled[] {
  const out: Throttled[] = [];
  for (const { pod, line } of metricLines(seen, ns)) {
    const cpu = CPU_AT_LIMIT.exec(line);
    const limit = cpu ? parseQuantity(cpu[3]!) : undefined;
    if (!cpu || limit === undefined || Number(cpu[4]) < 90) continue;
    out.push({ pod, container: cpu[1]!, limit, line: line.trim() });
  }
  return out;
}

/**
 * A Go program throttled at its CPU limit because its runtime runs as many threads as the node has
 * CPUs: before Go 1.25 GOMAXPROCS defaults to the machine's CPU count, not the container's CFS quota
 * (go.dev/doc/go1.25, "container-aware GOMAXPROCS"), so on a large node a 2-CPU container runs 64
 * threads that use the quota up early in each 100 ms period and then wait, garbage collection
 * included; latency grows while usage looks pinned at the limit. Raising the limit does not cure it.
 * Found from the program's own log of its GOMAXPROCS (searched for when the tail read does not show
 * it); the fix sets GOMAXPROCS to the CPU limit (an approved `set_env`).
 */
export const goMaxprocsAnalyzer: Analyzer = {
  name: 'go-maxprocs',
  first: true,
  reads({ ns, seen }): Read[] {
    for (const t of throttled(seen, ns)) {
      const log = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === t.pod && !o.args['previous']).pop();
      if (!log || MAXPROCS.test(log.content.slice(-200_000))) continue;
      const searched = outputs(
        seen,
        'search_pod_logs',
        (o) => o.args['name'] === t.pod && o.args['pattern'] === PATTERN,
      );
      if (searched.length > 0) continue;
      return [
        {
          tool: 'search_pod_logs',
          args: {
            namespace: ns,
            name: t.pod,
            container: t.container,
            pattern: PATTERN,
            context: 0,
            maxMatches: 3,
          },
        },
      ];
    }
    return [];
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    const set = new Set<string>();
    for (const t of throttled(seen, ns)) {
      const lines = [
        ...(outputs(seen, 'get_pod_logs', (o) => o.args['name'] === t.pod && !o.args['previous'])
          .pop()
          ?.content.slice(-200_000)
          .split('\n') ?? []),
        ...searchedLines(seen, (o) => o.args['name'] === t.pod && o.args['pattern'] === PATTERN),
      ];
      const said = lines.find((l) => l.length <= 2000 && MAXPROCS.test(l));
      const procs = said ? Number(MAXPROCS.exec(said)![1]) : undefined;
      if (!said || procs === undefined || procs <= Math.ceil(t.limit)) continue;
      const deployment = podDeployment(t.pod);
      const key = `${deployment ?? t.pod}/${t.container}`;
      if (set.has(key)) continue;
      set.add(key);
      const want = String(Math.max(1, Math.floor(t.limit)));
      out.push({
        weight: 93,
        object: deployment ? `deployment ${deployment}` : `pod ${t.pod}`,
        cause: `the Go runtime in ${t.pod} runs with GOMAXPROCS ${procs}, the node's CPU count, while its container may use ${t.limit} CPU: its log says "${clip(said.trim(), 140)}". Go before 1.25 sizes GOMAXPROCS from the node's CPUs, not the container's CFS quota, so ${procs} threads use up the ${t.limit}-CPU quota early in each 100 ms period and then all wait (garbage collection too): the CPU throttling and the latency come from that (${clip(t.line, 100)}), and a higher limit would not cure it`,
        evidence: [
          `get_pod_metrics ${t.pod}: ${clip(t.line, 120)}`,
          `get_pod_logs ${t.pod}: "${clip(said.trim(), 160)}"`,
        ],
        advice: `set GOMAXPROCS to the CPU limit (${want}) on ${deployment ?? t.pod}/${t.container}, or use go.uber.org/automaxprocs or Go 1.25+, which follow the container's quota`,
        ...envFix(
          ns,
          deployment,
          t.container,
          [{ name: 'GOMAXPROCS', value: want }],
          `set GOMAXPROCS=${want} on ${deployment}/${t.container}, its CPU limit, so the Go runtime stops running ${procs} threads against a ${t.limit}-CPU quota`,
        ),
        revisionSound: true,
      });
    }
    return out;
  },
};
