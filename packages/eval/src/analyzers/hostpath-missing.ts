import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  described,
  describedField,
  describedVolumes,
  type Finding,
  flat,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
  unmadeReads,
} from './types.js';

/**
 * The runtime's refusal of a bind mount whose source is missing on the node: containerd's and runc's
 * `lstat <path>: no such file or directory` (CreateContainerError), the kubelet's `hostPath type check
 * failed: <path> is not a directory` (FailedMount). Group 1 is the path.
 */
const MISSING_PATH =
  /\blstat (\/[^\s:"']{1,512}): no such file or directory|\bhostPath type check failed: (\/[^\s:"']{1,512}) is not an? (?:directory|file|socket file|socket|character device|block device)\b/;
/** Paths the kubelet makes itself (a pod's volume directories, its subPath bind sources): not a hostPath of the node's. */
const KUBELET_OWN = /^\/var\/lib\/kubelet\//;

interface Missing {
  readonly pod: string;
  readonly described: string;
  readonly path: string;
  readonly line: string;
}

/** The pods of the namespace whose description says a mount source path is missing on the node. */
function missingPaths(ctx: AnalyzerContext): Missing[] {
  const out: Missing[] = [];
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    const text = d.content.slice(0, 200_000);
    const line = text.split('\n').find((l) => l.length <= 2000 && MISSING_PATH.test(l));
    if (!line) continue;
    const m = MISSING_PATH.exec(line)!;
    if (KUBELET_OWN.test((m[1] ?? m[2])!)) continue;
    out.push({
      pod: String(d.args['name'] ?? ''),
      described: text,
      path: (m[1] ?? m[2])!,
      // The runtime's words from the refusal on, without the description's `Message:` label.
      line: line.slice(m.index).trim(),
    });
  }
  return out;
}

/** Whether `path` is `root` or lies under it. */
function under(path: string, root: string): boolean {
  const r = root.replace(/\/+$/, '');
  return r !== '' && (path === r || path.startsWith(`${r}/`));
}

/**
 * A hostPath volume (in the pod or behind its claim's PersistentVolume) whose directory is missing on the
 * node the pod was scheduled to: a hostPath is a directory of that node's own filesystem (Kubernetes'
 * "Volumes: hostPath"), so a pod that lands on another node, a new or replaced one, finds neither the
 * directory nor the data, and the container is never created. The claim stays Bound: binding is not what
 * fails.
 */
export const hostPathMissingAnalyzer: Analyzer = {
  name: 'hostpath-missing',
  first: true,
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const m of missingPaths(ctx))
      for (const v of describedVolumes(m.described)) {
        if (v.type !== 'PersistentVolumeClaim' || !v.source) continue;
        reads.push({
          tool: 'describe_resource',
          args: { kind: 'PersistentVolumeClaim', name: v.source, namespace: ctx.ns },
        });
        const pv = flat(described(ctx.seen, 'PersistentVolumeClaim', v.source) ?? '', 'volumeName');
        if (pv) reads.push({ tool: 'describe_resource', args: { kind: 'PersistentVolume', name: pv } });
      }
    return unmadeReads(ctx.seen, reads).slice(0, 2);
  },
  finds(ctx): Finding[] {
    for (const m of missingPaths(ctx)) {
      const node = describedField(m.described, 'Node')?.split('/')[0];
      for (const v of describedVolumes(m.described)) {
        let pv: string | undefined;
        let root: string | undefined;
        let affinity = false;
        if (v.type === 'HostPath') root = v.path;
        else if (v.type === 'PersistentVolumeClaim' && v.source) {
          pv = flat(described(ctx.seen, 'PersistentVolumeClaim', v.source) ?? '', 'volumeName');
          const text = pv ? described(ctx.seen, 'PersistentVolume', pv) : undefined;
          root = text ? flat(text, 'hostPath.path') : undefined;
          affinity = text !== undefined && /^\s*nodeAffinity\./m.test(text);
        }
        if (!root || !under(m.path, root)) continue;
        const owner = ownerDeployment(m.described);
        const where = pv
          ? `PersistentVolume ${pv} (claim ${v.source}) is a hostPath volume, hostPath.path ${root}`
          : `the volume ${v.name} is a hostPath volume, path ${root}`;
        return [
          {
            // Above the runtime's bare CreateContainerError (94) that it explains.
            // A type check (a socket or device not there) yields to the rules that know what the path is for
            // (a Docker socket on a containerd node).
            weight: m.line.includes('type check failed') ? 86 : 96,
            object: podObject(owner, m.pod),
            cause: `${where}: a path on the node's own filesystem, and ${m.path} ${m.line.includes('type check failed') ? 'is missing (or not of the type the volume asks for)' : 'does not exist'} on ${node ? `node ${node}, the node the pod was scheduled to` : 'the node the pod was scheduled to'} ("${clip(m.line, 160)}"), so the container is never created. A hostPath volume does not follow the pod: on a new or replaced node the directory is missing, and the data written on the old node is not there${pv && !affinity ? `; the PersistentVolume has no node affinity, so nothing keeps the pod on the node that has the directory` : ''}. The claim is Bound; deleting the pod or recreating the claim and the volume lands on the same missing directory`,
            evidence: [
              `describe_pod ${m.pod}: "${clip(m.line, 160)}"${node ? ` on node ${node}` : ''}`,
              pv
                ? `describe_resource PersistentVolume ${pv}: hostPath.path ${root}${affinity ? '' : ', no nodeAffinity'}`
                : `describe_pod ${m.pod}: volume ${v.name} HostPath ${root}`,
            ],
            advice: `put the data back where the pod runs: restore ${root} on ${node ? `node ${node}` : 'the node'} from the old node or a backup (or pin the volume to the node that still has it with nodeAffinity), and move the data to a volume that follows the pod (a network or CSI volume) so a node replacement does not lose it again`,
          },
        ];
      }
    }
    return [];
  },
};
