import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { type Analyzer, outputs, podListOf } from './types.js';

/** Seconds in a kubectl AGE or "ago" (`2d`, `46h`, `5m30s`); undefined when it is not one. */
function seconds(age: string | undefined): number | undefined {
  const parts = [...(age ?? '').matchAll(/(\d{1,9})([dhms])/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== age) return undefined;
  const unit: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  return parts.reduce((sum, m) => sum + Number(m[1]) * unit[m[2]!]!, 0);
}

/** A crash loop restarts within minutes; a last restart this long ago is over (as `PAST_CRASH_SECONDS`). */
const LONG_AGO = 12 * 3600;
/** How close a node's joining and a restart must be to be one event (kubectl rounds days to whole days). */
const NEAR = 3 * 3600;

/** Pods of the namespace whose last restart is long past, with their node and how long ago. */
function oldRestarts(
  seen: readonly SeenObservation[],
  ns: string,
): { pod: string; node: string; ago: number }[] {
  const list = podListOf(seen, ns);
  if (!list) return [];
  return parseTable(list.content).flatMap((r) => {
    const ago = seconds(/\((\S{1,20}) ago\)/.exec(r['RESTARTS'] ?? '')?.[1]);
    const node = r['NODE'];
    const [ready, want] = (r['READY'] ?? '').split('/');
    return ago !== undefined &&
      ago >= LONG_AGO &&
      node &&
      node !== '<none>' &&
      ready !== undefined &&
      ready === want
      ? [{ pod: r['NAME'] ?? '', node, ago }]
      : [];
  });
}

/**
 * Restarts long past that came with the node: the pod's node joined the cluster about when the
 * container last restarted (a node pool upgrade or replacement drains the old nodes, stopping their
 * containers with SIGTERM, and a pod caught mid-drain is restarted), so the restart is the node's
 * replacement, not the program failing. From `list_pods` (RESTARTS "(2d ago)", NODE) and `list_nodes`
 * (AGE). When every node is that young, the whole pool was replaced.
 */
export function restartsFromNodeReplacement(
  seen: readonly SeenObservation[],
  ns: string,
): { pods: string[]; nodes: { name: string; age: string }[]; allNodes: boolean } | undefined {
  const restarted = oldRestarts(seen, ns);
  const nodes = outputs(seen, 'list_nodes').pop();
  if (restarted.length === 0 || !nodes) return undefined;
  const rows = parseTable(nodes.content).map((r) => ({ name: r['NAME'] ?? '', age: r['AGE'] ?? '' }));
  const matched = restarted.filter((p) => {
    const n = rows.find((r) => r.name === p.node);
    const age = seconds(n?.age);
    return age !== undefined && Math.abs(age - p.ago) <= NEAR + (n!.age.endsWith('d') ? 86400 / 2 : 0);
  });
  if (matched.length === 0) return undefined;
  const used = rows.filter((r) => matched.some((p) => p.node === r.name));
  const youngest = Math.max(...matched.map((p) => p.ago)) + NEAR + 86400 / 2;
  const allNodes =
    rows.length > 1 && rows.every((r) => (seconds(r.age) ?? Number.POSITIVE_INFINITY) <= youngest);
  return { pods: matched.map((p) => p.pod), nodes: used, allNodes };
}

/**
 * Old restarts on pods whose nodes are as young as the restart: the list of nodes is read, and the
 * answer says the restart came with the node replacement (an upgrade or drain), not from the program.
 */
export const nodeReplacedAnalyzer: Analyzer = {
  name: 'node-replaced',
  reads({ seen, ns }) {
    return oldRestarts(seen, ns).length > 0 ? [{ tool: 'list_nodes', args: {} }] : [];
  },
  finds: () => [],
  notes({ seen, ns }) {
    const r = restartsFromNodeReplacement(seen, ns);
    if (!r) return [];
    return [
      `The restart of ${r.pods.join(', ')} coincides with ${r.nodes.length === 1 ? 'its node' : 'their nodes'} joining the cluster (${r.nodes
        .map((n) => `${n.name}, ${n.age} old`)
        .join(
          '; ',
        )})${r.allNodes ? ', and every node of the cluster is that young: the node pool was replaced then (a node upgrade or replacement, which drains the old nodes)' : ': the node was replaced then (an upgrade or a drain)'}. Draining a node stops its containers (SIGTERM) and reschedules the pods, so the restart and any warnings logged at that time (peers going down and reconnecting) come from the node replacement, not from the program; since then the pods are Running and Ready. No action needed.`,
    ];
  },
};
