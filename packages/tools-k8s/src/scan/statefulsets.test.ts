import { describe, it } from 'vitest';
import { check, event, type Row, service, statefulSet, storageClass } from './__fixtures__/build.js';
import { statefulSetsAnalyzer } from './statefulsets.js';

const template = { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db' }] } };
const headless = service('db-headless', {
  selector: { app: 'db' },
  clusterIP: 'None',
  ports: [{ port: 5432 }],
});
const ROWS: Row[] = [
  {
    name: 'ready, with its service',
    objects: [
      statefulSet('db', { replicas: 2, serviceName: 'db-headless', template }, { readyReplicas: 2 }),
      headless,
    ],
    want: [],
  },
  {
    name: 'a governing service that does not exist',
    objects: [
      statefulSet('db', { replicas: 1, serviceName: 'db-hl', template }, { readyReplicas: 1 }),
      headless,
    ],
    want: [{ kind: 'StatefulSet', name: 'db', reason: 'ServiceNotFound', says: ['db-hl'], fix: true }],
  },
  {
    name: 'a claim template on a missing StorageClass, and replicas not ready',
    objects: [
      statefulSet(
        'db',
        {
          replicas: 1,
          serviceName: 'db-headless',
          template,
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'ssd' } }],
        },
        { readyReplicas: 0 },
      ),
      headless,
      storageClass('standard'),
    ],
    want: [
      { kind: 'StatefulSet', name: 'db', reason: 'StorageClassNotFound', says: ['"ssd"'] },
      { kind: 'StatefulSet', name: 'db', reason: 'UnavailableReplicas', says: ['0 of 1'] },
    ],
  },
  {
    name: 'a claim template naming a class that is gone, every replica Ready: its claims were bound',
    objects: [
      statefulSet(
        'db',
        {
          replicas: 2,
          serviceName: 'db-headless',
          template,
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'ssd' } }],
        },
        { readyReplicas: 2 },
      ),
      headless,
      storageClass('standard'),
    ],
    want: [],
  },
  {
    name: 'a member the LimitRange refuses: FailedCreate, no pod',
    objects: [
      statefulSet(
        'db',
        { replicas: 3, serviceName: 'db-headless', template },
        { replicas: 2, readyReplicas: 2 },
      ),
      headless,
      event(
        'StatefulSet',
        'db',
        'FailedCreate',
        'create Pod db-2 in StatefulSet db failed error: pods "db-2" is forbidden: maximum memory usage per Container is 4Gi, but limit is 8Gi',
      ),
    ],
    want: [
      {
        kind: 'StatefulSet',
        name: 'db',
        reason: 'LimitRangeExceeded',
        says: ['LimitRange', 'limit is 8Gi'],
        fix: true,
      },
      { kind: 'StatefulSet', name: 'db', reason: 'UnavailableReplicas', says: ['2 of 3'] },
    ],
  },
  {
    name: 'an old FailedCreate once every member exists is not judged',
    objects: [
      statefulSet(
        'db',
        { replicas: 2, serviceName: 'db-headless', template },
        { replicas: 2, readyReplicas: 2 },
      ),
      headless,
      event('StatefulSet', 'db', 'FailedCreate', 'pods "db-1" is forbidden: exceeded quota: compute'),
    ],
    want: [],
  },
  {
    name: 'scaled to zero behind a service',
    objects: [statefulSet('db', { replicas: 0, serviceName: 'db-headless', template }), headless],
    want: [{ kind: 'StatefulSet', name: 'db', reason: 'ScaledToZero', says: ['db-headless'], fix: true }],
  },
];

describe('statefulsets analyzer', () => {
  it.each(ROWS)('$name', (row) => check(statefulSetsAnalyzer, row));
});
