import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerName,
  podListOf,
  type Read,
} from './types.js';

/**
 * A server out of threads or connections: it cannot start a thread per connection (`pthread_create
 * failed`, EAGAIN "Resource temporarily unavailable", Java's "unable to create native thread") or it
 * refuses connections over its limit.
 */
const EXHAUSTED =
  /pthread_create failed|Resource temporarily unavailable|unable to create (?:new )?native thread|can't create new thread|Too many connections|too many clients/i;
/** A client's side of a dropped connection. */
const DROPPED = /ECONNRESET|connection reset|connection \S{0,20} ?closed|broken pipe|\bEOF\b/i;
/** A connection pool's size in a URL or a variable: `maxPoolSize=100`, `POOL_SIZE: 50`. */
const POOL =
  /\b(maxPoolSize|max_pool_size|poolSize|pool_size|maximumPoolSize|max_connections|maxConnections)=(\d{1,6})\b/i;
const POOL_VAR = /POOL_?SIZE|MAX_?POOL|MAX_?CONN/i;

/** The exhausted server's line, its pod and namespace, from any log the run read. */
function exhausted(ctx: AnalyzerContext) {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && EXHAUSTED.test(l));
    if (line) return { pod: String(o.args['name']), ns: String(o.args['namespace'] ?? ctx.ns), line };
  }
  return undefined;
}

/** Clients whose logs show dropped connections, with their namespace. */
function droppedClients(ctx: AnalyzerContext, server: string) {
  return outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'] && x.args['name'] !== server)
    .filter((o) =>
      o.content
        .slice(-200_000)
        .split('\n')
        .some((l) => l.length <= 4000 && DROPPED.test(l)),
    )
    .map((o) => ({ pod: String(o.args['name']), ns: String(o.args['namespace'] ?? ctx.ns) }));
}

/** The pool size a described pod's environment sets, and where. */
function poolOf(described: string): { size: number; where: string } | undefined {
  for (const c of containerSections(described)) {
    for (const v of envOf(c.body)) {
      const m = POOL.exec(v.value);
      if (m) return { size: Number(m[2]), where: `${v.name} (${m[1]}=${m[2]})` };
      if (POOL_VAR.test(v.name) && /^\d{1,6}$/.test(v.value))
        return { size: Number(v.value), where: `${v.name}=${v.value}` };
    }
  }
  return undefined;
}

/** The replicas of a client's owner, from its namespace's pod list. */
function replicas(ctx: AnalyzerContext, ns: string, pod: string): number {
  const listed = podListOf(ctx.seen, ns);
  const owner = ownerName(pod);
  return parseTable(listed?.content ?? '').filter((r) => ownerName(r['NAME'] ?? '') === owner).length || 1;
}

/**
 * Connections multiplied by replicas: each replica of a client keeps its own connection pool, so its
 * pool size times its replicas is what the server must hold open. A release that raises the pool (a
 * driver upgrade's default, `maxPoolSize=100`) on a Deployment of 12 replicas asks for 1,200
 * connections; a server with a thread per connection (mongod, MySQL) then reaches its thread or PID
 * limit and cannot start threads, or a connection limit refuses the rest, and clients see resets.
 * Found from the server's log and a client's environment; the fix is the pool size (or a limit the
 * server can hold), not the network or the server's image.
 */
export const poolTimesReplicasAnalyzer: Analyzer = {
  name: 'pool-times-replicas',
  reads(ctx): Read[] {
    const s = exhausted(ctx);
    if (!s) return [];
    for (const c of droppedClients(ctx, s.pod)) {
      if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === c.pod).length)
        return [{ tool: 'describe_pod', args: { namespace: c.ns, name: c.pod } }];
    }
    return [];
  },
  finds(ctx): Finding[] {
    const s = exhausted(ctx);
    if (!s) return [];
    for (const c of droppedClients(ctx, s.pod)) {
      const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === c.pod).pop();
      const pool = d ? poolOf(d.content) : undefined;
      if (!pool) continue;
      const n = replicas(ctx, c.ns, c.pod);
      const owner = ownerName(c.pod);
      // The highest connection count the server logged (mongod's "Connection accepted" lines).
      const counts = [
        ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === s.pod)
          .map((o) => o.content.slice(-200_000))
          .join('\n')
          .matchAll(/connectionCount"?\s{0,2}:\s{0,2}(\d{1,7})/g),
      ].map((m) => Number(m[1]));
      const count = counts.length ? Math.max(...counts) : undefined;
      return [
        {
          weight: 86,
          object: `deployment ${owner} in ${c.ns}`,
          cause: `the connection pools of ${owner} exhaust ${s.pod}: each of its ${n} replicas keeps a connection pool of up to ${pool.size} connections (${pool.where}), up to ${n * pool.size} connections in all${count ? ` (the server logs connectionCount ${count})` : ''}, and the server, which runs a thread per connection, can no longer start one ("${clip(s.line, 180)}"), so it drops connections and ${owner} sees them reset; the network and the server's image are fine`,
          evidence: [`get_pod_logs ${s.pod}: "${clip(s.line, 220)}"`, `describe_pod ${c.pod}: ${pool.where}`],
          advice: `lower ${owner}'s pool size (maxPoolSize) so replicas × pool stays well below what ${s.pod} can hold, or raise the server's thread (PID) limit`,
        },
      ];
    }
    return [];
  },
};
