import { parse as parseYaml } from 'yaml';
import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  crashingDescribed,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/**
 * The words of a missing file: Go's and libc's ENOENT text, Node's code, the runtime's for a missing
 * executable, and a file or path said not to exist (not a key or a record "not found" in a file that loads).
 */
const MISSING =
  /no such file or directory|executable file not found|\bENOENT\b|\b(?:file|path|directory|executable) (?:does not exist|not found)\b/i;
/** The absolute paths a line names (`/opt/app/bin/python3`, `/var/lib/worker/`), quoted or escaped or bare. */
const PATHS = /(?<![\w.~-])\/[\w.+-]{1,100}(?:\/[\w.+-]{1,100}){0,20}\/?/g;

/** A path without its trailing slashes and dots, as two spellings of one path compare. */
function bare(path: string): string {
  return path.replace(/[./]+$/, '') || '/';
}

/** The registry an image comes from (`registry.example.com`, Docker Hub for `nginx:1.27`). */
function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'docker.io';
}

interface Missing {
  readonly pod: string;
  /** The Deployment whose ReplicaSet controls the pod; undefined for a Job's pod, a bare pod, a StatefulSet's. */
  readonly owner: string | undefined;
  readonly image: string;
  readonly container: string;
  readonly variable: string;
  readonly path: string;
  readonly line: string;
}

/**
 * The first crashing pod of the namespace whose log says a path does not exist, where that path is the
 * whole value of one literal variable of the logging container (`NUCLIO_PYTHON_EXE_PATH=/opt/…/python3`,
 * `exec: "/opt/…/python3": stat /opt/…/python3: no such file or directory`).
 */
function missingPath(ctx: AnalyzerContext): Missing | undefined {
  for (const c of crashingDescribed(ctx)) {
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ctx.ns && o.args['name'] === c.pod,
    );
    for (const log of logs) {
      for (const line of boundedLogLines(log.content)) {
        if (line.length > 4000 || !MISSING.test(line)) continue;
        const paths = new Set((line.match(PATHS) ?? []).map(bare));
        if (paths.size === 0) continue;
        const sections = containerSections(c.described).filter((s) =>
          log.args['container'] ? s.name === log.args['container'] : !s.init,
        );
        for (const s of sections) {
          const hits = envOf(s.body).filter((e) => e.value.startsWith('/') && paths.has(bare(e.value)));
          if (hits.length !== 1) continue;
          return {
            pod: c.pod,
            owner: ownerDeployment(c.described),
            image: /^\s*Image:\s+(\S{1,500})/m.exec(s.body)?.[1] ?? '',
            container: s.name,
            variable: hits[0]!.name,
            path: hits[0]!.value,
            line: line.trim(),
          };
        }
      }
    }
  }
  return undefined;
}

/** The other deployments of the namespace that have all their replicas ready, from its newest list. */
function readyPeers(ctx: AnalyzerContext, owner: string | undefined): string[] {
  const listed = outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).pop();
  if (!listed) return [];
  return parseTable(listed.content)
    .filter((r) => {
      const m = /^(\d+)\/(\d+)$/.exec(r['READY'] ?? '');
      return r['NAME'] !== owner && m !== null && m[1] === m[2] && m[2] !== '0';
    })
    .map((r) => r['NAME']!)
    .slice(0, 4);
}

/**
 * The literal value a deployment's manifest (get_resource, YAML) gives one variable, if one container sets
 * it, and that container's image.
 */
function manifestValue(text: string, variable: string): { value: string; image: string } | undefined {
  if (text.length > 300_000) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return undefined;
  }
  const spec = (doc as { spec?: { template?: { spec?: { containers?: unknown } } } })?.spec?.template?.spec;
  const containers = Array.isArray(spec?.containers)
    ? (spec.containers as { env?: unknown; image?: unknown }[])
    : [];
  const found: { value: string; image: string }[] = [];
  for (const c of containers) {
    for (const e of Array.isArray(c?.env) ? (c.env as { name?: unknown; value?: unknown }[]) : []) {
      if (e?.name === variable && typeof e.value === 'string')
        found.push({ value: e.value, image: typeof c.image === 'string' ? c.image : '' });
    }
  }
  return new Set(found.map((f) => f.value)).size === 1 ? found[0] : undefined;
}

/**
 * A program that starts a file its environment names (an interpreter, a helper binary, a config file)
 * and finds no file there: one variable of the crashing container holds exactly the path the log says
 * does not exist, so the image does not ship what the variable points at (a base image changed, a path
 * copied from another image). The command itself is not at fault. When a ready deployment of the same
 * namespace sets the same variable to another path, that path is the one the images here ship, and the
 * fix sets the variable to it.
 */
export const envPathMissingAnalyzer: Analyzer = {
  name: 'env-path-missing',
  first: true,
  reads(ctx) {
    const m = missingPath(ctx);
    if (!m) return [];
    const reads: Read[] = [];
    if (!outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).length) {
      reads.push({ tool: 'list_deployments', args: { namespace: ctx.ns } });
      return reads;
    }
    for (const peer of readyPeers(ctx, m.owner)) {
      const read = outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === 'Deployment' && o.args['name'] === peer && o.args['namespace'] === ctx.ns,
      ).length;
      if (!read)
        reads.push({ tool: 'get_resource', args: { kind: 'Deployment', name: peer, namespace: ctx.ns } });
    }
    return reads.slice(0, 2);
  },
  finds(ctx) {
    const m = missingPath(ctx);
    if (!m) return [];
    let peer: { name: string; value: string } | undefined;
    for (const name of readyPeers(ctx, m.owner)) {
      const text = outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === 'Deployment' && o.args['name'] === name && o.args['namespace'] === ctx.ns,
      ).pop()?.content;
      const set = text ? manifestValue(text, m.variable) : undefined;
      // A peer of the same image family (the same registry): an unrelated image's path means nothing here.
      if (
        set &&
        bare(set.value) !== bare(m.path) &&
        set.value.startsWith('/') &&
        registryOf(set.image) === registryOf(m.image)
      ) {
        peer = { name, value: set.value };
        break;
      }
    }
    const out: Finding = {
      weight: 92,
      object: m.owner ? `deployment ${m.owner} (pod ${m.pod})` : `pod ${m.pod}`,
      cause: `the container ${m.container} is told by ${m.variable}=${m.path} to use a file that does not exist in its image: the log says "${clip(m.line, 200)}". The path comes from the variable, not from the container's command or the image's entrypoint${peer ? `; the ready deployment ${peer.name} sets ${m.variable} to ${peer.value}` : ''}`,
      evidence: [
        `get_pod_logs ${m.pod}: "${clip(m.line, 200)}"`,
        `describe_pod ${m.pod}: ${m.variable}: ${m.path}`,
        ...(peer ? [`get_resource Deployment ${peer.name}: ${m.variable}: ${peer.value}`] : []),
      ],
      advice: peer
        ? `set ${m.variable} of ${m.owner ?? m.pod}/${m.container} to ${peer.value}, the path the ready ${peer.name} uses, or ship ${m.path} in the image`
        : `point ${m.variable} at a path the image has, or ship ${m.path} in the image`,
      revisionSound: true,
      ...(peer
        ? envFix(
            ctx.ns,
            m.owner,
            m.container,
            [{ name: m.variable, value: peer.value }],
            `set ${m.variable} of ${m.owner ?? m.pod}/${m.container} to ${peer.value}, the path the ready ${peer.name} uses`,
          )
        : {}),
    };
    return [out];
  },
};
