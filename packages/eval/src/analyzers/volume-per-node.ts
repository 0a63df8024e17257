import { parseQuantity } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import { failedClass } from './replicas-over-nodes.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  described,
  type Finding,
  namespaceNames,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/** A node's free space as a storage manager lists it (`st-node-1 free 71 GiB`, `node-2: 78GiB free`). */
const NODE_FREE =
  /\b([a-z0-9][a-z0-9.-]{0,62})(?: (?:free|available) (\d{1,7}(?:\.\d{1,3})?) ?(GiB|Gi|GB|G|TiB|Ti)\b|:? (\d{1,7}(?:\.\d{1,3})?) ?(GiB|Gi|GB|G|TiB|Ti) (?:free|available)\b)/g;
/** Words a storage manager uses for the pool as a whole or for other amounts, never a node's name. */
const NOT_A_NODE = new Set([
  'pool',
  'total',
  'cluster',
  'reserved',
  'used',
  'capacity',
  'free',
  'available',
  'has',
  'with',
  'size',
  'requested',
  'default',
]);
/** A refusal for space (`not enough storage`, `no candidate node`, `insufficient capacity`). */
const NO_ROOM =
  /not enough (?:storage|space|capacity)|no candidate node|insufficient (?:storage|space|capacity)|no node (?:has|with) enough/i;

/** The namespace of the class's provisioner (`csi.storageos.com` → `storageos`), when one is listed. */
function provisionerNamespace(ctx: AnalyzerContext, provisioner: string): string | undefined {
  const labels = provisioner
    .toLowerCase()
    .split(/[./]/)
    .filter((l) => l.length >= 4 && !/^(?:csi|com|io|org|net|k8s)$/.test(l));
  return namespaceNames(ctx.seen).find((n) => n !== ctx.ns && labels.includes(n));
}

function gib(amount: string, unit: string): number {
  return (parseQuantity(`${amount}${unit.startsWith('T') ? 'Ti' : 'Gi'}`) ?? 0) / 2 ** 30;
}

/**
 * A claim refused for space although the storage pool as a whole has room: the volume must fit on one
 * node (its data is placed whole on one node, the copies on others), and no node has that much free. Read
 * from the provisioner's own log in its namespace (found by the provisioner's name, `csi.storageos.com` →
 * `storageos`): a refusal that lists each node's free space, every one below the claim's size, their sum
 * above it.
 */
export const volumePerNodeAnalyzer: Analyzer = {
  name: 'volume-per-node',
  reads(ctx): Read[] {
    const failed = failedClass(ctx);
    if (!failed || !/not enough|insufficient|no candidate|exhausted|no space/i.test(failed.line)) return [];
    const sc = described(ctx.seen, 'StorageClass', failed.name);
    if (!sc) return [{ tool: 'describe_resource', args: { kind: 'StorageClass', name: failed.name } }];
    const provisioner = /^Provisioner:\s+(\S{1,253})$/m.exec(sc)?.[1];
    if (!provisioner) return [];
    if (namespaceNames(ctx.seen).length === 0)
      return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const ns = provisionerNamespace(ctx, provisioner);
    if (!ns) return [];
    const listed = podListOf(ctx.seen, ns);
    if (!listed) return [{ tool: 'list_pods', args: { namespace: ns } }];
    return parseTable(listed.content)
      .filter((r) => r['STATUS'] === 'Running')
      .map((r) => r['NAME'] ?? '')
      .slice(0, 2)
      .filter(
        (name) =>
          !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name && o.args['namespace'] === ns)
            .length,
      )
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ns, name } }));
  },
  finds(ctx): Finding[] {
    const failed = failedClass(ctx);
    if (!failed) return [];
    const claimSize = /\bfor a volume of (\d{1,7}) ?(GiB|Gi|TiB|Ti)\b/.exec(failed.line);
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] !== ctx.ns)) {
      for (const line of boundedLogLines(o.content)) {
        if (line.length > 2000 || !NO_ROOM.test(line)) continue;
        // A node's name has a digit or a hyphen (`st-node-1`); the pool's own words are none.
        const nodes = [...line.matchAll(NODE_FREE)]
          .filter((m) => !NOT_A_NODE.has(m[1]!) && /[-\d]/.test(m[1]!))
          .map((m) => ({ node: m[1]!, free: gib(m[2] ?? m[4]!, m[3] ?? m[5]!) }));
        if (nodes.length < 2) continue;
        const size =
          (/\bsize_gib=(\d{1,7})\b/.exec(line)?.[1]
            ? Number(/\bsize_gib=(\d{1,7})\b/.exec(line)![1])
            : undefined) ?? (claimSize ? gib(claimSize[1]!, claimSize[2]!) : undefined);
        if (size === undefined) continue;
        const total = nodes.reduce((a, n) => a + n.free, 0);
        if (!nodes.every((n) => n.free < size) || total < size) continue;
        return [
          {
            weight: 97,
            object: `storageclass ${failed.name} of claims in ${ctx.ns}`,
            cause: `the claim's volume of ${size} GiB cannot be created because a volume must fit on a single node (its data is placed whole on one node) and no node has that much free: ${nodes.map((n) => `${n.node} ${n.free} GiB`).join(', ')}, though the pool together has ${Math.round(total)} GiB; the pool is not full, no one node has room for it ("${clip(line.trim(), 220)}")`,
            evidence: [
              `get_pod_logs ${String(o.args['name'])} (namespace ${String(o.args['namespace'])}): "${clip(line.trim(), 220)}"`,
              `claim event: "${clip(failed.line, 200)}"`,
            ],
            advice: `ask for a smaller volume (at most ${Math.floor(Math.max(...nodes.map((n) => n.free)))} GiB, the most one node has free), or free space on a node or add a node with more disk`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
