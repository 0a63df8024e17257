import type { Pod, ReplicaSet } from '../types.js';
import type { NetworkPolicy, NetworkPolicyPeer } from './objects.js';
import { podOwner } from './pods.js';
import { type Analyzer, type Found, quote, selects } from './types.js';

/**
 * A host in a setting's value that names a Service of a namespace: `<service>.<namespace>`, then
 * `.svc` or `.svc.cluster.local` or nothing, then an optional `:<port>` (DNS for Services,
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/). Labels are RFC 1123
 * (at most 63 characters), so the work is bounded by the value's length.
 */
const SERVICE_HOST =
  /(?<![\w.-])([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.svc(?:\.cluster\.local)?)?(?::(\d{1,5}))?(?![\w.-])/g;

type EgressRule = NonNullable<NonNullable<NetworkPolicy['spec']>['egress']>[number];

/** Whether a policy governs egress: `policyTypes` names it, or (none given) it has egress rules. */
function governsEgress(p: NetworkPolicy): boolean {
  const types = p.spec?.policyTypes ?? ['Ingress', ...(p.spec?.egress ? ['Egress'] : [])];
  return types.includes('Egress');
}

/** A rule's ports as written (numbers or names); empty: every port. */
function rulePorts(r: EgressRule): string[] {
  return (r.ports ?? [])
    .map((p) => (typeof p === 'object' && p !== null ? (p as { port?: unknown }).port : undefined))
    .filter((p): p is number | string => typeof p === 'number' || typeof p === 'string')
    .map(String);
}

/**
 * Whether an egress rule may let a connection to a pod of namespace `ns` through. No `to`: every
 * destination. A podSelector alone: the policy's own namespace only. A namespaceSelector that refers only
 * to `kubernetes.io/metadata.name` (the label the API server sets on every namespace, Kubernetes 1.21 and
 * later), by matchLabels or matchExpressions: the namespaces it names. Any other namespaceSelector, or an
 * ipBlock (its CIDR may cover the pod network), may match: counted as allowed, since the namespace's own
 * labels are not read. A rule's ports are the destination pod's ports (after the Service's translation to
 * its targetPort), which the Service in another namespace decides and the scan of this one does not read,
 * so ports are not judged: only rules that leave no way to the namespace at all count.
 */
function allows(r: EgressRule, own: string, ns: string): boolean {
  const peers: NetworkPolicyPeer[] = r.to ?? [];
  const byNameOnly = (sel: NonNullable<NetworkPolicyPeer['namespaceSelector']>) =>
    [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)].every(
      (k) => k === NAME_LABEL,
    );
  return (
    peers.length === 0 ||
    peers.some(
      (peer) =>
        peer.ipBlock !== undefined ||
        (peer.namespaceSelector !== undefined &&
          (!byNameOnly(peer.namespaceSelector) || selects(peer.namespaceSelector, { [NAME_LABEL]: ns }))) ||
        (peer.namespaceSelector === undefined && peer.podSelector !== undefined && ns === own),
    )
  );
}

/** The label the API server sets on every namespace to its name. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** One egress rule in words, for the message. */
function inWords(r: EgressRule): string {
  const ports = [...new Set(rulePorts(r))];
  const peers = (r.to ?? []).map((peer) =>
    peer.ipBlock
      ? `ipBlock ${peer.ipBlock.cidr ?? '?'}`
      : peer.namespaceSelector
        ? `namespaces ${
            Object.entries(peer.namespaceSelector.matchLabels ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(',') || '(all)'
          }`
        : 'pods of its own namespace',
  );
  return `${peers.length ? peers.join(' or ') : 'anywhere'}${ports.length ? ` on port ${ports.join('/')}` : ''}`;
}

/**
 * A pod whose settings name a Service of another namespace (an environment value such as
 * `redis://scenes-redis.datastores.svc.cluster.local:6379/2`), while the NetworkPolicies that govern its
 * egress let no connection to that namespace (on that port) out: their rules open only DNS and the
 * pod's own namespace, or other namespaces. Every connection to the dependency is dropped, so the
 * program logs timeouts or failed connections to a server that is up. Egress rules of every policy
 * that selects the pod add up; a rule whose peers may match in ways not read here (a namespace's other
 * labels, an ipBlock) counts as allowing, so a finding is one the policies leave no doubt about.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export const netpolEgressDepsAnalyzer: Analyzer = {
  name: 'netpol-egress-deps',
  kinds: ['NetworkPolicy', 'Pod', 'ReplicaSet'],
  priority: 84,
  analyze(facts) {
    const out: Found[] = [];
    const policies = facts.list<NetworkPolicy>('NetworkPolicy').filter(governsEgress);
    if (policies.length === 0) return out;
    const replicaSets = facts.list<ReplicaSet>('ReplicaSet');
    const seen = new Set<string>();
    for (const pod of facts.list<Pod>('Pod')) {
      const own = pod.metadata.namespace ?? '';
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const governing = policies.filter(
        (p) => p.metadata.namespace === own && selects(p.spec?.podSelector, pod.metadata.labels),
      );
      if (governing.length === 0) continue;
      const rules = governing.flatMap((p) => p.spec?.egress ?? []);
      const owner = podOwner(pod, replicaSets);
      for (const c of pod.spec.containers ?? []) {
        for (const e of c.env ?? []) {
          const value = typeof e.value === 'string' ? e.value.slice(0, 2000) : '';
          for (const m of value.matchAll(SERVICE_HOST)) {
            const [host, service, ns, svc, port] = m as unknown as [string, string, string, string?, string?];
            // Another namespace, named as one by the Service DNS suffix (`.svc`).
            if (ns === own || !svc) continue;
            if (rules.some((r) => allows(r, own, ns))) continue;
            const key = `${owner ?? pod.metadata.name}\u0000${host}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const names = governing.map((p) => p.metadata.name ?? '').join(', ');
            out.push({
              kind: 'Pod',
              name: pod.metadata.name ?? '',
              ...(own ? { namespace: own } : {}),
              ...(owner ? { owner } : {}),
              container: c.name,
              reason: 'EgressToDependencyDenied',
              message: `${owner ?? `pod ${pod.metadata.name}`}'s ${e.name} points it at ${host} (Service ${service} in namespace ${ns}${port ? `, port ${port}` : ''}), but the NetworkPolicies that govern its egress (${names}) let no connection to namespace ${ns} out, so every connection to ${service} is dropped while ${service} itself is up (${rules.length ? `egress allowed only to ${rules.map(inWords).join('; ')}` : 'no egress allowed at all'})`,
              evidence: [
                `${c.name}: ${e.name}=${quote(value, 160)}`,
                ...governing
                  .slice(0, 2)
                  .map(
                    (p) =>
                      `NetworkPolicy ${p.metadata.name}: policyTypes ${(p.spec?.policyTypes ?? []).join(', ') || 'Egress'}; egress ${(p.spec?.egress ?? []).map(inWords).join('; ') || 'none'}`,
                  ),
              ],
              next: `describe_resource kind=NetworkPolicy namespace=${own} name=${governing[0]?.metadata.name ?? ''}`,
              fix: `add an egress rule to ${governing[0]?.metadata.name ?? 'the policy'} that allows namespace ${ns} (namespaceSelector kubernetes.io/metadata.name: ${ns})${port ? ` on port ${port}` : ''}`,
            });
          }
        }
      }
    }
    return out;
  },
};
