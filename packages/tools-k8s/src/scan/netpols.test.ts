import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import { check, netpol, pod, type Row, running } from './__fixtures__/build.js';
import { factsFrom } from './facts.js';
import { analyze } from './index.js';
import { netpolsAnalyzer } from './netpols.js';

const api = pod(
  'api-1',
  {},
  { phase: 'Running', containerStatuses: [running()] },
  { labels: { app: 'api' } },
);
const ROWS: Row[] = [
  {
    name: 'a policy with rules',
    objects: [
      netpol('allow', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }] }],
      }),
      api,
    ],
    want: [],
  },
  {
    name: 'deny all egress for the selected pods',
    objects: [
      netpol('lockdown', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'] }),
      api,
    ],
    want: [
      { kind: 'NetworkPolicy', name: 'lockdown', reason: 'DenyAllEgress', says: ['api-1', 'DNS'], fix: true },
    ],
  },
  {
    name: 'egress allowed to a database only: DNS is blocked',
    objects: [
      netpol('db-only', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { team: 'data' } },
                podSelector: { matchLabels: { app: 'pg' } },
              },
            ],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      }),
      api,
    ],
    want: [
      {
        kind: 'NetworkPolicy',
        name: 'db-only',
        reason: 'EgressDNSBlocked',
        says: ['api-1', 'TCP/5432', 'port 53'],
        fix: true,
      },
    ],
  },
  {
    name: 'egress to a database plus DNS to any namespace: nothing to report',
    objects: [
      netpol('db-and-dns', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'pg' } } }], ports: [{ port: 5432 }] },
          { to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] },
        ],
      }),
      api,
    ],
    want: [],
  },
  {
    name: 'DNS allowed by another policy selecting the same pods',
    objects: [
      netpol('db-only', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'pg' } } }], ports: [{ port: 5432 }] }],
      }),
      netpol('allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
      api,
    ],
    want: [],
  },
  {
    name: 'egress only to pods of the namespace on port 53 does not reach kube-dns',
    objects: [
      netpol('same-ns', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: {} }] }],
      }),
      api,
    ],
    want: [{ kind: 'NetworkPolicy', name: 'same-ns', reason: 'EgressDNSBlocked', says: ['pods <none>'] }],
  },
  {
    name: 'an empty podSelector denies ingress to every pod',
    objects: [netpol('default-deny', { podSelector: {} }), api],
    want: [{ kind: 'NetworkPolicy', name: 'default-deny', reason: 'DenyAllIngress', says: ['every pod'] }],
  },
  {
    name: 'default deny plus same-namespace allow: other namespaces are dropped',
    objects: [
      netpol('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      netpol('allow-same-ns', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }] }],
      }),
      api,
    ],
    want: [
      {
        kind: 'NetworkPolicy',
        name: 'default-deny',
        reason: 'IngressFromOtherNamespacesDenied',
        says: ['allow-same-ns', 'other namespaces', 'no namespaceSelector'],
        fix: true,
      },
    ],
  },
  {
    name: 'default deny plus an allow from the controller namespace is not judged',
    objects: [
      netpol('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      netpol('allow-ingress-nginx', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: 'ingress-nginx' } } }] }],
      }),
      api,
    ],
    want: [],
  },
  {
    name: 'deny both ways',
    objects: [
      netpol('deny', {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] },
        policyTypes: ['Ingress', 'Egress'],
      }),
      api,
    ],
    want: [{ kind: 'NetworkPolicy', name: 'deny', reason: 'DenyAll' }],
  },
  {
    name: 'a policy that selects no pod',
    objects: [
      netpol('lockdown', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Egress'] }),
      api,
    ],
    want: [],
  },
];

describe('netpols analyzer', () => {
  it.each(ROWS)('$name', (row) => check(netpolsAnalyzer, row));
});

// Every policy is judged with every other one selecting the same pods (their rules add up): a
// namespace of many policies and many pods must not cost policies² × pods label matches.
describe('netpols analyzer on many policies and pods', () => {
  const N = 800;
  const egress = { policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ podSelector: {} }] }] };
  it.each([
    [
      'half select every pod, half select none',
      (i: number) =>
        i % 2 ? { podSelector: {}, ...egress } : { podSelector: { matchLabels: { none: 'x' } }, ...egress },
      (i: number) => ({ app: `x${i}` }),
      N / 2,
    ],
    [
      'two disjoint halves',
      (i: number) => ({ podSelector: { matchLabels: { tier: i % 2 ? 'a' : 'b' } }, ...egress }),
      (i: number) => ({ tier: i % 2 ? 'a' : 'b' }),
      N,
    ],
  ])('%s: bounded time', (_what, spec, labels, findings) => {
    const objects: KubeObject[] = [
      ...Array.from({ length: N }, (_, i) => netpol(`np${i}`, spec(i))),
      ...Array.from({ length: N }, (_, i) => pod(`p${i}`, {}, { phase: 'Running' }, { labels: labels(i) })),
    ];
    const t0 = performance.now();
    const found = analyze(factsFrom(objects, {}), [netpolsAnalyzer]);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(found.filter((f) => f.reason === 'EgressDNSBlocked')).toHaveLength(findings);
  });
});
