import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { dnsForwardAnalyzer } from './dns.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn();
const app = obs(
  'get_pod_logs',
  'ERROR charge failed: Post "https://api.pay.example/v3": dial tcp: lookup api.pay.example on 10.96.0.10:53: server misbehaving',
  { namespace: 'shop', name: 'gw-1' },
);
const corefile = (forward: string) =>
  obs(
    'describe_resource',
    `Name: coredns\nData\n====\nCorefile:\n----\n.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . ${forward}\n    cache 30\n}\n`,
    { kind: 'ConfigMap', name: 'coredns', namespace: 'kube-system' },
  );
const coredns = obs(
  'get_pod_logs',
  '[ERROR] plugin/errors: 2 api.pay.example. A: read udp 10.244.1.4:51734->10.40.0.11:53: i/o timeout',
  { namespace: 'kube-system', name: 'coredns-1' },
);
const run = (seen: SeenObservation[]) =>
  dnsForwardAnalyzer.finds({ task: 'payments fail sometimes', ns: 'shop', hints: [], seen });

describe('dns-forward: one of the default forward upstreams no longer answers', () => {
  it('names the dead upstream and the share of external lookups it fails', () => {
    const [f] = run([app, corefile('10.40.0.10 10.40.0.11'), coredns]);
    expect(f?.cause).toMatch(
      /forwards the default zone \(\.\) to 10\.40\.0\.10 10\.40\.0\.11, and 10\.40\.0\.11 no longer answers/,
    );
    expect(f?.advice).toMatch(/remove 10\.40\.0\.11/);
  });
  it('nothing when the only upstream fails (that is an outage, not one bad resolver) or none does', () => {
    expect(run([app, corefile('10.40.0.11'), coredns])).toEqual([]);
    expect(run([app, corefile('10.40.0.10 10.40.0.12'), coredns])).toEqual([]);
  });
});

describe('dns-forward: the kubernetes plugin serves another zone than the cluster domain', () => {
  const lookup = (host: string) =>
    obs(
      'get_pod_logs',
      `ERROR stock failed: Get "http://${host}/v2": dial tcp: lookup ${host} on 10.96.0.10:53: no such host`,
      {
        namespace: 'orders',
        name: 'router-1',
      },
    );
  const zone = (served: string) =>
    obs(
      'describe_resource',
      `Name: coredns\nAnnotations:  ops/last-change=NET-551 stub domain\nData\n====\nCorefile:\n----\n.:53 {\n    kubernetes ${served} in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    forward . /etc/resolv.conf\n}\n`,
      { kind: 'ConfigMap', name: 'coredns', namespace: 'kube-system' },
    );
  it.each([
    [
      'a typo in the zone',
      'inventory.inventory.svc.cluster.local',
      'cluster.lcoal',
      /serve the zone cluster\.lcoal, not the cluster domain cluster\.local/,
    ],
    ['the zone matches: not this', 'inventory.inventory.svc.cluster.local', 'cluster.local', undefined],
    ['an external name: not this', 'api.pay.example', 'cluster.lcoal', undefined],
  ])('%s', (_name, host, served, want) => {
    const [f] = run([lookup(host), zone(served)]);
    if (want) expect(f?.cause).toMatch(want);
    else expect(f?.cause ?? '').not.toMatch(/serve the zone/);
  });
});
