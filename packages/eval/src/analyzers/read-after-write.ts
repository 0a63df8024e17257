import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  lineStamp,
  outputs,
  type Read,
} from './types.js';

/** An access-log line: method, path and status. Bounded: the path is at most 300 characters. */
const ACCESS = /\b(PUT|POST|GET|HEAD)\s(\/[^\s?]{1,300})\S{0,300}\s(\d{3})\b/;
/** A read that comes this soon after the write of the same path is a read of one's own write (ms). */
const SOON = 10_000;
/** Variables that point reads at a replica: a read URL or host beside a write one, or a replica's name. */
const READ_VAR = /READ|REPLICA|_RO\b|RO_/i;

interface Miss {
  pod: string;
  write: string;
  miss: string;
  hit?: string;
}

/**
 * The first path in a log read so far that was written (201/200/204), then read back as 404 within
 * `SOON`, and later read with 200: a read of one's own write that missed, then found it.
 */
function ownWriteMissed(ctx: AnalyzerContext): Miss | undefined {
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const written = new Map<string, { at: number; line: string }>();
    const missed = new Map<string, { at: number; line: string; write: string }>();
    for (const line of o.content.slice(-200_000).split('\n').slice(-5000)) {
      if (line.length > 2000) continue;
      const m = ACCESS.exec(line);
      const at = lineStamp(line);
      if (!m || at === undefined) continue;
      const [, method, path, status] = m;
      if ((method === 'PUT' || method === 'POST') && /^20[014]$/.test(status!))
        written.set(path!, { at, line });
      else if (method === 'GET' || method === 'HEAD') {
        const w = written.get(path!);
        if (status === '404' && w && at - w.at <= SOON && at >= w.at)
          missed.set(path!, { at, line, write: w.line });
        const miss = missed.get(path!);
        if (status === '200' && miss && at > miss.at)
          return { pod: String(o.args['name']), write: miss.write, miss: miss.line, hit: line };
      }
    }
    const first = [...missed.values()][0];
    if (first) return { pod: String(o.args['name']), write: first.write, miss: first.line };
  }
  return undefined;
}

/** The variable of the pod's environment that points its reads at a replica, with its value. */
function readTarget(ctx: AnalyzerContext, pod: string): { name: string; value: string } | undefined {
  const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
  for (const c of containerSections(d?.content ?? '')) {
    const env = envOf(c.body);
    const read = env.find((v) => READ_VAR.test(v.name) && /:\/\/|\.svc|:\d{2,5}/.test(v.value));
    const write = env.some(
      (v) => v !== read && /WRITE|PRIMARY|MASTER|_RW\b|RW_|DATABASE_URL|DB_URL/i.test(v.name),
    );
    if (read && write) return read;
  }
  return undefined;
}

/**
 * Reading one's own write from a replica that has not caught up: the program writes an object (201)
 * and reads it back within seconds as 404, and a retry seconds later finds it (200), while its
 * environment sends reads to a read replica (a read URL beside the write one). Streaming replication is
 * asynchronous (PostgreSQL's "Log-Shipping Standby Servers": a standby lags the primary), so a row
 * just committed on the primary is not yet on the replica. The fix reads one's own writes from the
 * primary (or waits for the replica to catch up); garbage collection and the cache are not at fault.
 */
export const readAfterWriteAnalyzer: Analyzer = {
  name: 'read-after-write',
  reads(ctx): Read[] {
    const m = ownWriteMissed(ctx);
    if (!m || outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === m.pod).length) return [];
    return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: m.pod } }];
  },
  finds(ctx): Finding[] {
    const m = ownWriteMissed(ctx);
    const read = m ? readTarget(ctx, m.pod) : undefined;
    if (!m || !read) return [];
    return [
      {
        weight: 80,
        object: `pod ${m.pod}`,
        cause: `the program reads back what it just wrote from a read replica that lags behind the primary: it wrote ("${clip(m.write, 140)}") and read the same object within seconds as 404 not found ("${clip(m.miss, 140)}")${m.hit ? `, then found it seconds later ("${clip(m.hit, 120)}")` : ''}, and its reads go to ${read.name}=${clip(read.value, 120)}, a replica that replication keeps a few seconds behind (asynchronous), so a just-written row is not there yet`,
        evidence: [
          `get_pod_logs ${m.pod}: "${clip(m.miss, 200)}"`,
          `describe_pod ${m.pod}: ${read.name}: ${clip(read.value, 120)}`,
        ],
        advice: `read one's own fresh writes from the primary (the write pool), or retry the read until the replica catches up; the replica's lag is the cause, not garbage collection or the cache`,
      },
    ];
  },
};
