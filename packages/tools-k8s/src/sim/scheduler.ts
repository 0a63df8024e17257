import { hostPortsOf } from '../host-ports.js';
import { parseQuantity } from '../quantity.js';
import type { Node, Pod, PodSpec } from '../types.js';

/**
 * The scheduler's filters, as pure functions over typed objects: node readiness and cordons, the
 * nodeSelector and required node affinity, taints, resources (cpu, memory, pods and extended resources
 * such as `nvidia.com/gpu`), and required inter-pod affinity and anti-affinity. Preferred
 * (`preferredDuringScheduling…`) terms are scoring, not filtering, and are ignored here.
 */

/** What a pod asks for. Extended resources must be whole numbers; a limit alone is also the request. */
export interface Requests {
  cpu: number;
  memory: number;
  limitsCpu: number;
  limitsMemory: number;
  extended: Record<string, number>;
}

/** What is already placed on a node. */
export interface NodeUse {
  cpu: number;
  memory: number;
  pods: number;
  extended: Record<string, number>;
}

const NATIVE = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);

/** Whether a resource name is an extended resource (a domain-prefixed name, or hugepages). */
export function isExtendedResource(name: string): boolean {
  return !NATIVE.has(name) && (name.includes('/') || name.startsWith('hugepages-'));
}

export function podRequests(spec: PodSpec): Requests {
  const out: Requests = { cpu: 0, memory: 0, limitsCpu: 0, limitsMemory: 0, extended: {} };
  for (const c of spec.containers) {
    const r = c.resources;
    out.cpu += parseQuantity(r?.requests?.cpu ?? r?.limits?.cpu) ?? 0;
    out.memory += parseQuantity(r?.requests?.memory ?? r?.limits?.memory) ?? 0;
    out.limitsCpu += parseQuantity(r?.limits?.cpu) ?? 0;
    out.limitsMemory += parseQuantity(r?.limits?.memory) ?? 0;
    for (const name of new Set([...Object.keys(r?.requests ?? {}), ...Object.keys(r?.limits ?? {})])) {
      if (!isExtendedResource(name)) continue;
      out.extended[name] =
        (out.extended[name] ?? 0) + (parseQuantity(r?.requests?.[name] ?? r?.limits?.[name]) ?? 0);
    }
  }
  return out;
}

export const emptyUse = (): NodeUse => ({ cpu: 0, memory: 0, pods: 0, extended: {} });

export function addUse(u: NodeUse, r: Requests): void {
  u.cpu += r.cpu;
  u.memory += r.memory;
  u.pods += 1;
  for (const [k, v] of Object.entries(r.extended)) u.extended[k] = (u.extended[k] ?? 0) + v;
}

interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: SelectorRequirement[];
}
interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey?: string;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
}
/** One term of a NodeSelector (Kubernetes' core/v1 NodeSelectorTerm). */
export interface NodeSelectorTerm {
  matchExpressions?: SelectorRequirement[];
  matchFields?: SelectorRequirement[];
}
interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: {
      nodeSelectorTerms?: NodeSelectorTerm[];
    };
  };
  podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] };
  podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] };
}

const affinityOf = (p: Pod): Affinity | undefined => (p.spec as { affinity?: Affinity }).affinity;

function requirementMatches(req: SelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const v = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(v ?? '');
    case 'NotIn':
      return !has || !values.includes(v ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const n = Number(v);
      const bound = Number(values[0]);
      if (!has || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return req.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/** Whether labels match a LabelSelector (matchLabels and matchExpressions); an empty one matches all. */
export function labelSelectorMatches(
  sel: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (sel.matchExpressions ?? []).every((r) => requirementMatches(r, labels));
}

/** Whether a node passes the pod's nodeSelector and required node affinity (terms ORed). */
export function nodeAffinityMatches(n: Node, p: Pod): boolean {
  const labels = n.metadata.labels ?? {};
  if (Object.entries(p.spec.nodeSelector ?? {}).some(([k, v]) => labels[k] !== v)) return false;
  return nodeSelectorTermsMatch(
    affinityOf(p)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    n,
  );
}

/**
 * Whether a node matches a NodeSelector's terms (ORed; each term's expressions and fields ANDed; a term
 * with neither matches nothing), as a pod's required node affinity and a PersistentVolume's
 * `spec.nodeAffinity.required` both use them; no terms at all: every node.
 */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[] | undefined, n: Node): boolean {
  if (!terms || terms.length === 0) return true;
  const labels = n.metadata.labels ?? {};
  const fields = { 'metadata.name': n.metadata.name ?? '' };
  return terms.some(
    (t) =>
      (t.matchExpressions?.length || t.matchFields?.length) &&
      (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels)) &&
      (t.matchFields ?? []).every((r) => requirementMatches(r, fields)),
  );
}

/** A node taint (core/v1 Taint). */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** A pod toleration (core/v1 Toleration). */
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/**
 * Whether a toleration tolerates a taint, by core/v1 `Toleration.ToleratesTaint`: an empty effect
 * matches every effect; an empty key with `Exists` matches every key; `Exists` ignores the value;
 * `Equal` (the default operator) needs the same value.
 */
export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  if (tol.operator === 'Exists') return true;
  if (!tol.key && tol.operator !== 'Exists') return false;
  return (
    (tol.operator === undefined || tol.operator === '' || tol.operator === 'Equal') &&
    (tol.value ?? '') === (taint.value ?? '')
  );
}

