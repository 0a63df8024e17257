import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import { formatCpu, formatMemory, parseQuantity } from '../quantity.js';
import type { Deployment, Pod } from '../types.js';
import { fieldPath, objectShapeIssues } from './pod-shape.js';
import { priorityClassInvalid } from './priority.js';
import { podRequests, type Requests } from './scheduler.js';
import { MAX_STATEFUL_PODS } from './statefulset-controller.js';

/**
 * Admission, as the API server applies it before an object is stored: validation of what a patch or
 * create would store, and LimitRange then ResourceQuota for new pods. Pure functions over the objects they are given.
 */

/** Most replicas one workload may ask for in the simulated cluster (admission answers 422 beyond). */
export const MAX_REPLICAS = 1000;
/** Most replicas all deployments together may ask for. */
export const MAX_TOTAL_REPLICAS = 2000;

/** Whether a pod has ended: quota and the scheduler no longer count it. */
const ended = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

function totals(pods: readonly Pod[]): Requests & { pods: number } {
  const t = { cpu: 0, memory: 0, limitsCpu: 0, limitsMemory: 0, extended: {}, pods: 0 };
  for (const p of pods) {
    if (ended(p)) continue;
    const r = podRequests(p.spec);
    t.cpu += r.cpu;
    t.memory += r.memory;
    t.limitsCpu += r.limitsCpu;
    t.limitsMemory += r.limitsMemory;
    t.pods++;
  }
  return t;
}

const byResource = (r: Requests, pods: number): Record<string, number> => ({
  pods,
  'requests.cpu': r.cpu,
  cpu: r.cpu,
  'requests.memory': r.memory,
  memory: r.memory,
  'limits.cpu': r.limitsCpu,
  'limits.memory': r.limitsMemory,
});

const show = (res: string, v: number) =>
  res === 'pods' || res.endsWith('persistentvolumeclaims')
    ? String(v)
    : res.endsWith('cpu')
      ? formatCpu(v)
      : formatMemory(v);

/** A claim's spec as quota reads it. */
const claimSpec = (c: KubeObject) =>
  (c.spec ?? {}) as { storageClassName?: unknown; resources?: { requests?: { storage?: unknown } } };

/**
 * The quota resources one PersistentVolumeClaim uses (Kubernetes' "Resource Quotas", storage resource
 * quota): one `persistentvolumeclaims`, its `requests.storage`, and both again under its StorageClass
 * (`<class>.storageclass.storage.k8s.io/…`).
 */
