import type { Node, Pod } from '../types.js';

/** One requirement of required node affinity, as the API writes it. */
export interface NodeRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/**
 * Node labels Kubernetes deprecated, and the label that replaced each. Source: kubernetes.io,
 * "Well-Known Labels, Annotations and Taints" (the beta.kubernetes.io/* and failure-domain.beta.*
 * entries, deprecated since v1.17/v1.14 and no longer set by current kubelets and provisioners).
 */
export const DEPRECATED_NODE_LABELS: Readonly<Record<string, string>> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
  'beta.kubernetes.io/instance-type': 'node.kubernetes.io/instance-type',
};

/** What in a pod's placement no node satisfies, in words, with the replacement for a deprecated key. */
export interface Unmatched {
  /** `key=value` (nodeSelector) or `key In [a, b]` (affinity), as the pod asks. */
  readonly asked: string;
  /** What the nodes carry for that key: values seen, or that none has it. */
  readonly nodesHave: string;
  /** The current label for a deprecated key the pod asks for. */
  readonly replacement?: string;
  /** Whether a node carries the replacement key with a value the pod asks for. */
  readonly replacementMatches?: boolean;
  /**
   * For a key no node carries: a node label whose value names the same pool (`highmem-ng` asked,
   * `karpenter.sh/nodepool=highmem` carried), the likely label that replaced it after a migration.
   */
  readonly similar?: { readonly key: string; readonly value: string };
}

// Suffixes that name a pool's kind rather than the pool (`highmem-ng`, `gpu-pool`, `batch-nodes`).
const POOL_SUFFIXES = [
  '-nodegroup',
  '-node-group',
  '-nodepool',
  '-ng',
  '-np',
  '-pool',
  '-nodes',
  '-workers',
  '-group',
];

function poolStem(value: string): string {
  const v = value.toLowerCase();
  for (const s of POOL_SUFFIXES) if (v.endsWith(s) && v.length > s.length + 2) return v.slice(0, -s.length);
  return v;
}

/** A label some node carries whose value names the same pool as one of `wanted`. */
function similarLabel(
  labelsOf: readonly Readonly<Record<string, string>>[],
  wanted: readonly string[],
): { key: string; value: string } | undefined {
  const stems = new Set(wanted.map(poolStem).filter((x) => x.length >= 3));
  for (const labels of labelsOf)
    for (const [k, v] of Object.entries(labels))
      if (stems.has(poolStem(v)) && !k.startsWith('kubernetes.io/hostname')) return { key: k, value: v };
  return undefined;
}

