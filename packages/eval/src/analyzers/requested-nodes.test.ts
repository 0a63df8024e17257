import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { requestedNodesAnalyzer } from './allocatable.js';

const obs = (tool: string, content: string, args: Record<string, unknown> = {}): SeenObservation => ({
  step: 1,
  tool,
  args: { namespace: 'ml', ...args },
  status: 'ok',
  content,
});
const pending = obs(
  'describe_pod',
  'Name:  store-6f5b8d7c9d-hp4ls\nNamespace:  ml\nStatus:  Pending\nControlled By:  ReplicaSet/store-6f5b8d7c9d\nContainers:\n  store:\n    Requests:\n      cpu: 4\n      memory: 12Gi\nEvents:\n  Warning  FailedScheduling  0/2 nodes are available: 2 Insufficient memory.\n',
  { name: 'store-6f5b8d7c9d-hp4ls' },
);
const nodes = obs(
  'list_nodes',
  'NAME   STATUS   ROLES    AGE   VERSION   CPU     MEMORY\nhm-1   Ready    <none>   30d   v1.32.0   7900m   16252928Ki\n',
);
const node = (requested: string, pct: number) =>
  obs(
    'describe_node',
    `Name: hm-1\nAllocatable:\n  cpu: 7900m\n  memory: 16252928Ki\nNon-terminated Pods: (1 in total)\n  Namespace   Name                 CPU Requests   Memory Requests   Memory Limits\n  research    notebook-jdoe-abc    2000m          ${requested}            12288Mi\nAllocated resources:\n  Resource   Requests       Limits\n  cpu        2000m (25%)    0m (0%)\n  memory     ${requested} (${pct}%)   12288Mi (77%)\n`,
    { name: 'hm-1' },
  );
const run = (task: string, seen: SeenObservation[]) =>
  requestedNodesAnalyzer.finds({ task, ns: 'ml', hints: [], seen });

describe('requested-nodes: a node that looks free but whose memory is requested', () => {
  const task = 'store is Pending but hm-1 shows 20% memory used, is the scheduler broken?';
  it('names the node, what is requested on it and by whom', () => {
    const [f] = run(task, [pending, nodes, node('6144Mi', 39)]);
    expect(f?.cause).toMatch(
      /hm-1[\s\S]*6144Mi \(39%\) is already requested[\s\S]*notebook-jdoe-abc in namespace research/,
    );
    expect(f?.cause).toMatch(/the scheduler counts requests, not usage/);
  });
  it('reads the node the task names; nothing when the pod would fit there or no node is named', () => {
    expect(requestedNodesAnalyzer.reads({ task, ns: 'ml', hints: [], seen: [pending, nodes] })).toEqual([
      { tool: 'describe_node', args: { name: 'hm-1' } },
    ]);
    expect(run(task, [pending, nodes, node('1024Mi', 6)])).toEqual([]);
    expect(run('store is Pending, why?', [pending, nodes, node('6144Mi', 39)])).toEqual([]);
  });
});
