import { outputs } from '../../../analyzers/types.js';
import { parseTable } from '../../../k8s-text.js';
import { CHANGE } from '../../reading.js';
import type { RunSignature } from '../types.js';

/**
 * A bad rollout: the newest revision fails while an older one worked. The strongest finding about
 * the deployment that carries no fix takes the rollout as its cause and a rollback as its fix.
 */
export const badRollout: RunSignature = {
  name: 'bad-rollout',
  refine({ seen, ns }, found) {
    for (const h of outputs(seen, 'get_rollout_history')) {
      const name = String(h.args['name'] ?? '');
      const revs = parseTable(h.content).filter((r) => /^\d+/.test(r['REVISION'] ?? ''));
      const failing = found
        .filter((f) => f.object.startsWith(`deployment ${name}`) && !f.fix)
        .sort((a, b) => b.weight - a.weight)[0];
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
