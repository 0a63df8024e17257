import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, flat, outputs, type Read, textOf } from './types.js';

// The kubelet's sandbox failure when the node's network plugin is missing (its binary or its agent).
const NO_PLUGIN =
  /failed to find plugin "([a-z0-9._-]{1,63})"|plugin type="([a-z0-9._-]{1,63})" failed|network plugin is not ready|cni plugin not initialized/i;

interface Taint {
  key: string;
  value: string;
  effect: string;
}

function nodeTaints(describe: string): Taint[] {
  const at = describe.search(/^Taints:/m);
  if (at < 0) return [];
  const out: Taint[] = [];
  for (const line of describe
    .slice(at, at + 4000)
    .split('\n')
    .slice(0, 20)) {
    const m =
      /^(?:Taints:)?\s+([a-z0-9./-]{1,253})(?:=([^:\s]{0,63}))?:(NoSchedule|NoExecute|PreferNoSchedule)\s*$/.exec(
        line,
      );
    if (m) out.push({ key: m[1]!, value: m[2] ?? '', effect: m[3]! });
    else if (out.length > 0 || !/^Taints:/.test(line)) break;
  }
  return out;
}

/** The tolerations of a DaemonSet's pod template, from describe_resource's flattened spec. */
function tolerations(
  describe: string,
): { key?: string; operator?: string; value?: string; effect?: string }[] {
  const out: { key?: string; operator?: string; value?: string; effect?: string }[] = [];
  for (let i = 0; i < 20; i++) {
    const field = (f: string) => flat(describe, `template.spec.tolerations[${i}].${f}`);
    const t = {
      key: field('key'),
      operator: field('operator'),
      value: field('value'),
      effect: field('effect'),
    };
    if (!t.key && !t.operator) break;
    out.push(t);
  }
  return out;
}

function tolerates(ts: readonly ReturnType<typeof tolerations>[number][], taint: Taint): boolean {
  return ts.some(
    (t) =>
      (!t.effect || t.effect === taint.effect) &&
      ((t.operator === 'Exists' && (!t.key || t.key === taint.key)) ||
        (t.key === taint.key && (t.value ?? '') === taint.value)),
  );
}

/**
 * Pods that cannot get a network on a node whose network-plugin DaemonSet pod is missing because the
 * node carries a taint the DaemonSet does not tolerate: a DaemonSet places pods only on nodes whose
 * taints it tolerates (its controller adds tolerations for the node conditions, not for custom
 * taints), so pods that do tolerate the taint land there and fail at sandbox creation.
 * https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations
 */
export const cniDaemonSetTaintAnalyzer: Analyzer = {
  name: 'cni-daemonset-taint',
  reads({ ns, seen }) {
    const events = textOf(seen, 'get_events');
    const m = NO_PLUGIN.exec(events);
    if (!m) return [];
    const plugin = m[1] ?? m[2];
    const pods = parseTable(
      outputs(seen, 'list_pods', (o) => o.args['namespace'] === ns && !o.args['labelSelector']).pop()
        ?.content ?? '',
    );
    const node = pods.find((r) => r['STATUS'] === 'ContainerCreating')?.['NODE'];
    const reads: Read[] = [{ tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'kube-system' } }];
    const sets = parseTable(
      outputs(
        seen,
        'list_resources',
        (o) => o.args['kind'] === 'DaemonSet' && o.args['namespace'] === 'kube-system',
      ).pop()?.content ?? '',
    ).map((r) => r['NAME'] ?? '');
    const ds =
      sets.find((n) => plugin && n.includes(plugin)) ??
      sets.find((n) => /cni|calico|cilium|flannel|weave|net/.test(n));
    if (ds)
      reads.push({
        tool: 'describe_resource',
        args: { kind: 'DaemonSet', namespace: 'kube-system', name: ds },
      });
    if (node && node !== '<none>') reads.push({ tool: 'describe_node', args: { name: node } });
    return reads;
  },
  finds({ ns, seen }) {
    const line = textOf(seen, 'get_events')
      .split('\n')
      .find((l) => l.length <= 4000 && NO_PLUGIN.test(l));
    if (!line) return [];
    const pods = parseTable(
      outputs(seen, 'list_pods', (o) => o.args['namespace'] === ns && !o.args['labelSelector']).pop()
        ?.content ?? '',
    ).filter((r) => r['STATUS'] === 'ContainerCreating');
    for (const ds of outputs(seen, 'describe_resource', (o) => o.args['kind'] === 'DaemonSet')) {
      const ts = tolerations(ds.content);
      for (const node of [...new Set(pods.map((r) => r['NODE'] ?? ''))]) {
        const d = outputs(seen, 'describe_node', (o) => o.args['name'] === node).pop();
        if (!d) continue;
        const untolerated = nodeTaints(d.content).filter(
          (t) => t.effect !== 'PreferNoSchedule' && !tolerates(ts, t),
        );
        if (untolerated.length === 0) continue;
        const taint = untolerated[0]!;
        const name = String(ds.args['name']);
        const out: Finding = {
          weight: 92,
          object: `daemonset ${name} in kube-system`,
          cause: `the pods stuck in ContainerCreating get no network: the network plugin's DaemonSet ${name} has no pod on node ${node}, because ${node} carries the taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect} and the DaemonSet's pod template has no toleration for it (a DaemonSet places pods only on nodes whose taints it tolerates), so the pods that do tolerate the taint land there and fail to create their sandbox ("${clip(line.trim().replace(/\s{2,}/g, ' '), 160)}"); it is not the GPU driver or the pods`,
          evidence: [
            `event: ${clip(line.trim().replace(/\s{2,}/g, ' '), 160)}`,
            `describe_node ${node}: Taints ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`,
            `describe_resource DaemonSet ${name}: tolerations ${ts.map((t) => t.key ?? t.operator).join(', ') || 'none'}`,
          ],
          advice: `add a toleration for ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect} to DaemonSet ${name} (network plugins usually tolerate every taint: operator Exists), so it runs on the tainted nodes`,
        };
        return [out];
      }
    }
    return [];
  },
};
