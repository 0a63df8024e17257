import { clip } from '../../../analyzers/types.js';
import { firstLine } from '../../reading.js';
import type { PodSignature } from '../types.js';

/** A pod the scheduler places nowhere (FailedScheduling): short capacity, an untolerated taint, a nodeSelector no node matches; when no scan said so. */
export const pending: PodSignature = {
  name: 'pending',
  find(x, f) {
    const { described: d, objectLabel, bonus: b } = x;
    const { events, scanned } = f;
    // Pending pods: the scheduler's reason.
    if (!scanned && (/Status:\s*Pending/.test(d.content) || /FailedScheduling/.test(d.content))) {
      const sched =
        firstLine(d.content, /FailedScheduling|didn't match|Insufficient|untolerated taint/i) ??
        firstLine(events, /FailedScheduling/);
      if (sched) {
        const cpu = /Insufficient cpu/i.test(sched);
        const mem = /Insufficient memory/i.test(sched);
        // Nodes the selector excludes are not the blocker when the ones it matches refuse the pod
        // for a taint it does not tolerate; capacity, when short, is the blocker before either.
        const taint = /untolerated taint/i.exec(sched)
          ? (/taint\(?s?\)? ?\{([^}]{1,120})\}/i.exec(sched)?.[1] ?? '')
          : undefined;
        const selector = /didn't match|node selector|affinity/i.test(sched);
        const sel = firstLine(d.content, /Node-Selectors:/);
        return {
          weight: 86 + b,
          object: objectLabel,
          cause: cpu
            ? 'the pod is Pending: Insufficient cpu — its CPU request does not fit on any node (FailedScheduling)'
            : mem
              ? 'the pod is Pending: Insufficient memory — its memory request does not fit on any node (FailedScheduling)'
              : taint !== undefined
                ? `the pod is Pending: the nodes it could run on have a taint${taint ? ` (${taint})` : ''} the pod does not tolerate (untolerated taint; no matching toleration)${selector ? ', and the other nodes do not match its nodeSelector' : ''} — FailedScheduling`
                : selector
                  ? `the pod is Pending: no node matches its nodeSelector${sel ? ` (${clip(sel, 80)})` : ''} — FailedScheduling "didn't match Pod's node affinity/selector"`
                  : `the pod is Pending: ${clip(sched, 120)}`,
          evidence: [`FailedScheduling: ${clip(sched)}`],
          advice:
            cpu || mem
              ? 'lower the request or add capacity'
              : taint !== undefined
                ? 'add a toleration for the taint to the pod template, or schedule on nodes without it'
                : selector
                  ? 'fix the nodeSelector or label a node'
                  : 'lower the request or add capacity',
        };
      }
    }
    return undefined;
  },
};
