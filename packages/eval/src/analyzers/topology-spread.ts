import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  describedLabels,
  type Finding,
  outputs,
  type Read,
} from './types.js';

// kubectl's line: `Topology Spread Constraints:  <key>:DoNotSchedule when max skew <n> is exceeded for selector <labels>`.
const CONSTRAINT =
  /^(?:Topology Spread Constraints:)?\s{2,40}(\S{1,253}):DoNotSchedule when max skew (\d{1,4}) is exceeded for selector (\S{1,300})$/;

interface Spread {
  pod: string;
  key: string;
  maxSkew: number;
  selector: string;
  describe: string;
}

/** Pending pods seen described with a DoNotSchedule topology spread constraint (the first constraint each). */
function pendingSpreads(ctx: AnalyzerContext): Spread[] {
  const out: Spread[] = [];
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    if (!/^Status:\s+Pending/m.test(d.content)) continue;
    const at = d.content.indexOf('Topology Spread Constraints:');
    if (at < 0) continue;
    const lines = d.content.slice(at).split('\n').slice(0, 4);
    const m = lines.map((l) => CONSTRAINT.exec(l)).find((x) => x !== null);
    if (!m) continue;
    out.push({
      pod: String(d.args['name'] ?? ''),
      key: m[1]!,
      maxSkew: Number(m[2]),
      selector: m[3]!,
      describe: d.content,
    });
  }
  return out;
}

/** The name a pod's siblings share: a StatefulSet's `<set>-<n>`, a ReplicaSet's `<rs>-<5>`. */
function siblingsOf(pod: string, describe: string): (name: string) => boolean {
  const sts = /^Controlled By:\s+StatefulSet\/(\S{1,253})$/m.exec(describe)?.[1];
  if (sts) return (n) => n !== pod && n.startsWith(`${sts}-`) && /^\d{1,9}$/.test(n.slice(sts.length + 1));
  const base = pod.replace(/-[a-z0-9]{5}$/, '');
  return (n) => n !== pod && n.replace(/-[a-z0-9]{5}$/, '') === base;
}

/**
 * A Pending pod held by a `DoNotSchedule` topology spread constraint: it may only go to the topology
 * domains (zones) whose count of matching pods would stay within `maxSkew` of the emptiest, so when
 * earlier pods landed unevenly (two in one zone, none in another) the pod can only use the emptiest
 * zone, and room anywhere else (or a new node there) does not help. The scheduler's message may name
 * only the resource shortage, because resources are filtered first; the domain counts come from the
 * siblings' nodes and the nodes' labels. kubernetes.io, "Pod Topology Spread Constraints".
 */
export const topologySpreadAnalyzer: Analyzer = {
  name: 'topology-spread',
  reads(ctx): Read[] {
    if (pendingSpreads(ctx).length === 0) return [];
    const nodes = outputs(ctx.seen, 'list_nodes')
      .flatMap((o) => parseTable(o.content))
      .map((r) => r['NAME'] ?? '');
    const read = new Set(outputs(ctx.seen, 'describe_node').map((o) => String(o.args['name'] ?? '')));
    const reads: Read[] = nodes.length === 0 ? [{ tool: 'list_nodes', args: {} }] : [];
    for (const n of nodes.filter((x) => x && !read.has(x)).slice(0, 8))
      reads.push({ tool: 'describe_node', args: { name: n } });
    return reads;
  },
  finds(ctx) {
    const out: Finding[] = [];
    for (const s of pendingSpreads(ctx)) {
      const zoneOf = new Map<string, string>();
      const nodesIn = new Map<string, string[]>();
      for (const o of outputs(ctx.seen, 'describe_node')) {
        const node = String(o.args['name'] ?? '');
        const z = describedLabels(o.content)[s.key];
        if (!z) continue;
        zoneOf.set(node, z);
        nodesIn.set(z, [...(nodesIn.get(z) ?? []), node]);
      }
      if (nodesIn.size < 2) continue;
      const rows = outputs(
        ctx.seen,
        'list_pods',
        (o) => o.args['namespace'] === ctx.ns && !o.args['labelSelector'],
      ).flatMap((o) => parseTable(o.content));
      const sibling = siblingsOf(s.pod, s.describe);
      const count = new Map<string, string[]>([...nodesIn.keys()].map((z) => [z, []]));
      for (const r of rows) {
        const z = zoneOf.get(r['NODE'] ?? '');
        if (z && sibling(r['NAME'] ?? '')) count.get(z)!.push(r['NAME']!);
      }
      const min = Math.min(...[...count.values()].map((v) => v.length));
      const allowed = [...count.entries()].filter(([, v]) => v.length + 1 - min <= s.maxSkew).map(([z]) => z);
      if (allowed.length === count.size) continue;
      const spread = [...count.entries()]
        .map(([z, v]) => (v.length ? `${v.join(' and ')} in ${z}` : `none in ${z}`))
        .join(', ');
      const full = /Insufficient (cpu|memory)/.test(s.describe);
      const autoscaler = /NotTriggerScaleUp\s.{0,80}?(pod didn't trigger scale-up: [^\n]{1,200})/.exec(
        s.describe,
      )?.[1];
      const there = allowed.flatMap((z) => nodesIn.get(z) ?? []);
      out.push({
        weight: 94,
        object: `pod ${s.pod}`,
        cause: `pod ${s.pod} is Pending because of its topology spread constraint (${s.key}, maxSkew ${s.maxSkew}, DoNotSchedule, selector ${clip(s.selector, 80)}): its siblings are ${spread}, so it may only go to ${allowed.join(' or ')} (anywhere else would make the skew ${s.maxSkew + 1})${
          full && there.length
            ? `, and the node(s) there (${there.join(', ')}) have no room for its requests (Insufficient cpu/memory)`
            : ''
        }${autoscaler ? `; the cluster autoscaler does not help: "${clip(autoscaler, 160)}"` : ''}. It is not a storage problem; room in other zones, or new nodes there, will never be used for it`,
        evidence: [
          `describe_pod ${s.pod}: Topology Spread Constraints ${s.key}:DoNotSchedule max skew ${s.maxSkew} (${clip(s.selector, 60)})`,
          `placement: ${spread}`,
        ],
        advice: `make room in ${allowed.join(' or ')} (raise that node group's maximum size, or move other work off ${there.join(', ') || 'its nodes'}), or rebalance (delete one of the pods in the fullest zone, once its data allows, so it is recreated in ${allowed[0]})`,
      });
    }
    return out;
  },
};
