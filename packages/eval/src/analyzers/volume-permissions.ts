import { matchesHint } from '../baseline/reading.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clipAround,
  containerSections,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

// How programs say they may not write a path: POSIX EACCES as shells, runtimes and libraries print it, and
// MinIO's wordings of it (errFileAccessDenied with its drive note, errDiskAccessDenied, errVolumeAccessDenied);
// a bare `file access denied` is also a file server's refusal of a user, not the volume's.
const DENIED =
  /permission denied|EACCES|Operation not permitted|kind: PermissionDenied|os error 13\b|AccessDeniedException|file access denied, drive may be faulty|(?:drive|volume) access denied/i;
/** A program's own authorization refusal (`permission denied for /books/x`, `for table orders`): not the filesystem. */
const NOT_FILESYSTEM = /permission denied for\b/i;

interface Denied {
  pod: string;
  owner: string;
  /** The owner's kind: Deployment, or StatefulSet. */
  kind: 'Deployment' | 'StatefulSet';
  mount: string;
  /** The refused path as the line names it, when it lies below the mount (`/data/cache/x` under `/data`). */
  path?: string | undefined;
  line: string;
  claim: boolean;
  nfs?: string | undefined;
  /** Whether the line is from a crashed container's previous log. */
  previous: boolean;
}

/**
 * A container's log line refusing a path under one of its writable volume mounts, with its pod's owner:
 * a crashed container's previous log first, then the logs of running containers (a program that keeps
 * serving while each write fails).
 */
