import { parseQuantity } from '@sre-harness/tools-k8s';
import { cpuAtLimit } from './cpu-sizing.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podDeployment,
  podDescription,
  podOwnerObject,
  type Read,
} from './types.js';

/**
 * A variable that sizes a program's pool of worker processes or threads: Celery's
 * `CELERY_WORKER_CONCURRENCY`, Gunicorn's `WEB_CONCURRENCY` and `GUNICORN_WORKERS`, `PUMA_WORKERS`,
 * `UV_THREADPOOL_SIZE`, a generic `WORKERS`, `NUM_WORKERS`, `WORKER_PROCESSES`, `THREADS`.
 */
const POOL_VARIABLE =
  /^(?:[A-Z0-9_]{1,60}_)?(?:CONCURRENCY|WORKERS|NUM_WORKERS|WORKER_PROCESSES|PROCESSES|THREADS|THREADPOOL_SIZE)$/;

/** A pool this many times the CPU limit (or more) is sized far past what the container may run at once. */
const OVER = 3;

/** A lost connection to a broker or server the program keeps (AMQP, Redis, a database). */
const DROPPED =
  /\bConnection to broker lost\b|\bmissed heartbeats?\b|\bheartbeat (?:timeout|missed)\b|\bConnection reset by peer\b/i;

/** A lost broker connection or missed heartbeats, the words that call for the metrics (a reset alone does not). */
const HEARTBEATS = /\bConnection to broker lost\b|\bmissed heartbeats?\b|\bheartbeat (?:timeout|missed)\b/i;

/** The person reports work piling up: a backlog, a queue that grows. */
const BACKLOG = /\bbacklog\b|\bqueue\b[^.?!]{0,40}\bgrow/i;

/** The program's own line about the pool it started (`.> concurrency: 16 (prefork)`, `Booting worker`). */
const POOL_LINE = /\bconcurrency: \d{1,5}\b|\bworkers?[=: ]\s?\d{1,5}\b/i;

/** The pods pinned at their CPU limit, in the namespace, with the container. */
function pinned(ctx: AnalyzerContext) {
  return cpuAtLimit(ctx.seen, ctx.ns).filter((x) => x.where === ctx.ns && x.pod);
}

/**
 * A container pinned at its CPU limit whose pool of worker processes or threads is set far above that
 * limit: every worker competes for the same few CPUs, the kernel's CFS quota throttles them all, and each
 * task takes several times longer than with one worker per CPU, while the program's own housekeeping (its
 * connection heartbeats) waits its turn, so a broker or server that expects heartbeats drops the
 * connection. Raising the CPU limit only moves the ceiling; a pool sized to the limit (one worker per CPU, the
 * default of Celery's prefork pool: its documentation's "Concurrency") does the same work without the
 * contention. Found from the metrics (at 90 % of the limit or more), the pod's description (a pool variable
 * at least three times the limit, and at least 4) and, for the heartbeat clause, a lost connection in a log
 * read. Reads: the pinned pod's description.
 */
export const poolOverCpuAnalyzer: Analyzer = {
  name: 'pool-over-cpu',
  reads(ctx): Read[] {
    // A backlog the person reports, or a lost broker connection in a log read: how busy the workers are.
    const metricsRead =
      outputs(ctx.seen, 'get_pod_metrics', (o) => String(o.args['namespace'] ?? ctx.ns) === ctx.ns).length >
      0;
    if (
      !metricsRead &&
      (BACKLOG.test(ctx.task.slice(0, 4000)) ||
        outputs(ctx.seen, 'get_pod_logs', (o) => String(o.args['namespace'] ?? ctx.ns) === ctx.ns).some((o) =>
          boundedLogLines(o.content).some((l) => l.length <= 4000 && HEARTBEATS.test(l)),
        ))
    )
      return [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }];
    const p = pinned(ctx).find((x) => !podDescription(ctx.seen, ctx.ns, x.pod));
    return p ? [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: p.pod } }] : [];
  },
  finds(ctx): Finding[] {
    for (const p of pinned(ctx)) {
      const d = podDescription(ctx.seen, ctx.ns, p.pod);
      const cores = parseQuantity(p.limit);
      if (!d || cores === undefined || cores <= 0) continue;
      const c = containerSections(d).find((x) => !x.init && x.name === p.container);
      // The largest pool variable of the container (OMP_NUM_THREADS=1 beside CELERY_WORKER_CONCURRENCY=16 is
      // not the pool that matters).
      const pool = c
        ? envOf(c.body)
            .filter((v) => POOL_VARIABLE.test(v.name) && /^\d{1,5}$/.test(v.value))
            .sort((a, b) => Number(b.value) - Number(a.value))[0]
        : undefined;
      const size = pool ? Number(pool.value) : 0;
      if (!pool || size < 4 || size < OVER * cores) continue;
      const target = String(Math.max(1, Math.ceil(cores)));
      const logs = outputs(ctx.seen, 'get_pod_logs', (o) => String(o.args['namespace'] ?? ctx.ns) === ctx.ns)
        .flatMap((o) => boundedLogLines(o.content).map((l) => ({ l, pod: String(o.args['name'] ?? '') })))
        .filter(({ l }) => l.length <= 4000);
      // Only the pinned workload's own log says its connection dropped (another program's reset is its own).
      const own = podDeployment(p.pod) ?? p.pod;
      const dropped = logs.find(({ l, pod }) => (podDeployment(pod) ?? pod) === own && DROPPED.test(l));
      const said = logs.find(({ l, pod }) => pod === p.pod && POOL_LINE.test(l));
      const deployment = ownerDeployment(d) ?? podDeployment(p.pod);
      // The workload as the answer names it (`statefulset rabbitmq`, `daemonset traefik`), whatever its kind.
      const workload = podOwnerObject(d, p.pod);
      const text = `set ${pool.name}=${target} on container ${p.container} of ${workload}, one worker per CPU of its ${p.limit} limit`;
      return [
        {
          weight: 84,
          object: workload.startsWith('pod ') ? workload : `${workload} (pod ${p.pod})`,
          cause: `container ${p.container} of pod ${p.pod} runs a pool of ${size} worker processes or threads (${pool.name}=${pool.value}${said ? `; its log: "${clip(said.l.trim(), 100)}"` : ''}) on a CPU limit of ${p.limit}: the workers compete for ${p.limit} CPU, so the kernel's CFS quota throttles the container at its limit (${p.used} of ${p.limit}, ${p.percent}%) and each task takes several times longer${dropped ? `, and the program's own housekeeping waits its turn: its heartbeats to the broker or server go out late, so the other side drops the connection ("${clip(dropped.l.trim(), 120)}")` : ''}. The pool is sized far past the CPU the container may use; raising the limit only moves the ceiling`,
          evidence: [
            `get_pod_metrics ${p.pod}: ${clip(p.line.trim(), 160)}`,
            `describe_pod ${p.pod}: ${pool.name}=${pool.value}, CPU limit ${p.limit}`,
            ...(dropped ? [`get_pod_logs ${dropped.pod}: "${clip(dropped.l.trim(), 160)}"`] : []),
          ],
          ...(deployment
            ? envFix(ctx.ns, deployment, p.container, [{ name: pool.name, value: target }], text)
            : {}),
          advice: `${text}; then raise the replicas, not the pool, if the work needs more`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
