import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapText,
  type Finding,
  namespacePods,
  outputs,
  type Read,
} from './types.js';

/**
 * A dial to an address and port that timed out, as Go and most clients log it (`dial tcp
 * 10.244.0.13:5473: i/o timeout`, `connect to 10.0.3.7:9443 timed out`, `dial tcp [fd00::c]:5473`): an
 * IPv4 address in group 1 or an IPv6 one in group 2, the port in group 3. Bounded: at most 80 characters
 * between the address and the timeout.
 */
const DIAL_TIMED_OUT =
  /(?:\b((?:\d{1,3}\.){3}\d{1,3})|\[([0-9a-f:]{2,45})\]):(\d{1,5})\b[^\n]{0,80}?(?:i\/o timeout|timed out|connection timed out|ETIMEDOUT|deadline exceeded)/i;

/** A ConfigMap whose name says it records firewall rules (a node firewall, a cloud security group, an ACL). */
const FIREWALL_NAME = /firewall|security-?group|\bsg\b|\bnsg\b|\bacl\b|network-rules/i;

interface Dropped {
  readonly client: string;
  readonly clientNode: string;
  readonly line: string;
  readonly ip: string;
  readonly port: string;
  /** The pod that has the address, and its node. */
  readonly target: { name: string; node: string };
}

/**
 * The first timed-out dial in the namespace's read logs whose address is a pod of the namespace on another
 * node than the client's (the pod list's IP and NODE columns).
 */
function dropped(ctx: AnalyzerContext): Dropped | undefined {
  const rows = namespacePods(ctx);
  const nodeOf = (pod: string) => rows.find((r) => r['NAME'] === pod)?.['NODE'];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const client = String(o.args['name'] ?? '');
    const clientNode = nodeOf(client);
    if (!clientNode || clientNode === '<none>') continue;
    for (const l of boundedLogLines(o.content)) {
      if (l.length > 2000) continue;
      const m = DIAL_TIMED_OUT.exec(l);
      if (!m) continue;
      const ip = (m[1] ?? m[2])!;
      const target = rows.find((r) => r['IP'] === ip && r['NAME'] !== client);
      const node = target?.['NODE'];
      if (!target || !node || node === '<none>' || node === clientNode) continue;
      return {
        client,
        clientNode,
        line: l.trim(),
        ip,
        port: m[3]!,
        target: { name: target['NAME']!, node },
      };
    }
  }
  return undefined;
}

/** Whether the namespace's NetworkPolicy list was read and holds none. */
function noPolicies(ctx: AnalyzerContext): boolean | undefined {
  const list = outputs(
    ctx.seen,
    'list_resources',
    (o) =>
      /^(?:networkpolic(?:y|ies)|netpol)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
  ).pop();
  if (!list) return undefined;
  return parseTable(list.content).length === 0;
}

/** The namespace's ConfigMaps named like firewall rules, from its ConfigMap list. */
function firewallMaps(ctx: AnalyzerContext): string[] {
  const list = outputs(
    ctx.seen,
    'list_resources',
    (o) => /^(?:configmaps?|cm)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
  ).pop();
  return parseTable(list?.content ?? '')
    .map((r) => r['NAME'] ?? '')
    .filter((n) => FIREWALL_NAME.test(n))
    .slice(0, 2);
}

/** A firewall ConfigMap's text, once fetched (first) or described. */
function mapText(ctx: AnalyzerContext, name: string): string | undefined {
  return (
    configMapText(ctx.seen, name, ctx.ns) ??
    outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === ctx.ns,
    ).pop()?.content
  );
}

/**
 * The TCP ports a rules text allows (`tcp 179`, `tcp 179,5473`, `30000-32767`, `port: 10250`; a `udp` or
 * `sctp` line aside): single ports and ranges, read from lines that begin with a protocol or a port, not an
 * address (`10.0.0.0/8`). At most 2,000 lines are read.
 */
function allowedPorts(text: string): { ports: number[]; ranges: [number, number][] } {
  const ports: number[] = [];
  const ranges: [number, number][] = [];
  for (const line of text.split('\n').slice(0, 2000)) {
    if (line.length > 300) continue;
    const m =
      /^\s{0,12}(?:-\s{1,4})?(?:(tcp|udp|sctp)\s{1,12})?(?:port:?\s{0,4})?(\d{1,5}(?:\s{0,2}-\s{0,2}\d{1,5})?(?:\s{0,2},\s{0,2}\d{1,5}(?:\s{0,2}-\s{0,2}\d{1,5})?){0,50})(?![\d./])/i.exec(
        line,
      );
    // A UDP or SCTP rule does not let a TCP dial through.
    if (!m || (m[1] && m[1].toLowerCase() !== 'tcp')) continue;
    for (const part of m[2]!.split(',')) {
      const [a, b] = part.split('-').map((x) => Number(x.trim()));
      if (b !== undefined && !Number.isNaN(b)) ranges.push([a!, b]);
      else ports.push(a!);
    }
  }
  return { ports, ranges };
}

