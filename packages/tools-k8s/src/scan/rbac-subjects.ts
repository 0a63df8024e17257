import type { KubeObject } from '../cluster.js';
import type { Pod } from '../types.js';
import { type Analyzer, type Found, quote } from './types.js';

/** A RoleBinding's or ClusterRoleBinding's fields the analyzer reads (rbac.authorization.k8s.io/v1). */
interface Binding extends KubeObject {
  subjects?: { kind?: string; name?: string; namespace?: string }[];
  roleRef?: { kind?: string; name?: string };
}

/**
 * Pods whose ServiceAccount no RoleBinding or ClusterRoleBinding binds, while a binding names a
 * ServiceAccount of the same name in another namespace: the workload moved (or was installed again)
 * into this namespace and its binding still names the old one, so every API call the role allowed is
 * now forbidden (kubernetes.io, "Using RBAC Authorization": a subject of kind ServiceAccount is named
 * by its namespace and name). The `default` ServiceAccount is left out: most workloads on it need no
 * role. One finding per ServiceAccount; a binding that names this namespace's account too clears it.
 */
export const rbacSubjectsAnalyzer: Analyzer = {
  name: 'rbac-subjects',
  kinds: ['Pod', 'RoleBinding', 'ClusterRoleBinding'],
  priority: 87,
  analyze(facts) {
    // Both kinds read: a RoleBinding not read may be the one that binds the account.
    if (!facts.read('ClusterRoleBinding') || !facts.read('RoleBinding')) return [];
    const bindings = [
      ...facts.list<Binding>('ClusterRoleBinding').map((b) => ({ kind: 'ClusterRoleBinding', b })),
      ...facts.list<Binding>('RoleBinding').map((b) => ({ kind: 'RoleBinding', b })),
    ].slice(0, 5000);
    const subjects = (b: Binding) => (Array.isArray(b.subjects) ? b.subjects.slice(0, 200) : []);
    const accounts = (b: Binding) =>
      subjects(b).filter((s) => s?.kind === 'ServiceAccount' && typeof s.name === 'string');
    // A Group subject that holds every ServiceAccount of a namespace, or of the cluster (Kubernetes'
    // system:serviceaccounts:<namespace> and system:serviceaccounts groups).
    const byGroup = (ns: string) =>
      bindings.some(({ b }) =>
        subjects(b).some(
          (s) =>
            s?.kind === 'Group' &&
            (s.name === 'system:serviceaccounts' || s.name === `system:serviceaccounts:${ns}`),
        ),
      );
    const out: Found[] = [];
    const seen = new Set<string>();
    for (const p of facts.list<Pod>('Pod')) {
      const ns = p.metadata.namespace;
      const sa = p.spec.serviceAccountName ?? 'default';
      // A pod that mounts no API token makes no API calls for its account to be refused.
      if (
        !ns ||
        sa === 'default' ||
        (p.spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken === false ||
        seen.has(`${ns}/${sa}`)
      )
        continue;
      seen.add(`${ns}/${sa}`);
      // A RoleBinding's subject without a namespace is in the binding's own namespace.
      const subjectNs = (s: { namespace?: string }, b: Binding, kind: string) =>
        s.namespace ?? (kind === 'RoleBinding' ? b.metadata?.namespace : undefined);
      const bound = bindings.some(({ kind, b }) =>
        accounts(b).some((s) => s.name === sa && subjectNs(s, b, kind) === ns),
      );
      if (bound || byGroup(ns)) continue;
      const stale = bindings.find(({ kind, b }) =>
        accounts(b).some(
          (s) => s.name === sa && subjectNs(s, b, kind) !== undefined && subjectNs(s, b, kind) !== ns,
        ),
      );
      if (!stale) continue;
      const other = accounts(stale.b).find((s) => s.name === sa && subjectNs(s, stale.b, stale.kind) !== ns);
      const otherNs = other ? subjectNs(other, stale.b, stale.kind) : undefined;
      const bindingName = stale.b.metadata?.name ?? '';
      const role = `${stale.b.roleRef?.kind ?? 'role'} ${stale.b.roleRef?.name ?? '?'}`;
      const pods = facts
        .list<Pod>('Pod')
        .filter((x) => x.metadata.namespace === ns && (x.spec.serviceAccountName ?? 'default') === sa)
        .map((x) => x.metadata.name ?? '')
        .slice(0, 3);
      out.push({
        kind: 'ServiceAccount',
        name: sa,
        namespace: ns,
        reason: 'BindingNamesOtherNamespace',
        message: `ServiceAccount ${sa} in ${ns} (used by pod ${pods.join(', ')}) is bound by no RoleBinding or ClusterRoleBinding, while ${stale.kind} ${quote(bindingName, 253)} binds ${role} to ServiceAccount ${sa} in namespace ${otherNs}: the binding still names the namespace the workload ran in before, so every API call that role allows is forbidden for the pods in ${ns}`,
        evidence: [
          `pod ${pods[0]}: serviceAccountName ${sa}`,
          `${stale.kind} ${quote(bindingName, 253)}: roleRef ${role}; subjects ${accounts(stale.b)
            .slice(0, 4)
            .map((s) => `ServiceAccount ${subjectNs(s, stale.b, stale.kind) ?? '?'}/${s.name}`)
            .join(', ')}`,
        ],
        next: `get_resource kind=${stale.kind} name=${quote(bindingName, 253)}${stale.kind === 'RoleBinding' ? ` namespace=${stale.b.metadata?.namespace ?? ''}` : ''}`,
        // A RoleBinding grants its role in its own namespace only: the pod's namespace needs one of its own.
        fix:
          stale.kind === 'RoleBinding'
            ? `create a RoleBinding in namespace ${ns} that binds ${role} to ServiceAccount ${sa} (RoleBinding ${quote(bindingName, 253)} grants it in ${otherNs} only)`
            : `add ServiceAccount ${sa} in namespace ${ns} to the subjects of ClusterRoleBinding ${quote(bindingName, 253)} (or point its subject at ${ns})`,
      });
    }
    return out;
  },
};
