import { parseTable } from '../k8s-text.js';
import { cpuAtLimit } from './cpu-sizing.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  namesWhole,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/** A client's words for a request that waited too long for an answer (not a refusal). */
const SLOW_ANSWER =
  /\bread timeout reached\b|\bRead timed out\b|\bcontext deadline exceeded\b|\brequest timed out\b|\bsocket timeout(?:exception| occurred| reached)\b|\bbuffer flush took longer\b/i;

/** The Services of the namespace, from its latest `list_services`. */
function services(ctx: AnalyzerContext): string[] {
  const o = outputs(ctx.seen, 'list_services', (x) => String(x.args['namespace'] ?? ctx.ns) === ctx.ns).pop();
  return o
    ? parseTable(o.content.slice(0, 200_000))
        .map((r) => r['NAME'] ?? '')
        .filter(Boolean)
    : [];
}

/** Whether `pod` is one of the Service's own workload (its Deployment's, or a StatefulSet's `<service>-0`). */
function ownPod(pod: string, service: string): boolean {
  return (
    podDeployment(pod) === service ||
    (pod.startsWith(`${service}-`) && /^\d{1,5}$/.test(pod.slice(service.length + 1)))
  );
}

/** A log line read in the namespace that says requests to one of its Services time out, with that Service. */
function slowCalls(ctx: AnalyzerContext): { pod: string; line: string; service: string }[] {
  const names = services(ctx);
  if (names.length === 0) return [];
  const out: { pod: string; line: string; service: string }[] = [];
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => String(x.args['namespace'] ?? ctx.ns) === ctx.ns,
  )) {
    const pod = String(o.args['name'] ?? '');
    for (const l of boundedLogLines(o.content)) {
      if (l.length > 4000 || !SLOW_ANSWER.test(l)) continue;
      // The Service the line names as a host (`elasticsearch.logging.svc`, `"elasticsearch"`), not the client itself.
      const service = names.find((n) => namesWhole(l, [n]) && !ownPod(pod, n));
      if (service) {
        out.push({ pod, line: l.trim(), service });
        break;
      }
    }
  }
  return out;
}

/**
 * A client's requests to a Service of its namespace time out because the pods behind that Service are
 * throttled at their CPU limit: the kernel's CFS quota holds them to the limit, so each answer takes longer
 * and the client's timeouts fire (its buffers fill, its retries pile up). The client is the symptom; the
 * dependency's CPU limit is the cause. Found from a timeout line naming the Service and the metrics of its
 * pods (at 90 % of their CPU limit or more). A rollout of that workload whose change cause speaks of its CPU
 * is quoted. Reads: the namespace's metrics.
 */
export const throttledDependencyAnalyzer: Analyzer = {
  name: 'throttled-dependency',
  reads(ctx): Read[] {
    if (slowCalls(ctx).length === 0) return [];
    if (
      outputs(ctx.seen, 'get_pod_metrics', (o) => String(o.args['namespace'] ?? ctx.ns) === ctx.ns).length > 0
    )
      return [];
    return [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }];
  },
  finds(ctx): Finding[] {
    const pinned = cpuAtLimit(ctx.seen, ctx.ns).filter((x) => x.where === ctx.ns);
    for (const call of slowCalls(ctx)) {
      // The Service's own workload: its Deployment's pods, or a StatefulSet's (`<service>-0`).
      const hot = pinned.find((x) => ownPod(x.pod, call.service));
      if (!hot) continue;
      const owner = podDeployment(hot.pod);
      const history = owner
        ? outputs(ctx.seen, 'get_rollout_history', (o) => o.args['name'] === owner).pop()
        : undefined;
      const change = history
        ? parseTable(history.content.slice(0, 100_000))
            .map((r) => r['CHANGE-CAUSE'] ?? '')
            .reverse()
            .find((c) => /\bcpu\b/i.test(c))
        : undefined;
      return [
        {
          weight: 88,
          object: owner ? `deployment ${owner} (pod ${hot.pod})` : `pod ${hot.pod}`,
          cause: `${call.pod}'s requests to ${call.service} time out ("${clip(call.line, 180)}") because ${call.service}'s pod ${hot.pod} is CPU-throttled: container ${hot.container} uses ${hot.used} of its ${hot.limit} CPU limit (${hot.percent}%), so the kernel's CFS quota holds it at the limit, its answers slow down and the client's timeouts fire${change ? `; its last rollout's change cause: "${clip(change, 120)}"` : ''}. The client's own symptom (timeouts, a buffer that fills) follows from that`,
          evidence: [
            `get_pod_logs ${call.pod}: "${clip(call.line, 200)}"`,
            `get_pod_metrics ${hot.pod}: ${clip(hot.line.trim(), 160)}`,
            ...(change && owner ? [`get_rollout_history ${owner}: "${clip(change, 120)}"`] : []),
          ],
          advice: `give ${owner ?? hot.pod}'s container ${hot.container} the CPU it needs (raise or remove its ${hot.limit} CPU limit${change ? ', undoing the cut' : ''}), then let the client's backlog drain`,
        },
      ];
    }
    return [];
  },
};
