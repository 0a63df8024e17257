import { latestRevision } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  containerSections,
  describedField,
  type Finding,
  imageRepo,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

const VERSION = '\\d{1,4}\\.\\d{1,4}(?:\\.\\d{1,4})?';
/**
 * The version an upgrade was for, as a person or a change cause says it: "upgraded … to 0.23.3", "bump
 * to v2.4". Bounded: at most 80 characters (no full stop) between the verb and "to".
 */
const UPGRADED_TO = new RegExp(
  `\\b(?:upgrad|updat|bump|mov)[a-z]{0,6}\\b[^\\n.]{0,80}?\\bto v?(${VERSION})(?![\\d.]*\\d)`,
  'i',
);
/**
 * A program's own report of its version: `version: "0.22.4"`, `version=1.2.3`, `v1.2.3`, `0.22.4 is
 * running`, `2.1.0 started`. The version in the first group that matched.
 */
const SELF_VERSION = new RegExp(
  `\\bversion[\\s:="]{1,4}v?(${VERSION})\\b|(?<![\\w/.-])v(${VERSION})\\b|(?<![\\w/.-])(${VERSION}) (?:is )?(?:running|started|starting|ready)\\b`,
  'i',
);
/** Tags that follow the newest release rather than name one. */
const MOVING =
  /^(?:latest|stable|main|master|edge|nightly|release|lts|current|rolling|prod|production|canary|beta)$/i;

const parts = (v: string) => v.split('.').map(Number);
/** Whether version `a` is older than `b` on the components both give (0.22.4 < 0.23.3; 0.23 is not older than 0.23.3). */
function older(a: string, b: string): boolean {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}

/**
 * The version the person's task or a Deployment's change cause says an upgrade was for, with what was
 * upgraded (the words between the verb and "to", a namespace named there aside): "our self-hosted AFFiNE".
 */
function targets(ctx: AnalyzerContext): { version: string; subject: string }[] {
  const out: { version: string; subject: string }[] = [];
  const read = (text: string) => {
    const m = UPGRADED_TO.exec(text);
    if (m)
      out.push({
        version: m[1]!,
        subject: m[0].replace(/\b(?:in )?(?:the )?namespace [\w-]{1,63}/gi, '').toLowerCase(),
      });
  };
  read(ctx.task.slice(0, 4000));
  const described = outputs(ctx.seen, 'describe_deployment', (x) => x.args['namespace'] === ctx.ns);
  for (const name of new Set(described.map((o) => String(o.args['name'])))) {
    const cause = latestRevision(ctx, name)?.cause;
    if (cause) read(cause);
  }
  return out;
}

/** The version an upgrade of `deployment` was for: a target whose subject names a word of it (`affine` of `affine-web`). */
function target(ctx: AnalyzerContext, deployment?: string): string | undefined {
  const all = targets(ctx);
  if (deployment === undefined) return all[0]?.version;
  const words = deployment.split('-').filter((w) => w.length >= 3);
  return all.find((t) => words.some((w) => new RegExp(`(?<![a-z0-9])${w}(?![a-z0-9])`).test(t.subject)))
    ?.version;
}

interface Running {
  readonly pod: string;
  readonly deployment: string;
  readonly container: string | undefined;
  readonly version: string;
  readonly line: string;
}

/**
 * The newest own-version report in each read log of a Deployment's pod in the namespace, when older than
 * the version an upgrade of that Deployment was for (`want`).
 */
function stillOld(ctx: AnalyzerContext): (Running & { want: string })[] {
  const out: (Running & { want: string })[] = [];
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const pod = String(o.args['name'] ?? '');
    const deployment = podDeployment(pod);
    if (!deployment || out.some((r) => r.pod === pod)) continue;
    const want = target(ctx, deployment);
    if (!want) continue;
    let last: { line: string; version: string } | undefined;
    for (const l of o.content.slice(-100_000).split('\n')) {
      if (l.length > 4000) continue;
      const m = SELF_VERSION.exec(l);
      const v = m?.[1] ?? m?.[2] ?? m?.[3];
      if (v) last = { line: l.trim(), version: v };
    }
    if (!last || !older(last.version, want)) continue;
    const container = typeof o.args['container'] === 'string' ? o.args['container'] : undefined;
    out.push({ pod, deployment, container, ...last, want });
  }
  return out.slice(0, 2);
}

/**
 * An upgrade that did not reach the running program: the person (or the change cause) says the workload was
 * upgraded to a version, the program's own log still reports an older one ("AFFiNE Server 0.22.4 is
 * running"), and the container's image does not name the new version: a moving tag (`stable`, `latest`)
 * that still gives the old release (a project that publishes under a new image name stops updating the old
 * one; a node that keeps its cached copy of the tag), or a tag pinned to the old release. Restarting pulls
 * the same old program again; the database migrations and caches are not what holds the version back. The
 * read: the description of the pod whose log reports the old version (its image).
 */
export const versionNotUpgradedAnalyzer: Analyzer = {
  name: 'version-not-upgraded',
  reads(ctx): Read[] {
    if (!target(ctx)) return [];
    return stillOld(ctx)
      .filter((r) => !outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).length)
      .slice(0, 1)
      .map((r) => ({ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }));
  },
  finds(ctx): Finding[] {
    if (!target(ctx)) return [];
    for (const r of stillOld(ctx)) {
      const want = r.want;
      const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop();
      if (!d) continue;
      const sections = containerSections(d.content).filter((c) => !c.init);
      const c = r.container ? sections.find((s) => s.name === r.container) : sections[0];
      const image = c ? describedField(c.body, 'Image') : undefined;
      if (!c || !image) continue;
      const at = image.lastIndexOf(':');
      const tag = at > image.lastIndexOf('/') ? image.slice(at + 1) : '';
      // The image names the new version: the program's report is about something else.
      if (tag.includes(want)) continue;
      const moving = tag === '' || MOVING.test(tag);
      const how = moving
        ? `its image ${image} is a moving tag${tag ? ` (${tag})` : ' (no tag, so latest)'} that still gives ${r.version}: pulling it again on a restart brings back the same old program (a project that moved its releases to another image name no longer updates the old one; a node may also keep its cached copy of the tag)`
        : `its image ${image} is still pinned to ${tag}, so the rollout that was meant to upgrade it kept the old release`;
      return [
        {
          weight: 84 + bonus(r.deployment, ctx.hints),
          object: `deployment ${r.deployment} (pod ${r.pod})`,
          cause: `the program deployment ${r.deployment} runs is still ${r.version}, not the ${want} the upgrade was for: its own log says "${clip(r.line, 200)}", and ${how}. The running program itself is the old release; nothing after it (a schema, a cache, the clients) holds the version back`,
          evidence: [
            `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
            `describe_pod ${r.pod}: container ${c.name} image ${image}`,
          ],
          advice: moving
            ? `set the image of ${r.deployment}/${c.name} to a tag that names ${want} (pin the version instead of ${tag || 'latest'}), after checking which image the project publishes ${want} under now (the ${imageRepo(image)} image may have been renamed)`
            : `set the image of ${r.deployment}/${c.name} to the ${want} tag the upgrade meant`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
