import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { type Analyzer, clip, outputs, type Read } from './types.js';

/** A node a log line names: `Node \`ip-10-1-26-73.eu-central-1.compute.internal\``, `node "worker-3"`, `node=worker-3`. */
const NODE_NAMED =
  /\b[Nn]ode(?:Name)?(?:\s{0,2}[=:]\s{0,2}|\s{1,2})[`'"]([a-z0-9][a-z0-9.-]{2,252})[`'"]|\bnode(?:Name)?=([a-z0-9][a-z0-9.-]{2,252})/;

/** The node name a line gives, when it looks like one: quoted or `node=`, with a hyphen or a dot, not a Service's name. */
function nodeOf(line: string): string | undefined {
  const m = NODE_NAMED.exec(line.slice(0, 2000));
  const name = m?.[1] ?? m?.[2];
  return name && /[-.]/.test(name) && !/\.svc(?:\.|$)/.test(name) ? name : undefined;
}

/** The cluster's node names, once `list_nodes` was read. */
function nodeNames(seen: readonly SeenObservation[]): string[] | undefined {
  const o = outputs(seen, 'list_nodes').pop();
  return o ? parseTable(o.content.slice(0, 200_000)).map((r) => r['NAME'] ?? '') : undefined;
}

/**
 * When every one of `lines` (a log's warnings) names a node the cluster does not have, while it has
 * others: those nodes and the nodes it has. Undefined otherwise, or before the nodes were listed.
 */
export function removedNodeWarnings(
  seen: readonly SeenObservation[],
  lines: readonly string[],
): { gone: string[]; nodes: string[] } | undefined {
  const nodes = nodeNames(seen);
  if (!nodes || nodes.length === 0 || lines.length === 0) return undefined;
  const gone = new Set<string>();
  for (const l of lines.slice(0, 500)) {
    const name = nodeOf(l);
    // A node the cluster has, or its short name (ip-10-1-26-73 for ip-10-1-26-73.eu-central-1…): not gone.
    if (!name || nodes.some((n) => n === name || n.startsWith(`${name}.`) || name.startsWith(`${n}.`)))
      return undefined;
    gone.add(name);
  }
  return { gone: [...gone], nodes };
}

/** Warning lines of the namespace's logs that name a node. */
function nodeWarnings(seen: readonly SeenObservation[], ns: string): { pod: string; lines: string[] }[] {
  return outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
    .map((o) => ({
      pod: String(o.args['name'] ?? ''),
      lines: o.content
        .slice(-100_000)
        .split('\n')
        .filter(
          (l) =>
            l.length <= 2000 && /\b(?:WRN|WARN|WARNING|warn|warning)\b/i.test(l) && nodeOf(l) !== undefined,
        ),
    }))
    .filter((x) => x.lines.length > 0);
}

/**
 * Warnings about nodes the cluster no longer has (OpenCost's `Node … in prometheus but not k8s api`, a
 * collector's stale target): the nodes were removed (a scale-down, a replaced node group) while a metrics
 * store still holds their series until they go stale or age out of retention, so a program that compares
 * the two warns. Nothing is wrong, and nothing needs fixing; the warnings stop once those series age out.
 * The nodes are listed when the namespace's logs warn about a node.
 */
export const removedNodesAnalyzer: Analyzer = {
  name: 'removed-nodes',
  reads(ctx): Read[] {
    if (nodeNames(ctx.seen) || nodeWarnings(ctx.seen, ctx.ns).length === 0) return [];
    return [{ tool: 'list_nodes', args: {} }];
  },
  finds: () => [],
  notes(ctx): string[] {
    for (const w of nodeWarnings(ctx.seen, ctx.ns)) {
      const r = removedNodeWarnings(ctx.seen, w.lines);
      if (!r) continue;
      return [
        `The warnings of ${w.pod} ("${clip(w.lines[w.lines.length - 1]!.trim(), 160)}", ${w.lines.length} of them) are about nodes the cluster no longer has (${r.gone.slice(0, 4).join(', ')}; its nodes now: ${r.nodes.slice(0, 4).join(', ')}${r.nodes.length > 4 ? ', …' : ''}): those nodes were removed, by a scale-down or a replaced node group, while the metrics store still holds their series until they go stale or age out of its retention, so a program that compares the two warns about them. This is expected and harmless: nothing is wrong and nothing needs fixing; the warnings stop once those series age out.`,
      ];
    }
    return [];
  },
};