function claimUse(c: KubeObject): Record<string, number> {
  const sc = claimSpec(c).storageClassName;
  const bytes = parseQuantity(String(claimSpec(c).resources?.requests?.storage ?? '0')) ?? 0;
  const out: Record<string, number> = { persistentvolumeclaims: 1, 'requests.storage': bytes };
  if (typeof sc === 'string' && sc) {
    out[`${sc}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
    out[`${sc}.storageclass.storage.k8s.io/requests.storage`] = bytes;
  }
  return out;
}

/** What the claims of a namespace use, summed by quota resource. */
function claimsUsed(claims: readonly KubeObject[]): Record<string, number> {
  const used: Record<string, number> = {};
  for (const c of claims)
    for (const [res, v] of Object.entries(claimUse(c))) used[res] = (used[res] ?? 0) + v;
  return used;
}

/** Whether a quota resource is one a claim counts against. */
const claimResource = (res: string) =>
  res === 'persistentvolumeclaims' ||
  res === 'requests.storage' ||
  /\.storageclass\.storage\.k8s\.io\/(?:persistentvolumeclaims|requests\.storage)$/.test(res);

/**
 * Why a ResourceQuota refuses a new PersistentVolumeClaim, in the API server's words
 * (`persistentvolumeclaims "data-web-0" is forbidden: exceeded quota: storage, requested:
 * requests.storage=10Gi, used: requests.storage=95Gi, limited: requests.storage=100Gi`), or undefined.
 * `claims` are the claims already in its namespace.
 */
export function claimQuotaRefusal(
  claim: KubeObject,
  quotas: readonly KubeObject[],
  claims: readonly KubeObject[],
): string | undefined {
  const used = claimsUsed(claims);
  const want = claimUse(claim);
  for (const q of quotas) {
    const hard = ((q.spec as { hard?: Record<string, string> })?.hard ?? {}) as Record<string, string>;
    for (const [res, limitText] of Object.entries(hard)) {
      const limit = parseQuantity(String(limitText));
      if (limit === undefined || want[res] === undefined) continue;
      if ((used[res] ?? 0) + want[res]! > limit)
        return `persistentvolumeclaims "${claim.metadata?.name ?? ''}" is forbidden: exceeded quota: ${q.metadata?.name}, requested: ${res}=${res.endsWith('persistentvolumeclaims') ? '1' : String(claimSpec(claim).resources?.requests?.storage ?? show(res, want[res]!))}, used: ${res}=${show(res, used[res] ?? 0)}, limited: ${res}=${limitText}`;
    }
  }
  return undefined;
}

/**
 * Why a ResourceQuota refuses a new pod, in the API server's words, or undefined. `pods` are the pods
 * of its namespace; pods that have ended do not count.
 */
export function quotaRefusal(
  pod: Pod,
  quotas: readonly KubeObject[],
  pods: readonly Pod[],
): string | undefined {
  const t = totals(pods);
  const used = byResource(t, t.pods);
  const want = byResource(podRequests(pod.spec), 1);
  const who = pod.metadata.generateName ?? pod.metadata.name;
  for (const q of quotas) {
    const hard = ((q.spec as { hard?: Record<string, string> })?.hard ?? {}) as Record<string, string>;
    for (const [res, limitText] of Object.entries(hard)) {
      const limit = parseQuantity(limitText);
      if (limit === undefined || want[res] === undefined) continue;
      if (res.startsWith('limits.') && want[res] === 0)
        return `pods "${who}" is forbidden: failed quota: ${q.metadata?.name}: must specify ${res}`;
      if (used[res]! + want[res]! > limit)
        return `pods "${who}" is forbidden: exceeded quota: ${q.metadata?.name}, requested: ${res}=${show(res, want[res]!)}, used: ${res}=${show(res, used[res]!)}, limited: ${res}=${limitText}`;
    }
  }
  return undefined;
}

type ResourceList = Record<string, string | number>;

interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

/**
 * A LimitRange item with the API's defaulting (`SetDefaults_LimitRangeItem`): for a Container item a
 * missing default limit is the max, a missing default request is the default limit, else the min.
 */
function defaultedItem(item: LimitRangeItem): LimitRangeItem {
  if (item.type !== 'Container') return item;
  const def: ResourceList = { ...item.max, ...item.default };
  const defaultRequest: ResourceList = { ...item.min, ...def, ...item.defaultRequest };
  return { ...item, default: def, defaultRequest };
}

const text = (v: string | number) => String(v);

/** The LimitRanger's min, max and ratio checks of one requests/limits pair, in its words (one message per failure). */
function limitChecks(
  item: LimitRangeItem,
  scope: string,
  requests: ResourceList,
  limits: ResourceList,
): string[] {
  const errs: string[] = [];
  for (const [res, enforced] of Object.entries(item.min ?? {})) {
    const req = requests[res];
    const lim = limits[res];
    const e = parseQuantity(enforced) ?? 0;
    if (req === undefined)
      errs.push(`minimum ${res} usage per ${scope} is ${text(enforced)}.  No request is specified`);
    else if ((parseQuantity(req) ?? 0) < e)
      errs.push(`minimum ${res} usage per ${scope} is ${text(enforced)}, but request is ${text(req)}`);
    else if (lim !== undefined && (parseQuantity(lim) ?? 0) < e)
      errs.push(`minimum ${res} usage per ${scope} is ${text(enforced)}, but limit is ${text(lim)}`);
  }
  for (const [res, enforced] of Object.entries(item.max ?? {})) {
    const req = requests[res];
    const lim = limits[res];
    const e = parseQuantity(enforced) ?? 0;
    if (lim === undefined)
      errs.push(`maximum ${res} usage per ${scope} is ${text(enforced)}.  No limit is specified`);
    else if ((parseQuantity(lim) ?? 0) > e)
      errs.push(`maximum ${res} usage per ${scope} is ${text(enforced)}, but limit is ${text(lim)}`);
    else if (req !== undefined && (parseQuantity(req) ?? 0) > e)
      errs.push(`maximum ${res} usage per ${scope} is ${text(enforced)}, but request is ${text(req)}`);
  }
  for (const [res, enforced] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const req = parseQuantity(requests[res]);
    const lim = parseQuantity(limits[res]);
    if (lim === undefined) {
      errs.push(
        `${res} max limit to request ratio per ${scope} is ${text(enforced)}, but no limit is specified`,
      );
      continue;
    }
    if (req === undefined || req === 0) {
      errs.push(
        `${res} max limit to request ratio per ${scope} is ${text(enforced)}, but no request is specified or request is 0`,
      );
      continue;
    }
    const ratio = lim / req;
    if (ratio > (parseQuantity(enforced) ?? Number.POSITIVE_INFINITY))
      errs.push(
        `${res} max limit to request ratio per ${scope} is ${text(enforced)}, but provided ratio is ${ratio.toFixed(6)}`,
      );
  }
  return errs;
}

/** Bytes in the largest binary unit that writes them whole (`3Gi`, `1536Mi`), as a summed Quantity prints. */
function quantityText(bytes: number): string {
  for (const [unit, size] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const)
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

/**
 * The LimitRanger admission plugin on a new pod: first the defaults of each Container item (a request
 * defaults to the container's own limit, as the API's pod defaulting does, else to the item's default
 * request; a missing limit to its default), written into the pod's containers; then the Container and
 * Pod items' min, max and maxLimitRequestRatio. Returns why the pod is refused (`pods "x" is forbidden:
 * maximum memory usage per Container is 4Gi, but limit is 8Gi`; several failures as `[a, b]`), or
 * undefined. Quantities are printed as the objects spell them.
 */
export function limitRangeRefusal(pod: Pod, limitRanges: readonly KubeObject[]): string | undefined {
  const items: LimitRangeItem[] = [];
  for (const lr of limitRanges) {
    const limits = (lr.spec as { limits?: unknown } | undefined)?.limits;
    // A malformed LimitRange (limits not a list of objects) constrains nothing.
    if (!Array.isArray(limits)) continue;
    for (const item of limits)
      if (isRecord(item)) items.push(defaultedItem(sanitizedItem(item as LimitRangeItem)));
  }
  if (items.length === 0) return undefined;
  type Box = { resources?: { requests?: unknown; limits?: unknown } };
  const boxes = (v: unknown): Box[] => (Array.isArray(v) ? (v.filter(isRecord) as Box[]) : []);
  const containers = boxes(pod.spec.containers);
  const inits = boxes((pod.spec as { initContainers?: unknown }).initContainers);
  // What the defaults set, per container, for the pod's kubernetes.io/limit-ranger annotation.
  const set = new Map<Box, { requests: Set<string>; limits: Set<string> }>();
  for (const item of items) {
    if (item.type !== 'Container') continue;
    // Init containers are defaulted and checked as containers are (mergePodResourceRequirements).
    for (const c of [...containers, ...inits]) {
      const mark = set.get(c) ?? { requests: new Set<string>(), limits: new Set<string>() };
      set.set(c, mark);
      const own = (v: unknown): ResourceList => (isRecord(v) ? { ...(v as ResourceList) } : {});
      const limits = own(c.resources?.limits);
      const requests = own(c.resources?.requests);
      for (const [res, v] of Object.entries(limits)) if (requests[res] === undefined) requests[res] = v;
      for (const [res, v] of Object.entries(item.default ?? {}))
        if (limits[res] === undefined) {
          limits[res] = v;
          mark.limits.add(res);
        }
      for (const [res, v] of Object.entries(item.defaultRequest ?? {}))
        if (requests[res] === undefined) {
          requests[res] = v;
          mark.requests.add(res);
        }
      if (Object.keys(limits).length || Object.keys(requests).length)
        c.resources = {
          ...(isRecord(c.resources) ? c.resources : {}),
          ...(Object.keys(requests).length ? { requests } : {}),
          ...(Object.keys(limits).length ? { limits } : {}),
        };
    }
  }
  // The plugin records what it set (kubernetes.io docs, "Well-Known Labels, Annotations and Taints":
  // `LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx`).
  const said: string[] = [];
  for (const [c, mark] of set) {
    const name = String((c as { name?: unknown }).name ?? '');
    const what = inits.includes(c) ? 'init container' : 'container';
    if (mark.requests.size) said.push(`${[...mark.requests].sort().join(', ')} request for ${what} ${name}`);
    if (mark.limits.size) said.push(`${[...mark.limits].sort().join(', ')} limit for ${what} ${name}`);
  }
  if (said.length > 0)
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${said.join('; ')}`,
    };
  const who = pod.metadata.generateName ?? pod.metadata.name;
  // A default limit below the container's own request makes an invalid pod (the API's validation).
  for (const [i, c] of containers.entries())
    for (const [res, req] of Object.entries((c.resources?.requests ?? {}) as ResourceList)) {
      const lim = (c.resources?.limits as ResourceList | undefined)?.[res];
      const r = parseQuantity(req);
      const l = parseQuantity(lim);
      if (r !== undefined && l !== undefined && r > l)
        return `Pod "${who}" is invalid: spec.containers[${i}].resources.requests: Invalid value: "${text(req)}": must be less than or equal to ${res} limit of ${text(lim!)}`;
    }
  const errs: string[] = [];
  for (const item of items) {
    if (item.type === 'Container')
      for (const c of [...containers, ...inits])
        errs.push(
          ...limitChecks(
            item,
            'Container',
            (c.resources?.requests ?? {}) as ResourceList,
            (c.resources?.limits ?? {}) as ResourceList,
          ),
        );
    else if (item.type === 'Pod') {
      // A pod needs the larger of its containers' sum and its largest init container (PodLimitFunc).
      const sum = (key: 'requests' | 'limits') => {
        const out: ResourceList = {};
        for (const res of new Set([...Object.keys(item.min ?? {}), ...Object.keys(item.max ?? {})])) {
          let total = 0;
          let every = true;
          for (const c of containers) {
            const v = parseQuantity((c.resources?.[key] as ResourceList | undefined)?.[res]);
            if (v === undefined) every = false;
            else total += v;
          }
          for (const c of inits) {
            const v = parseQuantity((c.resources?.[key] as ResourceList | undefined)?.[res]);
            if (v !== undefined && v > total) total = v;
          }
          if (every && containers.length) out[res] = res === 'cpu' ? formatCpu(total) : quantityText(total);
        }
        return out;
      };
      errs.push(...limitChecks(item, 'Pod', sum('requests'), sum('limits')));
    }
  }
  if (errs.length === 0) return undefined;
  return `pods "${who}" is forbidden: ${errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`}`;
}

/** A value that is a plain object (not null, not an array). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A LimitRange item with only the resource lists that are objects of quantities. */
function sanitizedItem(item: LimitRangeItem): LimitRangeItem {
  const list = (v: unknown): ResourceList | undefined => {
    if (!isRecord(v)) return undefined;
    const out: ResourceList = {};
    for (const [k, q] of Object.entries(v))
      if ((typeof q === 'string' || typeof q === 'number') && parseQuantity(q) !== undefined) out[k] = q;
    return out;
  };
  const pick = (k: keyof LimitRangeItem) => {
    const v = list(item[k]);
    return v ? { [k]: v } : {};
  };
  return {
    ...(typeof item.type === 'string' ? { type: item.type } : {}),
    ...pick('max'),
    ...pick('min'),
    ...pick('default'),
    ...pick('defaultRequest'),
    ...pick('maxLimitRequestRatio'),
  };
}

/** A ResourceQuota's `status.used` for the resources its `hard` names. */
export function quotaUsed(
  hard: Record<string, string>,
  pods: readonly Pod[],
  claims: readonly KubeObject[] = [],
): Record<string, string> {
  const t = totals(pods);
  const all = byResource(t, t.pods);
  const stored = claimsUsed(claims);
  const used: Record<string, string> = {};
  for (const res of Object.keys(hard)) {
    const v = claimResource(res) ? (stored[res] ?? 0) : all[res];
    used[res] = v === undefined ? '0' : show(res, v);
  }
  return used;
}

/**
 * Validates what would be stored for `current` (for a create, the new object itself), with the API
 * server's 422 wording: immutable name, namespace and kind; for Deployments, ReplicaSets,
 * StatefulSets and DaemonSets replicas, containers and quantities (and the simulation's replica
 * limits), a paused flag that is a boolean, a StatefulSet's or DaemonSet's selector, pod management
 * policy, ordinals and tolerations; for Jobs the restart policy; a PriorityClass's value, name and
 * policy (sim/priority.ts).
 */
export function validateObject(
  info: KindInfo,
  current: KubeObject,
  next: KubeObject,
  objects: Iterable<KubeObject>,
): void {
  const where = `${info.kind}${info.apiVersion.includes('/') ? `.${info.apiVersion.split('/')[0]}` : ''} "${current.metadata?.name}"`;
  const invalid = (detail: string): never => {
    throw new K8sError('invalid', `${where} is invalid: ${detail}`, { status: 422 });
  };
  const fail = (field: string, value: unknown, why: string) =>
    invalid(`${field}: Invalid value: ${JSON.stringify(value)}: ${why}`);
  if (next.metadata?.name !== current.metadata?.name)
    fail('metadata.name', next.metadata?.name, 'field is immutable');
  if (next.metadata?.namespace !== current.metadata?.namespace)
    fail('metadata.namespace', next.metadata?.namespace, 'field is immutable');
  if (next.kind !== current.kind) fail('kind', next.kind, 'field is immutable');
  const shape = objectShapeIssues(next)[0];
  if (shape) invalid(`${fieldPath(shape.path)}: Invalid value: ${shape.message}`);
  if (info.kind === 'PriorityClass') {
    const why = priorityClassInvalid(next, current === next ? undefined : current);
    if (why) invalid(why);
    if ((next as { globalDefault?: unknown }).globalDefault === true)
      for (const o of objects)
        if (
          o.kind === 'PriorityClass' &&
          o.metadata?.name !== next.metadata?.name &&
          (o as { globalDefault?: unknown }).globalDefault === true
        )
          invalid(
            `globalDefault: Invalid value: true: PriorityClass ${o.metadata?.name} is already marked as default. Only one default can exist`,
          );
    return;
  }
  if (info.kind === 'Job') {
    const policy = (next.spec as { template?: { spec?: { restartPolicy?: string } } } | undefined)?.template
      ?.spec?.restartPolicy;
    if (policy !== undefined && policy !== 'Never' && policy !== 'OnFailure')
      invalid(
        `spec.template.spec.restartPolicy: Unsupported value: "${policy}": supported values: "OnFailure", "Never"`,
      );
    return;
  }
  const workloads = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'];
  if (!workloads.includes(info.kind)) return;
  const spec = next.spec as Deployment['spec'] | undefined;
  const loose = (next.spec ?? {}) as Record<string, unknown>;
  if (info.kind === 'Deployment' && loose['paused'] !== undefined && typeof loose['paused'] !== 'boolean')
    fail('spec.paused', loose['paused'], 'must be a boolean');
  if (info.kind === 'StatefulSet' || info.kind === 'DaemonSet') {
    if (typeof loose['selector'] !== 'object' || loose['selector'] === null)
      fail('spec.selector', loose['selector'] ?? null, 'Required value');
    const policy = loose['podManagementPolicy'];
    if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel')
      invalid(
        `spec.podManagementPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "OrderedReady", "Parallel"`,
      );
    const start = (loose['ordinals'] as { start?: unknown } | undefined)?.start;
    if (
      start !== undefined &&
      !(Number.isInteger(start) && (start as number) >= 0 && (start as number) <= 2 ** 31 - 1)
    )
      fail('spec.ordinals.start', start, 'must be greater than or equal to 0');
    const tolerations = (spec?.template?.spec as { tolerations?: unknown } | undefined)?.tolerations;
    if (
      tolerations !== undefined &&
      (!Array.isArray(tolerations) ||
        tolerations.some((t) => typeof t !== 'object' || t === null || Array.isArray(t)))
    )
      fail('spec.template.spec.tolerations', tolerations, 'must be a list of tolerations');
  }
  const replicas = spec?.replicas;
  if (replicas !== undefined && !(Number.isInteger(replicas) && replicas >= 0))
    fail('spec.replicas', replicas, 'must be greater than or equal to 0');
  // Object-count limits: the simulation creates every pod, so a huge count would stall it.
  const cap = info.kind === 'StatefulSet' ? MAX_STATEFUL_PODS : MAX_REPLICAS;
  if (replicas !== undefined && replicas > cap)
    fail('spec.replicas', replicas, `must be less than or equal to ${cap} in the simulated cluster`);
  if (info.kind === 'Deployment' && replicas !== undefined) {
    let total = replicas;
    for (const o of objects)
      if (o.kind === 'Deployment' && o.metadata?.uid !== current.metadata?.uid)
        total += (o.spec as Deployment['spec'] | undefined)?.replicas ?? 1;
    if (total > MAX_TOTAL_REPLICAS)
      fail(
        'spec.replicas',
        replicas,
        `the simulated cluster holds at most ${MAX_TOTAL_REPLICAS} replicas across all deployments (${total} requested)`,
      );
  }
  const containers = spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    fail('spec.template.spec.containers', containers ?? null, 'Required value');
  for (const [i, c] of (containers ?? []).entries()) {
    const base = `spec.template.spec.containers[${i}]`;
    if (!c?.name) fail(`${base}.name`, c?.name ?? '', 'Required value');
    if (!c?.image) fail(`${base}.image`, c?.image ?? '', 'Required value');
    for (const side of ['requests', 'limits'] as const) {
      for (const [res, v] of Object.entries(c.resources?.[side] ?? {})) {
        if (parseQuantity(v) === undefined)
          fail(
            `${base}.resources.${side}[${res}]`,
            v,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
          );
      }
    }
    for (const res of ['cpu', 'memory']) {
      const req = parseQuantity(c.resources?.requests?.[res]);
      const lim = parseQuantity(c.resources?.limits?.[res]);
      if (req !== undefined && lim !== undefined && req > lim)
        fail(
          `${base}.resources.requests`,
          c.resources?.requests?.[res],
          `must be less than or equal to ${res} limit of ${c.resources?.limits?.[res]}`,
        );
    }
  }
}
