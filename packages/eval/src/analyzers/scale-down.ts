import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, type Read } from './types.js';

// A question about nodes that do not go away.
const ASKED =
  /scale[sd]? ?down|scal\w* in\b|shrink|never shr|stay\w* at \w+ nodes|nodes? (?:stay|remain)|not (?:removed|scaling down)/i;
// The cluster autoscaler's verdict per node ("Fast evaluation: node X cannot be removed: <why>").
const KEPT = /node (\S{1,253}) cannot be removed: ([^\n]{1,300})/;

/** What a reason of the autoscaler's means, for the ones people meet most (its FAQ's words). */
function meaning(why: string): string {
  if (/not safe to evict/i.test(why))
    return 'a pod there carries the annotation cluster-autoscaler.kubernetes.io/safe-to-evict: "false", which forbids the autoscaler to evict it, so it never removes that node however idle; remove the annotation from the pod template (or set it to "true") where the pods can be moved';
  if (/local storage/i.test(why))
    return 'a pod there uses local storage (emptyDir or hostPath), which the autoscaler will not evict unless the pod is annotated safe-to-evict: "true" (or --skip-nodes-with-local-storage=false)';
  if (/disruption ?budget|\bpdb\b/i.test(why))
    return 'evicting a pod there would break its PodDisruptionBudget; loosen the budget (or add replicas) so one pod may move';
  if (/not replicated|kube-system/i.test(why))
    return 'a pod there has no controller to recreate it (or is a kube-system pod without a PodDisruptionBudget), so the autoscaler will not evict it';
  return 'the autoscaler keeps the node for this reason';
}

/**
 * Nodes the cluster autoscaler keeps although they are idle: its own log names, for each node, why it
 * cannot be removed (a pod annotated not safe to evict, local storage, a PodDisruptionBudget, a pod
 * without a controller). Asked why a node pool does not scale down, read the autoscaler's log.
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md
 * ("What types of pods can prevent CA from removing a node?")
 */
export const scaleDownAnalyzer: Analyzer = {
  name: 'scale-down',
  reads({ task, seen }): Read[] {
    if (!ASKED.test(task)) return [];
    const listed = outputs(seen, 'list_pods', (o) => o.args['namespace'] === 'kube-system');
    if (listed.length === 0) return [{ tool: 'list_pods', args: { namespace: 'kube-system' } }];
    const ca = listed
      .flatMap((o) => parseTable(o.content))
      .find((r) => /cluster-autoscaler|karpenter/.test(r['NAME'] ?? ''))?.['NAME'];
    return ca ? [{ tool: 'get_pod_logs', args: { namespace: 'kube-system', name: ca } }] : [];
  },
  finds({ task, seen }) {
    if (!ASKED.test(task)) return [];
    const log = outputs(
      seen,
      'get_pod_logs',
      (o) =>
        o.args['namespace'] === 'kube-system' && /cluster-autoscaler|karpenter/.test(String(o.args['name'])),
    ).pop();
    if (!log) return [];
    const kept = log.content
      .slice(-200_000)
      .split('\n')
      .map((l) => KEPT.exec(l))
      .filter((m) => m !== null);
    if (kept.length === 0) return [];
    const byReason = new Map<string, string[]>();
    for (const m of kept) {
      const why = m[2]!.replace(/: \S{1,253}$/, '').trim();
      byReason.set(why, [...(byReason.get(why) ?? []), m[1]!]);
    }
    const [why, nodes] = [...byReason.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    const pods = [
      ...new Set(kept.map((m) => /present: (\S{1,253})$/.exec(m[2]!)?.[1]).filter((p) => p !== undefined)),
    ];
    const owner = pods[0]?.replace(/-[a-z0-9]{5,10}-[a-z0-9]{5}$/, '');
    const out: Finding = {
      weight: 92,
      object: owner ? `deployment ${owner}` : `nodes ${nodes.slice(0, 3).join(', ')}`,
      cause: `the cluster autoscaler runs and considers the idle nodes, but keeps ${nodes.length} of them: "${clip(kept[0]![0], 200)}"${
        pods.length ? ` (pods ${pods.slice(0, 4).join(', ')}${owner ? `, of ${owner}` : ''})` : ''
      }: ${meaning(why)}. It is not broken and restarting it changes nothing`,
      evidence: kept.slice(0, 2).map((m) => `get_pod_logs ${log.args['name']}: "${clip(m[0], 160)}"`),
      advice: meaning(why),
    };
    return [out];
  },
};
