// ResourceQuota admission of PersistentVolumeClaims (Kubernetes' "Resource Quotas": storage resource
// quota): a claim over `requests.storage`, `persistentvolumeclaims` or a StorageClass's own quota is
// refused with the API server's words, a StatefulSet's claim is a FailedCreate event and its pod is
// not made, and the quota's status counts the claims.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import type { KubeEvent, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

const NOW = '2026-01-15T10:00:00Z';
const quota = (hard: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'storage', namespace: 'db' },
  spec: { hard },
});
const claim = (name: string, storage: string, storageClassName?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'db' },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage } },
    ...(storageClassName ? { storageClassName } : {}),
  },
});
const world = (hard: Record<string, string>, objects: KubeObject[] = []) =>
  createSimCluster({
    now: NOW,
    namespaces: ['db'],
    nodes: [{ name: 'n1', cpu: '4', memory: '16Gi' }],
    objects: [quota(hard), claim('existing', '10Gi', 'fast'), ...objects],
  });

describe('claims under a storage quota', () => {
  it('refuses a claim over requests.storage, in the API server words, and stores nothing', async () => {
    const c = world({ 'requests.storage': '15Gi' });
    await expect(c.create(claim('more', '10Gi'))).rejects.toThrow(
      'persistentvolumeclaims "more" is forbidden: exceeded quota: storage, requested: requests.storage=10Gi, used: requests.storage=10Gi, limited: requests.storage=15Gi',
    );
    expect(c.listNow({ kind: 'PersistentVolumeClaim', namespace: 'db' })).toHaveLength(1);
    await expect(c.create(claim('small', '5Gi'))).resolves.toBeDefined();
  });

  it('counts claims and a StorageClass quota', async () => {
    const c = world({ persistentvolumeclaims: '1' });
    await expect(c.create(claim('more', '1Gi'))).rejects.toThrow(
      'exceeded quota: storage, requested: persistentvolumeclaims=1, used: persistentvolumeclaims=1, limited: persistentvolumeclaims=1',
    );
    const byClass = world({ 'fast.storageclass.storage.k8s.io/requests.storage': '12Gi' });
    await expect(byClass.create(claim('other-class', '10Gi', 'slow'))).resolves.toBeDefined();
    await expect(byClass.create(claim('same-class', '10Gi', 'fast'))).rejects.toThrow(
      'requested: fast.storageclass.storage.k8s.io/requests.storage=10Gi',
    );
  });

  it('the quota status counts what the claims use', () => {
    const c = world({ 'requests.storage': '15Gi', persistentvolumeclaims: '5', pods: '10' });
    const q = c.listNow({ kind: 'ResourceQuota', namespace: 'db' })[0] as unknown as {
      status: { used: Record<string, string> };
    };
    expect(q.status.used).toEqual({ 'requests.storage': '10Gi', persistentvolumeclaims: '1', pods: '0' });
  });

  it("a StatefulSet's claim refused by quota: FailedCreate, and its pod is not made", () => {
    const set: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'pg', namespace: 'db', creationTimestamp: '2026-01-10T10:00:00Z' },
      spec: {
        replicas: 2,
        podManagementPolicy: 'Parallel',
        serviceName: 'pg',
        selector: { matchLabels: { app: 'pg' } },
        template: {
          metadata: { labels: { app: 'pg' } },
          spec: { containers: [{ name: 'pg', image: 'postgres:16' }] },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '4Gi' } } },
          },
        ],
      },
    };
    const c = world({ 'requests.storage': '15Gi' }, [set]);
    c.settle();
    const pods = c.listNow({ kind: 'Pod', namespace: 'db' }) as unknown as Pod[];
    expect(pods.map((p) => p.metadata.name)).toEqual(['pg-0']);
    const events = c.listNow({ kind: 'Event', namespace: 'db' }) as unknown as KubeEvent[];
    expect(events.map((e) => e.message)).toContainEqual(
      expect.stringContaining(
        'create Claim data-pg-1 for Pod pg-1 in StatefulSet pg failed error: persistentvolumeclaims "data-pg-1" is forbidden: exceeded quota: storage, requested: requests.storage=4Gi, used: requests.storage=14Gi, limited: requests.storage=15Gi',
      ),
    );
  });
});
