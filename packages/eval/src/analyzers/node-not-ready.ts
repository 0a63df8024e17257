import { nodeWarnings } from './failing-node.js';
import { logGloss } from './log-glosses.js';
import { type Analyzer, clip, nodeConditions, outputs } from './types.js';

/**
 * A node that is not Ready, with the reason its own Warning events give (the kubelet's or
 * node-problem-detector's messages: an expired client certificate, a runtime down, a disk): the
 * condition says that the kubelet stopped reporting, the events say why. No reads: the node's
 * description is what other signatures ask for.
 * https://kubernetes.io/docs/reference/node/node-status/#condition
 */
export const nodeNotReadyAnalyzer: Analyzer = {
  name: 'node-not-ready',
  reads: () => [],
  finds(ctx) {
    const out = [];
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
