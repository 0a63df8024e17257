import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  lineStamp,
  namespacePods,
  outputs,
  ownerName,
  type Read,
} from './types.js';

/**
 * A scheduler's line for one run it starts: Celery beat's "Scheduler: Sending due task <name>",
 * APScheduler's "Running job "<name>"", and the like; the first group names what it started. Bounded:
 * the name is at most 120 characters.
 */
const DISPATCH =
  /(?:Sending due task|Running job|Triggering job|Executing scheduled (?:job|task)|Firing (?:job|trigger)|Scheduling job)\s{1,4}["']?([^"'\n]{1,120})/;
/** A workload named for a scheduler, or a log that shows one running. */
const SCHEDULER_NAME = /(?:^|-)(?:beat|scheduler|cron|clock|timer)(?:-|$)/;
const SCHEDULER_LOG = /\bbeat: Starting|Scheduler: Sending due task|\bscheduler started\b|Added job "/i;
/** The person reports work done twice. */
const TWICE =
  /\btwice\b|\bduplicat\w{0,6}\b|\bdouble[ds]?\b|\btwo copies\b|\bsame \w{1,20} (?:two|2) times\b/i;

interface Collision {
  owner: string;
  pods: [string, string];
  line: string;
  replicas: number;
}

/** The Deployments of the namespace with two or more Running pods, with those pods. */
function replicated(ctx: AnalyzerContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of namespacePods(ctx)) {
    const pod = r['NAME'] ?? '';
    const owner = ownerName(pod);
    if (owner === pod || r['STATUS'] !== 'Running') continue;
    out.set(owner, [...(out.get(owner) ?? []), pod]);
  }
  for (const [owner, pods] of out) if (pods.length < 2) out.delete(owner);
  return out;
}

function logOf(ctx: AnalyzerContext, pod: string): string | undefined {
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod && !o.args['previous']).pop()
    ?.content;
}

/** Two pods of one Deployment that started the same scheduled run in the same minute, if any did. */
function collision(ctx: AnalyzerContext): Collision | undefined {
  for (const [owner, pods] of replicated(ctx)) {
    const seen = new Map<string, { pod: string; line: string }>();
    for (const pod of pods) {
      for (const line of (logOf(ctx, pod) ?? '').slice(-200_000).split('\n').slice(-5000)) {
        if (line.length > 2000) continue;
        const what = DISPATCH.exec(line)?.[1]?.trim();
        const at = lineStamp(line);
        if (!what || at === undefined) continue;
        const key = `${Math.floor(at / 60_000)} ${what}`;
        const other = seen.get(key);
        if (other && other.pod !== pod)
          return { owner, pods: [other.pod, pod], line: line.trim(), replicas: pods.length };
        if (!other) seen.set(key, { pod, line });
      }
    }
  }
  return undefined;
}

/**
 * A scheduler that must run once, run by several replicas. Celery beat, APScheduler and most in-process
 * schedulers keep their schedule in their own process and elect no leader, so each replica sends every
 * due task: each scheduled job is queued once per replica and runs that many times (the workers take the
 * copies under different task ids, so no redelivery setting explains it). Seen when two pods of one
 * Deployment log the start of the same scheduled run in the same minute; read when a Deployment of
 * several Running pods is named like a scheduler or logs like one, or the person reports work done
 * twice. The fix scales the Deployment to one replica (an approved `scale_deployment`).
 */
export const duplicateSchedulerAnalyzer: Analyzer = {
  name: 'duplicate-scheduler',
  reads(ctx): Read[] {
    if (collision(ctx)) return [];
    const twice = TWICE.test(ctx.task.slice(0, 4000));
    for (const [owner, pods] of replicated(ctx)) {
      const schedulerLike =
        SCHEDULER_NAME.test(owner) ||
        pods.some((p) => SCHEDULER_LOG.test((logOf(ctx, p) ?? '').slice(-200_000)));
      if (!schedulerLike || (!twice && !SCHEDULER_NAME.test(owner))) continue;
      const unread = pods.filter((p) => logOf(ctx, p) === undefined).slice(0, 2);
      if (unread.length > 0)
        return unread.map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
    }
    return [];
  },
  finds(ctx): Finding[] {
    const c = collision(ctx);
    if (!c) return [];
    return [
      {
        weight: 86,
        object: `deployment ${c.owner}`,
        cause: `deployment ${c.owner} runs a scheduler that must run once on ${c.replicas} replicas: each pod keeps its own schedule and sends every due task itself (${c.pods[0]} and ${c.pods[1]} both logged "${clip(c.line, 180)}" in the same minute), so every scheduled job is queued ${c.replicas === 2 ? 'twice' : `${c.replicas} times`} and runs ${c.replicas === 2 ? 'twice' : `${c.replicas} times`}, as duplicate tasks with different task ids; a scheduler such as Celery beat has no leader election, so it is not the broker redelivering`,
        evidence: [
          `get_pod_logs ${c.pods[0]} and ${c.pods[1]}: "${clip(c.line, 180)}" in the same minute`,
          `list_pods: ${c.replicas} Running pods of ${c.owner}`,
        ],
        fix: {
          tool: 'scale_deployment',
          args: { namespace: ctx.ns, name: c.owner, replicas: 1 },
          text: `scale ${c.owner} to 1 replica, so one scheduler sends each due task once (keep it at one: set replicas 1 where the chart sets it)`,
        },
        advice: `run exactly one ${c.owner} (scale it to 1 and pin replicas 1 in the chart); high availability for a scheduler needs a leader lock, not replicas`,
        revisionSound: true,
      },
    ];
  },
};
