import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podsOf,
  type Read,
} from './types.js';

/** A 429 the API says it counts per client address (its body's scope, a client_ip, "per IP"). */
const PER_IP = /\b429\b[^\n]{0,300}?(?:"scope"\s{0,2}:\s{0,2}"ip"|client_ip|per[- ]ip|ip address)/i;

/** The rate-limited line of the namespace's logs, the pod, and what names the API (a URL host, else the word before 429). */
function limited(ctx: AnalyzerContext) {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const text = o.content.slice(-200_000);
    const line = text.split('\n').find((l) => PER_IP.test(l));
    if (!line) continue;
    const host = /https?:\/\/([a-z0-9][a-z0-9.-]{2,252})/i.exec(text)?.[1];
    const word = /\b([a-z][a-z-]{4,40})\s{1,3}(?:returned\s)?429\b/i.exec(line)?.[1];
    const ip = /client_ip"?\s{0,2}[:=]\s{0,2}"?(\d{1,3}(?:\.\d{1,3}){3})/.exec(line)?.[1];
    const term = host ?? (word && !/^(status|error|http|code)$/i.test(word) ? word.slice(0, 6) : undefined);
    if (term) return { pod: String(o.args['name'] ?? ''), line: line.trim(), term, ip };
  }
  return undefined;
}

/**
 * An API's per-client-IP rate limit shared with another workload: every pod of the cluster reaches the
 * internet through the same NAT (egress) address, so a per-IP quota counts all of their calls
 * together; a workload well under its own share gets 429s while another (a backfill Job) uses the
 * quota up, and scaling the limited one only adds calls. Found by the other workload's log naming the
 * same API.
 */
export const sharedEgressLimitAnalyzer: Analyzer = {
  name: 'shared-egress-limit',
  reads(ctx): Read[] {
    if (!limited(ctx)) return [];
    const namespaces = [...new Set(namespaceNames(ctx.seen))]
      .filter((n) => n !== ctx.ns && !/^(kube-|default$)/.test(n))
      .slice(0, 3);
    const reads: Read[] = [];
    for (const n of namespaces) {
      const listed = podsOf(ctx.seen, n);
      if ('read' in listed) {
        reads.push(listed.read);
        continue;
      }
      const pod = listed.rows.find((r) => r['STATUS'] === 'Running')?.['NAME'];
      if (pod) reads.push({ tool: 'get_pod_logs', args: { namespace: n, name: pod } });
    }
    return reads;
  },
  finds(ctx) {
    const hit = limited(ctx);
    if (!hit) return [];
    const term = hit.term.toLowerCase();
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] !== ctx.ns)) {
      const line = o.content
        .slice(0, 200_000)
        .split('\n')
        .find((l) => l.toLowerCase().includes(term));
      if (!line) continue;
      const pod = String(o.args['name'] ?? '');
      const where = String(o.args['namespace'] ?? '');
      const workload = ownerName(pod);
      const out: Finding = {
        weight: 91,
        object: `${workload} in ${where}`,
        cause: `the API rate-limits per client IP ("${clip(hit.line, 150)}"), and every pod of the cluster reaches it through the same NAT (egress) IP${hit.ip ? ` ${hit.ip}` : ''}, so the calls of all workloads count against one quota: ${workload} in namespace ${where} calls the same API (its log: "${clip(line.trim(), 140)}") and uses up the shared quota, so ${ownerName(hit.pod)} gets 429 although its own rate is below the limit; more replicas would only add calls to the same IP's quota`,
        evidence: [
          `get_pod_logs ${hit.pod}: ${clip(hit.line, 160)}`,
          `get_pod_logs ${pod} (namespace ${where}): ${clip(line.trim(), 160)}`,
        ],
        advice: `throttle or pause ${workload} (or give it its own API key and egress IP), and agree a quota per workload with the API's owner; do not scale the rate-limited service`,
      };
      return [out];
    }
    return [];
  },
};
