/**
 * The list-typed fields of a Pod spec and its containers, checked the way the API server's schema
 * checks them (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/): a
 * field the API types as a list must be a list of objects (of strings for `command` and `args`). A
 * manifest that writes `env: { KEY: value }` (the world shorthand's map form) is refused by a real
 * API server; the simulator refuses it too, so no controller meets a shape Kubernetes never stores.
 */

/** One problem: the path below the object, and what is wrong. */
export interface ShapeIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const POD_LISTS = ['volumes', 'tolerations', 'imagePullSecrets', 'hostAliases', 'topologySpreadConstraints'];
const CONTAINER_LISTS = ['env', 'envFrom', 'ports', 'volumeMounts', 'volumeDevices'];
const STRING_LISTS = ['command', 'args'];
const CONTAINER_GROUPS = ['containers', 'initContainers', 'ephemeralContainers'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a kind keeps its pod spec, as a path from the object's root. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The problems of one pod spec's list-typed fields (at most 20), with paths below the spec. */
export function podSpecShapeIssues(spec: unknown): ShapeIssue[] {
  const out: ShapeIssue[] = [];
  if (!isObject(spec)) return out;
  const list = (v: unknown, path: (string | number)[], of: 'object' | 'string') => {
    if (v === undefined || v === null) return;
    if (!Array.isArray(v)) {
      out.push({
        path,
        message: `expected a list${of === 'object' ? ' of objects' : ' of strings'}, as the API server types it${
          path[path.length - 1] === 'env' ? ' (e.g. env: [{ name: KEY, value: "v" }])' : ''
        }`,
      });
      return;
    }
    v.slice(0, 1000).forEach((x, i) => {
      if (of === 'object' ? !isObject(x) : typeof x !== 'string')
        out.push({ path: [...path, i], message: `expected ${of === 'object' ? 'an object' : 'a string'}` });
    });
  };
  for (const f of POD_LISTS) list(spec[f], [f], 'object');
  for (const group of CONTAINER_GROUPS) {
    const containers = spec[group];
    list(containers, [group], 'object');
    if (!Array.isArray(containers)) continue;
    containers.slice(0, 100).forEach((c, i) => {
      if (!isObject(c)) return;
      for (const f of CONTAINER_LISTS) list(c[f], [group, i, f], 'object');
      for (const f of STRING_LISTS) list(c[f], [group, i, f], 'string');
    });
  }
  return out.slice(0, 20);
}

/** The problems of an object's pod spec (if its kind has one), with paths from the object's root. */
export function objectShapeIssues(object: unknown): ShapeIssue[] {
  if (!isObject(object) || typeof object['kind'] !== 'string') return [];
  const at = POD_SPEC_PATHS[object['kind']];
  if (!at) return [];
  let spec: unknown = object;
  for (const part of at) spec = isObject(spec) ? spec[part] : undefined;
  return podSpecShapeIssues(spec).map((i) => ({ path: [...at, ...i.path], message: i.message }));
}

/** A path as the API server prints it: `spec.template.spec.containers[0].env`. */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('');
}
