import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  described,
  type Finding,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/** A claim's provisioning refused, naming its StorageClass (the external-provisioner library's wording). */
const PROVISION_FAILED = /failed to provision volume with StorageClass "([a-z0-9][a-z0-9.-]{0,252})"/;

/**
 * The replica count a StorageClass's parameters ask for, as storage drivers name it: GlusterFS/heketi's
 * `volumetype=replicate:3`, `replication=3` (Portworx, StorageOS), Longhorn's `numberOfReplicas=3`,
 * `replicas=3`, `replicaCount=3`, `repl=3`.
 */
const REPLICAS =
  /(?:^|[,\s])(?:volumetype=replicate:|replication=|numberOfReplicas=|replicas=|replicaCount=|repl=)"?(\d{1,2})\b/;

/** An in-cluster Service's URL among the parameters (`resturl=http://heketi.glusterfs.svc:8080`). */
const SERVICE_URL = /\bhttps?:\/\/([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})\.svc\b/;

/** A refusal for space (`No space`, `not enough storage`, `insufficient capacity`). */
const SPACE =
  /no space|out of space|not enough (?:storage|space|capacity)|insufficient (?:storage|space|capacity)|no candidate node/i;

/** A storage manager's log adding a node to its cluster (heketi's `Adding node gfs-nvme-01`). */
const ADDED_NODE = /\bAdding node ([A-Za-z0-9][\w.-]{0,252})\s*$/;

interface ClassView {
  readonly name: string;
  readonly params: string;
  readonly replicas?: number;
  readonly backend?: { service: string; namespace: string };
}

/** The StorageClass a claim of the namespace failed to provision from, as read so far. */
export function failedClass(ctx: AnalyzerContext): { name: string; line: string } | undefined {
  // Only this namespace's claims: another namespace's refusal is not this incident.
  const text = [
    ...outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === ctx.ns).map((o) => o.content),
    ...outputs(
      ctx.seen,
      'describe_resource',
      (o) =>
        /^(?:persistentvolumeclaims?|pvc)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
    ).map((o) => o.content),
  ].join('\n');
  for (const line of text.slice(0, 400_000).split('\n')) {
    if (line.length > 4000) continue;
    const m = PROVISION_FAILED.exec(line);
    if (m) return { name: m[1]!, line: line.trim() };
  }
  return undefined;
}

function classView(ctx: AnalyzerContext, name: string): ClassView | undefined {
  const text = described(ctx.seen, 'StorageClass', name);
  if (!text) return undefined;
  const params = /^Parameters:\s+(.{1,2000})$/m.exec(text)?.[1] ?? '';
  const r = REPLICAS.exec(params);
  const s = SERVICE_URL.exec(params);
  return {
    name,
    params,
    ...(r ? { replicas: Number(r[1]) } : {}),
    ...(s ? { backend: { service: s[1]!, namespace: s[2]! } } : {}),
  };
}

/** The running pods of the backend's namespace whose name starts with its Service's name. */
function backendPods(ctx: AnalyzerContext, b: { service: string; namespace: string }): string[] | undefined {
  const listed = podListOf(ctx.seen, b.namespace);
  if (!listed) return undefined;
  return parseTable(listed.content)
    .map((r) => r['NAME'] ?? '')
    .filter((n) => n.startsWith(`${b.service}-`) && !n.slice(b.service.length + 1).includes('provisioner'))
    .slice(0, 1);
}

/**
 * A claim that cannot be provisioned because its StorageClass asks for more replicas than the storage
 * cluster behind it has nodes: a replicated volume puts each copy on a different node, so three replicas
 * need three nodes, and a storage manager short of them reports it as no space (heketi: "Minimum brick
 * size limit reached. Out of space."). The replica count is read from the class's parameters, the nodes
 * from the storage manager's own log (`Adding node …`), the manager found through the in-cluster URL the
 * class names (`resturl=http://heketi.glusterfs.svc:8080`).
 */
export const replicasOverNodesAnalyzer: Analyzer = {
  name: 'replicas-over-nodes',
  reads(ctx): Read[] {
    const failed = failedClass(ctx);
    // Only a refusal for space: a replica count short of nodes is what a storage manager reports so.
    if (!failed || !SPACE.test(failed.line)) return [];
    const view = classView(ctx, failed.name);
    if (!view) return [{ tool: 'describe_resource', args: { kind: 'StorageClass', name: failed.name } }];
    if (!view.replicas || view.replicas < 2 || !view.backend) return [];
    const pods = backendPods(ctx, view.backend);
    if (!pods) return [{ tool: 'list_pods', args: { namespace: view.backend.namespace } }];
    return pods
      .filter(
        (name) =>
          !outputs(
            ctx.seen,
            'get_pod_logs',
            (o) => o.args['name'] === name && o.args['namespace'] === view.backend!.namespace,
          ).length,
      )
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: view.backend!.namespace, name } }));
  },
  finds(ctx): Finding[] {
    const failed = failedClass(ctx);
    const view = failed && SPACE.test(failed.line) ? classView(ctx, failed.name) : undefined;
    if (!failed || !view?.replicas || !view.backend) return [];
    const b = view.backend;
    for (const name of backendPods(ctx, b) ?? []) {
      const log = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['name'] === name && o.args['namespace'] === b.namespace,
      ).pop();
      if (!log) continue;
      const lines = boundedLogLines(log.content);
      const nodes = [...new Set(lines.map((l) => ADDED_NODE.exec(l)?.[1]).filter((n): n is string => !!n))];
      if (nodes.length === 0 || nodes.length >= view.replicas) continue;
      const why = lines.find((l) => l.length <= 2000 && /out of space|no space/i.test(l));
      return [
        {
          // Above the claim's own ProvisioningFailed finding (90, more when the task names the claim): why it fails.
          weight: 98,
          object: `storageclass ${view.name} of claims in ${ctx.ns}`,
          cause: `the claim cannot be provisioned because StorageClass ${view.name} asks for ${view.replicas} replicas (${clip(REPLICAS.exec(view.params)![0].replace(/^[,\s]/, ''), 60)}) while the storage cluster behind it has only ${nodes.length} node${nodes.length === 1 ? '' : 's'} (${nodes.join(', ')}, as ${name}'s log added them): a replicated volume puts each copy on a different node, so ${view.replicas} replicas need ${view.replicas} nodes, and the storage manager reports the shortfall as no space${why ? ` ("${clip(why.trim(), 160)}")` : ''}; the disks are not full`,
          evidence: [
            `describe_resource StorageClass ${view.name}: Parameters ${clip(view.params, 200)}`,
            `get_pod_logs ${name} (namespace ${b.namespace}): ${nodes.map((n) => `"Adding node ${n}"`).join(', ')}`,
            failed.line.length > 0 ? `claim event: "${clip(failed.line, 200)}"` : '',
          ].filter(Boolean),
          advice: `add a node to that storage cluster (at least ${view.replicas}), or use a class with ${nodes.length} replicas for now`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
