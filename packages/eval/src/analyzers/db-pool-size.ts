import { envOf, loggedContainers } from './env-values.js';
import { type Analyzer, clip, envFix, type Finding, outputs, ownerDeployment, podObject } from './types.js';

/**
 * A client-side connection pool running out, in the words of common drivers: ActiveRecord's
 * ConnectionTimeoutError, HikariCP's "Connection is not available, request timed out", SQLAlchemy's
 * QueuePool limit, Knex's and Sequelize's acquire timeouts.
 */
export const POOL_EXHAUSTED =
  /could not obtain a (?:database )?connection from the pool|ConnectionTimeoutError|Connection is not available, request timed out|QueuePool limit of size \d{1,6} overflow|Timeout acquiring a connection|ConnectionAcquireTimeoutError|connection pool (?:is )?(?:exhausted|full)|pool exhausted|checkout of a (?:database |db )?connection timed out|timed out (?:waiting for|acquiring) a (?:database |db )?connection/i;
/** Variables that size a program's own database connection pool (DATABASE_POOL, DB_POOL_SIZE, MAXIMUM_POOL_SIZE, …). */
const POOL_VAR =
  /^(?:[A-Z0-9]{1,40}_)?(?:POOL|POOL_SIZE|POOL_MAX|MAX_POOL_SIZE|MAXIMUM_POOL_SIZE|POOL_MAX_SIZE|CONNECTION_POOL_SIZE)$/;
/** Variables that size the threads or workers that each hold a connection while they run. */
const THREADS_VAR =
  /^(?:[A-Z0-9]{1,40}_)?(?:THREADS|MAX_THREADS|WORKER_THREADS|WORKERS|CONCURRENCY|JOB_THREADS)$/;

/**
 * A program that dies because its own connection pool runs out: it runs more threads that each need a
 * database connection (JOB_THREADS, RAILS_MAX_THREADS, a worker concurrency) than its pool holds
 * (DATABASE_POOL, a HikariCP maximumPoolSize), so threads wait for a connection and time out. The
 * database's max_connections is not what ran out (the error is raised in the client before any
 * connection is asked of the server). The fix sizes the pool to the thread count, through `set_env`.
 */
export const dbPoolSizeAnalyzer: Analyzer = {
  name: 'db-pool-size',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const line = log.content.split('\n').find((l) => POOL_EXHAUSTED.test(l));
      if (!line) continue;
      const logged = loggedContainers(seen, ns, log);
      if (!logged) continue;
      const { pod, described: d } = logged;
      for (const c of logged.containers) {
        const env = envOf(c.body).filter((e) => /^\d{1,5}$/.test(e.value));
        const pool = env.find((e) => POOL_VAR.test(e.name));
        const threads = env.find((e) => THREADS_VAR.test(e.name));
        if (!pool || !threads || Number(threads.value) <= Number(pool.value)) continue;
        const owner = ownerDeployment(d.content);
        const out: Finding = {
          weight: 89,
          object: podObject(owner, pod),
          cause: `the container ${c.name} runs ${threads.value} threads (${threads.name}=${threads.value}) that each take a database connection, but its own connection pool holds only ${pool.value} (${pool.name}=${pool.value}), so threads wait for a pooled connection, time out ("${clip(line.trim(), 160)}") and the program exits; the pool is smaller than the thread count, in the client, not the database's max_connections`,
          evidence: [
            `logs of ${pod}: ${clip(line.trim(), 200)}`,
            `describe_pod ${pod}: ${pool.name}: ${pool.value}, ${threads.name}: ${threads.value}`,
          ],
          advice: `raise ${pool.name} to at least ${threads.value} (one connection per thread), keeping the database's max_connections above the total of all pools`,
          ...envFix(
            ns,
            owner,
            c.name,
            [{ name: pool.name, value: threads.value }],
            `set ${pool.name} of ${owner}/${c.name} to ${threads.value}, one pooled connection per thread (${threads.name}=${threads.value})`,
          ),
        };
        return [out];
      }
    }
    return [];
  },
};
