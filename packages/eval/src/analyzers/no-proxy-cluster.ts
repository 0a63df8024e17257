import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/** The proxy variables Go's net/http, curl, Python's requests and most clients read (either case). */
const PROXY_VAR = /^\s{2,}(HTTPS?_PROXY|https?_proxy):\s+(\S{1,500})\s*$/m;
const NO_PROXY_VAR = /^\s{2,}(?:NO_PROXY|no_proxy):\s+(\S{1,4000})\s*$/m;
/** A cluster DNS name in a URL or a host:port a log line names (`secrets-vault.fleet.svc`, `…svc.cluster.local`). */
const CLUSTER_HOST = /\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,2}svc(?:\.cluster\.local)?)\b/;
/** How a failed call through a proxy reads: the proxy's own answer or error. */
const FAILED =
  /\b(?:50[234]|Gateway Time-?out|Bad Gateway|Service Unavailable|ERR_[A-Z_]{2,40}|proxy\w{0,6}|squid|timeout|timed out|refused|forbidden|407)\b/i;

/**
 * Whether `host` bypasses the proxy under the NO_PROXY list `noProxy`, as Go's net/http/httpproxy reads
 * it (curl and requests agree on these forms): `*` matches everything; a name matches itself and its
 * subdomains; a name with a leading dot matches its subdomains only. IP and CIDR entries do not match
 * names.
 */
export function bypassesProxy(host: string, noProxy: string): boolean {
  const h = host.toLowerCase();
  for (const raw of noProxy.split(',')) {
    const e = raw
      .trim()
      .toLowerCase()
      .replace(/:\d{1,5}$/, '');
    if (!e) continue;
    if (e === '*') return true;
    if (e.startsWith('.')) {
      if (h.endsWith(e)) return true;
    } else if (h === e || h.endsWith(`.${e}`)) return true;
  }
  return false;
}

/**
 * A workload whose calls to in-cluster Services go through an egress proxy: it sets HTTP_PROXY or
 * HTTPS_PROXY, and its NO_PROXY does not cover the cluster's names (`.svc`, `.cluster.local`), so a
 * call to `secrets-vault.fleet.svc` is sent to the proxy, which cannot resolve or reach cluster names
 * and answers an error of its own (a 504 with ERR_DNS_FAIL, a 502, a 403). Found from the container's
 * environment (describe_pod) and a failing call to a cluster name in its log; the fix adds the
 * cluster suffixes to NO_PROXY (an approved `set_env`).
 */
export const noProxyClusterAnalyzer: Analyzer = {
  name: 'no-proxy-cluster',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      for (const c of containerSections(d.content)) {
        const proxy = PROXY_VAR.exec(c.body);
        if (!proxy) continue;
        const noProxy = NO_PROXY_VAR.exec(c.body)?.[1] ?? '';
        // The proxy's own address is a cluster name too ("using proxy egress-proxy.egress.svc:3128 for
        // api.bank.example"): a line naming it is about the proxy, not a call to a cluster Service.
        const proxyHost = /^(?:[a-z][a-z0-9+.-]{0,20}:\/\/)?(?:[^@/\s]{0,200}@)?([^:/\s]{1,253})/i
          .exec(proxy[2] ?? '')?.[1]
          ?.toLowerCase();
        const logs = outputs(
          seen,
          'get_pod_logs',
          (o) => o.args['name'] === pod && (!o.args['container'] || o.args['container'] === c.name),
        ).map((o) => o.content.slice(-100_000));
        const calls: { line: string; host: string }[] = [];
        for (const text of logs)
          for (const line of text.split('\n')) {
            if (line.length > 2000) continue;
            const host = CLUSTER_HOST.exec(line)?.[1];
            if (
              host &&
              host.toLowerCase() !== proxyHost &&
              FAILED.test(line) &&
              !bypassesProxy(host, noProxy)
            )
              calls.push({ line: line.trim(), host });
          }
        // The line that shows the proxy answering (its name, its error code) says the most.
        const failing =
          calls.find((x) => /ERR_[A-Z_]{2,40}|squid|proxy|\bVia[=:]/i.test(x.line)) ?? calls.pop();
        if (!failing) continue;
        const owner = ownerDeployment(d.content);
        const widened = [noProxy, '.svc', '.svc.cluster.local', '.cluster.local'].filter(Boolean).join(',');
        const out: Finding = {
          weight: 91,
          object: podObject(owner, pod),
          cause: `its calls to the in-cluster service ${failing.host} go through the egress proxy: container ${c.name} sets ${proxy[1]}=${clip(proxy[2]!, 80)}, and its NO_PROXY (${noProxy ? clip(noProxy, 100) : 'not set'}) does not cover the cluster's names (.svc, .cluster.local), so the HTTP client sends the request to the proxy, which cannot resolve or reach cluster names and answers with its own error ("${clip(failing.line, 180)}"); ${failing.host} itself is not the problem`,
          evidence: [
            `describe_pod ${pod}: ${proxy[1]}: ${clip(proxy[2]!, 80)}; NO_PROXY: ${noProxy || '<not set>'}`,
            `get_pod_logs ${pod}: "${clip(failing.line, 180)}"`,
          ],
          advice: `add the cluster's names to NO_PROXY of ${owner ?? pod}/${c.name} (NO_PROXY=${clip(widened, 160)}, and the Service CIDR for calls by IP), so in-cluster calls go direct`,
          ...(noProxy.length < 3000
            ? envFix(
                ns,
                owner,
                c.name,
                [{ name: 'NO_PROXY', value: widened }],
                `add .svc, .svc.cluster.local and .cluster.local to NO_PROXY of ${owner}/${c.name}, so its in-cluster calls bypass the egress proxy`,
              )
            : {}),
        };
        return [out];
      }
    }
    return [];
  },
};
