import { parse as parseYaml } from 'yaml';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  clipAround,
  containerSections,
  cronRunOf,
  type Finding,
  outputs,
  ownerName,
  podDeployment,
  programLines,
  type Read,
} from './types.js';

/** How programs say they may not open a path: POSIX EACCES, .NET's and Sonarr's own words. */
const REFUSED = /permission denied|EACCES|not accessible|access to the path|Operation not permitted/i;
/** A program's own authorization refusal (`permission denied for table orders`): not the filesystem. */
const NOT_FILESYSTEM = /permission denied for\b/i;
/** A refusal of writing: opening to append or write, creating, renaming. */
const WRITING = /append|writ|creat|mkdir|rename|open\(\) .{0,40}w|O_WRONLY|O_RDWR|could not be opened/i;

/**
 * One line of `ls -l` / `ls -ln` (busybox or GNU): mode, links, owner, group, size, date, name. Bounded:
 * every field is a run of one character class, the name the rest of the line.
 */
const LISTING =
  /^\s{0,8}([-dlcbps][rwxsStT-]{9})[.+@]?\s{1,40}\d{1,9}\s{1,40}(\S{1,64})\s{1,40}(\S{1,64})\s{1,40}(?:\d{1,9},\s{0,4}\d{1,9}|\d{1,15}(?:[.,]\d{1,3})?[KMGTPE]?)\s{1,40}(?:\w{3}\s{1,4}\d{1,2}\s{1,8}(?:\d{1,2}:\d\d|\d{4})|\d{4}-\d\d-\d\d\s{1,4}\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:\s{1,4}[+-]\d{4})?)\s{1,4}(.{1,500})$/;

/** Names of pods an operator starts to look at a volume: a shell, a debug or tools pod. */
const LOOKING = /shell|debug|toolbox|tools|inspect|busybox|admin/;

interface Refusal {
  pod: string;
  container: string | undefined;
  line: string;
  path: string;
  writing: boolean;
}

/**
 * The absolute paths a line names: a `/` at the start or after a space, quote, colon or bracket, read up to
 * the next space, quote or bracket (a quoted path up to its closing quote), at most 1,000 characters,
 * a sentence's full stop or colon after it dropped. Read with indexOf: no pattern over the line.
 */
export function pathsIn(line: string): string[] {
  const out: string[] = [];
  for (let at = line.indexOf('/'); at >= 0 && out.length < 10; at = line.indexOf('/', at + 1)) {
    const before = line[at - 1];
    if (before !== undefined && !` '"\`:([=`.includes(before)) continue;
    const quote = before === "'" || before === '"' ? before : undefined;
    const stops = quote ?? ` \t'"\`,;()[]<>`;
    let end = at + 1;
    while (end < line.length && end - at < 1000 && !stops.includes(line[end]!)) end++;
    while (end > at + 1 && '.:'.includes(line[end - 1]!)) end--;
    const path = line.slice(at, end);
    if (path.length > 1 && !path.startsWith('//')) out.push(path);
    at = end;
  }
  return out;
}

/** A path as one shell word: single-quoted, a quote in it closed, escaped and reopened. */
const shellQuote = (path: string) => (/^[\w./-]+$/.test(path) ? path : `'${path.split("'").join("'\\''")}'`);

