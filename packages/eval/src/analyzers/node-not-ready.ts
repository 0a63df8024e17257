import { parseTable } from '../k8s-text.js';
import { nodeWarnings } from './failing-node.js';
import { logGloss } from './log-glosses.js';
import { type Analyzer, type AnalyzerContext, clip, nodeConditions, outputs, podListOf } from './types.js';

/**
 * A node that is not Ready, with the reason its own Warning events give (the kubelet's or
 * node-problem-detector's messages: an expired client certificate, a runtime down, a disk): the
 * condition says that the kubelet stopped reporting, the events say why. No reads: the node's
 * description is what other signatures ask for.
 * https://kubernetes.io/docs/reference/node/node-status/#condition
 */
// Cluster components that log what happened to a node's machine: the cloud controller manager (its node
// lifecycle controller asks the cloud whether the instance exists), AWS's node termination handler,
// the cluster autoscaler, Karpenter, Cluster API's machine controller.
const MACHINE_WATCHERS =
  /cloud-controller|node-termination|autoscaler|karpenter|machine-controller|capi-controller/;
// What those components say when the machine is gone.
const MACHINE_GONE =
  /does not exist|InstanceNotFound|InvalidInstanceID\.NotFound|EC2_INSTANCE_TERMINATING|instance (?:was )?terminated|terminating instance|spot (?:instance )?interruption|scale[- ]?in|deleting node|node (?:was )?deleted|instance-terminat/i;

/** The node names of describe_node reads whose Ready condition is Unknown (the kubelet stopped posting). */
function silentNodes(seen: AnalyzerContext['seen']): string[] {
  return outputs(seen, 'describe_node')
    .filter((d) => nodeConditions(d.content).get('Ready') === 'Unknown')
    .map((d) => String(d.args['name'] ?? ''))
    .filter((n) => n !== '');
}

export const nodeNotReadyAnalyzer: Analyzer = {
  name: 'node-not-ready',
  // A node whose kubelet stopped posting: what the cluster's controllers say of its machine.
  reads({ seen }) {
    const nodes = silentNodes(seen).slice(0, 1);
    if (nodes.length === 0) return [];
    const system = podListOf(seen, 'kube-system')?.content;
    const watchers = parseTable(system ?? '')
      .map((r) => r['NAME'] ?? '')
      .filter((n) => MACHINE_WATCHERS.test(n))
      .slice(0, 3);
    return [
      { tool: 'list_pods', args: { namespace: 'kube-system' } },
      ...watchers.map((name) => ({
        tool: 'search_pod_logs',
        args: { namespace: 'kube-system', name, pattern: nodes[0]!, context: 0, maxMatches: 5 },
      })),
    ];
  },
  finds(ctx) {
    const out = [];
    for (const node of silentNodes(ctx.seen)) {
      const said = outputs(ctx.seen, 'search_pod_logs', (o) => o.args['pattern'] === node)
        .flatMap((o) =>
          o.content
            .split('\n')
            .map((l) => ({ pod: String(o.args['name']), line: l.replace(/^\d{1,7}[:-]/, '') })),
        )
        .filter((x) => x.line.length <= 4000 && MACHINE_GONE.test(x.line));
      if (said.length === 0) continue;
      out.push({
        weight: 96,
        object: `node ${node}`,
        cause: `node ${node} is NotReady (Kubelet stopped posting node status) because its machine is gone, not because its kubelet crashed: ${said
          .slice(0, 2)
          .map((x) => `${x.pod}: "${clip(x.line.trim(), 200)}"`)
          .join(
            '; ',
          )} — the instance was terminated (its autoscaling group scaled in, or the cloud reclaimed it) without the node being cordoned and drained first, so the Node object stays NotReady and its pods stay Terminating until the node is removed`,
        evidence: [
          `describe_node ${node}: condition Ready Unknown (Kubelet stopped posting node status)`,
          ...said.slice(0, 2).map((x) => `search_pod_logs ${x.pod} (${node}): "${clip(x.line.trim(), 160)}"`),
        ],
        advice: `delete the Node object ${node} (kubectl delete node ${node}; the cloud controller does it once it sees the instance is gone), so its pods are removed and replaced; drain nodes before scale-in (the termination handler's draining, or the autoscaling group's lifecycle hook)`,
      });
    }
    for (const d of outputs(ctx.seen, 'describe_node')) {
      const ready = nodeConditions(d.content).get('Ready');
      if (!ready || ready === 'True') continue;
      const warnings = nodeWarnings(d.content);
      const glossed = warnings.map((w) => ({ w, means: logGloss(w.message) })).find((x) => x.means);
      if (!glossed) continue;
      const node = String(d.args['name'] ?? '');
      out.push({
        // Above the scan's own NotReady finding for the node (85, more when pods wait on it): the same
        // fault with its reason.
        weight: 96,
        object: `node ${node}`,
        cause: `node ${node} is NotReady (Ready ${ready}) because of what its own events report: ${glossed.w.reason}: "${clip(glossed.w.message, 200)}" — ${glossed.means}`,
        evidence: [
          `describe_node ${node}: condition Ready ${ready}`,
          `describe_node ${node}: Warning ${glossed.w.reason}: ${clip(glossed.w.message, 160)}`,
        ],
        advice: `fix what the node reports on ${node}; cordon it and move its pods meanwhile`,
      });
    }
    return out;
  },
};
