import { parseQuantity } from '@sre-harness/tools-k8s';
import type { Finding } from '../../../analyzers/index.js';
import { clip, outputs } from '../../../analyzers/types.js';
import { formatCpu, ownerOf } from '../../reading.js';
import type { RunSignature } from '../types.js';

/** CPU throttling: a container's usage pinned at its CPU limit (90 % or more), once per workload and container. */
export const cpuThrottling: RunSignature = {
  name: 'cpu-throttling',
  find({ seen, ns, deps, bonus }) {
    const out: Finding[] = [];
    const throttled = new Set<string>();
    for (const m of outputs(seen, 'get_pod_metrics')) {
      let podName = '';
      for (const line of m.content.split('\n')) {
        if (/^\S/.test(line)) podName = line.split(/\s+/)[0] ?? '';
        const cpu =
          /^\s*([a-z0-9][a-z0-9.-]*):\s*cpu\s+(\S+)\s*\/(?:\s*request\s+\S+\s*\/)?\s*limit\s+(\S+)\s*\((\d+)%\)/i.exec(
            line,
          );
        if (!cpu || Number(cpu[4]) < 90) continue;
        const owner = podName ? ownerOf(podName, deps) : undefined;
        const id = `${owner ?? podName}/${cpu[1]}`;
        if (throttled.has(id)) continue;
        throttled.add(id);
        const limit = parseQuantity(cpu[3]);
        const raised = limit !== undefined ? formatCpu(limit * 2) : undefined;
        out.push({
          weight: 72 + bonus(podName),
          object: owner ? `deployment ${owner} (pod ${podName})` : `pod ${podName || 'unknown'}`,
          cause: `CPU throttling: container ${cpu[1]} uses ${cpu[2]} of its ${cpu[3]} CPU limit (${cpu[4]}%), so it is throttled at the limit and requests slow down`,
          evidence: [`get_pod_metrics ${podName}: ${clip(line)}`],
          ...(owner && raised
            ? {
                fix: {
                  tool: 'set_resources',
                  args: { namespace: ns, deployment: owner, container: cpu[1], limits: { cpu: raised } },
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
