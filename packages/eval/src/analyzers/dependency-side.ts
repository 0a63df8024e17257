import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { errorLines, recurringWarnings, warningLines } from './app-errors.js';
import { envOf } from './env-values.js';
import { LIMIT_REACHED } from './failure-settings.js';
import { glossOf } from './log-glosses.js';
import { perSeen } from './memo.js';
import { FAILURE_PATTERN } from './quiet-tail-search.js';
import { RECENT } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  cutNoticeAt,
  endpointAddresses,
  lineStamp,
  namespaceNames,
  namespacesListed,
  outputs,
  ownerName,
  podListOf,
  programLines,
  type Read,
  searchedLines,
  serviceHost,
} from './types.js';

/** Words that name a server program or its protocol, in a client's failure line or a host name. */
const SERVER_WORDS =
  /cassandra|scylla|mysql|mariadb|postgres|pgbouncer|redis|valkey|kafka|rabbitmq|amqp|mongo|elasticsearch|opensearch|minio|memcache|zookeeper|etcd|clickhouse|nats|jdbc|sql|broker|database/i;
/**
 * Widely used servers: the words of a client's failure line that name one (its own name, its driver's
 * or its well-known errors' words) and how its pods are usually named (chart defaults, operators').
 */
const PRODUCTS: readonly { said: RegExp; pod: RegExp }[] = [
  { said: /cassandra|datastax|scylla/i, pod: /cassandra|scylla/ },
  { said: /mysql|mariadb|innodb|lock wait timeout|deadlock found/i, pod: /mysql|mariadb|percona/ },
  {
    said: /postgres|psql|psycopg|pgbouncer|sqlstate|canceling statement/i,
    pod: /postgres|^pg-|-pg-|-db-\d|pgbouncer|cnpg/,
  },
  { said: /redis|valkey/i, pod: /redis|valkey/ },
  { said: /kafka/i, pod: /kafka/ },
  { said: /rabbitmq|amqp/i, pod: /rabbit/ },
  { said: /mongo/i, pod: /mongo/ },
  { said: /elasticsearch|opensearch/i, pod: /elastic|^es-|opensearch/ },
  { said: /minio/i, pod: /minio/ },
  { said: /memcache/i, pod: /memcache/ },
  { said: /zookeeper/i, pod: /zookeeper|^zk-/ },
  { said: /clickhouse/i, pod: /clickhouse/ },
];

/** Namespaces named for data stores, where a team's databases and brokers usually run. */
const DATA_NS =
  /^(?:db|dbs|data|database|databases|datastores?|storage|messaging|queues?|brokers?|cache|caches)$/;

/** Environment variable names that hold an address (a host, a URL, a DSN, a broker list). */
const ADDRESS_VAR = /HOST|URL|URI|ADDR|ENDPOINT|DSN|BROKER|BOOTSTRAP|SERVER|SERVICE|UPSTREAM/i;
/** `scheme://[user@]host` in a URL or a DSN (`jdbc:mysql://mysql.db.svc:3306/x`). */
const URL_HOST = /[a-z][a-z0-9+.-]{0,20}:\/\/(?:[^\s@/]{1,200}@)?([a-z0-9][a-z0-9.-]{0,252})/gi;
/**
 * `host:port`; not a key or id with a colon (`sess:77d0e3b2`, whose digits run on into letters, or a
 * value written as `key=cart:48213`).
 */
const HOST_PORT = /(?<![\w.-])(?<!\b(?:key|id|sid|sku|order)=)([a-z][a-z0-9.-]{0,252}):\d{2,5}(?![\w])/gi;
/** A Service's cluster DNS name, `<service>.<namespace>.svc[…]`, anywhere in a line. */
export const SVC_NAME =
  /(?<![\w.-])([a-z0-9][a-z0-9-]{0,62}\.[a-z0-9][a-z0-9-]{0,62}\.svc(?:\.[a-z0-9.-]{0,100})?)/gi;
