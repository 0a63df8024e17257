import type { Deployment, Endpoints, Node, Pod, ReplicaSet, Service } from '../types.js';
import { retiredOnPurpose } from './deployments.js';
import { podOwner } from './pods.js';
import { type Analyzer, type Found, pairsOf, selectsMap } from './types.js';

/** Whether a pod is Ready (its Ready condition, else every container ready). */
export function podReady(p: Pod): boolean {
  const cond = p.status?.conditions?.find((c) => c.type === 'Ready');
  if (cond) return cond.status === 'True';
  const cs = p.status?.containerStatuses ?? [];
  return p.status?.phase === 'Running' && cs.length > 0 && cs.every((c) => c.ready);
}

/** Services: no endpoints, a selector that matches no pod, pods that are not Ready, a targetPort no container exposes, a selector that spans workloads running different images. */
export const servicesAnalyzer: Analyzer = {
  name: 'services',
  kinds: ['Service', 'Endpoints', 'Pod', 'ReplicaSet', 'Deployment', 'Node'],
  priority: 70,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    const eps = facts.list<Endpoints>('Endpoints');
    for (const s of facts.list<Service>('Service')) {
      const sel = s.spec.selector;
      if (!sel || Object.keys(sel).length === 0 || s.spec.type === 'ExternalName') continue;
      const ns = s.metadata.namespace;
      const name = s.metadata.name ?? '';
      const base = { kind: 'Service', name, ...(ns ? { namespace: ns } : {}) };
      const selector = pairsOf(sel);
      const matched = pods.filter(
        (p) =>
          p.metadata.namespace === ns &&
          selectsMap(sel, p.metadata.labels) &&
          p.status?.phase !== 'Succeeded' &&
          p.status?.phase !== 'Failed',
      );
      const ep = eps.find((e) => e.metadata.namespace === ns && e.metadata.name === name);
      const ready = (ep?.subsets ?? []).reduce((n, x) => n + (x.addresses?.length ?? 0), 0);
      const notReady = (ep?.subsets ?? []).reduce((n, x) => n + (x.notReadyAddresses?.length ?? 0), 0);
      const podList = (xs: readonly Pod[]) =>
        `${xs
          .slice(0, 4)
          .map((p) => `${p.metadata.name} ${podReady(p) ? 'Ready' : 'NotReady'}`)
          .join(', ')}${xs.length > 4 ? ` and ${xs.length - 4} more` : ''}`;
      // targetPorts that no selected pod's container exposes, by number or by name.
      const missingPorts: string[] = [];
      if (matched.length > 0) {
        const containers = matched.flatMap((p) => p.spec.containers);
        const declares = containers.some((c) => (c.ports ?? []).length > 0);
        for (const port of s.spec.ports ?? []) {
          const tp = port.targetPort ?? port.port;
          const named = typeof tp === 'string' && !/^\d{1,5}$/.test(tp);
          const exposed = containers.some((c) =>
            (c.ports ?? []).some((cp) => (named ? cp.name === tp : cp.containerPort === Number(tp))),
          );
          // A headless Service (ClusterIP None) proxies nothing: clients reach the pods' addresses on
          // whatever port the program listens on, and a numeric port only names a DNS SRV record
          // (kubernetes.io, "Headless Services"), so an undeclared number is no fault there. A name must
          // still resolve to a container port.
          const headless = s.spec.clusterIP === 'None';
          if (!exposed && (named || (declares && !headless))) missingPorts.push(String(tp));
        }
      }
      const exposes = [
        ...new Set(
          matched.flatMap((p) =>
            p.spec.containers.flatMap((c) =>
              (c.ports ?? []).map((cp) => `${cp.containerPort}${cp.name ? ` (${cp.name})` : ''}`),
            ),
          ),
        ),
      ];
      // No pods because the workload behind it was retired on purpose: a leftover Service, not an outage.
      const retired =
        matched.length === 0 &&
        facts
          .list<Deployment>('Deployment')
          .some(
            (d) =>
              d.metadata.namespace === ns &&
              retiredOnPurpose(d) &&
              selectsMap(sel, d.spec?.template?.metadata?.labels),
          );
      if (matched.length === 0) {
        if (!retired)
          out.push({
            ...base,
            reason: 'NoPodsSelected',
            // A headless Service's endpoints are the selected pods' DNS records (an A record per pod and its
            // reverse PTR record; https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/):
            // with none selected, the pods' names under it and their addresses do not resolve.
            message: `service ${name} has no endpoints: its selector ${selector} matches no pod in ${ns}, so traffic has nowhere to go${s.spec.clusterIP === 'None' ? `; it is headless (ClusterIP None), so its endpoints are the pods' DNS records: with no pod selected, their names under ${name} and the reverse lookup (PTR) of their addresses do not resolve (a peer that checks a caller's hostname by reverse lookup refuses them)` : ''}`,
            evidence: [`selector ${selector}; 0 pods match`, `endpoints: ${ready} ready`],
            next: `list_pods namespace=${ns} (compare the pod labels with the selector)`,
            fix: 'fix the service selector to match the pod labels (or the pod labels to match it)',
          });
      } else if (missingPorts.length > 0 && matched.some(podReady)) {
        out.push({
          ...base,
          reason: 'TargetPortNotExposed',
          message: `service ${name} sends traffic to targetPort ${missingPorts.join(', ')}, which no container of the ${matched.length} pod(s) it selects exposes (they expose ${exposes.join(', ') || 'no ports'})${ready === 0 ? ', so it has no endpoints' : ', so connections are refused'}`,
          evidence: [
            `ports: ${(s.spec.ports ?? []).map((p) => `${p.port}->${p.targetPort ?? p.port}`).join(', ')}`,
            `selected pods: ${podList(matched)}`,
            `endpoints: ${ready} ready, ${notReady} not ready`,
          ],
          next: `describe_service namespace=${ns} name=${name}`,
          fix: `set the service targetPort to a port the container exposes${exposes[0] ? ` (${exposes[0]})` : ''}`,
        });
      } else if (localPolicyGap(s, matched, facts.list<Node>('Node'))) {
        // externalTrafficPolicy Local: a node forwards external traffic only to ready pods on itself.
        // https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy
        const gap = localPolicyGap(s, matched, facts.list<Node>('Node'))!;
        out.push({
          ...base,
          reason: 'LocalTrafficPolicyNodesWithoutPods',
          message: `service ${name} (${s.spec.type}) has externalTrafficPolicy Local, so a node sends external traffic only to a ready pod on that same node, and ${gap.without.length} of ${gap.nodes} nodes (${gap.without.slice(0, 6).join(', ')}) run no ready pod of it: connections that reach those nodes through the node port${s.spec.type === 'LoadBalancer' ? ' (or from a load balancer that still sends to them)' : ''} are dropped and time out, while the nodes with a pod (${gap.with.slice(0, 6).join(', ')}) answer`,
          evidence: [
            `spec.type ${s.spec.type}; externalTrafficPolicy Local`,
            `ready pods on ${gap.with.join(', ') || 'no node'}; none on ${gap.without.slice(0, 6).join(', ')}`,
          ],
          next: `describe_service namespace=${ns} name=${name}`,
          fix: `set externalTrafficPolicy back to Cluster (the client source IP is then lost), or run a ready pod on every node that receives the traffic (a DaemonSet, or pods spread over all nodes), or send the traffic only to nodes whose healthCheckNodePort says they have a pod`,
        });
      } else if (mixed(matched, facts.list<ReplicaSet>('ReplicaSet'))) {
        // One selector over two workloads with different images (a canary sharing the stable
        // labels): the service spreads traffic over both, by pod count.
        const groups = mixed(matched, facts.list<ReplicaSet>('ReplicaSet'))!;
        const minor = groups[groups.length - 1]!;
        const major = groups[0]!;
        const apart = Object.entries(major.pods[0]!.metadata.labels ?? {})
          .filter(
            ([k, v]) => k !== 'pod-template-hash' && minor.pods.every((p) => p.metadata.labels?.[k] !== v),
          )
          .map(([k, v]) => `${k}=${v}`);
        const share = Math.round((100 * minor.pods.length) / matched.length);
        out.push({
          ...base,
          reason: 'SelectorSpansWorkloads',
          message: `service ${name}'s selector ${selector} matches the pods of ${groups.length} workloads with different images: ${groups.map((g) => `${g.owner} (${g.pods.length} pod(s), ${g.image})`).join(', ')}, so about ${share}% of its traffic goes to ${minor.owner}`,
          evidence: [
            `selector ${selector}; selected pods: ${podList(matched)}`,
            ...groups.map(
              (g) => `${g.owner}: image ${g.image}, labels ${pairsOf(g.pods[0]!.metadata.labels ?? {})}`,
            ),
          ],
          next: `get_pod_logs namespace=${ns} name=${minor.pods[0]!.metadata.name}`,
          fix: apart.length
            ? `narrow the selector with ${apart[0]} so it matches ${major.owner} only (or scale ${minor.owner} down)`
            : `give the workloads distinct labels and narrow the selector (or scale ${minor.owner} down)`,
        });
      } else if (ready === 0 && facts.read('Endpoints')) {
        const unready = matched.filter((p) => !podReady(p));
        out.push({
          ...base,
          reason: 'NoReadyEndpoints',
          message: `service ${name} has no ready endpoints: none of the ${matched.length} pod(s) its selector ${selector} matches is Ready`,
          evidence: [`selected pods: ${podList(matched)}`, `endpoints: 0 ready, ${notReady} not ready`],
          next: unready[0]
            ? `describe_pod namespace=${ns} name=${unready[0].metadata.name}`
            : `describe_service namespace=${ns} name=${name}`,
        });
      }
    }
    return out;
  },
};

