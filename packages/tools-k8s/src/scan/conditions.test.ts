import { describe, expect, it } from 'vitest';
import { check, NS, obj, owned, pod, pvc, type Row, replicaSet, running } from './__fixtures__/build.js';
import { abnormal, conditionsAnalyzer } from './conditions.js';

const pdb = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>) =>
  obj('PodDisruptionBudget', 'policy/v1', name, NS, { spec, status });
const ledgerPod = (name: string) =>
  pod(
    name,
    {},
    { phase: 'Running', containerStatuses: [running()] },
    {
      labels: { app: 'ledger' },
      ...owned('ReplicaSet', 'ledger-5d9'),
    },
  );
const rs = replicaSet('ledger-5d9', {}, {}, owned('Deployment', 'ledger'));

const ROWS: Row[] = [
  {
    name: 'a deleted claim a running pod still mounts stays Terminating',
    objects: [
      {
        ...pvc('scratch', {}, { phase: 'Bound' }),
        metadata: {
          name: 'scratch',
          namespace: NS,
          deletionTimestamp: '2026-02-10T11:58:00Z',
          finalizers: ['kubernetes.io/pvc-protection'],
        },
      },
      pod(
        'builder-1',
        { volumes: [{ name: 's', persistentVolumeClaim: { claimName: 'scratch' } }] },
        { phase: 'Running', containerStatuses: [running()] },
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'scratch',
        reason: 'TerminatingInUse',
        says: ['pvc-protection', 'builder-1', 'Terminating'],
        fix: true,
      },
    ],
  },
  {
    name: 'a deleted claim no pod uses is not held by protection',
    objects: [
      {
        ...pvc('scratch', {}, { phase: 'Bound' }),
        metadata: {
          name: 'scratch',
          namespace: NS,
          deletionTimestamp: '2026-02-10T11:58:00Z',
          finalizers: ['kubernetes.io/pvc-protection'],
        },
      },
    ],
    want: [],
  },
  {
    name: 'a bound claim without conditions',
    objects: [pvc('data', { resources: { requests: { storage: '10Gi' } } }, { phase: 'Bound' })],
    want: [],
  },
  {
    name: 'a file system resize that waits for a pod restart',
    objects: [
      pvc(
        'data',
        { resources: { requests: { storage: '200Gi' } } },
        {
          phase: 'Bound',
          capacity: { storage: '50Gi' },
          conditions: [
            {
              type: 'FileSystemResizePending',
              status: 'True',
              message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.',
            },
          ],
        },
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'data',
        reason: 'FileSystemResizePending',
        says: ['200Gi', 'still 50Gi', 'file system'],
        fix: true,
      },
    ],
  },
  {
    name: 'a Pending claim is left to the pvcs analyzer',
    objects: [pvc('data', {}, { phase: 'Pending', conditions: [{ type: 'Resizing', status: 'True' }] })],
    want: [],
  },
  {
    name: 'a budget that allows one disruption',
    objects: [
      pdb(
        'ledger',
        { minAvailable: 1, selector: { matchLabels: { app: 'ledger' } } },
        { disruptionsAllowed: 1, expectedPods: 2 },
      ),
      ledgerPod('ledger-5d9-a'),
      ledgerPod('ledger-5d9-b'),
      rs,
    ],
    want: [],
  },
  {
    name: 'a budget whose minAvailable equals the replicas',
    objects: [
      pdb(
        'ledger',
        { minAvailable: 2, selector: { matchLabels: { app: 'ledger' } } },
        {
          disruptionsAllowed: 0,
          currentHealthy: 2,
          desiredHealthy: 2,
          expectedPods: 2,
          conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }],
        },
      ),
      ledgerPod('ledger-5d9-a'),
      ledgerPod('ledger-5d9-b'),
      rs,
    ],
    want: [
      {
        kind: 'PodDisruptionBudget',
        name: 'ledger',
        reason: 'NoDisruptionsAllowed',
        says: [
          'minAvailable 2',
          'equals the replica count',
          'Deployment/ledger',
          'expectedPods 2',
          'InsufficientPods',
        ],
        fix: true,
      },
    ],
  },
  {
    name: 'a budget over no pod at all (expectedPods 0) is not a drain blocker',
    objects: [pdb('gone', { minAvailable: 1 }, { disruptionsAllowed: 0, expectedPods: 0 })],
    want: [],
  },
];

describe('conditions analyzer', () => {
  it.each(ROWS)('$name', (row) => check(conditionsAnalyzer, row));

  it('reads a condition type by its polarity', () => {
    expect(abnormal({ type: 'Ready', status: 'False' })).toBe(true);
    expect(abnormal({ type: 'Ready', status: 'True' })).toBe(false);
    expect(abnormal({ type: 'FileSystemResizePending', status: 'True' })).toBe(true);
    expect(abnormal({ type: 'DiskPressure', status: 'False' })).toBe(false);
    expect(abnormal({ type: 'ReplicaFailure', status: 'True' })).toBe(true);
    expect(abnormal({ type: 'Ready', status: 'Unknown' })).toBe(false);
  });
});
