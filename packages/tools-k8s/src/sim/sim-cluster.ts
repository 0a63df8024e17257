import type {
  CallOptions,
  Cluster,
  KubeObject,
  ListQuery,
  LogQuery,
  ObjectRef,
  Patch,
  PodMetrics,
} from '../cluster.js';
import { parseDuration } from '../duration.js';
import { K8sError } from '../errors.js';
import { findKind, type KindInfo, WELL_KNOWN_KINDS } from '../kinds.js';
import { parseSelector } from '../selector.js';
import type { KubeEvent, Pod, PodTemplate, ReplicaSet } from '../types.js';
import { claimQuotaRefusal, limitRangeRefusal, quotaRefusal, validateObject } from './admission.js';
import type { AutoscalingHost } from './autoscaling.js';
import { type BuiltState, copyBuilt } from './built-state.js';
import { type ControllerBase, EVENT_TTL, type PodEvaluation, type Rollout } from './controller-host.js';
import { CONTROLLERS } from './controllers.js';
import type { ControllerHost } from './jobs.js';
import { logTail } from './log-lines.js';
import { clone, fnv1a, isoAt, safeEncode, stableJson } from './names.js';
import { nodeAddress, nodeLostAt } from './node-lifecycle.js';
import { type AnyObject, key, ObjectStore } from './object-store.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import type { ContainerOutcome, DerivedEvent, PodRuntime } from './pod-state.js';
import { priorityRefusal } from './priority.js';
import { podEnded } from './scheduler-controller.js';
import type { StorageHost } from './storage.js';
import {
  ago,
  attachEvents,
  compileWorld,
  newReplicaSet,
  resolveBehaviors,
  type WorldHost,
} from './world-compiler.js';
import { type ImageBehavior, type PodFacts, parseWorld, type World } from './world-schema.js';

/** One mutation the simulated cluster accepted, for end-state checks and audits. */
export interface MutationRecord {
  readonly at: string;
  readonly verb: 'create' | 'delete' | 'patch';
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly patch?: Patch;
  /** For `create`: the object as it was stored. */
  readonly object?: KubeObject;
}

/** Options of a simulated cluster. */
export interface SimClusterOptions {
  /**
   * `logical` (default): each request and each mutation moves the clock by the world's fixed amounts
   * (`clock.perRequest`, `clock.perMutation`), so the same calls always give the same answers.
   * `wall`: the clock follows wall time from the moment the cluster is built (for serving the world
   * to agents that take real time); requests and mutations do not move it, `advance` still does.
   */
  readonly clock?: 'logical' | 'wall';
  /** The wall clock in milliseconds, for `clock: 'wall'`; default `Date.now` (tests pass their own). */
  readonly wallNow?: () => number;
}

/** The whole state of a simulated cluster at one instant. */
export interface SimSnapshot {
  readonly time: string;
  readonly objects: readonly KubeObject[];
  readonly deleted: readonly { kind: string; name: string; namespace?: string; at: string }[];
  readonly mutations: readonly MutationRecord[];
}

/** Object uids by `seed|uid|n` (every cluster of a world hands out the same ones), at most a few thousand. */
const uids = new Map<string, string>();
/** The built state a cluster is being made from, while its constructor runs (see `createSimCluster`). */
let restoring: BuiltState | undefined;
/** `SimCluster#built`, for `createSimCluster`. */
let builtState: (cluster: SimCluster) => BuiltState | undefined;

export { MAX_REPLICAS, MAX_TOTAL_REPLICAS } from './admission.js';

/** A call whose signal has aborted does nothing: reads answer nothing and mutations are not applied. */
function checkSignal(options: CallOptions | undefined): void {
  if (options?.signal?.aborted)
    throw new K8sError('aborted', 'the request was aborted (timeout or cancellation)', {
      cause: options.signal.reason,
    });
}

/** Kinds whose deletion takes what they own with them (garbage collection). */
const OWNERS = new Set(['Deployment', 'ReplicaSet', 'Job', 'CronJob']);
/** Most controller rounds one reconcile runs (each round lets Jobs act on what the last one showed). */
const MAX_ROUNDS = 400;
/** Seconds an event lives (the API server's default `--event-ttl`). */

/**
 * A stateful in-memory Kubernetes cluster built from a declarative world. Reads answer from the state;
 * mutations change it the way the controllers would (replacement pods, rollouts, scaling), with the
 * outcome derived from each container's declared behaviour. Time is logical: each request and each
 * mutation moves the clock by a fixed amount, so the same calls always give the same answers; with
 * `{ clock: 'wall' }` it follows wall time instead (whole seconds since the cluster was built).
 */
