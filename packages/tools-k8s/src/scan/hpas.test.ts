import { describe, it } from 'vitest';
import { check, deployment, hpa, type Row } from './__fixtures__/build.js';
import { hpasAnalyzer } from './hpas.js';

const target = {
  scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
  minReplicas: 1,
  maxReplicas: 5,
};
const cpu = {
  metrics: [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ],
};
const web = (requests?: Record<string, string>) =>
  deployment('web', {
    replicas: 1,
    template: { spec: { containers: [{ name: 'app', ...(requests ? { resources: { requests } } : {}) }] } },
  });
const ROWS: Row[] = [
  {
    name: 'a target with requests',
    objects: [hpa('web', { ...target, ...cpu }), web({ cpu: '100m' })],
    want: [],
  },
  {
    name: 'a scale target that does not exist',
    objects: [
      hpa('web', { ...target, ...cpu, scaleTargetRef: { kind: 'Deployment', name: 'webb' } }),
      web({ cpu: '100m' }),
    ],
    want: [
      {
        kind: 'HorizontalPodAutoscaler',
        name: 'web',
        reason: 'ScaleTargetNotFound',
        says: ['Deployment/webb'],
        fix: true,
      },
    ],
  },
  {
    name: 'containers without the request the metric needs',
    objects: [hpa('web', { ...target, ...cpu }), web()],
    want: [
      {
        kind: 'HorizontalPodAutoscaler',
        name: 'web',
        reason: 'MissingResourceRequest',
        says: ['missing request for cpu', 'container app'],
        fix: true,
      },
    ],
  },
  {
    name: 'a metric it cannot get',
    objects: [
      hpa(
        'web',
        { ...target, metrics: [{ type: 'Pods', pods: { metric: { name: 'queue_depth' } } }] },
        {
          conditions: [
            {
              type: 'ScalingActive',
              status: 'False',
              reason: 'FailedGetPodsMetric',
              message: 'unable to get metric queue_depth: no metrics returned from custom metrics API',
            },
          ],
        },
      ),
      web({ cpu: '100m' }),
    ],
    want: [
      { kind: 'HorizontalPodAutoscaler', name: 'web', reason: 'FailedGetPodsMetric', says: ['queue_depth'] },
    ],
  },
  {
    name: 'at its maximum',
    objects: [
      hpa(
        'web',
        { ...target, ...cpu },
        {
          conditions: [
            {
              type: 'ScalingLimited',
              status: 'True',
              reason: 'TooManyReplicas',
              message: 'the desired replica count is more than the maximum replica count',
            },
          ],
        },
      ),
      web({ cpu: '100m' }),
    ],
    want: [
      {
        kind: 'HorizontalPodAutoscaler',
        name: 'web',
        reason: 'ScalingLimited',
        says: ['maxReplicas (5)'],
        fix: true,
      },
    ],
  },
];

describe('hpas analyzer', () => {
  it.each(ROWS)('$name', (row) => check(hpasAnalyzer, row));
});
