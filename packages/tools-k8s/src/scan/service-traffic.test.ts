import { describe, it } from 'vitest';
import { check, event, node, pod, type Row, running, service } from './__fixtures__/build.js';
import { serviceTrafficAnalyzer } from './service-traffic.js';

const flagd = (name: string, nodeName: string) =>
  pod(name, { nodeName }, { phase: 'Running', containerStatuses: [running()] }, { labels: { app: 'flagd' } });
const nodes = [node('n1', {}, []), node('n2', {}, []), node('n3', {}, [])];

const ROWS: Row[] = [
  {
    name: 'a LoadBalancer the cloud cannot create',
    objects: [
      service('gw', { type: 'LoadBalancer', selector: { app: 'gw' }, ports: [{ port: 443 }] }),
      event(
        'Service',
        'gw',
        'SyncLoadBalancerFailed',
        'Error syncing load balancer: could not find any suitable subnets for creating the ELB',
        { type: 'Warning' },
      ),
    ],
    want: [
      {
        kind: 'Service',
        name: 'gw',
        reason: 'SyncLoadBalancerFailed',
        says: ['<pending>', 'suitable subnets'],
        fix: true,
      },
    ],
  },
  {
    name: 'a LoadBalancer still being created, no warning yet',
    objects: [
      service('gw', { type: 'LoadBalancer', selector: { app: 'gw' }, ports: [{ port: 443 }] }),
      event('Service', 'gw', 'EnsuringLoadBalancer', 'Ensuring load balancer', { type: 'Normal' }),
    ],
    want: [],
  },
  {
    name: 'internalTrafficPolicy Local over pods on one node of three',
    objects: [
      service('flagd', {
        selector: { app: 'flagd' },
        internalTrafficPolicy: 'Local',
        ports: [{ port: 8013 }],
      }),
      flagd('flagd-a', 'n1'),
      ...nodes,
    ],
    want: [
      {
        kind: 'Service',
        name: 'flagd',
        reason: 'LocalTrafficPolicyGaps',
        says: ['1 of 3 nodes', 'n2, n3', 'dropped'],
        fix: true,
      },
    ],
  },
  {
    name: 'internalTrafficPolicy Local with a ready pod on every node (a DaemonSet)',
    objects: [
      service('flagd', {
        selector: { app: 'flagd' },
        internalTrafficPolicy: 'Local',
        ports: [{ port: 8013 }],
      }),
      flagd('flagd-a', 'n1'),
      flagd('flagd-b', 'n2'),
      flagd('flagd-c', 'n3'),
      ...nodes,
    ],
    want: [],
  },
];

describe('service-traffic analyzer', () => {
  it.each(ROWS)('$name', (row) => check(serviceTrafficAnalyzer, row));
});
