import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { nodeNotReadyAnalyzer } from './node-not-ready.js';
import { observed as o } from './observed.fixture.js';

const node = o(
  'describe_node',
  { name: 'ip-10-42-7-201' },
  'Name: ip-10-42-7-201\nConditions:\n  Type             Status    Reason              Message\n  Ready            Unknown   NodeStatusUnknown   Kubelet stopped posting node status.\n',
);
const system = o(
  'list_pods',
  { namespace: 'kube-system' },
  'NAME                                       READY   STATUS    RESTARTS   AGE\naws-cloud-controller-manager-7f6d9-kq2lp   1/1     Running   0          40d\ncoredns-5d78c9869d-2xk8q                   1/1     Running   0          40d',
);
const ctx = (seen: SeenObservation[]) => ({ task: 't', ns: 'ticketing', hints: [], seen });

describe('node-not-ready: a node whose machine is gone', () => {
  it("searches the cloud controllers' logs for the node, and says the instance was terminated", () => {
    expect(nodeNotReadyAnalyzer.reads(ctx([node, system]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'kube-system' } },
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'kube-system',
          name: 'aws-cloud-controller-manager-7f6d9-kq2lp',
          pattern: 'ip-10-42-7-201',
          context: 0,
          maxMatches: 5,
        },
      },
    ]);
    const said = o(
      'search_pod_logs',
      {
        namespace: 'kube-system',
        name: 'aws-cloud-controller-manager-7f6d9-kq2lp',
        pattern: 'ip-10-42-7-201',
      },
      '1 line(s) match\n12:E1202 03:45:31.907 node_lifecycle_controller.go:164] error checking if node ip-10-42-7-201 is shutdown: InvalidInstanceID.NotFound: The instance ID i-0c1d2e3f4a5b6c7d8 does not exist',
    );
    const [found] = nodeNotReadyAnalyzer.finds(ctx([node, system, said]));
    expect(found?.cause).toMatch(
      /because its machine is gone[\s\S]*InvalidInstanceID\.NotFound[\s\S]*terminated/,
    );
  });
  it('nothing when the controllers say nothing of the machine, or the node is Ready', () => {
    const quiet = o(
      'search_pod_logs',
      {
        namespace: 'kube-system',
        name: 'aws-cloud-controller-manager-7f6d9-kq2lp',
        pattern: 'ip-10-42-7-201',
      },
      '1 line(s) match\n3:I1202 synced node ip-10-42-7-201',
    );
    expect(nodeNotReadyAnalyzer.finds(ctx([node, system, quiet]))).toEqual([]);
    expect(nodeNotReadyAnalyzer.reads(ctx([system]))).toEqual([]);
  });
});
