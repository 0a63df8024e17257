import type { Pod, ReplicaSet } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { key } from './object-store.js';

/**
 * The ReplicaSet controller: a ReplicaSet with more pods than its replicas deletes the extra ones
 * (unscheduled and not-ready pods first, then the newest), one with fewer creates pods from its
 * template until a quota forbids one.
 */
export const replicaSetController: Controller = {
  kind: 'ReplicaSet',
  reconcile(host) {
    for (const rs of [...host.store.ofKind('ReplicaSet').values()]) reconcileReplicaSet(rs, host);
    return false;
  },
};

/** The ReplicaSet controller's status pass: replicas, ready and available pods, once the pods were evaluated. */
export const replicaSetStatusController: Controller = {
  kind: 'ReplicaSet',
  reconcile(host) {
    for (const rs of host.store.ofKind('ReplicaSet').values()) replicaSetStatus(rs, host);
    return false;
  },
};

/**
 * Whether a pod is available as the ReplicaSet controller counts it: Ready, and Ready for at
 * least `minReadySeconds` (from its Ready condition's lastTransitionTime); with the default 0 a
 * Ready pod is available, so READY and AVAILABLE agree outside `minReadySeconds`.
 */
export function available(pod: Pod, host: ClusterHost, minReadySeconds = 0): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isFinite(since) && host.now - (since - host.t0) / 1000 >= minReadySeconds;
}

/**
 * The pods a ReplicaSet counts as its replicas: those not being deleted (a Terminating pod is
 * replaced) and not ended, as the controller's `IsPodActive` counts them (kubernetes/kubernetes,
 * pkg/controller/controller_utils.go): a pod in phase Failed (evicted) or Succeeded is replaced, and
 * stays as a record until it is deleted.
 */
export function activePods(rs: ReplicaSet, host: ClusterHost): Pod[] {
  return host.store.ownedBy('Pod', rs).filter((p) => {
    if (p.metadata.deletionTimestamp) return false;
    // A phase the world declared (an evicted pod) holds before the kubelet first evaluates the pod.
    const phase =
      host.runtime.get(key('Pod', p.metadata.namespace, p.metadata.name ?? ''))?.facts?.phase ??
      p.status?.phase;
    return phase !== 'Failed' && phase !== 'Succeeded';
  });
}

function reconcileReplicaSet(rs: ReplicaSet, host: ClusterHost): void {
  const pods = activePods(rs, host);
  const want = rs.spec.replicas ?? 0;
  if (pods.length > want) {
    // Like the controller: unscheduled and not-ready pods go first, then the newest.
    const ranked = [...pods].sort((a, b) => deletionRank(b, host) - deletionRank(a, host));
    for (const p of ranked.slice(0, pods.length - want)) {
      host.remove('Pod', p.metadata?.namespace, p.metadata?.name ?? '');
      host.controllerEvent(
        'Normal',
        'SuccessfulDelete',
        `Deleted pod: ${p.metadata?.name}`,
        rs,
        'replicaset-controller',
      );
    }
  }
  // While the world is built, a replacement for a pod marked for deletion (evicted from a lost node)
  // dates from that deletion, not from before the world (the age a settling pod gets otherwise).
  let replacedAt: number | undefined;
  if (host.settling && pods.length < want)
    for (const p of host.store.ownedBy('Pod', rs)) {
      const at = host.seconds(p.metadata.deletionTimestamp as string | undefined);
      if (at !== undefined && (replacedAt === undefined || at > replacedAt)) replacedAt = at;
    }
  const facts = replacedAt !== undefined ? { age: `${Math.max(0, Math.round(-replacedAt))}s` } : undefined;
  for (let i = pods.length; i < want; i++) if (!host.createPod(rs, facts, host.settling)) break;
}

function deletionRank(pod: Pod, host: ClusterHost): number {
  const rt = host.runtime.get(key('Pod', pod.metadata.namespace, pod.metadata.name ?? ''));
  return (pod.spec.nodeName ? 0 : 1e9) + (available(pod, host) ? 0 : 1e8) + (rt?.createdAt ?? 0);
}

function replicaSetStatus(rs: ReplicaSet, host: ClusterHost): void {
  const pods = activePods(rs, host);
  rs.status = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: pods.filter((p) =>
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length,
    availableReplicas: pods.filter((p) => available(p, host, rs.spec.minReadySeconds)).length,
  };
}
