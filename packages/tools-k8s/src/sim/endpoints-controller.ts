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
    const subsets =
      ports.length && (addresses.length || notReady.length)
        ? [
            {
              ...(addresses.length ? { addresses } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports,
            },
          ]
        : undefined;
    // Most passes find what is stored already: leave it (and the object every reader holds) alone.
    if (existing !== undefined && isOwnEndpoints(existing) && sameJson(existing.subsets, subsets)) continue;
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
      ...(subsets ? { subsets } : {}),
    };
    if (ep.metadata && !existing) delete ep.metadata.labels;
    host.store.set(ek, ep);
  }
}

/** Whether an object has the shape this controller writes: `apiVersion`, `kind`, `metadata` and perhaps `subsets`, nothing else. */
function isOwnEndpoints(o: KubeObject): boolean {
  let n = 0;
  for (const k in o) {
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'subsets') return false;
    n++;
  }
  return o.apiVersion === 'v1' && o.kind === 'Endpoints' && (n === 3 || (n === 4 && o.subsets !== undefined));
}

/** Whether two values of plain JSON data (as this controller builds them) are equal: the same keys in any order, equal values. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!Object.hasOwn(y, k) || !sameJson(x[k], y[k])) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}
