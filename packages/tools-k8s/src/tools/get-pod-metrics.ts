import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Cluster } from '../cluster.js';
import { K8sError } from '../errors.js';
import { formatCpu, formatMemory, parseQuantity, percent } from '../quantity.js';
import type { Pod } from '../types.js';
import { defineBuiltinTool, memoSchema, namespaceArg } from './tool-def.js';

/** `get_pod_metrics`: shows pods' CPU and memory usage against requests and limits, with restarts and OOM kills. */
export const getPodMetrics = defineBuiltinTool({
  name: 'get_pod_metrics',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Pod CPU and memory usage against requests and limits (percent of limit), restarts and OOM kills where known (like kubectl top pod, with limits alongside).',
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          name: z.string().optional().describe('One pod; all pods when left out'),
        }),
      ),
      async execute({ namespace, name }, { signal }) {
        const k8s = ctx.on(signal);
        ctx.checkNs(namespace);
        const pods = name
          ? [await k8s.get<Pod>('Pod', name, namespace)]
          : await k8s.list<Pod>('Pod', namespace);
        let usage: Awaited<ReturnType<Cluster['podMetrics']>>;
        try {
          usage = await k8s.c.podMetrics(namespace);
        } catch (error) {
          if (K8sError.isInstance(error) && (error.code === 'unavailable' || error.code === 'not_found')) {
            throw new K8sError(
              'unavailable',
              'metrics API not available (metrics.k8s.io is not served by this cluster); use describe_pod for limits and restarts',
              { status: 503, cause: error },
            );
          }
          throw error;
        }
        if (pods.length === 0) return `No resources found in ${namespace} namespace.`;
        const blocks: string[] = [];
        for (const pod of pods) {
          const m = usage.find((u) => u.name === pod.metadata.name);
          const statuses = pod.status?.containerStatuses ?? [];
          const restarts = statuses.reduce((a, c) => a + (c.restartCount ?? 0), 0);
          const lines: string[] = [];
          let ooms = 0;
          let oomKnown = false;
          for (const c of pod.spec.containers) {
            const cm = m?.containers.find((x) => x.name === c.name) as
              | { usage: { cpu: string; memory: string }; oomKills?: number }
              | undefined;
            const st = statuses.find((s) => s.name === c.name);
            if (typeof cm?.oomKills === 'number') {
              ooms += cm.oomKills;
              oomKnown = true;
            } else if (st?.lastState?.terminated?.reason === 'OOMKilled') {
              ooms += 1;
            }
            if (!cm) {
              lines.push(`  ${c.name}: no usage reported (container not running)`);
              continue;
            }
            const cpu = parseQuantity(cm.usage.cpu) ?? 0;
            const mem = parseQuantity(cm.usage.memory) ?? 0;
            const cpuLim = parseQuantity(c.resources?.limits?.cpu);
            const cpuReq = parseQuantity(c.resources?.requests?.cpu);
            const memLim = parseQuantity(c.resources?.limits?.memory);
            const memReq = parseQuantity(c.resources?.requests?.memory);
            const cpuText = `cpu ${formatCpu(cpu)}${cpuReq !== undefined ? ` / request ${c.resources?.requests?.cpu}` : ''}${cpuLim !== undefined ? ` / limit ${c.resources?.limits?.cpu} (${percent(cpu, cpuLim)}%)` : ' / no limit'}`;
            const memText = `memory ${formatMemory(mem)}${memReq !== undefined ? ` / request ${c.resources?.requests?.memory}` : ''}${memLim !== undefined ? ` / limit ${c.resources?.limits?.memory} (${percent(mem, memLim)}%)` : ' / no limit'}`;
            lines.push(`  ${c.name}: ${cpuText}; ${memText}`);
          }
          const oomText = oomKnown
            ? `oomKills: ${ooms}`
            : ooms > 0
              ? 'oomKills: at least 1 (last termination OOMKilled)'
              : 'oomKills: 0 known';
          blocks.push(`${pod.metadata.name}  restarts: ${restarts}  ${oomText}\n${lines.join('\n')}`);
        }
        return k8s.out(blocks.join('\n'), 'ask for one pod by name');
      },
    }),
});
