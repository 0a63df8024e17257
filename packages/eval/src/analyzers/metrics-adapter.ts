import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { latestRevision } from './rollout-diff.js';
import { type Analyzer, type AnalyzerContext, clip, type Finding, outputs, type Read } from './types.js';

/** The HPA controller's words when the custom or external metrics API does not serve a metric. */
const API_FAILED = /unable to fetch metrics from (custom|external) metrics API/;
/** Deployments that serve those APIs: an adapter (prometheus-adapter, a KEDA metrics apiserver). */
const ADAPTER = /adapter|metrics-apiserver/;

/** Whether something read in the namespace says the HPA could not fetch a custom or external metric. */
function apiFailed(ctx: AnalyzerContext): 'custom' | 'external' | undefined {
  for (const o of ctx.seen) {
    if (o.status !== 'ok' || (o.args['namespace'] !== undefined && o.args['namespace'] !== ctx.ns)) continue;
    const m = API_FAILED.exec(o.content.slice(0, 200_000));
    if (m) return m[1] as 'custom' | 'external';
  }
  return undefined;
}

/** The adapter Deployments the search for "adapter" found, with a pod of each: at most one. */
function adapters(
  ctx: AnalyzerContext,
): { namespace: string; deployment: string; pod: string | undefined }[] {
  const rows = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === 'adapter').flatMap((o) =>
    parseTable(o.content),
  );
  return rows
    .filter((r) => r['KIND'] === 'Deployment' && ADAPTER.test(r['NAME'] ?? '') && r['NAMESPACE'])
    .map((r) => ({
      namespace: r['NAMESPACE']!,
      deployment: r['NAME']!,
      pod: rows.find(
        (p) =>
          p['KIND'] === 'Pod' &&
          p['NAMESPACE'] === r['NAMESPACE'] &&
          (p['NAME'] ?? '').startsWith(`${r['NAME']}-`),
      )?.['NAME'],
    }))
    .slice(0, 1);
}

/**
 * An HPA without its custom (or external) metric because the adapter that serves the metrics API fails:
 * the HPA controller says it cannot fetch the metric from the custom metrics API, and the adapter
 * (prometheus-adapter, found by a search for "adapter") logs that it cannot list its metrics ("unable to
 * update list of all metrics: no metrics retrieved for query"); its latest change cause, when it changed its
 * rules, says where to look. The workload whose metric it is, and its exporter, are not at fault. The reads:
 * the search, the adapter pod's log and its Deployment's description.
 */
export const metricsAdapterAnalyzer: Analyzer = {
  name: 'metrics-adapter',
  reads(ctx): Read[] {
    if (!apiFailed(ctx)) return [];
    if (!outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === 'adapter').length)
      return [{ tool: 'find_objects', args: { name: 'adapter' } }];
    const reads: Read[] = [];
    for (const a of adapters(ctx)) {
      if (a.pod && !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === a.pod).length)
        reads.push({ tool: 'get_pod_logs', args: { namespace: a.namespace, name: a.pod } });
      if (
        !outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['name'] === a.deployment && o.args['namespace'] === a.namespace,
        ).length
      )
        reads.push({ tool: 'describe_deployment', args: { namespace: a.namespace, name: a.deployment } });
    }
    return reads;
  },
  finds(ctx): Finding[] {
    const api = apiFailed(ctx);
    if (!api) return [];
    for (const a of adapters(ctx)) {
      const log = a.pod
        ? outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === a.pod).pop()
        : undefined;
      const text = log?.content.slice(-100_000) ?? '';
      // Its failure lines, else a line in its words of failing (a klog line whose header was mangled).
      const line =
        errorLines(text)
          .filter((l) => l.length <= 4000)
          .pop() ??
        text
          .split('\n')
          .filter((l) => l.length <= 4000 && /\bunable to\b|\bfailed to\b|\berror\b/i.test(l))
          .pop();
      if (!line) continue;
      const rev = latestRevision({ ...ctx, ns: a.namespace }, a.deployment);
      const change = rev?.cause && rev.n >= 2 ? rev : undefined;
      return [
        {
          weight: 88,
          object: `deployment ${a.deployment} in ${a.namespace}`,
          cause: `the HPA cannot fetch its metric from the ${api} metrics API, which deployment ${a.deployment} in namespace ${a.namespace} serves, and that adapter fails to build its list of metrics: "${clip(line.trim(), 200)}", so it serves none of its rules' metrics, the HPA's included${change ? `; its latest rollout (revision ${change.n}: "${clip(change.cause!, 160)}") changed its rules: check the rule that change added, whose series query finds nothing in Prometheus` : ''}. The workload whose metric it is, and what it exports, are not at fault`,
          evidence: [
            `get_pod_logs ${a.pod}: "${clip(line.trim(), 200)}"`,
            ...(change
              ? [
                  `describe_deployment ${a.deployment}: revision ${change.n}, change cause "${clip(change.cause!, 120)}"`,
                ]
              : []),
          ],
          advice: `fix or remove the adapter rule whose series query matches nothing (the one ${change ? 'its latest change added' : 'added last'}), then restart ${a.deployment} so it lists the metrics again`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
