import type { KubeObject } from '../cluster.js';

/**
 * RBAC inside the world, for the API calls a program declares: a ServiceAccount may do what the Roles
 * and ClusterRoles bound to it (by RoleBindings in the namespace, ClusterRoleBindings anywhere) allow,
 * with `*` matching any verb, resource or group and `resourceNames` narrowing a rule. What it may not
 * do is refused in the API server's words.
 */

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}
interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}
interface Binding {
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

/** One request a program makes to the API server. */
export interface ApiCall {
  readonly verb: string;
  readonly resource: string;
  readonly group?: string | undefined;
  /** Default: the pod's namespace; `''` for a cluster-scoped request. */
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

function subjectIs(s: Subject, sa: string, ns: string, bindingNs: string | undefined): boolean {
  if (s.kind === 'ServiceAccount') return s.name === sa && (s.namespace ?? bindingNs) === ns;
  if (s.kind === 'Group')
    return (
      s.name === 'system:serviceaccounts' ||
      s.name === `system:serviceaccounts:${ns}` ||
      s.name === 'system:authenticated'
    );
  if (s.kind === 'User') return s.name === `system:serviceaccount:${ns}:${sa}`;
  return false;
}

function ruleAllows(r: PolicyRule, call: ApiCall): boolean {
  const has = (list: string[] | undefined, v: string) =>
    (list ?? []).includes('*') || (list ?? []).includes(v);
  if (!has(r.verbs, call.verb)) return false;
  if (!has(r.apiGroups, call.group ?? '')) return false;
  if (!has(r.resources, call.resource)) return false;
  if (r.resourceNames && r.resourceNames.length > 0)
    return call.name !== undefined && r.resourceNames.includes(call.name);
  return true;
}

/**
 * Whether ServiceAccount `sa` of namespace `ns` may make the call, given every Role, ClusterRole,
 * RoleBinding and ClusterRoleBinding in the world.
 */
export function serviceAccountMay(
  objects: readonly KubeObject[],
  sa: string,
  ns: string,
  call: ApiCall,
): boolean {
  const target = call.namespace ?? ns;
  const roles = (kind: string, name: string | undefined, roleNs: string | undefined) =>
    objects.find(
      (o) =>
        o.kind === kind &&
        o.metadata?.name === name &&
        (kind === 'ClusterRole' || o.metadata?.namespace === roleNs),
    );
  for (const b of objects) {
    const binding = b as Binding & KubeObject;
    if (b.kind === 'RoleBinding') {
      if (target === '' || b.metadata?.namespace !== target) continue;
    } else if (b.kind !== 'ClusterRoleBinding') continue;
    if (!(binding.subjects ?? []).some((s) => subjectIs(s, sa, ns, b.metadata?.namespace))) continue;
    const ref = binding.roleRef;
    const role =
      ref?.kind === 'ClusterRole'
        ? roles('ClusterRole', ref.name, undefined)
        : b.kind === 'RoleBinding'
          ? roles('Role', ref?.name, b.metadata?.namespace)
          : undefined;
    const rules = ((role as { rules?: PolicyRule[] } | undefined)?.rules ?? []) as PolicyRule[];
    if (rules.some((r) => ruleAllows(r, call))) return true;
  }
  return false;
}

/** The API server's 403 message for a ServiceAccount's refused call. */
export function forbiddenMessage(sa: string, ns: string, call: ApiCall): string {
  const target = call.namespace ?? ns;
  // The API server names the group-qualified resource without its subresource (`jobs.batch`,
  // `deployments.apps`; `pods` for `pods/log`), as apimachinery's NewForbidden does.
  const base = call.resource.split('/')[0] ?? call.resource;
  const qualified = call.group ? `${base}.${call.group}` : base;
  const what = call.name ? `${qualified} "${call.name}"` : qualified;
  const where = target === '' ? 'at the cluster scope' : `in the namespace "${target}"`;
  return `${what} is forbidden: User "system:serviceaccount:${ns}:${sa}" cannot ${call.verb} resource "${call.resource}" in API group "${call.group ?? ''}" ${where}`;
}
