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
      const denyIn = types.includes('Ingress') && (spec.ingress ?? []).length === 0;
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
