import { type Analyzer, type Finding, flat, outputs } from './types.js';

/** The HPA controller's default tolerance: a usage ratio within 10 % of 1 changes nothing. */
const TOLERANCE = 0.1;

/** The `averageUtilization` of the memory entry of a described HPA's `metrics` or `currentMetrics` list. */
function memoryUtilization(text: string, list: 'metrics' | 'currentMetrics'): number | undefined {
  for (let i = 0; i < 10; i++) {
    if (flat(text, `${list}[${i}].resource.name`) !== 'memory') continue;
    const path =
      list === 'metrics'
        ? `${list}[${i}].resource.target.averageUtilization`
        : `${list}[${i}].resource.current.averageUtilization`;
    const v = Number(flat(text, path));
    return Number.isFinite(v) && v > 0 ? v : undefined;
  }
  return undefined;
}

/** Whether a metric other than memory is above its utilization target in a described HPA. */
function otherMetricAbove(text: string): boolean {
  for (let i = 0; i < 10; i++) {
    const name = flat(text, `metrics[${i}].resource.name`);
    if (!name || name === 'memory') continue;
    const target = Number(flat(text, `metrics[${i}].resource.target.averageUtilization`));
    for (let j = 0; j < 10; j++) {
      if (flat(text, `currentMetrics[${j}].resource.name`) !== name) continue;
      const now = Number(flat(text, `currentMetrics[${j}].resource.current.averageUtilization`));
      if (target > 0 && now > target) return true;
    }
  }
  return false;
}

/**
 * A HorizontalPodAutoscaler that scales on memory utilization, above its `minReplicas`, whose memory
 * figure sits below its target but not far enough below to shrink it: the controller proposes
 * `ceil(currentReplicas × current / target)` replicas, and none at all within its 10 % tolerance of 1
 * (kubernetes.io, "Horizontal Pod Autoscaling": algorithm details). Most programs keep memory they have
 * taken (heaps, caches, allocator arenas) when load falls, and adding replicas does not lower each
 * pod's share, so the proposal stays at the current count: the HPA scaled out and never scales back in.
 */
export const memoryHpaFloorAnalyzer: Analyzer = {
  name: 'memory-hpa-floor',
  reads: () => [],
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const h of outputs(
      seen,
      'describe_resource',
      (o) => /^(horizontalpodautoscalers?|hpa)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
    )) {
      const target = memoryUtilization(h.content, 'metrics');
      const current = memoryUtilization(h.content, 'currentMetrics');
      const replicas = Number(flat(h.content, 'currentReplicas'));
      const min = Number(flat(h.content, 'minReplicas') ?? 1);
      const workload = flat(h.content, 'scaleTargetRef.name');
      if (!target || !current || !workload || !(replicas > min) || current > target) continue;
      // Another metric above its target holds the replicas (the HPA takes the largest proposal).
      if (otherMetricAbove(h.content)) continue;
      const ratio = current / target;
      const within = Math.abs(ratio - 1) <= TOLERANCE;
      const proposal = within ? replicas : Math.ceil(replicas * ratio);
      if (proposal < replicas) continue;
      const name = String(h.args['name']);
      out.push({
        weight: 82,
        object: `horizontalpodautoscaler ${name}`,
        cause: `HorizontalPodAutoscaler ${name} scales ${workload} on memory utilization (target ${target} % of the request), and the pods' memory stays at ${current} % whatever the load: a process keeps the memory it has taken when load falls, and more replicas do not lower each pod's share, so the memory figure does not drop and the HPA's proposal ${within ? `is inside its 10 % tolerance (${current} / ${target} = ${ratio.toFixed(2)}), which keeps ${replicas}` : `ceil(${replicas} × ${current} / ${target}) = ${proposal}`}: it scaled out to ${replicas} replicas and does not scale back in towards minReplicas ${min}`,
        evidence: [
          `describe_resource HorizontalPodAutoscaler ${name}: metric memory, target averageUtilization ${target}, current ${current}; currentReplicas ${replicas}, minReplicas ${min}`,
        ],
        advice: `scale ${workload} on CPU or a load metric (requests per second, queue length) instead of memory, or set the memory target well above what an idle pod holds`,
      });
    }
    return out.slice(0, 1);
  },
};
