import { describe, it } from 'vitest';
import { check, netpol, pod, type Row, running } from './__fixtures__/build.js';
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
