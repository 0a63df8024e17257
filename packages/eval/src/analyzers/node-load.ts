import { parseQuantity } from '@sre-harness/tools-k8s';
import {
  type Analyzer,
  type AnalyzerContext,
  nodeConditions,
  outputs,
  podsOnNode,
  section,
} from './types.js';

/** `cpu 7500m (95%)` of a describe_node `Allocated resources:` section, per resource. */
function allocated(text: string): Map<string, { requests: string; percent: number }> {
  const out = new Map<string, { requests: string; percent: number }>();
  for (const line of section(text, 'Allocated resources').split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 3 || (cols[0] !== 'cpu' && cols[0] !== 'memory')) continue;
    const percent = /^\((\d{1,4})%\)$/.exec(cols[2] ?? '')?.[1];
    if (percent !== undefined) out.set(cols[0], { requests: cols[1] ?? '', percent: Number(percent) });
  }
  return out;
}

/** Whether a node description says Ready and no pressure condition. */
function healthy(text: string): boolean {
  const status = nodeConditions(text);
  return (
    status.get('Ready') === 'True' &&
    ['MemoryPressure', 'DiskPressure', 'PIDPressure'].every((t) => status.get(t) !== 'True')
  );
}

/** CPU in cores used by one pod, summed over its containers, from get_pod_metrics. */
function cpuUsed(metrics: string, pod: string): number | undefined {
  let inPod = false;
  let sum: number | undefined;
  for (const line of metrics.split('\n')) {
    if (/^\S/.test(line)) inPod = line.split(/\s+/)[0] === pod;
    else if (inPod) {
      const used = /:\s*cpu\s+(\S+)/.exec(line)?.[1];
      const q = used ? parseQuantity(used) : undefined;
      if (q !== undefined) sum = (sum ?? 0) + q;
    }
  }
  return sum;
}

const HEAVY = 80;

/**
 * A node the person worries about that is healthy, with high requests: requests are what the
 * scheduler reserves for pods (describe node's "Allocated resources"), not what they use. The reads:
 * the metrics of the node's pods' namespaces (at most two). The note: the node's conditions, its
 * reserved share and the actual usage of its pods.
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-requests-are-scheduled
 */
export const nodeLoadAnalyzer: Analyzer = {
  name: 'node-load',
  finds: () => [],
  reads({ seen }: AnalyzerContext) {
    const reads: { tool: string; args: Record<string, unknown> }[] = [];
    for (const d of outputs(seen, 'describe_node')) {
      const a = allocated(d.content);
      if (!healthy(d.content) || ![...a.values()].some((x) => x.percent >= HEAVY)) continue;
      for (const ns of [...new Set(podsOnNode(d.content).map((p) => p.namespace))].slice(0, 2))
        reads.push({ tool: 'get_pod_metrics', args: { namespace: ns } });
    }
    return reads;
  },
  notes({ seen }: AnalyzerContext): string[] {
    const out: string[] = [];
    for (const d of outputs(seen, 'describe_node')) {
      const a = allocated(d.content);
      const heavy = [...a.entries()].filter(([, x]) => x.percent >= HEAVY);
      if (!healthy(d.content) || heavy.length === 0) continue;
      const node = String(d.args['name'] ?? '');
      const metrics = outputs(seen, 'get_pod_metrics')
        .map((o) => o.content)
        .join('\n');
      const pods = podsOnNode(d.content);
      const used = pods.map((p) => cpuUsed(metrics, p.name));
      const known = used.filter((u): u is number => u !== undefined);
      const allocatable = parseQuantity(
        section(d.content, 'Allocatable')
          .split('\n')
          .map((l) => l.trim())
          .find((l) => l.startsWith('cpu:'))
          ?.slice(4)
          .trim() ?? '',
      );
      const usage =
        known.length > 0
          ? ` Actual usage is far lower: its pods use ${Math.round(known.reduce((x, y) => x + y, 0) * 1000)}m CPU in all${
              allocatable
                ? ` (${Math.round((known.reduce((x, y) => x + y, 0) / allocatable) * 100)}% of allocatable)`
                : ''
            } by their metrics.`
          : '';
      out.push(
        `Node ${node} is healthy: Ready, with no MemoryPressure, DiskPressure or PIDPressure. Its ${heavy
          .map(([r, x]) => `${r} requests are ${x.requests} (${x.percent}% of allocatable)`)
          .join(
            ' and ',
          )}: requests are what the scheduler reserves for the pods placed there, not what they use, so a high figure means the node is fully booked for new pods, not overloaded.${usage} Nothing needs cordoning or moving; if pods must fit, lower over-sized requests.`,
      );
    }
    return out;
  },
};
