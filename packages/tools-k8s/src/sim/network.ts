import type { KubeObject } from '../cluster.js';
import type { Pod, Service } from '../types.js';
import { labelSelectorMatches } from './scheduler.js';

/**
 * NetworkPolicy as the network plugin enforces it, for the connections a program declares: a pod that
 * some policy selects for Egress may only send what one of those policies' egress rules allows, and a
 * pod selected for Ingress may only receive what an ingress rule allows. A connection to a Service goes
 * to its ready backends on the target port (allowed when one backend is reachable). Without a policy
 * everything is allowed.
 */

interface Peer {
  podSelector?: Record<string, unknown>;
  namespaceSelector?: Record<string, unknown>;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PortRule {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: PortRule[];
}
interface PolicySpec {
  podSelector?: Record<string, unknown>;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** One end of a connection: a pod (with its namespace's labels), or a bare address. */
export interface Endpoint {
  readonly pod?: Pod;
  readonly namespaceLabels?: Record<string, string>;
  readonly ip: string;
}

/** What the program connects to, resolved: the backends a Service sends it to. */
export interface Destination {
  readonly endpoints: readonly Endpoint[];
  readonly port: number;
  readonly protocol: string;
}

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Whether an IPv4 address is inside a CIDR block. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipToInt(ip);
  const b = ipToInt(base ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

const policyTypes = (spec: PolicySpec): string[] =>
  spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);

function selects(policy: KubeObject, pod: Pod): boolean {
  if ((policy.metadata?.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return false;
  const spec = (policy.spec ?? {}) as PolicySpec;
  return labelSelectorMatches(spec.podSelector ?? {}, pod.metadata.labels ?? {});
}

function peerMatches(peer: Peer, policyNs: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    if (!inCidr(other.ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  }
  if (!other.pod) return false;
  const ns = other.pod.metadata.namespace ?? 'default';
  if (peer.namespaceSelector) {
    if (!labelSelectorMatches(peer.namespaceSelector, other.namespaceLabels ?? {})) return false;
  } else if (ns !== policyNs) return false;
  return peer.podSelector ? labelSelectorMatches(peer.podSelector, other.pod.metadata.labels ?? {}) : true;
}

function portMatches(rules: PortRule[] | undefined, port: number, protocol: string, pod?: Pod): boolean {
  if (!rules || rules.length === 0) return true;
  return rules.some((r) => {
    if ((r.protocol ?? 'TCP') !== protocol) return false;
    if (r.port === undefined) return true;
    let p: number | undefined =
      typeof r.port === 'number' ? r.port : Number.isFinite(Number(r.port)) ? Number(r.port) : undefined;
    if (p === undefined && typeof r.port === 'string')
      p = pod?.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === r.port)?.containerPort;
    if (p === undefined) return false;
    return r.endPort !== undefined ? port >= p && port <= r.endPort : port === p;
  });
}

/**
 * Whether a connection from `src` to `dst` on a port is allowed by every policy that applies: the
 * egress policies selecting the source and the ingress policies selecting the destination pod.
 */
export function connectionAllowed(
  policies: readonly KubeObject[],
  src: Endpoint,
  dst: Endpoint,
  port: number,
  protocol: string,
): boolean {
  if (src.pod) {
    const egress = policies.filter(
      (p) => selects(p, src.pod!) && policyTypes((p.spec ?? {}) as PolicySpec).includes('Egress'),
    );
    if (
      egress.length > 0 &&
      !egress.some((p) =>
        (((p.spec ?? {}) as PolicySpec).egress ?? []).some(
          (r) =>
            (!r.to ||
              r.to.length === 0 ||
              r.to.some((peer) => peerMatches(peer, p.metadata?.namespace ?? 'default', dst))) &&
            portMatches(r.ports, port, protocol, dst.pod),
        ),
      )
    )
      return false;
  }
  if (dst.pod) {
    const ingress = policies.filter(
      (p) => selects(p, dst.pod!) && policyTypes((p.spec ?? {}) as PolicySpec).includes('Ingress'),
    );
    if (
      ingress.length > 0 &&
      !ingress.some((p) =>
        (((p.spec ?? {}) as PolicySpec).ingress ?? []).some(
          (r) =>
            (!r.from ||
              r.from.length === 0 ||
              r.from.some((peer) => peerMatches(peer, p.metadata?.namespace ?? 'default', src))) &&
            portMatches(r.ports, port, protocol, dst.pod),
        ),
      )
    )
      return false;
  }
  return true;
}

/** The ready backends of a Service and the target port a service port sends to. */
export function serviceBackends(
  svc: Service,
  port: number,
  pods: readonly Pod[],
): { pods: Pod[]; targetPort: (p: Pod) => number | undefined } {
  const sp = (svc.spec.ports ?? []).find((p) => p.port === port) ?? svc.spec.ports?.[0];
  const selector = svc.spec.selector;
  const ready = selector
    ? pods.filter(
        (p) =>
          (p.metadata.namespace ?? 'default') === (svc.metadata.namespace ?? 'default') &&
          Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v) &&
          // A pod not evaluated yet (earlier in the same pass) counts as ready until its status says.
          (!p.status || p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
      )
    : [];
  const target = sp?.targetPort ?? sp?.port ?? port;
  return {
    pods: ready,
    targetPort: (p) =>
      typeof target === 'number'
        ? target
        : /^\d+$/.test(target)
          ? Number(target)
          : p.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === target)?.containerPort,
  };
}
