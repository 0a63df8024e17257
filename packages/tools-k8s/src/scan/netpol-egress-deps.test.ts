import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import { check, netpol, pod, type Row } from './__fixtures__/build.js';
import { factsFrom } from './facts.js';
import { analyze } from './index.js';
import { netpolEgressDepsAnalyzer } from './netpol-egress-deps.js';

/** A running pod labelled app=store whose one container has the variable `env`. */
const store = (value: string, name = 'STORE_URL') =>
  pod(
    'store-1',
    { containers: [{ name: 'store', image: 'store:1', env: [{ name, value }] }] },
    { phase: 'Running' },
    { labels: { app: 'store' } },
  );
const namespace = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
/** Default-deny egress with DNS to kube-system and the namespace's own pods, as the common template has it. */
const denyButDns = (extra: object[] = []) =>
  netpol('default-deny-egress', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      { to: [{ podSelector: {} }] },
      ...extra,
    ],
  });
const URL = 'redis://cache.data.svc.cluster.local:6379/2';

const ROWS: Row[] = [
  {
    name: 'a dependency in another namespace behind a default-deny egress policy',
    objects: [denyButDns(), store(URL), namespace('shop'), namespace('data')],
    want: [
      {
        kind: 'Pod',
        name: 'store-1',
        reason: 'EgressToDependencyDenied',
        says: ['STORE_URL', 'namespace data', 'port 6379', 'default-deny-egress'],
        fix: true,
      },
    ],
  },
  {
    name: 'a bare service.namespace host (it may be a public domain): left alone',
    objects: [denyButDns(), store('cache.data:6379')],
    want: [],
  },
  {
    name: 'a rule that opens the namespace (by its metadata.name label)',
    objects: [
      denyButDns([
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }],
          ports: [{ port: 6379 }],
        },
      ]),
      store(URL),
      namespace('data'),
    ],
    want: [],
  },
  {
    name: 'a rule that may open the namespace by a label not read here',
    objects: [
      denyButDns([{ to: [{ namespaceSelector: { matchLabels: { team: 'data' } } }] }]),
      store(URL),
      namespace('data', { team: 'data' }),
    ],
    want: [],
  },
  {
    name: 'a rule that opens the namespace on another port (the Service may translate to it): left alone',
    objects: [
      denyButDns([
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }],
          ports: [{ port: 5432 }],
        },
      ]),
      store(URL),
      namespace('data'),
    ],
    want: [],
  },
  { name: 'no egress policy', objects: [store(URL), namespace('data')], want: [] },
  {
    name: 'a public host name, not a Service',
    objects: [denyButDns(), store('https://api.example.com/v1'), namespace('shop')],
    want: [],
  },
  {
    name: 'a Service of its own namespace',
    objects: [denyButDns(), store('http://cache.shop.svc:6379')],
    want: [],
  },
];

describe('netpol-egress-deps: egress policies that drop a declared dependency in another namespace', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    check(netpolEgressDepsAnalyzer, row);
  });

  it('is bounded in a long value of host-like words', () => {
    const long = 'a.b'.repeat(700);
    const t0 = performance.now();
    analyze(factsFrom([denyButDns(), store(long)], {}), [netpolEgressDepsAnalyzer]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
