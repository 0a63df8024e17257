import { parseTable } from '../k8s-text.js';
import { latestRevision } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  containerSections,
  crashingDescribed,
  describedField,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/** The numbers of a version tag (`2.0.1-rc.1` → 2, 0, 1), or undefined when it does not start with one. */
function versionOf(tag: string): number[] | undefined {
  const m = /^v?(\d{1,6}(?:\.\d{1,6}){0,3})(?![\d.]*\d)/.exec(tag);
  return m ? m[1]!.split('.').map(Number) : undefined;
}

/** Whether tag `a` names a later version than tag `b` (compared on the numbers both give, then their count). */
function newer(a: string, b: string): boolean {
  const x = versionOf(a);
  const y = versionOf(b);
  if (!x || !y) return false;
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return x.length > y.length;
}

/** An image's whole repository (registry and path), without its tag. */
const repositoryOf = (image: string) => {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(0, at) : image;
};

const tagOf = (image: string) => {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(at + 1) : '';
};

interface Crashing {
  readonly deployment: string;
  readonly pod: string;
  readonly image: string;
}

/** Deployments of the namespace whose pods crash (CrashLoopBackOff, Error), with a described pod's first image. */
function crashing(ctx: AnalyzerContext): Crashing[] {
  const out: Crashing[] = [];
  for (const { pod, owner, described } of crashingDescribed(ctx)) {
    const c = containerSections(described).find((x) => !x.init);
    const image = c ? describedField(c.body, 'Image') : undefined;
    if (image) out.push({ deployment: owner, pod, image });
  }
  return out.slice(0, 2);
}

/** Other namespaces the searches found a Deployment of this name in, at most two. */
function elsewhere(ctx: AnalyzerContext, name: string): string[] {
  return outputs(ctx.seen, 'find_objects')
    .flatMap((o) => parseTable(o.content))
    .filter(
      (r) => r['KIND'] === 'Deployment' && r['NAME'] === name && r['NAMESPACE'] && r['NAMESPACE'] !== ctx.ns,
    )
    .map((r) => r['NAMESPACE']!)
    .filter((n, i, all) => all.indexOf(n) === i)
    .slice(0, 2);
}

/**
 * A release that crashes here while the same Deployment in another namespace (a staging copy) runs a later
 * release of the same image and is available: that release's change cause says what it changed since
 * ("Application no longer implements ApplicationEventListener<StartupEvent>"), which is where the fix of
 * the crash is told. Found from the crashing pod's image, a search that lists a Deployment of the same name
 * in another namespace, and that Deployment's description (its image, available replicas and change cause).
 * The fix here stays the rollback to the revision that ran; the later release is what to promote once
 * tested. The read: that Deployment's description.
 */
export const fixedElsewhereAnalyzer: Analyzer = {
  name: 'fixed-elsewhere',
  first: true,
  reads(ctx): Read[] {
    for (const c of crashing(ctx))
      for (const n of elsewhere(ctx, c.deployment))
        if (
          !outputs(
            ctx.seen,
            'describe_deployment',
            (o) => o.args['name'] === c.deployment && o.args['namespace'] === n,
          ).length
        )
          return [{ tool: 'describe_deployment', args: { namespace: n, name: c.deployment } }];
    return [];
  },
  finds(ctx): Finding[] {
    for (const c of crashing(ctx)) {
      for (const n of elsewhere(ctx, c.deployment)) {
        const d = outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['name'] === c.deployment && o.args['namespace'] === n,
        ).pop()?.content;
        if (!d) continue;
        const replicas = /^Replicas:\s+(\d{1,5}) desired[^\n]{0,120}?\|\s+(\d{1,5}) available/m.exec(d);
        // The app container's image: the description's Image lines after its (pod template's) Containers
        // heading, not an init container's before it.
        const containers = d.search(/^\s{0,4}Containers:\s*$/m);
        const image =
          containers >= 0 ? /^\s+Image:\s+(\S{1,300})/m.exec(d.slice(containers))?.[1] : undefined;
        const cause = latestRevision({ ...ctx, ns: n }, c.deployment)?.cause;
        if (!replicas || !image || !cause) continue;
        if (replicas[1] === '0' || replicas[1] !== replicas[2]) continue;
        if (repositoryOf(image) !== repositoryOf(c.image) || !newer(tagOf(image), tagOf(c.image))) continue;
        return [
          {
            weight: 84 + bonus(c.deployment, ctx.hints),
            object: `deployment ${c.deployment}`,
            cause: `${c.deployment} crashes here on ${c.image}, while deployment ${c.deployment} in namespace ${n} runs a later release of the same image, ${image}, with ${replicas[1] === '1' ? 'its one pod' : `all ${replicas[1]} of its pods`} available; that release's change cause says what it changed: "${clip(cause, 240)}". That change is likely what the release crashing here lacks: the crash follows from ${tagOf(c.image)}'s own code or configuration, which ${tagOf(image)} says it changed`,
            evidence: [
              `describe_pod ${c.pod}: image ${c.image}`,
              `describe_deployment ${c.deployment} in ${n}: image ${image}, ${replicas[2]} of ${replicas[1]} available, change cause "${clip(cause, 160)}"`,
            ],
            fix: {
              tool: 'rollback_deployment',
              args: { namespace: ctx.ns, name: c.deployment },
              text: `roll ${c.deployment} back to the previous revision now, then move it to ${tagOf(image)} (or a release with its change) once tested`,
            },
            advice: `roll ${c.deployment} back to the revision that ran, and take the change ${tagOf(image)} made ("${clip(cause, 120)}") into the next release`,
          },
        ];
      }
    }
    return [];
  },
};
