import { parseDuration } from '../duration.js';
import type { KubeEvent, Node, Pod } from '../types.js';
import { type ClusterHost, type Controller, EVENT_TTL } from './controller-host.js';
import { fnv1a } from './names.js';
import { connectionAllowed, type Endpoint, serviceBackends } from './network.js';
import { nodeLostAt } from './node-lifecycle.js';
import { key } from './object-store.js';
import {
  type DerivedEvent,
  evaluatePod,
  normalizeImage,
  type PodOutcome,
  type PodRuntime,
  type PodWorld,
} from './pod-state.js';
import { forbiddenMessage, serviceAccountMay } from './rbac.js';

/**
 * The kubelet: each pod the cluster runs (one with a runtime) is evaluated from its declared
 * behaviour and what it sees of the world (its evaluation reused while nothing it read changed), its
 * status written, its containers' outcomes kept for logs and metrics, and its derived events stored.
 */
export const kubeletController: Controller = {
  kind: 'Pod',
  reconcile(host) {
    evaluatePods(host);
    return false;
  },
};

/** What the kubelet keeps of one cluster, for the cluster's life (it goes with the cluster). */
interface KubeletState {
  /** What the rest of the world looks like to a pod. */
  readonly world: PodWorld;
  /** The configuration each pod's programs read when their containers started. */
  readonly started: WeakMap<PodRuntime, ConfigSnapshot>;
  /** The id (name suffix) of each derived pod event (a function of its reason, field path and message). */
  readonly eventIds: WeakMap<DerivedEvent, string>;
  /**
   * Each stored pod event with what it was stored from and the fields a controller may bump in place
   * (count, lastTimestamp) as they were stored: while they read the same, storing it again is a no-op.
   */
  readonly eventSources: WeakMap<KubeEvent, EventSource>;
}

/** What a stored pod event was stored from. */
interface EventSource {
  event: DerivedEvent;
  name: string;
  ns: string | undefined;
  uid: string | undefined;
  count: number | undefined;
  lastTimestamp: string | undefined;
}

/** The kubelet's state of each cluster. */
const states = new WeakMap<ClusterHost, KubeletState>();

function evaluatePods(host: ClusterHost): void {
  let state = states.get(host);
  if (state === undefined) {
    state = {
      world: podWorld(host),
      started: new WeakMap(),
      eventIds: new WeakMap(),
      eventSources: new WeakMap(),
    };
    states.set(host, state);
  }
  for (const pod of host.store.ofKind('Pod').values()) {
    const pk = key('Pod', pod.metadata.namespace, pod.metadata.name ?? '');
    const rt = host.runtime.get(pk);
    if (!rt) continue;
    const unschedulable = (rt as { unschedulable?: string }).unschedulable;
    // A pod whose node stopped reporting is seen as its kubelet last reported it.
    const lostAt = nodeLostAt(host, pod);
    const at = lostAt === undefined ? host.now : Math.min(host.now, Math.max(lostAt, rt.createdAt));
    const last = host.evaluated.get(pod);
    let out: PodOutcome;
    if (
      last !== undefined &&
      last.runtime === rt &&
      last.unschedulable === unschedulable &&
      last.configs === host.store.configs &&
      last.outcome.readings.holdAt(at)
    )
      out = last.outcome;
    else {
      out = evaluateAsStarted(pod, rt, state, host.store.configs, at, unschedulable);
      host.evaluated.set(pod, { runtime: rt, unschedulable, configs: host.store.configs, outcome: out });
    }
    pod.status = out.status;
    host.outcomes.set(pk, out.containers);
    for (const e of out.events) storePodEvent(e, pod, host, state);
  }
}

/** The ConfigMap and Secret reads a pod's programs made, as of the store's config version `configs`. */
interface ConfigSnapshot {
  configs: number;
  readonly keys: Map<string, readonly string[] | undefined>;
  readonly values: Map<string, string | undefined>;
}

