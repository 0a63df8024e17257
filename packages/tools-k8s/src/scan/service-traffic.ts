import type { Node, Pod, Service } from '../types.js';
import { podReady } from './services.js';
import { type Analyzer, eventLine, type Found, mentions, quote, selectsMap } from './types.js';

/**
 * How a Service's traffic reaches its pods, beyond selectors and ports:
 * - a `LoadBalancer` Service without an address whose controller reports a Warning (the cloud could
 *   not create the load balancer: subnets, quotas, permissions), quoting the controller's words;
 * - `internalTrafficPolicy: Local` over ready pods on only some of the nodes: in-cluster clients on
 *   the other nodes have no local endpoint, and their traffic is dropped
 *   (https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/).
 */
export const serviceTrafficAnalyzer: Analyzer = {
  name: 'service-traffic',
  kinds: ['Service', 'Pod', 'Node', 'Event'],
  priority: 80,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    const nodes = facts.list<Node>('Node').filter((n) => !n.spec?.unschedulable);
    for (const s of facts.list<Service>('Service')) {
      const ns = s.metadata.namespace;
      const name = s.metadata.name ?? '';
      const base = { kind: 'Service', name, ...(ns ? { namespace: ns } : {}) };
      if (s.spec.type === 'LoadBalancer' && (s.status?.loadBalancer?.ingress ?? []).length === 0) {
        const warning = facts.eventsFor('Service', name, ns).find((e) => e.type === 'Warning');
        if (warning)
          out.push({
            ...base,
            reason: quote(warning.reason, 60) || 'LoadBalancerPending',
            message: `LoadBalancer Service ${name} has no external address (EXTERNAL-IP <pending>): the service controller cannot create its load balancer: ${quote(warning.message, 240)}`,
            evidence: ['status.loadBalancer.ingress <none>', eventLine(warning)],
            next: `describe_service namespace=${ns ?? ''} name=${name}`,
            fix: mentions(warning.message, 'subnet')
              ? 'give the load balancer subnets it may use: on AWS, tag the subnets kubernetes.io/role/elb (internet-facing) or kubernetes.io/role/internal-elb, then watch the Service get an address'
              : 'fix what the service controller reports, then watch the Service get an address',
          });
      }
      const sel = s.spec.selector;
      if (s.spec.internalTrafficPolicy !== 'Local' || !sel || Object.keys(sel).length === 0) continue;
      const ready = pods.filter(
        (p) =>
          p.metadata.namespace === ns && selectsMap(sel, p.metadata.labels) && podReady(p) && p.spec.nodeName,
      );
      const on = [...new Set(ready.map((p) => p.spec.nodeName as string))];
      const without = nodes.map((n) => n.metadata.name ?? '').filter((n) => n && !on.includes(n));
      if (without.length === 0) continue;
      out.push({
        ...base,
        reason: 'LocalTrafficPolicyGaps',
        message: `Service ${name} has internalTrafficPolicy Local: in-cluster clients reach only endpoints on their own node, and its ready pods run on ${on.length} of ${nodes.length} nodes${
          on.length ? ` (${on.slice(0, 4).join(', ')})` : ''
        }, so clients on the other nodes (${without.slice(0, 4).join(', ')}${without.length > 4 ? ', …' : ''}) have no local endpoint and their connections are dropped`,
        evidence: [
          'spec.internalTrafficPolicy Local',
          `ready endpoints on: ${on.slice(0, 6).join(', ') || '<none>'}; nodes without one: ${without.slice(0, 6).join(', ')}`,
        ],
        next: `describe_service namespace=${ns ?? ''} name=${name}`,
        fix: 'set internalTrafficPolicy back to Cluster, or run a ready pod on every node (a DaemonSet) before keeping traffic node-local',
      });
    }
    return out;
  },
};
