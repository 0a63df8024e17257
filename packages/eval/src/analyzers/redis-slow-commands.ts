import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  namespaceNames,
  outputs,
  podsOf,
  type Read,
} from './types.js';

/** A client's Redis call that timed out (`redis HGETALL sess:…: i/o timeout`, `Redis command timed out`). */
const REDIS_TIMEOUT = /redis[^\n]{0,120}?(?:i\/o timeout|timed? ?out|timeout)/i;
/** A namespace the task names as a place (`in namespace cache`, `the cache namespace`). */
const NAMED_NS =
  /\bin (?:the )?namespace ([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b|\b([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?) namespace\b/g;
/**
 * A slow-log entry as exporters and `SLOWLOG GET` print it: its duration in microseconds and the
 * command (`duration_us=806112 cmd="KEYS lock:wave:*"`). Bounded: the two are at most 200 characters apart.
 */
const SLOW = /duration_us=(\d{1,10})[^\n]{0,200}?cmd="([A-Za-z]{1,20})([^"\n]{0,200})"/;
/** Commands whose cost grows with the whole keyspace or a whole collection (redis.io's command docs, "Time complexity"). */
const WHOLE =
  /^(?:KEYS|FLUSHALL|FLUSHDB|SMEMBERS|HGETALL|SUNION|SINTER|SDIFF|SORT|LRANGE|ZRANGE|ZUNIONSTORE|ZINTERSTORE|EVAL|EVALSHA)$/i;
/** A slow command this long (µs) blocks the server long enough for clients to time out. */
const BLOCKING_US = 100_000;

/** The Redis pods of the namespaces the task names (name or image says redis). */
function redisPods(ctx: AnalyzerContext): { ns: string; pod: string }[] {
  const known = new Set(namespaceNames(ctx.seen));
  const named = [...ctx.task.slice(0, 4000).matchAll(NAMED_NS)]
    .map((m) => m[1] ?? m[2] ?? '')
    .filter((n) => n && known.has(n) && n !== ctx.ns);
  const out: { ns: string; pod: string }[] = [];
  for (const ns of [...new Set(named)].slice(0, 2)) {
    const pods = podsOf(ctx.seen, ns);
    if ('read' in pods) continue;
    for (const r of pods.rows)
      if (/redis/i.test(r['NAME'] ?? '') && r['STATUS'] === 'Running') out.push({ ns, pod: r['NAME'] ?? '' });
  }
  return out.slice(0, 1);
}

/**
 * Clients whose Redis calls time out while Redis is up: Redis runs commands on one thread, so a
 * command that walks the whole keyspace or a whole collection (KEYS, FLUSHALL, SMEMBERS of a huge set)
 * blocks every other client for as long as it runs, and their commands wait past their deadlines
 * (redis.io, "KEYS": "consider KEYS as a command that should only be used in production environments
 * with extreme care"; "Diagnosing latency issues", slow commands). Reads: the pods of the namespace the
 * task names, the Redis pod's containers and each one's log (a slow-log exporter beside Redis). Finds:
 * the slowest such command in the slow log and the client that sends it (its name or address).
 */
export const redisSlowCommandsAnalyzer: Analyzer = {
  name: 'redis-slow-commands',
  first: true,
  reads(ctx): Read[] {
    const clients = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns);
    if (!clients.some((o) => REDIS_TIMEOUT.test(o.content.slice(-100_000)))) return [];
    const known = new Set(namespaceNames(ctx.seen));
    const reads: Read[] = [];
    for (const m of ctx.task.slice(0, 4000).matchAll(NAMED_NS)) {
      const ns = m[1] ?? m[2] ?? '';
      if (!known.has(ns) || ns === ctx.ns) continue;
      const pods = podsOf(ctx.seen, ns);
      if ('read' in pods) reads.push(pods.read);
    }
    if (reads.length) return reads.slice(0, 1);
    for (const { ns, pod } of redisPods(ctx)) {
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
      if (!described) return [{ tool: 'describe_pod', args: { namespace: ns, name: pod } }];
      const containers = containerSections(described.content).filter((c) => !c.init);
      for (const c of containers)
        if (
          !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod && o.args['container'] === c.name)
            .length
        )
          reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: pod, container: c.name } });
    }
    return reads.slice(0, 3);
  },
  finds(ctx): Finding[] {
    let worst: { us: number; cmd: string; rest: string; line: string; pod: string } | undefined;
    const counts = new Map<string, number>();
    for (const { pod } of redisPods(ctx)) {
      for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === pod)) {
        for (const l of o.content.slice(-200_000).split('\n').slice(-5000)) {
          const m = l.length <= 4000 ? SLOW.exec(l) : null;
          if (!m || !WHOLE.test(m[2]!) || Number(m[1]) < BLOCKING_US) continue;
          const us = Number(m[1]);
          const cmd = m[2]!.toUpperCase();
          counts.set(cmd, (counts.get(cmd) ?? 0) + 1);
          if (!worst || us > worst.us) worst = { us, cmd, rest: m[3]!, line: l.trim(), pod };
        }
      }
    }
    if (!worst) return [];
    const client = /\bname=([\w.-]{1,60})/.exec(worst.line)?.[1];
    const address = /\bclient=([\d.]{7,15}):\d{1,5}/.exec(worst.line)?.[1];
    return [
      {
        weight: 88,
        object: `redis ${worst.pod}`,
        cause: `Redis is blocked by a slow command, not short of memory: its slow log shows ${worst.cmd} ${clip(worst.rest.trim(), 60)} taking ${(worst.us / 1e6).toFixed(2)} s${(counts.get(worst.cmd) ?? 0) > 1 ? `, again and again (${counts.get(worst.cmd)} entries)` : ''}, sent by ${client ? `the client named ${client}` : 'one client'}${address ? ` (${address})` : ''} ("${clip(worst.line, 200)}"). Redis runs commands on a single thread, and ${worst.cmd} walks the whole keyspace or collection in one O(N) command, so while it runs every other client waits; their calls pass their deadlines and time out (the i/o timeouts the failing service logs)`,
        evidence: [`get_pod_logs ${worst.pod}: "${clip(worst.line, 200)}"`],
        advice: `stop ${client ?? 'that client'} from running ${worst.cmd} on the shared Redis: use SCAN with a MATCH pattern, or keep those keys in a set or hash of their own; more memory or a restart does not help`,
      },
    ];
  },
};
