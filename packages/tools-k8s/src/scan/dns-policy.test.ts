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
