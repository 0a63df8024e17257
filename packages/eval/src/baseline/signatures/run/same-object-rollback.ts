import { LOG_LINES_ADVICE } from '../../../analyzers/app-errors.js';
import type { Finding } from '../../../analyzers/index.js';
import { podDeployment } from '../../../analyzers/types.js';
import type { RunSignature } from '../types.js';

/** A finding placed in another namespace (`… in edge`, `(namespace edge)`). */
const ELSEWHERE = / in [a-z0-9-]{1,63}$|\(namespace [a-z0-9-]{1,63}\)/;

/** The Deployment a finding is about: `deployment x (pod y)`, `deployment x`, or the owner of `pod y`. */
function deploymentOf(object: string): string | undefined {
  const named = /^deployment ([a-z0-9][a-z0-9.-]{0,252})(?: \(|$)/.exec(object)?.[1];
  if (named) return named;
  const pod = /^pod ([a-z0-9][a-z0-9.-]{0,252})$/.exec(object)?.[1];
  return pod ? podDeployment(pod) : undefined;
}

/**
 * Gives `top` the rollback a weaker finding about the same Deployment carries (its failure started with the
 * latest rollout: see bad-rollout), when `top` is an analyzer's closer reading of the same failure and
 * carries no fix or advice of its own nor says the revision is sound.
 */
export function donateRollback(top: Finding | undefined, found: readonly Finding[], ns?: string): void {
  // A finding that gives its own advice (turn one setting back on) chose its change: no rollback for it.
  // Logged failures' advice only says where to look.
  if (!top || top.fix || (top.advice && top.advice !== LOG_LINES_ADVICE) || top.revisionSound) return;
  const dep = deploymentOf(top.object);
  if (!dep) return;
  const donor = found.find(
    (x) =>
      x !== top &&
      x.fix?.tool === 'rollback_deployment' &&
      x.fix.args['name'] === dep &&
      deploymentOf(x.object) === dep &&
      // The same Deployment of this namespace: not one of that name found elsewhere.
      !ELSEWHERE.test(x.object) &&
      (ns === undefined || x.fix.args['namespace'] === ns),
  );
  if (!donor?.fix) return;
  top.fix = donor.fix;
  if (donor.fallback) top.fallback = donor.fallback;
  const told = /; it started with the latest rollout[^;]{0,400}/.exec(donor.cause)?.[0];
  if (told && !top.cause.includes(told)) top.cause += told;
  for (const e of donor.evidence)
    if (/^(?:get_rollout_history|describe_resource ReplicaSet) /.test(e) && !top.evidence.includes(e))
      top.evidence.push(e);
}

/**
 * The rollback a weaker finding about the same Deployment carries goes to the strongest finding when that
 * one is about the same Deployment (see `donateRollback`). Analyzers' findings are matched after
 * bad-rollout, so they would otherwise never carry it. Findings-of runs `donateRollback` again for the
 * finding named-first puts in front.
 */
export const sameObjectRollback: RunSignature = {
  name: 'same-object-rollback',
  refine(f, found) {
    donateRollback([...found].sort((a, b) => b.weight - a.weight)[0], found, f.ns);
  },
};
