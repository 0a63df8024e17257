import { described, latestRolloutChanges } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  type Read,
  searchedLines,
} from './types.js';

/** A variable that holds a database setting: its name (`…DATABASE_URL`, `DB_HOST`, `JDBC_URL`, `DATASOURCE_…`). */
const DB_NAME = /(?:^|_)(?:DATABASE|DB|JDBC|DATASOURCE|POSTGRES(?:QL)?|PG|MYSQL|MARIADB)(?:_|$)/i;
/** A variable named for where the database is (`…_URL`, `…_HOST`, `…_DSN`, `…_ADDR`, `…_SERVER`). */
const ADDRESS_NAME = /(?:URL|URI|HOST|DSN|ADDR|ADDRESS|SERVER|ENDPOINT)(?:_|$)/i;
/** A value that is a database's address (`jdbc:postgresql://…`, `postgres://…`, `mysql://…`). */
const DB_URL =
  /^(?:jdbc:[a-z0-9]{2,20}:|(?:postgres(?:ql)?|mysql|mariadb|sqlserver|mongodb(?:\+srv)?):\/\/)/i;
/** The host of a database address. */
const URL_HOST = /\/\/(?:[^@/\s]{0,200}@)?([a-z0-9][a-z0-9.-]{0,252})/i;
/** What the search of the log looks for: the program saying it fell back to a database of its own. */
const SEARCH = {
  pattern: 'bundled|embedded|built-in|falling back|fall back',
  context: 0,
  maxMatches: 5,
} as const;
/** A line saying the program uses a database of its own: bundled, embedded, built-in, in-memory. */
const OWN_DB =
  /\b(?:bundled|embedded|built-in|in-memory|local)\b[^\n]{0,60}?\b(?:database|db|derby|h2|sqlite|hsqldb)\b|\b(?:derby|h2|sqlite|hsqldb)\b[^\n]{0,40}?\b(?:embedded|in-memory|database)\b/i;
/** A connection pool of one: `maxActive=1`, `max=1`, `maximumPoolSize=1`, `pool size 1`. */
const POOL_OF_ONE =
  /\b(?:max(?:Active|imumPoolSize|PoolSize|_?connections)?|pool size)\s?[=:]?\s?1\b(?![.\d])/i;
/** A request waiting for a database connection. */
const WAITING = /\bwait(?:ing|ed)? for (?:a )?(?:database |db |jdbc )?connection\b|\bconnection wait\b/i;

interface Dropped {
  readonly deployment: string;
  /** The ReplicaSet of the current revision: its pods are `<set>-<x>`. */
  readonly replicaSet: string;
  readonly revision: number;
  readonly variable: string;
  readonly value: string;
  readonly others: number;
}

/** The database settings the latest rollout removed (set before, unset after), the address first. */
function droppedSettings(ctx: AnalyzerContext): Dropped | undefined {
  const changes = latestRolloutChanges(ctx);
  if (!changes) return undefined;
  const removed = changes.list.filter(
    (c) => c.env !== undefined && c.before !== undefined && c.after === undefined && DB_NAME.test(c.env),
  );
  // Only the database's address going counts (a URL, a host), not a tuning setting (`DB_POOL_MAX`).
  const address =
    removed.find((c) => DB_URL.test(c.before ?? '')) ?? removed.find((c) => ADDRESS_NAME.test(c.env ?? ''));
  if (!address) return undefined;
  // The new revision still names a database (another variable holds an address): nothing fell back.
  const now = described(ctx, changes.sets.current)?.content ?? '';
  for (const m of now.slice(0, 200_000).matchAll(/\benv\[\d{1,3}\]\.(name|value): ([^\n]{1,500})/g))
    if (m[1] === 'value' ? DB_URL.test(m[2]!) : DB_NAME.test(m[2]!) && ADDRESS_NAME.test(m[2]!))
      return undefined;
  return {
    deployment: changes.deployment,
    replicaSet: changes.sets.current,
    revision: changes.rev.n,
    variable: address.env!,
    value: address.before!,
    others: removed.length - 1,
  };
}

