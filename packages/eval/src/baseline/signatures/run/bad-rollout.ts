import { RECENT } from '../../../analyzers/recent-pods.js';
import {
  described,
  envRevert,
  latestRolloutChanges,
  onlyVariablesAndProbes,
} from '../../../analyzers/rollout-diff.js';
import {
  type AnalyzerContext,
  type Finding,
  imagePairsChanged,
  outputs,
  ownerName,
} from '../../../analyzers/types.js';

export { imagePairsChanged };

import { parseTable } from '../../../k8s-text.js';
import { ageSeconds, CHANGE } from '../../reading.js';
import type { RunSignature } from '../types.js';

/**
 * Whether the finding's cause names another object that has a finding of its own (a dependency
 * scaled to zero, a Service without endpoints): the failure follows from that object, whatever
 * revision the workload runs, and a rollback does not bring it back. Objects named like the
 * workload (its pods, its own Service) do not count.
 */
function dependencyDown(failing: Finding, workload: string, found: readonly Finding[]): boolean {
  const cause = failing.cause.slice(0, 4096).toLowerCase();
  return found.some((g) => {
    const other = /^\S+ ([a-z0-9][a-z0-9.-]{1,252})/.exec(g.object)?.[1];
    if (g === failing || !other || other.includes(workload) || workload.includes(other)) return false;
    const at = cause.indexOf(other);
    // A whole name: not part of a longer one.
    return (
      at >= 0 && !/[a-z0-9-]/.test(cause[at - 1] ?? ' ') && !/[a-z0-9-]/.test(cause[at + other.length] ?? ' ')
    );
  });
}

/**
 * A bad rollout: the newest revision fails while an older one worked. The strongest finding about
 * the deployment that carries no fix takes the rollout as its cause and a rollback as its fix, unless
 * its cause is another object that is down itself (see `dependencyDown`).
 */
export const badRollout: RunSignature = {
  name: 'bad-rollout',
  refine({ seen, ns }, found) {
    for (const h of outputs(seen, 'get_rollout_history')) {
      const name = String(h.args['name'] ?? '');
      const revs = parseTable(h.content).filter((r) => /^\d+/.test(r['REVISION'] ?? ''));
      const failing = found
        .filter((f) => f.object.startsWith(`deployment ${name}`) && !f.fix && !f.revisionSound)
        .sort((a, b) => b.weight - a.weight)[0];
      if (failing && dependencyDown(failing, name, found)) continue;
      if (revs.length > 1 && failing && (CHANGE.test(h.content) || revs.length > 1)) {
        const latest = revs[revs.length - 1]!;
        const revision = (latest['REVISION'] ?? '').replace('(current)', '').trim();
        const changed = imageChanges(revs[revs.length - 2]!['IMAGES'] ?? '', latest['IMAGES'] ?? '');
        failing.cause += `; it started with the latest rollout (revision ${revision}${latest['CHANGE-CAUSE'] ? `: ${latest['CHANGE-CAUSE']}` : ''}${changed.length ? `, which upgraded ${changed.join(', ')}` : ''})`;
        failing.evidence.push(`get_rollout_history ${name}: ${revs.length} revisions, latest ${revision}`);
        failing.fix = {
          tool: 'rollback_deployment',
          args: { namespace: ns, name },
          text: `roll ${name} back to the previous revision`,
        };
        const fallback = previousImageFallback(
          ns,
          name,
          imagePairsChanged(revs[revs.length - 2]!['IMAGES'] ?? '', latest['IMAGES'] ?? ''),
        );
        if (fallback) failing.fallback = fallback;
        failing.advice = `roll ${name} back to the previous revision, then fix the release`;
      }
    }
  },
};

/** Whether every listed pod of the deployment is younger than a day (a rollout of the last day replaced them all). */
function replacedRecently(seen: AnalyzerContext['seen'], ns: string, deployment: string): boolean {
  const rows = parseTable(
    outputs(seen, 'list_pods', (o) => o.args['namespace'] === ns && !o.args['labelSelector']).pop()
      ?.content ?? '',
  ).filter((r) => ownerName(r['NAME'] ?? '') === deployment && r['NAME'] !== deployment);
  return (
    rows.length > 0 && rows.every((r) => (ageSeconds(r['AGE'] ?? '') ?? Number.POSITIVE_INFINITY) < RECENT)
  );
}

