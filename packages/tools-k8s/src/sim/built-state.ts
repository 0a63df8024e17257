import type { KubeObject } from '../cluster.js';
import type { KindInfo } from '../kinds.js';
import type { Pod, PodSpec } from '../types.js';
import type { Rollout } from './controller-host.js';
import { hashlessTemplates } from './deployment-controller.js';
import type { ContainerOutcome, PodOutcome, PodRuntime } from './pod-state.js';
import type { Requests } from './scheduler.js';
import { requestsBySpec } from './scheduler-controller.js';
import type { MutationRecord } from './sim-cluster.js';
import type { ImageBehavior, World } from './world-schema.js';

/** What a cluster holds right after it is built (see `SimCluster#built`), for building the next cluster of the same world by copying. */
export interface BuiltState {
  world: World;
  objects: ReadonlyMap<string, KubeObject>;
  runtime: Map<string, PodRuntime>;
  outcomes: Map<string, Map<string, ContainerOutcome>>;
  rollouts: Map<string, Rollout>;
  behaviors: Map<string, ImageBehavior>;
  extraKinds: KindInfo[];
  staticEndpoints: Set<string>;
  declaredStatus: Set<string>;
  deleted: { kind: string; name: string; namespace?: string; at: string }[];
  mutations: MutationRecord[];
  counters: number[];
  /** Each pod's last evaluation, its outcome's data spelled out (copied with the rest). */
  evaluated: {
    pod: Pod;
    runtime: PodRuntime;
    unschedulable: string | undefined;
    configs: number;
    status: PodOutcome['status'];
    containers: PodOutcome['containers'];
    events: PodOutcome['events'];
  }[];
  /** The clock readings of those evaluations (functions of the instant alone, so shared). */
  readings: PodOutcome['readings'][];
  /** What was remembered about objects of this state: templates' canonical JSON, specs' requests. */
  remembered: { hashless: [object, string][]; requests: [PodSpec, Requests][] };
}

/**
 * A copy of a built state: every array, plain object, Map and Set copied, with its own keys (undefined
 * values too) in their order and its prototype, an object reached twice copied once; what was
 * remembered about an original (a template's canonical JSON, a spec's requests) is remembered about
 * its copy. Taking the state of a cluster (`checked` false), anything else (a function, a Date, a
 * class instance, an array with other keys, a frozen object) makes it undefined; a copy of a copy
 * (`checked`) need not look again.
 */
export function copyBuilt(state: BuiltState, checked: boolean): BuiltState | undefined {
  const { readings, remembered, ...data } = state;
  const copies = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) {
      if (typeof v === 'function' || typeof v === 'symbol') throw NOT_PLAIN;
      return v;
    }
    const known = copies.get(v);
    if (known !== undefined) return known;
    if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      copies.set(v, out);
      let present = 0;
      for (let i = 0; i < v.length; i++)
        if (i in v) {
          out[i] = copy(v[i]);
          present++;
        }
      if (!checked && (Object.getPrototypeOf(v) !== Array.prototype || Object.keys(v).length !== present))
        throw NOT_PLAIN;
      return out;
    }
    if (v instanceof Map) {
      if (!checked && Object.getPrototypeOf(v) !== Map.prototype) throw NOT_PLAIN;
      const out = new Map();
      copies.set(v, out);
      for (const [k, x] of v) out.set(copy(k), copy(x));
      return out;
    }
    if (v instanceof Set) {
      if (!checked && Object.getPrototypeOf(v) !== Set.prototype) throw NOT_PLAIN;
      const out = new Set();
      copies.set(v, out);
      for (const x of v) out.add(copy(x));
      return out;
    }
    const proto = Object.getPrototypeOf(v);
    if (
      !checked &&
      ((proto !== Object.prototype && proto !== null) ||
        Object.getOwnPropertySymbols(v).length > 0 ||
        !Object.isExtensible(v))
    )
      throw NOT_PLAIN;
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
    copies.set(v, out);
    for (const k of Object.keys(v)) {
      const x = copy((v as Record<string, unknown>)[k]);
      if (k === '__proto__')
        Object.defineProperty(out, k, { value: x, writable: true, enumerable: true, configurable: true });
      else out[k] = x;
    }
    return out;
  };
  let out: Omit<BuiltState, 'readings' | 'remembered'>;
  try {
    out = copy(data) as typeof out;
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
  const next: BuiltState['remembered'] = { hashless: [], requests: [] };
  if (checked) {
    for (const [from, json] of remembered.hashless) {
      const to = copies.get(from) as object;
      hashlessTemplates.set(to, json);
      next.hashless.push([to, json]);
    }
    for (const [from, requests] of remembered.requests) {
      const to = copies.get(from) as PodSpec;
      requestsBySpec.set(to, requests);
      next.requests.push([to, requests]);
    }
  } else
    for (const [from, to] of copies) {
      const json = hashlessTemplates.get(from);
      if (json !== undefined) next.hashless.push([to as object, json]);
      const requests = requestsBySpec.get(from as PodSpec);
      if (requests !== undefined) next.requests.push([to as PodSpec, requests]);
    }
  return { ...out, readings, remembered: next };
}

/** Thrown inside `copyBuilt` at what it does not copy. */
const NOT_PLAIN = new Error('not plain data');
