import type { AllowRule } from '@sre-harness/core';
import { K8sError } from '../errors.js';
import { findKind, type KindInfo } from '../kinds.js';
import { K8S_TOOL, MUTATING_TOOL_NAMES, READ_TOOL_NAMES } from './k8s-tools.js';

/** Options of `namespaceAllowlist`. */
export interface NamespaceAllowlistOptions {
  /** Also allow the mutating tools (still behind the approval gate). Default false: read-only. */
  readonly mutations?: boolean;
  /**
   * Allow the node tools: `list_nodes`, and `describe_node` with a `namespace` among the allowed ones
   * (so it lists only those pods). Default true.
   */
  readonly nodes?: boolean;
  /**
   * Cluster-scoped kinds the generic tools (`get_resource`, `list_resources`, `describe_resource`)
   * may read, e.g. `['StorageClass']`. Default none: every cluster-scoped kind is refused.
   */
  readonly clusterKinds?: readonly string[];
  /**
   * Kinds beyond the well-known ones (custom resources), so the rules know their scope. A kind
   * the rules cannot place is refused, since its scope is unknown.
   */
  readonly extraKinds?: readonly KindInfo[];
}

const NODE_LIST: ReadonlySet<string> = new Set([K8S_TOOL.listNodes]);
const NODE_DESCRIBE: ReadonlySet<string> = new Set([K8S_TOOL.describeNode]);
// The generic tools name a kind; their namespace defaults to "default" in the tool's schema, so the
// rules see the namespace that is read, and must also check that the kind is namespaced at all.
const GENERIC: ReadonlySet<string> = new Set([
  K8S_TOOL.getResource,
  K8S_TOOL.listResources,
  K8S_TOOL.describeResource,
]);

/**
 * Allowlist rules that confine every Kubernetes tool to the given namespaces, so a call aimed
 * anywhere else is refused by the harness before it reaches the cluster (least privilege, in
 * depth with the adapter's own `namespaces` scope and the cluster's RBAC). The harness checks
 * them against the validated arguments, schema defaults applied, so they judge what runs.
 * Cluster-scoped kinds are refused unless named in `clusterKinds` (nodes through `nodes`).
 */
export function namespaceAllowlist(
  namespaces: readonly string[],
  options: NamespaceAllowlistOptions = {},
): AllowRule[] {
  if (namespaces.length === 0)
    throw new K8sError('invalid_option', 'namespaceAllowlist needs at least one namespace');
  const allowed = [...namespaces];
  const extra = options.extraKinds ?? [];
  const named = new Set<string>();
  for (const k of options.clusterKinds ?? []) {
    const info = findKind(k, extra);
    if (!info || info.namespaced)
      throw new K8sError(
        'invalid_option',
        `clusterKinds: "${k}" is not a known cluster-scoped kind${info ? ` (${info.kind} is namespaced)` : '; pass it in extraKinds'}`,
      );
    named.add(info.kind);
  }
  const namespacedKind = (v: unknown) => typeof v === 'string' && findKind(v, extra)?.namespaced === true;
  const namedClusterKind = (v: unknown) => {
    const info = typeof v === 'string' ? findKind(v, extra) : undefined;
    return info !== undefined && !info.namespaced && named.has(info.kind);
  };
  const withinAllowed = (v: unknown) =>
    Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'string' && allowed.includes(n));
  const names = [...READ_TOOL_NAMES, ...(options.mutations ? MUTATING_TOOL_NAMES : [])];
  const rules: AllowRule[] = [];
  for (const tool of names) {
    if (NODE_LIST.has(tool)) {
      if (options.nodes !== false) rules.push(tool);
    } else if (NODE_DESCRIBE.has(tool)) {
      if (options.nodes !== false) rules.push({ tool, where: { namespace: allowed } });
    } else if (tool === K8S_TOOL.findObjects) {
      // It searches every namespace unless told which: only a search confined to allowed ones runs.
      rules.push({ tool, where: { namespaces: withinAllowed } });
    } else if (GENERIC.has(tool)) {
      rules.push({ tool, where: { kind: namespacedKind, namespace: allowed } });
      if (named.size > 0) rules.push({ tool, where: { kind: namedClusterKind } });
    } else {
      rules.push({ tool, where: { namespace: allowed } });
    }
  }
  return rules;
}
