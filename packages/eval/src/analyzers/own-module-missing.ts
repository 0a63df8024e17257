import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  containerSections,
  describedField,
  type Finding,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/** Python's import error for a dotted module: its top package in group 1, the whole name in group 2. */
const NO_MODULE = /No module named '(([a-z][a-z0-9_]{1,60})\.[a-z0-9_.]{1,120})'/;

interface Missing {
  readonly pod: string;
  readonly line: string;
  readonly module: string;
  readonly top: string;
}

/**
 * Lines of the namespace's current logs where the program fails to import a module of its own package: the
 * dotted module's top package, `_` read as `-`, is a word of the pod's name (`open_webui.models` in pod
 * `open-webui-…`). At most one per pod, two in all.
 */
function missing(ctx: AnalyzerContext): Missing[] {
  const out: Missing[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    if (out.some((m) => m.pod === pod)) continue;
    const line = o.content
      .slice(-100_000)
      .split('\n')
      .find((l) => l.length <= 2000 && NO_MODULE.test(l));
    const m = line ? NO_MODULE.exec(line) : null;
    if (!line || !m || !pod.startsWith(`${m[2]!.replace(/_/g, '-')}-`)) continue;
    out.push({ pod, line: line.trim(), module: m[1]!, top: m[2]! });
  }
  return out.slice(0, 2);
}

/**
 * Code loaded into a program (a plugin, a function, an extension a user adds) that imports a module of the
 * program's own package the installed release does not have (`No module named 'open_webui.models'` in Open
 * WebUI): the code was written for another release of the program, whose modules are laid out differently,
 * most often a newer one. Found from the log line and the pod's image (its tag, the installed release). Not
 * a missing download or a network fault: the module is part of the program itself. The read: the pod's
 * description (its image).
 */
export const ownModuleMissingAnalyzer: Analyzer = {
  name: 'own-module-missing',
  reads(ctx): Read[] {
    return missing(ctx)
      .filter((m) => !outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === m.pod).length)
      .slice(0, 1)
      .map((m) => ({ tool: 'describe_pod', args: { namespace: ctx.ns, name: m.pod } }));
  },
  finds(ctx): Finding[] {
    for (const m of missing(ctx)) {
      const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === m.pod).pop();
      const c = d ? containerSections(d.content).find((x) => !x.init) : undefined;
      const image = c ? describedField(c.body, 'Image') : undefined;
      if (!image) continue;
      // An image pinned by digest names no release: said as the image, not as a version.
      const named = image.split('@')[0]!;
      const at = named.lastIndexOf(':');
      const tag = image.includes('@')
        ? at > named.lastIndexOf('/')
          ? named.slice(at + 1)
          : `the digest-pinned ${named}`
        : at > named.lastIndexOf('/')
          ? named.slice(at + 1)
          : 'latest';
      const owner = podDeployment(m.pod);
      return [
        {
          weight: 80 + bonus(owner ?? m.pod, ctx.hints),
          object: owner ? `deployment ${owner} (pod ${m.pod})` : `pod ${m.pod}`,
          cause: `the code being loaded imports ${m.module}, a module of the program's own package (${m.top}) that the installed release does not have: "${clip(m.line, 200)}". The pod runs ${image}, release ${tag}; the code was written for a different release whose modules are laid out otherwise, most likely a newer one, so it cannot load on ${tag}. Nothing has to be downloaded for it: the module is part of the program itself`,
          evidence: [
            `get_pod_logs ${m.pod}: "${clip(m.line, 200)}"`,
            `describe_pod ${m.pod}: image ${image}`,
          ],
          advice: `upgrade ${owner ?? 'the program'} from ${tag} to a release that has ${m.module} (the one the code was written for), or use a version of the code written for ${tag}`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
