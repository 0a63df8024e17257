import { parseTable } from '../k8s-text.js';
import { appliedBack, readBack } from './manifest.js';
import { DROPPED, describedOrTemplate, egressPolicy, OUTSIDE_URL, podLabels } from './netpol-egress.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clipAround,
  type Finding,
  knownNamespaces,
  linesWith,
  listedReads,
  namespaceNames,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/** A manifest read back is at most this long before it is parsed. */
const MAX_MANIFEST = 64 * 1024;
/** The label the API server sets on every namespace to its own name (kubernetes.io, "Well-Known Labels"). */
const NAME_LABEL = 'kubernetes.io/metadata.name';

type Labels = Record<string, string>;
interface Peer {
  namespaceSelector?: { matchLabels?: Labels; matchExpressions?: unknown[] };
  podSelector?: { matchLabels?: Labels; matchExpressions?: unknown[] };
}
interface Policy {
  metadata?: { name?: string };
  spec?: {
    podSelector?: { matchLabels?: Labels; matchExpressions?: unknown[] };
    policyTypes?: string[];
    egress?: { to?: Peer[] }[];
  };
}

const pairs = (l: Labels) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** Pod logs of the namespace with a dropped connection: the pod and its last such line. */
function clients({ seen, ns }: AnalyzerContext): { pod: string; line: string }[] {
  return outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
    .map((l) => ({
      pod: String(l.args['name'] ?? ''),
      line: linesWith(l.content.slice(-200_000), DROPPED)
        .filter((x) => x.length <= 4000)
        .pop(),
    }))
    .filter((c): c is { pod: string; line: string } => c.line !== undefined);
}

/** A dropped-connection line quoted with its timeout words in view. */
function quote(line: string, n = 150): string {
  const t = line.toLowerCase();
  return clipAround(line, DROPPED.find((w) => t.includes(w.toLowerCase())) ?? '', n);
}

/** The namespace's NetworkPolicy read back (`get_resource`), parsed. */
function policyRead({ seen, ns }: AnalyzerContext, name: string): Policy | undefined {
  return readBack<Policy>(seen, { kind: 'NetworkPolicy', name, namespace: ns }, MAX_MANIFEST);
}

interface Stale {
  /** The policy's name. */
  readonly policy: string;
  /** The namespace its egress peer names that the cluster does not have. */
  readonly missing: string;
  /** The peer's podSelector labels, when it has them. */
  readonly pods: Labels | undefined;
}

/**
 * The described egress NetworkPolicies of the namespace that select `labels` (`describe_resource`, read
 * by netpol-egress too), each with the peers that choose a namespace by its name label; `namespaces`
 * given, only the peers naming one the cluster does not have.
 */
function namedPeers(ctx: AnalyzerContext, labels: Labels, namespaces?: ReadonlySet<string>): Stale[] {
  const out: Stale[] = [];
  for (const o of outputs(
    ctx.seen,
    'describe_resource',
    (x) => x.args['kind'] === 'NetworkPolicy' && x.args['namespace'] === ctx.ns && /^Spec:/m.test(x.content),
  )) {
    const p = egressPolicy(o.content.slice(0, 200_000));
    if (!p.egress || !p.selector || !Object.entries(p.selector).every(([k, v]) => labels[k] === v)) continue;
    for (const r of p.rules)
      for (const peer of r.peers) {
        const named = peer.nsLabels?.[NAME_LABEL];
        if (!named || named === ctx.ns || namespaces?.has(named)) continue;
        // Another rule that lets the same ports out to every address: the stale peer drops nothing.
        if (p.rules.some((x) => x !== r && allowsAll(x) && portsMeet(x.ports, r.ports))) continue;
        if (out.some((x) => x.policy === String(o.args['name']) && x.missing === named)) continue;
        out.push({ policy: String(o.args['name'] ?? ''), missing: named, pods: peer.podLabels });
      }
  }
  return out.slice(0, 4);
}

/** Whether an egress rule lets connections out to every address: no peers, or an ipBlock 0.0.0.0/0 without exceptions. */
function allowsAll(r: { peers: readonly { cidr?: string; except?: string[] }[] }): boolean {
  return r.peers.length === 0 || r.peers.some((x) => x.cidr === '0.0.0.0/0' && (x.except ?? []).length === 0);
}

