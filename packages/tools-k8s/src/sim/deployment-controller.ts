import type { Deployment, KubeEvent, PodTemplate, ReplicaSet } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { clone, clonedStableJson, stableJson } from './names.js';
import { key } from './object-store.js';
import { available } from './replicaset-controller.js';

/** A Deployment's (and its ReplicaSets') revision annotation. */
export const REVISION = 'deployment.kubernetes.io/revision';
/** The annotation that says why a Deployment's template changed (`kubectl rollout history`). */
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
/** The label a ReplicaSet and its pods carry: the hash of their template. */
export const HASH = 'pod-template-hash';

/**
 * A pod template's JSON without its hash label, by template object: reconciling compares them on
 * every request. A template is never changed in place (a patch builds new objects along the path
 * it changes, a new ReplicaSet gets a copy), so an object's entry stays true.
 */
export const hashlessTemplates = new WeakMap<object, string>();

/**
 * The Deployment controller: each Deployment gets a ReplicaSet for its template (a new revision when
 * the template is new, the old one's revision bumped when it comes back), and while it rolls out the
 * new ReplicaSet grows by a surge as its pods become available and the old ones shrink by as many.
 */
export const deploymentController: Controller = {
  kind: 'Deployment',
  reconcile(host) {
    for (const d of [...host.store.ofKind('Deployment').values()]) reconcileDeployment(d, host);
    return false;
  },
};

/** The Deployment controller's status pass: replicas, availability and the Progressing condition, from the ReplicaSets' status. */
export const deploymentStatusController: Controller = {
  kind: 'Deployment',
  reconcile(host) {
    for (const d of host.store.ofKind('Deployment').values()) deploymentStatus(d, host);
    return false;
  },
};

function reconcileDeployment(d: Deployment, host: ClusterHost): void {
  const ns = d.metadata.namespace ?? 'default';
  const dk = key('Deployment', ns, d.metadata.name ?? '');
  const rss = host.store.ownedBy('ReplicaSet', d);
  let maxRev = 0;
  for (const rs of rss) maxRev = Math.max(maxRev, revisionNumber(rs));
  const wanted = withoutHash(d.spec.template);
  let active: ReplicaSet | undefined;
  for (const rs of rss)
    if (withoutHash(rs.spec.template) === wanted) {
      active = rs;
      break;
    }
  const cause = d.metadata.annotations?.[CHANGE_CAUSE];
  if (d.spec.paused === true) {
    // Paused (kubectl rollout pause): no new ReplicaSet, no rollout; only a scale change is carried out,
    // on the one ReplicaSet that runs pods (on the current template's, when nothing else runs).
    const running = rss.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    const target = running.length === 1 ? running[0] : running.length === 0 ? active : undefined;
    if (target) scale(d, target, d.spec.replicas ?? 1, host);
    else if (running.length > 1) proportionalScale(d, running, host);
    return;
  }
  if (!active) {
    const created = host.settling
      ? (Date.parse(d.metadata.creationTimestamp ?? '') - host.t0) / 1000 || 0
      : host.now;
    active = host.newReplicaSet(d, d.spec.template, maxRev + 1, 0, created, cause);
    host.rollouts.set(dk, { done: host.settling, startedAt: created });
  } else if (revisionNumber(active) < maxRev) {
    active.metadata.annotations = { ...active.metadata.annotations, [REVISION]: String(maxRev + 1) };
    host.rollouts.set(dk, { done: false, startedAt: host.now });
  }
  const revision = active.metadata.annotations?.[REVISION] ?? '1';
  // The same annotations again when the revision is already there (the object is only read out as copies).
  const annotations = d.metadata.annotations;
  if (annotations?.[REVISION] !== revision || !Object.hasOwn(annotations, REVISION))
    d.metadata.annotations = { ...annotations, [REVISION]: revision };
  const desired = d.spec.replicas ?? 1;
  const rollout = host.rollouts.get(dk) ?? { done: true, startedAt: 0 };
  host.rollouts.set(dk, rollout);
  const olds = rss.filter((rs) => rs !== active);
  if (rollout.done) {
    scale(d, active, desired, host);
    for (const rs of olds) scale(d, rs, 0, host);
    return;
  }
  if (d.spec.strategy?.type === 'Recreate') {
    // Recreate: every old pod is stopped before any new one is created, so the two never run together.
    for (const rs of olds) scale(d, rs, 0, host);
    const oldPods = olds.reduce((n, rs) => n + host.store.ownedBy('Pod', rs).length, 0);
    if (oldPods > 0) return;
    scale(d, active, desired, host);
    let up = 0;
    for (const p of host.store.ownedBy('Pod', active)) if (available(p, host, d.spec.minReadySeconds)) up++;
    if (up >= desired) rollout.done = true;
    return;
  }
  const surge = Math.max(1, Math.ceil(desired * 0.25));
  const newPods = host.store.ownedBy('Pod', active);
  let good = 0;
  for (const p of newPods) if (available(p, host, d.spec.minReadySeconds)) good++;
  scale(d, active, Math.min(desired, good + surge), host);
  let remaining = Math.max(0, desired - good);
  for (const rs of olds.sort((a, b) => revisionNumber(b) - revisionNumber(a))) {
    const keep = Math.min(rs.spec.replicas ?? 0, remaining);
    remaining -= keep;
    scale(d, rs, keep, host);
  }
  if (good >= desired && olds.every((rs) => (rs.spec.replicas ?? 0) === 0)) rollout.done = true;
}

/**
 * Proportional scaling (kubernetes.io, Deployments, "Proportional scaling"): a scale change while
 * several ReplicaSets run pods (a rollout in progress or paused) is spread over them in proportion to
 * their sizes, the rounding remainder to the largest first.
 */
