import { ageSeconds } from '../baseline/reading.js';
import {
  type Analyzer,
  clip,
  type Finding,
  outputs,
  ownerDeployment,
  podDeployment,
  podsOf,
  type Read,
  searchedLines,
  serviceHost,
} from './types.js';

// ESTALE as programs and NFS servers print it: errno 116 on Linux, NFS4ERR_STALE on the wire.
const STALE = /Stale file handle|\bESTALE\b|\[Errno 116\]|NFS4ERR_STALE|stale NFS file handle/i;
// The share a program says it mounted: `nfs4 nfs-server.storage.svc.cluster.local:/export/assets`.
const MOUNT = /\bnfs4?(?::\/\/|\s+)([a-z0-9][a-z0-9.-]{0,252}):\/[^\s)'"]{0,500}/i;
const MOUNT_PATTERN = 'nfs';

interface Stale {
  readonly pod: string;
  readonly line: string;
  readonly server?: { readonly host: string; readonly service: string; readonly namespace: string };
}

function staleLogs(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Stale[] {
  const out: Stale[] = [];
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && !o.args['previous'])) {
    const lines = log.content.slice(-200_000).split('\n');
    const line = lines.findLast((l) => l.length <= 2000 && STALE.test(l));
    if (!line) continue;
    // The mount line is logged at start, often above the tail read: a search of the whole log finds it.
    const pod = String(log.args['name']);
    const searched = searchedLines(
      seen,
      (o) => o.args['name'] === pod && o.args['pattern'] === MOUNT_PATTERN,
    );
    const host = [...lines, ...searched]
      .map((l) => (l.length <= 2000 ? MOUNT.exec(l)?.[1] : undefined))
      .find(Boolean);
    const svc = host ? serviceHost(host) : undefined;
    out.push({
      pod,
      line: line.trim(),
      ...(host && svc ? { server: { host, ...svc } } : {}),
    });
  }
  return out;
}

/**
 * A pod whose NFS mount went stale: the NFS server was recreated (a new pod, another node) and now
 * answers the file handles the client holds with NFS4ERR_STALE, so every access fails with ESTALE
 * ("Stale file handle", errno 116) until the client mounts again. An in-cluster server that derives
 * its export's fsid from the block device (nfs-ganesha's device-based fsids) changes it when it moves
 * (kubernetes-sigs/nfs-ganesha-server-and-external-provisioner, `-device-based-fsids`). Found from the
 * program's log and the server's pod, younger than the client's; restarting the client pods remounts
 * the share (an approved `restart_deployment`).
 */
export const nfsStaleHandleAnalyzer: Analyzer = {
  name: 'nfs-stale-handle',
  first: true,
  reads({ ns, seen }): Read[] {
    const all = staleLogs(seen, ns);
    const stale = all.find((s) => s.server);
    if (!stale?.server) {
      const first = all[0];
      return first
        ? [
            {
              tool: 'search_pod_logs',
              args: { namespace: ns, name: first.pod, pattern: MOUNT_PATTERN, context: 0, maxMatches: 3 },
            },
          ]
        : [];
    }
    const listed = podsOf(seen, stale.server.namespace);
    if ('read' in listed) return [listed.read];
    const server = listed.rows.find((r) => (r['NAME'] ?? '').startsWith(`${stale.server!.service}-`));
    return server?.['NAME']
      ? [{ tool: 'get_pod_logs', args: { namespace: stale.server.namespace, name: server['NAME'] } }]
      : [];
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const stale of staleLogs(seen, ns)) {
      const own = podsOf(seen, ns);
      const clientAge =
        'rows' in own ? ageSeconds(own.rows.find((r) => r['NAME'] === stale.pod)?.['AGE'] ?? '') : undefined;
      const serverRows = stale.server ? podsOf(seen, stale.server.namespace) : undefined;
      const server =
        serverRows && 'rows' in serverRows
          ? serverRows.rows.find((r) => (r['NAME'] ?? '').startsWith(`${stale.server!.service}-`))
          : undefined;
      const serverAge = ageSeconds(server?.['AGE'] ?? '');
      const moved = clientAge !== undefined && serverAge !== undefined && serverAge < clientAge;
      const serverLog = server
        ? outputs(seen, 'get_pod_logs', (o) => o.args['name'] === server['NAME'])
            .pop()
            ?.content.split('\n')
            .find((l) => l.length <= 2000 && /NFS4ERR_STALE|unknown fsid/i.test(l))
        : undefined;
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === stale.pod).pop()?.content ?? '';
      const deployment = ownerDeployment(d) ?? podDeployment(stale.pod);
      const serverText = stale.server
        ? `the NFS server ${stale.server.service} in ${stale.server.namespace}${
            moved && server
              ? ` was recreated after this pod mounted its share (its pod ${server['NAME']} is ${server['AGE']} old${server['NODE'] ? `, on node ${server['NODE']}` : ''}; ${stale.pod} is ${own && 'rows' in own ? own.rows.find((r) => r['NAME'] === stale.pod)?.['AGE'] : '?'} old)`
              : ' was restarted or moved after this pod mounted its share'
          }`
        : 'the NFS server was restarted or moved after this pod mounted its share';
      out.push({
        weight: moved ? 95 : 90,
        object: deployment ? `deployment ${deployment}` : `pod ${stale.pod}`,
        cause: `the NFS mount in ${stale.pod} is stale: ${serverText}, and it no longer recognises the file handles the client holds, so every access fails with ESTALE ("${clip(stale.line, 160)}")${serverLog ? `; the server says "${clip(serverLog.trim(), 160)}"` : ''}. The share is neither full nor forbidden: the client must mount it again, which a restart of the pods does; for good, give the server an export fsid that survives a move (nfs-ganesha: not device-based) or keep it on stable storage`,
        evidence: [
          `get_pod_logs ${stale.pod}: "${clip(stale.line, 160)}"`,
          ...(serverLog && server
            ? [`get_pod_logs ${server['NAME']}: "${clip(serverLog.trim(), 160)}"`]
            : []),
        ],
        advice: `restart the pods of ${deployment ?? stale.pod} so they mount the share again (kubectl rollout restart); for good, make the NFS server's export fsid stable across restarts`,
        ...(deployment
          ? {
              fix: {
                tool: 'restart_deployment',
                args: { namespace: ns, name: deployment },
                text: `restart ${deployment} so its pods mount the NFS share again`,
              },
            }
          : {}),
        revisionSound: true,
      });
      break;
    }
    return out;
  },
};
