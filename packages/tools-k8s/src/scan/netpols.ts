import type { Pod } from '../types.js';
import type { NetworkPolicy } from './objects.js';
import { type Analyzer, type Found, pairsOf, selects } from './types.js';

/**
 * NetworkPolicies that select pods and allow nothing in a direction they govern: no ingress rules
 * (every inbound connection dropped) or no egress rules (every outbound connection dropped, DNS too).
 */
export const netpolsAnalyzer: Analyzer = {
  name: 'netpols',
  kinds: ['NetworkPolicy', 'Pod'],
  priority: 72,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    const policies = facts.list<NetworkPolicy>('NetworkPolicy');
    // Each policy's pods, worked out once (and once per selector: policies with the same podSelector
    // share one set), and whether two sets overlap, once per pair: every policy is compared with
    // every other one below, and matching labels again for each pair made the work policies² × pods
    // (over a minute for 1000 policies and 1000 pods).
    const bySelector = new Map<string, Set<Pod>>();
    const selectedBy = new Map<NetworkPolicy, Set<Pod>>();
    for (const o of policies) {
      const key = `${o.metadata.namespace ?? ''}\u0000${JSON.stringify(o.spec?.podSelector ?? {})}`;
      let set = bySelector.get(key);
      if (!set) {
        set = new Set(
          pods.filter(
            (x) =>
              x.metadata.namespace === o.metadata.namespace &&
              x.status?.phase !== 'Succeeded' &&
              selects(o.spec?.podSelector, x.metadata.labels),
          ),
        );
        bySelector.set(key, set);
      }
      selectedBy.set(o, set);
    }
    const overlaps = new Map<Set<Pod>, Map<Set<Pod>, boolean>>();
    /** Whether policy `o` selects one of `these` pods (walking the smaller set, once per pair of sets). */
    const selectsAny = (o: NetworkPolicy, these: Set<Pod>) => {
      const mine = selectedBy.get(o) ?? new Set<Pod>();
      const [small, large] = mine.size <= these.size ? [mine, these] : [these, mine];
      const row = overlaps.get(small) ?? new Map<Set<Pod>, boolean>();
      overlaps.set(small, row);
      let hit = row.get(large);
      if (hit === undefined) {
        hit = false;
        for (const x of small)
          if (large.has(x)) {
            hit = true;
            break;
          }
        row.set(large, hit);
      }
      return hit;
    };
    for (const p of policies) {
      const ns = p.metadata.namespace;
      const name = p.metadata.name ?? '';
      const spec = p.spec ?? {};
      const types = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
      const selectedSet = selectedBy.get(p) ?? new Set<Pod>();
      const selected = [...selectedSet];
      if (selected.length === 0) continue;
      // Policies add up: the ingress other policies open to the same pods decides what this one
      // leaves dropped. None: every inbound connection is dropped. Only peers chosen by podSelector
      // alone: only pods of this namespace get in, so another namespace's clients (an ingress
      // controller, a scraper) are dropped.
      const opened = policies
        .filter(
          (o) =>
            o !== p &&
            o.metadata.namespace === ns &&
            (o.spec?.policyTypes ?? ['Ingress']).includes('Ingress') &&
            selectsAny(o, selectedSet),
        )
        .filter((o) => (o.spec?.ingress ?? []).length > 0);
      const rules = opened.flatMap((o) => o.spec?.ingress ?? []);
      const sameNamespaceOnly =
        rules.length > 0 &&
        rules.every(
          (r) =>
            (r.from ?? []).length > 0 &&
            (r.from ?? []).every((peer) => peer.podSelector && !peer.namespaceSelector && !peer.ipBlock),
        );
      const ownDenyIn = types.includes('Ingress') && (spec.ingress ?? []).length === 0;
      if (ownDenyIn && sameNamespaceOnly) {
        out.push({
          kind: 'NetworkPolicy',
          name,
          ...(ns ? { namespace: ns } : {}),
          reason: 'IngressFromOtherNamespacesDenied',
          message: `NetworkPolicy ${name} drops inbound traffic to ${selected.length} pod(s) in ${ns}, and the only ingress that ${opened.map((o) => o.metadata.name).join(', ')} open${opened.length === 1 ? 's' : ''} is from pods of namespace ${ns} itself (podSelector, no namespaceSelector): connections from other namespaces, such as an ingress controller or a monitoring scraper, are dropped`,
          evidence: [
            `${name}: podSelector ${pairsOf(spec.podSelector?.matchLabels) === '<none>' ? '{} (every pod)' : pairsOf(spec.podSelector?.matchLabels)}; policyTypes ${types.join(', ')}; ingress rules 0`,
            ...opened.slice(0, 2).map(
              (o) =>
                `${o.metadata.name}: ingress from ${(o.spec?.ingress ?? [])
                  .flatMap((r) => r.from ?? [])
                  .map(
                    (peer) =>
                      `podSelector ${pairsOf(peer.podSelector?.matchLabels) === '<none>' ? '{}' : pairsOf(peer.podSelector?.matchLabels)}`,
                  )
                  .join(', ')} (same namespace only)`,
            ),
          ],
          next: `describe_resource kind=NetworkPolicy namespace=${ns} name=${name}`,
          fix: `add an ingress rule with a namespaceSelector for the namespace the traffic comes from (the ingress controller's), next to ${opened[0]?.metadata.name ?? name}`,
        });
      }
      // Egress allowed to some peers, but no rule of any policy selecting these pods lets DNS out
      // (port 53 to another namespace, kube-dns's): every name lookup times out, so the pods cannot
      // reach even the hosts they are allowed to. Egress policies add up, as ingress ones do.
      const egressRules = policies
        .filter(
          (o) =>
            o.metadata.namespace === ns &&
            (o.spec?.policyTypes ?? ['Ingress', ...(o.spec?.egress ? ['Egress'] : [])]).includes('Egress') &&
            selectsAny(o, selectedSet),
        )
        .flatMap((o) => o.spec?.egress ?? []);
      const ownEgress = spec.egress ?? [];
      if (types.includes('Egress') && ownEgress.length > 0 && !egressRules.some(allowsDns)) {
        out.push({
          kind: 'NetworkPolicy',
          name,
          ...(ns ? { namespace: ns } : {}),
          reason: 'EgressDNSBlocked',
          message: `NetworkPolicy ${name} restricts egress of ${selected.length} pod(s) (${selected
            .slice(0, 3)
            .map((x) => x.metadata.name)
            .join(
              ', ',
            )}) to ${ownEgress.map(describeEgress).join('; ')}, and no egress rule allows DNS (port 53 to kube-dns in kube-system): name lookups time out, so the pods cannot resolve even the hosts the policy allows`,
          evidence: [
            `${name}: policyTypes ${types.join(', ')}; egress rules ${ownEgress.length}, none to port 53 in another namespace`,
          ],
          next: `describe_resource kind=NetworkPolicy namespace=${ns} name=${name}`,
          fix: `add an egress rule to ${name} that allows UDP and TCP port 53 to the kube-dns pods in kube-system (namespaceSelector kubernetes.io/metadata.name: kube-system)`,
        });
      }
      const denyIn = ownDenyIn && rules.length === 0;
      // Egress rules that open only DNS (every rule limited to port 53) leave everything else dropped.
      // Judged over every policy selecting these pods, since their egress rules add up.
      const dnsOnly =
        egressRules.length > 0 &&
        egressRules.every(
          (r) =>
            (r.ports ?? []).length > 0 &&
            (r.ports as { port?: number | string }[]).every((p) => String(p.port) === '53'),
        );
      const denyOut = types.includes('Egress') && (egressRules.length === 0 || dnsOnly);
      if (!denyIn && !denyOut) continue;
      const who = `${selected.length} pod(s) (${selected
        .slice(0, 3)
        .map((x) => x.metadata.name)
        .join(', ')}${selected.length > 3 ? ', …' : ''})`;
      const sel = pairsOf(spec.podSelector?.matchLabels);
      out.push({
        kind: 'NetworkPolicy',
        name,
        ...(ns ? { namespace: ns } : {}),
        reason: denyIn && denyOut ? 'DenyAll' : denyOut ? 'DenyAllEgress' : 'DenyAllIngress',
        message: `NetworkPolicy ${name} selects ${who} and allows ${denyIn && denyOut ? 'no traffic in or out' : denyOut ? (dnsOnly ? 'no egress but DNS (port 53): every other outbound connection, to a database or an API, is dropped' : 'no egress (outbound connections, DNS included, are dropped)') : 'no ingress (inbound connections are dropped)'}`,
        evidence: [
          `podSelector ${sel === '<none>' ? '{} (every pod)' : sel}; policyTypes ${types.join(', ')}; ingress rules ${(spec.ingress ?? []).length}, egress rules ${(spec.egress ?? []).length}`,
        ],
        next: `describe_resource kind=NetworkPolicy namespace=${ns} name=${name}`,
        fix: `add ${denyOut ? 'an egress' : 'an ingress'} rule to ${name} that allows the traffic the pods need${denyOut ? ' (and DNS, port 53)' : ''}`,
      });
    }
    return out;
  },
};

