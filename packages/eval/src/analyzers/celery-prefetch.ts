import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  containerSections,
  envFix,
  type Finding,
  namespacePods,
  outputs,
  ownerDeployment,
  ownerName,
  podObject,
  type Read,
} from './types.js';

/** Celery's worker banner: its pool size (`concurrency 4 (prefork)`). */
const CONCURRENCY = /\bconcurrency:? (\d{1,4})\b/;
/** The broker prefetch the worker asked for (`basic.qos: prefetch_count->64`, `prefetch_count=64`). */
const PREFETCH = /prefetch_count(?:->|=)(\d{1,6})\b/;
/** Tasks the worker holds reserved but has not started (`reserved=60`). */
const RESERVED = /\breserved=(\d{1,6})\b/;
/** A pool report's time and its busy processes (`[2026-05-19 08:10:00,000: INFO/MainProcess] pool: active=4`). */
const POOL_AT = /^\[(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)[^\]\n]{0,40}\][^\n]{0,200}?\bactive=\d/;
const ACTIVE = /\bactive=(\d{1,4})\b/;
/** A task's run time as Celery logs it (`Task pressroom.render_annual_statement[a91c03f1] succeeded in 1274.83s`). */
const SUCCEEDED = /Task ([\w.]{1,200})\[[^\]\n]{1,80}\] succeeded in (\d{1,7}(?:\.\d{1,6})?)s/;
/** The variable Celery's settings read the multiplier from (worker_prefetch_multiplier). */
const MULTIPLIER_VAR = /PREFETCH_MULTIPLIER/;
/** A task this long (seconds) holds its worker process long enough to matter. */
const LONG_SECONDS = 300;

interface Task {
  readonly task: string;
  readonly seconds: number;
}

/** What the workers' logs read so far say: the worker holding the most reserved tasks, the longest and shortest task. */
function survey(ctx: AnalyzerContext): {
  hoard: { pod: string; prefetch: number; reserved: number; concurrency: number } | undefined;
  long: Task | undefined;
  short: Task | undefined;
} {
  const logs = outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  );
  let long: Task | undefined;
  let short: Task | undefined;
  let hoard: { pod: string; prefetch: number; reserved: number; concurrency: number } | undefined;
  for (const o of logs) {
    const lines = o.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 4000);
    const concurrency = Number(lines.map((l) => CONCURRENCY.exec(l)?.[1]).find((v) => v) ?? 0);
    const prefetch = Math.max(0, ...lines.map((l) => Number(PREFETCH.exec(l)?.[1] ?? 0)));
    const reserved = Math.max(0, ...lines.map((l) => Number(RESERVED.exec(l)?.[1] ?? 0)));
    // Every process busy in two pool reports minutes apart: the tasks they run are long-running.
    const busy = lines
      .map((l) => ({ at: POOL_AT.exec(l), active: Number(ACTIVE.exec(l)?.[1] ?? -1) }))
      .filter((p) => p.at && concurrency > 0 && p.active === concurrency)
      .map((p) => Date.parse(`${p.at![1]}T${p.at![2]}Z`))
      .filter((t) => Number.isFinite(t));
    if (busy.length >= 2) {
      const seconds = (busy[busy.length - 1]! - busy[0]!) / 1000;
      if (seconds >= LONG_SECONDS && (!long || seconds > long.seconds))
        long = {
          task: `all ${concurrency} processes of ${String(o.args['name'])} stay busy across pool reports ${Math.round(seconds / 60)} minutes apart`,
          seconds,
        };
    }
    for (const l of lines) {
      const m = SUCCEEDED.exec(l);
      if (!m) continue;
      const t = { task: m[1]!, seconds: Number(m[2]) };
      if (!long || t.seconds > long.seconds) long = t;
      if (!short || t.seconds < short.seconds) short = t;
    }
    if (
      concurrency > 0 &&
      prefetch > concurrency &&
      reserved > concurrency &&
      (!hoard || reserved > hoard.reserved)
    )
      hoard = { pod: String(o.args['name']), prefetch, reserved, concurrency };
  }
  return { hoard, long, short };
}

