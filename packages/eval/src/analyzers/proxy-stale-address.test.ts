import { describe, expect, it } from 'vitest';
import { throughNamed } from '../baseline-model.js';
import type { SeenObservation } from '../observations.js';
import { observed as o } from './observed.fixture.js';
import { nginxRoutes, proxyStaleAddressAnalyzer } from './proxy-stale-address.js';

const log = o(
  'get_pod_logs',
  { namespace: 'edge', name: 'gw-7d9f8c6b5-abcde' },
  [
    '10.244.3.8 - - [23/Nov/2026:06:59:40 +0000] "GET /shop/items HTTP/1.1" 200 5120 "-" "curl" rt=0.021',
    '2026/11/23 06:59:41 [error] 29#29: *1882 upstream timed out (110: Connection timed out) while connecting to upstream, client: 10.244.3.8, server: _, request: "POST /login/form HTTP/1.1", upstream: "http://10.96.201.7:80/form", host: "a.example"',
  ].join('\n'),
);
const pod = o(
  'describe_pod',
  { namespace: 'edge', name: 'gw-7d9f8c6b5-abcde' },
  'Controlled By:  ReplicaSet/gw-7d9f8c6b5\nVolumes:\n  conf:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      gw-conf\n',
);
const conf = (body: string) =>
  o(
    'describe_resource',
    { kind: 'ConfigMap', namespace: 'edge', name: 'gw-conf' },
    `Data\n====\ndefault.conf:\n----\n${body}\n`,
  );
const ROUTES = [
  'server {',
  '  location /login/ {',
  '    proxy_pass http://sso.identity.svc.cluster.local/;',
  '  }',
  '  location /shop/ {',
  '    proxy_pass http://shop.store.svc.cluster.local:8080/;',
  '  }',
  '}',
].join('\n');
const svc = (ip: string) =>
  o(
    'describe_service',
    { namespace: 'identity', name: 'sso' },
    `Name:              sso\nNamespace:         identity\nIP:                ${ip}\n`,
  );
const ctx = (seen: SeenObservation[]) => ({ task: 't', ns: 'edge', hints: [], seen });

describe('proxy-stale-address: nginx keeps the address it resolved when it loaded its configuration', () => {
  it('reads the mounted configuration, then the Service the failing route names', () => {
    expect(proxyStaleAddressAnalyzer.reads(ctx([log]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'edge', name: 'gw-7d9f8c6b5-abcde' } },
    ]);
    expect(proxyStaleAddressAnalyzer.reads(ctx([log, pod, conf(ROUTES)]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'gw-conf', namespace: 'edge' } },
      { tool: 'describe_service', args: { namespace: 'identity', name: 'sso' } },
    ]);
  });
  it('finds the old address when the Service now has another ClusterIP', () => {
    const [f] = proxyStaleAddressAnalyzer.finds(ctx([log, pod, conf(ROUTES), svc('10.96.88.14')]));
    expect(f?.object).toBe('deployment gw');
    expect(f?.cause).toMatch(
      /\/login\/ requests to 10\.96\.201\.7, the old ClusterIP of Service sso in identity, which now has 10\.96\.88\.14/,
    );
    expect(f?.advice).toMatch(/rollout restart deployment\/gw[\s\S]*resolver/);
  });
  it('nothing when the address is still the current one, with a resolver, or with a variable host', () => {
    expect(proxyStaleAddressAnalyzer.finds(ctx([log, pod, conf(ROUTES), svc('10.96.201.7')]))).toEqual([]);
    const withResolver = conf(`resolver kube-dns.kube-system.svc.cluster.local valid=10s;\n${ROUTES}`);
    expect(proxyStaleAddressAnalyzer.finds(ctx([log, pod, withResolver, svc('10.96.88.14')]))).toEqual([]);
    const variable = conf(ROUTES.replace('http://sso.identity.svc.cluster.local/', 'http://$sso_upstream/'));
    expect(proxyStaleAddressAnalyzer.finds(ctx([log, pod, variable, svc('10.96.88.14')]))).toEqual([]);
  });
  it('reads routes line by line: prefixes, ports dropped, comments skipped', () => {
    expect(nginxRoutes(`# proxy_pass http://old.svc/;\n${ROUTES}`)).toEqual({
      routes: [
        { prefix: '/login/', host: 'sso.identity.svc.cluster.local', variable: false },
        { prefix: '/shop/', host: 'shop.store.svc.cluster.local', variable: false },
      ],
      resolver: false,
    });
  });
});

describe('throughNamed: the hop the failing requests pass through', () => {
  it.each([
    ['Logins through the edge gateway have been timing out (504)', 'edge', true],
    ['requests via edge fail', 'edge', true],
    ['the edge gateway is fine, logins time out', 'edge', false],
    ['through the edge-proxy namespace', 'edge', false],
  ])('%s (%s) → %s', (task, ns, want) => {
    expect(throughNamed(task, ns)).toBe(want);
  });
});
