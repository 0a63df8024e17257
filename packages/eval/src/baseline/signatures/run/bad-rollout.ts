import { type Finding, outputs } from '../../../analyzers/types.js';
import { parseTable } from '../../../k8s-text.js';
import { CHANGE } from '../../reading.js';
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
        failing.cause += `; it started with the latest rollout (revision ${revision}${latest['CHANGE-CAUSE'] ? `: ${latest['CHANGE-CAUSE']}` : ''})`;
        failing.evidence.push(`get_rollout_history ${name}: ${revs.length} revisions, latest ${revision}`);
        failing.fix = {
          tool: 'rollback_deployment',
          args: { namespace: ns, name },
          text: `roll ${name} back to the previous revision`,
        };
        failing.advice = `roll ${name} back to the previous revision, then fix the release`;
      }
    }
  },
};
