import {
  type Analyzer,
  bonus,
  clip,
  described,
  flat,
  linesWith,
  listed,
  type Read,
  textOf,
} from './types.js';

const SCALING = /\b(hpa|autoscal\w*|scal(?:e|es|ing|ed)\b|replicas?\b.*\b(stuck|stay|not)|load|spike)/i;

/** HorizontalPodAutoscalers that cannot compute a metric (no requests) or are pinned at maxReplicas. */
export const hpaAnalyzer: Analyzer = {
  name: 'hpa',
  reads({ task, ns, seen, hints }) {
    const events = textOf(seen, 'get_events');
    if (
      !SCALING.test(task) &&
      !/FailedGetResourceMetric|FailedComputeMetricsReplicas|horizontal-pod-autoscaler/i.test(events)
    )
      return [];
    const reads: Read[] = [
      { tool: 'list_resources', args: { kind: 'HorizontalPodAutoscaler', namespace: ns } },
    ];
    const hpas = listed(seen, 'HorizontalPodAutoscaler');
    const order = [...hpas].sort((a, b) => bonus(b.name, hints) - bonus(a.name, hints));
    for (const h of order.slice(0, 2))
      reads.push({
        tool: 'describe_resource',
        args: { kind: 'HorizontalPodAutoscaler', name: h.name, namespace: ns },
      });
    return reads;
  },
  finds({ seen, hints }) {
    return listed(seen, 'HorizontalPodAutoscaler').flatMap((h) => {
      const d = described(seen, 'HorizontalPodAutoscaler', h.name);
      if (!d) return [];
      const target = flat(d, 'scaleTargetRef.name');
      const metric = linesWith(d, [
        'missing request for',
        'FailedGetResourceMetric',
        'unable to get metrics',
        'failed to get cpu',
        'failed to get memory',
      ])[0];
      if (metric) {
        const resource = /missing request for (cpu|memory)/.exec(d)?.[1] ?? 'cpu';
        return [
          {
            weight: 84 + bonus(h.name, hints) + (target ? bonus(target, hints) : 0),
            object: `horizontalpodautoscaler ${h.name}`,
            cause: `HorizontalPodAutoscaler ${h.name} cannot scale${target ? ` ${target}` : ''}: it cannot compute ${resource} utilization (FailedGetResourceMetric: missing request for ${resource}) because the target's containers set no ${resource} request, so its current utilization is <unknown> and it never adds replicas`,
            evidence: [`describe_resource HorizontalPodAutoscaler ${h.name}: ${clip(metric, 160)}`],
            advice: `set a ${resource} request on every container of ${target ?? 'the target deployment'} (set_resources requests.${resource}); utilization is measured against requests`,
          },
        ];
      }
      const max = flat(d, 'maxReplicas');
      const current = flat(d, 'currentReplicas');
      if (
        max &&
        current &&
        max === current &&
        /TooManyReplicas|ScalingLimited.*True|desired.*more than/i.test(d)
      ) {
        return [
          {
            weight: 74 + bonus(h.name, hints),
            object: `horizontalpodautoscaler ${h.name}`,
            cause: `HorizontalPodAutoscaler ${h.name} is at its maxReplicas (${max}) and wants more (ScalingLimited), so load beyond ${max} replicas is not absorbed`,
            evidence: [
              `describe_resource HorizontalPodAutoscaler ${h.name}: currentReplicas ${current}, maxReplicas ${max}`,
            ],
            advice: `raise maxReplicas of ${h.name} if the cluster has room`,
          },
        ];
      }
      return [];
    });
  },
};
