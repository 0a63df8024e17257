import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import { findKind, type KindInfo } from '../kinds.js';
import type { KubeEvent } from '../types.js';
import type { Facts } from './types.js';

/** Kinds the scan reads beyond the well-known ones (admission webhooks), with their scope. */
export const SCAN_KINDS: readonly KindInfo[] = [
  {
    kind: 'ValidatingWebhookConfiguration',
    apiVersion: 'admissionregistration.k8s.io/v1',
    plural: 'validatingwebhookconfigurations',
    namespaced: false,
    shortNames: [],
  },
  {
    kind: 'MutatingWebhookConfiguration',
    apiVersion: 'admissionregistration.k8s.io/v1',
    plural: 'mutatingwebhookconfigurations',
    namespaced: false,
    shortNames: [],
  },
];

/** How the scan reads: one list call per kind and namespace, the scope it may read, and the kinds it knows. */
export interface FactSource {
  now(): Promise<Date>;
  /** Lists one kind, in one namespace or (namespace undefined) across all, or a cluster-scoped kind. */
  list(info: KindInfo, namespace: string | undefined): Promise<{ items: KubeObject[]; cut: boolean }>;
  /** Resolves a kind (discovery may be asked); undefined when the cluster does not serve it. */
  kind(name: string): Promise<KindInfo | undefined>;
  /** Namespaces the scan may read; undefined for every namespace. */
  readonly namespaces?: readonly string[] | undefined;
  /** Whether a cluster-scoped kind may be read under the scope. */
  mayReadClusterKind(info: KindInfo): boolean;
}

/** What gathering left out, said under the findings. */
export interface Gathered {
  readonly facts: Facts;
  /** Kinds not read, each with why (not served, outside scope, failed). */
  readonly unread: readonly string[];
  /** Plurals whose list an adapter cut at its cap. */
  readonly cut: readonly string[];
}

/** Resolves a kind from the well-known ones and the scan's own, before asking the cluster. */
export function scanKind(name: string, extra: readonly KindInfo[] = []): KindInfo | undefined {
  return findKind(name, [...extra, ...SCAN_KINDS]);
}

/**
 * Reads each kind once (per namespace in scope) and indexes events by the object they are about,
 * so every analyzer works from the same snapshot and no kind is fetched twice.
 */
export async function gatherFacts(
  source: FactSource,
  kinds: readonly string[],
  namespace: string | undefined,
): Promise<Gathered> {
  const byKind = new Map<string, KubeObject[]>();
  const readKinds = new Set<string>();
  const unread: string[] = [];
  const cut: string[] = [];
  const spaces: (string | undefined)[] = namespace
    ? [namespace]
    : source.namespaces
      ? [...source.namespaces]
      : [undefined];
  const wanted = [...new Set(['Event', ...kinds])];
  for (const k of wanted) {
    let info: KindInfo | undefined;
    try {
      info = await source.kind(k);
    } catch {
      info = undefined;
    }
    // A kind the cluster does not serve has no objects: nothing to say about it.
    if (!info) continue;
    if (!info.namespaced && !source.mayReadClusterKind(info)) {
      unread.push(`${info.plural} (cluster-scoped, outside this agent's namespaces)`);
      continue;
    }
    const items: KubeObject[] = [];
    try {
      for (const space of info.namespaced ? spaces : [undefined]) {
        const got = await source.list(info, space);
        if (got.cut && !cut.includes(info.plural)) cut.push(info.plural);
        items.push(...got.items);
      }
    } catch (error) {
      // A kind the cluster does not serve, or may not be listed, leaves the others standing.
      if (isAbort(error)) throw error;
      const gone =
        K8sError.isInstance(error) && (error.code === 'unknown_kind' || error.code === 'not_found');
      // A kind the cluster does not serve has no objects: nothing to say about it.
      if (!gone)
        unread.push(`${info.plural} (${error instanceof Error ? error.message.slice(0, 120) : 'failed'})`);
      continue;
    }
    byKind.set(info.kind, items);
    readKinds.add(info.kind);
  }
  const facts = indexFacts(byKind, readKinds, namespace, await source.now());
  return { facts, unread, cut };
}

function isAbort(error: unknown): boolean {
  if (K8sError.isInstance(error) && error.code === 'aborted') return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** Facts over objects already read: events indexed by the object they are about, newest first. */
function indexFacts(
  byKind: ReadonlyMap<string, readonly KubeObject[]>,
  readKinds: ReadonlySet<string>,
  namespace: string | undefined,
  now: Date,
): Facts {
  const events = new Map<string, KubeEvent[]>();
  for (const e of (byKind.get('Event') ?? []) as unknown as KubeEvent[]) {
    const o = e.involvedObject;
    if (!o?.name) continue;
    const k = `${o.kind ?? ''}/${o.namespace ?? e.metadata?.namespace ?? ''}/${o.name}`;
    const list = events.get(k);
    if (list) list.push(e);
    else events.set(k, [e]);
  }
  const stamp = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '';
  for (const list of events.values())
    list.sort((a, b) => (stamp(a) < stamp(b) ? 1 : stamp(a) > stamp(b) ? -1 : 0));
  const canonical = (k: string) => scanKind(k)?.kind ?? k;
  return {
    namespace,
    now,
    list: <T>(kind: string) => (byKind.get(canonical(kind)) ?? []) as unknown as readonly T[],
    read: (kind: string) => readKinds.has(canonical(kind)),
    eventsFor: (kind, name, ns) => events.get(`${kind}/${ns ?? ''}/${name}`) ?? [],
  };
}

/**
 * Facts over objects in hand (tests, or objects read another way): every kind in `read` counts as
 * read, present or not (default: every kind the analyzers read).
 */
export function factsFrom(
  objects: readonly KubeObject[],
  options: { namespace?: string; now?: Date; read?: readonly string[] } = {},
): Facts {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const k = scanKind(o.kind ?? '')?.kind ?? o.kind ?? '';
    const list = byKind.get(k);
    if (list) list.push(o);
    else byKind.set(k, [o]);
  }
  const read = new Set(
    (options.read ?? [...byKind.keys(), ...DEFAULT_READ]).map((k) => scanKind(k)?.kind ?? k),
  );
  return indexFacts(byKind, read, options.namespace, options.now ?? new Date('2026-01-01T00:00:00Z'));
}

const DEFAULT_READ = [
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'Job',
  'CronJob',
  'Service',
  'Endpoints',
  'Event',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'StorageClass',
  'Ingress',
  'IngressClass',
  'Node',
  'HorizontalPodAutoscaler',
  'NetworkPolicy',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
];
