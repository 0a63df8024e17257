import { parseTable } from '../k8s-text.js';
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

/** A client's side of a Postgres lock queue: statements cancelled by their timeout, or waiting for a lock. */
const WAITING =
  /canceling statement due to (?:statement|lock) timeout|still waiting for \w{0,30}Lock|could not obtain lock/i;
/** PostgreSQL's log_lock_waits DETAIL line: the backend that holds the lock others wait for. */
const HOLDER = /Process holding the lock: (\d{1,9})/;
/** A Postgres pod by its name: a `postgres`, `pg` or `*-db` workload. */
const PG_POD = /(?:^|-)(?:postgres(?:ql)?|pg|pgsql|db)(?:-|$)/;

/** The namespaces where the database may run: the asked one and those the task names. */
function candidates({ task, ns, seen }: AnalyzerContext): string[] {
  const text = task.slice(0, 4000).toLowerCase();
  const named = namespaceNames(seen).filter(
    (n) => n !== ns && new RegExp(`(?<![\\w-])${n.replace(/[^a-z0-9-]/g, '')}(?![\\w-])`).test(text),
  );
  return [ns, ...named].slice(0, 3);
}

/** The lock-holder's pid from a Postgres server log the run read, and the pod and namespace it came from. */
function holder(ctx: AnalyzerContext) {
  for (const n of candidates(ctx)) {
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === n)) {
      const lines = log.content.slice(-200_000).split('\n');
      const detail = lines.find((l) => l.length <= 2000 && HOLDER.test(l));
      if (!detail) continue;
      const at = lines.indexOf(detail);
      const statement = lines.slice(Math.max(0, at - 2), at + 3).find((l) => /STATEMENT:\s/.test(l));
      return { pid: HOLDER.exec(detail)![1]!, detail, statement, pod: String(log.args['name'] ?? ''), ns: n };
    }
  }
  return undefined;
}

/**
 * A session that holds a table lock and does nothing, with everyone else queued behind it: PostgreSQL
 * grants locks in order, so an ALTER TABLE waiting for its AccessExclusiveLock behind a session that
 * sits "idle in transaction" (a transaction opened and never committed) makes every later reader of
 * that table wait behind the ALTER (PostgreSQL's "Explicit Locking": conflicting lock requests queue).
 * Found from the clients' statement timeouts, the server's log_lock_waits lines (the holding process)
 * and a session listing that names that process's application; the fix ends that application's
 * session (an approved restart of it) so the transaction rolls back and the queue drains.
 */
export const pgLockHolderAnalyzer: Analyzer = {
  name: 'pg-lock-holder',
  first: true,
  reads(ctx): Read[] {
    const { seen, ns } = ctx;
    const waiting = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some((o) =>
      WAITING.test(o.content.slice(-100_000)),
    );
    if (!waiting) return [];
    const found = holder(ctx);
    if (!found) {
      const reads: Read[] = [];
      for (const n of candidates(ctx)) {
        const listed = podsOf(seen, n);
        if ('read' in listed) {
          reads.push(listed.read);
          continue;
        }
        const pod = listed.rows.find((r) => PG_POD.test(r['NAME'] ?? '') && r['STATUS'] === 'Running')?.[
          'NAME'
        ];
        if (pod) reads.push({ tool: 'get_pod_logs', args: { namespace: n, name: pod } });
      }
      return reads;
    }
    // The server's other containers (a session exporter, pg_activity) may list who holds the lock:
    // named by the log read's own "Defaulted container … out of: …" line (kubectl's), else the pod's description.
    const log = outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['name'] === found.pod && !o.args['container'],
    ).pop();
    const listed = /^Defaulted container "([\w.-]{1,63})" out of: ([\w., -]{1,400})/m.exec(
      log?.content ?? '',
    );
    const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === found.pod).pop();
    const others = listed
      ? listed[2]!
          .split(/,\s*/)
          .map((n) => n.trim())
          .filter((n) => n && n !== listed[1])
      : d
        ? containerSections(d.content)
            .filter((c) => !c.init)
            .slice(1)
            .map((c) => c.name)
        : undefined;
    if (!others) return [{ tool: 'describe_pod', args: { namespace: found.ns, name: found.pod } }];
    return others.slice(0, 2).map((container) => ({
      tool: 'get_pod_logs',
      args: { namespace: found.ns, name: found.pod, container },
    }));
  },
  finds(ctx) {
    const found = holder(ctx);
    if (!found) return [];
    const pidRe = new RegExp(`\\bpid[= :](${found.pid})\\b`);
    const session = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === found.pod)
      .flatMap((o) => o.content.slice(-200_000).split('\n'))
      .find((l) => l.length <= 2000 && pidRe.test(l));
    const app = session
      ? /\b(?:app|application_name)=['"]?([a-z0-9][a-z0-9-]{0,62})/.exec(session)?.[1]
      : undefined;
    const idle = session ? /idle in transaction/i.test(session) : false;
    const deployments = outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns)
      .flatMap((o) => parseTable(o.content))
      .map((r) => r['NAME'] ?? '');
    const fixable = app !== undefined && deployments.includes(app);
    const out: Finding = {
      weight: 93,
      object: app ? `${app} (the session holding the lock)` : `postgres pod ${found.pod} in ${found.ns}`,
      cause: `the queries time out because they wait in a lock queue, not because the database is overloaded: PostgreSQL process ${found.pid} holds a lock the others need ("${clip(found.detail.trim(), 140)}")${found.statement ? `, and the first in the queue is "${clip(found.statement.replace(/^.*STATEMENT:\s+/, '').trim(), 100)}"` : ''}; locks are granted in order, so an ALTER TABLE waiting for its exclusive lock makes every later reader of the table wait behind it.${session ? ` Process ${found.pid} is ${app ? `${app}'s session` : 'a session'}${idle ? ' sitting idle in transaction (a transaction it opened and never committed)' : ''}: "${clip(session.trim(), 160)}".` : ''}`,
      evidence: [
        `get_pod_logs ${found.pod} (namespace ${found.ns}): "${clip(found.detail.trim(), 150)}"`,
        ...(session ? [`get_pod_logs ${found.pod}: "${clip(session.trim(), 150)}"`] : []),
      ],
      advice: `end the session that holds the lock (${app ? `restart ${app}, or ` : ''}pg_terminate_backend(${found.pid})), so its transaction rolls back and the queue drains; then find why it left a transaction open (a call without a timeout inside a transaction), and give migrations a lock_timeout`,
      revisionSound: true,
      ...(fixable
        ? {
            fix: {
              tool: 'restart_deployment',
              args: { namespace: ctx.ns, name: app },
              text: `restart deployment ${app}, so its idle transaction ends and the lock it holds is released`,
            },
          }
        : {}),
    };
    return [out];
  },
};
