import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/** An absolute path of two or more parts in a log line, after a space, a quote, a bracket or an `=`. */
const LOGGED_PATH = /(?:^|[\s'"(=])(\/[A-Za-z0-9._-]{1,100}\/[A-Za-z0-9._/-]{1,250})/g;
/** A container's volume mount in a pod's or a Deployment's description: `/data from pgdata (rw)`. */
const MOUNT = /^\s+(\/\S{1,250}) from (\S{1,253}) \((?:rw|ro)\b/gm;
/** The service account token Kubernetes mounts in every container: not a volume of the program's. */
const TOKEN_MOUNT = /^\/var\/run\/secrets\//;
/** A line where a program names a directory it uses (`msg="Path Plugins" path=/var/lib/grafana/plugins`). */
const PATH_LINE = /\bpaths?\b|\bdir(?:ectory)?\b|\bfolder\b|\bloading\b|\bscanning\b/i;

/** Whether two names differ by exactly one letter added, dropped or changed (`plugin` / `plugins`). */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The mounts a description lists: path and volume. */
function mountsOf(description: string): { path: string; volume: string }[] {
  return [...description.slice(0, 200_000).matchAll(MOUNT)]
    .map((m) => ({ path: m[1]!.replace(/\/$/, ''), volume: m[2]! }))
    .filter((m) => !TOKEN_MOUNT.test(m.path));
}

/** A pod's description, else its Deployment's (both list the container's mounts). */
function describedMounts(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  ns: string,
  pod: string,
): { mounts: { path: string; volume: string }[]; from: string } | undefined {
  const d = outputs(
    seen,
    'describe_pod',
    (o) => o.args['name'] === pod && (o.args['namespace'] ?? ns) === ns,
  ).pop();
  if (d) return { mounts: mountsOf(d.content), from: `describe_pod ${pod}` };
  const deployment = podDeployment(pod);
  const dd = deployment
    ? outputs(
        seen,
        'describe_deployment',
        (o) => o.args['name'] === deployment && (o.args['namespace'] ?? ns) === ns,
      ).pop()
    : undefined;
  return dd ? { mounts: mountsOf(dd.content), from: `describe_deployment ${deployment}` } : undefined;
}

const parentOf = (p: string): string => p.slice(0, p.lastIndexOf('/'));
const lastOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/**
 * A volume mounted one letter away from the directory the program says it uses: the program logs the path it
 * reads (`Path Plugins path=/var/lib/grafana/plugins`), the pod mounts the volume beside it
 * (`/var/lib/grafana/plugin`), and no mount covers the logged path, so the program reads the image's own empty
 * directory and whatever lives on the volume (installed plugins, uploaded files, a cache) is not there for it.
 * Nothing fails at start; the missing content shows later (a panel plugin not found, files gone after a
 * restart). Found from the pod's log and its pod's or Deployment's mounts, both in the namespace asked about.
 */
export const mountPathNearMissAnalyzer: Analyzer = {
  name: 'mount-path-near-miss',
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const pod = String(o.args['name'] ?? '');
      if (!bonus(pod, ctx.hints) || describedMounts(ctx.seen, ctx.ns, pod)) continue;
      if (!boundedLogLines(o.content).some((l) => PATH_LINE.test(l) && l.includes('/'))) continue;
      reads.push({ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } });
      if (reads.length >= 2) break;
    }
    return reads;
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const pod = String(o.args['name'] ?? '');
      const d = describedMounts(ctx.seen, ctx.ns, pod);
      if (!d || d.mounts.length === 0) continue;
      for (const line of boundedLogLines(o.content)) {
        if (line.length > 2000 || !PATH_LINE.test(line)) continue;
        for (const m of line.matchAll(LOGGED_PATH)) {
          const logged = m[1]!.replace(/\/$/, '');
          // A mount at the path or above it serves it.
          if (d.mounts.some((x) => logged === x.path || logged.startsWith(`${x.path}/`))) continue;
          const near = d.mounts.find(
            (x) =>
              parentOf(x.path) === parentOf(logged) &&
              lastOf(x.path).length >= 4 &&
              oneEditApart(lastOf(x.path), lastOf(logged)),
          );
          if (!near) continue;
          const deployment = podDeployment(pod);
          return [
            {
              weight: 86 + bonus(pod, ctx.hints),
              object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
              cause: `volume ${near.volume} is mounted at ${near.path}, but the program reads ${logged} (its own log names that path), one letter away; no volume is mounted there, so the program sees the image's own directory and nothing kept on ${near.volume} (its content survives only on the volume, lost to the program since it restarted)`,
              evidence: [
                `${d.from}: Mounts: ${near.path} from ${near.volume}`,
                `get_pod_logs ${pod}: "${clip(line.trim(), 200)}"`,
              ],
              advice: `mount volume ${near.volume} at ${logged} (the volumeMount's mountPath)${deployment ? ` in deployment ${deployment}` : ''}, or point the program's path setting at ${near.path}; then restart the pod`,
            },
          ];
        }
      }
    }
    return [];
  },
};
