import { describe, it } from 'vitest';
import { check, node, pod, type Row, running } from './__fixtures__/build.js';
import { nodesAnalyzer } from './nodes.js';

const ready = { type: 'Ready', status: 'True' };
const onNode = pod('web', { nodeName: 'n1' }, { phase: 'Running', containerStatuses: [running()] });
const pending = (tolerations: unknown[] = []) => pod('gpu', { tolerations }, { phase: 'Pending' });
const ROWS: Row[] = [
  { name: 'a Ready node', objects: [node('n1', {}, [ready]), onNode], want: [] },
  {
    name: 'a NotReady node with pressure',
    objects: [
      node('n1', {}, [
        {
          type: 'Ready',
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
        },
        { type: 'MemoryPressure', status: 'True' },
      ]),
      onNode,
    ],
    want: [
      {
        kind: 'Node',
        name: 'n1',
        reason: 'NodeNotReady',
        says: ['Kubelet stopped posting', 'MemoryPressure'],
        fix: true,
      },
    ],
  },
  {
    name: 'NotReady because the network plugin (CNI) is not initialized',
    objects: [
      node('n1', {}, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          message:
            'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
        },
      ]),
    ],
    want: [
      { kind: 'Node', name: 'n1', reason: 'NodeNotReady', says: ['(CNI) is not initialized'], fix: true },
    ],
  },
  {
    name: 'DiskPressure',
    objects: [
      node('n1', {}, [
        ready,
        {
          type: 'DiskPressure',
          status: 'True',
          reason: 'KubeletHasDiskPressure',
          message: 'ephemeral storage low',
        },
      ]),
      onNode,
    ],
    want: [{ kind: 'Node', name: 'n1', reason: 'DiskPressure', says: ['ephemeral storage low'], fix: true }],
  },
  {
    name: 'a taint a Pending pod does not tolerate',
    objects: [
      node('n2', { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] }, [ready]),
      pending(),
    ],
    want: [
      {
        kind: 'Node',
        name: 'n2',
        reason: 'UntoleratedTaint',
        says: ['nvidia.com/gpu=present:NoSchedule', 'gpu'],
      },
    ],
  },
  {
    name: 'a taint the Pending pod tolerates',
    objects: [
      node('n2', { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] }, [ready]),
      pending([{ key: 'nvidia.com/gpu', operator: 'Exists' }]),
    ],
    want: [],
  },
  {
    name: 'a namespace scan leaves out a node none of its pods use',
    namespace: 'shop',
    objects: [node('n9', {}, [{ type: 'Ready', status: 'False' }]), onNode],
    want: [],
  },
];

describe('nodes analyzer', () => {
  it.each(ROWS)('$name', (row) => check(nodesAnalyzer, row));
});
