import type { Finding } from '../../../analyzers/index.js';
import { clip, outputs, podObject } from '../../../analyzers/types.js';
import { ownerOf, tellingLine } from '../../reading.js';
import type { RunSignature } from '../types.js';

/**
 * A crash whose details were folded out of a compacted context (a summarizing memory keeps the
 * newest reads): the previous instance's log, still verbatim, says why it stopped.
 */
export const previousLogs: RunSignature = {
  name: 'previous-logs',
  find({ seen, deps, bonus }, found) {
    const out: Finding[] = [];
    for (const l of outputs(seen, 'get_pod_logs', (o) => o.args['previous'] === true)) {
      const pod = String(l.args['name'] ?? '');
      if (!pod || found.some((f) => f.object.includes(pod)) || out.some((f) => f.object.includes(pod)))
        continue;
      if (
        outputs(seen, 'describe_pod', (o) => o.args['name'] === pod && /^Name:/m.test(o.content)).length > 0
      )
        continue;
      const line = tellingLine(l.content);
      if (!line) continue;
      const owner = ownerOf(pod, deps);
      out.push({
        weight: 60 + bonus(pod),
        object: podObject(owner, pod),
        cause: `the container ${String(l.args['container'] ?? '')} of pod ${pod} crashed; its previous instance ended with: ${clip(line, 140)}`,
        evidence: [`previous logs of ${pod}: "${clip(line, 140)}"`],
        advice: 'fix what the logs show',
      });
    }
    return out;
  },
};
