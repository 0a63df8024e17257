import { k8sTools } from '@sre-harness/tools-k8s';
import { createSimCluster, type SimCluster, type SimSnapshot } from '@sre-harness/tools-k8s/sim';
import type { EnvironmentFactory } from './runner.js';
import type { ClusterView } from './scoring.js';

const CLUSTER_SCOPED = new Set([
  'Node',
  'Namespace',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'IngressClass',
]);

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${CLUSTER_SCOPED.has(kind) ? '' : (namespace ?? '')}/${name}`;
}

/** A read-only view of a simulated cluster snapshot. */
export function snapshotView(snap: SimSnapshot): ClusterView {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const o of snap.objects) {
    byKey.set(
      keyOf(o.kind ?? '', o.metadata?.namespace, o.metadata?.name ?? ''),
      o as Record<string, unknown>,
    );
  }
  const deletions = snap.mutations
    .filter((m) => m.verb === 'delete')
    .map((m) => keyOf(m.kind, m.namespace, m.name));
  return {
    get: (kind, namespace, name) => byKey.get(keyOf(kind, namespace, name)),
    keys: () => [...byKey.keys()],
    deletions: () => deletions,
  };
}

/**
 * Seconds the world runs on after its rollouts settle, before the end state is judged: a replacement
 * pod that passes its rollout and fails a minute later (an OOM kill at its first peak, a crash after a
 * warm-up, a liveness probe's kill) shows as failing, as it does to a person who watches for a couple
 * of minutes after `kubectl rollout status` before calling a fix done.
 */
export const WATCH_AFTER_ROLLOUT_SECONDS = 120;

/** Lets the cluster's rollouts finish or stall, then watches it for a while: the state a fix is judged on. */
export function settleForJudging(cluster: SimCluster): void {
  cluster.settle();
  cluster.advance(WATCH_AFTER_ROLLOUT_SECONDS);
}

/** Builds each run's world on a fresh simulated cluster, with every Kubernetes tool bound to it. */
export const simEnvironment: EnvironmentFactory = async (scenario) => {
  const cluster = createSimCluster(scenario.cluster);
  return {
    tools: k8sTools(cluster),
    // The end state is judged once rollouts the agent started have finished or stalled and the
    // cluster has run on for a while (settleForJudging).
    snapshot: async () => {
      settleForJudging(cluster);
      return snapshotView(cluster.snapshot());
    },
    auditLog: () => cluster.auditLog(),
  };
};
