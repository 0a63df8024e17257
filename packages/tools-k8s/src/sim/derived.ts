import type { KubeObject, PodMetrics } from '../cluster.js';
import type { KindInfo } from '../kinds.js';
import { parseQuantity } from '../quantity.js';
import type { Endpoints, Node, Pod } from '../types.js';
import { fnv1a } from './names.js';

/** EndpointSlice (discovery.k8s.io/v1): served read-only, derived from the simulated Endpoints. */
export const ENDPOINT_SLICE: KindInfo = {
  kind: 'EndpointSlice',
  apiVersion: 'discovery.k8s.io/v1',
  plural: 'endpointslices',
  namespaced: true,
  shortNames: [],
};

/**
 * The EndpointSlices the EndpointSlice controller would write for the simulated Endpoints objects:
 * one IPv4 slice per Service, named `<service>-<5 chars>`, labelled `kubernetes.io/service-name`,
 * with each address's `conditions.ready`/`serving` from whether it was ready (discovery.k8s.io/v1
 * EndpointSlice). Endpoints with no ports give a slice with `endpoints: null`, as Kubernetes does.
 */
export function endpointSlicesOf(
  endpoints: readonly KubeObject[],
  pods: readonly KubeObject[],
): KubeObject[] {
  const nodeOf = new Map<string, string>();
  for (const p of pods as readonly Pod[]) {
    if (p.spec.nodeName) nodeOf.set(`${p.metadata.namespace}/${p.metadata.name}`, p.spec.nodeName);
  }
  return (endpoints as readonly Endpoints[]).map((ep) => {
    const name = ep.metadata.name ?? '';
    const ns = ep.metadata.namespace ?? 'default';
    const subset = ep.subsets?.[0];
    const ports = (subset?.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : { name: '' }),
      port: p.port,
      protocol: p.protocol ?? 'TCP',
    }));
    const endpoint = (
      a: { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } },
      ready: boolean,
    ) => {
      const node = a.targetRef?.name ? nodeOf.get(`${ns}/${a.targetRef.name}`) : undefined;
      return {
        addresses: [a.ip],
        conditions: { ready, serving: ready, terminating: false },
        ...(a.targetRef ? { targetRef: { ...a.targetRef } } : {}),
        ...(node ? { nodeName: node } : {}),
      };
    };
    const list = [
      ...(subset?.addresses ?? []).map((a) => endpoint(a, true)),
      ...(subset?.notReadyAddresses ?? []).map((a) => endpoint(a, false)),
    ];
    return {
      apiVersion: ENDPOINT_SLICE.apiVersion,
      kind: ENDPOINT_SLICE.kind,
      metadata: {
        name: `${name}-${fnv1a(`${ns}/${name}`).toString(36).slice(0, 5).padEnd(5, 'x')}`,
        namespace: ns,
        ...(ep.metadata.uid ? { uid: `${ep.metadata.uid.slice(0, -4)}e5e5` } : {}),
        ...(ep.metadata.creationTimestamp ? { creationTimestamp: ep.metadata.creationTimestamp } : {}),
        generateName: `${name}-`,
        labels: {
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Service', name, controller: true, blockOwnerDeletion: true },
        ],
      },
      addressType: 'IPv4',
      endpoints: list.length ? list : null,
      ports: ports.length ? ports : null,
    } as unknown as KubeObject;
  });
}

/** Node usage summed from the pods on each node (metrics.k8s.io/v1beta1 NodeMetrics `usage`). */
export function nodeUsage(
  nodes: readonly KubeObject[],
  pods: readonly KubeObject[],
  metrics: readonly PodMetrics[],
): { name: string; cpu: string; memory: string }[] {
  const nodeOf = new Map<string, string>();
  for (const p of pods as readonly Pod[])
    if (p.spec.nodeName) nodeOf.set(`${p.metadata.namespace}/${p.metadata.name}`, p.spec.nodeName);
  const sum = new Map<string, { cpu: number; memory: number }>();
  for (const m of metrics) {
    const node = nodeOf.get(`${m.namespace}/${m.name}`);
    if (!node) continue;
    const s = sum.get(node) ?? { cpu: 0, memory: 0 };
    for (const c of m.containers) {
      s.cpu += parseQuantity(c.usage.cpu) ?? 0;
      s.memory += parseQuantity(c.usage.memory) ?? 0;
    }
    sum.set(node, s);
  }
  return (nodes as readonly Node[]).map((n) => {
    const s = sum.get(n.metadata.name ?? '') ?? { cpu: 0, memory: 0 };
    return {
      name: n.metadata.name ?? '',
      cpu: `${Math.round(s.cpu * 1e9)}n`,
      memory: `${Math.round(s.memory / 1024)}Ki`,
    };
  });
}
