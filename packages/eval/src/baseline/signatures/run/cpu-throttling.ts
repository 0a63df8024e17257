import { parseQuantity } from '@sre-harness/tools-k8s';
import { cpuAtLimit } from '../../../analyzers/cpu-sizing.js';
import type { Finding } from '../../../analyzers/index.js';
import { clip, podDeployment } from '../../../analyzers/types.js';
import { formatCpu, ownerOf } from '../../reading.js';
import type { RunSignature } from '../types.js';

/** CPU throttling: a container's usage pinned at its CPU limit (90 % or more), once per workload and container. */
export const cpuThrottling: RunSignature = {
  name: 'cpu-throttling',
  find({ seen, ns, deps, bonus }) {
    const out: Finding[] = [];
    const throttled = new Set<string>();
    for (const { where, pod, container, used, limit: limitText, percent, line } of cpuAtLimit(seen, ns)) {
      // The namespace the metrics were read in (the slow hop may be in front of the one asked about).
      const owner = pod ? (where === ns ? ownerOf(pod, deps) : podDeployment(pod)) : undefined;
      const id = `${owner ?? pod}/${container}`;
      if (throttled.has(id)) continue;
      throttled.add(id);
      const limit = parseQuantity(limitText);
      // Pinned at the limit, the demand is not visible (the quota cuts it off there): give it room to
      // show, four times the limit; near it, twice.
      const pinned = percent >= 98;
      const raised = limit !== undefined ? formatCpu(limit * (pinned ? 4 : 2)) : undefined;
      const elsewhere = where !== ns ? ` in namespace ${where}` : '';
      out.push({
        weight: 72 + bonus(pod),
        object: owner
          ? `deployment ${owner} (pod ${pod})${where !== ns ? ` in ${where}` : ''}`
          : `pod ${pod || 'unknown'}${where !== ns ? ` in ${where}` : ''}`,
        cause: `CPU throttling: container ${container}${elsewhere} uses ${used} of its ${limitText} CPU limit (${percent}%), so the kernel's CFS quota throttles it at the limit and every request through it waits${pinned ? '; pinned at the limit, it needs more than the limit shows' : ''}`,
        evidence: [`get_pod_metrics ${pod}: ${clip(line)}`],
        ...(owner && raised
          ? {
              fix: {
                tool: 'set_resources',
                args: { namespace: where, deployment: owner, container, limits: { cpu: raised } },
                text: `raise the CPU limit of ${owner}/${container} from ${limitText} to ${raised}`,
              },
            }
          : {}),
        advice: 'raise the CPU limit (or remove it) so the container is not throttled',
      });
    }
    return out;
  },
};
