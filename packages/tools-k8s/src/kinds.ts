import { K8sError } from './errors.js';

/** What the API calls a kind: its group/version, plural resource name, scope and short names. */
export interface KindInfo {
  readonly kind: string;
  readonly apiVersion: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

const k = (
  kind: string,
  apiVersion: string,
  plural: string,
  namespaced: boolean,
  ...shortNames: string[]
): KindInfo => ({
  kind,
  apiVersion,
  plural,
  namespaced,
  shortNames,
});

/** Kinds every cluster has, as the API's discovery documents name them. */
export const WELL_KNOWN_KINDS: readonly KindInfo[] = [
  k('Pod', 'v1', 'pods', true, 'po'),
  k('Service', 'v1', 'services', true, 'svc'),
  k('Endpoints', 'v1', 'endpoints', true, 'ep'),
  k('Event', 'v1', 'events', true, 'ev'),
  k('Node', 'v1', 'nodes', false, 'no'),
  k('Namespace', 'v1', 'namespaces', false, 'ns'),
  k('ConfigMap', 'v1', 'configmaps', true, 'cm'),
  k('Secret', 'v1', 'secrets', true),
  k('ServiceAccount', 'v1', 'serviceaccounts', true, 'sa'),
  k('PersistentVolumeClaim', 'v1', 'persistentvolumeclaims', true, 'pvc'),
  k('PersistentVolume', 'v1', 'persistentvolumes', false, 'pv'),
  k('ResourceQuota', 'v1', 'resourcequotas', true, 'quota'),
  k('LimitRange', 'v1', 'limitranges', true, 'limits'),
  k('Deployment', 'apps/v1', 'deployments', true, 'deploy'),
  k('ReplicaSet', 'apps/v1', 'replicasets', true, 'rs'),
  k('StatefulSet', 'apps/v1', 'statefulsets', true, 'sts'),
  k('DaemonSet', 'apps/v1', 'daemonsets', true, 'ds'),
  k('ControllerRevision', 'apps/v1', 'controllerrevisions', true),
  k('Job', 'batch/v1', 'jobs', true),
  k('CronJob', 'batch/v1', 'cronjobs', true, 'cj'),
  k('HorizontalPodAutoscaler', 'autoscaling/v2', 'horizontalpodautoscalers', true, 'hpa'),
  k('Ingress', 'networking.k8s.io/v1', 'ingresses', true, 'ing'),
  k('IngressClass', 'networking.k8s.io/v1', 'ingressclasses', false),
  k('NetworkPolicy', 'networking.k8s.io/v1', 'networkpolicies', true, 'netpol'),
  k('StorageClass', 'storage.k8s.io/v1', 'storageclasses', false, 'sc'),
  k('Role', 'rbac.authorization.k8s.io/v1', 'roles', true),
  k('RoleBinding', 'rbac.authorization.k8s.io/v1', 'rolebindings', true),
  k('ClusterRole', 'rbac.authorization.k8s.io/v1', 'clusterroles', false),
  k('ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'clusterrolebindings', false),
  k('PodDisruptionBudget', 'policy/v1', 'poddisruptionbudgets', true, 'pdb'),
  k('PriorityClass', 'scheduling.k8s.io/v1', 'priorityclasses', false, 'pc'),
];

/** The plural resource name Kubernetes would derive for a kind nobody registered. */
export function guessPlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Finds a kind by any name kubectl accepts: `Pod`, `pod`, `pods`, `po`. */
export function findKind(name: string, extra: readonly KindInfo[] = []): KindInfo | undefined {
  let known = wellKnownByName.get(name);
  if (known === undefined) {
    const n = name.trim().toLowerCase().split('.')[0] ?? '';
    known = { n, info: WELL_KNOWN_KINDS.find((info) => kindNamed(info, n)) };
    if (wellKnownByName.size >= 1024) wellKnownByName.clear();
    wellKnownByName.set(name, known);
  }
  for (const info of extra) if (kindNamed(info, known.n)) return info;
  return known.info;
}

/** Whether a kind answers to `n` (a lower-case name without its group). */
function kindNamed(info: KindInfo, n: string): boolean {
  return info.kind.toLowerCase() === n || info.plural === n || info.shortNames.includes(n);
}

/** Per name asked for: the name as matched, and the well-known kind it names (extra kinds come first). */
const wellKnownByName = new Map<string, { n: string; info: KindInfo | undefined }>();

/** Like `findKind`, but an unknown kind is an error naming the known ones. */
export function resolveKind(name: string, extra: readonly KindInfo[] = []): KindInfo {
  const info = findKind(name, extra);
  if (info) return info;
  throw new K8sError('unknown_kind', `the server doesn't have a resource type "${name}"`, { status: 404 });
}
