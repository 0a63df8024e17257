import { envOf, loggedContainers } from './env-values.js';
import { type Analyzer, clip, outputs } from './types.js';

/** A database refusing a client because its connection slots are used up (PostgreSQL's, MySQL's). */
const SLOTS_FULL = /too many clients already|remaining connection slots are reserved|Too many connections/;
/**
 * A gunicorn (or uWSGI) worker class that runs each request in a greenlet: gevent or eventlet, by its
 * short name or its class path (`gunicorn.workers.ggevent.GeventWorker`), as `-k`, `--worker-class` or
 * gunicorn's own "Using worker:" line gives it.
 */
const GREEN_WORKER =
  /(?:Using worker:|--worker-class[ =]|(?:^|\s)-k[ =]?)\s?(?:gunicorn\.workers\.g?)?(gevent|eventlet)\b|--gevent\b|\b(?:GeventWorker|GeventPyWSGIWorker|EventletWorker)\b/i;
/** A variable that sets Django's CONN_MAX_AGE (seconds a connection is kept; `None` keeps it forever). */
const MAX_AGE = /(?:^|_)CONN_MAX_AGE$/;
/** gunicorn's `--workers N` and `--worker-connections N`, read from its arguments. */
const WORKERS = /(?:--workers[ =]|(?:^|\s)-w[ =]?)(\d{1,4})\b/;
const WORKER_CONNECTIONS = /--worker-connections[ =](\d{1,6})\b/;
/** How much of a log is read. */
const TAIL = 200_000;

/**
 * Django's persistent connections under greenlet workers. Django keeps one database connection per
 * thread and, with `CONN_MAX_AGE` above 0 (or `None`), does not close it at the end of a request; under
 * gunicorn's gevent or eventlet workers every greenlet counts as a thread, so every request in flight
 * opens a connection of its own that then stays open, idle, until its age runs out (the gevent
 * connection pools for Django say to set `CONN_MAX_AGE` to 0 for that reason, e.g. django-db-geventpool's
 * README). When a pod's log shows the database refusing clients for want of connection slots, and its
 * log or its container's variables show greenlet workers and a variable ending in `CONN_MAX_AGE` above 0,
 * the answer explains it; the fix, where a rollout raised the variable, is the rollout's own (see
 * `badReleaseOfRunningPods`). Notes only.
 */
export const djangoGeventConnectionsAnalyzer: Analyzer = {
  name: 'django-gevent-connections',
  reads: () => [],
  finds: () => [],
  notes({ ns, seen }): string[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const log = o.content.slice(-TAIL);
      const refused = log.split('\n').find((l) => l.length <= 4_000 && SLOTS_FULL.test(l));
      if (!refused) continue;
      const where = loggedContainers(seen, ns, o);
      if (!where) continue;
      for (const c of where.containers) {
        const env = envOf(c.body);
        const age = env.find((e) => MAX_AGE.test(e.name));
        if (!age || !(age.value === 'None' || Number(age.value) > 0)) continue;
        const args = env.map((e) => e.value).join('\n');
        // gunicorn says which worker it uses at start: the head of the whole log, and its tail.
        const worker = GREEN_WORKER.exec(`${args}\n${o.content.slice(0, 20_000)}\n${log.slice(-20_000)}`);
        if (!worker) continue;
        const kind = /eventlet/i.test(worker[0]) ? 'eventlet' : 'gevent';
        const workers = Number(WORKERS.exec(args)?.[1] ?? 0);
        const each = Number(WORKER_CONNECTIONS.exec(args)?.[1] ?? 0);
        const bound =
          workers > 0 && each > 0
            ? ` (up to ${workers} workers × ${each} worker connections = ${workers * each} per pod)`
            : '';
        return [
          `Django keeps one database connection per thread, and under gunicorn's ${kind} workers every greenlet counts as one: with ${age.name}=${age.value} (persistent connections) the connection each request opens stays open, idle, after the request instead of being closed${bound}, so the pods' idle connections pile up until the database refuses new clients ("${clip(refused.trim(), 140)}"). Set ${age.name} back to 0 (close each connection at the end of its request), or put a pool made for greenlets (or PgBouncer) in front.`,
        ];
      }
    }
    return [];
  },
};
