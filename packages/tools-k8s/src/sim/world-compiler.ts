import type { KubeMetadata, KubeObject } from '../cluster.js';
import { parseDuration } from '../duration.js';
import { findKind, guessPlural, type KindInfo } from '../kinds.js';
import { formatCpu, parseQuantity } from '../quantity.js';
import { RESTARTED_AT } from '../tools/restart-deployment.js';
import type {
  Container,
  ContainerStatus,
  Deployment,
  EnvVar,
  Node,
  Pod,
  PodSpec,
  PodTemplate,
  ReplicaSet,
  Service,
} from '../types.js';
import type { ClusterHost } from './controller-host.js';
import { CHANGE_CAUSE, HASH, REVISION } from './deployment-controller.js';
import { clone, fnv1a, templateHash } from './names.js';
import { type AnyObject, key } from './object-store.js';
import { normalizeImage } from './pod-state.js';
import type {
  AttachedEvent,
  Behavior,
  ContainerInput,
  ImageBehavior,
  PodFacts,
  World,
} from './world-schema.js';

/**
 * What the world compiler builds the cluster through: the controllers' view, with the world's
 * behaviours, the kinds it declares, the objects whose status or Endpoints it declares, and the
 * cluster's store and IP allocation (IPs are handed out in the order objects are compiled).
 */
export interface WorldHost extends ClusterHost {
  readonly behaviors: Map<string, ImageBehavior>;
  readonly extraKinds: KindInfo[];
  readonly staticEndpoints: Set<string>;
  readonly declaredStatus: Set<string>;
  /** Stores an object under its key. */
  put(obj: AnyObject): void;
  /** The next pod IP. */
  nextIp(): string;
}

/** Kinds a controller writes the status of; a world that declares that status keeps it. */
const CONTROLLED_STATUS = new Set([
  'Job',
  'CronJob',
  'StatefulSet',
  'DaemonSet',
  'PersistentVolumeClaim',
  'HorizontalPodAutoscaler',
  'Ingress',
]);
/** Seconds relative to the world's start of an age (`3d`) before it, or of `fallback` seconds before it. */
export function ago(duration: unknown, fallback: number): number {
  return -(parseDuration(duration) ?? fallback);
}

/**
 * The world compiler's pure parts: the objects a world's shorthands stand for. `meta` is the object's
 * metadata as the cluster assigns it (name, namespace, uid, creation time).
 */

/**
 * A Node from the shorthand: capacity and allocatable (cpu less 100m, memory less 512Mi, the extended
 * resources as declared), the kubelet's conditions from `ready` and `pressure` with the taints the node
 * controller adds for them (unreachable, memory/disk/pid-pressure, unschedulable), an address by its index.
 */
