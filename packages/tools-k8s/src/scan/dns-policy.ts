import type { Pod, ReplicaSet } from '../types.js';
import { podOwner } from './pods.js';
import { podReady } from './services.js';
import { type Analyzer, type Found, quote } from './types.js';

/**
 * Whether a pod is the cluster's DNS server itself (CoreDNS, kube-dns, NodeLocal DNSCache), which runs with
 * `dnsPolicy: Default` by design: it resolves names outside the cluster through the node's resolvers, and
 * could not use itself (kubeadm's and the CoreDNS chart's manifests set it). Known by its `k8s-app` label or
 * its image's name.
 */
function clusterDnsServer(p: Pod): boolean {
  const app = p.metadata.labels?.['k8s-app'];
  if (app === 'kube-dns' || app === 'node-local-dns') return true;
  return p.spec.containers.some((c) =>
    /^(?:coredns|kube-dns|k8s-dns-[a-z-]{1,40}|k8s-dns-node-cache|dnsmasq)$/.test(
      (c.image ?? '')
        .replace(/[:@].*$/, '')
        .split('/')
        .pop() ?? '',
    ),
  );
}

/**
 * Failing pods whose `dnsPolicy` is `Default`: despite the name it is not the default (that is
 * `ClusterFirst`); the pod inherits the node's resolv.conf, whose resolver knows nothing of the
 * cluster domain, so Service names do not resolve from it.
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
 */
export const dnsPolicyAnalyzer: Analyzer = {
  name: 'dns-policy',
  kinds: ['Pod', 'ReplicaSet'],
  priority: 88,
  analyze(facts) {
    const out: Found[] = [];
    const replicaSets = facts.list<ReplicaSet>('ReplicaSet');
    const owners = new Set<string>();
    for (const p of facts.list<Pod>('Pod')) {
      if (p.spec.dnsPolicy !== 'Default' || p.spec.hostNetwork || clusterDnsServer(p)) continue;
      const restarts = (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
      if (podReady(p) && restarts === 0) continue;
      const ns = p.metadata.namespace;
      const owner = podOwner(p, replicaSets);
      const key = `${ns ?? ''}/${owner ?? p.metadata.name}`;
      if (owners.has(key)) continue;
      owners.add(key);
      const name = p.metadata.name ?? '';
      out.push({
        kind: 'Pod',
        name,
        ...(ns ? { namespace: ns } : {}),
        ...(owner ? { owner } : {}),
        reason: 'DnsPolicyDefault',
        message: `pod ${name} has dnsPolicy Default, which is not the default: it uses the node's resolv.conf (the node's upstream resolver) instead of the cluster DNS, so cluster names such as <service>.<namespace>.svc.cluster.local do not resolve (no such host)`,
        evidence: [
          `spec.dnsPolicy Default (the default is ClusterFirst); hostNetwork ${p.spec.hostNetwork ? 'true' : 'false'}`,
          `pod Ready ${podReady(p) ? 'true' : 'false'}, restarts ${restarts}`,
        ],
        next: `get_resource kind=Pod namespace=${ns ?? ''} name=${quote(name, 253)}`,
        fix: 'remove dnsPolicy from the pod template (or set it to ClusterFirst) so the pod uses the cluster DNS',
      });
    }
    return out;
  },
};
