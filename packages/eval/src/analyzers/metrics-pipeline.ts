import { parseDuration } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import { type Analyzer, type AnalyzerContext, boundedLogLines, clip, outputs, type Read } from './types.js';

// How the HPA controller and kubectl top say the resource metrics API (metrics.k8s.io) did not answer.
const NO_METRICS =
  /unable to fetch metrics from resource metrics API|metrics\.k8s\.io|unable to get metrics for resource (?:cpu|memory)|Metrics API not available/i;

/** Whether an autoscaler's status or an event says the resource metrics API is not answering. */
function metricsMissing(ctx: AnalyzerContext): boolean {
  return metricsSaid(ctx) || metricsRefusedInLogs(ctx);
}

/** Whether an autoscaler's status, an event or the scan says the resource metrics API is not answering. */
function metricsSaid(ctx: AnalyzerContext): boolean {
  const texts = [
    ...outputs(ctx.seen, 'describe_resource', (o) => o.args['kind'] === 'HorizontalPodAutoscaler'),
    ...outputs(ctx.seen, 'get_events'),
    ...outputs(ctx.seen, 'scan'),
  ];
  return texts.some((o) => NO_METRICS.test(o.content));
}

/**
 * Whether a program of the namespace that reads the resource metrics API itself (an executor scaling its
 * pools, a custom autoscaler) logs the API's refusal.
 */
function metricsRefusedInLogs(ctx: AnalyzerContext): boolean {
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).some((o) =>
    boundedLogLines(o.content, 400).some(
      (l) => l.length <= 8000 && l.includes('metrics.k8s.io') && REFUSED.test(l),
    ),
  );
}

/** A call the API refused or failed: what a client of metrics.k8s.io logs when it gets no metrics. */
const REFUSED =
  /\b(?:Unauthorized|Forbidden|ServiceUnavailable|Internal Server Error|the server is currently unable|(?:failed|unable) to (?:fetch|get|list|query|retrieve)|an error on the server|no metrics (?:known|returned))\b/i;

/**
 * The aggregation layer's requests refused by the server they are proxied to: it cannot verify the API
 * server's front-proxy client certificate (`"Unable to authenticate the request" err="… x509: certificate
 * signed by unknown authority"`), as the apiserver library of aggregated servers logs it.
 */
const CLIENT_CA_UNKNOWN =
  /Unable to authenticate the request[^\n]{0,400}x509: certificate signed by unknown authority/;

/** The metrics-server pods a search found, with their namespaces. */
function metricsServerPods(ctx: AnalyzerContext): { namespace: string; name: string; age?: string }[] {
  const found = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === 'metrics-server').pop();
  return parseTable(found?.content ?? '')
    .filter((r) => r['KIND'] === 'Pod' && r['NAME'] && r['NAMESPACE'])
    .map((r) => ({ namespace: r['NAMESPACE']!, name: r['NAME']!, ...(r['AGE'] ? { age: r['AGE'] } : {}) }));
}

/**
 * The Deployment a pod belongs to: its description's ReplicaSet (`Controlled By: ReplicaSet/<d>-<hash>`),
 * else a name of the shape `<deployment>-<pod-template-hash>-<5>` whose hash has a digit or no vowel (a
 * DaemonSet's or a static pod's `metrics-server-x7k2p` is no Deployment's). Undefined otherwise.
 */
function deploymentOfPod(pod: string, described: string | undefined): string | undefined {
  const rs = /^Controlled By:\s+(\S+)\/([a-z0-9][a-z0-9.-]{0,252})\s*$/m.exec(described ?? '');
  if (rs) return rs[1] === 'ReplicaSet' ? rs[2]!.replace(/-[a-z0-9]{6,10}$/, '') : undefined;
  const m = /^([a-z0-9][a-z0-9.-]{0,252})-([a-z0-9]{6,10})-[a-z0-9]{5}$/.exec(pod);
  return m && (/\d/.test(m[2]!) || !/[aeiou]/.test(m[2]!)) ? m[1] : undefined;
}

/** A search for metrics-server and the logs of its pods (at most two). */
function metricsServerReads(ctx: AnalyzerContext): Read[] {
  const reads: Read[] = [{ tool: 'find_objects', args: { name: 'metrics-server' } }];
  for (const p of metricsServerPods(ctx).slice(0, 2))
    reads.push({ tool: 'get_pod_logs', args: { namespace: p.namespace, name: p.name } });
  return reads;
}

/**
 * A program's own refused call to the metrics API is a signal as strong as a node's pressure: the same reads,
 * before the scan's follow-ups (an autoscaler's or an event's word keeps its place in the usual order).
 */
export const metricsRefusedAnalyzer: Analyzer = {
  name: 'metrics-refused',
  early: true,
  reads: (ctx) => (metricsRefusedInLogs(ctx) ? metricsServerReads(ctx) : []),
  finds: () => [],
};

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
    return metricsMissing(ctx) ? metricsServerReads(ctx) : [];
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
      const stale = CLIENT_CA_UNKNOWN.test(known) ? bad.find((l) => CLIENT_CA_UNKNOWN.test(l)) : undefined;
      if (stale) {
        const described = outputs(
          ctx.seen,
          'describe_pod',
          (o) => o.args['name'] === p.name && o.args['namespace'] === p.namespace,
        ).pop()?.content;
        const deployment = deploymentOfPod(p.name, described);
        // How long it has run: its container's start (`Started: … (41d ago)`), else the search's AGE.
        const age =
          /^\s+Started:\s+\S+ \((\d{1,6}[dhms](?:\d{1,4}[hms]){0,2}) ago\)/m.exec(described ?? '')?.[1] ??
          p.age;
        const ran = age ? parseDuration(age) : undefined;
        // Running for hours, it loaded the CA long ago: a rotation since is what it missed, and a restart
        // loads the current one. Started minutes ago, it has the current CA and a restart changes nothing.
        const old = ran !== undefined && ran >= 2 * 3600;
        const object = deployment
          ? `deployment ${deployment} in ${p.namespace}`
          : `pod ${p.name} in ${p.namespace}`;
        return [
          {
            weight: 92,
            object,
            cause: `the metrics API's requests fail because metrics-server cannot authenticate the API server: pod ${p.name} logs "${clip(stale, 200)}". The API server proxies each metrics.k8s.io request to metrics-server with its front-proxy client certificate, and metrics-server does not trust the CA that signs it (x509: certificate signed by unknown authority)${
              old
                ? `: the cluster's client CA was rotated after metrics-server started ${age} ago, and it still checks against the CA it loaded at start. A restart of metrics-server loads the current CA`
                : ": the client CA it is given (the requestheader client CA of the extension-apiserver-authentication ConfigMap in kube-system, or its --requestheader-client-ca-file) is not the one that signs the API server's front-proxy certificate"
            }. So every metrics call (the autoscalers, kubectl top, programs that read pod metrics) gets Unauthorized; the clients' RBAC is not the fault`,
            evidence: [`get_pod_logs ${p.namespace}/${p.name}: "${clip(stale, 160)}"`],
            advice: old
              ? `restart ${object} (kubectl rollout restart) so it loads the current client CA; after a CA rotation, restart the aggregated API servers too`
              : "give metrics-server the CA that signs the API server's front-proxy client certificate (the requestheader client CA), then restart it",
            ...(old && deployment
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