export function nodeObject(
  n: World['nodes'][number],
  index: number,
  created: number,
  meta: KubeMetadata,
  iso: (seconds: number) => string,
): Node {
  const cpu = parseQuantity(n.cpu) ?? 4;
  const mem = parseQuantity(n.memory) ?? 16 * 2 ** 30;
  const extended = Object.fromEntries(Object.entries(n.extended ?? {}).map(([k, v]) => [k, String(v)]));
  const allocatable = {
    cpu: formatCpu(Math.max(0.1, cpu - 0.1)),
    memory: `${Math.round((mem - 512 * 2 ** 20) / 1024)}Ki`,
    pods: String(n.pods),
    ...extended,
  };
  const cond = (
    type: string,
    bad: boolean,
    reasonOk: string,
    reasonBad: string,
    msgOk: string,
    msgBad: string,
  ) =>
    // A node whose kubelet stopped posting status has every condition Unknown (the node controller's doing).
    n.ready
      ? {
          type,
          status: type === 'Ready' ? (bad ? 'False' : 'True') : bad ? 'True' : 'False',
          reason: bad ? reasonBad : reasonOk,
          message: bad ? msgBad : msgOk,
          lastHeartbeatTime: iso(0),
          lastTransitionTime: iso(created),
        }
      : {
          type,
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
          // The node controller marks the conditions Unknown 40 s (its grace period) after the last heartbeat.
          lastHeartbeatTime: iso(-lostFor - 40),
          lastTransitionTime: iso(-lostFor),
        };
  const lostFor = n.ready ? 0 : (parseDuration(n.notReadyFor) ?? 0);
  const pressure = new Set(n.pressure ?? []);
  // Taints the node controller adds from the node's conditions (taint-nodes-by-condition), after any
  // declared ones, without repeating a key and effect.
  const taints: { key: string; value?: string | undefined; effect: string; timeAdded?: string }[] = [
    ...(n.taints ?? []),
  ];
  const add = (key: string, effect: string) => {
    if (!taints.some((t) => t.key === key && t.effect === effect)) taints.push({ key, effect });
  };
  if (!n.ready) {
    add('node.kubernetes.io/unreachable', 'NoSchedule');
    // The NoExecute taint carries when it was added: pods' tolerationSeconds count from it.
    if (!taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'))
      taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(-lostFor) });
  } else {
    if (pressure.has('MemoryPressure')) add('node.kubernetes.io/memory-pressure', 'NoSchedule');
    if (pressure.has('DiskPressure')) add('node.kubernetes.io/disk-pressure', 'NoSchedule');
    if (pressure.has('PIDPressure')) add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  }
  if (n.unschedulable) add('node.kubernetes.io/unschedulable', 'NoSchedule');
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      ...meta,
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        ...n.labels,
      },
    },
    spec: {
      ...(taints.length ? { taints } : {}),
      ...(n.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity: {
        cpu: formatCpu(cpu),
        memory: `${Math.round(mem / 1024)}Ki`,
        pods: String(n.pods),
        ...extended,
      },
      allocatable,
      conditions: [
        cond(
          'MemoryPressure',
          pressure.has('MemoryPressure'),
          'KubeletHasSufficientMemory',
          'KubeletHasInsufficientMemory',
          'kubelet has sufficient memory available',
          'kubelet has insufficient memory available',
        ),
        cond(
          'DiskPressure',
          pressure.has('DiskPressure'),
          'KubeletHasNoDiskPressure',
          'KubeletHasDiskPressure',
          'kubelet has no disk pressure',
          'kubelet has disk pressure',
        ),
        cond(
          'PIDPressure',
          pressure.has('PIDPressure'),
          'KubeletHasSufficientPID',
          'KubeletHasInsufficientPID',
          'kubelet has sufficient PID available',
          'kubelet has insufficient PID available',
        ),
        cond(
          'Ready',
          !n.ready,
          'KubeletReady',
          'NodeStatusUnknown',
          'kubelet is posting ready status',
          'Kubelet stopped posting node status.',
        ),
      ],
      addresses: [{ type: 'InternalIP', address: `10.0.0.${index + 11}` }],
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: n.containerRuntime ?? 'containerd://1.7.24',
      },
      ...(n.images?.length ? { images: n.images.map((i) => ({ names: [normalizeImage(i)] })) } : {}),
    },
  };
  return node;
}

/** A Service from the shorthand: a stable cluster IP from its name, ports with their target ports. */
export function serviceObject(s: World['services'][number], ns: string, meta: KubeMetadata): Service {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta,
    spec: {
      type: s.type,
      clusterIP: s.clusterIP ?? `10.96.${fnv1a(s.name) % 250}.${(fnv1a(`${ns}/${s.name}`) % 250) + 2}`,
      ...(s.selector ? { selector: s.selector } : {}),
      ports: s.ports.map((p) =>
        typeof p === 'number'
          ? { port: p, targetPort: p, protocol: 'TCP' }
          : { protocol: 'TCP', targetPort: p.port, ...p },
      ),
    },
  };
  return svc;
}

/**
 * Compiles a world into the cluster's objects, in this order (uids and IPs are handed out in it):
 * namespaces, the declared manifests, nodes, Deployments (with their ReplicaSet history and pods),
 * bare pods, Services, and the world's events.
 */
