import { parseTable } from '../k8s-text.js';
import { EXHAUSTED_CONNECTIONS } from './connection-limit-scaleout.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapText,
  configMapVolumes,
  described,
  type Finding,
  outputs,
  podDeployment,
  podListOf,
  serviceHost,
  unreadConfigMaps,
} from './types.js';

/** A variable that holds a client's largest pool (`DB_POOL_MAX`, `POOL_SIZE`, `MAX_POOL`), not its floor. */
const POOL_VAR = /POOL_?(?:MAX|SIZE)(?:_?CONN\w{0,8})?$|MAX_?POOL(?:_?SIZE)?$|^(?:DB_)?POOL$/i;
/** A pool size inside a URL or DSN (`maxPoolSize=20`, `pool_size=10`, `connection_limit=5`). */
const POOL_IN_VALUE =
  /\b(?:maxPoolSize|max_pool_size|pool_size|poolSize|connection_limit|pool_max)=(\d{1,5})\b/i;
/**
 * A pooler's pool size in its own configuration, as its log echoes it or its ConfigMap holds it: Odyssey's
 * `pool_size 80`, PgBouncer's `default_pool_size = 20`, PgCat's `pool_size = 80`.
 */
const POOL_SETTING = /\b((?:default_)?pool_size)\b["']?[ \t]{0,20}[=:]?[ \t]{0,20}["']?(\d{1,5})\b/;
/** A Service's in-cluster name in a configuration or a log (`pg-ledger.ledger-db.svc.cluster.local`). */
const SVC_NAME = /\b([a-z][a-z0-9-]{0,62})\.([a-z][a-z0-9-]{0,62})\.svc\b/;
/** A short host setting (`host=pg-ledger`, `host "pg-ledger"`, `host: pg-ledger`): one DNS label. */
const SHORT_HOST = /\bhost["']?\s{0,4}[=:]?\s{0,4}["']?([a-z][a-z0-9-]{0,62})(?![\w.-])/;
/** PostgreSQL's refusal once only the superuser slots are left. */
const SUPERUSER_ONLY = /remaining connection slots are reserved for (?:non-replication )?superuser/i;
/**
 * The slots PostgreSQL keeps for superusers out of max_connections: `superuser_reserved_connections`,
 * 3 unless set (https://www.postgresql.org/docs/current/runtime-config-connection.html).
 */
const RESERVED = /^\s*superuser_reserved_connections\s{0,4}=\s{0,4}(\d{1,4})\b/;
/** A pool that is not a database's: a worker, thread or HTTP pool (`worker pool_size=16`). */
const OTHER_POOL = /\b(?:worker|thread|http|executor|task|goroutine|job|process)s?[ _-]?pool/i;

/** The superuser slots a configuration sets (an uncommented line), else PostgreSQL's default of 3. */
function reservedSlots(texts: readonly string[]): number {
  for (const text of texts)
    for (const line of text.split('\n').slice(0, 5000)) {
      const m = RESERVED.exec(line.slice(0, 2000));
      if (m) return Number(m[1]);
    }
  return 3;
}
/** Variables that name the database's host. */
const HOST_VAR = /HOST|URL|DSN|ADDR|URI/i;
/** A database's connection limit in its configuration file, its arguments or a variable. */
const MAX_CONNECTIONS = /max[_-]connections\b["']?\s{0,4}[=:]?\s{0,4}["']?(\d{1,6})\b/i;

/**
 * The first max_connections setting of a text that is not commented out (`#max_connections = 100` is
 * postgresql.conf's sample line; `;` and `--` comment lines in my.cnf and SQL), with the match as `[0]`.
 */
function activeSetting(text: string): RegExpExecArray | null {
  for (const line of text.split('\n').slice(0, 5000)) {
    if (/^\s*(?:#|;|--)/.test(line)) continue;
    const m = MAX_CONNECTIONS.exec(line.slice(0, 2000));
    if (m) return m;
  }
  return null;
}

interface Client {
  readonly pod: string;
  readonly line: string;
  readonly deployment: string;
}

/** The first pod of the namespace whose log says the database refused it for too many connections. */
function refusedClient({ ns, seen }: AnalyzerContext): Client | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const line = boundedLogLines(o.content).find((l) => EXHAUSTED_CONNECTIONS.test(l));
    const pod = String(o.args['name'] ?? '');
    const deployment = podDeployment(pod);
    if (line && deployment) return { pod, line, deployment };
  }
  return undefined;
}

/** The Deployment's description (`describe_deployment`, else `describe_resource`), if read. */
function deploymentText(ctx: AnalyzerContext, name: string): string | undefined {
  return (
    outputs(
      ctx.seen,
      'describe_deployment',
      (o) => o.args['namespace'] === ctx.ns && o.args['name'] === name,
    ).pop()?.content ?? described(ctx.seen, 'Deployment', name)
  );
}

/** The client's variables: its Deployment's description, else its pod's. */
function clientEnv(ctx: AnalyzerContext, c: Client) {
  const text =
    deploymentText(ctx, c.deployment) ??
    outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === c.pod).pop()?.content;
  return text === undefined ? undefined : envOf(text);
}

/** The Service a host value names (`db.docs.svc`, `mysql://u@db:3306/x`, `db`), in the client's namespace by default. */
function hostService(value: string, ns: string): { service: string; namespace: string } | undefined {
  const host = value
    .trim()
    .replace(/^[a-z][a-z0-9+.-]{0,20}:\/\//i, '')
    .replace(/^[^@/]{0,200}@/, '')
    .split(/[:/?]/)[0]!
    .toLowerCase();
  return (
    serviceHost(host, true) ??
    (/^[a-z0-9][a-z0-9-]{0,62}$/.test(host) ? { service: host, namespace: ns } : undefined)
  );
}

/**
 * The client's own configuration as text, line by line, with where each line was read: its log (a pooler
 * echoes its settings when it starts) and the ConfigMaps its pod mounts. Commented lines are left out.
 */
function clientConfig(ctx: AnalyzerContext, c: Client): { where: string; line: string }[] {
  const out: { where: string; line: string }[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === c.pod))
    for (const line of boundedLogLines(o.content)) out.push({ where: `the log of ${c.pod}`, line });
  const desc =
    outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === c.pod).pop()?.content ??
    deploymentText(ctx, c.deployment);
  for (const map of desc ? configMapVolumes(desc).slice(0, 3) : []) {
    const text = configMapText(ctx.seen, map, ctx.ns) ?? '';
    for (const line of text.split('\n').slice(0, 5000))
      if (!/^\s*(?:#|;|--)/.test(line)) out.push({ where: `ConfigMap ${map}`, line: line.slice(0, 2000) });
  }
  return out;
}

/** The pool size a client's own configuration sets (`pool_size 80`), with where it was read. */
function configuredPool(
  lines: readonly { where: string; line: string }[],
): { size: number; where: string; variable: string; option?: string } | undefined {
  for (const l of lines) {
    const m = POOL_SETTING.exec(l.line);
    if (m && Number(m[2]) > 0 && !OTHER_POOL.test(l.line))
      return { size: Number(m[2]), where: `${m[1]} ${m[2]} in ${l.where}`, variable: m[1]! };
  }
  return undefined;
}

/** The database pod behind the Service a client's own configuration names (`host "pg.db.svc…"`). */
function configuredDatabase(ctx: AnalyzerContext, lines: readonly { where: string; line: string }[]) {
  for (const l of lines) {
    const m = SVC_NAME.exec(l.line);
    // A short host in the pooler's own namespace (PgBouncer's `ledger = host=pg-ledger port=5432`).
    const short = m ? undefined : SHORT_HOST.exec(l.line)?.[1];
    if (!m && !short) continue;
    const svc = m ? { service: m[1]!, namespace: m[2]! } : { service: short!, namespace: ctx.ns };
    const listed = podListOf(ctx.seen, svc.namespace);
    if (!listed) return { svc, variable: l.where };
    const pod = parseTable(listed.content)
      .map((r) => r['NAME'] ?? '')
      .find((n) => n === svc.service || n.startsWith(`${svc.service}-`));
    if (pod) return { svc, variable: l.where, pod };
  }
  return undefined;
}

/** The database pod behind the client's host variable, from its namespace's pod list. */
function databasePod(ctx: AnalyzerContext, env: readonly { name: string; value: string }[]) {
  for (const v of env.filter((e) => HOST_VAR.test(e.name))) {
    const svc = hostService(v.value, ctx.ns);
    if (!svc) continue;
    const listed = podListOf(ctx.seen, svc.namespace);
    if (!listed) return { svc, variable: v.name };
    const pod = parseTable(listed.content)
      .map((r) => r['NAME'] ?? '')
      .find((n) => n === svc.service || n.startsWith(`${svc.service}-`));
    if (pod) return { svc, variable: v.name, pod };
  }
  return undefined;
}

/** The client's pool size: the variable that holds it, and the option inside it when it is a URL. */
function poolOf(
  env: readonly { name: string; value: string }[],
): { size: number; where: string; variable: string; option?: string } | undefined {
  for (const v of env) {
    if (POOL_VAR.test(v.name) && !/MIN/i.test(v.name) && /^\d{1,5}$/.test(v.value))
      return { size: Number(v.value), where: `${v.name}=${v.value}`, variable: v.name };
    const m = POOL_IN_VALUE.exec(v.value);
    if (m)
      return {
        size: Number(m[1]),
        where: `${v.name} (${m[0]})`,
        variable: v.name,
        option: m[0].split('=')[0]!,
      };
  }
  return undefined;
}

/** The Deployment's desired replicas from its description (`Replicas: 3 desired | …`). */
function desiredReplicas(text: string | undefined): number | undefined {
  const m = text ? /^Replicas:\s+(\d{1,5}) desired/m.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * A database connection limit below what the client's replicas may open: each replica keeps its own
 * pool, so replicas × pool size connections can be held at once, and a database whose max_connections
 * is lower (MySQL's `Too many connections`, ER_CON_COUNT_ERROR 1040; PostgreSQL's `too many clients`)
 * refuses the connections above it, so a share of the requests fail while the rest are served. Found
 * from the client's log, its Deployment's replicas and pool variable, and the database's limit as its
 * pod sets it (its arguments, variables, or a ConfigMap it mounts as its configuration); the numbers
 * decide, not the client's version.
 */
export const poolsOverMaxConnectionsAnalyzer: Analyzer = {
  name: 'pools-over-max-connections',
  // The database's limit follows from the refused client's log at once: read before the rollout is blamed.
  first: true,
  reads(ctx) {
    const c = refusedClient(ctx);
    if (!c) return [];
    const env = clientEnv(ctx, c);
    if (!env) return [{ tool: 'describe_deployment', args: { namespace: ctx.ns, name: c.deployment } }];
    const config = clientConfig(ctx, c);
    if (!poolOf(env) && !configuredPool(config)) {
      // A pooler (its log speaks of its pool) whose settings are in a ConfigMap: that file, then.
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === c.pod).pop()?.content ?? '';
      const desc = deploymentText(ctx, c.deployment) ?? '';
      return /\bpool/i.test(log.slice(-100_000))
        ? unreadConfigMaps(ctx.seen, ctx.ns, configMapVolumes(desc), 2)
        : [];
    }
    const db = databasePod(ctx, env) ?? configuredDatabase(ctx, config);
    if (!db) return [];
    if (!db.pod) return [{ tool: 'list_pods', args: { namespace: db.svc.namespace } }];
    const desc = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === db.pod).pop()?.content;
    if (!desc) return [{ tool: 'describe_pod', args: { namespace: db.svc.namespace, name: db.pod } }];
    if (activeSetting(desc)) return [];
    return unreadConfigMaps(ctx.seen, db.svc.namespace, configMapVolumes(desc), 2);
  },
  finds(ctx) {
    const c = refusedClient(ctx);
    if (!c) return [];
    const env = clientEnv(ctx, c);
    const config = env ? clientConfig(ctx, c) : [];
    const pool = env ? (poolOf(env) ?? configuredPool(config)) : undefined;
    const db = env ? (databasePod(ctx, env) ?? configuredDatabase(ctx, config)) : undefined;
    if (!pool || !db?.pod) return [];
    const desc = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === db.pod).pop()?.content;
    if (!desc) return [];
    const sources = [
      { where: `describe_pod ${db.pod}`, text: desc },
      ...configMapVolumes(desc).map((n) => ({
        where: `ConfigMap ${n}`,
        text: configMapText(ctx.seen, n, db.svc.namespace) ?? '',
      })),
    ];
    const set = sources.map((s) => ({ ...s, m: activeSetting(s.text) })).find((s) => s.m !== null);
    if (!set?.m) return [];
    const limit = Number(set.m[1]);
    const deployText = deploymentText(ctx, c.deployment);
    const listed = podListOf(ctx.seen, ctx.ns);
    const replicas =
      desiredReplicas(deployText) ??
      (parseTable(listed?.content ?? '').filter((r) => podDeployment(r['NAME'] ?? '') === c.deployment)
        .length ||
        1);
    const total = replicas * pool.size;
    // PostgreSQL refusing all but its superuser slots: those slots are not the clients' to fill.
    const reserved = SUPERUSER_ONLY.test(c.line) ? reservedSlots(sources.map((x) => x.text)) : 0;
    const open = limit - reserved;
    // Pools that exactly fill max_connections fit it (MySQL's limit is the clients'); with PostgreSQL's
    // superuser slots refused, pools filling every client slot are the cause.
    if (total < open || (total === open && reserved === 0)) {
      // The pools fit on their own, but fill most of what clients may open: once they are full the
      // database is out of slots for everyone else, which is what it refused.
      return total * 2 >= open && total < open
        ? [sharedFinding(c, db.pod, set.where, limit, reserved, pool, replicas, total)]
        : [];
    }
    // The scale-up that brought the replicas to their count, when the events show it.
    const scaled = [
      deployText ?? '',
      ...outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === ctx.ns).map((o) => o.content),
    ]
      .join('\n')
      .split('\n')
      .map((l) => /Scaled up replica set (\S{1,253}) to (\d{1,5}) from (\d{1,5})/.exec(l))
      .find((m) => m !== null && m[1]!.startsWith(`${c.deployment}-`) && Number(m[2]) === replicas);
    const perReplica = Math.floor(open / replicas);
    // The pool's own setting, as the advice names it: the variable, or the option inside a URL.
    const poolName = pool.option ? `${pool.option} in ${pool.variable}` : pool.variable;
    const lower =
      perReplica >= 2
        ? `or lower ${poolName} to ${perReplica - 1} so ${replicas} replicas stay below ${open}`
        : `the ${replicas} replicas alone ${replicas >= limit ? 'reach' : 'come close to'} the limit even with one connection each, so lowering ${poolName} cannot fit them`;
    const slots = reserved
      ? `, ${reserved} of them reserved for superusers (superuser_reserved_connections), so ${open} for clients`
      : '';
    const cause = `the database ${db.pod} allows max_connections = ${limit} (${set.where})${slots}, but ${c.deployment}'s ${replicas} replicas each keep a connection pool of up to ${pool.size} (${pool.where}): ${replicas} × ${pool.size} = ${total} connections, ${total > open ? 'more than' : 'as many as'} the ${open} the database accepts${reserved ? ' from clients' : ''}${scaled ? `, since ${c.deployment} was scaled up from ${scaled[3]} to ${scaled[2]} replicas ("${clip(scaled[0], 120)}")` : ''}. Once the pools hold ${open}, every further connection is refused ("${clip(c.line.trim(), 140)}"), so some requests fail while the rest are served; the client's version is not at fault, the limit is below what its pools open`;
    const out: Finding = {
      weight: 94,
      object: `deployment ${c.deployment}`,
      cause,
      evidence: [
        `get_pod_logs ${c.pod}: "${clip(c.line.trim(), 160)}"`,
        `${set.where.startsWith('ConfigMap') ? 'get_resource ' : ''}${set.where}: "${clip(set.m[0], 80)}"`,
        `describe_deployment ${c.deployment}: ${replicas} replicas, ${pool.where}`,
      ],
      advice: `raise the database's max_connections to at least ${total} plus headroom for other clients and administration (in ${set.where}), ${lower}; scaling ${c.deployment} back in also fits the limit`,
      revisionSound: true,
    };
    return [out];
  },
};

