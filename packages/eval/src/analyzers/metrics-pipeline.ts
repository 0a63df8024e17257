import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import { type Analyzer, type AnalyzerContext, boundedLogLines, clip, outputs, type Read } from './types.js';

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
  if (texts.some((o) => NO_METRICS.test(o.content))) return true;
  // A program of the namespace that reads the resource metrics API itself (an executor scaling its pools,
  // a custom autoscaler) and logs its refusal.
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).some((o) =>
    boundedLogLines(o.content, 400).some(
      (l) => l.length <= 8000 && l.includes('metrics.k8s.io') && REFUSED.test(l),
    ),
  );
}

/** A call the API refused or failed: what a client of metrics.k8s.io logs when it gets no metrics. */
const REFUSED =
  /\b(?:Unauthorized|Forbidden|ServiceUnavailable|Internal Server Error|the server is currently unable|failed|error)\b/i;

/**
 * The aggregation layer's requests refused by the server they are proxied to: it cannot verify the API
 * server's front-proxy client certificate (`"Unable to authenticate the request" err="… x509: certificate
 * signed by unknown authority"`), as the apiserver library of aggregated servers logs it.
 */
const CLIENT_CA_UNKNOWN =
  /Unable to authenticate the request[^\n]{0,400}x509: certificate signed by unknown authority/;

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
  early: true,
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
      // It worked for a long time and then began refusing the API server's client certificate: the CA
      // that signs it (the cluster's front-proxy CA) was rotated after metrics-server started, and
      // metrics-server still checks against the one it read then. A restart loads the current one.
      const since = /\((\d{1,4})d ago\)/.exec(
        outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === p.name).pop()?.content ?? '',
      )?.[1];
      const stale = CLIENT_CA_UNKNOWN.test(known) ? bad.find((l) => CLIENT_CA_UNKNOWN.test(l)) : undefined;
      if (stale) {
        const deployment = p.name.replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '');
        return [
          {
            weight: 92,
            object: `deployment ${deployment} in ${p.namespace}`,
            cause: `the metrics API's requests fail because metrics-server cannot authenticate the API server: pod ${p.name} logs "${clip(stale, 200)}". The API server proxies each metrics.k8s.io request to metrics-server with its front-proxy client certificate, and metrics-server no longer trusts the CA that signs it (x509: certificate signed by unknown authority): the cluster's client CA was rotated${since ? ` after metrics-server started ${since} days ago` : ' after metrics-server started'}, and it still checks against the CA it loaded at start. So every metrics call (the autoscalers, kubectl top, programs that read pod metrics) gets Unauthorized. A restart of metrics-server loads the current CA; the clients' RBAC is not the fault`,
            evidence: [`get_pod_logs ${p.namespace}/${p.name}: "${clip(stale, 160)}"`],
            advice: `restart deployment ${deployment} in ${p.namespace} (kubectl rollout restart) so it loads the current client CA; after a CA rotation, restart the aggregated API servers too`,
            ...(deployment !== p.name
              ? {
                  fix: {
                    tool: 'restart_deployment',
                    args: { namespace: p.namespace, name: deployment },
                    text: `restart deployment ${deployment} in ${p.namespace} so it loads the current client CA`,
                  },
                }
              : {}),
          },
        ];
      }
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