function proportionalScale(d: Deployment, running: ReplicaSet[], host: ClusterHost): void {
  const desired = d.spec.replicas ?? 1;
  const total = running.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
  const diff = desired - total;
  if (diff === 0 || total === 0) return;
  const sorted = [...running].sort((a, b) => (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0));
  const shares = sorted.map((rs) => Math.trunc(((rs.spec.replicas ?? 0) / total) * diff));
  let rest = diff - shares.reduce((n, x) => n + x, 0);
  for (let i = 0; rest !== 0 && i < 10_000; i = (i + 1) % sorted.length) {
    shares[i]! += Math.sign(rest);
    rest -= Math.sign(rest);
  }
  for (const [i, rs] of sorted.entries())
    scale(d, rs, Math.max(0, (rs.spec.replicas ?? 0) + shares[i]!), host);
}

/** The Deployment controller scaling one of its ReplicaSets to `n`, with its event when that changes it. */
function scale(d: Deployment, rs: ReplicaSet, n: number, host: ClusterHost): void {
  const before = rs.spec.replicas ?? 0;
  if (before === n) return;
  rs.spec.replicas = n;
  host.controllerEvent(
    'Normal',
    'ScalingReplicaSet',
    `Scaled ${n > before ? 'up' : 'down'} replica set ${rs.metadata.name} from ${before} to ${n}`,
    d,
    'deployment-controller',
  );
}
function deploymentStatus(d: Deployment, host: ClusterHost): void {
  const rss = host.store.ownedBy('ReplicaSet', d);
  const rev = String(d.metadata.annotations?.[REVISION] ?? '');
  let active: ReplicaSet | undefined;
  let replicas = 0;
  let ready = 0;
  let available = 0;
  for (const rs of rss) {
    if (active === undefined && rs.metadata.annotations?.[REVISION] === rev) active = rs;
    replicas += rs.status?.replicas ?? 0;
    ready += rs.status?.readyReplicas ?? 0;
    available += rs.status?.availableReplicas ?? 0;
  }
  const desired = d.spec.replicas ?? 1;
  const maxUnavailable = Math.floor(desired * 0.25);
  const rollout = host.rollouts.get(key('Deployment', d.metadata.namespace, d.metadata.name ?? ''));
  const stamp = host.iso(rollout?.startedAt ?? 0);
  let failedCreate: KubeEvent | undefined;
  if (active)
    for (const e of host.store.ofKind('Event').values()) {
      if (e.involvedObject.uid === active.metadata.uid && e.reason === 'FailedCreate') {
        failedCreate = e;
        break;
      }
    }
  const paused = d.spec.paused === true;
  // Paused with a template no ReplicaSet has yet: none of its pods exist.
  if (paused && active && !rss.some((rs) => withoutHash(rs.spec.template) === withoutHash(d.spec.template)))
    active = undefined;
  const stalled = !paused && !rollout?.done && host.now - (rollout?.startedAt ?? 0) > 600;
  d.status = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas,
    updatedReplicas: active?.status?.replicas ?? 0,
    readyReplicas: ready,
    availableReplicas: available,
    ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
    conditions: [
      available >= desired - maxUnavailable
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
            lastTransitionTime: stamp,
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
            lastTransitionTime: stamp,
          },
      paused
        ? {
            type: 'Progressing',
            status: 'Unknown',
            reason: 'DeploymentPaused',
            message: 'Deployment is paused',
            lastTransitionTime: stamp,
          }
        : stalled
          ? {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${active?.metadata.name}" has timed out progressing.`,
              lastTransitionTime: stamp,
            }
          : rollout?.done
            ? {
                type: 'Progressing',
                status: 'True',
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${active?.metadata.name}" has successfully progressed.`,
                lastTransitionTime: stamp,
              }
            : {
                type: 'Progressing',
                status: 'True',
                reason: 'ReplicaSetUpdated',
                message: `ReplicaSet "${active?.metadata.name}" is progressing.`,
                lastTransitionTime: stamp,
              },
      ...(failedCreate && (active?.status?.replicas ?? 0) < (active?.spec.replicas ?? 0)
        ? [
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: (failedCreate.message ?? '').replace(/^Error creating: /, ''),
              lastTransitionTime: failedCreate.firstTimestamp ?? stamp,
            },
          ]
        : []),
    ],
  };
}

/** An object whose copy is made key by key (no array, no `toJSON`). */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** A pod template's canonical JSON without its pod-template-hash label: that of a copy without it. */
function hashlessJson(t: PodTemplate): string {
  const meta: unknown = t.metadata;
  const labels: unknown = isPlainRecord(meta) ? meta.labels : undefined;
  if (
    isPlainRecord(t) &&
    (meta === undefined ||
      meta === null ||
      (isPlainRecord(meta) && (labels === undefined || labels === null || isPlainRecord(labels))))
  ) {
    if (!labels) return clonedStableJson(t);
    const { [HASH]: _hash, ...rest } = labels as Record<string, unknown>;
    return clonedStableJson({ ...t, metadata: { ...(meta as object), labels: rest } });
  }
  const c = clone(t);
  if (c.metadata?.labels) delete c.metadata.labels[HASH];
  return stableJson(c);
}

/** A ReplicaSet's revision annotation as a number (0 when it has none). */
function revisionNumber(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

/** A pod template's canonical JSON without its pod-template-hash label, computed once per template object. */
function withoutHash(t: PodTemplate): string {
  let json = hashlessTemplates.get(t);
  if (json === undefined) {
    json = hashlessJson(t);
    hashlessTemplates.set(t, json);
  }
  return json;
}
