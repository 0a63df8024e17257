import type { KubeObject } from '../cluster.js';
import type { Pod } from '../types.js';

/**
 * Pod priority, as the API server's Priority admission plugin and kube-scheduler read it
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/).
 *
 * A pod's priority is the `value` of the PriorityClass its `spec.priorityClassName` names; a pod
 * naming none gets the class marked `globalDefault`, or 0 when there is none. The two system classes
 * exist in every cluster (kube-apiserver creates them); the simulated cluster knows them without
 * storing them, so they do not show in `kubectl get priorityclasses`.
 */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

/** The highest value a user-defined PriorityClass may have (`HighestUserDefinablePriority`). */
export const HIGHEST_USER_PRIORITY = 1_000_000_000;

/** What preemption a pod may do: evict lower-priority pods (the default) or only wait. */
export type PreemptionPolicy = 'PreemptLowerPriority' | 'Never';

interface ClassFacts {
  readonly name: string;
  readonly value: number;
  readonly preemptionPolicy: PreemptionPolicy;
  readonly globalDefault: boolean;
}

function factsOf(o: KubeObject): ClassFacts {
  const loose = o as { value?: unknown; preemptionPolicy?: unknown; globalDefault?: unknown };
  return {
    name: o.metadata?.name ?? '',
    value: typeof loose.value === 'number' && Number.isInteger(loose.value) ? loose.value : 0,
    preemptionPolicy: loose.preemptionPolicy === 'Never' ? 'Never' : 'PreemptLowerPriority',
    globalDefault: loose.globalDefault === true,
  };
}

/** The class of that name among the stored ones, or a system class; undefined when neither exists. */
function findClass(name: string, classes: readonly KubeObject[]): ClassFacts | undefined {
  const system = SYSTEM_PRIORITY_CLASSES[name];
  if (system !== undefined)
    return { name, value: system, preemptionPolicy: 'PreemptLowerPriority', globalDefault: false };
  const found = classes.find((c) => c.metadata?.name === name);
  return found ? factsOf(found) : undefined;
}

/** The class marked `globalDefault` (the highest, should a world declare more than one), or undefined. */
function globalDefault(classes: readonly KubeObject[]): ClassFacts | undefined {
  let best: ClassFacts | undefined;
  for (const c of classes) {
    const f = factsOf(c);
    if (f.globalDefault && (best === undefined || f.value > best.value)) best = f;
  }
  return best;
}

/**
 * The Priority admission plugin on a new pod: it writes `spec.priority` and `spec.preemptionPolicy`
 * (and the default class's name when the pod names none and one is marked `globalDefault`) into the
 * pod. Returns why the API server refuses the pod (`pods "web-7d9c-" is forbidden: no PriorityClass
 * with name batch-high was found`), or undefined.
 */
export function priorityRefusal(pod: Pod, classes: readonly KubeObject[]): string | undefined {
  const spec = pod.spec;
  const named = spec.priorityClassName;
  let cls: ClassFacts | undefined;
  if (named) {
    cls = findClass(named, classes);
    if (cls === undefined) {
      const who = pod.metadata.generateName ?? pod.metadata.name;
      return `pods "${who}" is forbidden: no PriorityClass with name ${named} was found`;
    }
  } else {
    cls = globalDefault(classes);
    if (cls) spec.priorityClassName = cls.name;
  }
  spec.priority = cls?.value ?? 0;
  spec.preemptionPolicy = cls?.preemptionPolicy ?? 'PreemptLowerPriority';
  return undefined;
}

/**
 * A stored pod's priority: `spec.priority` when admission wrote it, else what admission would have
 * written (a pod a world declared by hand), 0 for a class that does not exist.
 */
export function podPriority(pod: Pod, classes: readonly KubeObject[]): number {
  if (typeof pod.spec.priority === 'number') return pod.spec.priority;
  const named = pod.spec.priorityClassName;
  return (named ? findClass(named, classes) : globalDefault(classes))?.value ?? 0;
}

/** A stored pod's preemption policy, read as {@link podPriority} reads its priority. */
export function podPreemptionPolicy(pod: Pod, classes: readonly KubeObject[]): PreemptionPolicy {
  if (pod.spec.preemptionPolicy === 'Never' || pod.spec.preemptionPolicy === 'PreemptLowerPriority')
    return pod.spec.preemptionPolicy;
  const named = pod.spec.priorityClassName;
  return (
    (named ? findClass(named, classes) : globalDefault(classes))?.preemptionPolicy ?? 'PreemptLowerPriority'
  );
}

/**
 * Why the API server refuses a PriorityClass (the field and the reason, in its words), or undefined:
 * `value` a whole number no higher than 1,000,000,000, a name that does not start with `system-`,
 * `preemptionPolicy` Never or PreemptLowerPriority, `globalDefault` a boolean; on an update, `value`
 * and `preemptionPolicy` are immutable.
 */
export function priorityClassInvalid(next: KubeObject, current?: KubeObject): string | undefined {
  const loose = next as { value?: unknown; preemptionPolicy?: unknown; globalDefault?: unknown };
  const name = next.metadata?.name ?? '';
  if (name.startsWith('system-') && current === undefined)
    return `metadata.name: Invalid value: ${JSON.stringify(name)}: priority class names with 'system-' prefix are reserved for system use only`;
  if (typeof loose.value !== 'number' || !Number.isInteger(loose.value))
    return `value: Invalid value: ${JSON.stringify(loose.value ?? null)}: must be a whole number`;
  if (loose.value > HIGHEST_USER_PRIORITY)
    return `value: Invalid value: ${loose.value}: must be less than or equal to ${HIGHEST_USER_PRIORITY}`;
  if (loose.value < -(2 ** 31)) return `value: Invalid value: ${loose.value}: must fit in 32 bits`;
  const policy = loose.preemptionPolicy;
  if (policy !== undefined && policy !== 'Never' && policy !== 'PreemptLowerPriority')
    return `preemptionPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Never", "PreemptLowerPriority"`;
  if (loose.globalDefault !== undefined && typeof loose.globalDefault !== 'boolean')
    return `globalDefault: Invalid value: ${JSON.stringify(loose.globalDefault)}: must be a boolean`;
  if (current) {
    const before = current as { value?: unknown; preemptionPolicy?: unknown };
    if (before.value !== loose.value) return `value: Invalid value: ${loose.value}: field is immutable`;
    if ((before.preemptionPolicy ?? 'PreemptLowerPriority') !== (policy ?? 'PreemptLowerPriority'))
      return `preemptionPolicy: Invalid value: ${JSON.stringify(policy ?? null)}: field is immutable`;
  }
  return undefined;
}
