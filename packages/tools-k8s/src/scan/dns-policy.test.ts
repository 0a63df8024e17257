import { describe, it } from 'vitest';
import { check, pod, type Row, running } from './__fixtures__/build.js';
import { dnsPolicyAnalyzer } from './dns-policy.js';

const crashing = {
  name: 'app',
  ready: false,
  restartCount: 7,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
};

const ROWS: Row[] = [
  {
    name: 'a crash-looping pod on the node resolver',
    objects: [pod('ingest-1', { dnsPolicy: 'Default' }, { phase: 'Running', containerStatuses: [crashing] })],
    want: [
      {
        kind: 'Pod',
        name: 'ingest-1',
        reason: 'DnsPolicyDefault',
        says: ['not the default', 'ClusterFirst'],
        fix: true,
      },
    ],
  },
  {
    name: 'a healthy pod on the node resolver (a node agent that needs no Service names)',
    objects: [pod('agent-1', { dnsPolicy: 'Default' }, { phase: 'Running', containerStatuses: [running()] })],
    want: [],
  },
  {
    name: 'host networking with Default is the usual pairing',
    objects: [
      pod(
        'cni-1',
        { dnsPolicy: 'Default', hostNetwork: true },
        { phase: 'Running', containerStatuses: [crashing] },
      ),
    ],
    want: [],
  },
  {
    // Found in set 121: CoreDNS runs with dnsPolicy Default by design (it resolves outside names through the
    // node), so its own crash loop is not this finding's.
    name: 'the cluster DNS server itself (CoreDNS by its k8s-app label, or by its image)',
    objects: [
      pod(
        'coredns-1',
        { dnsPolicy: 'Default' },
        { phase: 'Running', containerStatuses: [crashing] },
        { labels: { 'k8s-app': 'kube-dns' } },
      ),
      pod(
        'dns-2',
        {
          dnsPolicy: 'Default',
          containers: [{ name: 'app', image: 'registry.k8s.io/coredns/coredns:v1.11.1' }],
        },
        { phase: 'Running', containerStatuses: [crashing] },
      ),
    ],
    want: [],
  },
  {
    name: 'ClusterFirst',
    objects: [
      pod('api-1', { dnsPolicy: 'ClusterFirst' }, { phase: 'Running', containerStatuses: [crashing] }),
    ],
    want: [],
  },
];

describe('dns-policy analyzer', () => {
  it.each(ROWS)('$name', (row) => check(dnsPolicyAnalyzer, row));
});
