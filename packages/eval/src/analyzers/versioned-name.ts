import { escapeRe } from '../baseline/reading.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  loggedLines,
  outputs,
  type Read,
} from './types.js';

/**
 * A lookup by name that found nothing (`couldn't find cmp-server plugin with name kustomize-sops`, `no
 * plugin named "x"`): the name in group 1 or 2.
 */
const NOT_FOUND =
  /\b(?:couldn't|could not|cannot|can't|unable to) find [\w -]{0,60}?\bwith name \\?"?([\w.-]{2,100})\\?"?|\bno [\w-]{1,40} (?:named|with name) \\?"?([\w.-]{2,100})\\?"?/i;

interface Lookup {
  readonly pod: string;
  readonly line: string;
  readonly name: string;
}

/** The first failed lookup by name in the namespace's logs. */
function lookup({ ns, seen }: AnalyzerContext): Lookup | undefined {
  const hit = loggedLines(seen, ns, (l) => l.length <= 4000 && NOT_FOUND.test(l))[0];
  if (!hit) return undefined;
  const m = NOT_FOUND.exec(hit.line)!;
  const name = (m[1] ?? m[2])!.replace(/[.]+$/, '');
  return { pod: String(hit.log.args['name'] ?? ''), line: hit.line.trim(), name };
}

/**
 * A component asked for by a name that is served under that name plus a version (`kustomize-sops` asked
 * for, `kustomize-sops-v1.0` served): giving a plugin or service a version (Argo CD's config management
 * plugins take `spec.version` into their name, `<name>-<version>`) changes the name clients must use, so
 * every lookup by the old name finds nothing. Found from the failed lookup and a log of the same namespace
 * (the pod's other containers are read: a sidecar says what it serves) that names the versioned name.
 */
export const versionedNameAnalyzer: Analyzer = {
  name: 'versioned-name',
  first: true,
  reads(ctx): Read[] {
    const l = lookup(ctx);
    if (!l) return [];
    const described = outputs(
      ctx.seen,
      'describe_pod',
      (o) => o.args['name'] === l.pod && o.args['namespace'] === ctx.ns,
    ).pop();
    if (!described) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: l.pod } }];
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === l.pod).map((o) =>
        String(o.args['container'] ?? ''),
      ),
    );
    return containerSections(described.content)
      .filter((c) => !c.init && !read.has(c.name))
      .slice(1, 4)
      .map((c) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: l.pod, container: c.name } }));
  },
  finds(ctx): Finding[] {
    const l = lookup(ctx);
    if (!l) return [];
    // A version: `v` and a number (`-v1`, `-v1.0`), or a dotted number (`-1.4`, `-2.0.1`); a bare number is
    // a partition, an ordinal or a generation, not a version.
    const versioned = new RegExp(
      `(?<![\\w.-])(${escapeRe(l.name)}-(?:v\\d{1,4}(?:\\.\\d{1,4}){0,3}|\\d{1,4}(?:\\.\\d{1,4}){1,3}))(?![\\w-]|\\.\\d)`,
    );
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      for (const line of boundedLogLines(o.content)) {
        if (line.length > 4000) continue;
        const m = versioned.exec(line);
        if (!m) continue;
        const served = m[1]!.replace(/\.$/, '');
        const where = `${String(o.args['name'])}${o.args['container'] ? ` (${String(o.args['container'])})` : ''}`;
        return [
          {
            weight: 91,
            object: `pod ${l.pod}`,
            cause: `the lookup by the name ${l.name} finds nothing ("${clip(l.line, 220)}") because what should answer it is served under the versioned name ${served}: giving it a version appended the version to its name (${where}: "${clip(line.trim(), 160)}"), so the name ${l.name} that clients ask for does not match any more`,
            evidence: [
              `get_pod_logs ${l.pod}: "${clip(l.line, 200)}"`,
              `get_pod_logs ${where}: "${clip(line.trim(), 200)}"`,
            ],
            advice: `ask for ${served} where ${l.name} is named (the applications' plugin name), or remove the version so it is served as ${l.name} again`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
