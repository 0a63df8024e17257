import { clip } from '../../../analyzers/types.js';
import type { RunSignature } from '../types.js';

/**
 * What the cluster autoscaler's own events mean for a pending pod (its FAQ, "What events are emitted
 * by CA?"): NotTriggerScaleUp is a scale-up it will not make, and why; TriggeredScaleUp a node on
 * its way. Each entry matches a substring of the message.
 */
const NOT_TRIGGERED: readonly { has: string; means: string }[] = [
  {
    has: 'max node group size reached',
    means:
      "the node group is already at its maximum size, so the autoscaler cannot add the node the pod needs: raise the node group's max size (or lower the requests); the request is judged against allocatable capacity, not usage",
  },
  {
    has: 'max cluster',
    means:
      "the cluster's total resource limit for the autoscaler is reached, so it adds no node: raise the limit or lower the requests",
  },
  {
    has: "didn't match node selector",
    means:
      'no node group makes nodes the pod could run on (its nodeSelector or affinity matches none), so a new node would not help',
  },
  {
    has: 'Insufficient',
    means:
      "even a new node of any node group would be too small for the pod's requests, so the autoscaler adds none",
  },
];

/**
 * A pending pod's finding completed with the cluster autoscaler's word on it, from the namespace's
 * events: a scale-up it declined and why, or one under way (the pod then waits for the new node).
 */
export const autoscalerSays: RunSignature = {
  name: 'autoscaler-says',
  refine({ events }, found) {
    if (!/ScaleUp/.test(events)) return;
    const lines = events.split('\n').filter((l) => /\b(NotTriggerScaleUp|TriggeredScaleUp)\b/.test(l));
    if (lines.length === 0) return;
    for (const f of found) {
      if (!/Pending|FailedScheduling|Insufficient/.test(f.cause) || /autoscaler/.test(f.cause)) continue;
      const pod = /\(pod ([a-z0-9][a-z0-9.-]{0,252})\)|^pod ([a-z0-9][a-z0-9.-]{0,252})/.exec(f.object);
      const name = pod?.[1] ?? pod?.[2];
      // The pod's own event, else one of its siblings' (same ReplicaSet: same name up to the last dash).
      const run = name?.slice(0, name.lastIndexOf('-'));
      const line =
        lines.find((l) => name !== undefined && l.includes(`pod/${name} `)) ??
        lines.find((l) => run !== undefined && run.length > 0 && l.includes(`pod/${run}-`));
      if (!line) continue;
      const message = line.slice(line.search(/\b(NotTriggerScaleUp|TriggeredScaleUp)\b/));
      if (/TriggeredScaleUp/.test(message.slice(0, 20))) {
        f.cause += `; the cluster autoscaler has triggered a scale-up for it (${clip(message, 200)}), so it should schedule once the new node is Ready`;
      } else {
        const gloss = NOT_TRIGGERED.find((g) => message.includes(g.has));
        f.cause += `; the cluster autoscaler will not add a node (${clip(message, 200)})${gloss ? `: ${gloss.means}` : ''}`;
      }
      f.evidence.push(`event: ${clip(message, 220)}`);
    }
  },
};
