import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import { formatCpu, formatMemory, parseQuantity } from '../quantity.js';
import type { Deployment, Pod } from '../types.js';
import { podRequests, type Requests } from './scheduler.js';

/**
 * Admission, as the API server applies it before an object is stored: validation of what a patch or
 * create would store, and ResourceQuota for new pods. Pure functions over the objects they are given.
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
  res === 'pods' ? String(v) : res.endsWith('cpu') ? formatCpu(v) : formatMemory(v);

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

/** A ResourceQuota's `status.used` for the resources its `hard` names. */
export function quotaUsed(hard: Record<string, string>, pods: readonly Pod[]): Record<string, string> {
  const t = totals(pods);
  const all = byResource(t, t.pods);
  const used: Record<string, string> = {};
  for (const res of Object.keys(hard)) used[res] = all[res] === undefined ? '0' : show(res, all[res]);
  return used;
}

/**
 * Validates what would be stored for `current` (for a create, the new object itself), with the API
 * server's 422 wording: immutable name, namespace and kind; for Deployments and ReplicaSets replicas,
 * containers and quantities (and the simulation's replica limits); for Jobs the restart policy.
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
  if (info.kind === 'Job') {
    const policy = (next.spec as { template?: { spec?: { restartPolicy?: string } } } | undefined)?.template
      ?.spec?.restartPolicy;
    if (policy !== undefined && policy !== 'Never' && policy !== 'OnFailure')
      invalid(
        `spec.template.spec.restartPolicy: Unsupported value: "${policy}": supported values: "OnFailure", "Never"`,
      );
    return;
  }
  if (info.kind !== 'Deployment' && info.kind !== 'ReplicaSet') return;
  const spec = next.spec as Deployment['spec'] | undefined;
  const replicas = spec?.replicas;
  if (replicas !== undefined && !(Number.isInteger(replicas) && replicas >= 0))
    fail('spec.replicas', replicas, 'must be greater than or equal to 0');
  // Object-count limits: the simulation creates every pod, so a huge count would stall it.
  if (replicas !== undefined && replicas > MAX_REPLICAS)
    fail('spec.replicas', replicas, `must be less than or equal to ${MAX_REPLICAS} in the simulated cluster`);
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