/** The latest current log of a pod of the current ReplicaSet (`<set>-<x>`) in the namespace. */
function deploymentLog(ctx: AnalyzerContext, replicaSet: string) {
  const ofSet = (name: string) =>
    name.startsWith(`${replicaSet}-`) && /^[a-z0-9]{1,10}$/.test(name.slice(replicaSet.length + 1));
  return outputs(
    ctx.seen,
    'get_pod_logs',
    (o) =>
      !o.args['previous'] &&
      String(o.args['namespace'] ?? ctx.ns) === ctx.ns &&
      ofSet(String(o.args['name'] ?? '')),
  ).pop();
}

/**
 * A rollout that dropped the program's database settings. When a new revision no longer sets the
 * variables that pointed the program at its database (a chart's values restructured, a key renamed),
 * many programs do not fail: they fall back to a database of their own (an embedded Derby or H2, a
 * bundled SQLite), which starts empty and often serves one connection at a time, so parallel requests
 * wait for that one connection, time out and answer 503, while the real database stands unused. Found
 * from the latest rollout's template changes (the previous and current ReplicaSets read): a variable
 * named for a database (`…DATABASE_URL`, `DB_HOST`, `JDBC…`) set before and unset now, with the pod's
 * log (or a search of it) saying it uses a bundled or embedded database, or a pool of one connection
 * with requests waiting for it. Reads: a search of the pod's log for the fallback's words. The fix is to
 * set the settings again in the new revision's layout; a rollback would also bring them back.
 */
export const databaseSettingsDroppedAnalyzer: Analyzer = {
  name: 'database-settings-dropped',
  reads(ctx): Read[] {
    const d = droppedSettings(ctx);
    if (!d) return [];
    const log = deploymentLog(ctx, d.replicaSet);
    if (!log) return [];
    const searched = outputs(
      ctx.seen,
      'search_pod_logs',
      (o) => o.args['name'] === log.args['name'] && o.args['pattern'] === SEARCH.pattern,
    );
    if (searched.length > 0) return [];
    return [
      {
        tool: 'search_pod_logs',
        args: {
          namespace: log.args['namespace'] ?? ctx.ns,
          name: log.args['name'],
          ...(log.args['container'] ? { container: log.args['container'] } : {}),
          ...SEARCH,
        },
      },
    ];
  },
  finds(ctx): Finding[] {
    const d = droppedSettings(ctx);
    if (!d) return [];
    const log = deploymentLog(ctx, d.replicaSet);
    if (!log) return [];
    const pod = String(log.args['name']);
    const lines = [
      ...searchedLines(ctx.seen, (o) => o.args['name'] === pod && o.args['pattern'] === SEARCH.pattern),
      ...log.content.slice(-200_000).split('\n'),
    ].filter((l) => l.length <= 4000);
    const own = lines.find((l) => OWN_DB.test(l))?.trim();
    const one = lines.find((l) => POOL_OF_ONE.test(l) && /\b(?:pool|connection|active)\b/i.test(l))?.trim();
    const waiting = lines
      .filter((l) => WAITING.test(l))
      .pop()
      ?.trim();
    if (!own && !(one && waiting)) return [];
    const host = URL_HOST.exec(d.value)?.[1];
    const others = d.others > 0 ? ` and ${d.others} more database setting${d.others === 1 ? '' : 's'}` : '';
    const were = d.others > 0 ? 'were set before and are unset now' : 'was set before and is unset now';
    return [
      {
        weight: 90,
        object: `deployment ${d.deployment}`,
        cause: `revision ${d.revision} of deployment ${d.deployment} no longer sets its database: ${d.variable} ("${clip(d.value, 120)}")${others} ${were}, so the program fell back to a database of its own${own ? ` ("${clip(own, 200)}")` : ''}${one ? `, whose pool holds only one connection ("${clip(one, 160)}")` : ''}${waiting ? `; requests queue for that connection and time out ("${clip(waiting, 200)}")` : ''}, while ${host ? `the database at ${host}` : 'the real database'} stands unused. The rollout's settings, not the load or the new version, are the cause`,
        evidence: [
          `the latest rollout of ${d.deployment}: env ${d.variable} "${clip(d.value, 120)}" -> unset`,
          ...(own ? [`${pod}: "${clip(own, 200)}"`] : []),
          ...(waiting ? [`${pod}: "${clip(waiting, 200)}"`] : []),
        ],
        advice: `set ${d.variable}${others ? ' and the other database settings' : ''} again in the new revision's layout (a chart's restructured values: the key they moved to), so that the program uses ${host ?? 'its database'} again; a rollback would bring them back too, and any data written to the fallback database since must be carried over`,
      },
    ];
  },
};
