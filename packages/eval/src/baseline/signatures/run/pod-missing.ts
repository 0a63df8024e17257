import type { Finding } from '../../../analyzers/index.js';
import { clip } from '../../../analyzers/types.js';
import type { SeenObservation } from '../../../observations.js';
import type { RunSignature } from '../types.js';

/** The pod itself missing, not something it references (a FailedMount "configmap not found"). */
const podMissing = (o: SeenObservation) =>
  !/^Name:/m.test(o.content) && /pods? "[^"\n]*" not found|NotFound|not found/i.test(o.content);

/** A pod the task names that no longer exists, and the pods that replaced it. */
export const podGone: RunSignature = {
  name: 'pod-gone',
  find({ seen, ns, pods }) {
    const out: Finding[] = [];
    for (const d of seen.filter((o) => o.tool === 'describe_pod' && podMissing(o))) {
      const pod = String(d.args['name'] ?? '');
      // A name that prefixes current pods' names is their workload's ("the e2e-shard pods"), not a
      // pod that is gone.
      if (pods.some((p) => p.name.startsWith(`${pod}-`))) continue;
      const current = pods.filter((p) => p.name.split('-')[0] === pod.split('-')[0]);
      out.push({
        weight: 60,
        object: `pod ${pod}`,
        cause: `pod ${pod} does not exist in namespace ${ns} (not found): it no longer exists, so there is nothing to diagnose on it; ${current.length > 0 ? `the current pods ${current.map((p) => `${p.name} (${p.status}, ${p.ready} ready, ${p.restarts} restarts)`).join(', ')} replaced it` : 'no pod with a similar name is running now'}`,
        evidence: [`describe_pod ${pod}: ${clip(d.content, 140)}`],
        advice: 'nothing to fix on a pod that is gone; watch the current pods and alert on them',
      });
    }
    return out;
  },
};
