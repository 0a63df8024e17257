import { type Analyzer, clip, type Finding, outputs, ownerName } from './types.js';

/** A client pool that had no connection to hand out in time (HikariCP's wording, and the generic one). */
const EXHAUSTED =
  /Connection is not available, request timed out|timeout acquiring a connection|timed out waiting for a (?:free|available) connection/i;
/** A pooled connection retired for its age (HikariCP: "connection has passed maxLifetime"). */
const RETIRED = /passed maxLifetime|max(?:imum)?[ _-]?lifetime (?:reached|exceeded|expired)/i;
/** A new connection and how long opening it took: `Added connection … (took 3512ms)`. */
const ADDED = /\b(?:Added|opened|created) (?:a )?(?:new )?connection\b.{0,200}?\btook (\d{1,6}) ?ms\b/i;
/** Opening a connection slower than this (ms) cannot refill a pool in the seconds a request waits. */
const SLOW_OPEN_MS = 1000;

/**
 * A connection pool that empties on a schedule: its connections reach their maximum lifetime together
 * (HikariCP's `maxLifetime`, 30 minutes by default; a pool that opened them all at start, with
 * `minimumIdle` equal to `maximumPoolSize`, retires them within seconds of each other), and each new
 * connection takes seconds to open (slow authentication at the server), so for a while the pool has
 * fewer connections than requests and they time out waiting ("Connection is not available"), then it
 * is full again. The load on the database is not the cause. Found from the client's log: the
 * retirements, the slow additions and the timeouts.
 */
export const poolRefillAnalyzer: Analyzer = {
  name: 'pool-refill',
  reads: () => [],
  finds({ seen, ns }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const lines = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000);
      const timeout = lines.find((l) => EXHAUSTED.test(l));
      const retired = lines.filter((l) => RETIRED.test(l));
      const slow = lines
        .map((l) => ({ l, ms: Number(ADDED.exec(l)?.[1] ?? 0) }))
        .filter((x) => x.ms >= SLOW_OPEN_MS);
      if (!timeout || retired.length === 0 || slow.length === 0) continue;
      const pod = String(o.args['name'] ?? '');
      const secs = (Math.max(...slow.map((x) => x.ms)) / 1000).toFixed(1);
      return [
        {
          weight: 90,
          object: `${ownerName(pod)} (pod ${pod})`,
          cause: `the connection pool empties on a schedule, not under load: its connections reach the pool's maximum lifetime (maxLifetime) together and are closed at once ("${clip(retired[0]!, 130)}", ${retired.length} in the log read), and each new connection takes about ${secs} s to open ("${clip(slow[0]!.l, 130)}"), so the pool refills slower than requests arrive and they time out waiting ("${clip(timeout, 160)}"); opening new connections is the slow part (the database's authentication or network), not the queries`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(retired[0]!, 150)}"`,
            `get_pod_logs ${pod}: "${clip(slow[0]!.l, 150)}"`,
            `get_pod_logs ${pod}: "${clip(timeout, 150)}"`,
          ],
          advice:
            'make new connections fast (the slow step at the server: an authentication or DNS lookup per connection), and keep the pool from retiring everything at once: a maxLifetime the pool can stagger (HikariCP varies each by a few percent), a minimumIdle below the maximum so connections are opened over time, or a longer maxLifetime',
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
