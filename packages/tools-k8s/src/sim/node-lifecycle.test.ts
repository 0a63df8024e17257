import { describe, expect, it } from 'vitest';
import { K8sError } from '../errors.js';
import { podStatusColumn } from '../pod-status.js';
import type { Endpoints, KubeEvent, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

const world = (notReadyFor: string | undefined, tolerations?: unknown[]) => ({
  now: '2026-03-02T10:00:00Z',
  nodes: [
    { name: 'n1', cpu: '8', memory: '32Gi' },
    { name: 'n2', cpu: '8', memory: '32Gi', ready: false, ...(notReadyFor ? { notReadyFor } : {}) },
  ],
  deployments: [
    {
      name: 'web',
      namespace: 'shop',
      replicas: 2,
      age: '3d',
      podTemplateHash: '6c9d8f7b5d',
      containers: [
        {
          name: 'web',
          image: 'acme/web:1',
          ports: [8080],
          behavior: { listenPorts: [8080], logs: ['listening on :8080'] },
        },
      ],
      ...(tolerations ? { tolerations } : {}),
      pods: [
        { node: 'n1', age: '3d' },
        { node: 'n2', age: '3d' },
      ],
    },
  ],
  services: [
    { name: 'web', namespace: 'shop', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  ],
});

const pods = (c: ReturnType<typeof createSimCluster>) =>
  c.listNow({ kind: 'Pod', namespace: 'shop' }) as unknown as Pod[];
const onLostNode = (c: ReturnType<typeof createSimCluster>) => pods(c).find((p) => p.spec.nodeName === 'n2')!;
const readyCondition = (p: Pod) => p.status?.conditions?.find((x) => x.type === 'Ready');
const eventsOf = (c: ReturnType<typeof createSimCluster>, name: string) =>
  (c.listNow({ kind: 'Event', namespace: 'shop' }) as unknown as KubeEvent[]).filter(
    (e) => e.involvedObject.name === name,
  );

describe('pods on an unreachable node', () => {
  it('are marked not ready when the node goes Unknown, keep their last reported containers, and leave the ready endpoints', () => {
    const c = createSimCluster(world('2m'));
    const lost = onLostNode(c);
    expect(readyCondition(lost)).toMatchObject({
      status: 'False',
      lastTransitionTime: '2026-03-02T09:58:00Z',
    });
    // kubectl still shows the container statuses the kubelet last posted.
    expect(lost.status?.containerStatuses?.[0]?.ready).toBe(true);
    expect(podStatusColumn(lost)).toBe('Running');
    expect(lost.metadata.deletionTimestamp).toBeUndefined();
    const ep = c.getNow({ kind: 'Endpoints', name: 'web', namespace: 'shop' }) as unknown as Endpoints;
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.targetRef?.name)).not.toContain(lost.metadata.name);
    expect(ep.subsets?.[0]?.notReadyAddresses?.map((a) => a.targetRef?.name)).toContain(lost.metadata.name);
    expect(eventsOf(c, lost.metadata.name ?? '').map((e) => `${e.reason}: ${e.message}`)).toContain(
      'NodeNotReady: Node is not ready',
    );
    const node = c.getNow({ kind: 'Node', name: 'n2' }) as {
      spec: { taints: { key: string; effect: string; timeAdded?: string }[] };
    };
    expect(node.spec.taints).toContainEqual({
      key: 'node.kubernetes.io/unreachable',
      effect: 'NoExecute',
      timeAdded: '2026-03-02T09:58:00Z',
    });
  });

  it('are evicted when the default 300 s toleration runs out: Terminating, replaced by the ReplicaSet', () => {
    const c = createSimCluster(world('2m'));
    const name = onLostNode(c).metadata.name ?? '';
    expect(pods(c)).toHaveLength(2);
    c.advance(200);
    const lost = pods(c).find((p) => p.metadata.name === name)!;
    expect(lost.metadata.deletionTimestamp).toBe('2026-03-02T10:03:00Z');
    expect(podStatusColumn(lost)).toBe('Terminating');
    expect(lost.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager' }),
    );
    expect(eventsOf(c, name).map((e) => e.reason)).toContain('TaintManagerEviction');
    // The replacement goes on the reachable node; the old pod stays, as no kubelet confirms the deletion.
    const all = pods(c);
    expect(all).toHaveLength(3);
    expect(all.filter((p) => !p.metadata.deletionTimestamp).every((p) => p.spec.nodeName === 'n1')).toBe(
      true,
    );
  });

  it('a pod evicted before the world starts has a replacement as old as the eviction', () => {
    const c = createSimCluster(world('10m'));
    const replacement = pods(c).find((p) => p.metadata.creationTimestamp === '2026-03-02T09:55:00Z');
    expect(replacement?.spec.nodeName).toBe('n1');
    expect(onLostNode(c).metadata.deletionTimestamp).toBe('2026-03-02T09:55:00Z');
  });

  it("a pod's own toleration without tolerationSeconds keeps it bound (as DaemonSet pods are)", () => {
    const c = createSimCluster(
      world('30m', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]),
    );
    expect(onLostNode(c).metadata.deletionTimestamp).toBeUndefined();
    expect(pods(c)).toHaveLength(2);
  });

  it("logs fail as the API server fails to dial the node's kubelet; a delete only marks the pod", async () => {
    const c = createSimCluster(world('1m'));
    const name = onLostNode(c).metadata.name ?? '';
    const err = await c.podLogs({ namespace: 'shop', name }).catch((e: unknown) => e);
    expect(K8sError.isInstance(err)).toBe(true);
    expect((err as K8sError).message).toMatch(
      new RegExp(
        `^Get "https://10\\.0\\.0\\.12:10250/containerLogs/shop/${name}/web": dial tcp 10\\.0\\.0\\.12:10250: connect: no route to host$`,
      ),
    );
    await c.delete({ kind: 'Pod', name, namespace: 'shop' });
    const still = pods(c).find((p) => p.metadata.name === name)!;
    expect(podStatusColumn(still)).toBe('Terminating');
    expect(pods(c)).toHaveLength(3);
  });
});