/**
 * The `set_image` that puts back the previous image when a rollout changed the image of exactly one
 * container (`changes`: container, image before, image after), as the fallback of a rollback: the
 * same repair when only the narrower change is approved. Undefined for any other rollout.
 */
export function previousImageFallback(
  ns: string,
  deployment: string,
  changes: readonly { container: string; before: string; after: string }[],
): Finding['fallback'] {
  if (changes.length !== 1) return undefined;
  const { container, before, after } = changes[0]!;
  if (!container || !before || !after) return undefined;
  return {
    tool: 'set_image',
    args: { namespace: ns, deployment, container, image: before },
    text: `set the image of container ${container} of ${deployment} back to ${before}, the one it ran before the rollout`,
  };
}

/**
 * The containers whose image changed from one revision to the next, from `kubectl rollout history`'s
 * IMAGES column (`name=image` pairs, comma-separated): `dashboard-sync from …:2.2.4 to …:2.3.0`. At most 3.
 */
export function imageChanges(before: string, after: string): string[] {
  const out: string[] = [];
  for (const { container: name, before: old, after: image } of imagePairsChanged(before, after)) {
    if (out.length >= 3) break;
    if (!old || !image) continue;
    const tag = (i: string) =>
      i.lastIndexOf(':') > i.lastIndexOf('/') ? i.slice(i.lastIndexOf(':') + 1) : i;
    const sameRepo =
      old.slice(0, old.length - tag(old).length) === image.slice(0, image.length - tag(image).length);
    out.push(
      sameRepo
        ? `${name} from ${tag(old)} to ${tag(image)} (a new image version)`
        : `${name} from ${old} to ${image} (a new image)`,
    );
  }
  return out;
}

/**
 * A release whose pods log failures while they run: the strongest finding of all is about a Running
 * pod of a deployment whose every pod came from a rollout of the last day, the rollout changed the
 * image, and nothing in the finding names another object that is down. The new image is what fails,
 * so the finding takes the rollout as its cause and a rollback as its fix, as `badRollout` does for
 * findings about the deployment. Runs after the analyzers, whose findings these are.
 */
export const badReleaseOfRunningPods: RunSignature = {
  name: 'bad-release-of-running-pods',
  refine({ seen, ns }, found) {
    const top = [...found].sort((a, b) => b.weight - a.weight)[0];
    const pod = top ? /^pod (\S{1,253})/.exec(top.object)?.[1] : undefined;
    if (!top || !pod || top.fix || top.revisionSound) return;
    const name = ownerName(pod);
    if (name === pod || !replacedRecently(seen, ns, name)) return;
    if (dependencyDown(top, name, found)) return;
    // The image change, from the rollout history or else from the two ReplicaSets' templates.
    const h = outputs(
      seen,
      'get_rollout_history',
      (o) => o.args['name'] === name && o.args['namespace'] === ns,
    ).pop();
    const revs = parseTable(h?.content ?? '').filter((r) => /^\d+/.test(r['REVISION'] ?? ''));
    let said:
      | {
          revision: string;
          cause: string | undefined;
          changed: string[];
          pairs: { container: string; before: string; after: string }[];
          evidence: string;
        }
      | undefined;
    if (revs.length >= 2) {
      const latest = revs[revs.length - 1]!;
      const revision = (latest['REVISION'] ?? '').replace('(current)', '').trim();
      said = {
        revision,
        cause: latest['CHANGE-CAUSE'],
        changed: imageChanges(revs[revs.length - 2]!['IMAGES'] ?? '', latest['IMAGES'] ?? ''),
        pairs: imagePairsChanged(revs[revs.length - 2]!['IMAGES'] ?? '', latest['IMAGES'] ?? ''),
        evidence: `get_rollout_history ${name}: ${revs.length} revisions, latest ${revision}`,
      };
    } else {
      const diff = latestRolloutChanges({ task: '', ns, hints: [], seen });
      if (diff && diff.deployment === name)
        said = {
          revision: String(diff.rev.n),
          cause: diff.rev.cause,
          changed: diff.list
            .filter((c) => c.field === 'image' && c.before && c.after)
            .map((c) => `${c.container} from ${c.before} to ${c.after}`),
          pairs: diff.list
            .filter((c) => c.field === 'image' && c.before && c.after)
            .map((c) => ({ container: c.container, before: c.before!, after: c.after! })),
          evidence: `describe_resource ReplicaSet ${diff.sets.current} against ${diff.sets.previous}: the image changed`,
        };
    }
    if (!said || said.changed.length === 0) {
      configOnlyRelease(top, { seen, ns }, name);
      return;
    }
    top.cause += `; it started with the latest rollout of deployment ${name} (revision ${said.revision}${said.cause ? `: ${said.cause}` : ''}, which upgraded ${said.changed.join(', ')}), whose pods all started since`;
    top.evidence.push(said.evidence);
    top.fix = {
      tool: 'rollback_deployment',
      args: { namespace: ns, name },
      text: `roll ${name} back to the previous revision`,
    };
    const fallback = previousImageFallback(ns, name, said.pairs);
    if (fallback) top.fallback = fallback;
    top.advice = `roll ${name} back to the previous revision, then fix the release`;
  },
};

