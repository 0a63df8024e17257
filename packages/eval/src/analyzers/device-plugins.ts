import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { type Analyzer, describedLabels, type Finding, outputs, type Read, textOf } from './types.js';

/** The extended resource a FailedScheduling message says is short (`Insufficient nvidia.com/gpu`). */
function scarceExtended(text: string): string | undefined {
  return /Insufficient ([a-z0-9.-]{1,253}\/[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63}){0,3})/.exec(text)?.[1];
}

/** A node description's capacity keys, taints and labels. */
function nodeFacts(text: string): { capacity: Set<string>; taints: string[]; labels: string[] } {
  const capacity = new Set<string>();
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === 'Capacity:');
  if (at >= 0)
    for (const l of lines.slice(at + 1)) {
      const m = /^\s{2}([^\s:]{1,253}):\s/.exec(l);
      if (!m) break;
      capacity.add(m[1]!);
    }
  const taints = (/^Taints:\s+(.*)$/m.exec(text)?.[1] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t && t !== '<none>');
  const labels = Object.entries(describedLabels(text)).map(([k, v]) => `${k}=${v}`);
  return { capacity, taints, labels };
}

/** Device-plugin DaemonSets the search found: namespace and name. */
function pluginDaemonSets(seen: readonly SeenObservation[]): { ns: string; name: string }[] {
  const found = outputs(seen, 'find_objects', (o) => o.args['name'] === 'device-plugin').pop();
  return (found ? parseTable(found.content) : [])
    .filter((r) => r['KIND'] === 'DaemonSet' && r['NAME'] && r['NAMESPACE'])
    .slice(0, 2)
    .map((r) => ({ ns: r['NAMESPACE']!, name: r['NAME']! }));
}

/** Whether the DaemonSet's tolerations (flattened describe lines) cover a taint `key[=value]:Effect`. */
function tolerates(ds: string, taint: string): boolean {
  const key = taint.split(/[=:]/)[0]!;
  const effect = taint.split(':').pop() ?? '';
  const tolerations = new Map<string, Record<string, string>>();
  for (const m of ds.matchAll(/tolerations\[(\d{1,3})\]\.(key|operator|effect|value): ?(\S*)/g)) {
    const t = tolerations.get(m[1]!) ?? {};
    t[m[2]!] = m[3]!;
    tolerations.set(m[1]!, t);
  }
  return [...tolerations.values()].some(
    (t) =>
      (t['key'] === undefined ? t['operator'] === 'Exists' : t['key'] === key) &&
      (t['effect'] === undefined || t['effect'] === '' || t['effect'] === effect),
  );
}

/**
 * Pods Pending on an extended resource (`Insufficient nvidia.com/gpu`) while a node meant to have it
 * advertises none: extended resources are advertised by a device plugin, usually a DaemonSet, so a
 * node its pod does not run on (a taint it does not tolerate) has none to offer (kubernetes.io,
 * "Device Plugins"; "Schedule GPUs").
 */
export const devicePluginsAnalyzer: Analyzer = {
  name: 'device-plugins',
  reads({ seen }) {
    const resource = scarceExtended(`${textOf(seen, 'get_events')}\n${textOf(seen, 'describe_pod')}`);
    if (!resource) return [];
    const reads: Read[] = [
      { tool: 'list_nodes', args: {} },
      { tool: 'find_objects', args: { name: 'device-plugin' } },
    ];
    for (const ds of pluginDaemonSets(seen))
      reads.push({ tool: 'describe_resource', args: { kind: 'DaemonSet', name: ds.name, namespace: ds.ns } });
    return reads;
  },
  finds({ seen }) {
    const resource = scarceExtended(`${textOf(seen, 'get_events')}\n${textOf(seen, 'describe_pod')}`);
    if (!resource) return [];
    const vendor = resource.split('/')[0]!.split('.')[0]!;
    const out: Finding[] = [];
    for (const n of outputs(seen, 'describe_node')) {
      const node = String(n.args['name'] ?? '');
      const f = nodeFacts(n.content);
      // A node meant for the device (its name or labels say so) that advertises none of it.
      const meant =
        node.includes('gpu') || f.labels.some((l) => l.includes(vendor) || /accelerator|gpu/.test(l));
      if (!meant || f.capacity.has(resource)) continue;
      const plugins = pluginDaemonSets(seen);
      const blocking = plugins
        .map((ds) => ({
          ds,
          text: outputs(
            seen,
            'describe_resource',
            (o) => o.args['kind'] === 'DaemonSet' && o.args['name'] === ds.name,
          ).pop()?.content,
        }))
        .filter((x) => x.text !== undefined)
        .map((x) => ({ ...x, untolerated: f.taints.filter((t) => !tolerates(x.text!, t)) }))
        .find((x) => x.untolerated.length > 0);
      out.push({
        // Above the Pending pod's own finding (its symptom), even when the task names the pod.
        weight: blocking ? 96 : 89,
        object: `node ${node}`,
        cause: `node ${node} advertises no ${resource} (its Capacity lists none), so the scheduler counts it as having 0 and reports Insufficient ${resource}; extended resources are advertised by a device plugin, and ${
          blocking
            ? `the device plugin DaemonSet ${blocking.ds.name} (namespace ${blocking.ds.ns}) has no pod on ${node}: ${node} carries the taint ${blocking.untolerated.join(', ')}, which the DaemonSet's tolerations do not cover, so the plugin never runs there and the GPUs are never registered`
            : `no device plugin runs on ${node} to register them`
        }. The node itself is not broken (no reboot needed)`,
        evidence: [
          `describe_node ${node}: Capacity without ${resource}; Taints: ${f.taints.join(', ') || '<none>'}`,
          ...(blocking
            ? [
                `describe_resource DaemonSet ${blocking.ds.name}: tolerations do not cover ${blocking.untolerated[0]}`,
              ]
            : []),
        ],
        advice: blocking
          ? `add a toleration for ${blocking.untolerated[0]!.split(':')[0]!.split('=')[0]} to the ${blocking.ds.name} DaemonSet (or run the plugin on that node), so it registers the node's ${resource}`
          : `deploy the device plugin on ${node}`,
      });
    }
    return out.slice(0, 1);
  },
};
