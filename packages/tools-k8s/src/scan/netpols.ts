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
    for (const p of facts.list<NetworkPolicy>('NetworkPolicy')) {
      const ns = p.metadata.namespace;
      const name = p.metadata.name ?? '';
      const spec = p.spec ?? {};
      const types = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
      const selected = pods.filter(
        (x) =>
          x.metadata.namespace === ns &&
          x.status?.phase !== 'Succeeded' &&
          selects(spec.podSelector, x.metadata.labels),
      );
      if (selected.length === 0) continue;
      // Policies add up: the ingress other policies open to the same pods decides what this one
      // leaves dropped. None: every inbound connection is dropped. Only peers chosen by podSelector
      // alone: only pods of this namespace get in, so another namespace's clients (an ingress
      // controller, a scraper) are dropped.
      const opened = facts
        .list<NetworkPolicy>('NetworkPolicy')
        .filter(
          (o) =>
            o !== p &&
            o.metadata.namespace === ns &&
            (o.spec?.policyTypes ?? ['Ingress']).includes('Ingress') &&
            selected.some((x) => selects(o.spec?.podSelector, x.metadata.labels)),
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
      const denyIn = ownDenyIn && rules.length === 0;
      // Egress rules that open only DNS (every rule limited to port 53) leave everything else dropped.
      const dnsOnly =
        (spec.egress ?? []).length > 0 &&
        (spec.egress ?? []).every(
          (r) =>
            (r.ports ?? []).length > 0 &&
            (r.ports as { port?: number | string }[]).every((p) => String(p.port) === '53'),
        );
      const denyOut = types.includes('Egress') && ((spec.egress ?? []).length === 0 || dnsOnly);
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
