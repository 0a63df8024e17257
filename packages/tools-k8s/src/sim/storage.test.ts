import { describe, expect, it } from 'vitest';
import type { KubeEvent, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

const sc = (name: string, provisioner: string, extra: Record<string, unknown> = {}, isDefault = false) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name,
    ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
  },
  provisioner,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
  ...extra,
});
const pvc = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'data', creationTimestamp: '2026-01-15T09:35:00Z' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, ...spec },
});
const db = (claimName: string) => ({
  name: 'db',
  namespace: 'data',
  replicas: 1,
  age: '25m',
  containers: [{ name: 'postgres', image: 'postgres:16', behavior: { logs: ['ready'] } }],
  volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
});
const events = (c: ReturnType<typeof createSimCluster>, name: string) =>
  (c.listNow({ kind: 'Event', namespace: 'data' }) as unknown as KubeEvent[]).filter(
    (e) => e.involvedObject.name === name,
  );
const phaseOf = (c: ReturnType<typeof createSimCluster>, name: string) =>
  (c.getNow({ kind: 'PersistentVolumeClaim', name, namespace: 'data' }).status as { phase: string }).phase;
const dbPod = (c: ReturnType<typeof createSimCluster>) =>
  (c.listNow({ kind: 'Pod', namespace: 'data' }) as unknown as Pod[])[0]!;

