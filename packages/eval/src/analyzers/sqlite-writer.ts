import { youngestRunning } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  ownerName,
  podsOf,
  type Read,
} from './types.js';

/** SQLite's busy error, as its drivers word it (`sqlite3.OperationalError: database is locked`, SQLITE_BUSY). */
const LOCKED = /\bdatabase is locked\b|\bSQLITE_BUSY\b/;
/** A writer's own words for a write transaction it keeps open (SQLite's `BEGIN IMMEDIATE`/`EXCLUSIVE`). */
const HOLDING =
  /\bBEGIN (?:IMMEDIATE|EXCLUSIVE)\b|\btransaction (?:open|held|still open)\b|\bin (?:one|a single) transaction\b|\bcommit at the end\b/i;
/** Other pods' logs read at most, looking for the writer. */
const MAX_READS = 3;

/** The first line of the namespace's logs that reports SQLite's busy error, with the pod it came from. */
function lockedLine(ctx: AnalyzerContext): { pod: string; line: string } | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && LOCKED.test(l));
    if (line) return { pod: String(o.args['name'] ?? ''), line };
  }
  return undefined;
}

/** Another pod's log, in the namespace, whose lines say it holds a write transaction open. */
function writer(ctx: AnalyzerContext, client: string) {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    if (ownerName(pod) === ownerName(client)) continue;
    const lines = o.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 4000 && HOLDING.test(l));
    if (lines.length > 0) return { pod, first: lines[0]!, last: lines[lines.length - 1]! };
  }
  return undefined;
}

/**
 * A SQLite database whose writes fail with "database is locked" because another process keeps a write
 * transaction open on it. SQLite lets one connection write at a time: a write transaction takes the
 * database's write lock until it commits, and in WAL mode readers go on while a second writer waits
 * its busy timeout, then fails with SQLITE_BUSY (sqlite.org, "File Locking And Concurrency In SQLite
 * Version 3" and "Write-Ahead Logging"). Found from the client's busy errors and another pod of the
 * namespace (a Job, a second workload mounting the same volume) whose log says it began a transaction
 * it has not committed; when that pod's log was not read, the namespace's other Running pods are read,
 * youngest first (at most three).
 */
export const sqliteWriterAnalyzer: Analyzer = {
  name: 'sqlite-writer',
  reads(ctx): Read[] {
    const locked = lockedLine(ctx);
    if (!locked || writer(ctx, locked.pod)) return [];
    const listed = podsOf(ctx.seen, ctx.ns);
    if ('read' in listed) return [listed.read];
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns).map((o) =>
        ownerName(String(o.args['name'] ?? '')),
      ),
    );
    return youngestRunning(listed.rows, read, MAX_READS).map((name) => ({
      tool: 'get_pod_logs',
      args: { namespace: ctx.ns, name },
    }));
  },
  finds(ctx): Finding[] {
    const locked = lockedLine(ctx);
    const held = locked ? writer(ctx, locked.pod) : undefined;
    if (!locked || !held) return [];
    const owner = ownerName(held.pod);
    return [
      {
        weight: 92,
        object: `${owner} (pod ${held.pod}), the writer holding the SQLite database`,
        cause: `SQLite lets one connection write at a time: pod ${held.pod} keeps a write transaction open on the database ("${clip(held.first, 150)}"${held.last !== held.first ? `; later "${clip(held.last, 120)}"` : ''}), so every other writer waits its busy timeout and fails with "database is locked" (pod ${locked.pod}: "${clip(locked.line, 160)}"); reads still work, since WAL mode lets readers go on beside the one writer`,
        evidence: [
          `get_pod_logs ${held.pod}: "${clip(held.first, 150)}"`,
          `get_pod_logs ${locked.pod}: "${clip(locked.line, 150)}"`,
        ],
        advice: `stop ${owner} or let it commit in small batches (one short transaction per few thousand rows) so the other writers get the lock between them; a longer busy timeout only hides the wait`,
        revisionSound: true,
      },
    ];
  },
};