/** How many of a rollout's variable changes are named in the cause. */
const MAX_NAMED = 3;

/**
 * The same finding for a rollout that changed no image, only literal variables of the pod template
 * (read from the two ReplicaSets' templates, see `latestRolloutChanges`): the new configuration is what
 * the failing pods run with, so the rollout is the cause and a rollback the fix; when it changed one
 * variable, putting that variable back (`envRevert`) is the narrower change tried when the rollback is
 * refused. A probe changed beside the variables does not count (it decides readiness, it makes no
 * program log a failure); nothing is said when the rollout changed anything else (a command, a volume,
 * resources): those have signatures of their own.
 */
function configOnlyRelease(
  top: Finding,
  { seen, ns }: Pick<AnalyzerContext, 'seen' | 'ns'>,
  name: string,
): void {
  const ctx: AnalyzerContext = { task: '', ns, hints: [], seen };
  const diff = latestRolloutChanges(ctx);
  if (!diff || diff.deployment !== name) return;
  // Variables, and probes beside them (a probe decides readiness; it makes no program log a failure),
  // read on the two templates whole: a volume, an init container or a `valueFrom` changed rules it out.
  const vars = diff.list.filter((c) => c.env);
  const was = described(ctx, diff.sets.previous);
  const now = described(ctx, diff.sets.current);
  if (vars.length === 0 || !was || !now || !onlyVariablesAndProbes(was.content, now.content)) return;
  const said = vars
    .slice(0, MAX_NAMED)
    .map((c) =>
      c.before === undefined
        ? `added ${c.env}=${c.after ?? ''}`
        : c.after === undefined
          ? `removed ${c.env} (was ${c.before})`
          : `changed ${c.env} from ${c.before} to ${c.after}`,
    );
  const more = vars.length > MAX_NAMED ? ` and ${vars.length - MAX_NAMED} more` : '';
  top.cause += `; it started with the latest rollout of deployment ${name} (revision ${diff.rev.n}${diff.rev.cause ? `: ${diff.rev.cause}` : ''}), which changed no image but ${said.join(', ')}${more} in container ${[...new Set(vars.map((c) => c.container))].join(', ')}, and whose pods all started since`;
  top.evidence.push(
    `describe_resource ReplicaSet ${diff.sets.current} against ${diff.sets.previous}: variables changed, no image`,
  );
  top.fix = {
    tool: 'rollback_deployment',
    args: { namespace: ns, name },
    text: `roll ${name} back to the previous revision`,
  };
  const narrower = vars.length === 1 ? envRevert(ns, name, vars[0]!) : undefined;
  if (narrower) top.fallback = narrower;
  top.advice = `put the configuration of ${name} back as it was before the rollout (roll it back), then change it again with the failure in mind`;
}