export class SimCluster implements Cluster {
  readonly world: World;
  readonly #t0: number;
  #now = 0;
  /** The objects, by key and by kind, with the count of ConfigMap and Secret writes (what a pod reads besides itself). */
  readonly #store = new ObjectStore();
  /**
   * Each pod's last evaluation, with what it was evaluated from: it is the pod's state again while
   * the pod object, its runtime, its scheduling verdict and the ConfigMaps and Secrets are the same and
   * the clock readings it made give the same values (a crash loop in back-off, a running program).
   */
  readonly #evaluated = new WeakMap<Pod, PodEvaluation>();
  readonly #runtime = new Map<string, PodRuntime>();
  readonly #outcomes = new Map<string, Map<string, ContainerOutcome>>();
  readonly #rollouts = new Map<string, Rollout>();
  readonly #behaviors = new Map<string, ImageBehavior>();
  readonly #extraKinds: KindInfo[] = [];
  readonly #staticEndpoints = new Set<string>();
  /** Objects whose status the world declared: no controller rewrites it. */
  readonly #declaredStatus = new Set<string>();
  readonly #deleted: { kind: string; name: string; namespace?: string; at: string }[] = [];
  readonly #mutations: MutationRecord[] = [];
  #uid = 0;
  /** The views controllers act through, built once (their clock reads the cluster's). */
  readonly #hosts: {
    cluster?: WorldHost;
    controller?: ControllerHost;
    storage?: StorageHost;
    autoscaling?: AutoscalingHost;
  } = {};
  #settling = false;
  #ip = 10;
  #nameCounter = 0;
  /** Event names' counter, apart from pods' so that reading (which can store events) never renames a pod created later. */
  #eventCounter = 0;
  readonly #perRequest: number;
  readonly #perMutation: number;
  /** With `clock: 'wall'`: the wall clock, when the cluster was built, and seconds `advance` added. */
  readonly #wall: { readonly now: () => number; readonly start: number; skew: number } | undefined;

  constructor(world: World, options: SimClusterOptions = {}) {
    this.world = world;
    this.#t0 = Date.parse(world.now);
    const wall = options.clock === 'wall';
    this.#perRequest = wall ? 0 : (parseDuration(world.clock.perRequest) ?? 2);
    this.#perMutation = wall ? 0 : (parseDuration(world.clock.perMutation) ?? 60);
    const wallNow = options.wallNow ?? Date.now;
    this.#wall = wall ? { now: wallNow, start: wallNow(), skew: 0 } : undefined;
    if (restoring !== undefined) {
      this.#restore(restoring);
      return;
    }
    compileWorld(this.#cluster());
    // Workloads declared as manifests come up as they were before the world started: settled and aged.
    this.#settling = true;
    this.#reconcile();
    this.#settling = false;
  }

  static {
    builtState = (cluster) => cluster.#built();
  }

  /**
   * A copy of everything this cluster holds, taken right after it was built (its world included, and
   * the objects they share still shared), for building the next cluster of the same world by copying;
   * undefined when some of it is not plain data.
   */
  #built(): BuiltState | undefined {
    const state: BuiltState = {
      world: this.world,
      objects: this.#store.objects,
      runtime: this.#runtime,
      outcomes: this.#outcomes,
      rollouts: this.#rollouts,
      behaviors: this.#behaviors,
      extraKinds: this.#extraKinds,
      staticEndpoints: this.#staticEndpoints,
      declaredStatus: this.#declaredStatus,
      deleted: this.#deleted,
      mutations: this.#mutations,
      counters: [this.#uid, this.#ip, this.#nameCounter, this.#store.configs, this.#eventCounter],
      evaluated: [],
      readings: [],
      remembered: { hashless: [], requests: [] },
    };
    for (const pod of this.#store.ofKind('Pod').values()) {
      const e = this.#evaluated.get(pod);
      if (e === undefined) continue;
      const { outcome, ...rest } = e;
      const { status, containers, events, readings } = outcome;
      state.evaluated.push({ ...rest, pod, status, containers, events });
      state.readings.push(readings);
    }
    return copyBuilt(state, false);
  }

  /** Takes over a copy of a built state (see `#built`). */
  #restore(built: BuiltState): void {
    const s = copyBuilt(built, true)!;
    (this as { world: World }).world = s.world;
    for (const [k, o] of s.objects) this.#store.set(k, o);
    for (const [k, v] of s.runtime) this.#runtime.set(k, v);
    for (const [k, v] of s.outcomes) this.#outcomes.set(k, v);
    for (const [k, v] of s.rollouts) this.#rollouts.set(k, v);
    for (const [k, v] of s.behaviors) this.#behaviors.set(k, v);
    this.#extraKinds.push(...s.extraKinds);
    for (const k of s.staticEndpoints) this.#staticEndpoints.add(k);
    for (const k of s.declaredStatus) this.#declaredStatus.add(k);
    this.#deleted.push(...s.deleted);
    this.#mutations.push(...s.mutations);
    [this.#uid, this.#ip, this.#nameCounter, this.#store.configs, this.#eventCounter] = s.counters as [
      number,
      number,
      number,
      number,
      number,
    ];
    s.evaluated.forEach((e, i) => {
      const { pod, status, containers, events, ...rest } = e;
      this.#evaluated.set(pod, {
        ...rest,
        outcome: { status, containers, events, readings: s.readings[i]! },
      });
    });
  }

  // ---------------------------------------------------------------- the Cluster port

  async now(options?: CallOptions): Promise<Date> {
    checkSignal(options);
    if (this.#wall) this.#tick(0);
    return new Date(this.#t0 + this.#now * 1000);
  }

  async list(query: ListQuery, options?: CallOptions): Promise<KubeObject[]> {
    checkSignal(options);
    this.#tick(this.#perRequest);
    return this.listNow(query);
  }

  async get(ref: ObjectRef, options?: CallOptions): Promise<KubeObject> {
    checkSignal(options);
    this.#tick(this.#perRequest);
    return this.getNow(ref);
  }

  async podLogs(query: LogQuery, options?: CallOptions): Promise<string> {
    checkSignal(options);
    this.#tick(this.#perRequest);
    const pod = this.getNow({ kind: 'Pod', name: query.name, namespace: query.namespace }) as Pod;
    const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
    let container = query.container;
    if (!container) {
      if (pod.spec.containers.length > 1) {
        throw new K8sError(
          'bad_request',
          `a container name must be specified for pod ${query.name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`,
          { status: 400 },
        );
      }
      container = pod.spec.containers[0]!.name;
    }
    if (!containers.includes(container)) {
      throw new K8sError('bad_request', `container ${container} is not valid for pod ${query.name}`, {
        status: 400,
      });
    }
    // Logs come from the node's kubelet, which the API server cannot reach on a lost node.
    if (pod.spec.nodeName && nodeLostAt(this.#cluster(), pod) !== undefined) {
      const ip = nodeAddress(this.#cluster(), pod.spec.nodeName);
      throw new K8sError(
        'api_error',
        `Get "https://${ip}:10250/containerLogs/${query.namespace}/${query.name}/${container}": dial tcp ${ip}:10250: connect: no route to host`,
        { status: 500 },
      );
    }
    const out = this.#outcomes.get(key('Pod', query.namespace, query.name))?.get(container);
    const logs = query.previous ? out?.logs.previous : out?.logs.current;
    if (logs === undefined) return '';
    if (typeof logs === 'string') {
      if (logs === '') return '';
      throw new K8sError('bad_request', logs, { status: 400 });
    }
    const lines = logTail(logs, query.tail);
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  /** Pod metrics of one namespace, or of every namespace when `namespace` is left out. */
  async podMetrics(namespace?: string, options?: CallOptions): Promise<PodMetrics[]> {
    checkSignal(options);
    this.#tick(this.#perRequest);
    return this.podMetricsNow(namespace);
  }

  async delete(ref: ObjectRef, options?: CallOptions): Promise<void> {
    checkSignal(options);
    this.#tick(this.#perRequest);
    const info = this.kindInfo(ref.kind);
    const obj = this.getNow(ref);
    if (options?.dryRun) return;
    const ns = info.namespaced ? ref.namespace : undefined;
    // A pod on a lost node is only marked for deletion: no kubelet confirms it, so it stays Terminating.
    if (info.kind === 'Pod' && nodeLostAt(this.#cluster(), obj as Pod) !== undefined) {
      const stored = this.#store.at(key('Pod', ns, ref.name));
      if (stored?.metadata && !stored.metadata['deletionTimestamp']) {
        stored.metadata['deletionTimestamp'] = this.#iso(this.#now);
        stored.metadata['deletionGracePeriodSeconds'] =
          (stored.spec as { terminationGracePeriodSeconds?: number } | undefined)
            ?.terminationGracePeriodSeconds ?? 30;
      }
    } else this.#remove(info.kind, ns, ref.name, 'delete');
    void obj;
    this.#mutations.push({
      at: this.#iso(this.#now),
      verb: 'delete',
      kind: info.kind,
      name: ref.name,
      ...(ns ? { namespace: ns } : {}),
    });
    this.#reconcile();
    this.#tick(this.#perMutation);
  }

  async patch(ref: ObjectRef, patch: Patch, options?: CallOptions): Promise<KubeObject> {
    checkSignal(options);
    this.#tick(this.#perRequest);
    // A dry run is validated and admitted like the write, then nothing is stored or recorded.
    if (options?.dryRun) return this.previewPatch(ref, patch);
    const { info, ns, next } = this.#patched(ref, patch);
    const k = key(info.kind, ns, ref.name);
    this.#store.set(k, next);
    this.#mutations.push({
      at: this.#iso(this.#now),
      verb: 'patch',
      kind: info.kind,
      name: ref.name,
      ...(ns ? { namespace: ns } : {}),
      patch,
    });
    this.#reconcile();
    const result = clone(this.#store.at(k)!);
    this.#tick(this.#perMutation);
    return result;
  }

  /**
   * Creates an object (as `POST` on a collection would): validated like a patch, named, given a uid and
   * creation time, stored, recorded in the audit log as a `create`, and reconciled (a Deployment gets its
   * ReplicaSet and pods). An existing name is a 409 AlreadyExists; a missing name a 422.
   */
  async create(obj: KubeObject, options?: CallOptions): Promise<KubeObject> {
    checkSignal(options);
    this.#tick(this.#perRequest);
    if (options?.dryRun) return this.previewCreate(obj);
    const { info, ns, next } = this.#created(obj);
    const k = key(info.kind, ns, next.metadata?.name ?? '');
    this.#store.set(k, next);
    this.#mutations.push({
      at: this.#iso(this.#now),
      verb: 'create',
      kind: info.kind,
      name: next.metadata?.name ?? '',
      ...(ns ? { namespace: ns } : {}),
      object: clone(next),
    });
    this.#reconcile();
    const result = clone(this.#store.at(k) ?? next);
    this.#tick(this.#perMutation);
    return result;
  }

  /**
   * Server-side apply as the served API does it: a strategic merge of the object into the stored one
   * (recorded as a `patch`), or a `create` when there is none. Honours `dryRun` like both.
   */
  async apply(obj: KubeObject, options?: CallOptions): Promise<KubeObject> {
    const info = this.kindInfo(obj.kind ?? '');
    const name = obj.metadata?.name ?? '';
    const namespace = info.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
    if (!name || this.find(info.kind, name, namespace) === undefined) return this.create(obj, options);
    const ref = { kind: info.kind, name, ...(namespace ? { namespace } : {}) };
    return this.patch(ref, { type: 'strategic', body: obj as Record<string, unknown> }, options);
  }

  /** Writes honour `CallOptions.dryRun`. */
  readonly supportsDryRun = true;

  /** The object `create` would store, validated, without storing it (a server-side dry run). */
  previewCreate(obj: KubeObject): KubeObject {
    const uid = this.#uid;
    try {
      return this.#created(obj).next;
    } finally {
      this.#uid = uid;
    }
  }

  #created(obj: KubeObject): { info: KindInfo; ns: string | undefined; next: KubeObject } {
    const info = this.kindInfo(obj.kind ?? '');
    const ns = info.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
    const name = obj.metadata?.name;
    const group = info.apiVersion.includes('/') ? `.${info.apiVersion.split('/')[0]}` : '';
    if (!name)
      throw new K8sError(
        'invalid',
        `${info.kind}${group} "" is invalid: metadata.name: Required value: name or generateName is required`,
        { status: 422 },
      );
    if (this.#store.has(key(info.kind, ns, name)))
      throw new K8sError('already_exists', `${info.plural}${group} "${name}" already exists`, {
        status: 409,
      });
    const next = clone(obj);
    next.apiVersion = info.apiVersion;
    next.metadata = {
      ...next.metadata,
      ...this.#meta(name, ns, this.#now),
      generation: 1,
    };
    if (!info.namespaced) delete next.metadata.namespace;
    this.#validate(info, next, next);
    const refused = info.kind === 'PersistentVolumeClaim' ? this.#claimRefusal(next) : undefined;
    if (refused) throw new K8sError('forbidden', refused, { status: 403 });
    return { info, ns, next };
  }

  /** ResourceQuota admission of a new PersistentVolumeClaim: why it is refused, or undefined. */
  #claimRefusal(claim: KubeObject): string | undefined {
    const ns = claim.metadata?.namespace ?? 'default';
    const quotas = this.#store.stored('ResourceQuota', true, ns);
    if (quotas.length === 0) return undefined;
    return claimQuotaRefusal(claim, quotas, this.#store.stored('PersistentVolumeClaim', true, ns));
  }

  /** The object a patch would produce, validated and admitted, without storing it (a server-side dry run). */
  previewPatch(ref: ObjectRef, patch: Patch): KubeObject {
    return this.#patched(ref, patch).next;
  }

  #patched(ref: ObjectRef, patch: Patch): { info: KindInfo; ns: string | undefined; next: KubeObject } {
    const info = this.kindInfo(ref.kind);
    const ns = info.namespaced ? (ref.namespace ?? 'default') : undefined;
    const current = this.getNow(ref);
    let next: KubeObject;
    if (patch.type === 'json') {
      if (!Array.isArray(patch.body))
        throw new K8sError('bad_request', 'a JSON patch must be an array of operations', { status: 400 });
      next = jsonPatch(current, patch.body) as KubeObject;
    } else if (patch.type === 'merge') next = mergePatch(current, patch.body) as KubeObject;
    else next = strategicMergePatch(current, patch.body) as KubeObject;
    this.#validate(info, current, next);
    if (stableJson(next.spec) !== stableJson(current.spec)) {
      next.metadata = { ...next.metadata, generation: (current.metadata?.generation ?? 1) + 1 };
    }
    return { info, ns, next };
  }

  // ---------------------------------------------------------------- helpers for the eval and the API server

  /** Moves the logical clock forward and lets the world react. */
  advance(seconds: number): void {
    this.#tick(seconds);
  }

  /**
   * Lets in-progress Deployment rollouts finish before the world is judged: advances the logical
   * clock in `stepSeconds` steps while any rollout is neither complete nor past its progress
   * deadline (600 s, Kubernetes' default `progressDeadlineSeconds`), for at most `maxSeconds`.
   * Returns the seconds advanced (0 when nothing was rolling out).
   */
  settle(maxSeconds = 660, stepSeconds = 10): number {
    let moved = 0;
    const rolling = () =>
      [...this.#rollouts.entries()].some(
        ([k, r]) => !r.done && this.#now - r.startedAt <= 600 && this.#store.has(k),
      );
    while (moved < maxSeconds && rolling()) {
      this.#tick(stepSeconds);
      moved += stepSeconds;
    }
    return moved;
  }

  /** Seconds of logical time since the world started. */
  get elapsedSeconds(): number {
    return this.#now;
  }

  /** Every kind this cluster serves: the well-known ones and any declared in the world. */
  kindList(): readonly KindInfo[] {
    return [...WELL_KNOWN_KINDS, ...this.#extraKinds];
  }

  async kinds(options?: CallOptions): Promise<readonly KindInfo[]> {
    checkSignal(options);
    return this.kindList();
  }

  /** Resolves a kind by any name kubectl accepts; unknown kinds are a NotFound error. */
  kindInfo(kind: string): KindInfo {
    const info = findKind(kind, this.#extraKinds);
    if (!info)
      throw new K8sError('unknown_kind', `the server doesn't have a resource type "${kind}"`, {
        status: 404,
      });
    return info;
  }

  /** Lists objects without moving the clock (for inspection). */
  listNow(query: ListQuery): KubeObject[] {
    const info = this.kindInfo(query.kind);
    const selector = query.labelSelector ? parseSelector(query.labelSelector) : undefined;
    return this.#store.stored(info.kind, info.namespaced, query.namespace, selector).map((o) => clone(o));
  }

  /** The stored pods of a namespace (every namespace when it is undefined or empty), by name. */
  #podsIn(namespace: string | undefined): Pod[] {
    return this.#store.stored('Pod', true, namespace);
  }

  /** Reads one object without moving the clock; a missing one is a NotFound error like the API's. */
  getNow(ref: ObjectRef): KubeObject {
    const info = this.kindInfo(ref.kind);
    const ns = info.namespaced ? (ref.namespace ?? 'default') : undefined;
    const obj = this.#store.at(key(info.kind, ns, ref.name));
    if (!obj) {
      const group = info.apiVersion.includes('/') ? `.${info.apiVersion.split('/')[0]}` : '';
      throw new K8sError('not_found', `${info.plural}${group} "${ref.name}" not found`, { status: 404 });
    }
    return clone(obj);
  }

  /** Finds one object without moving the clock, or undefined. */
  find(kind: string, name: string, namespace?: string): KubeObject | undefined {
    try {
      return this.getNow({ kind, name, ...(namespace ? { namespace } : {}) });
    } catch {
      return undefined;
    }
  }

  /** Pod metrics now, without moving the clock. */
  podMetricsNow(namespace?: string): PodMetrics[] {
    if (!this.world.metrics) {
      throw new K8sError(
        'unavailable',
        'the server is currently unable to handle the request (get pods.metrics.k8s.io)',
        { status: 503 },
      );
    }
    const out: PodMetrics[] = [];
    for (const pod of this.#store.stored('Pod', true, namespace)) {
      const ns = pod.metadata?.namespace ?? 'default';
      const outcomes = this.#outcomes.get(key('Pod', ns, pod.metadata?.name ?? ''));
      if (!outcomes) continue;
      const containers = [...outcomes.entries()]
        .filter(([, o]) => o.usage)
        .map(([name, o]) => ({
          name,
          usage: { cpu: formatCpuUsage(o.usage!.cpu), memory: `${Math.round(o.usage!.memory / 1024)}Ki` },
          ...(o.oomKills > 0 ? { oomKills: o.oomKills } : {}),
        }));
      if (containers.length) out.push({ name: pod.metadata?.name ?? '', namespace: ns, containers });
    }
    return out;
  }

  /** Everything, for end-state checks. */
  /** The mutations applied so far, oldest first: the cluster's own audit log (no copy of the objects). */
  auditLog(): readonly MutationRecord[] {
    return this.#mutations;
  }

  snapshot(): SimSnapshot {
    return {
      time: this.#iso(this.#now),
      objects: [...this.#store.objects.values()].map((o) => clone(o)),
      deleted: [...this.#deleted],
      mutations: [...this.#mutations],
    };
  }

  // ---------------------------------------------------------------- what controllers and the world compiler allocate through

  #iso(seconds: number): string {
    return isoAt(this.#t0 + seconds * 1000);
  }

  #newUid(): string {
    const n = ++this.#uid;
    const seed = this.world.seed;
    const memo = `${seed}|uid|${n}`;
    let uid = uids.get(memo);
    if (uid === undefined) {
      const h = safeEncode(memo, 12).replace(/[^0-9a-f]/g, (c) => (c.charCodeAt(0) % 16).toString(16));
      uid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${String(n).padStart(3, '0')}-8000-${fnv1a(`${seed}${n}`).toString(16).padStart(12, '0')}`;
      if (uids.size >= 8192) uids.clear();
      uids.set(memo, uid);
    }
    return uid;
  }

  #put(obj: AnyObject): void {
    const info = findKind(obj.kind ?? '', this.#extraKinds);
    const ns = info?.namespaced === false ? undefined : obj.metadata?.namespace;
    this.#store.set(key(obj.kind ?? '', ns, obj.metadata?.name ?? ''), obj);
  }

  #meta(name: string, namespace: string | undefined, created: number, extra: Record<string, unknown> = {}) {
    return {
      name,
      ...(namespace ? { namespace } : {}),
      uid: this.#newUid(),
      creationTimestamp: this.#iso(created),
      ...extra,
    };
  }

  #nextIp(): string {
    const n = this.#ip++;
    return `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  }

  #storeEvent(
    e: DerivedEvent,
    kind: string,
    name: string,
    ns: string | undefined,
    uid: string | undefined,
    id?: string,
  ): KubeEvent {
    const evName = `${name}.${
      id ??
      fnv1a(`${this.world.seed}|${++this.#eventCounter}|${e.reason}`)
        .toString(16)
        .padStart(8, '0')
    }`;
    const evNs = ns ?? 'default';
    const ev: KubeEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: evName, namespace: evNs, creationTimestamp: this.#iso(e.first) },
      involvedObject: {
        kind,
        name,
        ...(ns ? { namespace: ns } : {}),
        ...(uid ? { uid } : {}),
        apiVersion: findKind(kind, this.#extraKinds)?.apiVersion ?? 'v1',
        ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
      },
      reason: e.reason,
      message: e.message,
      type: e.type,
      count: e.count,
      firstTimestamp: this.#iso(e.first),
      lastTimestamp: this.#iso(e.last),
      source: { component: e.source },
    };
    this.#store.set(key('Event', evNs, evName), ev);
    return ev;
  }

  /** Bumps a controller event (same object, reason and message) or records a new one. */
  #controllerEvent(
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    obj: AnyObject,
    source: string,
    minGap = 0,
  ): void {
    // What controllers did before the world started is not news.
    if (this.#settling && type === 'Normal') return;
    const ns = obj.metadata?.namespace;
    const id = fnv1a(`${obj.kind}|${obj.metadata?.name}|${reason}|${message}`).toString(16).padStart(8, '0');
    const existing = this.#store.get('Event', ns ?? 'default', `${obj.metadata?.name}.${id}`);
    if (existing) {
      const last = (Date.parse(existing.lastTimestamp ?? '') - this.#t0) / 1000;
      if (this.#now - last < minGap || minGap === 0) return;
      existing.count = (existing.count ?? 1) + 1;
      existing.lastTimestamp = this.#iso(this.#now);
      return;
    }
    this.#storeEvent(
      { type, reason, message, count: 1, first: this.#now, last: this.#now, source },
      obj.kind ?? '',
      obj.metadata?.name ?? '',
      ns,
      obj.metadata?.uid,
      id,
    );
  }

  #podName(rsName: string): string {
    for (;;) {
      const name = `${rsName}-${safeEncode(`${this.world.seed}|pod|${rsName}|${++this.#nameCounter}`, 5)}`;
      if (!this.#runtime.has(key('Pod', undefined, name)) && !this.#podNamed(name)) return name;
    }
  }

  /** Whether a pod of that name is stored in any namespace. */
  #podNamed(name: string): boolean {
    const tail = `/${name}`;
    for (const k of this.#store.objects.keys()) if (k.startsWith('Pod/') && k.endsWith(tail)) return true;
    return false;
  }

  /** Creates one pod for a ReplicaSet; a quota that forbids it is a FailedCreate event instead. */
  #createPod(rs: ReplicaSet, facts: PodFacts | undefined, initial: boolean): boolean {
    const ns = rs.metadata.namespace ?? 'default';
    const name = facts?.name ?? this.#podName(rs.metadata.name ?? '');
    const created = initial ? ago(facts?.age, 3600) : this.#now;
    const tpl = rs.spec.template;
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: this.#meta(name, ns, created, {
        generateName: `${rs.metadata.name}-`,
        labels: { ...tpl.metadata?.labels },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name ?? '',
            uid: rs.metadata.uid ?? '',
            controller: true,
          },
        ],
      }),
      spec: { ...clone(tpl.spec), ...(facts?.node ? { nodeName: facts.node } : {}) },
    };
    const forbidden = this.#admit(pod);
    if (forbidden) {
      this.#uid--;
      if (!facts?.name) this.#nameCounter--;
      this.#controllerEvent(
        'Warning',
        'FailedCreate',
        `Error creating: ${forbidden}`,
        rs,
        'replicaset-controller',
        60,
      );
      return false;
    }
    this.#put(pod);
    const owner = (rs.metadata.ownerReferences?.[0]?.name ?? rs.metadata.name) as string;
    this.#runtime.set(key('Pod', ns, name), {
      createdAt: created,
      ...(facts ? { facts } : {}),
      behaviors: resolveBehaviors(this.#cluster(), pod.spec, owner),
      ip: facts?.ip ?? this.#nextIp(),
    });
    if (facts?.events)
      attachEvents(this.#cluster(), facts.events, 'Pod', name, ns, pod.metadata.uid, 'kubelet');
    if (!initial) {
      this.#controllerEvent(
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${name}`,
        rs,
        'replicaset-controller',
      );
    }
    return true;
  }

  /**
   * Admission of a new pod, in the API server's order: the namespace's LimitRanges (their defaults
   * written into the pod), Priority (the PriorityClass's value written into the pod), then its
   * ResourceQuotas. Why it is refused, in the API server's words, or undefined.
   */
  #admit(pod: Pod): string | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const ranges = this.#store.stored('LimitRange', true, ns);
    if (ranges.length > 0) {
      const refused = limitRangeRefusal(pod, ranges);
      if (refused) return refused;
    }
    const priority = priorityRefusal(pod, [...this.#store.ofKind('PriorityClass').values()]);
    if (priority) return priority;
    const quotas = this.#store.stored('ResourceQuota', true, ns);
    if (quotas.length === 0) return undefined;
    return quotaRefusal(pod, quotas, this.#podsIn(ns));
  }

  #validate(info: KindInfo, current: KubeObject, next: KubeObject): void {
    validateObject(info, current, next, this.#store.objects.values());
  }

  // ---------------------------------------------------------------- reacting

  #tick(seconds: number): void {
    if (this.#wall) {
      // Wall time: whole seconds since the cluster was built, plus what `advance` added; never back.
      if (seconds > 0) this.#wall.skew += seconds;
      const t = Math.floor((this.#wall.now() - this.#wall.start) / 1000) + this.#wall.skew;
      if (t > this.#now) this.#now = t;
    } else if (seconds > 0) this.#now += seconds;
    this.#reconcile();
  }

  #remove(kind: string, ns: string | undefined, name: string, why: 'delete' | 'controller'): void {
    const k = key(kind, ns, name);
    const obj = this.#store.at(k);
    if (!obj) return;
    this.#store.delete(k);
    this.#deleted.push({ kind, name, ...(ns ? { namespace: ns } : {}), at: this.#iso(this.#now) });
    if (kind === 'Pod') {
      // A pod that has ended has no container left to stop.
      if (!podEnded(obj as Pod))
        for (const c of (obj as Pod).spec.containers) {
          this.#controllerEvent('Normal', 'Killing', `Stopping container ${c.name}`, obj, 'kubelet');
        }
      this.#runtime.delete(k);
      this.#outcomes.delete(k);
    }
    // The pod garbage collector: pods bound to a Node that no longer exists are deleted at once, even
    // Terminating ones (a pod on a lost node stays Terminating until its Node object is deleted).
    if (kind === 'Node') {
      const bound = [...this.#store.ofKind('Pod').values()].filter((p) => p.spec.nodeName === name);
      for (const p of bound) this.#remove('Pod', p.metadata.namespace, p.metadata.name ?? '', 'controller');
    }
    // Garbage collection: whatever this object controlled goes with it.
    const uid = obj.metadata?.uid;
    if (uid && (OWNERS.has(kind) || why === 'delete')) {
      for (const child of [...this.#store.objects.values()]) {
        if (child.metadata?.ownerReferences?.some((o) => o.uid === uid)) {
          this.#remove(child.kind ?? '', child.metadata.namespace, child.metadata.name ?? '', 'controller');
        }
      }
    }
  }

  /**
   * Runs every controller once, then status. The Job and CronJob controllers may act at instants the
   * clock has already passed (a pod that failed while no request came, a schedule time), so while they
   * change something the round runs again, bounded.
   */
  #reconcile(): void {
    for (let round = 0; round < MAX_ROUNDS; round++) if (!this.#reconcileOnce()) break;
  }

  #reconcileOnce(): boolean {
    let changed = false;
    const host = this.#cluster();
    for (const c of CONTROLLERS) changed = c.reconcile(host) || changed;
    return changed;
  }

  #keyOf(obj: AnyObject): string {
    const info = findKind(obj.kind ?? '', this.#extraKinds);
    return key(
      obj.kind ?? '',
      info?.namespaced === false ? undefined : obj.metadata?.namespace,
      obj.metadata?.name ?? '',
    );
  }

  /** The view of the cluster its own controllers and the world compiler act through (one for the cluster's life). */
  #cluster(): WorldHost {
    if (this.#hosts.cluster !== undefined) return this.#hosts.cluster;
    const self = this;
    const base = this.#controllerBase();
    const host: WorldHost = {
      get now() {
        return self.#now;
      },
      seconds: base.seconds,
      iso: base.iso,
      event: base.event,
      declared: base.declared,
      store: this.#store,
      t0: this.#t0,
      get world() {
        return self.world;
      },
      get settling() {
        return self.#settling;
      },
      runtime: this.#runtime,
      outcomes: this.#outcomes,
      rollouts: this.#rollouts,
      staticEndpoints: this.#staticEndpoints,
      evaluated: this.#evaluated,
      behaviors: this.#behaviors,
      extraKinds: this.#extraKinds,
      declaredStatus: this.#declaredStatus,
      put: (obj) => this.#put(obj),
      nextIp: () => this.#nextIp(),
      get jobs() {
        return self.#host();
      },
      get storage() {
        return self.#storageHost();
      },
      get autoscaling() {
        return self.#autoscalingHost();
      },
      keyOf: (obj) => this.#keyOf(obj),
      meta: (name, ns, created, extra) => this.#meta(name, ns, created, extra),
      remove: (kind, ns, name) => this.#remove(kind, ns, name, 'controller'),
      controllerEvent: (type, reason, message, obj, source, minGap) =>
        this.#controllerEvent(type, reason, message, obj, source, minGap),
      storeEvent: (e, kind, name, ns, uid, id) => this.#storeEvent(e, kind, name, ns, uid, id),
      newReplicaSet: (deploy, template, revision, replicas, created, changeCause) =>
        newReplicaSet(host, deploy, template, revision, replicas, created, changeCause),
      createPod: (rs, facts, initial) => this.#createPod(rs, facts, initial),
    };
    this.#hosts.cluster = host;
    return host;
  }

  /** The view of the cluster the HPA controller acts through (one for the cluster's life). */
  #autoscalingHost(): AutoscalingHost {
    this.#hosts.autoscaling ??= Object.assign(this.#controllerBase(), this.#storageParts(), {
      get: (kind: string, ns: string, name: string) => {
        const info = findKind(kind, this.#extraKinds);
        return info ? this.#store.at(key(info.kind, info.namespaced ? ns : undefined, name)) : undefined;
      },
      pods: (ns: string) => this.#store.list('Pod', ns),
      usage: (pod: Pod, container: string) =>
        this.#outcomes.get(key('Pod', pod.metadata.namespace, pod.metadata.name ?? ''))?.get(container)
          ?.usage,
      metricsAvailable: this.world.metrics,
    });
    return this.#hosts.autoscaling;
  }

  /** The view of the cluster the volume controller acts through (one for the cluster's life). */
  #storageHost(): StorageHost {
    this.#hosts.storage ??= Object.assign(this.#controllerBase(), this.#storageParts());
    return this.#hosts.storage;
  }

  /** What the volume controller's view adds to the controllers' common one. */
  #storageParts(): Omit<StorageHost, keyof ControllerBase> {
    return {
      list: (kind, ns) =>
        ns === undefined ? [...this.#store.ofKind(kind).values()] : this.#store.list(kind, ns),
      createObject: (obj, at) => this.#createObject(obj, at),
      repeating: (type, reason, message, obj, source, first, every) => {
        if (first > this.#now) return;
        const count = Math.floor((this.#now - first) / every) + 1;
        const ns = obj.metadata?.namespace;
        const id = fnv1a(`${obj.kind}|${obj.metadata?.name}|${reason}|${message}`)
          .toString(16)
          .padStart(8, '0');
        const existing = this.#store.at(key('Event', ns ?? 'default', `${obj.metadata?.name}.${id}`)) as
          | KubeEvent
          | undefined;
        if (existing) {
          existing.count = count;
          existing.lastTimestamp = this.#iso(first + (count - 1) * every);
          return;
        }
        this.#storeEvent(
          { type, reason, message, count, first, last: first + (count - 1) * every, source },
          obj.kind ?? '',
          obj.metadata?.name ?? '',
          ns,
          obj.metadata?.uid,
          id,
        );
      },
      provisioner: (name) => this.world.provisioners[name],
    };
  }

  /** The view of the cluster the Job and CronJob controllers act through (one for the cluster's life). */
  #host(): ControllerHost {
    this.#hosts.controller ??= Object.assign(this.#controllerBase(), {
      list: (kind: string, ns: string | undefined) => this.#store.list(kind, ns),
      ownedBy: <K extends string>(kind: K, owner: KubeObject) => this.#store.ownedBy(kind, owner),
      createPod: (owner: KubeObject, template: PodTemplate, at: number, name?: string) =>
        this.#createOwnedPod(owner, template, at, name),
      createObject: (obj: KubeObject, at: number) => this.#createObject(obj, at),
      claimRefusal: (claim: KubeObject) => this.#claimRefusal(claim),
      remove: (kind: string, ns: string | undefined, name: string) =>
        this.#remove(kind, ns, name, 'controller'),
    });
    return this.#hosts.controller;
  }

  /** What every controller's view has: the clock (read when asked), events, declared status. */
  #controllerBase(): ControllerBase {
    const now = () => this.#now;
    return {
      get now() {
        return now();
      },
      seconds: (iso) => {
        const ms = Date.parse(iso ?? '');
        return Number.isFinite(ms) ? (ms - this.#t0) / 1000 : undefined;
      },
      iso: (s) => this.#iso(s),
      event: (type, reason, message, obj, source, at) =>
        this.#eventAt(type, reason, message, obj, source, at),
      declared: (obj) => this.#declaredStatus.has(this.#keyOf(obj)),
    };
  }

  #createObject(obj: KubeObject, at: number): KubeObject {
    const ns = obj.metadata?.namespace;
    const stored: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, ...this.#meta(obj.metadata?.name ?? '', ns, at) },
    };
    this.#put(stored);
    return stored;
  }

  /**
   * A controller event at a given instant (now or one the clock passed): bumped when the same one
   * exists, else recorded. Events older than an hour are gone, as the API server's event TTL makes them.
   */
  #eventAt(
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    obj: AnyObject,
    source: string,
    at: number,
  ): void {
    if (at < this.#now - EVENT_TTL) return;
    const ns = obj.metadata?.namespace;
    const id = fnv1a(`${obj.kind}|${obj.metadata?.name}|${reason}|${message}`).toString(16).padStart(8, '0');
    const existing = this.#store.at(key('Event', ns ?? 'default', `${obj.metadata?.name}.${id}`)) as
      | KubeEvent
      | undefined;
    if (existing) {
      const last = (Date.parse(existing.lastTimestamp ?? '') - this.#t0) / 1000;
      if (at > last) {
        existing.count = (existing.count ?? 1) + 1;
        existing.lastTimestamp = this.#iso(at);
      }
      return;
    }
    this.#storeEvent(
      { type, reason, message, count: 1, first: at, last: at, source },
      obj.kind ?? '',
      obj.metadata?.name ?? '',
      ns,
      obj.metadata?.uid,
      id,
    );
  }

  /** A pod for a Job (or another simple owner) from its template, created at `at`; a quota may forbid it. */
  #createOwnedPod(owner: KubeObject, template: PodTemplate, at: number, named?: string): Pod | string {
    const ns = owner.metadata?.namespace ?? 'default';
    const ownerName = owner.metadata?.name ?? '';
    if (named !== undefined && this.#store.has(key('Pod', ns, named)))
      return `pods "${named}" already exists`;
    const name = named ?? this.#podName(ownerName);
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: this.#meta(name, ns, at, {
        ...(named === undefined ? { generateName: `${ownerName}-` } : {}),
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [
          {
            apiVersion: owner.apiVersion ?? 'v1',
            kind: owner.kind ?? '',
            name: ownerName,
            uid: owner.metadata?.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      }),
      spec: { serviceAccountName: 'default', ...clone(template.spec) },
    };
    const forbidden = this.#admit(pod);
    if (forbidden) {
      this.#uid--;
      if (named === undefined) this.#nameCounter--;
      return forbidden;
    }
    this.#put(pod);
    const owners = [ownerName, ...(owner.metadata?.ownerReferences ?? []).map((o) => o.name ?? '')];
    this.#runtime.set(key('Pod', ns, name), {
      createdAt: at,
      behaviors: resolveBehaviors(this.#cluster(), pod.spec, owners),
      ip: this.#nextIp(),
    });
    return pod;
  }
}

