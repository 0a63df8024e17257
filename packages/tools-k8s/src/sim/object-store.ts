import type { KubeObject } from '../cluster.js';
import { matchesSelector, type parseSelector } from '../selector.js';
import type { Deployment, Endpoints, KubeEvent, Node, Pod, ReplicaSet, Service } from '../types.js';

/** The typed shape of each kind the simulated cluster's controllers read; any other kind is a `KubeObject`. */
export interface KindTypes {
  Pod: Pod;
  Deployment: Deployment;
  ReplicaSet: ReplicaSet;
  Service: Service;
  Endpoints: Endpoints;
  Node: Node;
  Event: KubeEvent;
}

/** The type an object of kind `K` is stored as. */
export type Stored<K extends string> = K extends keyof KindTypes ? KindTypes[K] : KubeObject;

/** Any object the store holds, typed or not. */
export type AnyObject = KubeObject | KindTypes[keyof KindTypes];

/** The store key of an object: `kind/namespace/name` (an empty namespace for a cluster-scoped one). */
export const key = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

/** Whether a key is one a pod's containers read (env, volumes, pull secrets): a ConfigMap's or Secret's. */
const isConfig = (k: string) => k.startsWith('ConfigMap/') || k.startsWith('Secret/');

/** No objects (of a kind nothing stored). */
const NONE: ReadonlyMap<string, never> = new Map<string, never>();

/**
 * The simulated cluster's objects by key, in the order they were first stored, with an index by kind
 * (controllers walk one kind) and a count of ConfigMap and Secret writes (what a pod reads of the
 * world besides itself). Objects are stored as they are (not copied); reads of a kind in
 * `KindTypes` are typed as that kind.
 */
export class ObjectStore {
  readonly #objects = new Map<string, KubeObject>();
  /** The same objects by their `kind`, each map in the order of `#objects`. */
  readonly #byKind = new Map<string, Map<string, KubeObject>>();
  /** Counts stores and deletions of ConfigMaps and Secrets. */
  configs = 0;

  /** Every stored object by key, in store order (live: copy it before changing the store). */
  get objects(): ReadonlyMap<string, KubeObject> {
    return this.#objects;
  }

  /** The object stored under a key. */
  at(k: string): KubeObject | undefined {
    return this.#objects.get(k);
  }

  /** Whether an object is stored under a key. */
  has(k: string): boolean {
    return this.#objects.has(k);
  }

  /** The object of a kind stored under that kind, namespace (undefined: cluster-scoped) and name. */
  get<K extends string>(kind: K, namespace: string | undefined, name: string): Stored<K> | undefined {
    return this.#objects.get(key(kind, namespace, name)) as Stored<K> | undefined;
  }

  /** Stores an object under its key (in place of the one there, keeping its position). */
  set(k: string, value: AnyObject): void {
    const obj = value as KubeObject;
    const old = this.#objects.get(k);
    if (isConfig(k)) this.configs++;
    if (old !== undefined && old.kind !== obj.kind) this.#byKind.get(old.kind ?? '')?.delete(k);
    this.#objects.set(k, obj);
    const kind = obj.kind ?? '';
    let same = this.#byKind.get(kind);
    if (same === undefined) {
      same = new Map();
      this.#byKind.set(kind, same);
    }
    same.set(k, obj);
  }

  /** Deletes the object stored under a key, if any. */
  delete(k: string): void {
    const old = this.#objects.get(k);
    if (old === undefined) return;
    if (isConfig(k)) this.configs++;
    this.#objects.delete(k);
    this.#byKind.get(old.kind ?? '')?.delete(k);
  }

  /** The stored objects whose `kind` is `kind`, in store order (live: copy it before changing the store). */
  ofKind<K extends string>(kind: K): ReadonlyMap<string, Stored<K>> {
    return (this.#byKind.get(kind) ?? NONE) as ReadonlyMap<string, Stored<K>>;
  }

  /** The stored objects of a kind whose namespace is `ns` (undefined: cluster-scoped), in store order. */
  list<K extends string>(kind: K, ns: string | undefined): Stored<K>[] {
    const out: Stored<K>[] = [];
    for (const o of this.ofKind(kind).values()) if (o.metadata?.namespace === ns) out.push(o);
    return out;
  }

  /**
   * The stored objects (not copies) of a kind, in the namespace when the kind is namespaced and one is
   * given, matching the selector, sorted by namespace and name.
   */
  stored<K extends string>(
    kind: K,
    namespaced: boolean,
    namespace: string | undefined,
    selector?: ReturnType<typeof parseSelector>,
  ): Stored<K>[] {
    const out: Stored<K>[] = [];
    for (const obj of this.ofKind(kind).values()) {
      if (namespaced && namespace && obj.metadata?.namespace !== namespace) continue;
      if (selector && !matchesSelector(selector, obj.metadata?.labels ?? {})) continue;
      out.push(obj);
    }
    if (out.length < 2) return out;
    const names = new Map<Stored<K>, string>();
    for (const o of out) names.set(o, `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
    return out.sort((a, b) => {
      const an = names.get(a)!;
      const bn = names.get(b)!;
      return an < bn ? -1 : an > bn ? 1 : 0;
    });
  }

  /** The stored objects of a kind in the owner's namespace that the owner owns (by uid), oldest first. */
  ownedBy<K extends string>(kind: K, owner: AnyObject): Stored<K>[] {
    const out: Stored<K>[] = [];
    const ns = owner.metadata?.namespace;
    const uid = owner.metadata?.uid;
    for (const obj of this.ofKind(kind).values()) {
      if (obj.metadata?.namespace !== ns) continue;
      const refs = obj.metadata?.ownerReferences;
      if (refs == null) continue;
      for (const o of refs)
        if (o.uid === uid) {
          out.push(obj);
          break;
        }
    }
    return out.sort((a, b) =>
      (a.metadata?.creationTimestamp ?? '') < (b.metadata?.creationTimestamp ?? '') ? -1 : 1,
    );
  }
}
