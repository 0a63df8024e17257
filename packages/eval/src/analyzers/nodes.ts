import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, outputs, type Read, textOf } from './types.js';

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

/** Nodes that are NotReady or under pressure, and the pods that suffer for it. */
export const nodesAnalyzer: Analyzer = {
  name: 'nodes',
  reads({ task, seen }) {
    const events = textOf(seen, 'get_events');
    const pods = textOf(seen, 'list_pods');
    const pointed =
      /\bnodes?\b|NotReady|Pressure|evict/i.test(task) ||
      /NodeNotReady|Pressure|node\.kubernetes\.io\/(not-ready|unreachable|disk-pressure|memory-pressure)|Evicted|untolerated taint/i.test(
        events,
      ) ||
      /\b(Unknown|Terminating|Evicted|NodeLost)\b/.test(pods);
    if (!pointed) return [];
    const reads: Read[] = [{ tool: 'list_nodes', args: {} }];
    const list = outputs(seen, 'list_nodes').pop();
    if (list)
      for (const r of parseTable(list.content)
        .filter((r) => /NotReady|SchedulingDisabled/.test(r['STATUS'] ?? ''))
        .slice(0, 2))
        reads.push({ tool: 'describe_node', args: { name: r['NAME'] } });
    // With every node Ready, a pressure condition only shows in the description.
    if (list && !/NotReady/.test(list.content) && /Pressure|disk-pressure|memory-pressure/i.test(events))
      for (const r of parseTable(list.content).slice(0, 3))
        reads.push({ tool: 'describe_node', args: { name: r['NAME'] } });
    return reads;
  },
  finds({ seen }) {
    return outputs(seen, 'describe_node').flatMap((o) => {
      const name = String(o.args['name']);
      const conds = o.content.split('\n').map((l) => l.trim().split(/\s{2,}/));
      const ready = conds.find((c) => c[0] === 'Ready');
      const pressed = conds.filter((c) => PRESSURE.includes(c[0] ?? '') && c[1] === 'True');
      if (ready && ready[1] !== 'True') {
        return [
          {
            weight: 85,
            object: `node ${name}`,
            cause: `node ${name} is NotReady (Ready ${ready[1]}, ${ready[2] ?? ''}: ${clip(ready[3] ?? '', 100)}), so its pods stop being served and new pods are not scheduled there${pressed.length ? `; it also reports ${pressed.map((p) => p[0]).join(', ')}` : ''}`,
            evidence: [`describe_node ${name}: Ready ${ready[1]} (${ready[2] ?? ''})`],
            advice: `find out why the kubelet on ${name} stopped reporting (kubelet down, node unreachable); cordon and drain it if it does not come back`,
          },
        ];
      }
      if (pressed.length > 0) {
        const p = pressed[0]!;
        return [
          {
            weight: 83,
            object: `node ${name}`,
            cause: `node ${name} has ${p[0]} (${p[2] ?? ''}: ${clip(p[3] ?? '', 100)}), so the kubelet taints it and evicts or refuses pods`,
            evidence: [`describe_node ${name}: ${p[0]} True`],
            advice: `free ${p[0] === 'DiskPressure' ? 'disk space (images, logs, emptyDir volumes)' : p[0] === 'MemoryPressure' ? 'memory' : 'resources'} on ${name}`,
          },
        ];
      }
      return [];
    });
  },
};