/**
 * The first of a node's taints with one of `effects` (the scheduler's filter: NoSchedule and
 * NoExecute; PreferNoSchedule only scores) that none of the tolerations tolerates, or undefined.
 */
export function untoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly unknown[] | undefined,
  effects: readonly string[] = ['NoSchedule', 'NoExecute'],
): Taint | undefined {
  if (!taints?.length) return undefined;
  const tols = (tolerations ?? []) as Toleration[];
  return taints.find((t) => effects.includes(t.effect) && !tols.some((tol) => tolerates(tol, t)));
}

/** A pod already placed, with its node's labels. */
export interface Placed {
  readonly pod: Pod;
  readonly nodeLabels: Record<string, string>;
}

function termNamespaces(term: PodAffinityTerm, owner: Pod): string[] | undefined {
  if (term.namespaceSelector && Object.keys(term.namespaceSelector).length === 0) return undefined; // all
  return term.namespaces?.length ? term.namespaces : [owner.metadata.namespace ?? 'default'];
}

function termMatchesPod(term: PodAffinityTerm, owner: Pod, other: Pod): boolean {
  const nss = termNamespaces(term, owner);
  if (nss && !nss.includes(other.metadata.namespace ?? 'default')) return false;
  return labelSelectorMatches(term.labelSelector, other.metadata.labels ?? {});
}

/**
 * Why inter-pod affinity keeps a pod off a node, in the scheduler's words, or undefined. A required
 * affinity term is met by a matching pod in the same topology domain (or by nothing matching anywhere
 * when the pod matches its own term, so a group's first pod can start); an anti-affinity term fails on
 * a matching pod in the domain; and an existing pod's anti-affinity can refuse the incoming pod.
 */
export function interPodMisfit(
  n: Node,
  p: Pod,
  placed: readonly Placed[],
): { reason: string; resolvable: boolean } | undefined {
  const labels = n.metadata.labels ?? {};
  const sameDomain = (key: string | undefined, other: Record<string, string>) =>
    key !== undefined && labels[key] !== undefined && other[key] === labels[key];
  const affinity = affinityOf(p);
  // The InterPodAffinity filter's order: the pod's affinity (unresolvable), its anti-affinity, then
  // existing pods' anti-affinity (both resolvable by preemption in principle).
  for (const term of affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    const matching = placed.filter((q) => termMatchesPod(term, p, q.pod));
    const selfMatch = matching.length === 0 && termMatchesPod(term, p, p);
    if (!selfMatch && !matching.some((q) => sameDomain(term.topologyKey, q.nodeLabels)))
      return { reason: "node(s) didn't match pod affinity rules", resolvable: false };
  }
  for (const term of affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (placed.some((q) => termMatchesPod(term, p, q.pod) && sameDomain(term.topologyKey, q.nodeLabels)))
      return { reason: "node(s) didn't match pod anti-affinity rules", resolvable: true };
  }
  for (const q of placed) {
    for (const term of affinityOf(q.pod)?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ??
      []) {
      if (sameDomain(term.topologyKey, q.nodeLabels) && termMatchesPod(term, q.pod, p))
        return { reason: "node(s) didn't satisfy existing pods anti-affinity rules", resolvable: true };
    }
  }
  return undefined;
}

/**
 * The NodePorts filter: whether a pod placed on the node already holds one of the host ports the pod
 * asks for (kube-scheduler: "node(s) didn't have free ports for the requested pod ports").
 */
export function portConflict(n: Node, p: Pod, placed: readonly Placed[]): boolean {
  const wanted = hostPortsOf(p);
  if (wanted.length === 0) return false;
  const name = n.metadata.name;
  for (const q of placed) {
    if (q.pod === p || q.pod.spec.nodeName !== name) continue;
    for (const port of hostPortsOf(q.pod)) if (wanted.includes(port)) return true;
  }
  return false;
}

