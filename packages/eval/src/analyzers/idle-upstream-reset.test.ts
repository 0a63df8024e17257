import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { idleUpstreamResetAnalyzer } from './idle-upstream-reset.js';
import { observed as o } from './observed.fixture.js';

const log = o(
  'get_pod_logs',
  { namespace: 'edge', name: 'gw-1' },
  '2026/03/10 06:41:03 [error] 31#31: *88412 recv() failed (104: Connection reset by peer) while reading response header from upstream, upstream: "http://10.96.44.17:80/v1"',
);
const pod = o(
  'describe_pod',
  { namespace: 'edge', name: 'gw-1' },
  'Volumes:\n  upstreams:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      gw-upstreams\n',
);
const conf = (timeout: string) =>
  o(
    'describe_resource',
    { kind: 'ConfigMap', namespace: 'edge', name: 'gw-upstreams' },
    `Data\n====\nupstreams.conf:\n----\nupstream ledger {\n  keepalive 64;\n  keepalive_timeout ${timeout};\n}\n`,
  );
const proxy = o(
  'describe_resource',
  { kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' },
  'Data\n====\nconfig.conf:\n----\nmode: ipvs\nipvs:\n  tcpTimeout: 900s\n',
);
const ctx = (seen: SeenObservation[]) => ({ task: 't', ns: 'edge', hints: [], seen });

describe('idle-upstream-reset: pooled connections kept longer than kube-proxy keeps the flow', () => {
  it("reads kube-proxy's and the proxy's configuration, and compares the two idle timeouts", () => {
    expect(idleUpstreamResetAnalyzer.reads(ctx([log, pod]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' },
      },
      { tool: 'describe_resource', args: { kind: 'ConfigMap', namespace: 'edge', name: 'gw-upstreams' } },
    ]);
    const [f] = idleUpstreamResetAnalyzer.finds(ctx([log, pod, conf('1800s'), proxy]));
    expect(f?.cause).toMatch(/keepalive\) for 1800 s[\s\S]*mode ipvs[\s\S]*tcpTimeout 900s/);
  });
  it('nothing when the keepalive is shorter than the flow timeout', () => {
    expect(idleUpstreamResetAnalyzer.finds(ctx([log, pod, conf('60s'), proxy]))).toEqual([]);
  });
});
