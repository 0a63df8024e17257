import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import { type Analyzer, type AnalyzerContext, clip, outputs, type Read } from './types.js';

// How the HPA controller and kubectl top say the resource metrics API (metrics.k8s.io) did not answer.
const NO_METRICS =
  /unable to fetch metrics from resource metrics API|metrics\.k8s\.io|unable to get metrics for resource (?:cpu|memory)|Metrics API not available/i;

/** Whether an autoscaler's status or an event says the resource metrics API is not answering. */
function metricsMissing(ctx: AnalyzerContext): boolean {
  const texts = [
    ...outputs(ctx.seen, 'describe_resource', (o) => o.args['kind'] === 'HorizontalPodAutoscaler'),
    ...outputs(ctx.seen, 'get_events'),
    ...outputs(ctx.seen, 'scan'),
  ];
  return texts.some((o) => NO_METRICS.test(o.content));
}

/** The metrics-server pods a search found, with their namespaces. */
function metricsServerPods(ctx: AnalyzerContext): { namespace: string; name: string }[] {
  const found = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === 'metrics-server').pop();
  return parseTable(found?.content ?? '')
    .filter((r) => r['KIND'] === 'Pod' && r['NAME'] && r['NAMESPACE'])
    .map((r) => ({ namespace: r['NAMESPACE']!, name: r['NAME']! }));
}

/**
 * Autoscalers without metrics because metrics-server, which serves the resource metrics API
 * (metrics.k8s.io) to the HPA controller and `kubectl top`, fails: its own log says why (often that
 * it cannot scrape the kubelets: TLS, addresses, a NetworkPolicy). The reads: a search for
 * metrics-server and the log of its pods.
 * https://kubernetes.io/docs/tasks/debug/debug-cluster/resource-metrics-pipeline/ ;
 * https://github.com/kubernetes-sigs/metrics-server#requirements
 */
export const metricsPipelineAnalyzer: Analyzer = {
  name: 'metrics-pipeline',
  reads(ctx) {
    if (!metricsMissing(ctx)) return [];
    const reads: Read[] = [{ tool: 'find_objects', args: { name: 'metrics-server' } }];
    for (const p of metricsServerPods(ctx).slice(0, 2))
      reads.push({ tool: 'get_pod_logs', args: { namespace: p.namespace, name: p.name } });
    return reads;
  },
  finds(ctx) {
    if (!metricsMissing(ctx)) return [];
    for (const p of metricsServerPods(ctx)) {
      const log = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['name'] === p.name && o.args['namespace'] === p.namespace,
      ).pop();
      const bad = log ? errorLines(log.content) : [];
      const known = bad.find((l) => logGloss(l)) ?? bad[bad.length - 1];
      if (!known) continue;
      const means = logGloss(known);
      return [
        {
          // Above the autoscaler's own finding, which this one explains.
          weight: 92,
          object: `deployment metrics-server in ${p.namespace}`,
          cause: `the autoscalers get no metrics because metrics-server, which serves the resource metrics API (metrics.k8s.io) to the HPA controller and kubectl top, fails: pod ${p.name} logs "${clip(known, 200)}"${means ? ` — ${means}` : ''}. The HPA's metric spec is not the fault; its TARGETS show <unknown> until metrics-server serves metrics again`,
          evidence: [`get_pod_logs ${p.namespace}/${p.name}: "${clip(known, 160)}"`],
          advice:
            'fix metrics-server (what its log reports); the autoscalers recover once metrics.k8s.io answers',
        },
      ];
    }
    return [];
  },
};