/** Whether two rules' port lists share a port (an empty list is every port; a named port may be any). */
function portsMeet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === 0 || b.length === 0 || a.some((x) => b.includes(x) || !/^\d+$/.test(x));
}

/**
 * The namespace that now holds what a stale peer meant: of the cluster's namespaces, the ones that start
 * or end with the missing name as a whole word (`ingress` → `ingress-nginx`) or are named like a value of
 * the peer's podSelector; one only, else none.
 */
function successor(
  missing: string,
  pods: Labels | undefined,
  namespaces: readonly string[],
): string | undefined {
  const values = new Set(Object.values(pods ?? {}));
  const like = namespaces.filter(
    (n) => n !== missing && (n.startsWith(`${missing}-`) || n.endsWith(`-${missing}`) || values.has(n)),
  );
  return like.length === 1 ? like[0] : undefined;
}

/** Pods of namespace `ns` a `list_pods` with the peer's labels found, or undefined before it was read. */
function podsFound(ctx: AnalyzerContext, ns: string, pods: Labels): number | undefined {
  const o = outputs(
    ctx.seen,
    'list_pods',
    (x) => x.args['namespace'] === ns && x.args['labelSelector'] === pairs(pods),
  ).pop();
  return o ? parseTable(o.content).length : undefined;
}

/** The clients whose description (or their Deployment's template) was read, in order, with their labels. */
function* describedClients(ctx: AnalyzerContext) {
  for (const client of clients(ctx)) {
    const described = describedOrTemplate(ctx.seen, ctx.ns, client.pod);
    if (described) yield { client, described, labels: podLabels(described) };
  }
}

/** The first client whose description was read. */
function firstClient(ctx: AnalyzerContext) {
  for (const c of describedClients(ctx)) return c;
  return undefined;
}

/** The stale peers of the first client that has them, once the cluster's namespaces are listed. */
function stale(ctx: AnalyzerContext) {
  const namespaces = namespaceNames(ctx.seen);
  if (namespaces.length === 0) return undefined;
  // Missing from the list and from every other read (one that found objects there says it exists).
  const exists = new Set([...namespaces, ...knownNamespaces(ctx.seen)]);
  for (const { client, described, labels } of describedClients(ctx)) {
    const found = namedPeers(ctx, labels, exists);
    if (found.length > 0) return { client, described, found, namespaces };
  }
  return undefined;
}

/** The policy read back with every egress peer that names `missing` by its name label pointed at `to`. */
function repointed(policy: Policy, missing: string, to: string): { fixed: Policy; at: string[] } | undefined {
  const fixed = structuredClone(policy);
  const at: string[] = [];
  for (const [i, r] of (Array.isArray(fixed.spec?.egress) ? fixed.spec.egress : []).slice(0, 100).entries())
    for (const [j, peer] of (Array.isArray(r?.to) ? r.to : []).slice(0, 100).entries()) {
      const labels = peer?.namespaceSelector?.matchLabels;
      if (labels?.[NAME_LABEL] !== missing) continue;
      labels[NAME_LABEL] = to;
      at.push(`egress[${i}].to[${j}]`);
    }
  return at.length > 0 ? { fixed, at } : undefined;
}

/**
 * An egress NetworkPolicy whose rule lets the pods out to another namespace chosen by that namespace's
 * name (`namespaceSelector.matchLabels["kubernetes.io/metadata.name"]`), naming a namespace the cluster
 * no longer has: the workload it meant moved (a controller reinstalled under a new namespace) and the rule
 * was left behind. A namespaceSelector that matches no namespace selects no pod, so the only rule for
 * that traffic allows nothing and the connections are dropped: the clients time out (kubernetes.io,
 * "Network Policies"). Found when a pod the policy selects logs dropped connections: the namespace's
 * policies are described (the reads netpol-egress makes too) and, only when one names another namespace
 * by name, the cluster's namespaces are listed. When one namespace is named like the missing one or like
 * the peer's pod labels, and those pods run there, the fix is the same policy read back (`get_resource`)
 * and applied with that namespace (`apply_manifest`).
 */
