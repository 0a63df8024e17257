import { parseQuantity } from '@sre-harness/tools-k8s';
import { type Analyzer, type Finding, flat, outputs } from './types.js';

/** Per pod, per container: CPU used and requested (cores), from a `get_pod_metrics` output. */
function cpuByContainer(text: string): Map<string, { name: string; used: number; request: number }[]> {
  const out = new Map<string, { name: string; used: number; request: number }[]>();
  let pod: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S{1,253})\s{2}restarts:/.exec(line);
    if (head) {
      pod = head[1]!;
      out.set(pod, []);
      continue;
    }
    const m = /^\s{1,8}([a-z0-9][a-z0-9-]{0,62}): cpu (\S{1,32}) \/ request (\S{1,32}) \//.exec(line);
    const used = parseQuantity(m?.[2]);
    const request = parseQuantity(m?.[3]);
    if (pod && m && used !== undefined && request !== undefined && request > 0)
      out.get(pod)!.push({ name: m[1]!, used, request });
  }
  return out;
}

const cores = (n: number) => (n < 1 ? `${Math.round(n * 1000)}m` : `${Number(n.toFixed(2))}`);

/**
 * An HPA on `Resource` CPU utilization computes it per pod: the sum of every container's usage over
 * the sum of their requests (kubernetes.io, "Horizontal Pod Autoscaling": container resource metrics).
 * A sidecar that requests much and uses little (a mesh proxy) dilutes the figure, so the app
 * container can run at or above its request, throttled, while the pod-level utilization stays under
 * the target and the HPA never scales out. The `ContainerResource` metric type scales on one
 * container instead. Found from the HPA's description and the pods' per-container metrics.
 */
export const hpaSidecarAnalyzer: Analyzer = {
  name: 'hpa-sidecar',
  reads: () => [],
  finds({ ns, seen }) {
    const out: Finding[] = [];
    const metrics = cpuByContainer(
      outputs(seen, 'get_pod_metrics', (o) => o.args['namespace'] === ns)
        .map((o) => o.content)
        .join('\n'),
    );
    for (const h of outputs(
      seen,
      'describe_resource',
      (o) => /^(horizontalpodautoscalers?|hpa)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
    )) {
      const lines = h.content.split('\n').map((l) => l.trim());
      if (!lines.includes('metrics[0].type: Resource') || !lines.includes('metrics[0].resource.name: cpu'))
        continue;
      const target = Number(flat(h.content, 'metrics[0].resource.target.averageUtilization'));
      const app = flat(h.content, 'scaleTargetRef.name');
      if (!app || !Number.isFinite(target)) continue;
      const pods = [...metrics].filter(([p]) => p.startsWith(`${app}-`) && /-[a-z0-9]{5}$/.test(p));
      const first = pods[0]?.[1];
      if (!first || first.length < 2) continue;
      const hot = first.find((c) => (c.used / c.request) * 100 >= target);
      const idle = first.find(
        (c) => c !== hot && (c.used / c.request) * 100 < target / 3 && c.request >= (hot?.request ?? 0),
      );
      if (!hot || !idle) continue;
      const used = first.reduce((s, c) => s + c.used, 0);
      const requested = first.reduce((s, c) => s + c.request, 0);
      const pod = Math.round((used / requested) * 100);
      if (pod >= target) continue;
      const name = String(h.args['name'] ?? '');
      out.push({
        weight: 88,
        object: `horizontalpodautoscaler ${name}`,
        cause: `HorizontalPodAutoscaler ${name} scales ${app} on Resource cpu utilization, which is computed per pod as the sum of all containers' usage over the sum of their requests: container ${hot.name} uses ${cores(hot.used)} of its ${cores(hot.request)} request (${Math.round((hot.used / hot.request) * 100)} %), but the sidecar container ${idle.name} requests ${cores(idle.request)} and uses ${cores(idle.used)}, which dilutes the pod-level figure to about ${pod} % (${cores(used)} of ${cores(requested)}), under the ${target} % target, so the HPA does not scale out while ${hot.name} is CPU-bound`,
        evidence: [
          `describe_resource HorizontalPodAutoscaler ${name}: metric Resource cpu, target ${target} %`,
          `get_pod_metrics ${pods[0]![0]}: ${hot.name} cpu ${cores(hot.used)} / request ${cores(hot.request)}; ${idle.name} cpu ${cores(idle.used)} / request ${cores(idle.request)}`,
        ],
        advice: `scale on the app container alone with a ContainerResource metric (container: ${hot.name}), or lower the ${idle.name} sidecar's CPU request to what it uses`,
      });
    }
    return out.slice(0, 1);
  },
};