/** A pod's view of the world whose ConfigMap and Secret reads come from (and go into) `snap`. */
function snapshotWorld(world: PodWorld, snap: ConfigSnapshot): PodWorld {
  return {
    ...world,
    keysOf(kind, ns, name) {
      const k = `${kind}/${ns}/${name}`;
      if (!snap.keys.has(k)) snap.keys.set(k, world.keysOf(kind, ns, name));
      return snap.keys.get(k);
    },
    valueOf(kind, ns, name, key, use) {
      const k = `${kind}/${ns}/${name}/${key}/${use ?? ''}`;
      if (!snap.values.has(k)) snap.values.set(k, world.valueOf?.(kind, ns, name, key, use));
      return snap.values.get(k);
    },
  };
}

/**
 * Evaluates a pod with the configuration its programs read when their containers started: a program
 * reads its environment (fixed at container start) and, unless it reloads them, its mounted files once.
 * After a ConfigMap or Secret changed, a pod whose programs all still run as started keeps the old
 * reading; one that waits to start or crash-loops reads the new configuration at its next start.
 */
function evaluateAsStarted(
  pod: Pod,
  rt: PodRuntime,
  state: KubeletState,
  configs: number,
  at: number,
  unschedulable: string | undefined,
): PodOutcome {
  const fresh = (): ConfigSnapshot => ({ configs, keys: new Map(), values: new Map() });
  let snap = state.started.get(rt);
  if (snap === undefined) {
    snap = fresh();
    state.started.set(rt, snap);
  }
  const out = evaluatePod(pod, rt, snapshotWorld(state.world, snap), at, unschedulable);
  if (snap.configs === configs) return out;
  const containers = [...out.containers.values()];
  if (containers.length > 0 && containers.every((c) => c.steady)) return out;
  // A container (re)starts: it reads the configuration as it is now.
  snap = fresh();
  state.started.set(rt, snap);
  return evaluatePod(pod, rt, snapshotWorld(state.world, snap), at, unschedulable);
}

/**
 * Stores a pod's derived event under its id, unless the event stored there is the one stored from
 * this very derived event for this pod and nothing has changed it since (what storing it again
 * would write is then what is there): a pod whose evaluation is reused re-derives the same events
 * on every request.
 */
function storePodEvent(e: DerivedEvent, pod: Pod, host: ClusterHost, state: KubeletState): void {
  // An event whose last occurrence is older than the API server's event TTL is gone.
  if (e.last < host.now - EVENT_TTL) return;
  const name = pod.metadata.name ?? '';
  const ns = pod.metadata.namespace;
  const uid = pod.metadata.uid;
  let id = state.eventIds.get(e);
  if (id === undefined) {
    id = fnv1a(`${e.reason}|${e.fieldPath ?? ''}|${e.message}`)
      .toString(16)
      .padStart(8, '0');
    state.eventIds.set(e, id);
  }
  const stored = host.store.at(key('Event', ns ?? 'default', `${name}.${id}`)) as KubeEvent | undefined;
  const from = stored === undefined ? undefined : state.eventSources.get(stored);
  if (
    from !== undefined &&
    from.event === e &&
    from.name === name &&
    from.ns === ns &&
    from.uid === uid &&
    stored!.count === from.count &&
    stored!.lastTimestamp === from.lastTimestamp
  )
    return;
  const ev = host.storeEvent(e, 'Pod', name, ns, uid, id);
  state.eventSources.set(ev, {
    event: e,
    name,
    ns,
    uid,
    count: ev.count,
    lastTimestamp: ev.lastTimestamp,
  });
}

