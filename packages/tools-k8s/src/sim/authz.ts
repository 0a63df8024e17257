import { K8sError } from '../errors.js';

/** The user the served API authenticates every request as (the kubeconfig's token stands for it). */
export const SIM_USER = { username: 'sre-harness-sim', groups: ['system:authenticated'] } as const;

/** Verbs that only read; the served client may always use them. */
const READ_VERBS = new Set(['get', 'list', 'watch']);
/** Mutating verbs, as RBAC names them. */
const MUTATING_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** One grant of mutating verbs, in RBAC's terms: `*` matches any verb, resource or namespace. */
export interface MutationRule {
  /** RBAC verbs: `create`, `update`, `patch`, `delete`, `deletecollection` or `*`. */
  readonly verbs: readonly string[];
  /** Plural resource names (`deployments`, `pods`, `deployments/scale`) or `*`. */
  readonly resources: readonly string[];
  /** Namespaces the rule applies in; left out: every namespace and cluster-scoped resources. */
  readonly namespaces?: readonly string[];
}

/**
 * What the served client may do. The world itself declares no permissions, so the served API's
 * documented default is: the client may read (get, list, watch) everything, and mutate what
 * `mutations` grants; `'all'` (the default, the behaviour before permissions existed) grants every
 * mutation: the eval judges mutations afterwards against a scenario's grants instead of refusing them.
 */
export interface AccessPolicy {
  readonly mutations?: 'all' | readonly MutationRule[];
}

/** The attributes of one request, as a SubjectAccessReview's `resourceAttributes` has them. */
export interface ResourceAttributes {
  readonly verb: string;
  readonly group?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Whether the served client may do this: the one authorization decision of the served API. */
export function authorize(policy: AccessPolicy, a: ResourceAttributes): boolean {
  if (READ_VERBS.has(a.verb)) return true;
  const rules = policy.mutations ?? 'all';
  if (rules === 'all') return true;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  return rules.some(
    (r) =>
      (r.verbs.includes('*') || r.verbs.includes(a.verb)) &&
      (r.resources.includes('*') || r.resources.includes(resource)) &&
      (r.namespaces === undefined || (a.namespace !== undefined && r.namespaces.includes(a.namespace))),
  );
}

/**
 * Refuses a request the policy does not allow with Kubernetes' 403 wording:
 * `<resource> "<name>" is forbidden: User "<user>" cannot <verb> resource "<resource>" in API group "<group>" in the namespace "<ns>"`.
 */
export function requireAllowed(policy: AccessPolicy, a: ResourceAttributes): void {
  if (authorize(policy, a)) return;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  const group = a.group ? `.${a.group}` : '';
  const subject = a.name ? `${a.resource}${group} "${a.name}"` : `${a.resource}${group}`;
  const where = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  throw new K8sError(
    'forbidden',
    `${subject} is forbidden: User "${SIM_USER.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group ?? ''}"${where}`,
    { status: 403 },
  );
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Answers a SelfSubjectAccessReview (authorization.k8s.io/v1): the request's `spec` is echoed and
 * `status.allowed` says whether the served client may do it. Non-resource requests (`nonResourceAttributes`)
 * are allowed for `get` (discovery, /version, /openapi) and nothing else.
 */
export function selfSubjectAccessReview(policy: AccessPolicy, body: unknown) {
  const spec = ((body as { spec?: unknown } | null)?.spec ?? {}) as {
    resourceAttributes?: Record<string, unknown>;
    nonResourceAttributes?: Record<string, unknown>;
  };
  let allowed: boolean;
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    const namespace = str(r['namespace']);
    const name = str(r['name']);
    const group = str(r['group']);
    const resource = str(r['resource']);
    const subresource = str(r['subresource']);
    allowed = authorize(policy, {
      verb: str(r['verb']) ?? '',
      ...(group !== undefined ? { group } : {}),
      ...(resource !== undefined ? { resource } : {}),
      ...(subresource ? { subresource } : {}),
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
    });
  } else if (spec.nonResourceAttributes) {
    allowed = str(spec.nonResourceAttributes['verb']) === 'get';
  } else {
    throw new K8sError(
      'invalid',
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      { status: 422 },
    );
  }
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: {
      allowed,
      ...(allowed
        ? {
            reason:
              'the simulated cluster lets its client read everything and make the mutations it was served with',
          }
        : {}),
    },
  };
}

/**
 * Answers a SelfSubjectRulesReview (authorization.k8s.io/v1) for `spec.namespace`: read verbs on every
 * resource, the policy's mutation rules that apply there, and `get` on every non-resource URL.
 */
export function selfSubjectRulesReview(policy: AccessPolicy, body: unknown) {
  const namespace = str((body as { spec?: { namespace?: unknown } } | null)?.spec?.namespace) ?? '';
  const rules = policy.mutations ?? 'all';
  const mutating =
    rules === 'all'
      ? [{ verbs: MUTATING_VERBS, apiGroups: ['*'], resources: ['*'] }]
      : rules
          .filter((r) => r.namespaces === undefined || r.namespaces.includes(namespace))
          .map((r) => ({ verbs: [...r.verbs], apiGroups: ['*'], resources: [...r.resources] }));
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { namespace },
    status: {
      resourceRules: [{ verbs: [...READ_VERBS], apiGroups: ['*'], resources: ['*'] }, ...mutating],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  };
}

/** Answers a SelfSubjectReview (authentication.k8s.io/v1, `kubectl auth whoami`): the served user. */
export function selfSubjectReview(now: Date) {
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: now.toISOString().replace('.000Z', 'Z') },
    status: { userInfo: { username: SIM_USER.username, groups: [...SIM_USER.groups] } },
  };
}