/** The last part of a path (`ff3-cli.log` of `/var/www/html/storage/logs/ff3-cli.log`). */
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The first refusal on a path in the logs read in the namespace: current logs, then previous ones. */
function refusals(ctx: AnalyzerContext): Refusal[] {
  const out: Refusal[] = [];
  const done = new Set<string>();
  for (const o of outputs(ctx.seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    if (done.has(pod)) continue;
    for (const line of programLines(boundedLogLines(o.content))) {
      if (line.length > 4000 || !REFUSED.test(line) || NOT_FILESYSTEM.test(line)) continue;
      const path = pathsIn(line).find((p) => baseName(p).length >= 3);
      if (!path) continue;
      done.add(pod);
      // The words of the line, not of the path (`created-at.json` is no creation).
      out.push({
        pod,
        container: o.args['container'] === undefined ? undefined : String(o.args['container']),
        line: line.trim(),
        path,
        writing: WRITING.test(line.split(path).join(' ')),
      });
      break;
    }
  }
  return out;
}

interface Listed {
  mode: string;
  owner: string;
  group: string;
  line: string;
  pod: string;
  /** The directory it was listed in, when the listing says (`/storage/logs:` above it, or a path name). */
  parent: string | undefined;
}

/** The listing lines of every log read in the namespace, by the base name they list. */
function listings(ctx: AnalyzerContext): Map<string, Listed[]> {
  const out = new Map<string, Listed[]>();
  for (const o of outputs(ctx.seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    let header: string | undefined;
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 700) continue;
      // `ls -l dir1 dir2` heads each directory's entries with `dir:`.
      const dir = /^(\/[^\s:]{0,400}):$/.exec(line.trim())?.[1];
      if (dir) {
        header = dir;
        continue;
      }
      const m = LISTING.exec(line);
      if (!m) continue;
      const name = m[4]!.replace(/ -> .*$/, '').trim();
      const base = baseName(name) || name;
      const parent = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : header;
      out.set(base, [
        ...(out.get(base) ?? []),
        {
          mode: m[1]!,
          owner: m[2]!,
          group: m[3]!,
          line: line.trim(),
          pod: String(o.args['name'] ?? ''),
          parent,
        },
      ]);
    }
  }
  return out;
}

/** The last part of a directory path (`logs` of `/storage/logs`). */
const lastPart = (dir: string) => baseName(dir.replace(/\/+$/, ''));

/**
 * The listed entry that is the refused path: the same base name, and, when the listing says its directory,
 * the same last directory part as the refused path's (the mount points may differ between pods).
 */
function listedFor(listed: Map<string, Listed[]>, path: string): Listed | undefined {
  const parent = path.slice(0, path.lastIndexOf('/'));
  return (listed.get(baseName(path)) ?? []).find(
    (e) => e.parent === undefined || lastPart(e.parent) === lastPart(parent),
  );
}

/** A number of a YAML field, or undefined. */
const num = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? String(v) : undefined;

/**
 * The user and groups a pod runs its container as, from its spec (or its Deployment's, read as YAML):
 * the container's own `securityContext.runAsUser`/`runAsGroup` over the pod's, the pod's `fsGroup` and
 * `supplementalGroups` (supplementary groups of the process). The container is the one the log was read
 * from, else the first.
 */
function specUser(
  ctx: AnalyzerContext,
  pod: string,
  container: string | undefined,
): { uid?: string; gid?: string; groups: string[] } | undefined {
  const deployment = podDeployment(pod);
  const text = outputs(
    ctx.seen,
    'get_resource',
    (o) =>
      (o.args['kind'] === 'Pod' && o.args['name'] === pod) ||
      (deployment !== undefined && o.args['kind'] === 'Deployment' && o.args['name'] === deployment),
  ).pop()?.content;
  if (!text || text.length > 300_000) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return undefined;
  }
  const root = (doc ?? {}) as { spec?: { template?: { spec?: unknown } } };
  const spec = (root.spec?.template?.spec ?? root.spec ?? {}) as {
    securityContext?: Record<string, unknown>;
    containers?: { name?: string; securityContext?: Record<string, unknown> }[];
  };
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  const c = containers.find((x) => x?.name === container) ?? containers[0];
  const podCtx = spec.securityContext ?? {};
  const own = c?.securityContext ?? {};
  const uid = num(own['runAsUser']) ?? num(podCtx['runAsUser']);
  const gid = num(own['runAsGroup']) ?? num(podCtx['runAsGroup']);
  const groups = [
    num(podCtx['fsGroup']),
    ...(Array.isArray(podCtx['supplementalGroups'])
      ? (podCtx['supplementalGroups'] as unknown[]).map(num)
      : []),
  ].filter((g): g is string => g !== undefined);
  return { ...(uid ? { uid } : {}), ...(gid ? { gid } : {}), groups };
}

/**
 * What a umask leaves of a new directory's and file's mode (0777 and 0666 without the umask's bits), in
 * `ls -l` form, and whether that is private to the owner: `077` gives drwx------ and -rw-------.
 */