/**
 * The selected pods grouped by owning workload, largest first, when there are two or more owners
 * whose pods run different images; else undefined.
 */
function mixed(
  pods: readonly Pod[],
  replicaSets: readonly ReplicaSet[],
): { owner: string; image: string; pods: Pod[] }[] | undefined {
  const by = new Map<string, Pod[]>();
  for (const p of pods) {
    const o = podOwner(p, replicaSets);
    if (!o) return undefined;
    by.set(o, [...(by.get(o) ?? []), p]);
  }
  if (by.size < 2) return undefined;
  const groups = [...by].map(([owner, ps]) => ({
    owner,
    image: ps[0]!.spec.containers.map((c) => c.image ?? '').join(','),
    pods: ps,
  }));
  if (new Set(groups.map((g) => g.image)).size < 2) return undefined;
  return groups.sort((a, b) => b.pods.length - a.pods.length);
}

/**
 * For a NodePort or LoadBalancer Service with externalTrafficPolicy Local that has ready pods: the
 * schedulable nodes with and without one of its ready pods. Undefined when every node has one (or the
 * policy is Cluster).
 */
function localPolicyGap(
  s: Service,
  matched: readonly Pod[],
  nodes: readonly Node[],
): { with: string[]; without: string[]; nodes: number } | undefined {
  const spec = s.spec as Service['spec'] & { externalTrafficPolicy?: string };
  if ((spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') || spec.externalTrafficPolicy !== 'Local')
    return undefined;
  const on = new Set(matched.filter(podReady).map((p) => p.spec.nodeName ?? ''));
  if (on.size === 0) return undefined;
  const schedulable = nodes.filter(
    (n) => !(n.spec as { unschedulable?: boolean } | undefined)?.unschedulable,
  );
  const names = schedulable.map((n) => n.metadata.name ?? '');
  const without = names.filter((n) => !on.has(n));
  if (without.length === 0) return undefined;
  return { with: names.filter((n) => on.has(n)), without, nodes: names.length };
}
