import type { Finding } from '../../../analyzers/index.js';
import { fromScan } from '../../../scan-findings.js';
import { taken, takenIn, unread, unreadyWhy } from '../../reading.js';
import type { RunSignature } from '../types.js';

/**
 * The `scan` tool's findings the baseline takes as they are (see `taken`), a Service without ready
 * endpoints with why its pods are not Ready.
 */
export const scanFindings: RunSignature = {
  name: 'scan',
  find(f) {
    const out: Finding[] = [];
    for (const x of fromScan(f, takenIn(f.seen))) {
      // Why the selected pods are not Ready, from a probe failure in their description.
      if (x.object.startsWith('service ') && x.cause.includes('no ready endpoints'))
        x.cause += unreadyWhy(
          f.pods.map((p) => p.name),
          f.seen,
        );
      out.push(x);
    }
    return out;
  },
};

/**
 * A failing pod of another workload, which only the scan saw: unless the baseline diagnosed a pod of
 * the same workload from its own reads, in which case that finding stands for it.
 */
export const scanUnread: RunSignature = {
  name: 'scan-unread',
  find(f, found) {
    const out: Finding[] = [];
    for (const x of fromScan(f, (p) => !taken(p) && unread(f.seen)(p))) {
      const owner = /^deployment (\S+) \(pod /.exec(x.object)?.[1];
      if (
        owner &&
        (found.some((o) => o.object.startsWith(`deployment ${owner} `)) ||
          out.some((o) => o.object.startsWith(`deployment ${owner} `)))
      )
        continue;
      out.push(x);
    }
    return out;
  },
};
