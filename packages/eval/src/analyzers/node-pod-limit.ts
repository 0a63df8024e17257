import { parseTable } from '../k8s-text.js';
import { type Analyzer, type Finding, outputs, type Read, textOf } from './types.js';

/** The scheduler's reason when no node has a pod slot left (kube-scheduler's NodeResourcesFit: `Too many pods`). */
const TOO_MANY = /\bToo many pods\b/;

/** A node's allocatable pod count and the pods it runs, from `describe_node`. */
export function podSlots(
  described: string,
): { allocatable: number; running: number; byNamespace: Map<string, number> } | undefined {
  const text = described.slice(0, 200_000);
  const alloc =
    // Any resource names before `pods:` (`hugepages-2Mi`, `nvidia.com/gpu`), as kubectl prints them.
    /^Allocatable:\s*\n(?:\s{2,}[A-Za-z0-9./_-]{1,80}:[^\n]{0,40}\n){0,16}?\s{2,}pods:\s+(\d{1,6})\s*$/m.exec(
      text,
    );
  const running = /^Non-terminated Pods:\s+\((\d{1,6}) in total\)/m.exec(text);
  if (!alloc || !running) return undefined;
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^Non-terminated Pods:/.test(l));
  const table: string[] = [];
  for (const l of lines.slice(at + 1, at + 1 + 2000)) {
    if (!/^\s/.test(l)) break;
    table.push(l.trim());
  }
  const byNamespace = new Map<string, number>();
  for (const r of parseTable(table.join('\n'))) {
    const ns = r['Namespace'] ?? r['NAMESPACE'];
    if (ns) byNamespace.set(ns, (byNamespace.get(ns) ?? 0) + 1);
  }
  return { allocatable: Number(alloc[1]), running: Number(running[1]), byNamespace };
}

/**
 * Pods Pending with "Too many pods" on a node that has CPU and memory to spare: the node runs as many pods as
 * its allocatable `pods` (the kubelet's maxPods, 110 by default, often set lower on small or single-node
 * clusters), so the scheduler places nothing more there until pods are removed or the limit is raised. Says
 * which node, its count against the limit, and which namespaces hold its pods (leftover environments are the
 * usual filler). Reads the nodes when a pending pod's events give that reason.
 */
export const nodePodLimitAnalyzer: Analyzer = {
  name: 'node-pod-limit',
  reads({ seen }): Read[] {
    const said =
      outputs(seen, 'describe_pod').some((o) => TOO_MANY.test(o.content)) ||
      TOO_MANY.test(textOf(seen, 'get_events'));
    if (!said) return [];
    const nodes = outputs(seen, 'list_nodes').pop();
    if (!nodes) return [{ tool: 'list_nodes', args: {} }];
    return parseTable(nodes.content)
      .map((r) => r['NAME'] ?? '')
      .filter(Boolean)
      .slice(0, 3)
      .map((name) => ({ tool: 'describe_node', args: { name } }));
  },
  finds({ ns, seen }): Finding[] {
    const said =
      outputs(seen, 'describe_pod').some((o) => TOO_MANY.test(o.content)) ||
      TOO_MANY.test(textOf(seen, 'get_events'));
    if (!said) return [];
    for (const d of outputs(seen, 'describe_node')) {
      const node = String(d.args['name'] ?? '');
      const slots = podSlots(d.content);
      if (!slots || slots.running < slots.allocatable) continue;
      const holders = [...slots.byNamespace]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([n, c]) => `${n} ${c}`)
        .join(', ');
      return [
        {
          weight: 90,
          object: `node ${node}`,
          cause: `node ${node} has reached its pod limit: it runs ${slots.running} of its ${slots.allocatable} allocatable pods (the kubelet's maxPods), so the scheduler refuses every new pod with "Too many pods" although CPU and memory are free; the pods of ${ns} stay Pending until pods are removed from the node or its limit is raised${holders ? ` (its pods by namespace: ${holders})` : ''}`,
          evidence: [
            `describe_node ${node}: Allocatable pods ${slots.allocatable}, Non-terminated Pods: (${slots.running} in total)`,
          ],
          advice: `free pod slots on ${node} (delete finished or leftover environments' pods${
            holders
              ? `; see ${[...slots.byNamespace.keys()]
                  .filter((n) => n !== ns)
                  .slice(0, 2)
                  .join(', ')}`
              : ''
          }), or raise the kubelet's maxPods (and the CNI's address range behind it), or add a node`,
        },
      ];
    }
    return [];
  },
};