/**
 * The PodTopologySpread filter for `whenUnsatisfiable: DoNotSchedule` constraints: the domains are the
 * values of `topologyKey` on the nodes the pod's node selector and affinity allow; placing the pod on
 * this node must leave the matching pods of its namespace in this node's domain at most `maxSkew` above
 * the emptiest domain (0 when there are fewer domains than `minDomains`). A node without the key is
 * refused outright. Source: kube-scheduler's PodTopologySpread plugin (nodeAffinityPolicy Honor,
 * nodeTaintsPolicy Ignore, the defaults).
 */
export function spreadMisfit(
  n: Node,
  p: Pod,
  placed: readonly Placed[],
  nodes: readonly Node[],
): { reason: string; resolvable: boolean } | undefined {
  const ns = p.metadata.namespace ?? 'default';
  for (const c of p.spec.topologySpreadConstraints ?? []) {
    if (c?.whenUnsatisfiable !== 'DoNotSchedule' || typeof c.topologyKey !== 'string') continue;
    const key = c.topologyKey;
    const here = n.metadata.labels?.[key];
    if (here === undefined)
      return {
        reason: "node(s) didn't match pod topology spread constraints (missing required label)",
        resolvable: false,
      };
    const counts = new Map<string, number>();
    for (const m of nodes) {
      const d = m.metadata.labels?.[key];
      if (d !== undefined && nodeAffinityMatches(m, p)) counts.set(d, 0);
    }
    const selector = c.labelSelector as LabelSelector | undefined;
    for (const q of placed) {
      if (q.pod === p || (q.pod.metadata.namespace ?? 'default') !== ns) continue;
      if (q.pod.metadata.deletionTimestamp) continue;
      if (!labelSelectorMatches(selector, q.pod.metadata.labels ?? {})) continue;
      const d = q.nodeLabels[key];
      if (d !== undefined && counts.has(d)) counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    const values = [...counts.values()];
    const min = values.length === 0 || values.length < (c.minDomains ?? 1) ? 0 : Math.min(...values);
    const self = labelSelectorMatches(selector, p.metadata.labels ?? {}) ? 1 : 0;
    if ((counts.get(here) ?? 0) + self - min > (c.maxSkew ?? 1))
      return { reason: "node(s) didn't match pod topology spread constraints", resolvable: true };
  }
  return undefined;
}

/** Reasons a node fails on resources, in the scheduler's words ("Insufficient nvidia.com/gpu"). */
export function resourceMisfit(n: Node, req: Requests, used: NodeUse): string[] {
  const alloc = n.status?.allocatable ?? {};
  const out: string[] = [];
  if (used.cpu + req.cpu > (parseQuantity(alloc.cpu) ?? Number.POSITIVE_INFINITY))
    out.push('Insufficient cpu');
  if (used.memory + req.memory > (parseQuantity(alloc.memory) ?? Number.POSITIVE_INFINITY))
    out.push('Insufficient memory');
  for (const [name, want] of Object.entries(req.extended)) {
    if (want <= 0) continue;
    const have = parseQuantity(alloc[name]) ?? 0;
    if ((used.extended[name] ?? 0) + want > have) out.push(`Insufficient ${name}`);
  }
  if (used.pods + 1 > Number(alloc.pods ?? 110)) out.push('Too many pods');
  return out;
}

/**
 * The FailedScheduling message kube-scheduler writes: per-reason node counts, sorted as it sorts them,
 * then what preemption found: nodes that failed on something preemption could free (resources,
 * anti-affinity) have "No preemption victims found for incoming pod" (none of lower priority
 * whose eviction would make room: preemption.ts), the rest "Preemption is not helpful for scheduling".
 */
export function unschedulableMessage(
  total: number,
  reasons: ReadonlyMap<string, number>,
  resolvableNodes: number,
): string {
  const pre: string[] = [];
  if (total - resolvableNodes > 0)
    pre.push(`${total - resolvableNodes} Preemption is not helpful for scheduling`);
  if (resolvableNodes > 0) pre.push(`${resolvableNodes} No preemption victims found for incoming pod`);
  return `${filterMessage(total, reasons)} preemption: 0/${total} nodes are available: ${pre.sort().join(', ')}.`;
}

/** The filters' part of the FailedScheduling message: `0/3 nodes are available: 3 Insufficient cpu.` */
export function filterMessage(total: number, reasons: ReadonlyMap<string, number>): string {
  const parts = [...reasons.entries()].map(([r, k]) => `${k} ${r}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
