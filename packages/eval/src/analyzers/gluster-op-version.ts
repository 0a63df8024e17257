import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
  podListOf,
  podObject,
  type Read,
} from './types.js';

/**
 * glusterd refusing a client's volume-file request for its op-version (glusterd-handshake.c,
 * `__server_getspec`, MSGID 106176): `Client 10.0.2.12:1021 (1 -> 30712) doesn't support required
 * op-version (40100). Rejecting volfile request.`, with the client's address, its highest op-version and
 * the cluster's. Bounded.
 */
const REJECTED =
  /Client (\d{1,3}(?:\.\d{1,3}){3}):\d{1,5} \((\d{1,6}) -> (\d{1,6})\) doesn't support required op-version \((\d{1,6})\)/;

/**
 * The pods of the namespace whose glusterfs mount the kubelet could not make: a FailedMount event (or a
 * described pod's) that names a glusterfs volume (`mount -t glusterfs`, `kubernetes.io~glusterfs`), the
 * kubelet's message spread over several lines (mount_linux.go joins the command and its arguments with
 * newlines). The pod comes from the event's `pod/<name>`, or from the description.
 */
function failedMounts(ctx: AnalyzerContext): string[] {
  const out = new Set<string>();
  for (const o of ctx.seen) {
    if (o.status !== 'ok' || o.args['namespace'] !== ctx.ns) continue;
    if (o.tool !== 'get_events' && o.tool !== 'describe_pod') continue;
    const text = o.content.slice(0, 200_000);
    if (!text.includes('FailedMount') || !/-t glusterfs|kubernetes\.io~glusterfs/.test(text)) continue;
    if (o.tool === 'describe_pod') out.add(String(o.args['name'] ?? ''));
    else
      for (const m of text.matchAll(/FailedMount\s{1,20}pod\/([a-z0-9][a-z0-9.-]{0,252})/g)) out.add(m[1]!);
  }
  out.delete('');
  return [...out];
}

/**
 * An op-version as a release: from 3.6 on, X.Y.Z is X*10000 + Y*100 + Z (30712 is 3.7.12, 40100 is 4.1.0);
 * the small numbers before it are older clients' (pre-3.6).
 */
const release = (v: string) => {
  const n = Number(v);
  return n < 30000
    ? 'a release before 3.6'
    : `${Math.floor(n / 10000)}.${Math.floor((n % 10000) / 100)}.${n % 100}`;
};

/** The namespace's GlusterFS server pods (glusterd), from its pod list. */
function servers(ctx: AnalyzerContext): string[] {
  return parseTable(podListOf(ctx.seen, ctx.ns)?.content.slice(0, 200_000) ?? '')
    .map((r) => r['NAME'] ?? '')
    .filter((n) => /^(?:glusterfs|glusterd|gluster)-[a-z0-9-]{1,60}$/.test(n) && !/heketi/.test(n));
}

/**
 * A GlusterFS volume the kubelet cannot mount because the node's GlusterFS client (glusterfs-fuse, which
 * `mount -t glusterfs` runs) is older than the servers: glusterd rejects its request for the volume file
 * when the client's highest op-version is below the cluster's, so the pod waits in ContainerCreating. The
 * servers are healthy; the client package on the node must be upgraded. Reads the glusterd pods' logs when
 * a glusterfs mount fails.
 */
export const glusterOpVersionAnalyzer: Analyzer = {
  name: 'gluster-op-version',
  reads(ctx): Read[] {
    if (failedMounts(ctx).length === 0) return [];
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).map((o) =>
        String(o.args['name']),
      ),
    );
    return servers(ctx)
      .filter((p) => !read.has(p))
      .slice(0, 3)
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    const mounting = failedMounts(ctx);
    if (mounting.length === 0) return [];
    const rows = parseTable(podListOf(ctx.seen, ctx.ns)?.content.slice(0, 200_000) ?? '');
    const nodeOf = (pod: string) => rows.find((r) => r['NAME'] === pod)?.['NODE'];
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      for (const line of boundedLogLines(o.content)) {
        const m = REJECTED.exec(line);
        if (!m) continue;
        const [, client, , has, needs] = m;
        // The client's node (a pod on the host network has its address) and the pod there whose mount failed;
        // a client on another node is not this mount's.
        const node = rows.find((r) => r['IP'] === client)?.['NODE'];
        const waiting = node
          ? mounting.find((p) => nodeOf(p) === node)
          : mounting.length === 1
            ? mounting[0]
            : undefined;
        if (!waiting) continue;
        const at = line.indexOf('Client ');
        return [
          {
            // Above the FailedMount it explains (the same pod's).
            weight: 93 + bonus(podDeployment(waiting) ?? waiting, ctx.hints),
            object: podObject(podDeployment(waiting), waiting),
            cause: `the GlusterFS client on ${node ? `node ${node}` : `the node at ${client}`} (glusterfs-fuse, which mount.glusterfs runs for the kubelet) is too old for the servers: glusterd rejects its volume-file request because the client's highest op-version is ${has} (${Number(has) < 30000 ? 'a GlusterFS release before 3.6' : `GlusterFS ${release(has!)}`}) and the cluster requires ${needs} (${release(needs!)}) ("${clip(line.slice(at).trim(), 200)}"), so the glusterfs mount fails and ${waiting} cannot start. The GlusterFS servers themselves are healthy`,
            evidence: [
              `get_pod_logs ${String(o.args['name'])}: "${clip(line.trim(), 220)}"`,
              `FailedMount of a glusterfs volume for ${waiting}`,
            ],
            advice: `upgrade the GlusterFS client package (glusterfs-fuse) on ${node ?? 'the node'} to the servers' release (${release(needs!)} or newer); the cluster's op-version cannot be lowered. The mount then succeeds on the kubelet's next retry`,
          },
        ];
      }
    }
    return [];
  },
};
