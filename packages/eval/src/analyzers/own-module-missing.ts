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
  podObject,
  type Read,
} from './types.js';

/** Python's import error for a dotted module: its top package in group 1, the whole name in group 2. */
const NO_MODULE = /No module named '(([a-z][a-z0-9_]{1,60})\.[a-z0-9_.]{1,120})'/;

interface Missing {
  readonly pod: string;
  readonly line: string;
  readonly module: string;
  readonly top: string;
  /** The installed release of the top package as the log states it (`bentoml 1.0.0a3`), when it does. */
  readonly installed?: { version: string; line: string };
}

/**
 * The release of package `top` the log states (`bentoml 1.0.0a3`, `bentoml==1.0.0a3`, `bentoml version
 * 1.0.0`, `bentoml: 1.2`): its version and line. `top` is `[a-z0-9_]`, so it needs no escaping.
 */
function statedVersion(text: string, top: string): { version: string; line: string } | undefined {
  const V = '(\\d{1,4}\\.\\d{1,4}(?:\\.\\d{1,4})?(?:[a-z]{1,5}\\d{0,3})?)(?![\\w.])';
  // `bentoml 1.0.0a3`, `bentoml==1.0.0a3`, `bentoml version 1.0.0`, `bentoml: 1.2`.
  const named = new RegExp(`(?<![\\w.-])${top}(?:==|[ :=]{1,2}(?:version )?v?)${V}`, 'i');
  // pip's `Successfully installed bentoml-1.0.0a3`, and a line that says which one is installed.
  const pip = new RegExp(`\\binstalled\\b[^\\n]{0,400}?(?<![\\w.-])${top}-${V}`, 'i');
  const installed = new RegExp(`\\binstalled:?\\s{1,3}v?${V}`, 'i');
  // A version the line asks for is not the one installed (`requires bentoml==1.2.4`).
  const asked = /\b(?:requires?|required|needs?|expects?|wants?|depends on|compatible with)\b[^\n]{0,40}$/i;
  for (const line of text.split('\n')) {
    if (line.length > 2000) continue;
    const p = pip.exec(line);
    if (p) return { version: p[1]!, line: line.trim() };
    const m = named.exec(line);
    if (!m) continue;
    if (asked.test(line.slice(0, m.index))) {
      const i = installed.exec(line);
      if (i) return { version: i[1]!, line: line.trim() };
      continue;
    }
    return { version: m[1]!, line: line.trim() };
  }
  return undefined;
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
    if (!line || !m) continue;
    const own = pod.startsWith(`${m[2]!.replace(/_/g, '-')}-`);
    const installed = statedVersion(o.content.slice(-100_000), m[2]!);
    if (!own && !installed) continue;
    out.push({ pod, line: line.trim(), module: m[1]!, top: m[2]!, ...(installed ? { installed } : {}) });
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
      .filter(
        (m) => !m.installed && !outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === m.pod).length,
      )
      .slice(0, 1)
      .map((m) => ({ tool: 'describe_pod', args: { namespace: ctx.ns, name: m.pod } }));
  },
  finds(ctx): Finding[] {
    for (const m of missing(ctx)) {
      if (m.installed) return [installedFinding(ctx, m, m.installed)];
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
          object: podObject(owner, m.pod),
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

/**
 * The finding when the log states the installed release of the package the missing module belongs to: the
 * code was written for another release of that package. A first release of a major version (`1.0.0`,
 * `1.0.0a3`, `2.0rc1`) lays its modules out anew, so code importing a module it lacks is older code, from
 * before that major release.
 */
function installedFinding(
  ctx: AnalyzerContext,
  m: Missing,
  installed: { version: string; line: string },
): Finding {
  // A pre-release of a major version's .0 (`1.0.0a3`, `2.0rc1`): its adopters run code from before it.
  // A final .0 says nothing of which side the code is on (`torch.compiler` came after torch 2.0.0).
  const major = /^(\d{1,4})\.0(?:\.0)?(?:a|b|rc|alpha|beta|dev|pre)\d{0,3}$/i.exec(installed.version)?.[1];
  const pre = /[a-z]/i.test(installed.version) ? ', a pre-release' : '';
  const owner = podDeployment(m.pod);
  return {
    weight: 92 + bonus(owner ?? m.pod, ctx.hints),
    object: podObject(owner, m.pod),
    cause: `the code imports ${m.module}, a module of the ${m.top} package, and the installed ${m.top} ${installed.version}${pre} (the log says "${clip(installed.line, 120)}") does not have it: "${clip(m.line, 200)}". The code was written for another release of ${m.top}${major ? `: ${installed.version} is of ${m.top} ${major}.0, a major release that laid its modules out anew, so the code that imports ${m.module} is older code, written for ${m.top} before ${major}.0 (pre-${major}.0)` : ''}. Nothing is missing from the download or the network: the code and the library installed beside it do not match`,
    evidence: [
      `get_pod_logs ${m.pod}: "${clip(m.line, 200)}"`,
      `get_pod_logs ${m.pod}: "${clip(installed.line, 160)}"`,
    ],
    advice: major
      ? `pin ${m.top} to the last release before ${major}.0 in the image the code runs in (the one the code was written for), or port the code to ${m.top} ${major}.x (its ${m.module} is gone there); then run it again`
      : `install the ${m.top} release the code was written for, or change the code to the modules ${m.top} ${installed.version} has; then run it again`,
    revisionSound: true,
  };
}
