import { parseTable } from '../k8s-text.js';
import { glossOf } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  allPodsReady,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podListOf,
  type Read,
  runningPerWorkload,
} from './types.js';

/** The person reports an HTTP answer their users get: a status code or its reason phrase. */
const HTTP_ANSWER =
  /\b(?:HTTP )?[45]\d\d\b|\bBad Request\b|\bForbidden\b|\bUnauthorized\b|\bBad Gateway\b|\bGateway Time-?out\b|\bService Unavailable\b|\bToo Many Requests\b/i;
/** nginx's error-log levels, which say why it answered as it did (the access log only says what). */
const PROXY_LEVELS = '[error]|[warn]|[info]|[crit]|[alert]|[emerg]';

/**
 * Other namespaces the task names by their words: a namespace whose name, without its hyphens, is a
 * run of the task's words without their spaces ("the front door" names `frontdoor`, "edge proxy"
 * `edge-proxy`). At least five letters, so short names do not match by chance.
 */
function namedNamespaces(ctx: AnalyzerContext): string[] {
  const squeezed = ctx.task
    .slice(0, 4000)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
  return namespaceNames(ctx.seen)
    .filter((n) => n !== ctx.ns && !/^kube-|^default$/.test(n))
    .filter((n) => {
      const bare = n.replace(/-/g, '');
      return bare.length >= 5 && squeezed.includes(bare);
    })
    .slice(0, 2);
}

/**
 * Users get an HTTP error from a service whose own namespace is healthy, and the task names another
 * namespace (the proxy in front, "the front door"): that namespace's workloads are read too, their
 * logs and, for a proxy, its error log's levels, where nginx says why it answered 400 or 502 (the
 * access log only says that it did). A line there with a known meaning is the finding, named with the
 * service behind the proxy.
 */
export const frontingProxyAnalyzer: Analyzer = {
  name: 'fronting-proxy',
  reads(ctx): Read[] {
    if (!HTTP_ANSWER.test(ctx.task.slice(0, 4000)) || allPodsReady(ctx.seen, ctx.ns) !== true) return [];
    const reads: Read[] = [];
    for (const other of namedNamespaces(ctx)) {
      const listed = podListOf(ctx.seen, other);
      if (!listed) {
        reads.push({ tool: 'list_pods', args: { namespace: other } });
        continue;
      }
      for (const name of runningPerWorkload(listed.content, 2)) {
        const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name).pop();
        if (!log) {
          reads.push({ tool: 'get_pod_logs', args: { namespace: other, name } });
          continue;
        }
        // An access log (`"GET / HTTP/2.0" 400`): the proxy's own error lines, anywhere in its log.
        if (
          /HTTP\/[\d.]{1,3}" [45]\d\d /.test(log.content) &&
          !outputs(ctx.seen, 'search_pod_logs', (o) => o.args['name'] === name).length
        )
          reads.push({
            tool: 'search_pod_logs',
            args: {
              namespace: other,
              name,
              pattern: PROXY_LEVELS,
              context: 0,
              maxMatches: 8,
              lines: 100_000,
            },
          });
      }
    }
    return reads;
  },
  finds(ctx): Finding[] {
    if (!HTTP_ANSWER.test(ctx.task.slice(0, 4000)) || allPodsReady(ctx.seen, ctx.ns) !== true) return [];
    for (const other of namedNamespaces(ctx)) {
      const texts = [
        ...outputs(ctx.seen, 'search_pod_logs', (o) => o.args['namespace'] === other),
        ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === other && !o.args['previous']),
      ];
      for (const o of texts) {
        const lines = o.content
          .split('\n')
          .map((l) => l.replace(/^\d{1,7}[:-]/, ''))
          .filter((l) => l.length <= 4000);
        const hit = lines
          .map((line) => ({ line, gloss: glossOf(line) }))
          .filter((x) => x.gloss && !x.gloss.symptom)
          .pop();
        if (!hit?.gloss) continue;
        const pod = String(o.args['name']);
        const behind = outputs(ctx.seen, 'list_deployments', (d) => d.args['namespace'] === ctx.ns)
          .flatMap((d) => parseTable(d.content))
          .map((r) => r['NAME'] ?? '')
          .filter(Boolean);
        const release = outputs(ctx.seen, 'describe_deployment', (d) => d.args['namespace'] === ctx.ns)
          .map((d) => ({
            name: d.args['name'],
            cause: /kubernetes\.io\/change-cause=(.{1,200})$/m.exec(d.content)?.[1],
          }))
          .find((d) => d.cause);
        return [
          {
            weight: 78,
            object: `pod ${pod} (namespace ${other})`,
            cause: `the requests reach ${behind.length ? behind.join(', ') : `namespace ${ctx.ns}`} through ${ownerName(pod)} in namespace ${other}, and that proxy answers them itself: "${clip(hit.line, 220)}" — ${hit.gloss.means}.${release ? ` The service behind it last changed with "${clip(release.cause!, 160)}" (deployment ${String(release.name)}), which is what to check for what grew.` : ''} ${ctx.ns} itself is healthy: every pod there is Running and Ready.`,
            evidence: [`search_pod_logs ${pod}: "${clip(hit.line, 160)}"`],
            advice:
              'fix it where the proxy refuses the request (its configuration, or what the clients send it); the service behind it is not failing',
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