/** Words too common in log lines to link two lines. */
const COMMON = new Set(
  'error errors warn warning info debug fatal failed failure after with from that this have been into when while than then http https request requests response true false null none were will would could should what which their there about other only just also some more less your client server connection caused exception'.split(
    ' ',
  ),
);
/** How long before the client's first failure a server line counts as near it (ms). */
const NEAR_MS = 15 * 60_000;
/** At most this many lines of the other side's log are quoted. */
const MAX_QUOTED = 3;

/** The hosts a text names (URLs, `host:port`, Service DNS names), lowercased, first seen first. */
function hostsIn(text: string): string[] {
  const t = text.slice(0, 20_000);
  const out = new Set<string>();
  for (const re of [URL_HOST, SVC_NAME, HOST_PORT])
    for (const m of t.matchAll(re)) out.add(m[1]!.toLowerCase().replace(/\.$/, ''));
  return [...out];
}

/** Significant words of a line: four letters or more, lowercased, the common ones aside. */
export function wordsOf(line: string): Set<string> {
  return new Set((line.toLowerCase().match(/[a-z]{4,40}/g) ?? []).filter((w) => !COMMON.has(w)));
}

export interface Target {
  readonly client: string;
  readonly clientNs: string;
  readonly failures: readonly string[];
  readonly service: string;
  readonly namespace: string;
  /** Where the address came from: a failure line or the variable that holds it. */
  readonly via: string;
}

/**
 * The Service a failing client calls: from the hosts its failure lines name, else from the
 * address-holding variables of its described environment, the one a server word points at first.
 * Only Services of a namespace the run has seen count (or the client's own), and of those the first
 * that has a Running pod named for it, or whose namespace's pods are not listed yet.
 */
export function calledService(ctx: AnalyzerContext): Target | undefined {
  // Asked by several analyzers at each decision: worked out once per decision (frozen, shared).
  return perSeen(ctx.seen, ['calledService', ctx.ns, ctx.task], () => {
    const t = calledServiceOf(ctx);
    return t ? Object.freeze(t) : undefined;
  });
}

function calledServiceOf(ctx: AnalyzerContext): Target | undefined {
  const { seen, ns } = ctx;
  const known = new Set([ns, ...namespaceNames(seen)]);
  const resolve = (host: string): { service: string; namespace: string } | undefined => {
    if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return undefined;
    if (!host.includes('.')) return { service: host, namespace: ns };
    const s = serviceHost(host, true);
    return s && known.has(s.namespace) ? s : undefined;
  };
  for (const { client, failures } of failingClients(ctx)) {
    const own = ownerName(client);
    const serverSaid = failures.some((l) => SERVER_WORDS.test(l));
    const scored: { t: Target; score: number }[] = [];
    const consider = (host: string, via: string, base: number) => {
      const s = resolve(host);
      if (!s || s.service === own || (s.namespace === ns && client.startsWith(`${s.service}-`))) return;
      const score = base + (SERVER_WORDS.test(host) || (serverSaid && SERVER_WORDS.test(via)) ? 2 : 0);
      scored.push({ t: { client, clientNs: ns, failures, ...s, via }, score });
    };
    for (const h of hostsIn(failures.join('\n'))) consider(h, 'named in its failure lines', 3);
    const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === client).pop();
    for (const c of containerSections(described?.content ?? '')) {
      for (const v of envOf(c.body)) {
        if (!ADDRESS_VAR.test(v.name)) continue;
        for (const h of hostsIn(v.value)) consider(h, `its ${v.name}`, 1);
      }
      // Its command line's addresses (`--base-url=http://web.stats.svc`), as a CLI client names its server.
      for (const line of c.body.slice(0, 20_000).split('\n')) {
        const m = /^\s{2,8}(?:Command|Args):\s{1,20}(.{1,2000})$/.exec(line);
        if (m) for (const h of hostsIn(m[1]!)) consider(h, 'its command line', 1);
      }
    }
    // The server its log says it opened at start (`Opening db … server <couchbases://cb.couchbase.svc>`),
    // when its configuration lives in a file: the URL of a data store's scheme, not a web address.
    for (const line of startLines(seen, client)) {
      for (const m of line.matchAll(URL_HOST)) {
        if (/^(?:https?|wss?|file|s3|gs):/i.test(m[0])) continue;
        consider(m[1]!.toLowerCase().replace(/\.$/, ''), 'the server its log says it opened', 0);
      }
    }
    scored.sort((a, b) => b.score - a.score);
    // A host with no pod behind it in a namespace whose pods were listed (a topic URI's
    // `persistent://tenant/…` read as the host `tenant`) is passed over for the next one.
    const live = scored.find((s) => serverPods(seen, s.t)?.length !== 0) ?? scored[0];
    if (live) return live.t;
    const product = PRODUCTS.find((p) => failures.some((l) => p.said.test(l)));
    const server = product ? productPod(ctx, product.pod, own) : undefined;
    if (server)
      return {
        client,
        clientNs: ns,
        failures,
        service: ownerName(server.name).replace(/-\d{1,3}$/, ''),
        namespace: server.namespace,
        via: 'the server its failure lines name',
      };
  }
  return undefined;
}