type EgressRule = NonNullable<NonNullable<NetworkPolicy['spec']>['egress']>[number];

/**
 * Whether an egress rule lets DNS out: its ports include 53 (or it names none) and its peers reach
 * beyond the namespace (no peer list, a namespaceSelector or an ipBlock). Pod-only peers stay in
 * the namespace, where kube-dns does not run.
 */
function allowsDns(r: EgressRule): boolean {
  const ports = (r.ports ?? []) as { port?: number | string }[];
  const port53 =
    ports.length === 0 ||
    ports.some((p) => p.port === undefined || String(p.port) === '53' || p.port === 'dns');
  const peers = r.to ?? [];
  return port53 && (peers.length === 0 || peers.some((peer) => peer.namespaceSelector || peer.ipBlock));
}

/** One egress rule in words: its peers and ports. */
function describeEgress(r: EgressRule): string {
  const peers = (r.to ?? []).map((peer) =>
    peer.ipBlock?.cidr
      ? `ipBlock ${peer.ipBlock.cidr}`
      : [
          peer.namespaceSelector ? `namespaces ${pairsOf(peer.namespaceSelector.matchLabels)}` : '',
          peer.podSelector ? `pods ${pairsOf(peer.podSelector.matchLabels)}` : '',
        ]
          .filter(Boolean)
          .join(' ') || 'any peer',
  );
  const ports = ((r.ports ?? []) as { port?: number | string; protocol?: string }[]).map(
    (p) => `${p.protocol ?? 'TCP'}/${p.port ?? 'any'}`,
  );
  return `${peers.length > 0 ? peers.join(', ') : 'anywhere'}${ports.length > 0 ? ` on ${ports.join(', ')}` : ''}`;
}