function satisfies(labels: Readonly<Record<string, string>>, r: NodeRequirement): boolean {
  const v = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(values[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(values[0]);
  }
}

/** The pod's required node affinity terms (ORed), each a list of requirements (ANDed). */
export function requiredTerms(pod: Pod): NodeRequirement[][] {
  const spec = pod.spec as unknown as {
    affinity?: {
      nodeAffinity?: {
        requiredDuringSchedulingIgnoredDuringExecution?: {
          nodeSelectorTerms?: { matchExpressions?: NodeRequirement[] }[];
        };
      };
    };
  };
  return (
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []
  )
    .map((t) => t.matchExpressions ?? [])
    .filter((t) => t.length > 0);
}

/**
 * The parts of a pod's nodeSelector and required node affinity that no schedulable node's labels
 * satisfy (at most 4). Empty when some node satisfies them all, or the pod asks for nothing.
 */
export function unmatchedPlacement(pod: Pod, nodes: readonly Node[]): Unmatched[] {
  const labelsOf = nodes.map((n) => n.metadata.labels ?? {});
  const valuesOf = (key: string) => [...new Set(labelsOf.map((l) => l[key]).filter((v) => v !== undefined))];
  const have = (key: string) => {
    const vs = valuesOf(key);
    return vs.length === 0
      ? `no node has the label ${key}`
      : `nodes carry ${key} = ${vs.slice(0, 6).join(', ')}`;
  };
  const out: Unmatched[] = [];
  const withReplacement = (asked: string, key: string, wanted: readonly string[]): Unmatched => {
    const replacement = DEPRECATED_NODE_LABELS[key];
    if (!replacement) {
      const similar = valuesOf(key).length === 0 ? similarLabel(labelsOf, wanted) : undefined;
      return { asked, nodesHave: have(key), ...(similar ? { similar } : {}) };
    }
    const repl = valuesOf(replacement);
    return {
      asked,
      nodesHave: have(key),
      replacement,
      replacementMatches: wanted.length === 0 ? repl.length > 0 : wanted.some((w) => repl.includes(w)),
    };
  };
  // At most 4 are said, so at most 4 are worked out: each reads every node's labels, and a pod may
  // ask for thousands of keys.
  const MAX = 4;
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (out.length >= MAX) break;
    if (!labelsOf.some((l) => l[k] === v)) out.push(withReplacement(`${k}=${v}`, k, [v]));
  }
  const terms = requiredTerms(pod);
  if (
    out.length < MAX &&
    terms.length > 0 &&
    !labelsOf.some((l) => terms.some((t) => t.every((r) => satisfies(l, r))))
  ) {
    // The requirements of the terms that no node meets on its own.
    const before = out.length;
    for (const r of terms.flat()) {
      if (out.length >= MAX) break;
      if (labelsOf.some((l) => satisfies(l, r))) continue;
      const asked = `${r.key} ${r.operator}${r.values?.length ? ` [${r.values.join(', ')}]` : ''}`;
      out.push(withReplacement(asked, r.key, r.operator === 'In' ? (r.values ?? []) : []));
    }
    // Each requirement alone is met by some node, yet no node meets a whole term: the expressions of
    // one nodeSelectorTerm are ANDed (the terms themselves are ORed), and together they exclude every
    // node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
    const term = terms.find((t) => t.length > 1);
    if (out.length === before && term) {
      const said = term
        .slice(0, 4)
        .map((r) => `${r.key} ${r.operator}${r.values?.length ? ` [${r.values.join(', ')}]` : ''}`);
      out.push({
        asked: said.join(' AND '),
        nodesHave: `each expression alone matches some node, but the matchExpressions of one nodeSelectorTerm are ANDed together and no node satisfies all of them at once (alternatives belong in separate nodeSelectorTerms, which are ORed, or in one expression's values)`,
      });
    }
  }
  return out;
}

/**
 * The nodes a pod's nodeSelector and required node affinity exclude, when some other node meets them
 * (so the scheduler's "didn't match Pod's node affinity/selector" counts only part of the nodes, and
 * another reason, an anti-affinity rule or capacity, rules out the rest): the first requirement each
 * excluded node fails, grouped, at most 4 requirements and 6 nodes each. Empty when no node is excluded.
 */
export function excludedNodes(
  pod: Pod,
  nodes: readonly Node[],
): { asked: string; nodes: string[]; lacksKey: boolean }[] {
  const out = new Map<string, { asked: string; nodes: string[]; lacksKey: boolean }>();
  const terms = requiredTerms(pod);
  const selector = Object.entries(pod.spec.nodeSelector ?? {});
  for (const n of nodes.slice(0, 5000)) {
    const labels = n.metadata.labels ?? {};
    let asked: string | undefined;
    let lacksKey = false;
    for (const [k, v] of selector)
      if (labels[k] !== v) {
        asked = `${k}=${v}`;
        lacksKey = labels[k] === undefined;
        break;
      }
    if (asked === undefined && terms.length > 0 && !terms.some((t) => t.every((r) => satisfies(labels, r)))) {
      const r = terms.flat().find((x) => !satisfies(labels, x))!;
      asked = `${r.key} ${r.operator}${r.values?.length ? ` [${r.values.join(', ')}]` : ''}`;
      lacksKey = labels[r.key] === undefined;
    }
    if (asked === undefined) continue;
    const group = out.get(asked) ?? { asked, nodes: [], lacksKey };
    if (group.nodes.length < 6) group.nodes.push(n.metadata.name ?? '');
    group.lacksKey &&= lacksKey;
    if (!out.has(asked) && out.size >= 4) continue;
    out.set(asked, group);
  }
  return [...out.values()];
}
