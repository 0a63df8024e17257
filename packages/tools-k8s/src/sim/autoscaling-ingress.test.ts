import { describe, expect, it } from 'vitest';
import type { Condition, KubeEvent } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

const web = (resources: Record<string, unknown> | undefined, cpuNeed = '400m', replicas = 2) => ({
  name: 'web',
  namespace: 'shop',
  replicas,
  containers: [
    {
      name: 'web',
      image: 'acme/web:1',
      ...(resources ? { resources } : {}),
      behavior: { cpu: { need: cpuNeed }, logs: ['serving'] },
    },
  ],
});
const hpa = (name: string, target: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'shop', creationTimestamp: '2026-01-14T10:00:00Z' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ],
    ...extra,
  },
});
type HpaStatus = {
  currentReplicas: number;
  desiredReplicas: number;
  currentMetrics: { resource: { current: { averageUtilization: number } } }[] | null;
  conditions: Condition[];
};
const statusOf = (c: ReturnType<typeof createSimCluster>, name = 'web') =>
  c.getNow({ kind: 'HorizontalPodAutoscaler', name, namespace: 'shop' }).status as HpaStatus;
const events = (c: ReturnType<typeof createSimCluster>, name: string) =>
  (c.listNow({ kind: 'Event', namespace: 'shop' }) as unknown as KubeEvent[]).filter(
    (e) => e.involvedObject.name === name,
  );

describe('the HPA controller', () => {
  it('containers without a cpu request: <unknown> (no current metrics), ScalingActive False, FailedGetResourceMetric', () => {
    const c = createSimCluster({ deployments: [web(undefined)], objects: [hpa('web', 'web')] });
    const s = statusOf(c);
    expect(s.currentMetrics).toBeNull();
    const active = s.conditions.find((x) => x.type === 'ScalingActive');
    expect(active).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
    expect(active?.message).toMatch(
      /^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container web of Pod web-[a-z0-9]+-[a-z0-9]{5}$/,
    );
    const reasons = events(c, 'web').filter((e) => e.involvedObject.kind === 'HorizontalPodAutoscaler');
    expect(reasons.map((e) => e.reason).sort()).toEqual([
      'FailedComputeMetricsReplicas',
      'FailedGetResourceMetric',
    ]);
    expect(reasons[0]!.count).toBeGreaterThan(1000);
    expect(c.getNow({ kind: 'Deployment', name: 'web', namespace: 'shop' }).spec).toMatchObject({
      replicas: 2,
    });
  });

  it('derives utilisation from requests and usage and scales the target up to the desired count', () => {
    // 400m used of a 250m request: 160 % against 80 %, so twice the replicas.
    const c = createSimCluster({
      deployments: [web({ requests: { cpu: '250m' } })],
      objects: [hpa('web', 'web')],
    });
    const s = statusOf(c);
    expect(s.currentMetrics?.[0]?.resource.current.averageUtilization).toBe(160);
    expect(s.desiredReplicas).toBe(4);
    expect(s.conditions.map((x) => `${x.type}=${x.status}/${x.reason}`)).toEqual([
      'AbleToScale=True/SucceededRescale',
      'ScalingActive=True/ValidMetricFound',
      'ScalingLimited=False/DesiredWithinRange',
    ]);
    expect(c.getNow({ kind: 'Deployment', name: 'web', namespace: 'shop' }).spec).toMatchObject({
      replicas: 4,
    });
    expect(
      events(c, 'web').some(
        (e) =>
          e.message === 'New size: 4; reason: cpu resource utilization (percentage of request) above target',
      ),
    ).toBe(true);
    // Each instance wants the same CPU however many there are, so sustained load climbs to the maximum.
    for (let i = 0; i < 4; i++) c.advance(30);
    expect(c.getNow({ kind: 'Deployment', name: 'web', namespace: 'shop' }).spec).toMatchObject({
      replicas: 10,
    });
    expect(statusOf(c).conditions[2]).toMatchObject({ reason: 'TooManyReplicas' });
  });

  it('within the tolerance nothing changes; past max it is ScalingLimited TooManyReplicas', () => {
    const calm = createSimCluster({
      deployments: [web({ requests: { cpu: '500m' } })],
      objects: [hpa('web', 'web')],
    });
    expect(statusOf(calm).conditions[0]?.reason).toBe('ReadyForNewScale');
    const hot = createSimCluster({
      deployments: [web({ requests: { cpu: '100m' } }, '2')],
      objects: [hpa('web', 'web', { maxReplicas: 5 })],
    });
    const s = statusOf(hot);
    expect(s.desiredReplicas).toBe(5);
    expect(s.conditions[2]).toMatchObject({
      type: 'ScalingLimited',
      status: 'True',
      reason: 'TooManyReplicas',
    });
  });

  it('a missing target and a missing metrics API are reported in the controller words', () => {
    const gone = createSimCluster({ objects: [hpa('web', 'nope')] });
    expect(statusOf(gone).conditions[0]).toMatchObject({
      type: 'AbleToScale',
      status: 'False',
      reason: 'FailedGetScale',
      message:
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "nope" not found',
    });
    const blind = createSimCluster({
      metrics: false,
      deployments: [web({ requests: { cpu: '250m' } })],
      objects: [hpa('web', 'web')],
    });
    expect(statusOf(blind).conditions[1]?.message).toContain(
      'unable to fetch metrics from resource metrics API',
    );
  });

  it('keeps an HPA whose status the world declares', () => {
    const c = createSimCluster({
      deployments: [web(undefined)],
      objects: [{ ...hpa('web', 'web'), status: { currentReplicas: 2, desiredReplicas: 2 } }],
    });
    expect(statusOf(c)).toEqual({ currentReplicas: 2, desiredReplicas: 2 });
  });
});

describe('Ingress class validation', () => {
  const cls = (name: string, isDefault = false) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });
  const ing = (name: string, className?: string) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'shop' },
    spec: {
      ...(className ? { ingressClassName: className } : {}),
      rules: [
        {
          host: `${name}.example.com`,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  });
  const status = (c: ReturnType<typeof createSimCluster>, name: string) =>
    c.getNow({ kind: 'Ingress', name, namespace: 'shop' }).status as {
      loadBalancer: { ingress?: { ip: string }[] };
    };

  it('an unknown ingressClassName is admitted by no controller and has no address; a known one has', () => {
    const c = createSimCluster({
      objects: [cls('nginx'), ing('good', 'nginx'), ing('typo', 'ngnix'), ing('none')],
    });
    expect(status(c, 'good').loadBalancer.ingress?.[0]?.ip).toMatch(/^203\.0\.113\.\d+$/);
    expect(status(c, 'typo')).toEqual({ loadBalancer: {} });
    expect(status(c, 'none')).toEqual({ loadBalancer: {} });
  });

  it('an Ingress without a class gets the default IngressClass', () => {
    const c = createSimCluster({ objects: [cls('nginx', true), ing('plain')] });
    expect(c.getNow({ kind: 'Ingress', name: 'plain', namespace: 'shop' }).spec).toMatchObject({
      ingressClassName: 'nginx',
    });
    expect(status(c, 'plain').loadBalancer.ingress).toHaveLength(1);
  });
});
