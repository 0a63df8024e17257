import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  type Finding,
  namespacePods,
  outputs,
  podDeployment,
  podObject,
  type Read,
  unmadeReads,
} from './types.js';

/** Go's resolver error, `lookup <name> on <resolver>:53: …`: the address a lookup was sent to. */
const LOOKUP_ON = /\blookup ([a-z0-9][a-z0-9.-]{0,252}) on (\d{1,3}(?:\.\d{1,3}){3}):53\b/;
/** The lookup got no answer from that address, or a refusal. */
const NO_ANSWER =
  /i\/o timeout|connection refused|no route to host|network is unreachable|server misbehaving/i;
/** A resolver that does not know the cluster's names answers them "no such host" (NXDOMAIN). */
const NO_RECORD = /no such host|NXDOMAIN/i;
/** A cluster name (`<service>.<namespace>.svc…`), which only the cluster DNS answers. */
const CLUSTER_NAME = /\.svc(?:\.|$)|\.cluster\.local\.?$/;
/** Link-local resolver addresses (NodeLocal DNSCache's 169.254.20.10): a node-local cache, meant to be there. */
const LINK_LOCAL = /^169\.254\./;
const DNS_NS = 'kube-system';
/** The names clusters give the DNS Service that `clusterDNS` normally points at (kubeadm, k3s, RKE2, EKS, GKE). */
const DNS_SERVICE = /^(?:kube-dns|coredns|rke2-coredns-rke2-coredns)$/;

interface Lookup {
  readonly pod: string;
  readonly line: string;
  readonly resolver: string;
}

/**
 * The first failed lookup of each of the namespace's pod logs. `noRecord` counts a cluster name answered
 * "no such host" too: a sign only once the cluster DNS address is known (CoreDNS answers so for a name
 * that does not exist), so it calls for no read of its own.
 */
function failedLookups(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  ns: string,
  noRecord = false,
): Lookup[] {
  const out: Lookup[] = [];
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const line = boundedLogLines(o.content).find((l) => {
      if (l.length > 4000) return false;
      const m = LOOKUP_ON.exec(l);
      return m !== null && (NO_ANSWER.test(l) || (noRecord && NO_RECORD.test(l) && CLUSTER_NAME.test(m[1]!)));
    });
    if (line)
      out.push({ pod: String(o.args['name'] ?? ''), line: line.trim(), resolver: LOOKUP_ON.exec(line)![2]! });
  }
  return out;
}

/** The cluster DNS Service's name and cluster IP, from a listing of kube-system's Services. */
function clusterDns(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
): { name: string; ip: string } | undefined {
  for (const o of outputs(seen, 'list_services', (x) => x.args['namespace'] === DNS_NS).reverse())
    for (const r of parseTable(o.content.slice(0, 200_000)))
      if (DNS_SERVICE.test(r['NAME'] ?? '') && /^\d{1,3}(?:\.\d{1,3}){3}$/.test(r['CLUSTER-IP'] ?? ''))
        return { name: r['NAME']!, ip: r['CLUSTER-IP']! };
  return undefined;
}

/**
 * Whether the pod's resolver is the kubelet's clusterDNS: its spec (read with `get_resource`) has
 * `dnsPolicy` ClusterFirst (the default) and no host network, or ClusterFirstWithHostNet. Unknown, and so
 * false, until the spec is read.
 */
function kubeletResolver(ctx: Parameters<Analyzer['finds']>[0], pod: string): boolean {
  const y = outputs(
    ctx.seen,
    'get_resource',
    (o) => String(o.args['kind']).toLowerCase() === 'pod' && o.args['name'] === pod,
  )
    .pop()
    ?.content.slice(0, 200_000);
  if (y === undefined) return false;
  const policy = /^\s{2,8}dnsPolicy: (\S{1,40})\s*$/m.exec(y)?.[1] ?? 'ClusterFirst';
  const hostNetwork = /^\s{2,8}hostNetwork: true\s*$/m.test(y);
  return policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !hostNetwork);
}

