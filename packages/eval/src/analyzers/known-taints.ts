import { type Analyzer, clip, outputs } from './types.js';

/**
 * Taints Kubernetes itself puts on nodes that name a component which has not done its part, with
 * what to look at, as https://kubernetes.io/docs/reference/labels-annotations-taints/ documents them.
 * (The node controller's not-ready and unreachable taints, and a cordon, are explained by the node's
 * own conditions, which other signatures read.)
 */
const TAINTS: readonly { key: string; means: string; advice: string }[] = [
  {
    key: 'node.cloudprovider.kubernetes.io/uninitialized',
    means:
      'which the kubelet sets on a node when it runs with an external cloud provider and the cloud-controller-manager removes once it has initialized the node (its provider ID, addresses, zone); it is still there, so the cloud-controller-manager has not initialized these nodes, and no ordinary pod may run on them however Ready they are',
    advice:
      'look at the cloud-controller-manager (its pods and logs: cloud API errors, a missing IAM permission such as DescribeInstances); once it can initialize the nodes it removes the taint and the pods schedule. Do not add a toleration for this taint',
  },
];

/**
 * A pod Pending because nodes carry a taint Kubernetes itself manages: the taint names a component
 * that has not done its part (the cloud-controller-manager, the CNI), so a toleration is the wrong fix.
 */
export const knownTaintsAnalyzer: Analyzer = {
  name: 'known-taints',
  reads: () => [],
  finds(ctx) {
    // The pods Pending now: their own description's scheduling events.
    const text = outputs(ctx.seen, 'describe_pod', (o) => /^Status:\s+Pending/m.test(o.content))
      .map((o) => o.content)
      .join('\n');
    const line = text
      .split('\n')
      .find((l) => l.includes('untolerated taint') && TAINTS.some((t) => l.includes(t.key)));
    if (!line) return [];
    const t = TAINTS.find((x) => line.includes(x.key))!;
    const count = new RegExp(
      `(\\d{1,5}) node\\(s\\) had untolerated taint \\{${t.key.replace(/[./]/g, '\\$&')}`,
    ).exec(line)?.[1];
    return [
      {
        // Above the Pending pods' own finding (their capacity shortfall on the other nodes included):
        // the taint says why the new nodes take nothing.
        weight: 97,
        object: `node taint ${t.key}`,
        cause: `pods stay Pending because ${count ?? 'some'} node(s) carry the taint ${t.key}, ${t.means} (FailedScheduling: "${clip(line, 200)}")`,
        evidence: [`FailedScheduling: ${clip(line, 200)}`],
        advice: t.advice,
      },
    ];
  },
};