function podWorld(host: ClusterHost): PodWorld {
  return {
    t0: host.t0,
    ...(host.world.registry ? { registry: host.world.registry } : {}),
    keysOf: (kind, ns, name) => {
      const obj = host.store.at(key(kind, ns, name));
      if (!obj) return undefined;
      const data = {
        ...(obj.data as object | undefined),
        ...(obj.stringData as object | undefined),
        ...(obj.binaryData as object | undefined),
      };
      return Object.keys(data);
    },
    valueOf: (kind, ns, name, k, use) => {
      const obj = host.store.at(key(kind, ns, name));
      if (!obj) return undefined;
      const field = (f: string) => {
        const v = (obj[f] as Record<string, unknown> | undefined)?.[k];
        return typeof v === 'string' ? v : undefined;
      };
      // A Secret's data and a ConfigMap's binaryData are base64 (what the API server stores); stringData is plain.
      const plain = kind === 'Secret' ? field('stringData') : field('data');
      if (plain !== undefined) return plain;
      // An env var reads a ConfigMap's data only: the kubelet gives binaryData to mounted files, not to env.
      if (kind === 'ConfigMap' && use === 'env') return undefined;
      const encoded = kind === 'Secret' ? field('data') : field('binaryData');
      return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
    },
    exists: (kind, ns, name) => host.store.has(key(kind, ns, name)),
    nodeLabels: (node) => host.store.at(key('Node', undefined, node))?.metadata?.labels,
    imagePull: (pod, image) => imagePull(host, pod, image),
    nodeRuntime: (node) =>
      (host.store.at(key('Node', undefined, node))?.status as Node['status'] | undefined)?.nodeInfo
        ?.containerRuntimeVersion,
    claimVolume: (ns, claim) => {
      const pvc = host.store.at(key('PersistentVolumeClaim', ns, claim));
      const pv = (pvc?.spec as { volumeName?: string } | undefined)?.volumeName;
      const vol = pv ? host.store.at(key('PersistentVolume', undefined, pv)) : undefined;
      return vol?.spec as Record<string, unknown> | undefined;
    },
    reach: (pod, to) => reach(host, pod, to),
    forbidden: (pod, call) => {
      const sa = pod.spec.serviceAccountName ?? 'default';
      const ns = pod.metadata.namespace ?? 'default';
      const rbac = ['RoleBinding', 'ClusterRoleBinding', 'Role', 'ClusterRole'].flatMap((k) => [
        ...host.store.ofKind(k).values(),
      ]);
      return serviceAccountMay(rbac, sa, ns, call) ? undefined : forbiddenMessage(sa, ns, call);
    },
  };
}

/**
 * Whether some container of a pod listens on `port`, as its last evaluation says: a container whose
 * behaviour does not say what it listens on (or one not evaluated yet) counts as listening.
 */
function listensOn(host: ClusterHost, pod: Pod, port: number): boolean {
  const outcomes = host.outcomes.get(key('Pod', pod.metadata.namespace, pod.metadata.name ?? ''));
  if (outcomes === undefined) return true;
  // The app containers serve (init containers have exited by the time a pod is ready).
  for (const c of pod.spec.containers) {
    const listening = outcomes.get(c.name)?.listening;
    if (listening === undefined || listening.has(port)) return true;
  }
  return false;
}

