import { errorLines, warningLines } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  configMapText,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/** Where the cluster's DNS settings live: CoreDNS's ConfigMap, and kubeadm's kubelet configuration. */
const DNS_NS = 'kube-system';

/**
 * A Service's fully qualified name in a line (`hubble-peer.kube-system.svc.cluster.local:443`), or a pod's
 * under its headless Service (`db-0.db.data.svc.cluster.local`): the pod's label with its dot (or ''), the
 * Service, its namespace and the domain after `.svc.`. Every part is bounded, so matching is linear.
 */
const FQDN =
  /\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)?)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc\.([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4})\b/;

/** A dial that got no answer at all: a timeout, or a name that does not resolve. */
const UNANSWERED =
  /i\/o timeout|timed out|deadline exceeded|no such host|NXDOMAIN|(?:could not|couldn't|unable to|cannot|can't|failed to) resolve|Name or service not known|Name does not resolve|ENOTFOUND|EAI_AGAIN|UnknownHost|unknown host/i;

interface Dialled {
  readonly pod: string;
  readonly line: string;
  readonly host: string;
  /** A pod's own label and its dot (`db-0.`) under a headless Service, else ''. */
  readonly label: string;
  readonly service: string;
  readonly namespace: string;
  readonly domain: string;
}

/** The first failure or warning line of a read log in the namespace that names a Service by its full name. */
function dialled(ctx: AnalyzerContext): Dialled | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const text = o.content.slice(-100_000);
    for (const line of [...errorLines(text), ...warningLines(text)]) {
      if (line.length > 4000) continue;
      const m = FQDN.exec(line);
      // A name that resolved gets an answer (refused, reset, a status): only one that gets none counts.
      if (!m || !UNANSWERED.test(line)) continue;
      return {
        pod: String(o.args['name'] ?? ''),
        line: line.trim(),
        host: m[0],
        label: m[1]!,
        service: m[2]!,
        namespace: m[3]!,
        domain: m[4]!,
      };
    }
  }
  return undefined;
}

/** The text of a ConfigMap in kube-system, once described (first) or fetched. */
function configMap(ctx: AnalyzerContext, name: string): string | undefined {
  return (
    outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === DNS_NS,
    ).pop()?.content ?? configMapText(ctx.seen, name, DNS_NS)
  );
}

/**
 * The zones CoreDNS's kubernetes plugin serves (the cluster's DNS domain first), from its Corefile: every
 * name on the plugin's line before its block, the reverse zones aside.
 */
const servedZones = (corefile: string): string[] =>
  (/^\s*kubernetes[ \t]+([a-z0-9. \t-]{1,600})/m.exec(corefile)?.[1] ?? '')
    .trim()
    .split(/\s+/)
    .map((z) => z.replace(/\.$/, ''))
    .filter((z) => z && !/(?:^|\.)(?:in-addr|ip6)\.arpa$/.test(z))
    .slice(0, 10);
/** The kubelet's clusterDomain (KubeConfiguration in kubeadm's kubelet-config ConfigMap). */
const kubeletDomain = (text: string) =>
  /^\s*clusterDomain:\s*"?([a-z0-9.-]{1,253})/m.exec(text)?.[1]?.replace(/\.$/, '');

/**
 * A program that dials a Service under a DNS domain the cluster does not have: its failure line names
 * `<service>.<namespace>.svc.cluster.local` (the default domain, written into a setting), while CoreDNS
 * serves the cluster's own domain (the kubernetes plugin's zone) and the kubelet, when its configuration
 * was read, gives pods the same one. The name never resolves, so the connection never opens (a timeout,
 * no peers), whatever the certificates or the Service. When the kubelet's domain is not known and the line
 * is a failed lookup, `dns-forward` reads it as a typo in the Corefile instead; here both agree, or the
 * line is not a lookup. Sources: kubernetes.io, "DNS for Services and Pods" (`<service>.<ns>.svc.<cluster
 * domain>`); coredns.io, the kubernetes plugin.
 */
export const clusterDomainAnalyzer: Analyzer = {
  name: 'cluster-domain',
  first: true,
  reads(ctx): Read[] {
    const d = dialled(ctx);
    if (!d) return [];
    const corefile = configMap(ctx, 'coredns');
    if (!corefile)
      return [{ tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'coredns', namespace: DNS_NS } }];
    const zones = servedZones(corefile);
    if (zones.length === 0 || zones.includes(d.domain) || configMap(ctx, 'kubelet-config')) return [];
    return [
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'kubelet-config', namespace: DNS_NS } },
    ];
  },
  finds(ctx): Finding[] {
    const d = dialled(ctx);
    if (!d) return [];
    const corefile = configMap(ctx, 'coredns');
    const zones = corefile ? servedZones(corefile) : [];
    const served = zones[0];
    if (!served || zones.includes(d.domain)) return [];
    const kubelet = configMap(ctx, 'kubelet-config');
    const kubeletSays = kubelet ? kubeletDomain(kubelet) : undefined;
    if (kubeletSays !== undefined && kubeletSays !== served) return [];
    const lookup = /no such host|NXDOMAIN|lookup |ENOTFOUND|EAI_AGAIN|UnknownHost/i.test(d.line);
    if (kubeletSays === undefined && lookup) return [];
    // The setting that holds the name, when a ConfigMap of the namespace that was read shows it.
    const holds = (o: { args: Record<string, unknown>; content: string }) =>
      o.args['kind'] === 'ConfigMap' && o.args['namespace'] === ctx.ns && o.content.includes(d.host);
    const holder = [
      ...outputs(ctx.seen, 'describe_resource', holds),
      ...outputs(ctx.seen, 'get_resource', holds),
    ].pop();
    const right = `${d.label}${d.service}.${d.namespace}.svc.${served}`;
    return [
      {
        weight: 94,
        object: `pod ${d.pod}`,
        cause: `${d.pod} dials ${d.host}, a name under the DNS domain ${d.domain}, but this cluster's DNS domain is ${served} (CoreDNS's kubernetes plugin serves ${served}${kubeletSays ? `, and the kubelet's clusterDomain is ${kubeletSays}` : ''}): the name never resolves, so the connection never opens ("${clip(d.line, 200)}"). The ${d.domain} in the name is the default cluster domain written into a setting${holder ? ` (ConfigMap ${holder.args['name']})` : ''}, not this cluster's; the Service ${d.service} in ${d.namespace} is reached as ${right}`,
        evidence: [
          `get_pod_logs ${d.pod}: "${clip(d.line, 200)}"`,
          `describe_resource ConfigMap coredns in ${DNS_NS}: kubernetes ${served} …`,
          ...(kubeletSays
            ? [`describe_resource ConfigMap kubelet-config in ${DNS_NS}: clusterDomain: ${kubeletSays}`]
            : []),
        ],
        advice: `set the address to ${right}, or to ${d.label}${d.service}.${d.namespace}.svc without a domain (the pod's DNS search path adds the cluster's own), in the setting that holds ${d.host}${holder ? ` (ConfigMap ${holder.args['name']})` : ''}, then restart ${d.pod}'s workload so it reads it; the certificates and the Service need no change`,
        revisionSound: true,
      },
    ];
  },
};
