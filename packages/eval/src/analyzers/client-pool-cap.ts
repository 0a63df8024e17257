import { parseTable } from '../k8s-text.js';
import { POOL_EXHAUSTED } from './db-pool-size.js';
import { envOf, loggedContainers } from './env-values.js';
import { type Analyzer, clip, envFix, type Finding, outputs, ownerDeployment, podObject } from './types.js';

/**
 * Variables that cap how many connections a client's pool holds at once: `…_MAXACTIVE`,
 * `…_MAX_ACTIVE`, `…_POOL_SIZE`, `…_MAX_CONNECTIONS` (Tyk's TYK_GW_STORAGE_OPTIMISATIONMAXACTIVE, redigo's
 * MaxActive, a driver's pool size). Idle caps (`…MAXIDLE`) size what stays open, not what may be used.
 */
const CAP_VAR =
  /^[A-Z0-9_]{0,60}(?:MAX_?ACTIVE|POOL_?SIZE|POOL_?MAX|MAX_?POOL(?:_?SIZE)?|MAX_?CONN(?:ECTION)?S)$/;
/** The server refusing connections itself: then its limit, not the client's pool, is what ran out. */
const SERVER_REFUSED =
  /no more connections allowed|too many (?:clients|connections)|max_client_conn|remaining connection slots are reserved|maxclients|max number of clients reached/i;
/** How many of the pool's connections a line says were in use: "(12 in use)", "(3 of 3 in use, …)", "active=12", "12 active". */
const IN_USE = /\((\d{1,6})(?: of \d{1,6})? in use\b|\bactive[=:]\s?(\d{1,6})\b|\b(\d{1,6}) active\b/i;
/** Variables that size the threads or workers that each hold a connection (see db-pool-size). */
const THREADS = /^[A-Z0-9_]{0,60}(?:THREADS|WORKERS|CONCURRENCY)$/;
/** A server's own count of its connected clients (Redis' INFO `connected_clients:301`). */
const CONNECTED = /\bconnected_clients:(\d{1,7})\b/;
/** Redis' default `maxclients`: the most connections it accepts (redis.io, "Redis client handling"). */
const SERVER_MAX_CLIENTS = 10_000;

/**
 * A client's own connection pool capped too low for the traffic. Each pod of a client keeps at most N
 * connections to a server (a gateway's Redis pool, a driver's pool size); when every one is busy, the
 * next request gets no connection and fails in the client ("redigo: connection pool exhausted") while
 * the server has capacity left, so more CPU or a bigger server changes nothing. Found from the pod's log
 * (the pool-exhausted line) and its description (the one variable that caps the active connections,
 * with a number), told apart from db-pool-size's case (more threads than pooled connections, its own
 * finding), from a server that refuses connections itself (its limit ran out, not the pool), and from a
 * pool that ran dry with fewer connections in use than the cap. The server's count of connected clients, when a log read shows it, is quoted as the pods'
 * pools all in use. The fix raises the cap tenfold, kept under half of what a Redis server accepts by
 * default across the workload's replicas, through `set_env`.
 */
export const clientPoolCapAnalyzer: Analyzer = {
  name: 'client-pool-cap',
  reads({ seen, ns }) {
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      if (!log.content.includes('pool') || !log.content.split('\n').some((l) => POOL_EXHAUSTED.test(l)))
        continue;
      const pod = String(log.args['name'] ?? '');
      if (!outputs(seen, 'describe_pod', (o) => o.args['name'] === pod && o.args['namespace'] === ns).length)
        return [{ tool: 'describe_pod', args: { namespace: ns, name: pod } }];
    }
    return [];
  },
  finds({ seen, ns }): Finding[] {
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const line = log.content
        .slice(-200_000)
        .split('\n')
        .find((l) => l.length <= 4000 && POOL_EXHAUSTED.test(l));
      if (!line) continue;
      if (SERVER_REFUSED.test(log.content.slice(-200_000))) continue;
      const logged = loggedContainers(seen, ns, log);
      if (!logged) continue;
      for (const c of logged.containers) {
        const caps = envOf(c.body).filter((e) => CAP_VAR.test(e.name) && /^\d{1,6}$/.test(e.value));
        if (caps.length !== 1) continue;
        const cap = caps[0]!;
        const n = Number(cap.value);
        // More threads than pooled connections is db-pool-size's finding (the pool sized to the threads).
        const threads = envOf(c.body).filter((e) => THREADS.test(e.name) && Number(e.value) > n);
        if (n < 1 || threads.length > 0) continue;
        // A pool that ran dry with fewer connections in use than its cap: the cap is not what ran out.
        const used = IN_USE.exec(line);
        if (used && Number(used[1] ?? used[2] ?? used[3]) < n) continue;
        const owner = ownerDeployment(logged.described.content);
        // The Deployment's desired replicas (READY's second number), from its own namespace's list.
        const row = owner
          ? outputs(seen, 'list_deployments', (o) => (o.args['namespace'] ?? ns) === ns)
              .flatMap((o) => parseTable(o.content))
              .find((r) => r['NAME'] === owner)
          : undefined;
        const replicas = Number(/^\d{1,5}\/(\d{1,5})$/.exec(row?.['READY'] ?? '')?.[1] ?? 1) || 1;
        const raised = Math.max(n + 1, Math.min(n * 10, Math.floor(SERVER_MAX_CLIENTS / 2 / replicas)));
        const connected = outputs(seen, 'get_pod_logs')
          .flatMap((o) => o.content.slice(-200_000).split('\n'))
          .find((l) => l.length <= 4000 && CONNECTED.test(l));
        const clients = connected ? Number(CONNECTED.exec(connected)![1]) : undefined;
        const full = clients !== undefined && clients >= n * replicas;
        return [
          {
            weight: 86,
            object: podObject(owner, logged.pod),
            cause: `the connection pool of ${owner ?? logged.pod} is too small for the traffic: each pod may hold only ${n} active connections (${cap.name}=${cap.value}), and when all ${n} are busy the next request gets none and fails in the client ("${clip(line.trim(), 160)}")${full ? `; the server counts ${clients} connected clients, the ${replicas} pods' pools of ${n} all in use (${clip(connected!.trim(), 160)})` : ''}. The server is not what runs out: it is the pool's cap of ${n}`,
            evidence: [
              `get_pod_logs ${logged.pod}: "${clip(line.trim(), 200)}"`,
              `describe_pod ${logged.pod}: ${cap.name}: ${cap.value}`,
              ...(full ? [`server log: "${clip(connected!.trim(), 160)}"`] : []),
            ],
            advice: `raise ${cap.name} of ${owner ?? logged.pod} (to ${raised}, keeping all replicas' pools under the server's client limit), and raise the idle cap with it if the program has one; more CPU or a bigger server changes nothing`,
            ...envFix(
              ns,
              owner,
              c.name,
              [{ name: cap.name, value: String(raised) }],
              raised === n * 10
                ? `set ${cap.name} of ${owner}/${c.name} to ${raised}: a pool ten times the cap of ${n} that ran out`
                : `set ${cap.name} of ${owner}/${c.name} to ${raised}: above the cap of ${n} that ran out, with the ${replicas} replicas' pools kept under half of the server's client limit`,
            ),
          },
        ];
      }
    }
    return [];
  },
};