/**
 * Connections between nodes that time out on one port while nothing in Kubernetes drops them: a pod's dial
 * to another node's pod (`dial tcp 10.244.0.13:5473: i/o timeout`) times out, and no NetworkPolicy exists
 * in the namespace, so the packets are dropped outside the cluster, by the nodes' firewall or the cloud's
 * security group, which does not allow that port between nodes. When the namespace keeps the rules in a
 * ConfigMap (a firewall, security-group or ACL name), the ports it lists are given, and the finding stands
 * only if the port is not among them. Where another pod of the same kind connects on the target's own node,
 * that is said too. The reads: the namespace's NetworkPolicies and ConfigMaps, then the rules ConfigMap.
 */
export const nodeFirewallAnalyzer: Analyzer = {
  name: 'node-firewall',
  reads(ctx): Read[] {
    if (!dropped(ctx)) return [];
    const out: Read[] = [];
    if (noPolicies(ctx) === undefined)
      out.push({ tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: ctx.ns } });
    const maps = outputs(
      ctx.seen,
      'list_resources',
      (o) => /^(?:configmaps?|cm)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
    );
    if (maps.length === 0)
      out.push({ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ctx.ns } });
    for (const name of firewallMaps(ctx))
      if (!mapText(ctx, name))
        out.push({ tool: 'get_resource', args: { kind: 'ConfigMap', name, namespace: ctx.ns } });
    return out;
  },
  finds(ctx): Finding[] {
    const d = dropped(ctx);
    if (!d || noPolicies(ctx) !== true) return [];
    const port = Number(d.port);
    const rules = firewallMaps(ctx)
      .map((name) => ({ name, text: mapText(ctx, name) }))
      .filter((x): x is { name: string; text: string } => x.text !== undefined)
      .map((x) => ({ ...x, allowed: allowedPorts(x.text) }))
      .find((x) => x.allowed.ports.length > 0);
    if (
      rules &&
      (rules.allowed.ports.includes(port) || rules.allowed.ranges.some(([a, b]) => port >= a && port <= b))
    )
      return [];
    // A pod of the client's kind on the target's node whose log connects without a timeout to that port.
    const kind = d.client.replace(/-[a-z0-9]{5}$/, '');
    const rows = namespacePods(ctx);
    const local = rows.find(
      (r) =>
        r['NAME'] !== d.client &&
        r['NAME']?.startsWith(`${kind}-`) &&
        r['NODE'] === d.target.node &&
        outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === r['NAME']).some(
          (o) => o.content.includes(`:${d.port}`) && !DIAL_TIMED_OUT.test(o.content.slice(-100_000)),
        ),
    );
    const listed = rules
      ? [...rules.allowed.ports.map(String), ...rules.allowed.ranges.map(([a, b]) => `${a}-${b}`)].join(', ')
      : '';
    return [
      {
        weight: 90,
        object: `nodes ${d.clientNode} and ${d.target.node}`,
        cause: `traffic between the nodes on TCP port ${d.port} is dropped outside Kubernetes: ${d.client} on ${d.clientNode} times out dialling ${d.ip}:${d.port}, ${d.target.name} on ${d.target.node} ("${clip(d.line, 200)}")${local ? `, while ${local['NAME']} on ${d.target.node} itself connects on that port` : ''}. No NetworkPolicy exists in ${ctx.ns}, so nothing in the cluster blocks it: the nodes' firewall rules or the cloud's security group do not allow port ${d.port} between nodes${rules ? ` (ConfigMap ${rules.name} lists what is allowed between nodes: ${clip(listed, 120)}; ${d.port} is not among them)` : ''}`,
        evidence: [
          `get_pod_logs ${d.client}: "${clip(d.line, 200)}"`,
          `list_pods ${ctx.ns}: ${d.client} on ${d.clientNode}, ${d.target.name} (${d.ip}) on ${d.target.node}`,
          `list_resources NetworkPolicy in ${ctx.ns}: none`,
          ...(rules ? [`ConfigMap ${rules.name}: allowed between nodes ${clip(listed, 120)}`] : []),
        ],
        advice: `allow TCP ${d.port} from every node to every node in the node firewall rules or security group${rules ? ` (the rules ConfigMap ${rules.name} records them)` : ''}; nothing in the pods needs to change, and they reconnect by themselves once the port is open`,
        revisionSound: true,
      },
    ];
  },
};
