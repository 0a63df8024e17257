import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  outputs,
  podDeployment,
  podObject,
  type Read,
} from './types.js';

/** A refused write of a path at the top of the filesystem: `mkdir '/voicebridge'`, `open '/cache.db'`. */
const TOP_LEVEL =
  /(?:permission denied|EACCES)\W{1,40}(?:(?:mkdir|open|mkdtemp|write|create|creat|touch)\w{0,4}\s{0,3})?['"]?(\/[\w.-]{1,100})['"]?(?![\w./-])|\b(?:mkdir|open|create|write)\s['"]?(\/[\w.-]{1,100})['"]?:\s{0,2}permission denied/i;
/** A component a log line is about: Node-RED's `[type:name]` tag, a bracketed logger. */
const TAG = /\[([a-z][\w-]{1,60})(?::[^\]]{0,80})?\]\s{0,3}(?:Error|error|ERROR)/;

interface Refused {
  readonly pod: string;
  readonly line: string;
  readonly path: string;
}

/** The first write refused at a top-level path in the namespace's logs. */
function refusedAtRoot({ ns, seen }: AnalyzerContext): Refused | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 4000) continue;
      const m = TOP_LEVEL.exec(line);
      const path = m?.[1] ?? m?.[2];
      if (path && !/^\/(?:tmp|dev|proc|sys)$/.test(path))
        return { pod: String(o.args['name'] ?? ''), line, path };
    }
  }
  return undefined;
}

/**
 * A non-root program that tries to create something at the top of the container's filesystem: `/` belongs
 * to root, so a process running as another user (securityContext runAsUser) may create nothing there,
 * and only its mounted volumes (and /tmp) are writable. A plugin or a module that keeps its state in
 * `/<name>` by default fails at once. Found from the refusal in the log, the pod's mounts (the path is
 * under none) and the Deployment's securityContext; the fix is to point that state directory into a
 * writable mount (or mount a volume at the path), not to run as root.
 */
export const rootPathDeniedAnalyzer: Analyzer = {
  name: 'root-path-denied',
  first: true,
  reads(ctx) {
    const r = refusedAtRoot(ctx);
    if (!r) return [];
    const owner = podDeployment(r.pod);
    const reads: Read[] = [];
    if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).length)
      reads.push({ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } });
    if (
      owner &&
      !outputs(ctx.seen, 'get_resource', (o) => o.args['kind'] === 'Deployment' && o.args['name'] === owner)
        .length
    )
      reads.push({ tool: 'get_resource', args: { kind: 'Deployment', name: owner, namespace: ctx.ns } });
    return reads;
  },
  finds(ctx) {
    const r = refusedAtRoot(ctx);
    if (!r) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop()?.content;
    if (!described) return [];
    const mounts = containerSections(described).flatMap((c) =>
      [...c.body.matchAll(/^\s+(\/\S{0,250}) from \S{1,253} \((r[ow])/gm)].map((m) => ({
        path: m[1]!,
        rw: m[2] === 'rw',
      })),
    );
    // Under a mount, the volume's owner decides (volume-permissions reads that).
    if (mounts.some((m) => r.path === m.path || r.path.startsWith(`${m.path}/`))) return [];
    const owner = podDeployment(r.pod);
    const spec = owner
      ? outputs(
          ctx.seen,
          'get_resource',
          (o) => o.args['kind'] === 'Deployment' && o.args['name'] === owner,
        ).pop()?.content
      : undefined;
    // Any user but root that the spec runs as (an init container may run as root before the app's user).
    const users = spec ? [...spec.matchAll(/\brunAsUser:\s*(\d{1,10})/g)].map((m) => m[1]!) : [];
    const user = users.find((u) => u !== '0');
    if (users.length > 0 && user === undefined) return [];
    const writable = mounts.filter((m) => m.rw).map((m) => m.path);
    const tag = TAG.exec(r.line)?.[1];
    const out: Finding = {
      weight: 90,
      object: podObject(owner, r.pod),
      cause: `${tag ? `the ${tag} component of ` : ''}${owner ?? r.pod} tries to create ${r.path} at the root of the filesystem ("${clip(r.line.trim(), 160)}"), but the container runs as a non-root user (${user ? `securityContext runAsUser ${user}` : "the image's user"}) and / belongs to root, so nothing may be created there; only its mounted volumes are writable${writable.length ? ` (${writable.join(', ')})` : ''}. The refusal is the filesystem's, not a remote service's`,
      evidence: [
        `get_pod_logs ${r.pod}: "${clip(r.line.trim(), 200)}"`,
        `describe_pod ${r.pod}: mounts ${mounts.map((m) => m.path).join(', ') || 'none'}, none at ${r.path}`,
        ...(user ? [`get_resource Deployment ${owner}: securityContext runAsUser ${user}`] : []),
      ],
      advice: `point ${tag ? `${tag}'s` : 'its'} state directory into a writable volume${writable[0] ? ` (under ${writable[0]})` : ''}, or mount a volume (an emptyDir or a claim) at ${r.path}; running the pod as root is not the fix`,
      revisionSound: true,
    };
    return [out];
  },
};