/** How many lines at the top of a client's log are read for the server it opened. */
const START_LINES = 50;

/** The first lines of the latest current log of `client` the run read, of at most 2,000 characters each. */
function startLines(seen: readonly SeenObservation[], client: string): string[] {
  const log = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === client && !o.args['previous']).pop();
  if (!log) return [];
  return log.content
    .slice(0, 100_000)
    .split('\n')
    .slice(0, START_LINES)
    .filter((l) => l.length <= 2_000);
}

/**
 * The failure lines, per pod, of the namespace's Running pods whose logs were read, and of its
 * crash-looping pods whose previous instance's logs were read.
 */
function failingClients(
  ctx: AnalyzerContext,
): readonly Readonly<{ client: string; failures: readonly string[] }>[] {
  return perSeen(ctx.seen, ['failingClients', ctx.ns], () => Object.freeze(failingClientsOf(ctx)));
}

function failingClientsOf(ctx: AnalyzerContext): Readonly<{ client: string; failures: readonly string[] }>[] {
  const listed = podListOf(ctx.seen, ctx.ns);
  // Running pods, and pods that crash-loop on what they cannot reach (their previous instance's log).
  const running = new Set(
    parseTable(listed?.content ?? '')
      .filter((r) => r['STATUS'] === 'Running')
      .map((r) => r['NAME'] ?? ''),
  );
  const crashing = new Set(
    parseTable(listed?.content ?? '')
      .filter((r) => /CrashLoopBackOff|^Error$/.test(r['STATUS'] ?? ''))
      .map((r) => r['NAME'] ?? ''),
  );
  // A pod that ended in Error and is not restarted (a Job's, restartPolicy Never): its log is its last run's.
  const ended = new Set(
    parseTable(listed?.content ?? '')
      .filter((r) => r['STATUS'] === 'Error' && /^0\b/.test(r['RESTARTS'] ?? ''))
      .map((r) => r['NAME'] ?? ''),
  );
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)
    .filter((log) =>
      log.args['previous']
        ? crashing.has(String(log.args['name']))
        : running.has(String(log.args['name'])) || ended.has(String(log.args['name'])),
    )
    .map((log) => {
      // Its failure lines with its warnings (a retried deadlock is logged as a warning before the
      // error that gives up), or its warnings alone when one recurs.
      const tail = log.content.slice(-200_000);
      const failed = errorLines(tail);
      const warned = failed.length > 0 ? warningLines(tail) : recurringWarnings(tail);
      const failures = tail.split('\n').filter((l) => failed.includes(l) || warned.includes(l));
      return Object.freeze({
        client: String(log.args['name']),
        failures: Object.freeze(failures.slice(-40)),
      });
    })
    .filter((c) => c.failures.length > 0);
}

