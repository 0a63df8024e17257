import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  describedVolumes,
  type Finding,
  outputs,
  ownerName,
  podListOf,
} from './types.js';

/**
 * An embedded database's file that another process holds locked, as its library says it: bbolt's
 * `timeout` (Open with a Timeout, when the flock is held; go.etcd.io/bbolt ErrTimeout), SQLite's "database
 * is locked", LevelDB's and RocksDB's `LOCK: Resource temporarily unavailable`, H2's "Database may be
 * already in use", BoltDB's and Badger's "Cannot acquire directory lock".
 */
const LOCKED =
  /^panic: timeout\s*$|database is locked|\bLOCK: Resource temporarily unavailable|Database may be already in use|Cannot acquire directory lock|file is locked by another process|lock file .{0,200} is held/i;
/** A line that opens an embedded database file (`open database /var/lib/kubepi/db/kubepi.db`). */
const OPENS =
  /\b(?:open(?:ing)?|load(?:ing)?)\b[^\n]{0,80}?((?:\/[\w.@-]{1,100}){1,20}\.(?:db|sqlite3?|bolt|h2\.db|mv\.db))\b/i;

interface Locked {
  readonly pod: string;
  readonly line: string;
  readonly file?: string;
}

/** The crashing pods of the namespace whose logs say their database file is locked, each with the file it opened. */
function lockedAll({ seen, ns }: AnalyzerContext): Locked[] {
  const crashing = new Set(
    parseTable(podListOf(seen, ns)?.content ?? '')
      .filter((r) => /CrashLoopBackOff|^Error$/.test(r['STATUS'] ?? ''))
      .map((r) => r['NAME'] ?? ''),
  );
  const out: Locked[] = [];
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const pod = String(o.args['name'] ?? '');
    // The lock line of a pod that crashes: a running replica's own retried lock is not why another crashed.
    if (!crashing.has(pod) || out.some((x) => x.pod === pod)) continue;
    const lines = boundedLogLines(o.content);
    const at = lines.findIndex((l) => l.length <= 4000 && LOCKED.test(l));
    if (at < 0) continue;
    // bbolt's bare "panic: timeout" says nothing of a database unless the program said it opened one.
    const opened = lines
      .slice(Math.max(0, at - 20), at)
      .map((l) => OPENS.exec(l)?.[1])
      .filter(Boolean)
      .pop();
    if (/panic: timeout/i.test(lines[at]!) && !opened) continue;
    out.push({ pod, line: lines[at]!.trim(), ...(opened ? { file: opened } : {}) });
    if (out.length >= 6) break;
  }
  return out;
}

/**
 * Several replicas of one workload opening one embedded database file on the volume they share: the
 * library takes a file lock so one process at a time writes the file (bbolt's flock, SQLite's, LevelDB's
 * LOCK file), the first replica holds it, and every other one waits and gives up (bbolt's `panic: timeout`)
 * or is refused (`database is locked`). A program built on such a file runs as one instance; scaling it out
 * on a shared (ReadWriteMany) claim makes the new replicas crash, whatever node they land on. Found from a
 * crashing pod's lock line and its workload's pods (one Running, the others crashing) mounting the same claim.
 */
export const embeddedDbLockAnalyzer: Analyzer = {
  name: 'embedded-db-lock',
  reads(ctx) {
    const l = lockedAll(ctx)[0];
    if (!l || outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === l.pod).length) return [];
    return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: l.pod } }];
  },
  finds(ctx): Finding[] {
    for (const l of lockedAll(ctx)) {
      const f = shared(ctx, l);
      if (f) return [f];
    }
    return [];
  },
};

/** The finding for one crashing pod's lock line, when its workload's replicas share the claim it mounts. */
function shared(ctx: AnalyzerContext, l: Locked): Finding | undefined {
  const owner = ownerName(l.pod);
  const rows = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '').filter(
    (r) => ownerName(r['NAME'] ?? '') === owner,
  );
  const running = rows.filter((r) => r['STATUS'] === 'Running' && /^(\d+)\/\1$/.test(r['READY'] ?? ''));
  const crashing = rows.filter((r) => /CrashLoopBackOff|^Error$/.test(r['STATUS'] ?? ''));
  if (rows.length < 2 || running.length < 1 || crashing.length < 1) return undefined;
  const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === l.pod).pop();
  const claim = d
    ? describedVolumes(d.content).find((v) => v.type === 'PersistentVolumeClaim')?.source
    : undefined;
  if (!claim) return undefined;
  const file = l.file ? ` ${l.file}` : '';
  return {
    weight: 90,
    object: `deployment ${owner}`,
    cause: `${owner} runs ${rows.length} replicas that share one embedded database file${file} on the claim ${claim}, and the database does not support more than one instance on its file: the library locks the file for one process, the replica that opened it first (${running[0]!['NAME']}) holds the lock, and the others wait for it and give up ("${clip(l.line, 120)}"), so ${crashing.length} crash-loop wherever they are scheduled. Scaling to more than one replica (for high availability) is what broke it, not the nodes or the volume's mount`,
    evidence: [
      `logs of ${l.pod}: "${clip(l.line, 120)}"${l.file ? ` after opening ${l.file}` : ''}`,
      `list_pods ${ctx.ns}: ${owner} ${running.length} Running, ${crashing.length} crashing of ${rows.length}`,
      `describe_pod ${l.pod}: volume from claim ${claim}`,
    ],
    advice: `scale ${owner} back to one replica (a single instance; the program's embedded database cannot be shared), or move it to a database server that supports several clients before scaling out`,
    revisionSound: true,
  };
}
