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
  /Client (\d{1,3}(?:\.\d{1,3}){3}):\d{1,5} \((\d{1,6}) -> (\d{4,6})\) doesn't support required op-version \((\d{4,6})\)/;

/** A glusterfs mount the kubelet could not make (`mount -t glusterfs`, a FailedMount of such a volume). */
const GLUSTER_MOUNT = /FailedMount[^\n]{0,400}(?:-t glusterfs|kubernetes\.io~glusterfs)/;

/** An op-version as a release: X.Y.Z is X*10000 + Y*100 + Z (30712 is 3.7.12, 40100 is 4.1.0). */
const release = (v: string) => {
  const n = Number(v);
  return `${Math.floor(n / 10000)}.${Math.floor((n % 10000) / 100)}.${n % 100}`;
};

/** The namespace's GlusterFS server pods (glusterd), from its pod list. */
function servers(ctx: AnalyzerContext): string[] {
  return parseTable(podListOf(ctx.seen, ctx.ns)?.content.slice(0, 200_000) ?? '')
    .map((r) => r['NAME'] ?? '')
    .filter((n) => /^(?:glusterfs|glusterd|gluster)-[a-z0-9-]{1,60}$/.test(n) && !/heketi/.test(n));
}

/** Whether the namespace shows a glusterfs mount that failed. */
function failedMount(ctx: AnalyzerContext): boolean {
  return ctx.seen.some(
    (o) =>
      o.status === 'ok' &&
      (o.tool === 'get_events' || o.tool === 'describe_pod') &&
      o.args['namespace'] === ctx.ns &&
      GLUSTER_MOUNT.test(o.content.slice(0, 200_000)),
  );
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
    if (!failedMount(ctx)) return [];
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
    if (!failedMount(ctx)) return [];
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      const line = boundedLogLines(o.content).find((l) => REJECTED.test(l));
      if (!line) continue;
      const m = REJECTED.exec(line)!;
      const [, client, , has, needs] = m;
      // The node with that address, and the pod there waiting on the mount.
      const rows = parseTable(podListOf(ctx.seen, ctx.ns)?.content.slice(0, 200_000) ?? '');
      const node = rows.find((r) => r['IP'] === client)?.['NODE'];
      const waiting = rows.find(
        (r) => r['STATUS'] === 'ContainerCreating' && (node === undefined || r['NODE'] === node),
      )?.['NAME'];
      const at = line.indexOf('Client ');
      return [
        {
          // Above the FailedMount it explains (the same pod's).
          weight: 93 + (waiting ? bonus(podDeployment(waiting) ?? waiting, ctx.hints) : 0),
          object: waiting ? podObject(podDeployment(waiting), waiting) : `pod ${String(o.args['name'])}`,
          cause: `the GlusterFS client on ${node ? `node ${node}` : `the node at ${client}`} (glusterfs-fuse, which mount.glusterfs runs for the kubelet) is too old for the servers: glusterd rejects its volume-file request because the client's highest op-version is ${has} (GlusterFS ${release(has!)}) and the cluster requires ${needs} (${release(needs!)}) ("${clip(line.slice(at).trim(), 200)}"), so the glusterfs mount fails${waiting ? ` and ${waiting} stays in ContainerCreating` : ''}. The GlusterFS servers themselves are healthy`,
          evidence: [
            `get_pod_logs ${String(o.args['name'])}: "${clip(line.trim(), 220)}"`,
            ...(waiting ? [`get_events: FailedMount of a glusterfs volume for ${waiting}`] : []),
          ],
          advice: `upgrade the GlusterFS client package (glusterfs-fuse) on ${node ?? 'the nodes'} to the servers' release (${release(needs!)} or newer), or lower the cluster's op-version only if every server and client supports it; the mount then succeeds on the kubelet's next retry`,
        },
      ];
    }
    return [];
  },
};