export function umaskSays(umask: string): string {
  const bits = Number.parseInt(umask, 8);
  const mode = (m: number) =>
    [6, 3, 0]
      .map((sh) => `${m & (4 << sh) ? 'r' : '-'}${m & (2 << sh) ? 'w' : '-'}${m & (1 << sh) ? 'x' : '-'}`)
      .join('');
  const dir = `d${mode(0o777 & ~bits)}`;
  const file = `-${mode(0o666 & ~bits)}`;
  return (bits & 0o077) === 0o077
    ? `makes every file and directory it creates private to their owner (${dir}, ${file})`
    : `leaves other users no access to what it creates (${dir}, ${file}), only its owner${(bits & 0o070) === 0o070 ? '' : ' and group'}`;
}

/**
 * Another pod of the namespace that writes to the same mount path (a volume it shares with the refused
 * program) with a `UMASK` variable that takes every right from other users (its last digit 7): what makes
 * the files it creates private to their owner. From the pod descriptions and Deployment descriptions read.
 */
function privateWriter(
  ctx: AnalyzerContext,
  refusedPod: string,
  path: string,
): { name: string; umask: string; uid?: string } | undefined {
  const described = [
    ...outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] !== refusedPod),
    ...outputs(ctx.seen, 'describe_deployment', (o) => o.args['name'] !== ownerName(refusedPod)),
  ];
  for (const d of described)
    for (const c of containerSections(d.content).length > 0
      ? containerSections(d.content)
      : [{ body: d.content }]) {
      const umask = /^\s+UMASK(?:_SET)?:\s{1,20}(0?[0-7]{2}[4-7])\s*$/m.exec(c.body)?.[1];
      if (!umask) continue;
      const mounts = [...c.body.matchAll(/^\s+(\/\S{0,250}) from \S{1,253} \(rw/gm)].map((m) => m[1]!);
      if (!mounts.some((m) => path.startsWith(`${m}/`))) continue;
      const uid = /^\s+PUID:\s{1,20}(\d{1,10})\s*$/m.exec(c.body)?.[1];
      return {
        name: d.tool === 'describe_pod' ? ownerName(String(d.args['name'])) : String(d.args['name']),
        umask,
        ...(uid ? { uid } : {}),
      };
    }
  return undefined;
}

/**
 * A program refused a file or directory of its volume (`could not be opened in append mode: …
 * Permission denied`, `path … is not accessible`) while an `ls -l` listing another pod printed shows that
 * name owned by another user with a mode that gives other users no such right (`-rw-r--r-- 0 0
 * ff3-cli.log` for a writer running as uid 33; `drwx------ 1000 1000` for a reader running as uid 1001):
 * the program is not the owner. A file owned by root was created by a process that ran as root (a job
 * run by hand, an earlier image); a directory private to its owner comes from the writer's umask (077).
 * The reads: the refused pod's spec (its user) and, when no listing names the path, the logs of up to
 * two other running pods of the namespace (a shell or debug pod first).
 * https://man7.org/linux/man-pages/man2/open.2.html (EACCES), https://man7.org/linux/man-pages/man2/umask.2.html
 */
