import { describe, it } from 'vitest';
import { check, netpol, pod, type Row, running, service } from './__fixtures__/build.js';
import { netpolPortsAnalyzer } from './netpol-ports.js';

const cart = pod(
  'cart-1',
  { containers: [{ name: 'cart', image: 'cart:1', ports: [{ containerPort: 8080 }] }] },
  { phase: 'Running', containerStatuses: [running('cart')] },
  { labels: { app: 'cart' } },
);
const svc = service('cart', { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] });
const namedCart = pod(
  'cart-2',
  { containers: [{ name: 'cart', image: 'cart:2', ports: [{ name: 'http-api', containerPort: 8080 }] }] },
  { phase: 'Running', containerStatuses: [running('cart')] },
  { labels: { app: 'cart' } },
);
const allow = (port: number | string) =>
  netpol('allow-storefront', {
    podSelector: { matchLabels: { app: 'cart' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'storefront' } } }], ports: [{ port }] }],
  });

const ROWS: Row[] = [
  {
    name: 'a rule that allows the Service port, not the pod port',
    objects: [allow(80), cart, svc],
    want: [
      {
        kind: 'NetworkPolicy',
        name: 'allow-storefront',
        reason: 'PolicyAllowsServicePort',
        says: ['allows port 80', 'listen on 8080', 'targetPort'],
        fix: true,
      },
    ],
  },
  { name: 'a rule that allows the pod port', objects: [allow(8080), cart, svc], want: [] },
  {
    name: 'a named port no container declares',
    objects: [allow('http'), namedCart, svc],
    want: [
      {
        kind: 'NetworkPolicy',
        name: 'allow-storefront',
        reason: 'NamedPortNotFound',
        says: ['named port "http"', '"http-api"'],
        fix: true,
      },
    ],
  },
  { name: 'a named port the container declares', objects: [allow('http-api'), namedCart, svc], want: [] },
];

describe('netpol-ports analyzer', () => {
  it.each(ROWS)('$name', (row) => check(netpolPortsAnalyzer, row));
});
