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