function deniedOnVolume(ctx: AnalyzerContext): Denied[] {
  const out: Denied[] = [];
  const logs = outputs(ctx.seen, 'get_pod_logs');
  // A running container's log only in the namespace under investigation: elsewhere it is a bystander.
  const ordered = [
    ...logs.filter((o) => o.args['previous'] === true && (o.args['namespace'] ?? ctx.ns) === ctx.ns),
    ...logs.filter((o) => o.args['previous'] !== true && o.args['namespace'] === ctx.ns),
  ];
  const done = new Set<string>();
  for (const log of ordered) {
    const pod = String(log.args['name'] ?? '');
    if (done.has(pod)) continue;
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
    if (!described) continue;
    // The logging container's mounts when the read names it; a volume only a sidecar mounts is not its.
    const named = typeof log.args['container'] === 'string' ? log.args['container'] : undefined;
    const sections = containerSections(described.content);
    const own = named ? sections.filter((c) => c.name === named) : [];
    const mounts = (own.length > 0 ? own : sections).flatMap((c) =>
      // Writable mounts only: ConfigMaps, Secrets and projected volumes are mounted read-only.
      [...c.body.matchAll(/^\s+(\/\S{0,250}) from (\S{1,253}) \(rw(?:,[^)\n]{0,200})?\)/gm)].map((m) => ({
        path: m[1]!,
        volume: m[2]!,
      })),
    );
    // The path itself or one below it (/data matches /data/x, not /data2).
    // The innermost mount the line names a path under (/data/cache before /data), at a path's start.
    const under = (line: string) =>
      mounts.filter(({ path: m }) => mountAt(line, m) >= 0).sort((a, b) => b.path.length - a.path.length)[0];
    // Writing (mkdir, open, chmod), not running a file: a script without its exec bit is not a volume owner problem.
    const lines = boundedLogLines(log.content);
    const writing = (l: string) =>
      !NOT_FILESYSTEM.test(l) && !/\bexec\b|exec format/i.test(l) && under(l) !== undefined;
    // A line that names the path and the refusal both, first; else a chained error's two lines.
    let line = lines.find((l) => DENIED.test(l) && writing(l));
    for (let i = 0; i < lines.length && line === undefined; i++) {
      const l = lines[i]!;
      if (!writing(l) || !/\b(?:error|fail|failed|failure|cannot|can't|unable|could not)\b/i.test(l))
        continue;
      // A chained error: the path on one line, its cause on the next few (Rust's `Error creating private key
      // 'data/rsa_key.pem'` then `[CAUSE] Os { code: 13, kind: PermissionDenied, … }`).
      // The cause names no path of its own (a denial of `/proc/sys/…` is another refusal).
      const cause = lines
        .slice(i + 1, i + 7)
        .find(
          (n) =>
            DENIED.test(n) &&
            !NOT_FILESYSTEM.test(n) &&
            under(n) === undefined &&
            !/(?:^|[\s'"(=:])\/[\w.-]{1,100}\//.test(n.slice(0, 2000)),
        );
      if (cause) line = `${l.trim()} … ${cause.trim()}`;
    }
    if (!line) continue;
    const mount = under(line);
    const byRs = /^\s*Controlled By:\s+ReplicaSet\/(\S+)-[a-z0-9]{5,10}$/m.exec(described.content)?.[1];
    const bySts = /^\s*Controlled By:\s+StatefulSet\/(\S+)$/m.exec(described.content)?.[1];
    const owner = byRs ?? bySts;
    if (mount && owner) {
      done.add(pod);
      out.push({
        pod,
        owner,
        kind: byRs ? 'Deployment' : 'StatefulSet',
        mount: mount.path,
        path: refusedPath(line, mount.path),
        line,
        claim: claimVolume(described.content, mount.volume),
        nfs: nfsVolume(described.content, mount.volume) ?? nfsClaim(ctx, described.content, mount.volume),
        previous: log.args['previous'] === true,
      });
    }
  }
  return out;
}

/**
 * The path below `mount` that a refusal names (`Permission denied: '/data/cache/x'`), read up to the
 * first quote, space or bracket, at most 1,000 characters; undefined when the line names only the mount.
 */
/**
 * Where a line names `mount` as the start of a path (`/data/x`, `'/data'`, `/data:`), not inside another
 * path (`/tmp/data/x`) nor as a prefix of another name (`/data2`); -1 when it does not.
 */
function mountAt(line: string, mount: string): number {
  for (let at = line.indexOf(mount); at >= 0; at = line.indexOf(mount, at + 1)) {
    const before = line[at - 1];
    const after = line[at + mount.length];
    if (before !== undefined && /[\w./-]/.test(before)) continue;
    if (after === undefined || `/'" :,;)`.includes(after)) return at;
  }
  // A top-level mount (`/data`) named relative to the root a program runs from: quoted after a space
  // (`key 'data/rsa_key.pem'`; not a JSON value, `"key":"data/…"`, an object-store key), or after a file
  // operation's name, as Go prints it (`open data/rsa_key.pem: permission denied`).
  if (/^\/[\w.-]{1,100}$/.test(mount)) {
    const rel = mount.slice(1);
    for (const q of [`'${rel}/`, `"${rel}/`]) {
      for (let at = line.indexOf(q); at >= 0; at = line.indexOf(q, at + 1))
        if (at === 0 || /[\s(]/.test(line[at - 1]!)) return at + 1;
    }
    const op = new RegExp(
      `\\b(?:open|mkdir|mkdirat|stat|lstat|create|chmod|chown|remove|rename|write|unlink) ${rel.replace(/[.]/g, '\\.')}/`,
    ).exec(line.slice(0, 4000));
    if (op) return op.index + op[0].length - rel.length - 1;
  }
  return -1;
}

function refusedPath(line: string, mount: string): string | undefined {
  let at = -1;
  for (let i = line.indexOf(`${mount}/`); i >= 0; i = line.indexOf(`${mount}/`, i + 1))
    if (i === 0 || !/[\w./-]/.test(line[i - 1]!)) {
      at = i;
      break;
    }
  if (at < 0) return undefined;
  let end = at + mount.length + 1;
  // A quoted path ends at its closing quote (it may hold spaces); a bare one at a space or bracket.
  const quote = `'"`.includes(line[at - 1] ?? '') ? line[at - 1]! : undefined;
  const stops = quote ?? ` \t'"\`,;()[]<>`;
  while (end < line.length && end - at < 1000 && !stops.includes(line[end]!)) end++;
  // Not inside a surrogate pair where the length cut it.
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  // A sentence's full stop or a colon after the path is not part of it.
  while (end > at && '.:'.includes(line[end - 1]!)) end--;
  const path = line.slice(at, end);
  return path.length > mount.length + 1 ? path : undefined;
}

/** What a cause quotes of the refusing line: the refusal and the refused path in view. */
function refusal(d: Denied): string {
  const denied = DENIED.exec(d.line)?.[0] ?? '';
  if (!d.path) return clipAround(d.line, denied, 140);
  // Positions in the text clipAround quotes: the line with its runs of white space made one space.
  const t = d.line.trim().replace(/\s+/g, ' ');
  const path = d.path.replace(/\s+/g, ' ');
  const a = t.indexOf(denied);
  const b = t.indexOf(path);
  if (b < 0) return clipAround(d.line, denied, 140);
  const from = Math.min(a < 0 ? b : a, b);
  const to = Math.max(a < 0 ? 0 : a + denied.length, b + path.length);
  // clipAround keeps its words whole when they fit in two thirds of the width.
  return clipAround(t, t.slice(from, to), Math.max(140, Math.ceil(((to - from) * 3) / 2) + 10));
}

/** `may not write <path> on its volume mounted at <mount>`, or `… its volume mounted at <mount>`. */
function writeTarget(d: Denied, what: string): string {
  return d.path ? `${d.path} on ${what} mounted at ${d.mount}` : `${what} mounted at ${d.mount}`;
}

/**
 * Whether the pod's volume of that name is a PersistentVolumeClaim (`Type: PersistentVolumeClaim` in
 * describe's Volumes section): a volume root may always write, so a refusal there means a user other
 * than root. hostPath and NFS are not (root squash refuses root too).
 */
/** The volume a container mounts at a path (`/data from pgdata (rw)`), or undefined. */
export function mountedVolume(described: string, path: string): string | undefined {
  for (const c of containerSections(described))
    for (const m of c.body.matchAll(/^\s+(\/\S{0,250}) from (\S{1,253}) \(rw(?:,[^)\n]{0,200})?\)/gm))
      if (m[1] === path) return m[2];
  return undefined;
}

/** The NFS server and path of the pod's volume of that name (`Type: NFS …`, `Server:`, `Path:`), or undefined. */
function nfsVolume(described: string, volume: string): string | undefined {
  const head = `\n  ${volume}:\n`;
  const at = described.indexOf(head);
  if (at < 0) return undefined;
  const block = described.slice(at + head.length, at + head.length + 400);
  if (!/^\s{4}Type:\s{1,20}NFS\b/.test(block)) return undefined;
  const server = /^\s{4}Server:\s{1,20}(\S{1,253})/m.exec(block)?.[1];
  const path = /^\s{4}Path:\s{1,20}(\S{1,1000})/m.exec(block)?.[1];
  return `${server ?? '?'}:${path ?? '?'}`;
}

/** The claim a pod's volume of that name mounts (`ClaimName:` in describe's Volumes section), or undefined. */
export function claimOf(described: string, volume: string): string | undefined {
  const head = `\n  ${volume}:\n`;
  const at = described.indexOf(head);
  if (at < 0) return undefined;
  return /^\s{4}ClaimName:\s{1,20}(\S{1,253})/m.exec(
    described.slice(at + head.length, at + head.length + 300),
  )?.[1];
}

/**
 * A claim served by NFS: its StorageClass or its PersistentVolume is named for NFS (`nfs-standard`,
 * `nfs-docs-01`), as the claim's description read shows. `StorageClass <name>` then, else undefined.
 */
export function nfsClaim(ctx: AnalyzerContext, described: string, volume: string): string | undefined {
  const claim = claimOf(described, volume);
  if (!claim) return undefined;
  const read = outputs(
    ctx.seen,
    'describe_resource',
    (o) => /^(pvc|persistentvolumeclaims?)$/i.test(String(o.args['kind'])) && o.args['name'] === claim,
  ).pop()?.content;
  if (!read) return undefined;
  const cls = /^\s*storageClassName:\s*(\S{1,253})/m.exec(read)?.[1];
  const pv = /^\s*volumeName:\s*(\S{1,253})/m.exec(read)?.[1];
  const isNfs = (x: string | undefined) => x !== undefined && /(^|[-_.])nfs($|[-_.])/i.test(x);
  if (isNfs(cls)) return `StorageClass ${cls} (claim ${claim})`;
  if (isNfs(pv)) return `PersistentVolume ${pv} (claim ${claim})`;
  // The PersistentVolume's own source: an `nfs:` volume source names its server and export path.
  const served = pv ? nfsOfVolume(ctx, pv) : undefined;
  if (served) return `PersistentVolume ${pv} (NFS export ${served}, claim ${claim})`;
  return undefined;
}

/** The bound PersistentVolume the claim's description names (`volumeName:`), if the claim was read. */
function claimedVolume(ctx: AnalyzerContext, claim: string): string | undefined {
  const read = outputs(
    ctx.seen,
    'describe_resource',
    (o) => /^(pvc|persistentvolumeclaims?)$/i.test(String(o.args['kind'])) && o.args['name'] === claim,
  ).pop()?.content;
  return read ? /^\s*volumeName:\s*(\S{1,253})/m.exec(read)?.[1] : undefined;
}

/** `server:path` of a PersistentVolume whose read shows an NFS source (`nfs.server:`, `nfs.path:`). */
function nfsOfVolume(ctx: AnalyzerContext, pv: string): string | undefined {
  const read = outputs(
    ctx.seen,
    'describe_resource',
    (o) => /^(pv|persistentvolumes?)$/i.test(String(o.args['kind'])) && o.args['name'] === pv,
  ).pop()?.content;
  const server = read ? /^\s*nfs\.server:\s*(\S{1,253})/m.exec(read)?.[1] : undefined;
  if (!server) return undefined;
  return `${server}:${/^\s*nfs\.path:\s*(\S{1,1000})/m.exec(read!)?.[1] ?? '?'}`;
}

function claimVolume(described: string, volume: string): boolean {
  const head = `\n  ${volume}:\n`;
  const at = described.indexOf(head);
  if (at < 0) return false;
  const from = at + head.length;
  return /^\s{4}Type:\s{1,20}PersistentVolumeClaim\b/.test(described.slice(from, from + 200));
}

/** The reads that show what backs the claim a refusal is on: the claim, then its PersistentVolume. */
function backingReads(ctx: AnalyzerContext, d: Denied): Read[] {
  const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === d.pod).pop()?.content;
  const volume = described ? mountedVolume(described, d.mount) : undefined;
  const claim = described && volume ? claimOf(described, volume) : undefined;
  if (!claim) return [];
  const reads: Read[] = [
    { tool: 'describe_resource', args: { kind: 'PersistentVolumeClaim', name: claim, namespace: ctx.ns } },
  ];
  const pv = claimedVolume(ctx, claim);
  if (pv) reads.push({ tool: 'describe_resource', args: { kind: 'PersistentVolume', name: pv } });
  return reads;
}

/**
 * A container that runs as a non-root user and may not write its volume: the volume's files belong to
 * root (or another user), and the pod sets no fsGroup, so the kubelet does not make the volume's files
 * group-owned by the pod's group. The read: the owning Deployment's spec (its securityContext).
 * https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod
 */
export const volumePermissionsAnalyzer: Analyzer = {
  name: 'volume-permissions',
  // The spec read follows from the crashed pod's log at once: a short budget must not end first.
  first: true,
  reads(ctx) {
    return [...deniedOnVolume(ctx).slice(0, 1)].flatMap((d) => {
      const reads: Read[] = [
        { tool: 'get_resource', args: { kind: d.kind, name: d.owner, namespace: ctx.ns } },
      ];
      // With fsGroup set, a claim's backing decides whether it can apply: its description names the class.
      const spec = outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === d.kind && o.args['name'] === d.owner,
      ).pop()?.content;
      if (spec && /\bfsGroup:\s*\d/.test(spec) && !d.nfs) reads.push(...backingReads(ctx, d));
      // Without fsGroup, a claim already read names its PersistentVolume: one read shows an NFS export.
      else if (spec && !d.nfs && d.claim && backingReads(ctx, d).length === 2)
        reads.push(backingReads(ctx, d)[1]!);
      return reads;
    });
  },
  finds(ctx) {
    for (const d of deniedOnVolume(ctx)) {
      const spec = outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === d.kind && o.args['name'] === d.owner,
      ).pop()?.content;
      if (!spec) continue;
      const fsGroup = /\bfsGroup:\s*(\d{1,10})/.exec(spec)?.[1];
      // fsGroup is set, and the volume is an NFS share: the kubelet never changes an NFS volume's
      // ownership (only volumes whose plugin supports ownership management are chowned; kubernetes.io,
      // "Configure a Security Context", fsGroup), so the share keeps the owner it has on the server.
      if (fsGroup && d.nfs)
        return [
          {
            weight: 87,
            object: `${d.kind.toLowerCase()} ${d.owner}`,
            cause: `the container runs as a non-root user and may not write ${writeTarget(d, `its NFS share ${d.nfs}`)}: "${refusal(d)}" — the pod sets fsGroup ${fsGroup}, but the kubelet does not apply fsGroup to NFS volumes (it never changes their ownership), so the export's directory stays owned by root on the server (root-squashed as nobody)`,
            evidence: [
              `get_pod_logs ${d.pod}${d.previous ? ' (previous)' : ''}: "${refusal(d)}"`,
              `describe_pod ${d.pod}: volume at ${d.mount} is NFS ${d.nfs}`,
              `get_resource ${d.kind} ${d.owner}: securityContext fsGroup ${fsGroup}`,
            ],
            advice: `fsGroup cannot help on NFS: change the ownership on the server (chown the export's directory to the pod's user, or map it with anonuid/anongid and all_squash on the export), or chown it from an init container running as root where the export allows root`,
          },
        ];
      if (/\bfsGroup:/.test(spec)) continue;
      const user = /\brunAsUser:\s*(\d{1,10})/.exec(spec)?.[1];
      const nonRoot = /\brunAsNonRoot:\s*true/.test(spec);
      // No user in the spec: the image's own USER. Root writes every claim, so a refusal on a
      // writable claim says that USER is not root.
      const imageUser = !user && !nonRoot && d.claim;
      if ((!user || user === '0') && !nonRoot && !imageUser) continue;
      if (user === '0') continue;
      const who = imageUser
        ? "the image's USER, as the spec sets no runAsUser; root would be allowed to write the claim"
        : `securityContext${user ? ` runAsUser ${user}` : ''}${nonRoot ? ', runAsNonRoot' : ''}`;
      if (d.nfs)
        return [
          {
            weight: 86,
            object: `${d.kind.toLowerCase()} ${d.owner}`,
            cause: `the container runs as a non-root user (${imageUser ? "the image's USER, as the spec sets no runAsUser" : who}) and may not write ${writeTarget(d, `its NFS share ${d.nfs}`)}: "${refusal(d)}" — the export's directories are owned by root on the NFS server, and the kubelet never changes an NFS volume's ownership (fsGroup is not applied to NFS), so only the server's ownership decides who may write`,
            evidence: [
              `get_pod_logs ${d.pod}${d.previous ? ' (previous)' : ''}: "${refusal(d)}"`,
              `describe_pod ${d.pod}: volume at ${d.mount} is NFS ${d.nfs}`,
              `get_resource ${d.kind} ${d.owner}: securityContext without fsGroup`,
            ],
            advice: `change the ownership on the NFS server: chown the export's directory to the pod's user (or map writes with anonuid/anongid and all_squash on the export); setting fsGroup would not help on NFS`,
          },
        ];
      return [
        {
          weight: 86,
          object: `${d.kind.toLowerCase()} ${d.owner}`,
          cause: `the container runs as a non-root user (${who}) and may not write ${writeTarget(d, 'its volume')}: "${refusal(d)}" — the volume's files are owned by root and the pod sets no fsGroup, so the kubelet does not give the pod's group ownership of them`,
          evidence: [
            `get_pod_logs ${d.pod}${d.previous ? ' (previous)' : ''}: "${refusal(d)}"`,
            `get_resource ${d.kind} ${d.owner}: securityContext without fsGroup`,
          ],
          advice: `set securityContext.fsGroup${user ? ` ${user}` : " (the image user's group id)"} on ${d.owner}'s pod template (the kubelet then makes the volume group-writable), or chown the volume in an init container`,
        },
      ];
    }
    return [];
  },
};