export const fileOwnerAnalyzer: Analyzer = {
  name: 'file-owner',
  first: true,
  reads(ctx) {
    const [r] = refusals(ctx);
    if (!r) return [];
    const reads: Read[] = [];
    // The spec that says its user: a Deployment's pod by its Deployment (the read the volume rules make
    // too), any other pod by itself.
    const deployment = podDeployment(r.pod);
    const spec: Read = deployment
      ? { tool: 'get_resource', args: { kind: 'Deployment', name: deployment, namespace: ctx.ns } }
      : { tool: 'get_resource', args: { kind: 'Pod', name: r.pod, namespace: ctx.ns } };
    if (
      !outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === spec.args['kind'] && o.args['name'] === spec.args['name'],
      ).length
    )
      reads.push(spec);
    if (!listedFor(listings(ctx), r.path)) {
      const read = new Set(
        outputs(ctx.seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns).map((o) =>
          String(o.args['name']),
        ),
      );
      const running = outputs(
        ctx.seen,
        'list_pods',
        (o) => o.args['namespace'] === ctx.ns && !o.args['labelSelector'],
      )
        .flatMap((o) => parseTable(o.content))
        .filter((row) => row['STATUS'] === 'Running')
        .map((row) => row['NAME'] ?? '');
      const others = [...new Set(running)].filter(
        (p) => p !== r.pod && !read.has(p) && ownerName(p) !== ownerName(r.pod),
      );
      // Only pods started to look at the volume (a shell, a debug pod): they print its listing.
      for (const p of others.filter((p) => LOOKING.test(p)).slice(0, 2))
        reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: p } });
    }
    return reads;
  },
  finds(ctx) {
    const listed = listings(ctx);
    for (const r of refusals(ctx)) {
      const entry = listedFor(listed, r.path);
      const user = specUser(ctx, r.pod, r.container);
      // Root is never refused by a file's mode (it bypasses the permission bits).
      if (!entry || !user?.uid || user.uid === '0') continue;
      // Numeric owners only (`ls -ln`), or root by name.
      const owner = entry.owner === 'root' ? '0' : entry.owner;
      if (!/^\d{1,10}$/.test(owner) || owner === user.uid) continue;
      const other = entry.mode.slice(7, 10);
      const group = entry.mode.slice(4, 7);
      const need = r.writing ? 'w' : 'r';
      if (other.includes(need)) continue;
      // A group of the program (its runAsGroup, fsGroup or a supplemental group) owns it and may: not this.
      const fileGroup = entry.group === 'root' ? '0' : entry.group;
      if ([user.gid, ...user.groups].includes(fileGroup) && group.includes(need)) continue;
      const writer = privateWriter(ctx, r.pod, r.path);
      const run = cronRunOf(r.pod);
      const deployment = podDeployment(r.pod);
      const who = run ? `cronjob ${run.cronJob}` : deployment ? `deployment ${deployment}` : `pod ${r.pod}`;
      const root = owner === '0';
      const kind = entry.mode.startsWith('d') ? 'directory' : 'file';
      const quote = clipAround(r.line, baseName(r.path), 240);
      const finding: Finding = {
        // Above the failed Job or the failing pod it explains (86, and the task's name bonus).
        weight: 88 + bonus(run?.cronJob ?? deployment ?? r.pod, ctx.hints),
        object: who,
        cause: `${who} runs as uid ${user.uid} (runAsUser ${user.uid}) and is refused ${r.path}: "${quote}" — the ${kind} is ${root ? 'root-owned (owned by root, uid 0: created by a process that ran as root)' : `owned by uid ${owner}, another user`}, mode ${entry.mode} ("${clip(entry.line, 160)}", listed in pod ${entry.pod}), so uid ${user.uid} is not the owner and the mode gives other users no ${need === 'w' ? 'write' : 'read'} access${writer ? `; ${writer.name}${writer.uid ? `, running as uid ${writer.uid},` : ''} writes there with UMASK ${writer.umask}, which ${umaskSays(writer.umask)}` : ''}`,
        evidence: [
          `get_pod_logs ${r.pod}: "${quote}"`,
          `get_pod_logs ${entry.pod}: "${clip(entry.line, 160)}"`,
          `get_resource ${podDeployment(r.pod) ? `Deployment ${podDeployment(r.pod)}` : `Pod ${r.pod}`}: runAsUser ${user.uid}`,
        ],
        advice: writer
          ? `run ${who} and ${writer.name} as the same user (set ${writer.name}'s PUID/PGID to ${user.uid}${user.gid ? `/${user.gid}` : ''}, or ${who}'s runAsUser to ${writer.uid ?? owner}), or set ${writer.name}'s UMASK to 002 and give both a common group (fsGroup or supplementalGroups); then fix the existing files once (chown or chmod them)`
          : `chown the ${kind} to uid ${user.uid}${user.gid ? `:${user.gid}` : ''} (from the debug pod or an init container running as root: chown ${user.uid}${user.gid ? `:${user.gid}` : ''} ${shellQuote(r.path)}), or delete it so ${who} creates it again as itself${root ? '; and stop running the process that created it as root' : ''}`,
      };
      return [finding];
    }
    return [];
  },
};