/** The namespaces the task names whose pods were not listed yet. */
function namedNamespaces(ctx: AnalyzerContext): string[] {
  const task = ctx.task.slice(0, 4000).toLowerCase();
  return namespaceNames(ctx.seen).filter(
    (n) => n !== ctx.ns && new RegExp(`(?<![\\w-])${n.replace(/[^a-z0-9-]/g, '')}(?![\\w-])`).test(task),
  );
}

/**
 * When a failing client names a server it has no address for here, the listing of the namespaces
 * the task names (at most two), where that server's pods may run.
 */
function productNamespaces(ctx: AnalyzerContext): Read[] {
  const said = PRODUCTS.find((p) => failingClients(ctx).some((c) => c.failures.some((l) => p.said.test(l))));
  if (!said) return [];
  const named = namedNamespaces(ctx);
  // None named: the namespaces named for data or for the server itself.
  const places = named.length
    ? named
    : namespaceNames(ctx.seen).filter((n) => n !== ctx.ns && (DATA_NS.test(n) || said.pod.test(n)));
  return places
    .filter((n) => !podListOf(ctx.seen, n))
    .slice(0, 2)
    .map((n) => ({ tool: 'list_pods', args: { namespace: n } }));
}

/**
 * A Running pod named like the server (`pod`) in the namespace asked about, a namespace the task
 * names, or another namespace whose pods were listed; undefined when none was listed.
 */
function productPod(
  ctx: AnalyzerContext,
  pod: RegExp,
  own: string,
): { name: string; namespace: string } | undefined {
  const named = namedNamespaces(ctx);
  const listedNs = outputs(ctx.seen, 'list_pods', (o) => !o.args['labelSelector']).map((o) =>
    String(o.args['namespace'] ?? ''),
  );
  for (const n of [...new Set([ctx.ns, ...named, ...listedNs])]) {
    const listed = podListOf(ctx.seen, n);
    const row = parseTable(listed?.content ?? '').find((r) => {
      const name = r['NAME'] ?? '';
      return r['STATUS'] === 'Running' && (pod.test(name) || pod.test(n)) && ownerName(name) !== own;
    });
    if (row) return { name: row['NAME'] ?? '', namespace: n };
  }
  return undefined;
}

/** The Running pods of the target Service, by name (`<service>-…`, a StatefulSet's `<service>-N`). */
/** The Deployment of a server pod that started within the day (a rollout of the day made it), if any. */
function recentServer(
  seen: readonly SeenObservation[],
  t: Target,
  pod: Readonly<Record<string, string>>,
): string | undefined {
  const name = pod['NAME'] ?? '';
  const owner = ownerName(name);
  const age = ageSeconds(pod['AGE'] ?? '');
  if (owner === name || age === undefined || age >= RECENT) return undefined;
  const deployments = outputs(seen, 'list_deployments', (o) => o.args['namespace'] === t.namespace).flatMap(
    (o) => parseTable(o.content).map((r) => r['NAME'] ?? ''),
  );
  // Without the namespace's Deployment list, a ReplicaSet-made name (`<owner>-<hash>-<x>`) will do.
  return deployments.includes(owner) ||
    (deployments.length === 0 && /-[a-z0-9]{6,10}-[a-z0-9]{5}$/.test(name))
    ? owner
    : undefined;
}

export function serverHistory(seen: readonly SeenObservation[], ns: string, deployment: string) {
  return outputs(
    seen,
    'get_rollout_history',
    (o) => o.args['namespace'] === ns && o.args['name'] === deployment,
  ).pop();
}

