import { describe, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import {
  check,
  endpoints,
  NS,
  node,
  owned,
  pod,
  type Row,
  replicaSet,
  running,
  service,
} from './__fixtures__/build.js';
import { servicesAnalyzer } from './services.js';

const web = (ready: boolean, ports = [{ containerPort: 8080, name: 'http' }]) =>
  pod(
    'web-1',
    { containers: [{ name: 'app', ports }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [running('app', { ready })],
    },
    { labels: { app: 'web' } },
  );
const member = (name: string, rs: string, image: string, labels: Record<string, string>) =>
  pod(
    name,
    { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
    {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [running('app')],
    },
    { labels, ...owned('ReplicaSet', rs) },
  );
const twoWorkloads = (canaryImage: string) => [
  service('checkout', { selector: { app: 'checkout' }, ports: [{ port: 80, targetPort: 8080 }] }),
  replicaSet('checkout-1', { replicas: 3 }, {}, owned('Deployment', 'checkout')),
  replicaSet('checkout-canary-1', { replicas: 1 }, {}, owned('Deployment', 'checkout-canary')),
  member('checkout-1-a', 'checkout-1', 'checkout:1', { app: 'checkout', track: 'stable' }),
  member('checkout-1-b', 'checkout-1', 'checkout:1', { app: 'checkout', track: 'stable' }),
  member('checkout-1-c', 'checkout-1', 'checkout:1', { app: 'checkout', track: 'stable' }),
  member('checkout-canary-1-a', 'checkout-canary-1', canaryImage, { app: 'checkout', track: 'canary' }),
  endpoints('checkout', 4),
];
const ROWS: Row[] = [
  {
    name: 'a selector over two workloads with different images',
    objects: twoWorkloads('checkout:2-rc1'),
    want: [
      {
        kind: 'Service',
        name: 'checkout',
        reason: 'SelectorSpansWorkloads',
        says: ['Deployment/checkout-canary', '25%', 'checkout:2-rc1'],
        fix: true,
      },
    ],
  },
  {
    name: 'two workloads on one image are not judged',
    objects: twoWorkloads('checkout:1'),
    want: [],
  },
  {
    name: 'endpoints in place',
    objects: [
      service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }),
      web(true),
      endpoints('web', 1),
    ],
    want: [],
  },
  {
    name: 'a selector that matches no pod',
    objects: [
      service('web', { selector: { app: 'web', tier: 'front' }, ports: [{ port: 80 }] }),
      web(true),
      endpoints('web', 0),
    ],
    want: [
      { kind: 'Service', name: 'web', reason: 'NoPodsSelected', says: ['app=web,tier=front'], fix: true },
    ],
  },
  {
    name: 'a selector that matches no pod because its deployment was retired on purpose: a leftover',
    objects: [
      service('shim', { selector: { app: 'shim' }, ports: [{ port: 7000 }] }),
      endpoints('shim', 0),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'shim',
          namespace: NS,
          annotations: { 'kubernetes.io/change-cause': 'OPS-61: remove the shim hop' },
        },
        spec: { replicas: 0, template: { metadata: { labels: { app: 'shim' } } } },
      } as KubeObject,
    ],
    want: [],
  },
  {
    name: 'externalTrafficPolicy Local with nodes that run no ready pod of it',
    objects: [
      service('web', {
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        selector: { app: 'web' },
        ports: [{ port: 80, targetPort: 8080, nodePort: 30480 }],
      }),
      {
        ...web(true),
        spec: {
          nodeName: 'n1',
          containers: [{ name: 'app', ports: [{ containerPort: 8080, name: 'http' }] }],
        },
      } as KubeObject,
      endpoints('web', 1),
      node('n1', {}, []),
      node('n2', {}, []),
    ],
    want: [
      {
        kind: 'Service',
        name: 'web',
        reason: 'LocalTrafficPolicyNodesWithoutPods',
        says: ['externalTrafficPolicy Local', '1 of 2 nodes (n2)', 'pod (n1)'],
        fix: true,
      },
    ],
  },
  {
    name: 'pods selected, none Ready',
    objects: [
      service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }),
      web(false),
      endpoints('web', 0, 1),
    ],
    want: [{ kind: 'Service', name: 'web', reason: 'NoReadyEndpoints', says: ['web-1 NotReady'] }],
  },
  {
    name: 'a named targetPort no container names',
    objects: [
      service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'web' }] }),
      web(true),
      endpoints('web', 0),
    ],
    want: [
      {
        kind: 'Service',
        name: 'web',
        reason: 'TargetPortNotExposed',
        says: ['targetPort web', '8080 (http)'],
        fix: true,
      },
    ],
  },
  {
    name: 'a numeric targetPort nothing listens on',
    objects: [
      service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 9090 }] }),
      web(true),
      endpoints('web', 1),
    ],
    want: [
      {
        kind: 'Service',
        name: 'web',
        reason: 'TargetPortNotExposed',
        says: ['9090', 'connections are refused'],
      },
    ],
  },
  {
    // Held-out set 89: a RabbitMQ cluster's headless Service lists the inter-node port 25672, which the
    // pods do not declare; a headless Service proxies nothing, so that is no fault.
    name: 'a headless service whose numeric port no container declares',
    objects: [
      service('web-nodes', {
        selector: { app: 'web' },
        clusterIP: 'None',
        ports: [{ port: 25672, targetPort: 25672 }],
      }),
      web(true),
      endpoints('web-nodes', 1),
    ],
    want: [],
  },
  {
    name: 'a service without a selector is not judged',
    objects: [service('ext', { ports: [{ port: 80 }] })],
    want: [],
  },
];

describe('services analyzer', () => {
  it.each(ROWS)('$name', (row) => check(servicesAnalyzer, row));
});
