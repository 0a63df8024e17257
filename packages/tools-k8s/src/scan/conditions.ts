import type { KubeMetadata } from '../cluster.js';
import type { Condition, Pod, ReplicaSet } from '../types.js';
import type { LabelSelector, PersistentVolumeClaim } from './objects.js';
import { podOwner } from './pods.js';
import { type Analyzer, eventLine, type Found, quote, selects } from './types.js';

/** A PodDisruptionBudget, as far as it is read here (policy/v1). */
interface PodDisruptionBudget {
  metadata: KubeMetadata;
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector };
  status?: {
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    conditions?: Condition[];
  };
}

/** A DaemonSet's status, as far as it is read here. */
interface DaemonSet {
  metadata: KubeMetadata;
  status?: { conditions?: Condition[] };
}

// Kubernetes API conventions name most condition types for the good state (Ready, Available, Bound),
// so False is the abnormal value. Types named for a bad state (FileSystemResizePending, DiskPressure,
// ReplicaFailure, …) are abnormal when True. The suffixes below are how the core API and common
// controllers name the latter; a type matching neither list is read as positive.
// https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#typical-status-properties
const NEGATIVE_SUFFIXES = [
  'Pending',
  'Failed',
  'Failure',
  'Error',
  'Pressure',
  'Unavailable',
  'Degraded',
  'Stalled',
  'Resizing',
];

/** Whether a condition reports something wrong: a negative type that is True, a positive one that is False. */
export function abnormal(c: Condition): boolean {
  const negative = NEGATIVE_SUFFIXES.some((s) => c.type.endsWith(s));
  return negative ? c.status === 'True' : c.status === 'False';
}

/** `condition FileSystemResizePending True: Waiting for user to (re-)start a pod …`. */
function conditionLine(c: Condition): string {
  return `condition ${quote(c.type, 60)} ${quote(c.status, 10)}${c.reason ? ` ${quote(c.reason, 60)}` : ''}${
    c.message ? `: ${quote(c.message)}` : ''
  }`;
}

/** What follows from a well-known condition, when the condition's own words do not say it. */
const CONDITION_MEANS: Readonly<Record<string, { means: string; fix: string }>> = {
  FileSystemResizePending: {
    means:
      'the volume was expanded but its file system is only grown when a pod next mounts it, so the pod still sees the old size',
    fix: 'restart the pod that mounts the claim (delete it so its controller recreates it); the file system resize finishes at mount',
  },
  Resizing: {
    means: 'the volume is still being expanded by the storage driver',
    fix: 'wait for the resize to finish; check the CSI resizer if it does not',
  },
};

/**
 * Conditions and budgets that the per-family analyzers do not read: PersistentVolumeClaims that are
 * Bound but report an abnormal condition (a file system resize that waits for a pod restart, a
 * resize error), DaemonSets with an abnormal condition, and PodDisruptionBudgets that allow no
 * disruption (the Eviction API then refuses every eviction of the pods they cover, so a node drain
 * waits forever). Kubernetes' own words: PVC conditions from
 * https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims,
 * PDB status from https://kubernetes.io/docs/tasks/run-application/configure-pdb/.
 */