/** The current revision of a rollout history with its change cause and the image change, when it has two or more. */
export function rolloutSaid(
  history: string,
): { revision: string; cause: string | undefined; images: string | undefined } | undefined {
  const revs = parseTable(history).filter((r) => /^\d+/.test(r['REVISION'] ?? ''));
  if (revs.length < 2) return undefined;
  const latest = revs[revs.length - 1]!;
  const before = revs[revs.length - 2]!['IMAGES'] ?? '';
  const after = latest['IMAGES'] ?? '';
  const cause = latest['CHANGE-CAUSE']?.trim();
  return {
    revision: (latest['REVISION'] ?? '').replace('(current)', '').trim(),
    cause: cause && cause !== '<none>' ? cause : undefined,
    images:
      before && after && before !== after ? `from ${clip(before, 120)} to ${clip(after, 120)}` : undefined,
  };
}

export function serverPods(
  seen: readonly SeenObservation[],
  t: Target,
): Record<string, string>[] | undefined {
  const listed = podListOf(seen, t.namespace);
  if (!listed) return undefined;
  // A StatefulSet's ordinal (`db-0`) or an operator's zero-padded index (Couchbase's `cb-cluster-0000`).
  const ordinal = new RegExp(`^${t.service.replace(/[^a-z0-9-]/g, '')}-\\d{1,5}$`);
  const rows = parseTable(listed.content).filter((r) => r['STATUS'] === 'Running' && r['NAME'] !== t.client);
  const named = rows.filter((r) => {
    const n = r['NAME'] ?? '';
    return ownerName(n) === t.service || ordinal.test(n);
  });
  if (named.length > 0) return named;
  // Named otherwise (the RabbitMQ operator's `<cluster>-server-0` behind Service `<cluster>`): the pods
  // whose addresses the Service's endpoints list, once its namespace's Services are listed; the one the
  // client's failure lines name first.
  const addresses = serviceAddresses(seen, t.namespace, t.service);
  const behind = rows.filter((r) => addresses.has(r['IP'] ?? ''));
  const said = (r: Record<string, string>) => t.failures.some((l) => l.includes(r['NAME'] ?? ''));
  return behind.sort((a, b) => Number(said(b)) - Number(said(a)));
}

/** The pod addresses the endpoints of Service `name` in `ns` list (`list_services`' ENDPOINTS column). */
function serviceAddresses(seen: readonly SeenObservation[], ns: string, name: string): Set<string> {
  const listed = outputs(seen, 'list_services', (o) => o.args['namespace'] === ns).pop();
  const row = parseTable(listed?.content.slice(0, 200_000) ?? '').find((r) => r['NAME'] === name);
  return new Set(endpointAddresses(row?.['ENDPOINTS'] ?? ''));
}

/**
 * The other side of a failing call. A Running client whose log reports failures names the server it
 * calls (a host in its failure lines, or an address in its environment: `DB_URL=jdbc:mysql://…`); the
 * server's own log, read from one of its Running pods (every container of it: a sidecar may be the one
 * that reports locks or slow queries), says why it failed (the tombstones it scanned, the transaction
 * that holds the lock, the connection limit it hit). An engineer reads both sides before blaming
 * either. Reads only; the lines of that log that fail or warn or that share the client's words are
 * quoted in the answer, beside whatever root cause the rest found.
 */
