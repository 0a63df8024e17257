import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { SVC_NAME } from './dependency-side.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  configMapText,
  configMapVolumes,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  ownerName,
  type Read,
  searchedLines,
  serviceHost,
} from './types.js';

/**
 * A client finding that the other side closed a connection it held (drivers' own words): psycopg's
 * `SSL SYSCALL error: EOF detected` and `server closed the connection unexpectedly`, MySQL Connector/J's
 * `Communications link failure` and `No operations allowed after connection closed`, libmysql's `MySQL
 * server has gone away`. A bare reset or broken pipe is left out: a TLS or protocol mismatch says the same.
 */
const CLOSED_UNDER =
  /SSL SYSCALL error: EOF detected|server closed the connection unexpectedly|connection already closed|Communications link failure|No operations allowed after connection closed|MySQL server has gone away|Lost connection to MySQL server/i;

/**
 * An idle limit in a configuration text: HAProxy's `timeout client|server|tunnel 10m`, PgBouncer's
 * `server_idle_timeout = 600` and `client_idle_timeout`, MySQL's `wait_timeout: "60"`, an Envoy or
 * generic `idle_timeout: 300s`. Bounded: one line at a time, a number of at most seven digits.
 */
const LIMITS: readonly { re: RegExp; unit: 's' | 'haproxy' }[] = [
  { re: /^\s{0,12}(timeout (?:client|server|tunnel))\s{1,12}(\d{1,7})(ms|s|m|h|d)?\s*$/, unit: 'haproxy' },
  {
    re: /^\s{0,12}"?((?:server_|client_)?idle_timeout|wait_timeout|interactive_timeout|idle[-_]timeout)"?\s{0,4}[:=]\s{0,4}"?(\d{1,7})(ms|s|m|h)?"?\s*$/i,
    unit: 's',
  },
];

interface Limit {
  setting: string;
  seconds: number;
  text: string;
  configMap: string;
  namespace: string;
}

/** The shortest idle limit a ConfigMap's text sets, if any. */
function idleLimit(text: string, configMap: string, namespace: string): Limit | undefined {
  let best: Limit | undefined;
  for (const line of text.slice(0, 200_000).split('\n')) {
    if (line.length > 400) continue;
    for (const { re, unit } of LIMITS) {
      const m = re.exec(line);
      if (!m) continue;
      const n = Number(m[2]);
      // HAProxy's timeouts are milliseconds without a unit; the others are seconds.
      const u = m[3] ?? (unit === 'haproxy' ? 'ms' : 's');
      const seconds = n * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[u] ?? 1);
      if (seconds < 10) continue;
      if (!best || seconds < best.seconds)
        best = { setting: m[1]!, seconds, text: line.trim(), configMap, namespace };
    }
  }
  return best;
}

interface Client {
  pod: string;
  failure: string;
  service: string;
  namespace: string;
}

/** A client in `ctx.ns` whose log says the other side closed its connection, and the Service it calls. */
function client(ctx: AnalyzerContext): Client | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const text = log.content.slice(-200_000);
    // The lines a search of the whole log found count too: the failures may lie above a quiet tail.
    const searched = searchedLines(ctx.seen, (o) => o.args['name'] === log.args['name']);
    const failure = errorLines([...searched, text].join('\n')).find(
      (l) => l.length <= 4000 && CLOSED_UNDER.test(l),
    );
    if (!failure) continue;
    const pod = String(log.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
    const env = containerSections(described).flatMap((c) => envOf(c.body).map((v) => v.value));
    const hosts = [failure, ...env, ...text.split('\n').slice(0, 200)]
      .filter((l) => l.length <= 4000)
      .flatMap((l) => [...l.matchAll(SVC_NAME)].map((m) => m[1]!.toLowerCase()));
    for (const h of hosts) {
      const s = serviceHost(h);
      if (s && s.namespace !== ctx.ns) return { pod, failure: failure.trim(), ...s };
    }
  }
  return undefined;
}

/** The ConfigMaps that could hold the other side's idle limit: its pods' mounted ones, else the namespace's. */
function candidates(ctx: AnalyzerContext, c: Client): { reads: Read[]; names: string[] } {
  const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === c.namespace).pop();
  if (!listed) return { reads: [{ tool: 'list_pods', args: { namespace: c.namespace } }], names: [] };
  const pods = parseTable(listed.content)
    .map((r) => r['NAME'] ?? '')
    .filter((n) => ownerName(n) === c.service || n.startsWith(`${c.service}-`));
  if (pods.length > 0) {
    const pod = pods[0]!;
    const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
    if (!d)
      return { reads: [{ tool: 'describe_pod', args: { namespace: c.namespace, name: pod } }], names: [] };
    return { reads: [], names: configMapVolumes(d.content).slice(0, 2) };
  }
  // No pods behind the name (an ExternalName for a hosted database): the namespace's own ConfigMaps.
  const maps = outputs(
    ctx.seen,
    'list_resources',
    (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === c.namespace,
  ).pop();
  if (!maps)
    return {
      reads: [{ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: c.namespace } }],
      names: [],
    };
  return {
    reads: [],
    names: parseTable(maps.content)
      .map((r) => r['NAME'] ?? '')
      .filter((n) => n && n !== 'kube-root-ca.crt')
      .slice(0, 2),
  };
}

