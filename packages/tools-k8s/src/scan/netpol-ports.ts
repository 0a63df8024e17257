import type { Pod, Service, ServicePort } from '../types.js';
import type { NetworkPolicy } from './objects.js';
import { type Analyzer, type Found, quote, selects, selectsMap } from './types.js';

/** A rule's port as written: a number, or a named port. */
function rulePort(p: unknown): number | string | undefined {
  if (typeof p !== 'object' || p === null) return undefined;
  const port = (p as { port?: unknown }).port;
  return typeof port === 'number' || typeof port === 'string' ? port : undefined;
}

/**
 * An ingress rule that allows a Service's port where the selected pods listen on another one. A
 * NetworkPolicy is enforced at the pod, after the Service has translated its port to the targetPort,
 * so the `ports` of a rule are the pod's ports: allowing the Service's port 80 leaves the pod's 8080
 * closed. https://kubernetes.io/docs/concepts/services-networking/network-policies/ (a rule's ports
 * are the destination pod's ports).
 */
export const netpolPortsAnalyzer: Analyzer = {
  name: 'netpol-ports',
  kinds: ['NetworkPolicy', 'Pod', 'Service'],
  priority: 86,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    const services = facts.list<Service>('Service');
    for (const np of facts.list<NetworkPolicy>('NetworkPolicy')) {
      const ns = np.metadata.namespace;
      const name = np.metadata.name ?? '';
      const selected = pods.filter(
        (p) => p.metadata.namespace === ns && selects(np.spec?.podSelector, p.metadata.labels),
      );
      if (selected.length === 0) continue;
      const listening = new Set(
        selected.flatMap((p) =>
          p.spec.containers.flatMap((c) => (c.ports ?? []).map((x) => x.containerPort)),
        ),
      );
      const named = new Set(
        selected.flatMap((p) => p.spec.containers.flatMap((c) => (c.ports ?? []).map((x) => x.name ?? ''))),
      );
      const fronting = services.filter(
        (s) =>
          s.metadata.namespace === ns &&
          s.spec.selector !== undefined &&
          selected.some((p) => selectsMap(s.spec.selector!, p.metadata.labels)),
      );
      let reported = false;
      for (const rule of np.spec?.ingress ?? []) {
        for (const p of rule.ports ?? []) {
          const port = rulePort(p);
          if (port === undefined || reported) continue;
          if (typeof port === 'string' ? named.has(port) : listening.has(port)) continue;
          // A named port no container of the selected pods declares: the rule matches no port at all
          // (a named port in a policy is resolved against the destination pod's container ports).
          if (typeof port === 'string') {
            reported = true;
            const names = [...named].filter(Boolean);
            out.push({
              kind: 'NetworkPolicy',
              name,
              ...(ns ? { namespace: ns } : {}),
              reason: 'NamedPortNotFound',
              message: `NetworkPolicy ${name} allows the named port "${quote(port, 40)}", but no container of the pods it selects has a port by that name${
                names.length
                  ? ` (theirs are named ${names
                      .slice(0, 6)
                      .map((n) => `"${quote(n, 40)}"`)
                      .join(', ')})`
                  : ''
              }, so the rule matches no port and the traffic it was meant to allow is dropped`,
              evidence: [
                `policy ${name} ingress ports: ${quote(port, 40)}`,
                `container port names of the selected pods: ${names.slice(0, 6).join(', ') || '<none>'}`,
              ],
              next: `get_resource kind=NetworkPolicy namespace=${ns ?? ''} name=${name}`,
              fix: `allow the port by the name the containers use${names[0] ? ` (${quote(names[0], 40)})` : ''} or by its number in ${name}`,
            });
            continue;
          }
          // The Service whose port this is, and the pod port it sends to.
          for (const s of fronting) {
            const sp: ServicePort | undefined = (s.spec.ports ?? []).find((x) => x.port === port);
            if (!sp) continue;
            const target: number | string = sp.targetPort ?? sp.port;
            if (target === port) continue;
            reported = true;
            out.push({
              kind: 'NetworkPolicy',
              name,
              ...(ns ? { namespace: ns } : {}),
              reason: 'PolicyAllowsServicePort',
              message: `NetworkPolicy ${name} allows port ${quote(String(port), 20)}, which is Service ${s.metadata.name}'s port, but the pods it selects listen on ${quote(
                String(target),
                20,
              )} (the Service's targetPort): a policy is enforced at the pod after the Service translates the port, so connections to ${quote(
                String(target),
                20,
              )} are still dropped`,
              evidence: [
                `policy ${name} ingress ports: ${quote(String(port), 20)}; Service ${s.metadata.name} port ${sp.port} -> targetPort ${quote(String(target), 20)}`,
                `container ports of the selected pods: ${[...listening].slice(0, 6).join(', ') || '<none>'}`,
              ],
              next: `get_resource kind=NetworkPolicy namespace=${ns ?? ''} name=${name}`,
              fix: `allow the pod port ${quote(String(target), 20)} (the targetPort) in ${name} instead of the Service port ${quote(String(port), 20)}`,
            });
            break;
          }
        }
      }
    }
    return out;
  },
};
