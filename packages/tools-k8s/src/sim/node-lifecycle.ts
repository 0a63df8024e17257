import type { Node, Pod } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { key } from './object-store.js';
import { type Taint, type Toleration, tolerates } from './scheduler.js';

/** The taint the node lifecycle controller puts on a node it cannot reach. */
const UNREACHABLE: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

/** Default `tolerationSeconds` the DefaultTolerationSeconds admission plugin gives every pod for unreachable/not-ready NoExecute taints. */
export const DEFAULT_TOLERATION_SECONDS = 300;

/**
 * When the node a pod runs on stopped being reachable: the logical second (relative to the world's
 * start) its Ready condition went Unknown (the node lifecycle controller's doing once the kubelet stops
 * posting status), or undefined when the node is reachable or not known.
 */
export function nodeLostAt(host: Pick<ClusterHost, 'store' | 'seconds'>, pod: Pod): number | undefined {
  const nodeName = pod.spec.nodeName;
  if (!nodeName) return undefined;
  const node = host.store.at(key('Node', undefined, nodeName)) as Node | undefined;
  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'Unknown') return undefined;
  return host.seconds(ready.lastTransitionTime) ?? 0;
}

/** The node's first InternalIP, as the API server dials the kubelet. */
export function nodeAddress(host: Pick<ClusterHost, 'store'>, nodeName: string): string {
  const node = host.store.at(key('Node', undefined, nodeName)) as Node | undefined;
  const addresses = (node?.status as { addresses?: { type: string; address: string }[] } | undefined)
    ?.addresses;
  return addresses?.find((a) => a.type === 'InternalIP')?.address ?? nodeName;
}

/**
 * How long a pod stays bound to an unreachable node before the taint eviction controller deletes it:
 * its own toleration of `node.kubernetes.io/unreachable:NoExecute` (no `tolerationSeconds`: forever, as
 * DaemonSet pods are given), else the admission plugin's default of 300 s.
 */
export function unreachableToleration(pod: Pod): number {
  const own = ((pod.spec.tolerations ?? []) as Toleration[]).find((t) => tolerates(t, UNREACHABLE));
  if (own === undefined) return DEFAULT_TOLERATION_SECONDS;
  return typeof own.tolerationSeconds === 'number'
    ? Math.max(0, own.tolerationSeconds)
    : Number.POSITIVE_INFINITY;
}

/**
 * The node lifecycle side of an unreachable node, after the kubelet pass (which reports each such pod
 * as it last stood, at the moment its node went away): the node controller marks the pod's Ready
 * condition False (so it leaves the Services' ready endpoints while `kubectl get pods` still shows the
 * container statuses last reported, e.g. 1/1 Running) with a `NodeNotReady` event; once the pod's
 * toleration of the unreachable taint runs out (300 s by default) the taint eviction controller marks it
 * for deletion (`deletionTimestamp`, a `DisruptionTarget` condition, a `TaintManagerEviction` event). No
 * kubelet confirms the deletion, so the pod stays Terminating while its ReplicaSet creates a replacement.
 * Sources: Kubernetes' node lifecycle controller (MarkPodsNotReady) and taint eviction controller.
 */
export const nodeLifecycleController: Controller = {
  kind: 'Pod',
  reconcile(host) {
    let changed = false;
    for (const pod of host.store.ofKind('Pod').values()) {
      const lostAt = nodeLostAt(host, pod);
      if (
        lostAt === undefined ||
        !host.runtime.has(key('Pod', pod.metadata.namespace, pod.metadata.name ?? ''))
      )
        continue;
      markNotReady(pod, lostAt, host);
      if (!pod.metadata.deletionTimestamp) {
        const evictAt = lostAt + unreachableToleration(pod);
        if (host.now >= evictAt) {
          pod.metadata.deletionTimestamp = host.iso(evictAt);
          pod.metadata.deletionGracePeriodSeconds =
            (pod.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30;
          host.event(
            'Normal',
            'TaintManagerEviction',
            `Marking for deletion Pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
            pod,
            'taint-eviction-controller',
            evictAt,
          );
          changed = true;
        }
      }
      if (pod.metadata.deletionTimestamp) markDisruption(pod);
    }
    return changed;
  },
};

/** The pod's Ready condition False from when its node was lost (a copy: the kubelet's status is shared). */
function markNotReady(pod: Pod, lostAt: number, host: ClusterHost): void {
  const status = pod.status;
  if (!status) return;
  if (status.conditions?.some((c) => c.type === 'Ready' && c.status !== 'False')) {
    const at = host.iso(lostAt);
    pod.status = {
      ...status,
      conditions: (status.conditions ?? []).map((c) =>
        c.type === 'Ready' ? { type: 'Ready', status: 'False', lastTransitionTime: at } : c,
      ),
    };
  }
  host.event('Warning', 'NodeNotReady', 'Node is not ready', pod, 'node-controller', lostAt);
}

function markDisruption(pod: Pod): void {
  markDisruptionTarget(
    pod,
    'DeletionByTaintManager',
    'Taint manager: deleting due to NoExecute taint',
    String(pod.metadata.deletionTimestamp),
  );
}

/**
 * Adds a pod's `DisruptionTarget` condition (status True) once, as the controller that is about to
 * delete it writes it (the kubelet's status is shared, so the status object is replaced, not changed).
 */
export function markDisruptionTarget(pod: Pod, reason: string, message: string, at: string): void {
  const status = pod.status;
  if (!status || status.conditions?.some((c) => c.type === 'DisruptionTarget')) return;
  pod.status = {
    ...status,
    conditions: [
      ...(status.conditions ?? []),
      { type: 'DisruptionTarget', status: 'True', reason, message, lastTransitionTime: at },
    ],
  };
}
