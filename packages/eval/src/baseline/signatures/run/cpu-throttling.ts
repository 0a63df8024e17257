import { parseQuantity } from '@sre-harness/tools-k8s';
import type { Finding } from '../../../analyzers/index.js';
import { clip, outputs, podDeployment } from '../../../analyzers/types.js';
import { formatCpu, ownerOf } from '../../reading.js';
import type { RunSignature } from '../types.js';

/** CPU throttling: a container's usage pinned at its CPU limit (90 % or more), once per workload and container. */
export const cpuThrottling: RunSignature = {
  name: 'cpu-throttling',
  find({ seen, ns, deps, bonus }) {
    const out: Finding[] = [];
    const throttled = new Set<string>();
    for (const m of outputs(seen, 'get_pod_metrics')) {
      // The namespace the metrics were read in (the slow hop may be in front of the one asked about).
      const where = String(m.args['namespace'] ?? ns);
      let podName = '';
      for (const line of m.content.split('\n')) {
        if (/^\S/.test(line)) podName = line.split(/\s+/)[0] ?? '';
        const cpu =
          /^\s*([a-z0-9][a-z0-9.-]*):\s*cpu\s+(\S+)\s*\/(?:\s*request\s+\S+\s*\/)?\s*limit\s+(\S+)\s*\((\d+)%\)/i.exec(
            line,
          );
        if (!cpu || Number(cpu[4]) < 90) continue;
        const owner = podName ? (where === ns ? ownerOf(podName, deps) : podDeployment(podName)) : undefined;
        const id = `${owner ?? podName}/${cpu[1]}`;
        if (throttled.has(id)) continue;
        throttled.add(id);
        const limit = parseQuantity(cpu[3]);
        // Pinned at the limit, the demand is not visible (the quota cuts it off there): give it room to
        // show, four times the limit; near it, twice.
        const pinned = Number(cpu[4]) >= 98;
        const raised = limit !== undefined ? formatCpu(limit * (pinned ? 4 : 2)) : undefined;
        const elsewhere = where !== ns ? ` in namespace ${where}` : '';
        out.push({
          weight: 72 + bonus(podName),
          object: owner
            ? `deployment ${owner} (pod ${podName})${where !== ns ? ` in ${where}` : ''}`
            : `pod ${podName || 'unknown'}${where !== ns ? ` in ${where}` : ''}`,
          cause: `CPU throttling: container ${cpu[1]}${elsewhere} uses ${cpu[2]} of its ${cpu[3]} CPU limit (${cpu[4]}%), so the kernel's CFS quota throttles it at the limit and every request through it waits${pinned ? '; pinned at the limit, it needs more than the limit shows' : ''}`,
          evidence: [`get_pod_metrics ${podName}: ${clip(line)}`],
          ...(owner && raised
            ? {
                fix: {
                  tool: 'set_resources',
                  args: { namespace: where, deployment: owner, container: cpu[1], limits: { cpu: raised } },
                  text: `raise the CPU limit of ${owner}/${cpu[1]} from ${cpu[3]} to ${raised}`,
                },
              }
            : {}),
          advice: 'raise the CPU limit (or remove it) so the container is not throttled',
        });
      }
    }
    return out;
  },
};
