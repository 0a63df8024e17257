import type { KindInfo } from './kinds.js';

/** A Kubernetes object as it travels on the wire: apiVersion, kind, metadata, and anything else. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMetadata;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** Object metadata fields the tools read. */
export interface KubeMetadata {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }[];
  generation?: number;
  resourceVersion?: string;
  [key: string]: unknown;
}

/** Identifies one object; `apiVersion` is looked up from the kind when left out. */
export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly apiVersion?: string;
}

/** What a list call selects. */
export interface ListQuery {
  readonly kind: string;
  readonly apiVersion?: string;
  /** Leave out for cluster-scoped kinds, or to list across namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/**
 * What a cap left out of a list: an adapter that pages a large list stops at its cap and says so,
 * so the tools can tell the model the list is incomplete.
 */
export interface ListTruncation {
  /** How many items the list was cut to. */
  readonly limit: number;
  /** How many items were left out, when the server said (`remainingItemCount`); unknown otherwise. */
  readonly remaining?: number;
}

/**
 * The items of a list call: an array, with `truncated` set when the adapter stopped at a cap. Adapters
 * that never cut a list return a plain array.
 */
export type KubeList<T = KubeObject> = T[] & { readonly truncated?: ListTruncation };

/** What a log read selects. */
export interface LogQuery {
  readonly namespace: string;
  readonly name: string;
  readonly container?: string;
  readonly previous?: boolean;
  readonly tail?: number;
}

/** One pod's usage from metrics.k8s.io, per container. */
export interface PodMetrics {
  readonly name: string;
  readonly namespace: string;
  readonly containers: readonly { name: string; usage: { cpu: string; memory: string } }[];
}

/** A patch in one of the three formats the Kubernetes API accepts. */
export type Patch =
  | { readonly type: 'strategic'; readonly body: Record<string, unknown> }
  | { readonly type: 'merge'; readonly body: Record<string, unknown> }
  | { readonly type: 'json'; readonly body: readonly JsonPatchOp[] };

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  readonly op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

/** Per-call options. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /**
   * For writes (`patch`, `create`, `apply`, `delete`): validate and admit the write as the server
   * would, answer with the object as it would be, and store nothing (the API's `dryRun=All`). Only
   * honoured by a cluster whose `supportsDryRun` is true; the tools refuse a dry run on any other.
   */
  readonly dryRun?: boolean;
}

/**
 * The port the tools use: everything they need from a cluster, and nothing else. Failures reject with a
 * `K8sError` whose code follows the API's Status reason (`not_found`, `invalid`, ...).
 */
export interface Cluster {
  /** The cluster's idea of now, for ages (a simulated cluster answers from its logical clock). */
  now(options?: CallOptions): Promise<Date>;
  /** The objects; `truncated` on the array says when a cap left some out (see `KubeList`). */
  list(query: ListQuery, options?: CallOptions): Promise<KubeList>;
  get(ref: ObjectRef, options?: CallOptions): Promise<KubeObject>;
  podLogs(query: LogQuery, options?: CallOptions): Promise<string>;
  /** Rejects with code `unavailable` when the cluster has no metrics API. */
  podMetrics(namespace: string, options?: CallOptions): Promise<PodMetrics[]>;
  delete(ref: ObjectRef, options?: CallOptions): Promise<void>;
  patch(ref: ObjectRef, patch: Patch, options?: CallOptions): Promise<KubeObject>;
  /**
   * Creates an object (`POST` on its collection); an existing name is an `already_exists` error.
   * Optional: the tools that create say so when a cluster lacks it.
   */
  create?(obj: KubeObject, options?: CallOptions): Promise<KubeObject>;
  /**
   * Server-side apply (`PATCH` with `application/apply-patch+yaml`): creates the object when it is
   * absent, else merges the fields it names into the stored one. Optional, like `create`.
   */
  apply?(obj: KubeObject, options?: CallOptions): Promise<KubeObject>;
  /**
   * Whether writes honour `CallOptions.dryRun` (nothing stored). A cluster that does not say so gets
   * no dry-run writes: the tools refuse them rather than risk a real change.
   */
  readonly supportsDryRun?: boolean;
  /** Kinds the cluster serves beyond the well-known ones (from discovery), so generic tools reach them. */
  kinds?(options?: CallOptions): Promise<readonly KindInfo[]>;
}