describe('PersistentVolumeClaim binding', () => {
  it('a claim naming a missing class stays Pending with ProvisioningFailed, and its pod with FailedScheduling', () => {
    const c = createSimCluster({
      nodes: [{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }],
      objects: [
        sc('gp3', 'ebs.csi.aws.com', {}, true),
        pvc('pg-data', { storageClassName: 'gp2-encrypted' }),
      ],
      deployments: [db('pg-data')],
    });
    expect(phaseOf(c, 'pg-data')).toBe('Pending');
    const failed = events(c, 'pg-data').find((e) => e.reason === 'ProvisioningFailed');
    expect(failed).toMatchObject({
      type: 'Warning',
      message: 'storageclass.storage.k8s.io "gp2-encrypted" not found',
      source: { component: 'persistentvolume-controller' },
    });
    expect(failed?.count).toBeGreaterThan(50);
    const pod = dbPod(c);
    expect(pod.status?.phase).toBe('Pending');
    const sched = events(c, pod.metadata.name!).find((e) => e.reason === 'FailedScheduling');
    expect(sched?.message).toBe(
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('a claim without a class gets the default one and is provisioned and bound; its pod runs', () => {
    const c = createSimCluster({
      objects: [sc('standard', 'pd.csi.storage.gke.io', {}, true), pvc('pg-data', {})],
      deployments: [db('pg-data')],
    });
    const claim = c.getNow({ kind: 'PersistentVolumeClaim', name: 'pg-data', namespace: 'data' });
    expect((claim.spec as { storageClassName: string }).storageClassName).toBe('standard');
    expect(claim.status).toMatchObject({ phase: 'Bound', capacity: { storage: '20Gi' } });
    const pvName = (claim.spec as { volumeName: string }).volumeName;
    const pv = c.getNow({ kind: 'PersistentVolume', name: pvName });
    expect(pv.status).toEqual({ phase: 'Bound' });
    expect(pv.spec).toMatchObject({ storageClassName: 'standard', claimRef: { name: 'pg-data' } });
    expect(dbPod(c).status?.phase).toBe('Running');
  });

  it('a provisioner the world declares failing gives ProvisioningFailed with its error, from the provisioner', () => {
    const c = createSimCluster({
      provisioners: {
        'ebs.csi.aws.com': { error: 'rpc error: code = Internal desc = UnauthorizedOperation' },
      },
      objects: [sc('gp3', 'ebs.csi.aws.com'), pvc('pg-data', { storageClassName: 'gp3' })],
    });
    expect(phaseOf(c, 'pg-data')).toBe('Pending');
    const byReason = new Map(events(c, 'pg-data').map((e) => [e.reason, e]));
    expect(byReason.get('ProvisioningFailed')).toMatchObject({
      type: 'Warning',
      message:
        'failed to provision volume with StorageClass "gp3": rpc error: code = Internal desc = UnauthorizedOperation',
      source: { component: 'ebs.csi.aws.com' },
    });
    expect(byReason.get('ExternalProvisioning')?.message).toContain("external provisioner 'ebs.csi.aws.com'");
  });

  it('WaitForFirstConsumer: Pending without a consumer, bound to the node its pod was scheduled on', () => {
    const wffc = { volumeBindingMode: 'WaitForFirstConsumer' };
    const alone = createSimCluster({
      objects: [
        sc('standard-rwo', 'pd.csi.storage.gke.io', wffc),
        pvc('logs', { storageClassName: 'standard-rwo' }),
      ],
    });
    expect(phaseOf(alone, 'logs')).toBe('Pending');
    expect(events(alone, 'logs')[0]).toMatchObject({
      type: 'Normal',
      reason: 'WaitForFirstConsumer',
      message: 'waiting for first consumer to be created before binding',
    });
    const used = createSimCluster({
      objects: [
        sc('standard-rwo', 'pd.csi.storage.gke.io', wffc),
        pvc('logs', { storageClassName: 'standard-rwo' }),
      ],
      deployments: [db('logs')],
    });
    expect(phaseOf(used, 'logs')).toBe('Bound');
    const claim = used.getNow({ kind: 'PersistentVolumeClaim', name: 'logs', namespace: 'data' });
    expect(claim.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe(
      dbPod(used).spec.nodeName,
    );
    expect(dbPod(used).status?.phase).toBe('Running');
  });

  it('binds an Available PersistentVolume that fits; no class and no default: FailedBinding', () => {
    const c = createSimCluster({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: 'nfs-1' },
          spec: { capacity: { storage: '50Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '' },
          status: { phase: 'Available' },
        },
        pvc('a', { storageClassName: '' }),
        pvc('b', { storageClassName: '' }),
      ],
    });
    expect(phaseOf(c, 'a')).toBe('Bound');
    expect(phaseOf(c, 'b')).toBe('Pending');
    expect(events(c, 'b')[0]?.message).toBe(
      'no persistent volumes available for this claim and no storage class is set',
    );
  });

  it('a pod naming a missing claim is Pending with the scheduler saying so; a declared claim status is kept', () => {
    const c = createSimCluster({
      objects: [{ ...pvc('kept', { storageClassName: 'nope' }), status: { phase: 'Bound' } }],
      deployments: [db('missing')],
    });
    expect(phaseOf(c, 'kept')).toBe('Bound');
    expect(events(c, 'kept')).toHaveLength(0);
    const pod = dbPod(c);
    expect(pod.status?.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: persistentvolumeclaim "missing" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it("a bound local PersistentVolume pins its pod to the volume's node: other nodes have a volume node affinity conflict", () => {
    const local = (node: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'local-pv-1' },
      spec: {
        capacity: { storage: '50Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'local-storage',
        local: { path: '/mnt/disks/ssd1' },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
            ],
          },
        },
      },
      status: { phase: 'Available' },
    });
    const nodes = [
      { name: 'n1', cpu: '4', memory: '16Gi', labels: { pool: 'ingest' } },
      { name: 'n2', cpu: '4', memory: '16Gi', labels: { pool: 'ingest' } },
      { name: 'n3', cpu: '4', memory: '16Gi', labels: { pool: 'batch' } },
    ];
    const world = (node: string, nodeSelector?: Record<string, string>) =>
      createSimCluster({
        nodes,
        deployments: [{ ...db('local-data'), ...(nodeSelector ? { nodeSelector } : {}) }],
        objects: [local(node), pvc('local-data', { storageClassName: 'local-storage' })],
      });
    // Bound to n3's volume and kept to the ingest pool: n1 and n2 conflict with the volume, n3 with the selector.
    const pinned = world('n3', { pool: 'ingest' });
    expect(phaseOf(pinned, 'local-data')).toBe('Bound');
    const pod = dbPod(pinned);
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.[0]?.message).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    // Without the selector the pod goes where its volume is.
    expect(dbPod(world('n3')).spec.nodeName).toBe('n3');
    expect(dbPod(world('n2')).spec.nodeName).toBe('n2');
  });
});
