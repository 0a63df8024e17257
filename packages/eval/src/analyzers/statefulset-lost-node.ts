import { type Analyzer, clip, describedField, type Finding, outputs } from './types.js';

/**
 * The stable identity of a described StatefulSet pod: its `statefulset.kubernetes.io/pod-name` label, else
 * (a description without that label) its own name when a StatefulSet controls it and the name is the
 * StatefulSet's with an ordinal (`queue-broker-1` of `StatefulSet/queue-broker`). Undefined otherwise.
 */
function identityOf(described: string): string | undefined {
  const label = /statefulset\.kubernetes\.io\/pod-name=([a-z0-9.-]{1,253})/.exec(described)?.[1];
  if (label) return label;
  const owner = /Controlled By:\s*StatefulSet\/([a-z0-9.-]{1,253})/.exec(described)?.[1];
  const name = /^Name:\s+([a-z0-9.-]{1,253})\s*$/m.exec(described)?.[1];
  return owner && name && name.startsWith(`${owner}-`) && /^\d{1,5}$/.test(name.slice(owner.length + 1))
    ? name
    : undefined;
}

/**
 * A StatefulSet's pod left Terminating on a node that stopped reporting: the StatefulSet controller
 * creates the replacement of an ordinal only once the old pod object is gone (at most one pod per
 * identity, its name, ordinal and volumes), and the deletion never completes because no kubelet
 * confirms it; a Deployment's pods are replaced at once. Once the node is known to be down, the pod is
 * force-deleted (or the node marked out of service, or its Node object deleted).
 * https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/ ;
 * https://kubernetes.io/docs/concepts/cluster-administration/node-shutdown/#non-graceful-node-shutdown
 */
export const statefulSetLostNodeAnalyzer: Analyzer = {
  name: 'statefulset-lost-node',
  reads({ ns, seen }) {
    // The node of a Terminating StatefulSet pod: its conditions.
    return outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)
      .filter((d) => /^Status:.{0,40}Terminating/m.test(d.content) && identityOf(d.content) !== undefined)
      .slice(0, 1)
      .map((d) => ({
        tool: 'describe_node',
        args: { name: describedField(d.content, 'Node')?.replace(/\/.*$/, '') ?? '' },
      }))
      .filter((r) => r.args.name !== '');
  },
  finds({ ns, seen }) {
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      if (!/^Status:.{0,40}Terminating/m.test(d.content)) continue;
      const identity = identityOf(d.content);
      const owner =
        /Controlled By:\s*StatefulSet\/([a-z0-9.-]{1,253})/.exec(d.content)?.[1] ??
        identity?.replace(/-\d{1,5}$/, '');
      if (!identity || !owner) continue;
      const node = describedField(d.content, 'Node')?.replace(/\/.*$/, '');
      if (!node) continue;
      const nodeText = outputs(seen, 'describe_node', (o) => o.args['name'] === node).pop()?.content ?? '';
      const lost =
        /Ready\s+Unknown/.test(nodeText) ||
        outputs(seen, 'get_events', (o) => o.args['namespace'] === ns).some((o) =>
          new RegExp(`TaintManagerEviction[^\\n]{0,120}${identity.replace(/\./g, '\\.')}`).test(o.content),
        );
      if (!lost) continue;
      const pod = String(d.args['name'] ?? identity);
      const out: Finding = {
        weight: 95,
        object: `statefulset ${owner} (pod ${pod})`,
        cause: `pod ${pod} of StatefulSet ${owner} is stuck Terminating on node ${node}, which stopped reporting (Ready Unknown): the pod was marked for deletion, but no kubelet can confirm it, so the object stays; and a StatefulSet keeps at most one pod per identity (its stable name ${identity}, ordinal and volume), so it creates the replacement only once the old pod object is gone, unlike a Deployment whose pods were replaced at once. The scheduler is not broken, and more replicas would add a new ordinal, not bring ${identity} back`,
        evidence: [
          `describe_pod ${pod}: ${clip(describedField(d.content, 'Status') ?? 'Terminating', 60)}, Node ${node}`,
          ...(nodeText ? [`describe_node ${node}: Ready Unknown (Kubelet stopped posting node status)`] : []),
        ],
        advice: `once ${node} is known to be down (or shut it down first), force-delete the pod (kubectl delete pod ${pod} -n ${ns} --grace-period=0 --force), or mark the node out of service (taint node.kubernetes.io/out-of-service=nodeshutdown:NoExecute) or delete its Node object; the StatefulSet then recreates ${identity} on a healthy node (its volume must be able to attach there)`,
      };
      return [out];
    }
    return [];
  },
};
