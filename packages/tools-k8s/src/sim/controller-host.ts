import type { KubeMetadata, KubeObject } from '../cluster.js';
import type { Deployment, KubeEvent, Pod, PodTemplate, ReplicaSet } from '../types.js';
import type { AutoscalingHost } from './autoscaling.js';
import type { ControllerHost } from './jobs.js';
import type { AnyObject, ObjectStore } from './object-store.js';
import type { ContainerOutcome, DerivedEvent, PodOutcome, PodRuntime } from './pod-state.js';
import type { StorageHost } from './storage.js';
import type { PodFacts, World } from './world-schema.js';

/**
 * What every controller of the simulated cluster needs from it: the clock, an event recorder (as
 * Kubernetes' controllers have one), and whether the world declared an object's status. Times are
 * logical seconds relative to the world's start (negative: before it).
 */
/** Seconds an event lives after its last occurrence (kube-apiserver's --event-ttl, 1h by default). */
export const EVENT_TTL = 3600;

export interface ControllerBase {
  readonly now: number;
  /** Seconds relative to the world's start of an ISO time, or undefined. */
  seconds(iso: string | undefined): number | undefined;
  iso(seconds: number): string;
  /** A one-off event at `at`. */
  event(
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    obj: AnyObject,
    source: string,
    at: number,
  ): void;
  /** Whether the object's status was declared in the world (then no controller changes it). */
  declared(obj: KubeObject): boolean;
}

/** Controllers that retry: an event that repeats every `every` seconds from `first` until now. */
export interface RepeatingEvents {
  repeating(
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    obj: KubeObject,
    source: string,
    first: number,
    every: number,
  ): void;
}

/** A Deployment's rollout: when it started and whether it has finished. */
export interface Rollout {
  done: boolean;
  startedAt: number;
}

/** A pod's last evaluation, with what it was evaluated from (see the kubelet controller). */
export interface PodEvaluation {
  runtime: PodRuntime;
  unschedulable: string | undefined;
  configs: number;
  outcome: PodOutcome;
}

/**
 * What the controllers of the cluster's own kinds act through: the typed object store and the
 * cluster's bookkeeping (pod runtimes, container outcomes, rollouts), with the operations that
 * allocate names, uids and IPs (so they are handed out in one order wherever they are asked for),
 * and the views the Job, volume and HPA controllers act through.
 */
export interface ClusterHost extends ControllerBase {
  readonly store: ObjectStore;
  /** The world's start in epoch milliseconds. */
  readonly t0: number;
  readonly world: World;
  /** Whether the cluster is settling its world (before it started): Normal controller events are not news. */
  readonly settling: boolean;
  /** Each pod's runtime (creation, facts, behaviours, IP) by store key. */
  readonly runtime: Map<string, PodRuntime>;
  /** Each pod's container outcomes by store key. */
  readonly outcomes: Map<string, Map<string, ContainerOutcome>>;
  readonly rollouts: Map<string, Rollout>;
  /** Endpoints the world declared: no controller writes them. */
  readonly staticEndpoints: ReadonlySet<string>;
  readonly evaluated: WeakMap<Pod, PodEvaluation>;
  readonly jobs: ControllerHost;
  readonly storage: StorageHost;
  readonly autoscaling: AutoscalingHost;
  /** The store key of an object (no namespace for a cluster-scoped kind). */
  keyOf(obj: AnyObject): string;
  /** Metadata for a new object: name, namespace, a fresh uid, its creation time. */
  meta(
    name: string,
    namespace: string | undefined,
    created: number,
    extra?: Record<string, unknown>,
  ): KubeMetadata;
  /** A controller removing an object (and what it owns). */
  remove(kind: string, namespace: string | undefined, name: string): void;
  /** Bumps a controller event (same object, reason and message) or records a new one. */
  controllerEvent(
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    obj: AnyObject,
    source: string,
    minGap?: number,
  ): void;
  /** Stores an event about an object under its id (a new id when none is given). */
  storeEvent(
    e: DerivedEvent,
    kind: string,
    name: string,
    namespace: string | undefined,
    uid: string | undefined,
    id?: string,
  ): KubeEvent;
  /** A Deployment's new ReplicaSet for a template, stored. */
  newReplicaSet(
    deploy: Deployment,
    template: PodTemplate,
    revision: number,
    replicas: number,
    created: number,
    changeCause?: string,
  ): ReplicaSet;
  /** Creates one pod for a ReplicaSet; false when a quota forbids it (a FailedCreate event instead). */
  createPod(rs: ReplicaSet, facts: PodFacts | undefined, initial: boolean): boolean;
}

/**
 * One controller of the simulated cluster. A reconcile round runs every controller once, in the
 * order of one list; `reconcile` returns whether it changed something that needs another round at
 * the same instant (the Job and CronJob controllers, which act at instants the clock has passed).
 */
export interface Controller {
  /** The kind it acts on. */
  readonly kind: string;
  reconcile(host: ClusterHost): boolean;
}