export const conditionsAnalyzer: Analyzer = {
  name: 'conditions',
  kinds: ['PersistentVolumeClaim', 'PodDisruptionBudget', 'DaemonSet', 'Pod', 'ReplicaSet', 'Event'],
  priority: 72,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    for (const pvc of facts.list<PersistentVolumeClaim>('PersistentVolumeClaim')) {
      const name = pvc.metadata.name ?? '';
      const ns = pvc.metadata.namespace;
      // Deleted but held: Storage Object in Use Protection keeps a claim that a pod still uses.
      const deleting = pvc.metadata['deletionTimestamp'];
      const finalizers = (pvc.metadata['finalizers'] as unknown[] | undefined) ?? [];
      if (typeof deleting === 'string' && finalizers.includes('kubernetes.io/pvc-protection')) {
        const users = pods.filter(
          (p) =>
            p.metadata.namespace === ns &&
            (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name) &&
            p.status?.phase !== 'Succeeded' &&
            p.status?.phase !== 'Failed',
        );
        if (users.length > 0) {
          out.push({
            kind: 'PersistentVolumeClaim',
            name,
            ...(ns ? { namespace: ns } : {}),
            reason: 'TerminatingInUse',
            message: `PersistentVolumeClaim ${name} was deleted (${quote(deleting, 40)}) but stays Terminating: the kubernetes.io/pvc-protection finalizer (Storage Object in Use Protection) holds it while pod(s) ${users
              .slice(0, 3)
              .map((p) => p.metadata.name)
              .join(
                ', ',
              )} still use it; it goes once no pod mounts it. Removing the finalizer by hand pulls the volume from under a running pod`,
            evidence: [
              `metadata.deletionTimestamp ${quote(deleting, 40)}; finalizers ${finalizers.map(String).slice(0, 4).join(', ')}`,
              `mounted by: ${users
                .slice(0, 4)
                .map((p) => p.metadata.name)
                .join(', ')}`,
            ],
            next: `get_resource kind=PersistentVolumeClaim namespace=${ns ?? ''} name=${name}`,
            fix: `stop or move the pods that use ${name} (scale their workload down, or delete a finished pod); the claim is then removed by itself`,
          });
          continue;
        }
      }
      // A Pending claim is the pvcs analyzer's.
      if ((pvc.status?.phase ?? 'Pending') === 'Pending') continue;
      const requested = pvc.spec?.resources?.requests?.['storage'];
      const capacity = (pvc.status as { capacity?: Record<string, string> } | undefined)?.capacity?.[
        'storage'
      ];
      for (const c of (pvc.status?.conditions ?? []).filter(abnormal).slice(0, 2)) {
        const known = Object.hasOwn(CONDITION_MEANS, c.type) ? CONDITION_MEANS[c.type] : undefined;
        const sizes =
          requested && capacity && requested !== capacity
            ? `; it requests ${quote(requested, 20)} but its capacity is still ${quote(capacity, 20)}`
            : '';
        out.push({
          kind: 'PersistentVolumeClaim',
          name,
          ...(ns ? { namespace: ns } : {}),
          reason: c.reason || c.type,
          message: `PersistentVolumeClaim ${name} reports ${quote(c.type, 60)} ${quote(c.status, 10)}${
            known ? `: ${known.means}` : c.message ? `: ${quote(c.message, 160)}` : ''
          }${sizes}`,
          evidence: [
            conditionLine(c),
            ...(requested || capacity
              ? [
                  `spec.resources.requests.storage ${requested ?? '<unset>'}, status.capacity.storage ${capacity ?? '<unset>'}`,
                ]
              : []),
            ...facts.eventsFor('PersistentVolumeClaim', name, ns).slice(0, 1).map(eventLine),
          ],
          next: `describe_resource kind=PersistentVolumeClaim namespace=${ns ?? ''} name=${name}`,
          ...(known ? { fix: known.fix } : {}),
        });
      }
    }
    for (const ds of facts.list<DaemonSet>('DaemonSet')) {
      const name = ds.metadata.name ?? '';
      const ns = ds.metadata.namespace;
      for (const c of (ds.status?.conditions ?? []).filter(abnormal).slice(0, 1))
        out.push({
          kind: 'DaemonSet',
          name,
          ...(ns ? { namespace: ns } : {}),
          reason: c.reason || c.type,
          message: `DaemonSet ${name} reports ${quote(c.type, 60)} ${quote(c.status, 10)}${c.message ? `: ${quote(c.message, 160)}` : ''}`,
          evidence: [conditionLine(c)],
        });
    }
    const replicaSets = facts.list<ReplicaSet>('ReplicaSet');
    for (const pdb of facts.list<PodDisruptionBudget>('PodDisruptionBudget')) {
      const st = pdb.status;
      if (st?.disruptionsAllowed !== 0 || !st.expectedPods) continue;
      const name = pdb.metadata.name ?? '';
      const ns = pdb.metadata.namespace;
      const covered = pods.filter(
        (p) => p.metadata.namespace === ns && selects(pdb.spec?.selector, p.metadata.labels),
      );
      const owners = [...new Set(covered.map((p) => podOwner(p, replicaSets)).filter(Boolean))] as string[];
      const min = pdb.spec?.minAvailable;
      const maxUn = pdb.spec?.maxUnavailable;
      const rule =
        min !== undefined
          ? `minAvailable ${quote(String(min), 10)} with ${st.expectedPods} expected pod(s)${
              String(min) === String(st.expectedPods) ? ' (minAvailable equals the replica count)' : ''
            }`
          : maxUn !== undefined
            ? `maxUnavailable ${quote(String(maxUn), 10)}`
            : 'its budget';
      const cond = (st.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
      out.push({
        kind: 'PodDisruptionBudget',
        name,
        ...(ns ? { namespace: ns } : {}),
        reason: 'NoDisruptionsAllowed',
        message: `PodDisruptionBudget ${name} allows no disruptions (disruptionsAllowed 0): ${rule}, currentHealthy ${
          st.currentHealthy ?? '?'
        } of desiredHealthy ${st.desiredHealthy ?? '?'}, so the Eviction API refuses to evict any pod it covers${
          owners.length ? ` (${owners.slice(0, 3).join(', ')})` : ''
        } and a node drain retries forever`,
        evidence: [
          `status.disruptionsAllowed 0, currentHealthy ${st.currentHealthy ?? '?'}, desiredHealthy ${st.desiredHealthy ?? '?'}, expectedPods ${st.expectedPods}`,
          ...(cond ? [conditionLine(cond)] : []),
        ],
        ...(owners[0] ? { owner: owners[0] } : {}),
        next: `describe_resource kind=PodDisruptionBudget namespace=${ns ?? ''} name=${name}`,
        fix: `run more replicas than the budget keeps available (scale ${owners[0] ?? 'the workload'} to ${
          st.expectedPods + 1
        }), or lower minAvailable, so one pod may be evicted`,
      });
    }
    return out;
  },
};