export const netpolMissingNamespaceAnalyzer: Analyzer = {
  name: 'netpol-missing-namespace',
  first: true,
  reads(ctx) {
    // Its reads come first (before the Services and dependencies), so only for a client whose timeouts
    // name an address outside the cluster (its own public URL through the ingress controller, a
    // provider's): a Service in another namespace is netpol-egress's, which reads the same policies.
    const first = clients(ctx).find(
      (c) => OUTSIDE_URL.test(c.line) && !/\.svc\b|\.cluster\.local\b/.test(c.line),
    );
    if (!first) return [];
    const reads: Read[] = listedReads(ctx.seen, ctx.ns, 'NetworkPolicy', 'describe_resource');
    const c = firstClient(ctx);
    // The client's labels decide which policies select it.
    if (!c) return [...reads, { tool: 'describe_pod', args: { namespace: ctx.ns, name: first.pod } }];
    // Only a policy that names another namespace by name, one not seen to exist, calls for the list.
    if (namedPeers(ctx, c.labels, knownNamespaces(ctx.seen)).length === 0) return reads;
    reads.push({ tool: 'list_resources', args: { kind: 'Namespace' } });
    const s = stale(ctx);
    for (const f of s?.found.slice(0, 2) ?? []) {
      reads.push({
        tool: 'get_resource',
        args: { kind: 'NetworkPolicy', name: f.policy, namespace: ctx.ns },
      });
      const to = successor(f.missing, f.pods, s!.namespaces);
      if (to && f.pods && Object.keys(f.pods).length > 0)
        reads.push({ tool: 'list_pods', args: { namespace: to, labelSelector: pairs(f.pods) } });
    }
    return reads;
  },
  finds(ctx) {
    const s = stale(ctx);
    if (!s) return [];
    const { client, described, found } = s;
    const f = found[0]!;
    const owner =
      described.tool === 'describe_deployment'
        ? String(described.args['name'] ?? '')
        : ownerDeployment(described.content);
    const to = successor(f.missing, f.pods, s.namespaces);
    const running = to && f.pods && Object.keys(f.pods).length > 0 ? podsFound(ctx, to, f.pods) : undefined;
    const policy = policyRead(ctx, f.policy);
    const change =
      to && running !== undefined && running > 0 && policy ? repointed(policy, f.missing, to) : undefined;
    const fix: Finding['fix'] = change
      ? {
          tool: 'apply_manifest',
          args: { namespace: ctx.ns, manifest: appliedBack(change.fixed) },
          text: `apply NetworkPolicy ${f.policy} with ${change.at.join(', ')} selecting namespace ${to} (${NAME_LABEL}: ${to}) instead of ${f.missing}, which no longer exists`,
        }
      : undefined;
    const where = to
      ? running !== undefined && running > 0
        ? `; the pods it meant (${pairs(f.pods ?? {})}) now run in namespace ${to} (${running} found)`
        : `; namespace ${to} is named like it`
      : '';
    return [
      {
        weight: 92,
        object: `networkpolicy ${f.policy} (namespace ${ctx.ns})`,
        cause: `the egress NetworkPolicy ${f.policy} that selects ${owner ? `deployment ${owner}'s pods` : `pod ${client.pod}`} allows this traffic only to namespace ${f.missing} (namespaceSelector ${NAME_LABEL}=${f.missing}${f.pods ? `, podSelector ${pairs(f.pods)}` : ''}), and the cluster has no namespace ${f.missing}${where}. A namespaceSelector that matches no namespace selects no pod, so the rule allows nothing and the connections are dropped and time out ("${quote(client.line)}"); the server it calls is not the problem, the stale namespace in the policy is`,
        evidence: [
          `describe_resource NetworkPolicy ${f.policy}: egress to namespaceSelector ${NAME_LABEL}=${f.missing}`,
          `list_resources Namespace: no namespace ${f.missing}${to ? ` (there is ${to})` : ''}`,
          `logs of ${client.pod}: "${quote(client.line)}"`,
        ],
        ...(fix ? { fix } : {}),
        advice: to
          ? `point the egress rule of NetworkPolicy ${f.policy} at namespace ${to} (namespaceSelector ${NAME_LABEL}: ${to}; keep the other rules) and apply it`
          : `point the egress rule of NetworkPolicy ${f.policy} at the namespace that now runs the service (namespaceSelector ${NAME_LABEL}: <its namespace>)`,
      },
    ];
  },
};