function formatCpuUsage(cores: number): string {
  return `${Math.round(cores * 1e9)}n`;
}

/** Parsed worlds by the object they were parsed from, with its JSON then (eval runs build many clusters from one world). */
const parsedWorlds = new WeakMap<object, { json: string; world: World; built?: BuiltState | null }>();

/** Whether a value is plain JSON data: its JSON text then says all there is to it. */
function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !isPlainJson(v[i])) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(v).length > 0) return false;
  for (const x of Object.values(v)) if (!isPlainJson(x)) return false;
  return true;
}

/**
 * Builds a simulated cluster from a world description; a malformed one throws a `K8sError` naming the
 * field. The world is parsed again unless this very object, as plain JSON data, was parsed before and
 * reads the same now (then a copy of that parse, which is what parsing again would give); every
 * cluster gets a world of its own. From the third cluster of such a world on (with the logical
 * clock), the cluster is a copy of what the second one was when built, which is what building it
 * again gives (building is deterministic), without compiling and settling the world again.
 */
export function createSimCluster(input: unknown, options: SimClusterOptions = {}): SimCluster {
  if (typeof input !== 'object' || input === null || !isPlainJson(input))
    return new SimCluster(parseWorld(input), options);
  const json = JSON.stringify(input);
  const known = parsedWorlds.get(input);
  if (known && known.json === json) {
    const logical = (options.clock ?? 'logical') === 'logical';
    if (logical && known.built) {
      restoring = known.built;
      try {
        return new SimCluster(known.built.world, options);
      } finally {
        restoring = undefined;
      }
    }
    const cluster = new SimCluster(clone(known.world), options);
    if (logical && known.built === undefined) known.built = builtState(cluster) ?? null;
    return cluster;
  }
  const world = parseWorld(input);
  if (isPlainJson(world)) parsedWorlds.set(input, { json, world: clone(world) });
  return new SimCluster(world, options);
}

export type { ContainerOutcome };
export { formatCpuUsage };