/**
 * Connections closed for being idle, by what sits between a client and its server or by the server
 * itself: the client's driver reports that the other side closed a pooled connection (an EOF under TLS,
 * "server closed the connection unexpectedly", a reset), and the configuration of the Service it calls
 * (the ConfigMaps its pods mount, or for a Service without pods such as a hosted database's
 * ExternalName, the ConfigMaps of its namespace) sets an idle limit: HAProxy's `timeout client`/`server`,
 * PgBouncer's idle timeouts, MySQL's `wait_timeout`. A pool that keeps connections across a quiet spell
 * longer than that hands out connections the other side already closed, so the first queries after the
 * quiet spell fail and the next ones work. When the client's environment sets a pool lifetime in
 * milliseconds above the limit (HikariCP's maxLifetime), the fix sets it a few seconds under the limit
 * (an approved `set_env`).
 */
export const idleTimeoutAnalyzer: Analyzer = {
  name: 'idle-timeout',
  // Its reads follow from a failing client's own log, before the budget goes to the rest.
  first: true,
  reads(ctx): Read[] {
    const c = client(ctx);
    if (!c) return [];
    const { reads, names } = candidates(ctx, c);
    if (reads.length > 0) return reads;
    return names
      .filter((n) => configMapText(ctx.seen, n, c.namespace) === undefined)
      .map((name) => ({ tool: 'get_resource', args: { kind: 'ConfigMap', name, namespace: c.namespace } }));
  },
  finds(ctx): Finding[] {
    const c = client(ctx);
    if (!c) return [];
    const limit = candidates(ctx, c)
      .names.map((n) => {
        const text = configMapText(ctx.seen, n, c.namespace);
        return text ? idleLimit(text, n, c.namespace) : undefined;
      })
      .filter((l): l is Limit => l !== undefined)
      .sort((a, b) => a.seconds - b.seconds)[0];
    if (!limit) return [];
    const span =
      limit.seconds >= 60 && limit.seconds % 60 === 0 ? `${limit.seconds / 60} min` : `${limit.seconds} s`;
    // A pool lifetime in milliseconds longer than the limit (HikariCP's maxLifetime).
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === c.pod).pop()?.content ?? '';
    const section = containerSections(described).find((s) => !s.init);
    const lifetime = section
      ? envOf(section.body).find(
          (v) =>
            /MAX_?LIFETIME/i.test(v.name) &&
            /^\d{4,9}$/.test(v.value) &&
            Number(v.value) > limit.seconds * 1000,
        )
      : undefined;
    const shorter = String(Math.max(1000, (limit.seconds - 5) * 1000));
    const deployment = ownerDeployment(described);
    return [
      {
        weight: 84 + bonus(c.pod, ctx.hints),
        object: `pod ${c.pod}`,
        cause: `the other side closes connections that stay idle for ${span}: ${c.service} in ${c.namespace} is configured with ${limit.setting} ${span} ("${clip(limit.text, 80)}" in ConfigMap ${limit.configMap}), and ${c.pod} keeps pooled connections open across quiet spells longer than that, so the first queries after a quiet spell get a connection that was already closed: "${clip(c.failure, 180)}". The server is not restarting or crashing; it is the idle timeout on the path${lifetime ? `, and the pool keeps a connection up to ${lifetime.name}=${lifetime.value} ms` : ''}`,
        evidence: [
          `get_pod_logs ${c.pod}: "${clip(c.failure, 200)}"`,
          `get_resource ConfigMap ${limit.configMap} (${limit.namespace}): ${clip(limit.text, 80)}`,
        ],
        advice: `keep pooled connections from idling past ${span}: retire or test them before use (a pool pre-ping, a maximum idle time or lifetime under ${span}), or send TCP keepalives more often than that; or raise the idle timeout where it is set`,
        revisionSound: true,
        ...(lifetime && section
          ? envFix(
              ctx.ns,
              deployment,
              section.name,
              [{ name: lifetime.name, value: shorter }],
              `set ${lifetime.name} of ${deployment}/${section.name} to ${shorter} ms, a few seconds under the ${span} idle limit`,
            )
          : {}),
      },
    ];
  },
};
