import { matchesHint } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { nodeTaints, type Taint, tolerates, tolerations } from './cni-daemonset-taint.js';
import {
  type Analyzer,
  type AnalyzerContext,
  describedLabels,
  type Finding,
  flat,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/** At most this many nodes without the DaemonSet's pod are described. */
const MAX_DESCRIBED = 3;

/** The control plane's taint keeps DaemonSets off those nodes by design (kubeadm sets it). */
const CONTROL_PLANE = /^node-role\.kubernetes\.io\/(?:control-plane|master)$/;

/** A described DaemonSet's pod-template nodeSelector (`template.spec.nodeSelector.<key>: <value>` lines). */
function nodeSelectorOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text
    .slice(0, 100_000)
    .matchAll(/^\s{0,8}template\.spec\.nodeSelector\.(\S{1,253}): (\S{0,63})$/gm))
    out[m[1]!] = m[2]!;
  return out;
}

/** A taint as `kubectl describe node` prints it: `key=value:Effect`. */
function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/**
 * The DaemonSets described in the namespace that the task names and that want fewer pods than the cluster
 * has nodes (its `desiredNumberScheduled` below the node list's rows), with the nodes that run none of its
 * pods (by the pod list's NODE column: a DaemonSet's pod is `<name>-<5>`).
 */
function short(
  ctx: AnalyzerContext,
): { name: string; desired: number; nodes: number; missing: string[]; text: string }[] {
  const list = outputs(ctx.seen, 'list_nodes').pop();
  if (!list) return [];
  // Control-plane nodes last: a DaemonSet kept off them by their taint is by design, so the nodes read first
  // are the others.
  const rows = parseTable(list.content.slice(0, 200_000)).filter((r) => r['NAME']);
  const plane = (r: Record<string, string>) => /control-plane|master/.test(r['ROLES'] ?? '');
  const nodes = [...rows.filter((r) => !plane(r)), ...rows.filter(plane)].map((r) => r['NAME']!);
  const pods = parseTable(podListOf(ctx.seen, ctx.ns)?.content.slice(0, 200_000) ?? '');
  const out: ReturnType<typeof short> = [];
  for (const o of outputs(
    ctx.seen,
    'describe_resource',
    (x) =>
      /^(?:daemonsets?|ds)$/i.test(String(x.args['kind'])) &&
      String(x.args['namespace'] ?? ctx.ns) === ctx.ns,
  )) {
    const name = String(o.args['name'] ?? '');
    const desired = Number(flat(o.content, 'desiredNumberScheduled') ?? Number.NaN);
    if (!name || !matchesHint(name, ctx.hints) || !(desired < nodes.length)) continue;
    if (out.some((x) => x.name === name)) continue;
    const own = new RegExp(`^${name.replace(/[.]/g, '\\.')}-[a-z0-9]{5}$`);
    const running = new Set(pods.filter((r) => own.test(r['NAME'] ?? '')).map((r) => r['NODE'] ?? ''));
    // Without a pod list that shows its pods, nothing says which nodes lack one.
    if (running.size === 0) continue;
    out.push({
      name,
      desired,
      nodes: nodes.length,
      missing: nodes.filter((n) => !running.has(n)),
      text: o.content,
    });
  }
  return out;
}

/**
 * A DaemonSet the person names that runs on fewer nodes than the cluster has, because the nodes without its
 * pod carry a taint (NoSchedule or NoExecute) its pod template does not tolerate: the DaemonSet controller
 * places a pod only on nodes whose taints it tolerates, and adds tolerations of its own only for node
 * conditions (not-ready, unreachable, disk and memory pressure, unschedulable), never for a custom taint
 * such as a dedicated pool's (kubernetes.io, "DaemonSet": "Taints and tolerations"). Its status shows no
 * fault (every pod it wants is ready), so the missing nodes are only seen by comparing its desired count with
 * the node list. Reads: the node list, then the nodes without its pod (at most three).
 */
export const daemonSetUntoleratedNodesAnalyzer: Analyzer = {
  name: 'daemonset-untolerated-nodes',
  reads(ctx): Read[] {
    const named = outputs(
      ctx.seen,
      'describe_resource',
      (x) =>
        /^(?:daemonsets?|ds)$/i.test(String(x.args['kind'])) &&
        matchesHint(String(x.args['name']), ctx.hints),
    );
    if (named.length === 0) return [];
    if (outputs(ctx.seen, 'list_nodes').length === 0) return [{ tool: 'list_nodes', args: {} }];
    return short(ctx).flatMap((d) =>
      d.missing.slice(0, MAX_DESCRIBED).map((node) => ({ tool: 'describe_node', args: { name: node } })),
    );
  },
  finds(ctx): Finding[] {
    for (const d of short(ctx)) {
      const ts = tolerations(d.text);
      const tainted: { node: string; taint: Taint }[] = [];
      const selector = nodeSelectorOf(d.text);
      for (const node of d.missing) {
        const described = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
        if (!described) continue;
        // A node the DaemonSet's own nodeSelector keeps it off (kubernetes.io/os: linux on a Windows node) is
        // not a taint's doing.
        const labels = describedLabels(described.content);
        if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) continue;
        const t = nodeTaints(described.content).find(
          (x) => x.effect !== 'PreferNoSchedule' && !CONTROL_PLANE.test(x.key) && !tolerates(ts, x),
        );
        if (t) tainted.push({ node, taint: t });
      }
      if (tainted.length === 0) continue;
      const taint = taintText(tainted[0]!.taint);
      const where = tainted.map((x) => x.node).join(', ');
      return [
        {
          weight: 92,
          object: `daemonset ${d.name}`,
          cause: `DaemonSet ${d.name} runs no pod on node${tainted.length > 1 ? 's' : ''} ${where}: ${tainted.length > 1 ? 'they carry' : 'it carries'} the taint ${taint} and the DaemonSet's pod template has no toleration for it (tolerations: ${ts.map((t) => (t.key ? `${t.key}${t.operator ? ` ${t.operator}` : ''}` : (t.operator ?? ''))).join(', ') || 'none'}), so the DaemonSet controller does not place a pod there (it tolerates node conditions on its own, never a custom taint); it wants ${d.desired} pods for ${d.nodes} nodes${flat(d.text, 'numberReady') === String(d.desired) ? ', all of them ready, so its status shows no fault' : ''}, and nothing it does runs on those nodes`,
          evidence: [
            `describe_resource DaemonSet ${d.name}: desiredNumberScheduled ${d.desired}, ${d.nodes} nodes listed`,
            ...tainted
              .slice(0, MAX_DESCRIBED)
              .map((x) => `describe_node ${x.node}: Taints ${taintText(x.taint)}`),
          ],
          advice: `add a toleration for ${taint} to DaemonSet ${d.name}'s pod template (key ${tainted[0]!.taint.key}, operator ${tainted[0]!.taint.value ? 'Equal, value ' + tainted[0]!.taint.value : 'Exists'}, effect ${tainted[0]!.taint.effect}), or operator Exists to run on every node, so its controller places a pod on ${where}`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
