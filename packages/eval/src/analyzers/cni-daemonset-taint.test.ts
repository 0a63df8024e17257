import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { cniDaemonSetTaintAnalyzer } from './cni-daemonset-taint.js';
import { observed as o } from './observed.fixture.js';

const events = o(
  'get_events',
  { namespace: 'ml' },
  'LAST SEEN   TYPE      REASON                   OBJECT           MESSAGE\n2m   Warning   FailedCreatePodSandBox   pod/trainer-a   Failed to create pod sandbox: plugin type="net-agent" failed (add): failed to find plugin "net-agent" in path [/opt/cni/bin]',
);
const pods = o(
  'list_pods',
  { namespace: 'ml' },
  'NAME        READY   STATUS              RESTARTS   AGE   IP            NODE\ntrainer-a   0/1     ContainerCreating   0          62m   10.244.0.17   gpu-4',
);
const sets = o(
  'list_resources',
  { kind: 'DaemonSet', namespace: 'kube-system' },
  'NAME         AGE\nkube-proxy   30d\nnet-agent    30d',
);
const ds = (toleration: string) =>
  o(
    'describe_resource',
    { kind: 'DaemonSet', namespace: 'kube-system', name: 'net-agent' },
    `Name: net-agent\nSpec:\n${toleration}  template.spec.containers[0].name: agent\n`,
  );
const node = o(
  'describe_node',
  { name: 'gpu-4' },
  'Name: gpu-4\nTaints:             dedicated=ml:NoSchedule\nUnschedulable:      false\n',
);
const ctx = (seen: SeenObservation[]) => ({ task: 't', ns: 'ml', hints: [], seen });

describe('cni-daemonset-taint: the network plugin DaemonSet missing from a tainted node', () => {
  it('reads the DaemonSet and the node, and names the taint it does not tolerate', () => {
    expect(cniDaemonSetTaintAnalyzer.reads(ctx([events, pods, sets]))).toEqual([
      { tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'kube-system' } },
      { tool: 'describe_resource', args: { kind: 'DaemonSet', namespace: 'kube-system', name: 'net-agent' } },
      { tool: 'describe_node', args: { name: 'gpu-4' } },
    ]);
    const notReady =
      '  template.spec.tolerations[0].key: node.kubernetes.io/not-ready\n  template.spec.tolerations[0].operator: Exists\n';
    const [f] = cniDaemonSetTaintAnalyzer.finds(ctx([events, pods, ds(notReady), node]));
    expect(f?.cause).toMatch(
      /DaemonSet net-agent has no pod on node gpu-4, because gpu-4 carries the taint dedicated=ml:NoSchedule/,
    );
  });
  it('nothing when the DaemonSet tolerates every taint', () => {
    const all = '  template.spec.tolerations[0].operator: Exists\n';
    expect(cniDaemonSetTaintAnalyzer.finds(ctx([events, pods, ds(all), node]))).toEqual([]);
  });
});
