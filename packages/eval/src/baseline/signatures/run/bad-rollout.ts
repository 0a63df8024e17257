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
        const changed = imageChanges(revs[revs.length - 2]!['IMAGES'] ?? '', latest['IMAGES'] ?? '');
        failing.cause += `; it started with the latest rollout (revision ${revision}${latest['CHANGE-CAUSE'] ? `: ${latest['CHANGE-CAUSE']}` : ''}${changed.length ? `, which upgraded ${changed.join(', ')}` : ''})`;
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

/**
 * The containers whose image changed from one revision to the next, from `kubectl rollout history`'s
 * IMAGES column (`name=image` pairs, comma-separated): `dashboard-sync from …:2.2.4 to …:2.3.0`. At most 3.
 */
export function imageChanges(before: string, after: string): string[] {
  const pairs = (text: string) =>
    new Map(
      text
        .split(',')
        .filter((p) => p.includes('='))
        .slice(0, 50)
        .map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()] as const),
    );
  const was = pairs(before);
  const out: string[] = [];
  for (const [name, image] of pairs(after)) {
    const old = was.get(name);
    if (old === undefined || old === image || out.length >= 3) continue;
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
