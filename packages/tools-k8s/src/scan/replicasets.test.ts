import { describe, it } from 'vitest';
import { check, event, owned, type Row, replicaSet } from './__fixtures__/build.js';
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