/**
 * A pod whose lookups go to a resolver address that is not the cluster DNS Service's cluster IP, and get
 * no answer there. With `dnsPolicy: ClusterFirst` (the default) the nameserver in a pod's
 * `/etc/resolv.conf` is the kubelet's `clusterDNS` setting on the pod's node (Kubernetes' "DNS for Services
 * and Pods" and the kubelet configuration reference), so when the pods of one node get the wrong address
 * the node's kubelet is configured with it, and the replicas on other nodes resolve.
 */
export const wrongNameserverAnalyzer: Analyzer = {
  name: 'wrong-nameserver',
  first: true,
  reads(ctx): Read[] {
    const lookups = failedLookups(ctx.seen, ctx.ns).filter((l) => !LINK_LOCAL.test(l.resolver));
    if (lookups.length === 0) return [];
    const dns = clusterDns(ctx.seen);
    if (!dns) return unmadeReads(ctx.seen, [{ tool: 'list_services', args: { namespace: DNS_NS } }]);
    // Its DNS settings, once the address is known not to be the cluster DNS's: only with dnsPolicy
    // ClusterFirst does the node's kubelet give its resolver.
    const wrong = lookups.find((l) => l.resolver !== dns.ip);
    return wrong
      ? unmadeReads(ctx.seen, [
          { tool: 'get_resource', args: { kind: 'Pod', name: wrong.pod, namespace: ctx.ns } },
        ])
      : [];
  },
  finds(ctx): Finding[] {
    const dns = clusterDns(ctx.seen);
    if (!dns) return [];
    const wrong = failedLookups(ctx.seen, ctx.ns, true).find(
      (l) => l.resolver !== dns.ip && !LINK_LOCAL.test(l.resolver),
    );
    if (!wrong || !kubeletResolver(ctx, wrong.pod)) return [];
    const rows = namespacePods(ctx);
    const node = rows.find((r) => r['NAME'] === wrong.pod)?.['NODE'];
    const deployment = podDeployment(wrong.pod);
    // The workload's other pods, on other nodes, that run: they reach the cluster DNS.
    const elsewhere = rows.filter(
      (r) =>
        deployment !== undefined &&
        r['NAME'] !== wrong.pod &&
        podDeployment(r['NAME'] ?? '') === deployment &&
        r['STATUS'] === 'Running' &&
        r['NODE'] &&
        r['NODE'] !== node,
    );
    const others = [...new Set(elsewhere.map((r) => r['NODE']!))];
    const quoted = clip(wrong.line, 220);
    return [
      {
        weight: 93,
        object: podObject(deployment, wrong.pod),
        cause: `the pod ${wrong.pod}${node ? ` on node ${node}` : ''} sends its DNS lookups to ${wrong.resolver}, which is not the cluster DNS: the Service ${dns.name} in ${DNS_NS} is at ${dns.ip}, and nothing answers at ${wrong.resolver} ("${quoted}"). The nameserver in a pod's /etc/resolv.conf is the kubelet's clusterDNS setting on its node (dnsPolicy ClusterFirst), so ${node ? `node ${node}'s kubelet` : "the node's kubelet"} is configured with the wrong address${others.length > 0 ? `; the pods of ${deployment} on ${others.join(', ')} resolve and run` : ''}`,
        evidence: [
          `logs of ${wrong.pod}: "${quoted}"`,
          `list_services ${DNS_NS}: ${dns.name} ${dns.ip}`,
          ...(node
            ? [
                `list_pods ${ctx.ns}: ${wrong.pod} on ${node}${others.length > 0 ? `; running pods of ${deployment} on ${others.join(', ')}` : ''}`,
              ]
            : []),
        ],
        advice: `set the kubelet's clusterDNS on ${node ?? 'that node'} to ${dns.ip} (its KubeletConfiguration, from the node's bootstrap template) and restart the kubelet, or drain the node until it is fixed; the pods resolve once their resolv.conf names ${dns.ip}`,
      },
    ];
  },
};