/**
 * The finding for pools that fit max_connections alone but take most of it: full, they leave the other
 * clients fewer slots than they hold, and the database refuses the rest (the refusal the client logged).
 */
function sharedFinding(
  c: Client,
  dbPod: string,
  where: string,
  limit: number,
  reserved: number,
  pool: { size: number; where: string; variable: string; option?: string },
  replicas: number,
  total: number,
): Finding {
  const open = limit - reserved;
  const poolName = pool.option ? `${pool.option} in ${pool.variable}` : pool.variable;
  const pools = replicas > 1 ? `${replicas} replicas × ${pool.size} = ${total}` : `${total}`;
  return {
    weight: 94,
    object: `deployment ${c.deployment}`,
    cause: `the database ${dbPod} allows max_connections = ${limit} (${where})${reserved ? `, ${reserved} of them reserved for superusers (superuser_reserved_connections), so ${open} for other clients` : ''}, and ${c.deployment}'s pool (${pool.where}) holds up to ${pools} of them when full, leaving ${open - total} for every other client of the database. When the pool fills (a burst of work through it) the database runs out of connection slots, so it refuses connections ("${clip(c.line.trim(), 160)}") and the work waiting on them fails; the pool size no longer fits in max_connections beside the other clients, and the client's version is not at fault`,
    evidence: [
      `get_pod_logs ${c.pod}: "${clip(c.line.trim(), 160)}"`,
      `${where.startsWith('ConfigMap') ? 'get_resource ' : ''}${where}: max_connections = ${limit}${reserved ? `, superuser_reserved_connections ${reserved}` : ''}`,
      `${c.deployment}: ${pool.where}${replicas > 1 ? `, ${replicas} replicas` : ''}`,
    ],
    advice: `lower ${poolName} so that it and the other clients' pools fit in the ${open} connections the database gives clients, or raise max_connections (in ${where}) with headroom for the other clients`,
    revisionSound: true,
  };
}
