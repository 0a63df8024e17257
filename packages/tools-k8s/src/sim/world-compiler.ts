import type { KubeMetadata } from '../cluster.js';
import { formatCpu, parseQuantity } from '../quantity.js';
import type { Node, Service } from '../types.js';
import { fnv1a } from './names.js';
import type { World } from './world-schema.js';

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
          lastHeartbeatTime: iso(-60),
          lastTransitionTime: iso(0),
        };
  const pressure = new Set(n.pressure ?? []);
  // Taints the node controller adds from the node's conditions (taint-nodes-by-condition), after any
  // declared ones, without repeating a key and effect.
  const taints: { key: string; value?: string | undefined; effect: string }[] = [...(n.taints ?? [])];
  const add = (key: string, effect: string) => {
    if (!taints.some((t) => t.key === key && t.effect === effect)) taints.push({ key, effect });
  };
  if (!n.ready) {
    add('node.kubernetes.io/unreachable', 'NoSchedule');
    add('node.kubernetes.io/unreachable', 'NoExecute');
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
      labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', ...n.labels },
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
        containerRuntimeVersion: 'containerd://1.7.24',
      },
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