/** Why a pod's connection to a Service fails, as a Go client reports it; undefined when it works. */
function reach(
  host: ClusterHost,
  pod: Pod,
  to: { service: string; namespace: string; port: number; protocol: string },
): string | undefined {
  const nsLabels = (ns: string) => host.store.at(key('Namespace', undefined, ns))?.metadata?.labels ?? {};
  const policies = [...host.store.ofKind('NetworkPolicy').values()];
  const ip =
    host.runtime.get(key('Pod', pod.metadata.namespace, pod.metadata.name ?? ''))?.ip ?? '10.244.0.1';
  const src: Endpoint = { pod, namespaceLabels: nsLabels(pod.metadata.namespace ?? 'default'), ip };
  const dns = host.store.get('Service', 'kube-system', 'kube-dns');
  const dnsIp = dns?.spec.clusterIP ?? '10.96.0.10';
  const fqdn = `${to.service}.${to.namespace}.svc.cluster.local`;
  const pods = [...host.store.ofKind('Pod').values()];
  if (policies.length) {
    // Name resolution first: UDP 53 to the cluster DNS pods (a stand-in when the world has none).
    const dnsPods = pods.filter(
      (p) => p.metadata.namespace === 'kube-system' && p.metadata.labels?.['k8s-app'] === 'kube-dns',
    );
    const targets: Endpoint[] = (
      dnsPods.length
        ? dnsPods
        : [
            {
              metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
              spec: {
                containers: [
                  { name: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] },
                ],
              },
            } as Pod,
          ]
    ).map((p) => ({
      pod: p,
      namespaceLabels: nsLabels('kube-system'),
      ip: p.status?.podIP ?? '10.244.0.2',
    }));
    if (!targets.some((t) => connectionAllowed(policies, src, t, 53, 'UDP')))
      return `lookup ${fqdn} on ${dnsIp}:53: read udp ${ip}:40123->${dnsIp}:53: i/o timeout`;
  }
  const svc = host.store.get('Service', to.namespace, to.service);
  if (!svc) return `lookup ${fqdn} on ${dnsIp}:53: no such host`;
  const proto = to.protocol === 'UDP' ? 'udp' : 'tcp';
  const addr = `${svc.spec.clusterIP ?? ''}:${to.port}`;
  const found = serviceBackends(svc, to.port, pods);
  // kube-proxy sends a connection to a backend's target port: a backend whose named target port no
  // container declares is no endpoint, and one whose programs all say what they listen on, without
  // that port, refuses it (the kernel answers a SYN to a closed port with a reset).
  const backends = {
    targetPort: found.targetPort,
    pods: found.pods.filter((b) => {
      const port = found.targetPort(b);
      return port !== undefined && listensOn(host, b, port);
    }),
  };
  if (backends.pods.length === 0) return `dial ${proto} ${addr}: connect: connection refused`;
  if (!policies.length) return undefined;
  const reachable = backends.pods.some((b) => {
    const port = backends.targetPort(b);
    const bip = host.runtime.get(key('Pod', b.metadata.namespace, b.metadata.name ?? ''))?.ip ?? '';
    return (
      port !== undefined &&
      connectionAllowed(
        policies,
        src,
        { pod: b, namespaceLabels: nsLabels(b.metadata.namespace ?? 'default'), ip: bip },
        port,
        to.protocol,
      )
    );
  });
  return reachable ? undefined : `dial ${proto} ${addr}: i/o timeout`;
}

/** When each node came to hold each image with a timed pull (`node/image` → logical second), per cluster. */
const heldSince = new WeakMap<ClusterHost, Map<string, number>>();

/**
 * The pull a container of `image` on `pod`'s node waits for, when `registry.pulls` gives the image a
 * pull time: the node holds it from world start when its `images` list it, else from the pull of the
 * first pod on the node that uses it (a later pod there starts without pulling, an earlier pod that
 * is still pulling waits for the same pull). Remembered per node once known: deleting the pod does not
 * remove the image.
 */
function imagePull(host: ClusterHost, pod: Pod, image: string): { end: number; size?: number } | undefined {
  const pulls = host.world.registry?.pulls;
  const node = pod.spec.nodeName;
  if (!pulls || !node) return undefined;
  const full = normalizeImage(image);
  const entry = Object.entries(pulls).find(([name]) => normalizeImage(name) === full)?.[1];
  if (!entry) return undefined;
  const seconds = parseDuration(entry.time) ?? 0;
  const size = entry.size;
  let held = heldSince.get(host);
  if (!held) {
    held = new Map();
    heldSince.set(host, held);
  }
  const k = `${node}/${full}`;
  let end = held.get(k);
  if (end === undefined) {
    const nodeObj = host.store.at(key('Node', undefined, node)) as Node | undefined;
    if (nodeObj?.status?.images?.some((i) => i.names.some((n) => normalizeImage(n) === full)))
      end = Number.NEGATIVE_INFINITY;
    else {
      let first = Number.POSITIVE_INFINITY;
      for (const [podKey, rt] of host.runtime) {
        const other = host.store.at(podKey) as Pod | undefined;
        if (other?.spec.nodeName !== node) continue;
        const uses = [...(other.spec.initContainers ?? []), ...other.spec.containers].some(
          (c) => normalizeImage(c.image ?? '') === full,
        );
        if (uses) first = Math.min(first, rt.createdAt);
      }
      if (first === Number.POSITIVE_INFINITY)
        first = host.runtime.get(host.keyOf(pod))?.createdAt ?? host.now;
      end = first + 1 + seconds;
    }
    held.set(k, end);
  }
  return size === undefined ? { end } : { end, size };
}
