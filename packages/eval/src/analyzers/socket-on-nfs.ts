import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';
import { claimOf, nfsClaim } from './volume-permissions.js';

/**
 * A program failing on its unix-domain socket file: an operation on a `.sock` path that fails
 * (`chmod kine.sock: no such file or directory`, Go's `listen unix /data/x.sock: bind: operation not
 * permitted`). The path is at most 250 characters; the gaps are bounded, so the work is linear.
 */
const SOCKET_FAILED =
  /\b(?:chmod|chown|bind|listen(?: unix)?|create|creating|mkfifo|unlink|stat)\b[^\n]{0,80}?(?<![\w./-])((?:\/?[\w.-]{1,100}\/){0,12}[\w.-]{1,100}\.sock)\b[^\n]{0,60}?:\s{0,2}(no such file or directory|operation not permitted|permission denied|not supported|function not implemented|input\/output error)/i;

interface Failed {
  readonly pod: string;
  readonly container: string | undefined;
  readonly path: string;
  readonly error: string;
  readonly line: string;
}

/** The first such failure in the logs (current or previous) of the namespace's pods. */
function failed(ctx: AnalyzerContext): Failed | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const lines = boundedLogLines(o.content);
    for (const line of lines) {
      if (!line.includes('.sock')) continue;
      const head = line.slice(0, 2000);
      // A client dialling another program's socket (`dial unix /x.sock: connect: …`) did not create it.
      if (/\bdial unix\b|: connect: /.test(head)) continue;
      const m = SOCKET_FAILED.exec(head);
      if (!m) continue;
      // Refused for permissions while ordinary files of the log are refused too: ownership, not sockets.
      if (
        /permission denied|operation not permitted/i.test(m[2]!) &&
        lines.some(
          (l) => !l.includes('.sock') && /permission denied|operation not permitted/i.test(l.slice(0, 2000)),
        )
      )
        continue;
      const container = o.args['container'];
      // kubectl names the container it chose when none was asked for (`Defaulted container "x" out of: …`).
      const defaulted = /^Defaulted container "([a-z0-9][a-z0-9-]{0,62})"/m.exec(
        o.content.slice(0, 2000),
      )?.[1];
      return {
        pod: String(o.args['name'] ?? ''),
        container: typeof container === 'string' ? container : defaulted,
        path: m[1]!,
        error: m[2]!,
        line: line.trim(),
      };
    }
  }
  return undefined;
}

/**
 * The volume the socket is on: the mount whose path is the socket's prefix (an absolute path), else, for
 * a relative path (in the program's working or data directory), the container's one claim-backed mount.
 */
function socketVolume(described: string, f: Failed): { volume: string; mount: string } | undefined {
  const apps = containerSections(described).filter((c) => !c.init);
  // A log read without a container is the first container's, the one kubectl defaults to.
  const section = f.container === undefined ? apps[0] : apps.find((c) => c.name === f.container);
  if (!section) return undefined;
  const mounts = [
    ...section.body.matchAll(/^\s+(\/\S{0,250}) from (\S{1,253}) \(rw(?:,[^)\n]{0,200})?\)/gm),
  ].map((m) => ({ mount: m[1]!, volume: m[2]! }));
  if (f.path.startsWith('/'))
    return mounts
      .filter((m) => f.path.startsWith(m.mount.endsWith('/') ? m.mount : `${m.mount}/`))
      .sort((a, b) => b.mount.length - a.mount.length)[0];
  const claimed = mounts.filter((m) => claimOf(described, m.volume) !== undefined);
  return claimed.length === 1 ? claimed[0] : undefined;
}

/** The failing pod's latest description in the namespace, when read. */
function describedPod(ctx: AnalyzerContext, pod: string): string | undefined {
  return outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
  ).pop()?.content;
}

/**
 * A program that cannot create its unix-domain socket because the directory it puts it in is on an NFS
 * volume: NFS exports do not hold socket files (a socket is a local kernel object, and NFS clients refuse
 * or lose the node a bind makes), so the bind fails or the file is gone when the program chmods it, and
 * it stops at start. Seen with k3s's kine socket in its data directory, and with any program that keeps
 * a socket beside its data on a claim that landed on an NFS StorageClass (a new default class, a copied
 * manifest). Reads the pod's description and its claim (the StorageClass or PersistentVolume names NFS, or
 * the volume is NFS itself, see `nfsClaim`).
 */
export const socketOnNfsAnalyzer: Analyzer = {
  name: 'socket-on-nfs',
  reads(ctx): Read[] {
    const f = failed(ctx);
    if (!f) return [];
    const d = describedPod(ctx, f.pod);
    if (!d) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: f.pod } }];
    const at = socketVolume(d, f);
    const claim = at ? claimOf(d, at.volume) : undefined;
    return claim
      ? [
          {
            tool: 'describe_resource',
            args: { kind: 'PersistentVolumeClaim', name: claim, namespace: ctx.ns },
          },
        ]
      : [];
  },
  finds(ctx): Finding[] {
    const f = failed(ctx);
    const d = f ? describedPod(ctx, f.pod) : undefined;
    const at = f && d ? socketVolume(d, f) : undefined;
    const nfs = at && d ? nfsClaim(ctx, d, at.volume) : undefined;
    if (!f || !d || !at || !nfs) return [];
    const owner = ownerDeployment(d);
    const statefulSet = /^Controlled By:\s+StatefulSet\/(\S{1,253})/m.exec(d)?.[1];
    const who = owner
      ? `deployment ${owner} (pod ${f.pod})`
      : statefulSet
        ? `statefulset ${statefulSet} (pod ${f.pod})`
        : `pod ${f.pod}`;
    return [
      {
        weight: 88,
        object: who,
        cause: `the program cannot create its unix socket ${f.path} ("${clip(f.line, 200)}"): the socket file goes on the volume ${at.volume} mounted at ${at.mount}, which is NFS (${nfs}), and NFS does not hold unix-domain socket files: a socket is a local kernel object, so the bind on an NFS path fails or leaves no file (${f.error}), and the program stops at start. The version and the image are not at fault; the storage the claim landed on is`,
        evidence: [
          `logs of ${f.pod}: "${clip(f.line, 200)}"`,
          `${nfs}: the volume ${at.volume} at ${at.mount}`,
        ],
        advice: `put the volume on a StorageClass that is not NFS (a block or local class): re-create the claim with its storageClassName set to one (a StatefulSet's volumeClaimTemplates take it too), or point the socket at a local path such as an emptyDir`,
        revisionSound: true,
      },
    ];
  },
};