export function compileWorld(host: WorldHost): void {
  const w = host.world;
  type NamespaceFacts = {
    labels?: Record<string, string> | undefined;
    annotations?: Record<string, string> | undefined;
  };
  const declared = new Map<string, NamespaceFacts>(
    w.namespaces.map((n): [string, NamespaceFacts] => (typeof n === 'string' ? [n, {}] : [n.name, n])),
  );
  const namespaces = new Set<string>(['default', 'kube-system', ...declared.keys()]);
  for (const d of w.deployments) namespaces.add(d.namespace ?? 'default');
  for (const p of w.pods) namespaces.add(p.namespace ?? 'default');
  for (const s of w.services) namespaces.add(s.namespace ?? 'default');
  for (const o of w.objects) if (o.metadata.namespace) namespaces.add(o.metadata.namespace);
  for (const ns of [...namespaces].sort()) {
    host.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: host.meta(ns, undefined, -30 * 86400, {
        // The API server sets kubernetes.io/metadata.name on every namespace and keeps it.
        labels: { ...declared.get(ns)?.labels, 'kubernetes.io/metadata.name': ns },
        ...(declared.get(ns)?.annotations ? { annotations: { ...declared.get(ns)!.annotations } } : {}),
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  for (const [name, b] of Object.entries(w.behaviors)) host.behaviors.set(name, b);

  for (const o of w.objects) {
    const known = findKind(o.kind, host.extraKinds);
    if (!known) {
      host.extraKinds.push({
        kind: o.kind,
        apiVersion: o.apiVersion,
        plural: guessPlural(o.kind),
        namespaced: o.metadata.namespace !== undefined,
        shortNames: [],
      });
    }
    const info = findKind(o.kind, host.extraKinds)!;
    const obj = clone(o) as KubeObject;
    obj.metadata = {
      ...host.meta(
        o.metadata.name,
        info.namespaced ? (o.metadata.namespace ?? 'default') : undefined,
        -86400,
      ),
      ...obj.metadata,
      ...(info.namespaced ? { namespace: o.metadata.namespace ?? 'default' } : {}),
    };
    if (info.kind === 'Endpoints')
      host.staticEndpoints.add(key('Endpoints', obj.metadata.namespace, o.metadata.name));
    if (obj.status !== undefined && CONTROLLED_STATUS.has(info.kind))
      host.declaredStatus.add(key(info.kind, obj.metadata.namespace, o.metadata.name));
    if (info.kind === 'Pod') {
      const created = (Date.parse(obj.metadata.creationTimestamp ?? '') - host.t0) / 1000;
      const pod = obj as Pod;
      const owner = ownerKey(pod.metadata.ownerReferences?.[0]) ?? o.metadata.name;
      host.runtime.set(key('Pod', obj.metadata.namespace, o.metadata.name), {
        createdAt: Number.isFinite(created) ? created : -86400,
        ...(pod.status ? { facts: factsFromStatus(pod.status) } : {}),
        behaviors: resolveBehaviors(host, pod.spec, owner),
        ip: pod.status?.podIP ?? host.nextIp(),
      });
    }
    host.put(obj);
  }

  if (w.nodes.length === 0 && !w.objects.some((o) => o.kind === 'Node')) {
    w.nodes.push({ name: 'worker-1', cpu: '4', memory: '16Gi', pods: 110, ready: true });
  }
  for (const [index, n] of w.nodes.entries()) {
    const created = ago(n.age, 30 * 86400);
    const node = nodeObject(n, index, created, host.meta(n.name, undefined, created), (t) => host.iso(t));
    host.put(node);
    attachEvents(host, n.events, 'Node', n.name, undefined, node.metadata.uid, 'kubelet');
  }
  for (const d of w.deployments) compileDeployment(host, d);
  for (const p of w.pods) {
    const ns = p.namespace ?? 'default';
    const created = ago(p.age, 3600);
    const spec = { ...podSpec(host, p, p.name), restartPolicy: p.restartPolicy ?? 'Always' };
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: host.meta(p.name, ns, created, {
        labels: p.labels ?? { app: p.name },
        ...(p.annotations ? { annotations: p.annotations } : {}),
      }),
      spec: { ...spec, ...(p.node ? { nodeName: p.node } : {}) },
    };
    host.put(pod);
    host.runtime.set(key('Pod', ns, p.name), {
      createdAt: created,
      facts: p,
      behaviors: resolveBehaviors(host, spec, p.name),
      ip: p.ip ?? host.nextIp(),
    });
    attachEvents(host, p.events, 'Pod', p.name, ns, pod.metadata.uid, 'kubelet');
  }
  for (const s of w.services) {
    const ns = s.namespace ?? 'default';
    const svc = serviceObject(s, ns, host.meta(s.name, ns, ago(s.age, 30 * 86400)));
    host.put(svc);
    attachEvents(host, s.events, 'Service', s.name, ns, svc.metadata.uid, 'service-controller');
  }
  for (const e of w.events) {
    const ref =
      typeof e.object === 'string'
        ? { kind: e.object.split('/')[0]!, name: e.object.split('/')[1]! }
        : e.object;
    const info = findKind(ref.kind, host.extraKinds);
    const ns =
      info?.namespaced === false
        ? undefined
        : 'namespace' in ref && ref.namespace
          ? ref.namespace
          : (e.namespace ?? 'default');
    const target = info ? host.store.at(key(info.kind, ns, ref.name)) : undefined;
    attachEvents(
      host,
      [e],
      info?.kind ?? ref.kind,
      ref.name,
      ns,
      target?.metadata?.uid,
      e.source ?? 'kubelet',
    );
  }
}

function compileDeployment(host: WorldHost, d: World['deployments'][number]): void {
  const ns = d.namespace ?? 'default';
  const labels = d.labels ?? { app: d.name };
  const created = ago(d.age, 7 * 86400);
  const spec = podSpec(host, d, d.name);
  const template: PodTemplate = { metadata: { labels: { ...labels } }, spec };
  const history = d.history ?? [];
  const revision = history.length + 1;
  // Each earlier revision's template (the current one with what differed then), and when it rolled out.
  const earlier = history.map((h, i) => {
    const tpl = clone(template);
    if (h.containers) {
      // An earlier revision's behaviour holds for that revision's pods only: keyed by its image when
      // the current container runs another one (whole, over the current behaviour and its byImage),
      // as is for a container the current template no longer has. With the same image the two cannot
      // be told apart, and the current behaviour holds for both.
      for (const c of h.containers) {
        if (!c.behavior) continue;
        const current = d.containers.find((x) => x.name === c.name);
        if (!current) host.behaviors.set(`${d.name}/${c.name}`, c.behavior);
        else if (current.image !== c.image) host.behaviors.set(`${d.name}/${c.name}@${c.image}`, c.behavior);
      }
      tpl.spec.containers = h.containers.map((c) => containerToK8s(c));
    } else if (h.image && tpl.spec.containers[0]) tpl.spec.containers[0].image = h.image;
    return { tpl, age: ago(h.age, (history.length - i + 1) * 86400) };
  });
  // Kubernetes keeps one ReplicaSet per template: a revision that declares nothing different from an
  // earlier one (a config change elsewhere, a restart) was a rollout restart, which stamps the template.
  const currentAt = d.rollout ? ago(d.rollout.startedAgo, 600) : ago(d.revisionAge ?? d.age, 86400);
  const seen = new Set<string>();
  for (const r of [...earlier, { tpl: template, age: currentAt }]) {
    if (seen.has(JSON.stringify(r.tpl)))
      r.tpl.metadata = {
        ...r.tpl.metadata,
        annotations: { ...r.tpl.metadata?.annotations, [RESTARTED_AT]: host.iso(r.age) },
      };
    seen.add(JSON.stringify(r.tpl));
  }
  const pendingWhilePaused = d.paused === true && d.rollout !== undefined;
  const deploy: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: host.meta(d.name, ns, created, {
      labels: { ...labels },
      annotations: {
        ...d.annotations,
        // Paused before the change rolled: the Deployment still names the revision its pods run.
        [REVISION]: String(pendingWhilePaused ? revision - 1 : revision),
        ...(d.changeCause ? { [CHANGE_CAUSE]: d.changeCause } : {}),
      },
      generation: revision,
    }),
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { ...labels } },
      template,
      strategy: (d.strategy as Deployment['spec']['strategy']) ?? {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      revisionHistoryLimit: 10,
      ...(d.minReadySeconds ? { minReadySeconds: d.minReadySeconds } : {}),
      ...(d.paused ? { paused: true } : {}),
    },
  };
  host.put(deploy);
  attachEvents(host, d.events, 'Deployment', d.name, ns, deploy.metadata.uid, 'deployment-controller');
  history.forEach((h, i) => {
    const { tpl, age } = earlier[i]!;
    const previous = d.rollout !== undefined && i === history.length - 1;
    const old = newReplicaSet(host, deploy, tpl, i + 1, previous ? d.replicas : 0, age, h.changeCause);
    // Mid-rollout, the previous revision still runs every replica, its pods as old as their ReplicaSet.
    if (previous)
      for (let p = 0; p < d.replicas; p++)
        host.createPod(old, { age: `${-age}s`, ...(pendingWhilePaused ? d.pods?.[p] : {}) }, true);
  });
  const facts = d.pods ?? [];
  if (pendingWhilePaused) {
    // Changed while paused: the current template has no ReplicaSet and nothing rolls until resumed.
    host.rollouts.set(key('Deployment', ns, d.name), { done: true, startedAt: created });
    return;
  }
  if (d.rollout) {
    // The current revision's first pods, created when the rollout began (their facts may say otherwise).
    const started = currentAt;
    // The surge, as the controller keeps it while none of them becomes available.
    const updated = Math.min(d.replicas, Math.max(1, Math.ceil(d.replicas * 0.25)));
    const rs = newReplicaSet(
      host,
      deploy,
      template,
      revision,
      updated,
      started,
      d.changeCause,
      d.podTemplateHash,
    );
    host.rollouts.set(key('Deployment', ns, d.name), { done: false, startedAt: started });
    host.storeEvent(
      {
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${rs.metadata.name} from 0 to ${updated}`,
        count: 1,
        first: started,
        last: started,
        source: 'deployment-controller',
      },
      'Deployment',
      d.name,
      ns,
      deploy.metadata.uid,
    );
    for (let i = 0; i < Math.max(updated, facts.length); i++)
      host.createPod(rs, { age: `${-started}s`, ...facts[i] }, true);
    return;
  }
  const rs = newReplicaSet(
    host,
    deploy,
    template,
    revision,
    d.replicas,
    currentAt + 0,
    d.changeCause,
    d.podTemplateHash,
  );
  host.rollouts.set(key('Deployment', ns, d.name), { done: true, startedAt: created });
  const count = Math.max(d.replicas, facts.length);
  for (let i = 0; i < count; i++) host.createPod(rs, facts[i], true);
}

/** A Deployment's ReplicaSet for a template at a revision, named by the template's hash, stored. */
export function newReplicaSet(
  host: WorldHost,
  deploy: Deployment,
  template: PodTemplate,
  revision: number,
  replicas: number,
  created: number,
  changeCause?: string,
  hash?: string,
): ReplicaSet {
  const h = hash ?? templateHash(template, host.world.seed);
  const ns = deploy.metadata.namespace ?? 'default';
  const tpl = clone(template);
  tpl.metadata = { ...tpl.metadata, labels: { ...tpl.metadata?.labels, [HASH]: h } };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: host.meta(`${deploy.metadata.name}-${h}`, ns, created, {
      labels: { ...deploy.spec.selector.matchLabels, [HASH]: h },
      annotations: {
        [REVISION]: String(revision),
        ...(changeCause ? { [CHANGE_CAUSE]: changeCause } : {}),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deploy.metadata.name ?? '',
          uid: deploy.metadata.uid ?? '',
          controller: true,
        },
      ],
    }),
    spec: {
      replicas,
      ...(deploy.spec.minReadySeconds ? { minReadySeconds: deploy.spec.minReadySeconds } : {}),
      selector: { matchLabels: { ...deploy.spec.selector.matchLabels, [HASH]: h } },
      template: tpl,
    },
  };
  host.put(rs);
  return rs;
}

/** Stores the events the world attaches to an object (ages relative to the world's start). */
export function attachEvents(
  host: WorldHost,
  events: readonly AttachedEvent[] | undefined,
  kind: string,
  name: string,
  ns: string | undefined,
  uid: string | undefined,
  source: string,
) {
  for (const e of events ?? []) {
    const last = ago(e.age, 0);
    const first = e.firstSeen !== undefined ? ago(e.firstSeen, 0) : last;
    host.storeEvent(
      {
        type: e.type,
        reason: e.reason,
        message: e.message,
        count: e.count,
        first,
        last,
        source: e.source ?? source,
      },
      kind,
      name,
      ns,
      uid,
    );
  }
}

function containerToK8s(c: ContainerInput): Container {
  const { behavior: _b, env, ports, ...rest } = c;
  const out: Container = { ...(rest as Container) };
  if (ports)
    out.ports = ports.map((p) =>
      typeof p === 'number' ? { containerPort: p, protocol: 'TCP' } : { protocol: 'TCP', ...p },
    );
  if (env) {
    out.env = Array.isArray(env)
      ? (env as EnvVar[])
      : Object.entries(env).map(([name, v]) =>
          typeof v === 'string' ? { name, value: v } : ({ name, valueFrom: v } as EnvVar),
        );
  }
  return out;
}

function podSpec(
  host: WorldHost,
  p: {
    containers: ContainerInput[];
    initContainers?: ContainerInput[] | undefined;
    nodeSelector?: Record<string, string> | undefined;
    volumes?: unknown[] | undefined;
    imagePullSecrets?: { name: string }[] | undefined;
    serviceAccountName?: string | undefined;
    securityContext?: Record<string, unknown> | undefined;
    tolerations?: unknown[] | undefined;
    affinity?: Record<string, unknown> | undefined;
    terminationGracePeriodSeconds?: number | undefined;
    priorityClassName?: string | undefined;
    hostNetwork?: boolean | undefined;
    dnsPolicy?: string | undefined;
    dnsConfig?: Record<string, unknown> | undefined;
    topologySpreadConstraints?: Record<string, unknown>[] | undefined;
    automountServiceAccountToken?: boolean | undefined;
  },
  owner: string,
): PodSpec {
  for (const c of [...p.containers, ...(p.initContainers ?? [])]) {
    if (c.behavior) host.behaviors.set(`${owner}/${c.name}`, c.behavior);
  }
  return {
    ...(p.initContainers ? { initContainers: p.initContainers.map((c) => containerToK8s(c)) } : {}),
    containers: p.containers.map((c) => containerToK8s(c)),
    restartPolicy: 'Always',
    ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
    ...(p.volumes ? { volumes: p.volumes as PodSpec['volumes'] } : {}),
    ...(p.imagePullSecrets ? { imagePullSecrets: p.imagePullSecrets } : {}),
    ...(p.tolerations ? { tolerations: p.tolerations } : {}),
    ...(p.affinity ? { affinity: clone(p.affinity) } : {}),
    ...(p.securityContext ? { securityContext: clone(p.securityContext) } : {}),
    serviceAccountName: p.serviceAccountName ?? 'default',
    ...(p.automountServiceAccountToken !== undefined
      ? { automountServiceAccountToken: p.automountServiceAccountToken }
      : {}),
    ...(p.terminationGracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: p.terminationGracePeriodSeconds }
      : {}),
    ...(p.priorityClassName ? { priorityClassName: p.priorityClassName } : {}),
    ...(p.hostNetwork !== undefined ? { hostNetwork: p.hostNetwork } : {}),
    ...(p.dnsPolicy ? { dnsPolicy: p.dnsPolicy } : {}),
    ...(p.dnsConfig ? { dnsConfig: clone(p.dnsConfig) } : {}),
    ...(p.topologySpreadConstraints ? { topologySpreadConstraints: clone(p.topologySpreadConstraints) } : {}),
  } as PodSpec;
}

/** The declared behaviour of each of a pod spec's containers, by the first owner name that has one, then the container's own name. */
export function resolveBehaviors(
  host: WorldHost,
  spec: PodSpec,
  owner: string | readonly string[],
): Record<string, Behavior> {
  const out: Record<string, Behavior> = {};
  const owners = typeof owner === 'string' ? [owner] : owner;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    let b: ImageBehavior | undefined;
    // An earlier revision's own behaviour for its image first (see compileDeployment), then the container's.
    if (c.image) for (const o of owners) b ??= host.behaviors.get(`${o}/${c.name}@${c.image}`);
    for (const o of owners) b ??= host.behaviors.get(`${o}/${c.name}`);
    b ??= host.behaviors.get(c.name);
    if (!b) continue;
    const { byImage, ...base } = b;
    out[c.name] = { ...base, ...(c.image ? byImage?.[c.image] : undefined) };
  }
  return out;
}

/**
 * The name a pod's behaviours are keyed by: its controller's name, with a ReplicaSet's
 * pod-template-hash suffix taken off so a Deployment's pods find `<deployment>/<container>`.
 * Only a ReplicaSet's name carries that hash; a StatefulSet, Job or DaemonSet name is kept whole
 * (`data-processor` stays `data-processor`).
 */
function ownerKey(ref: { kind?: string; name?: string } | undefined): string | undefined {
  if (!ref?.name) return undefined;
  if (ref.kind !== 'ReplicaSet') return ref.name;
  const dash = ref.name.lastIndexOf('-');
  const suffix = dash > 0 ? ref.name.slice(dash + 1) : '';
  return suffix.length >= 9 && suffix.length <= 10 && /^[a-z0-9]+$/.test(suffix)
    ? ref.name.slice(0, dash)
    : ref.name;
}

/** A manifest's pod status read as declared runtime facts, so it wins over what behaviour would derive. */
function factsFromStatus(status: NonNullable<Pod['status']>): PodFacts {
  const facts = (list: readonly ContainerStatus[] | undefined) =>
    Object.fromEntries(
      (list ?? []).map((c) => [
        c.name,
        {
          restarts: c.restartCount ?? 0,
          ...(c.state ? { state: c.state } : {}),
          ...(c.lastState && Object.keys(c.lastState).length ? { lastState: c.lastState } : {}),
          ready: c.ready ?? false,
        },
      ]),
    );
  return {
    ...(status.phase ? { phase: status.phase } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
    ...(status.message ? { message: status.message } : {}),
    containerFacts: facts(status.containerStatuses),
    initContainerFacts: facts(status.initContainerStatuses),
  } as PodFacts;
}