/**
 * The reads `volumePermissionsAnalyzer` wants after the investigation's own (so they do not take the
 * budget of a crash's reads): the description of a running pod whose log refuses a path (is the path on
 * a volume?), and, for a claim without fsGroup, what backs it (an NFS share takes other advice). Finds
 * nothing itself.
 */
export const volumeBackingAnalyzer: Analyzer = {
  name: 'volume-backing',
  reads(ctx) {
    return backingOfRefusals(ctx, () => true);
  },
  finds() {
    return [];
  },
};

/**
 * The same reads, made early, for a pod of a workload the task names: what the person asks about is
 * worth the budget before a neighbour's failure.
 */
export const namedVolumeBackingAnalyzer: Analyzer = {
  name: 'volume-backing-named',
  first: true,
  reads(ctx) {
    const named = ctx.hints.filter((h) => h !== ctx.ns);
    return backingOfRefusals(ctx, (pod) => matchesHint(pod, named));
  },
  finds() {
    return [];
  },
};

/** The reads that show whether a path a pod's log refuses lies on a volume, for the pods `which` admits. */
function backingOfRefusals(ctx: AnalyzerContext, which: (pod: string) => boolean): Read[] {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const pod = String(log.args['name'] ?? '');
    if (!which(pod)) continue;
    if (outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).length > 0) continue;
    // The Deployment's description lists the template's mounts: a refused path under none of them is
    // no volume's, and the pod's description is not needed.
    const owner = podDeployment(pod);
    const template = owner
      ? outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['namespace'] === ctx.ns && o.args['name'] === owner,
        ).pop()?.content
      : undefined;
    const mounts = template
      ? [...template.matchAll(/^\s+(\/\S{0,250}) from \S{1,253} \(rw(?:,[^)\n]{0,200})?\)/gm)].map(
          (m) => m[1]!,
        )
      : undefined;
    const refused = boundedLogLines(log.content).some(
      (l) =>
        DENIED.test(l) &&
        /['"\s]\/[\w.-]{1,100}\//.test(l) &&
        !/\bexec\b|exec format/i.test(l) &&
        (mounts === undefined ||
          mounts.some((m) => l.includes(`${m}/`) || l.includes(`${m}'`) || l.includes(`${m}"`))),
    );
    if (!refused) continue;
    // The Deployment first (its mounts, and the rollout that may have changed its user), then the pod.
    if (owner && !template)
      return [{ tool: 'describe_deployment', args: { namespace: ctx.ns, name: owner } }];
    return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } }];
  }
  return deniedOnVolume(ctx)
    .slice(0, 1)
    .flatMap((d) => {
      const spec = outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === d.kind && o.args['name'] === d.owner,
      ).pop()?.content;
      return spec && !/\bfsGroup:/.test(spec) && !d.nfs && d.claim && which(d.pod)
        ? backingReads(ctx, d)
        : [];
    });
}