export const dependencySideAnalyzer: Analyzer = {
  name: 'dependency-side',
  reads(ctx): Read[] {
    const t = calledService(ctx);
    if (!t) {
      // A failing client whose addresses name `<service>.<namespace>`: the cluster's namespaces are
      // listed first, so the host can be told from a name outside the cluster.
      if (!namespacesListed(ctx.seen) && failingClients(ctx).length > 0)
        return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
      return productNamespaces(ctx);
    }
    const pods = serverPods(ctx.seen, t);
    if (!pods) return [{ tool: 'list_pods', args: { namespace: t.namespace } }];
    const pod = pods[0];
    if (!pod)
      // No pod named for the Service: its endpoints say which pods serve it.
      return outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === t.namespace).length
        ? []
        : [{ tool: 'list_services', args: { namespace: t.namespace } }];
    const name = pod['NAME'] ?? '';
    const first = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === t.namespace && o.args['name'] === name && !o.args['container'],
    ).pop();
    if (!first) return [{ tool: 'get_pod_logs', args: { namespace: t.namespace, name } }];
    // Its log was cut and what is left shows no failure: the whole log is searched for failure lines.
    if (
      cutNoticeAt(first.content.slice(0, 6000).split('\n')) >= 0 &&
      errorLines(first.content.slice(-100_000)).length === 0 &&
      !outputs(
        ctx.seen,
        'search_pod_logs',
        (o) => o.args['name'] === name && o.args['namespace'] === t.namespace,
      ).length
    )
      return [
        {
          tool: 'search_pod_logs',
          args: { namespace: t.namespace, name, pattern: FAILURE_PATTERN, context: 0, maxMatches: 5 },
        },
      ];
    // A server whose pods started within the day: its rollout history says what changed in it.
    const rolled = recentServer(ctx.seen, t, pod);
    if (rolled && !serverHistory(ctx.seen, t.namespace, rolled))
      return [{ tool: 'get_rollout_history', args: { namespace: t.namespace, name: rolled } }];
    // A pod of several containers: the log read was its default container's, and the tool's
    // `Defaulted container "a" out of: a, b` line names the others (a sidecar may report the locks).
    const m = /^Defaulted container "([^"]{1,63})" out of: ([^;\n]{1,2000})/.exec(first.content);
    if (!m) return [];
    return m[2]!
      .split(', ')
      .map((c) => c.trim())
      .filter((c) => c && c !== m[1] && /^[a-z0-9][a-z0-9-]{0,62}$/.test(c))
      .slice(0, 2)
      .map((container) => ({ tool: 'get_pod_logs', args: { namespace: t.namespace, name, container } }));
  },
  finds: () => [],
  notes(ctx): string[] {
    const t = calledService(ctx);
    if (!t) return [];
    const pods = new Set((serverPods(ctx.seen, t) ?? []).map((r) => r['NAME'] ?? ''));
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === t.namespace && pods.has(String(o.args['name'])) && !o.args['previous'],
    );
    if (logs.length === 0) return [];
    // The two sides' own names link every line that names them (`cart ready`): not a shared word.
    const names = wordsOf([t.service, t.namespace, t.client, t.clientNs].join(' '));
    const stamps = t.failures.map(lineStamp).filter((x): x is number => x !== undefined);
    const first = stamps.length ? Math.min(...stamps) : undefined;
    const theirs = new Set(t.failures.flatMap((l) => [...wordsOf(l)]).filter((w) => !names.has(w)));
    const picked: { line: string; score: number; at: number; pod: string }[] = [];
    for (const log of logs) {
      // A cut log's older failure lines, when the cut part was searched, come first (they are older).
      const searched = searchedLines(
        ctx.seen,
        (o) =>
          o.args['namespace'] === t.namespace && o.args['name'] === log.args['name'] && !o.args['previous'],
      ).slice(0, 200);
      const lines = [...searched, ...log.content.slice(-200_000).split('\n').slice(-2000)];
      const bad = new Set(errorLines(lines.join('\n')));
      const warned = new Set(warningLines(lines.join('\n')));
      programLines(lines).forEach((line, at) => {
        if (!line.trim() || line.length > 4000) return;
        const shared = [...wordsOf(line)].filter((w) => theirs.has(w)).length;
        // Said in the minutes before the client's first failure: what the server went through then.
        const at2 = lineStamp(line);
        const near =
          at2 !== undefined && first !== undefined && at2 <= first + 60_000 && at2 >= first - NEAR_MS;
        const score =
          Math.min(shared, 3) * 2 + (bad.has(line) ? 2 : warned.has(line) ? 1 : 0) + (near ? 2 : 0);
        if (score >= 2) picked.push({ line, score, at, pod: String(log.args['name']) });
      });
    }
    picked.sort((a, b) => b.score - a.score || a.at - b.at);
    const pod = picked[0]?.pod;
    if (!pod) return [];
    // One line per message: repeats of it (other ids, other times) add nothing.
    const shapes = new Set<string>();
    const shown = picked
      .filter((p) => {
        const shape = p.line.replace(/[0-9a-f]{6,}|\d+/gi, '#');
        if (p.pod !== pod || shapes.has(shape)) return false;
        shapes.add(shape);
        return true;
      })
      .slice(0, MAX_QUOTED)
      .sort((a, b) => a.at - b.at);
    const quoted = shown.map((p) => `"${clip(p.line, 240)}"`);
    // What the first quoted line that has a known meaning means (a well-known server error, log-glosses).
    const meaning = shown.map((p) => glossOf(p.line)).find((g) => g && !g.symptom)?.means;
    const where = t.namespace === t.clientNs ? '' : ` in namespace ${t.namespace}`;
    const server = [...(serverPods(ctx.seen, t) ?? [])].find((r) => r['NAME'] === pod);
    const rolled = server ? recentServer(ctx.seen, t, server) : undefined;
    const change = rolled
      ? rolloutSaid(serverHistory(ctx.seen, t.namespace, rolled)?.content ?? '')
      : undefined;
    // The server says, in a line quoted here, that it hit a limit of its own (a quota reached, a pool
    // exhausted, too many clients): that limit is what the client's calls run into.
    const limitLine = shown.find((p) => LIMIT_REACHED.test(p.line))?.line;
    const m = limitLine === undefined ? null : LIMIT_REACHED.exec(limitLine);
    const limit = m && limitLine !== undefined ? wordsAround(limitLine, m.index, m[0].length) : undefined;
    return [
      `The other side of the failing calls of ${t.client}: they go to the Service ${t.service}${where} (${t.via}), whose pod ${pod} logs: ${quoted.join('; ')}.${meaning ? ` That means: ${meaning}.` : ''}${
        limit
          ? ` The server says it reached a limit of its own ("${limit}"): that limit is what the calls run into; if the load is legitimate, raise it (after checking what holds the capacity it bounds) rather than retry or scale the client.`
          : ''
      }${
        change && rolled
          ? ` That server changed shortly before: deployment ${rolled}${where} rolled out revision ${change.revision} ${server?.['AGE'] ?? ''} ago${change.cause ? ` ("${clip(change.cause, 160)}")` : ''}${change.images ? `, which changed its image ${change.images}` : ''}; what the new revision does differently is a lead.`
          : ''
      }`,
    ];
  },
};

/**
 * The match at `at` (`length` characters) of `line` with up to `n` whole words on each side (at most
 * `AROUND_MAX` code points a side, cut with "…"), runs of white space shown as one space: "too many" in a Postgres line reads "FATAL: sorry, too many clients already".
 */
export function wordsAround(line: string, at: number, length: number, n = 3): string {
  const head = line
    .slice(0, at)
    .split(/\s+/)
    .slice(-(n + 1))
    .join(' ');
  const tail = line
    .slice(at + length)
    .split(/\s+/)
    .slice(0, n + 1)
    .join(' ');
  // Bounded: a token without spaces (a JSON line's field, a stack trace) is cut, by code point.
  const before = [...head];
  const after = [...tail];
  return `${before.length > AROUND_MAX ? `…${before.slice(-AROUND_MAX).join('')}` : head}${line
    .slice(at, at + length)
    .replace(
      /\s+/g,
      ' ',
    )}${after.length > AROUND_MAX ? `${after.slice(0, AROUND_MAX).join('')}…` : tail}`.trim();
}

/** Characters (code points) `wordsAround` keeps on each side of the match, at most. */
const AROUND_MAX = 80;
