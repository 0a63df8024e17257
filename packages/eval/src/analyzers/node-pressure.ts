import { parseQuantity } from '@sre-harness/tools-k8s';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  nodeConditions,
  outputs,
  podsOnNode,
  type Read,
} from './types.js';

type Pressure = 'MemoryPressure' | 'PIDPressure';

/** The pressure conditions that are True in a node description. */
function pressures(text: string): Pressure[] {
  const status = nodeConditions(text);
  return (['MemoryPressure', 'PIDPressure'] as const).filter((t) => status.get(t) === 'True');
}

/** Memory of one pod from get_pod_metrics: summed use, and whether any container has no limit. */
function memoryOf(
  metrics: string,
  pod: string,
): { used: number; request: number; unlimited: boolean } | undefined {
  let inPod = false;
  let out: { used: number; request: number; unlimited: boolean } | undefined;
  for (const line of metrics.split('\n')) {
    if (/^\S/.test(line)) inPod = line.split(/\s+/)[0] === pod;
    else if (inPod) {
      const m = /memory (\S+) \/ request (\S+) \/ (no limit|limit (\S+))/.exec(line);
      if (!m) continue;
      const used = parseQuantity(m[1] ?? '') ?? 0;
      const request = parseQuantity(m[2] ?? '') ?? 0;
      out = {
        used: (out?.used ?? 0) + used,
        request: (out?.request ?? 0) + request,
        unlimited: (out?.unlimited ?? false) || m[3] === 'no limit',
      };
    }
  }
  return out;
}

const mi = (bytes: number) => `${Math.round(bytes / 2 ** 20)}Mi`;

// How a process table full of unreaped children shows in a program's own log or a ps listing.
const ZOMBIES = /defunct|zombie|\bstate Z\b/i;

function pressured(ctx: AnalyzerContext): { node: string; text: string; kinds: Pressure[] }[] {
  return outputs(ctx.seen, 'describe_node')
    .map((o) => ({ node: String(o.args['name'] ?? ''), text: o.content, kinds: pressures(o.content) }))
    .filter((n) => n.kinds.length > 0);
}

/**
 * A node under MemoryPressure or PIDPressure, and the pod on it that causes it: the kubelet evicts
 * or starves the node's other pods (BestEffort first, then Burstable above their requests), so the
 * pods the person sees failing are victims. Memory: the pod using far more than its request with no
 * limit (the scheduler placed it by its request). PIDs: the pod whose log shows processes left
 * defunct (zombies hold PIDs until their parent reaps them; a PID 1 that is not an init never does).
 * The reads: the metrics of the node's pods' namespaces, or their logs.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/ ;
 * https://kubernetes.io/docs/concepts/policy/pid-limiting/
 */
export const nodePressureAnalyzer: Analyzer = {
  name: 'node-pressure',
  early: true,
  reads(ctx) {
    const reads: Read[] = [];
    for (const n of pressured(ctx).slice(0, 2)) {
      const pods = podsOnNode(n.text);
      if (n.kinds.includes('MemoryPressure'))
        for (const ns of [...new Set(pods.map((p) => p.namespace))].slice(0, 3))
          reads.push({ tool: 'get_pod_metrics', args: { namespace: ns } });
      if (n.kinds.includes('PIDPressure'))
        for (const p of pods.slice(0, 4))
          reads.push({ tool: 'get_pod_logs', args: { namespace: p.namespace, name: p.name } });
    }
    return reads;
  },
  finds(ctx) {
    const out = [];
    const metrics = outputs(ctx.seen, 'get_pod_metrics')
      .map((o) => o.content)
      .join('\n');
    for (const n of pressured(ctx)) {
      const pods = podsOnNode(n.text);
      if (n.kinds.includes('MemoryPressure')) {
        const heavy = pods
          .flatMap((p) => {
            const m = memoryOf(metrics, p.name);
            return m && m.used > 2 * m.request ? [{ ...p, m }] : [];
          })
          // The pod furthest above what it asked for, in bytes: what the scheduler did not plan for.
          .sort((a, b) => b.m.used - b.m.request - (a.m.used - a.m.request))[0];
        if (heavy)
          out.push({
            weight: 90,
            object: `pod ${heavy.name} in ${heavy.namespace}`,
            cause: `node ${n.node} has MemoryPressure because pod ${heavy.name} (namespace ${heavy.namespace}) uses ${mi(heavy.m.used)} of memory against a request of ${mi(heavy.m.request)}${heavy.m.unlimited ? ' and has no memory limit' : ', its limit far above its request'}: the scheduler placed it by its request, ${heavy.m.unlimited ? 'nothing caps it' : 'the limit lets it take what the node cannot give'}, so the node runs short and the kubelet evicts pods to reclaim memory, BestEffort pods (no requests or limits) first, then Burstable ones above their requests (QoS classes); the evicted pods are victims, the node is not faulty`,
            evidence: [
              `describe_node ${n.node}: condition MemoryPressure True`,
              `get_pod_metrics ${heavy.namespace}: ${heavy.name} memory ${mi(heavy.m.used)} / request ${mi(heavy.m.request)}${heavy.m.unlimited ? ' / no limit' : ''}`,
            ],
            advice: `set a memory limit on ${heavy.name}'s workload (and a request near its real use) or run it on a node sized for it; give the evicted pods memory requests so they are not BestEffort`,
          });
      }
      if (n.kinds.includes('PIDPressure')) {
        for (const p of pods) {
          const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === p.name).pop();
          const line = log?.content.split('\n').find((l) => ZOMBIES.test(l));
          if (!line) continue;
          out.push({
            weight: 90,
            object: `pod ${p.name} in ${p.namespace}`,
            cause: `node ${n.node} has PIDPressure because pod ${p.name} (namespace ${p.namespace}) leaks processes: "${clip(line, 160)}" — zombie (defunct) processes hold their PIDs until their parent reaps them, and a container whose PID 1 does not reap children (no init such as tini or dumb-init) never does, so the node's PID table fills and other pods on it cannot fork ("Resource temporarily unavailable")`,
            evidence: [
              `describe_node ${n.node}: condition PIDPressure True`,
              `get_pod_logs ${p.name}: "${clip(line, 140)}"`,
            ],
            advice: `run ${p.name}'s program under an init that reaps children (tini, dumb-init, or shareProcessNamespace) and set a pod PID limit`,
          });
          break;
        }
      }
    }
    return out;
  },
};
