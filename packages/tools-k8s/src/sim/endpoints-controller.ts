import type { KubeObject } from '../cluster.js';
import type { Pod } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { key } from './object-store.js';

/**
 * The Endpoints controller: each Service with a selector gets Endpoints listing the pods it selects
 * that have an IP (ready ones as addresses, the others as not-ready addresses), with its ports
 * resolved against the pods' named container ports. Endpoints the world declared are left alone.
 */
export const endpointsController: Controller = {
  kind: 'Endpoints',
  reconcile(host) {
    reconcileEndpoints(host);
    return false;
  },
};

function reconcileEndpoints(host: ClusterHost): void {
  // Pods by namespace, sorted by name, listed once per pass (storing Endpoints changes no pod).
  const podsByNs = new Map<string, Pod[]>();
  for (const svc of [...host.store.ofKind('Service').values()]) {
    const ns = svc.metadata.namespace ?? 'default';
    const ek = key('Endpoints', ns, svc.metadata.name ?? '');
    if (host.staticEndpoints.has(ek) || !svc.spec.selector) continue;
    const wanted = Object.entries(svc.spec.selector);
    let inNs = podsByNs.get(ns);
    if (inNs === undefined) {
      inNs = host.store.stored('Pod', true, ns);
      podsByNs.set(ns, inNs);
    }
    const pods: Pod[] = [];
    for (const p of inNs) {
      if (!p.status?.podIP) continue;
      const labels = p.metadata.labels;
      let all = true;
      for (const [k, v] of wanted)
        if (labels?.[k] !== v) {
          all = false;
          break;
        }
      if (all) pods.push(p);
    }
    const addresses: { ip: string; targetRef: { kind: string; name: string; namespace: string } }[] = [];
    const notReady: typeof addresses = [];
    const ports: { name?: string; port: number; protocol?: string }[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const tp = sp.targetPort ?? sp.port;
      let port: number | undefined = typeof tp === 'number' ? tp : /^\d+$/.test(tp) ? Number(tp) : undefined;
      if (port === undefined) {
        for (const p of pods) {
          const found = p.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === tp);
          if (found) port = found.containerPort;
        }
      }
      if (port !== undefined)
        ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    for (const p of pods) {
      const ref = {
        ip: p.status!.podIP!,
        targetRef: { kind: 'Pod', name: p.metadata.name ?? '', namespace: ns },
      };
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) addresses.push(ref);
      else notReady.push(ref);
    }
    const existing = host.store.at(ek);
    const ep: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata:
        existing?.metadata ??
        host.meta(
          svc.metadata.name ?? '',
          ns,
          (Date.parse(svc.metadata.creationTimestamp ?? '') - host.t0) / 1000,
          { labels: {} },
        ),
      ...(ports.length && (addresses.length || notReady.length)
        ? {
            subsets: [
              {
                ...(addresses.length ? { addresses } : {}),
                ...(notReady.length ? { notReadyAddresses: notReady } : {}),
                ports,
              },
            ],
          }
        : {}),
    };
    if (ep.metadata && !existing) delete ep.metadata.labels;
    host.store.set(ek, ep);
  }
}
