import { describe, it } from 'vitest';
import { check, deployment, NS, type Row, service } from './__fixtures__/build.js';
import { deploymentsAnalyzer } from './deployments.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app' }] } };
const ROWS: Row[] = [
  {
    name: 'all replicas available',
    objects: [deployment('web', { replicas: 2, template }, { availableReplicas: 2, readyReplicas: 2 })],
    want: [],
  },
  {
    name: 'replicas unavailable',
    objects: [
      deployment(
        'web',
        { replicas: 3, template },
        { availableReplicas: 1, readyReplicas: 1, updatedReplicas: 3 },
      ),
    ],
    want: [{ kind: 'Deployment', name: 'web', reason: 'UnavailableReplicas', says: ['1 of 3'] }],
  },
  {
    name: 'a rollout stuck past its progress deadline',
    objects: [
      deployment(
        'web',
        { replicas: 2, template },
        {
          availableReplicas: 2,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "web-2" has timed out progressing.',
            },
          ],
        },
      ),
    ],
    want: [
      {
        kind: 'Deployment',
        name: 'web',
        reason: 'ProgressDeadlineExceeded',
        says: ['timed out progressing'],
        fix: true,
      },
    ],
  },
  {
    name: 'scaled to zero behind a service',
    objects: [
      deployment('web', { replicas: 0, template }),
      service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }),
    ],
    want: [{ kind: 'Deployment', name: 'web', reason: 'ScaledToZero', says: ['service web'], fix: true }],
  },
  {
    name: 'scaled to zero behind a service by a change that retired it: a choice',
    objects: [
      {
        ...deployment('shim', { replicas: 0, template }),
        metadata: {
          name: 'shim',
          namespace: NS,
          annotations: {
            'kubernetes.io/change-cause': 'OPS-61: remove the shim hop, clients call the gateway',
          },
        },
      },
      service('shim', { selector: { app: 'web' }, ports: [{ port: 80 }] }),
    ],
    want: [],
  },
  {
    name: 'scaled to zero behind a service after a change that removed something else: still reported',
    objects: [
      {
        ...deployment('web', { replicas: 0, template }),
        metadata: {
          name: 'web',
          namespace: NS,
          annotations: { 'kubernetes.io/change-cause': 'OPS-62: remove the debug flag' },
        },
      },
      service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }),
    ],
    want: [{ kind: 'Deployment', name: 'web', reason: 'ScaledToZero', says: ['service web'], fix: true }],
  },
  {
    name: 'scaled to zero with nothing in front: a choice',
    objects: [deployment('web', { replicas: 0, template })],
    want: [],
  },
];

describe('deployments analyzer', () => {
  it.each(ROWS)('$name', (row) => check(deploymentsAnalyzer, row));
});
