import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerImage,
  containerSections,
  type Finding,
  namespacePods,
  outputs,
  ownerDeployment,
  stateBlock,
} from './types.js';

/** Tags that name a development build, moved by every commit to a branch, not a release; also dated or hashed (`nightly-20240501`, `main-3f2c1d`). */
const DEV_TAG =
  /^(?:dev|develop|development|nightly|edge|main|master|unstable|snapshot|canary|head)(?:[-_.][a-z0-9]{1,40})?$/i;
/** A release tag: `v2.11.1`, `2.11`, `1.4.0-r2`. */
const RELEASE_TAG = /^v?\d{1,4}\.\d{1,4}(?:\.\d{1,6})?(?:-[a-z0-9.]{1,20})?$/i;

/** An image reference split into its repository (registry and path) and tag; no tag when it has a digest or none. */
export function splitImage(image: string): { repo: string; org: string; tag: string | undefined } {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  const slash = ref.lastIndexOf('/');
  const tagged = colon > slash;
  const repo = tagged ? ref.slice(0, colon) : ref;
  return {
    repo,
    org: repo.slice(0, Math.max(0, repo.lastIndexOf('/'))),
    tag: tagged && at < 0 ? ref.slice(colon + 1) : undefined,
  };
}

/** At most this many failing containers on a development tag are weighed against the releases seen. */
const MAX_CANDIDATES = 16;

/**
 * Whether two repositories of one publisher are parts of one product, released together: the first word of
 * their last path segments is the same (`harbor-core` and `harbor-registryctl`; not `prometheus` and
 * `node-exporter`, which have versions of their own).
 */
function sameProduct(a: string, b: string): boolean {
  const head = (r: string) => (r.slice(r.lastIndexOf('/') + 1).split(/[-_.]/)[0] ?? '').toLowerCase();
  return head(a).length >= 2 && head(a) === head(b);
}

/**
 * Whether the container ran and fails: not one that completed (Terminated with exit code 0, a Job's
 * finished step) nor one that never started (Waiting in ContainerCreating or PodInitializing: a volume,
 * a secret or the node holds it, not its image's code).
 */
function ranAndFailed(body: string): boolean {
  const state = stateBlock(body, 'State');
  if (state.state === 'Terminated' && state.exit === 0) return false;
  if (state.state === 'Waiting' && /^(?:ContainerCreating|PodInitializing)$/.test(state.reason ?? ''))
    return false;
  return true;
}

/** Every image the namespace's reads show: the pods' described containers and the Deployments' IMAGES column. */
function imagesSeen(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns))
    for (const c of containerSections(d.content.slice(0, 200_000))) {
      const image = containerImage(c.body);
      if (image) out.push(image);
    }
  for (const o of outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns))
    for (const r of parseTable(o.content.slice(0, 200_000)))
      for (const image of (r['IMAGES'] ?? '').split(',')) if (image) out.push(image.trim());
  return out;
}

/**
 * A failing container that runs a development build (`goharbor/harbor-registryctl:dev`) while the images
 * of the same publisher in the namespace run a release (`v2.11.1`): a chart or values file that put a
 * branch's moving tag where a release belongs. The fix sets the container's image to the release tag its
 * siblings run.
 */
export const devTagAnalyzer: Analyzer = {
  name: 'dev-tag',
  reads: () => [],
  finds(ctx): Finding[] {
    // The images on a release tag, split once.
    const released = imagesSeen(ctx)
      .map((image) => ({ image, ...splitImage(image) }))
      .filter((o) => o.tag !== undefined && RELEASE_TAG.test(o.tag));
    let candidates = 0;
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(d.args['name'] ?? '');
      for (const c of containerSections(d.content.slice(0, 200_000)).filter((x) => !x.init)) {
        const image = containerImage(c.body);
        if (!image) continue;
        const mine = splitImage(image);
        if (!mine.tag || !DEV_TAG.test(mine.tag) || !mine.org) continue;
        if (!/^\s*Ready:\s*False\b/m.test(c.body) || !ranAndFailed(c.body)) continue;
        // At most a few candidates are weighed against the releases seen: the work stays linear.
        if (++candidates > MAX_CANDIDATES) return [];
        // The release the same product's other images run (`harbor-core` beside `harbor-registryctl`),
        // the most common one; another product of the same publisher has versions of its own.
        const counts = new Map<string, number>();
        for (const o of released)
          if (o.org === mine.org && o.repo !== mine.repo && sameProduct(o.repo, mine.repo))
            counts.set(o.tag!, (counts.get(o.tag!) ?? 0) + 1);
        const release = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
        if (!release) continue;
        const sibling = released.find(
          (o) =>
            o.org === mine.org && o.repo !== mine.repo && sameProduct(o.repo, mine.repo) && o.tag === release,
        )?.image;
        const row = namespacePods(ctx).find((r) => r['NAME'] === pod);
        const ready = row?.['READY'];
        const owner = ownerDeployment(d.content);
        const fixed = `${mine.repo}:${release}`;
        return [
          {
            weight: 94,
            object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
            cause: `the container ${c.name} runs ${image}: "${mine.tag}" is a development build's tag (moved by every commit to a branch), not a release, while the publisher's other images here run the release ${release} (${clip(sibling ?? '', 120)}); the development build fails, so the container is not ready and the pod stays not ready${ready ? ` (READY ${ready})` : ''}`,
            evidence: [
              `describe_pod ${pod}: container ${c.name} Image ${image}, Ready False`,
              ...(sibling ? [`the release beside it: ${sibling}`] : []),
            ],
            advice: `set the image of container ${c.name} to the release ${fixed} (the version the rest of the release runs), and pin release tags in the chart's values`,
            ...(owner
              ? {
                  fix: {
                    tool: 'set_image',
                    args: { namespace: ctx.ns, deployment: owner, container: c.name, image: fixed },
                    text: `set the image of container ${c.name} of ${owner} to ${fixed}, the release its siblings run, in place of the development tag ${mine.tag}`,
                  },
                }
              : {}),
          },
        ];
      }
    }
    return [];
  },
};
