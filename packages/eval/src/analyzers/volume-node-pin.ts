import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, bonus, clip, flat, outputs, type Read } from './types.js';

const CONFLICT = 'volume node affinity conflict';
const NO_MATCH = "didn't match Pod's node affinity/selector";

/**
 * Pending pods with a claim whose scheduling failed on their volume's node affinity, or on their own
 * node affinity or selector on every node (so also on the node a local volume of theirs lives on),
 * with the claim their description names.
 */
function conflicted(ctx: AnalyzerContext): { pod: string; claim: string; message: string; own: boolean }[] {
  const out: { pod: string; claim: string; message: string; own: boolean }[] = [];
  for (const o of outputs(ctx.seen, 'describe_pod', (x) => x.args['namespace'] === ctx.ns)) {
    const lines = o.content.split('\n');
    const conflict = lines.find((l) => l.includes(CONFLICT));
    const everyNode = conflict ? undefined : lines.find((l) => everyNodeUnmatched(l));
    const message = conflict ?? everyNode;
    const claim = /^\s{4}ClaimName:\s{1,20}(\S{1,253})/m.exec(o.content)?.[1];
    if (message && claim)
      out.push({ pod: String(o.args['name'] ?? ''), claim, message: message.trim(), own: !conflict });
  }
  return out;
}

/** "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector": every node ruled out by it. */
function everyNodeUnmatched(line: string): boolean {
  const m =
    /0\/(\d{1,5}) nodes are available: (\d{1,5}) node\(s\) didn't match Pod's node affinity\/selector/.exec(
      line,
    );
  return m !== null && m[1] === m[2] && line.includes(NO_MATCH);
}

const describedAs = (ctx: AnalyzerContext, kind: RegExp, name: string) =>
  outputs(
    ctx.seen,
    'describe_resource',
    (o) => kind.test(String(o.args['kind'])) && o.args['name'] === name,
  ).pop()?.content;
const PVC = /^(pvc|persistentvolumeclaims?)$/i;
const PV = /^(pv|persistentvolumes?)$/i;

/**
 * A pod whose claim is bound to a volume pinned to one node (a local volume: the PersistentVolume's
 * `nodeAffinity` names `kubernetes.io/hostname`), while something else keeps it off that node: most
 * often its own required pod anti-affinity, because another replica already runs there. The scheduler
 * then finds no node at all ("volume node affinity conflict" on the others). A bound local volume never
 * moves; the claim (and its volume) must be recreated on a free node, or the anti-affinity relaxed.
 * kubernetes.io, "Volumes: local" and "Assigning Pods to Nodes".
 */
export const volumeNodePinAnalyzer: Analyzer = {
  name: 'volume-node-pin',
  reads(ctx): Read[] {
    for (const c of conflicted(ctx).slice(0, 1)) {
      const claim = describedAs(ctx, PVC, c.claim);
      if (!claim)
        return [
          {
            tool: 'describe_resource',
            args: { kind: 'PersistentVolumeClaim', name: c.claim, namespace: ctx.ns },
          },
        ];
      const volume = flat(claim, 'volumeName');
      if (volume && !describedAs(ctx, PV, volume))
        return [{ tool: 'describe_resource', args: { kind: 'PersistentVolume', name: volume } }];
    }
    return [];
  },
  finds(ctx) {
    for (const c of conflicted(ctx)) {
      const claim = describedAs(ctx, PVC, c.claim);
      const volume = claim ? flat(claim, 'volumeName') : undefined;
      const pv = volume ? describedAs(ctx, PV, volume) : undefined;
      if (!pv) continue;
      let node: string | undefined;
      for (let i = 0; i < 4 && !node; i++)
        if (
          flat(pv, `nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[${i}].key`) ===
          'kubernetes.io/hostname'
        )
          node = flat(pv, `nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[${i}].values[0]`);
      if (!node) continue;
      const set = c.pod.replace(/-\d{1,5}$/, '');
      const sibling = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns)
        .flatMap((o) => parseTable(o.content))
        .find((r) => r['NODE'] === node && (r['NAME'] ?? '').startsWith(`${set}-`) && r['NAME'] !== c.pod)?.[
        'NAME'
      ];
      const anti = /anti-affinity/.test(c.message);
      if (c.own)
        return [
          {
            weight: 95 + bonus(set, ctx.hints),
            object: `pod ${c.pod}`,
            cause: `its claim ${c.claim} is bound to the local PersistentVolume ${volume}, whose node affinity pins it to node ${node} (kubernetes.io/hostname), so the pod can only run on ${node}; but its own node selector or affinity rules out every node, ${node} included ("${clip(c.message, 160)}"): no node satisfies both, so it stays Pending; the volume cannot move`,
            evidence: [
              `describe_pod ${c.pod}: "${clip(c.message, 200)}"`,
              `describe_resource PersistentVolumeClaim ${c.claim}: volumeName ${volume}`,
              `describe_resource PersistentVolume ${volume}: nodeAffinity kubernetes.io/hostname In [${node}]`,
            ],
            advice: `let the pod's nodeSelector or affinity admit ${node} (or label ${node} to match it), or move the data to a new local volume on a node the selector admits; a bound local volume never moves`,
          },
        ];
      return [
        {
          weight: 95 + bonus(set, ctx.hints),
          object: `pod ${c.pod}`,
          cause: `its claim ${c.claim} is bound to the local PersistentVolume ${volume}, whose node affinity pins it to node ${node} (kubernetes.io/hostname), so the pod can only run on ${node}${
            anti && sibling
              ? `; but ${sibling} already runs on ${node} and the pod's required podAntiAffinity forbids a second replica there`
              : anti
                ? '; but its required podAntiAffinity keeps it off that node'
                : ''
          }: no node satisfies both, so it stays Pending ("${clip(c.message, 160)}"); the new node has room, but the volume cannot move to it`,
          evidence: [
            `describe_pod ${c.pod}: "${clip(c.message, 200)}"`,
            `describe_resource PersistentVolumeClaim ${c.claim}: volumeName ${volume}`,
            `describe_resource PersistentVolume ${volume}: nodeAffinity kubernetes.io/hostname In [${node}]`,
            ...(sibling ? [`list_pods: ${sibling} on ${node}`] : []),
          ],
          advice: `delete claim ${c.claim} (and release ${volume}) so a new local volume is made on a node without a replica${anti ? ', or relax the anti-affinity' : ''}; a bound local volume never moves`,
        },
      ];
    }
    return [];
  },
};
