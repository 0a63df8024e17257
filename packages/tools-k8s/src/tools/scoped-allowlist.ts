import type { AllowRule } from '@sre-harness/core';
import { K8sError } from '../errors.js';
import { K8S_TOOL, MUTATING_TOOL_NAMES, READ_TOOL_NAMES } from './k8s-tools.js';

/** Options of `namespaceAllowlist`. */
export interface NamespaceAllowlistOptions {
  /** Also allow the mutating tools (still behind the approval gate). Default false: read-only. */
  readonly mutations?: boolean;
  /** Allow the node tools, which read cluster-scoped objects. Default true. */
  readonly nodes?: boolean;
}

const CLUSTER_SCOPED: ReadonlySet<string> = new Set([K8S_TOOL.listNodes, K8S_TOOL.describeNode]);
// Generic tools take an optional namespace: absent means a cluster-scoped kind or the adapter's scope.
const OPTIONAL_NAMESPACE: ReadonlySet<string> = new Set([
  K8S_TOOL.getResource,
  K8S_TOOL.listResources,
  K8S_TOOL.describeResource,
]);

/**
 * Allowlist rules that confine every Kubernetes tool to the given namespaces, so a call aimed
 * anywhere else is refused by the harness before it reaches the cluster (least privilege, in
 * depth with the adapter's own `namespaces` scope and the cluster's RBAC).
 */
export function namespaceAllowlist(
  namespaces: readonly string[],
  options: NamespaceAllowlistOptions = {},
): AllowRule[] {
  if (namespaces.length === 0)
    throw new K8sError('invalid_option', 'namespaceAllowlist needs at least one namespace');
  const allowed = [...namespaces];
  const names = [...READ_TOOL_NAMES, ...(options.mutations ? MUTATING_TOOL_NAMES : [])];
  const rules: AllowRule[] = [];
  for (const tool of names) {
    if (CLUSTER_SCOPED.has(tool)) {
      if (options.nodes !== false) rules.push(tool);
    } else if (OPTIONAL_NAMESPACE.has(tool)) {
      rules.push({ tool, where: { namespace: (v) => v === undefined || allowed.includes(v as string) } });
    } else {
      rules.push({ tool, where: { namespace: allowed } });
    }
  }
  return rules;
}