/**
 * Celery workers that prefetch many tasks while some tasks run for minutes: each worker reserves
 * prefetch multiplier × concurrency messages from the broker at once (worker_prefetch_multiplier, 4 by
 * default), and a reserved task waits until one of that worker's processes is free, so short tasks
 * queue behind long ones on a busy worker while other workers sit idle. Celery's documentation
 * ("Optimizing: Prefetch limits") says to set the multiplier to 1 (with acks_late) for long tasks.
 * Found from the workers' logs (their prefetch count, reserved tasks and task run times); the fix sets
 * the variable the container reads the multiplier from to 1, when it has one.
 */
export const celeryPrefetchAnalyzer: Analyzer = {
  name: 'celery-prefetch',
  reads(ctx): Read[] {
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
    );
    const worker = logs.find((o) => PREFETCH.test(o.content.slice(-200_000)));
    if (!worker) return [];
    const { hoard, long } = survey(ctx);
    if (hoard && long && long.seconds >= LONG_SECONDS) {
      if (!outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === hoard.pod).length)
        return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: hoard.pod } }];
      return [];
    }
    // One worker's log shows prefetching but no worker holding tasks yet: its siblings' (three read at most).
    const owner = ownerName(String(worker.args['name']));
    const read = new Set(logs.map((o) => String(o.args['name'])));
    if ([...read].filter((n) => ownerName(n) === owner).length >= 3) return [];
    const next = namespacePods(ctx).find(
      (r) => r['STATUS'] === 'Running' && ownerName(r['NAME'] ?? '') === owner && !read.has(r['NAME'] ?? ''),
    );
    return next ? [{ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: next['NAME'] ?? '' } }] : [];
  },
  finds(ctx): Finding[] {
    const { hoard, long, short } = survey(ctx);
    if (!hoard || !long || long.seconds < LONG_SECONDS) return [];
    // The hoarding pod's description, else a sibling's: the pods of one ReplicaSet share their template.
    const described =
      outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === hoard.pod).pop() ??
      outputs(
        ctx.seen,
        'describe_pod',
        (x) => ownerName(String(x.args['name'])) === ownerName(hoard.pod),
      ).pop();
    const owner = described ? ownerDeployment(described.content) : undefined;
    let variable: { container: string; name: string; value: string } | undefined;
    for (const c of described ? containerSections(described.content).filter((s) => !s.init) : []) {
      const v = envOf(c.body).find(
        (e) => MULTIPLIER_VAR.test(e.name) && /^\d{1,4}$/.test(e.value) && Number(e.value) > 1,
      );
      if (v) variable = { container: c.name, name: v.name, value: v.value };
    }
    return [
      {
        weight: 86 + bonus(hoard.pod, ctx.hints),
        object: podObject(owner, hoard.pod),
        cause: `the Celery workers prefetch too much: ${hoard.pod} asks the broker for ${hoard.prefetch} messages (prefetch_count) with ${hoard.concurrency} worker processes and holds ${hoard.reserved} tasks reserved but not started${
          variable ? ` (${variable.name}=${variable.value})` : ''
        }, while long-running tasks hold the worker processes for minutes (${long.task.startsWith('all ') ? long.task : `${long.task} took ${Math.round(long.seconds)} s`}${short && short.seconds < 60 ? `; ${short.task} takes ${short.seconds} s` : ''}). A reserved task waits until a process of the worker that holds it is free, so quick tasks queue behind long-running ones on busy workers while other workers sit idle; more replicas would each hoard as many. Celery's advice for long tasks is a prefetch multiplier of 1 (with acks_late)`,
        evidence: [
          `get_pod_logs ${hoard.pod}: prefetch_count ${hoard.prefetch}, reserved ${hoard.reserved}, concurrency ${hoard.concurrency}`,
          `get_pod_logs: ${long.task.startsWith('all ') ? long.task : `${long.task} succeeded in ${long.seconds}s`}`,
        ],
        advice: `set the worker prefetch multiplier to 1${variable ? ` (${variable.name}=1)` : ''} so each process reserves one task at a time, and route the long tasks to their own queue`,
        ...(variable && owner
          ? envFix(
              ctx.ns,
              owner,
              variable.container,
              [{ name: variable.name, value: '1' }],
              `set ${variable.name}=1 on ${owner}/${variable.container}, so each worker process reserves one task at a time`,
            )
          : {}),
      },
    ];
  },
};
