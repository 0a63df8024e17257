import { parseQuantity } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, containerSections, type Finding, outputs, ownerDeployment } from './types.js';

const GI = 1024 ** 3;

/** The memory a pod's containers request, summed (bytes), from a describe_pod text; with the container that asks most. */
function memoryRequest(text: string): { total: number; container?: string; written?: string } {
  let total = 0;
  let most: { name: string; bytes: number; written: string } | undefined;
  let count = 0;
  for (const c of containerSections(text)) {
    if (c.init) continue;
    const m = /Requests:\s*\n(?:[ \t]+[^\s:]+:.*\n)*?[ \t]+memory:[ \t]*(\S{1,32})/.exec(`${c.body}\n`);
    const bytes = parseQuantity(m?.[1]);
    if (bytes === undefined) continue;
    total += bytes;
    count++;
    if (!most || bytes > most.bytes) most = { name: c.name, bytes, written: m![1]! };
  }
  // The request as written (24Gi), when one container holds it all.
  return {
    total,
    ...(most ? { container: most.name } : {}),
    ...(most && count === 1 ? { written: most.written } : {}),
  };
}

/**
 * A Pending pod whose memory request is more than any node's allocatable memory: the scheduler
 * compares requests with allocatable, which is the node's capacity minus kube-reserved,
 * system-reserved and the eviction threshold (kubernetes.io, "Reserve Compute Resources for System
 * Daemons"), so a request equal to the instance's nominal memory never fits. Found from the pod's
 * description (Insufficient memory, its requests) and `list_nodes` (allocatable memory). The fix
 * lowers the request to fit the largest node's allocatable with a margin.
 */
export const allocatableAnalyzer: Analyzer = {
  name: 'allocatable',
  reads({ seen, ns }) {
    const pending = outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns).some((o) =>
      /Insufficient memory/.test(o.content),
    );
    return pending ? [{ tool: 'list_nodes', args: {} }] : [];
  },
  finds({ ns, seen }) {
    const nodes = outputs(seen, 'list_nodes').pop();
    if (!nodes) return [];
    const allocatable = parseTable(nodes.content)
      .map((r) => ({ name: r['NAME'] ?? '', bytes: parseQuantity(r['MEMORY']) }))
      .filter((n): n is { name: string; bytes: number } => n.bytes !== undefined);
    if (allocatable.length === 0) return [];
    const largest = allocatable.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      if (!/^Status:\s+Pending/m.test(d.content) || !/Insufficient memory/.test(d.content)) continue;
      const { total, container, written } = memoryRequest(d.content);
      if (total <= largest.bytes) continue;
      const pod = String(d.args['name'] ?? '');
      const owner = ownerDeployment(d.content);
      const fit = Math.floor((largest.bytes * 0.9) / GI);
      const gi = (b: number) => `${Number((b / GI).toFixed(1))}Gi`;
      // Far above every node (24Gi on 16Gi nodes): not the capacity-versus-allocatable margin but a
      // request no node of this size can ever hold, empty or not: often a typo in the value.
      if (total > largest.bytes * 1.15) {
        out.push({
          weight: 93,
          object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
          cause: `pod ${pod} requests ${written ?? gi(total)} of memory${container ? ` (container ${container}, resources.requests.memory)` : ''}, more than any node has: the largest node, ${largest.name}, has ${gi(largest.bytes)} allocatable, so the pod fits on no node even an empty one ("Insufficient memory" on every node) and the cluster autoscaler cannot add a node big enough from node groups of this size; the request is too large (check the value for a typo)`,
          evidence: [
            `describe_pod ${pod}: Requests memory ${written ?? gi(total)}; FailedScheduling Insufficient memory`,
            `list_nodes: allocatable memory at most ${gi(largest.bytes)} (${largest.name})`,
          ],
          advice: `lower the memory request${owner && container ? ` of ${owner}/${container}` : ''} from ${written ?? gi(total)} to what the program needs (the previous revision's value, in the rollout history), below the nodes' ${gi(largest.bytes)} allocatable; or run it on a node group with more memory`,
        });
        continue;
      }
      out.push({
        weight: 93,
        object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
        cause: `pod ${pod} requests ${gi(total)} of memory, more than any node's allocatable memory (the largest, ${largest.name}, offers ${gi(largest.bytes)}): the scheduler compares requests with allocatable, which is the node's capacity minus kube-reserved, system-reserved and the eviction threshold, not with the instance's nominal memory, so a request equal to the node's size never fits ("Insufficient memory") and a bigger node group or autoscaler is not needed for it`,
        evidence: [
          `describe_pod ${pod}: requests memory ${gi(total)}, FailedScheduling Insufficient memory`,
          `list_nodes: allocatable memory at most ${gi(largest.bytes)} (${largest.name})`,
        ],
        ...(owner && container
          ? {
              fix: {
                tool: 'set_resources',
                args: { namespace: ns, deployment: owner, container, requests: { memory: `${fit}Gi` } },
                text: `lower the memory request of ${owner}/${container} to ${fit}Gi, under the nodes' allocatable ${gi(largest.bytes)}`,
              },
            }
          : {}),
        advice: `request less memory than the node's allocatable (${gi(largest.bytes)}), e.g. ${fit}Gi, or run on a node group with more memory`,
      });
    }
    return out.slice(0, 1);
  },
};
