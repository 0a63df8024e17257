import { type Analyzer, clip, type Finding, outputs, podsOf, type Read } from './types.js';

// A question about DNS lookups failing or timing out.
const ASKED = /\bdns\b|\blookups?\b|resolv|nxdomain|name resolution/i;
const NODE_CACHE = /^(?:node-local-dns|nodelocaldns)-/;
const KUBE_PROXY = /^kube-proxy-/;
// kube-proxy's own words for its mode (its log at start, or its configuration).
const IPVS_LOG = /Using ipvs Proxier/i;
const IPVS_CONFIG = /^[ \t]*(?:config\.conf:[^\n]{0,200})?mode:[ \t]*"?ipvs"?[ \t]*$/im;
// node-cache saying the address it wanted is already on kube-proxy's IPVS dummy interface.
const CLASH = /already assigned to kube-ipvs0/;

/** The addresses node-cache listens on (`-localip 169.254.20.10,10.96.0.10`). */
export function nodeCacheAddresses(body: string): string[] {
  const m = /-localip[=\s]+([0-9.,]{7,200})/.exec(body.slice(0, 20_000));
  return m ? m[1]!.split(',').filter(Boolean) : [];
}

/**
 * NodeLocal DNSCache set up for kube-proxy's iptables mode on nodes whose kube-proxy runs in IPVS mode
 * (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/#configuration): in iptables mode
 * node-cache listens on the link-local address and on the kube-dns Service IP and adds NOTRACK rules for
 * it; in IPVS mode kube-proxy binds every Service IP to its kube-ipvs0 interface, so node-cache must
 * listen on the link-local address only and the kubelet's clusterDNS must point there. With the
 * iptables setup under IPVS, lookups to the kube-dns IP time out although every DNS pod is Running
 * (deliveryhero/helm-charts#663).
 */
export const nodeLocalDnsIpvsAnalyzer: Analyzer = {
  name: 'nodelocaldns-ipvs',
  // DNS failing while a node-level DNS cache runs: its setup and kube-proxy's mode are read before
  // the pods the task names, so a short step budget does not run out first.
  first: true,
  reads(ctx): Read[] {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const listed = podsOf(ctx.seen, 'kube-system');
    if ('read' in listed) return ctx.ns === 'kube-system' ? [] : [listed.read];
    const rows = listed.rows.filter((r) => r['STATUS'] === 'Running');
    const cache = rows.find((r) => NODE_CACHE.test(r['NAME'] ?? ''));
    if (!cache) return [];
    const proxy = rows.find((r) => KUBE_PROXY.test(r['NAME'] ?? ''));
    return [
      { tool: 'describe_pod', args: { namespace: 'kube-system', name: cache['NAME'] } },
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: cache['NAME'] } },
      ...(proxy ? [{ tool: 'get_pod_logs', args: { namespace: 'kube-system', name: proxy['NAME'] } }] : []),
    ];
  },
  finds(ctx) {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const proxyLog = outputs(ctx.seen, 'get_pod_logs', (o) => KUBE_PROXY.test(String(o.args['name'])))
      .map((o) => o.content.slice(0, 200_000))
      .find((t) => IPVS_LOG.test(t));
    const proxyConfig = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'ConfigMap' && /kube-proxy/.test(String(o.args['name'])),
    ).find((o) => IPVS_CONFIG.test(o.content.slice(0, 50_000)));
    if (!proxyLog && !proxyConfig) return [];
    const out: Finding[] = [];
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => NODE_CACHE.test(String(o.args['name'])))) {
      const pod = String(d.args['name']);
      const addresses = nodeCacheAddresses(d.content);
      const serviceIp = addresses.find((a) => !a.startsWith('169.254.'));
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop()?.content ?? '';
      const clash = log.split('\n').find((l) => CLASH.test(l));
      if (!serviceIp && !clash) continue;
      out.push({
        weight: 84,
        object: `daemonset node-local-dns in kube-system`,
        cause: `NodeLocal DNSCache (node-local-dns) is set up for kube-proxy's iptables mode, but kube-proxy runs in IPVS mode${proxyLog ? ' (its log: "Using ipvs Proxier")' : ' (its ConfigMap: mode: ipvs)'}: node-cache listens on ${addresses.join(' and ') || 'the kube-dns Service IP'}${serviceIp ? ` — the kube-dns Service IP ${serviceIp} among them — ` : ' '}and relies on iptables rules for it, while under IPVS kube-proxy binds that Service IP to its kube-ipvs0 interface${clash ? ` ("${clip(clash.trim(), 140)}")` : ''}, so lookups pods send to ${serviceIp ?? 'the kube-dns IP'} time out although every DNS pod is Running. CoreDNS is not overloaded; scaling it changes nothing`,
        evidence: [
          `describe_pod ${pod}: -localip ${addresses.join(',')}`,
          ...(clash ? [`get_pod_logs ${pod}: "${clip(clash.trim(), 160)}"`] : []),
          ...(proxyLog ? ['get_pod_logs kube-proxy: "Using ipvs Proxier"'] : []),
        ],
        advice: `for IPVS mode, run node-local-dns on the link-local address only (-localip 169.254.20.10, without the kube-dns IP) and point the kubelets' clusterDNS at 169.254.20.10 — or move kube-proxy back to iptables mode`,
      });
    }
    return out;
  },
};
