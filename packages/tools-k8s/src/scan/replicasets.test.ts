import { describe, it } from 'vitest';
import { check, event, owned, pod, type Row, replicaSet } from './__fixtures__/build.js';
import { replicaSetsAnalyzer } from './replicasets.js';

const ROWS: Row[] = [
  {
    name: 'a ReplicaSet with its pods',
    objects: [replicaSet('web-1', { replicas: 2 }, { replicas: 2 })],
    want: [],
  },
  {
    name: 'FailedCreate on an exceeded quota',
    objects: [
      replicaSet('web-1', { replicas: 2 }, { replicas: 0 }, owned('Deployment', 'web')),
      event(
        'ReplicaSet',
        'web-1',
        'FailedCreate',
        'Error creating: pods "web-1-x" is forbidden: exceeded quota: compute, requested: cpu=2, used: cpu=4, limited: cpu=4',
      ),
    ],
    want: [
      {
        kind: 'ReplicaSet',
        name: 'web-1',
        reason: 'ExceededQuota',
        says: ['ResourceQuota compute', 'limited: cpu=4'],
        fix: true,
      },
    ],
  },
  {
    name: 'an exceeded quota names the workloads that hold it, largest first',
    objects: [
      replicaSet('sched-1', { replicas: 1 }, { replicas: 0 }, owned('Deployment', 'sched')),
      replicaSet('notebook-1', { replicas: 3 }, { replicas: 3 }, owned('Deployment', 'notebook')),
      ...['a', 'b', 'c'].map((x) =>
        pod(
          `notebook-1-${x}`,
          { containers: [{ name: 'nb', image: 'nb:1', resources: { requests: { memory: '4Gi' } } }] },
          { phase: 'Running' },
          owned('ReplicaSet', 'notebook-1'),
        ),
      ),
      pod(
        'web-0',
        { containers: [{ name: 'web', image: 'web:1', resources: { requests: { memory: '1Gi' } } }] },
        { phase: 'Running' },
      ),
      event(
        'ReplicaSet',
        'sched-1',
        'FailedCreate',
        'Error creating: pods "sched-1-x" is forbidden: exceeded quota: mem, requested: requests.memory=2Gi, used: requests.memory=13Gi, limited: requests.memory=14Gi',
      ),
    ],
    want: [
      {
        kind: 'ReplicaSet',
        name: 'sched-1',
        reason: 'ExceededQuota',
        says: ['what uses it (requests.memory): notebook 12Gi in 3 pods, web-0 1024Mi in 1 pod'],
        fix: true,
      },
    ],
  },
  {
    name: 'FailedCreate for another reason',
    objects: [
      replicaSet('web-1', { replicas: 1 }, { replicas: 0 }),
      event(
        'ReplicaSet',
        'web-1',
        'FailedCreate',
        'Error creating: pods "web-1-x" is forbidden: error looking up service account shop/robot: serviceaccount "robot" not found',
      ),
    ],
    want: [
      {
        kind: 'ReplicaSet',
        name: 'web-1',
        reason: 'FailedCreate',
        says: ['serviceaccount "robot" not found'],
      },
    ],
  },
  {
    name: 'an old ReplicaSet scaled to zero is not judged',
    objects: [
      replicaSet('web-0', { replicas: 0 }),
      event('ReplicaSet', 'web-0', 'FailedCreate', 'exceeded quota: compute'),
    ],
    want: [],
  },
];

describe('replicasets analyzer', () => {
  it.each(ROWS)('$name', (row) => check(replicaSetsAnalyzer, row));
});
