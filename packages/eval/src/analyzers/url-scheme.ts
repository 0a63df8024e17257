import { envOf } from './env-values.js';
import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/**
 * A client library refusing a connection URL for its scheme, naming the scheme it expects: the MongoDB
 * Node driver's "invalid schema, expected mongodb" (older) and "Invalid scheme, expected connection string
 * to start with "mongodb://" or "mongodb+srv://"" (newer), and the like of other drivers. Bounded.
 */
const WRONG_SCHEME =
  /invalid (?:schema|scheme|protocol)[^\n]{0,80}?expected(?:(?! got\b| but\b| received\b| instead\b)[^\n]){0,60}?\b(mongodb(?:\+srv)?|postgres(?:ql)?|rediss?|amqps?|mysql|nats)\b|\b(redis) URL must specify one of the following schemes|\bExpected (amqps?): or amqps?: as the protocol/i;
/** The variable names a store's URL goes by, for each expected scheme's store. */
const STORE_VARIABLE: Readonly<Record<string, RegExp>> = {
  mongodb: /MONGO/i,
  postgres: /POSTGRES|^PG_|DATABASE|^DB_/i,
  redis: /REDIS|CACHE/i,
  amqp: /AMQP|RABBIT|BROKER/i,
  mysql: /MYSQL|MARIADB|DATABASE|^DB_/i,
  nats: /NATS/i,
};
/** The schemes other stores' libraries take: a variable with one of them is right for its own library. */
const STORE_SCHEME = /^(?:mongodb(?:\+srv)?|postgres(?:ql)?|rediss?|unix|amqps?|mysql|nats|kafka)$/i;
/** A URL's scheme at the start of a value (`http://…`). */
const SCHEME = /^([a-z][a-z0-9+.-]{0,20}):\/\//i;

/** The first line of the namespace's logs that refuses a URL's scheme, with its pod and the expected scheme. */
function refusedScheme(seen: Parameters<typeof outputs>[0], ns: string) {
  for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns))
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 4000) continue;
      const m = WRONG_SCHEME.exec(line);
      const expected = (m?.[1] ?? m?.[2] ?? m?.[3])?.toLowerCase();
      if (expected) return { pod: String(o.args['name'] ?? ''), line: line.trim(), expected };
    }
  return undefined;
}

/**
 * A program whose client library refuses its connection URL for the scheme (`Error: invalid schema, expected
 * mongodb`) while a variable of its container holds a URL with another scheme (`MONGO_URL=http://…`): the
 * program exits at start. The fix (`set_env`) gives the variable the scheme the library expects, the rest of
 * the URL kept. The read: the refusing pod's description (its variables).
 */
export const urlSchemeAnalyzer: Analyzer = {
  name: 'url-scheme',
  first: true,
  reads({ seen, ns }): Read[] {
    const r = refusedScheme(seen, ns);
    if (
      !r ||
      outputs(seen, 'describe_pod', (o) => o.args['name'] === r.pod && (o.args['namespace'] ?? ns) === ns)
        .length
    )
      return [];
    return [{ tool: 'describe_pod', args: { namespace: ns, name: r.pod } }];
  },
  finds({ seen, ns, hints }): Finding[] {
    const r = refusedScheme(seen, ns);
    if (!r) return [];
    const described = outputs(
      seen,
      'describe_pod',
      (o) => o.args['name'] === r.pod && (o.args['namespace'] ?? ns) === ns,
    ).pop();
    if (!described) return [];
    const store = r.expected
      .replace(/\+srv$/, '')
      .replace(/^postgresql$/, 'postgres')
      .replace(/^(rediss|amqps)$/, (x) => x.slice(0, -1));
    const named = STORE_VARIABLE[store] ?? /$^/;
    // The app containers (an init container's variables are another program's).
    for (const c of containerSections(described.content).filter((x) => !x.init)) {
      // A variable named for the store whose URL has another scheme, not one right for another library.
      const v = envOf(c.body).find((x) => {
        const scheme = SCHEME.exec(x.value)?.[1]?.toLowerCase();
        return (
          scheme !== undefined &&
          named.test(x.name) &&
          !scheme.startsWith(store) &&
          !STORE_SCHEME.test(scheme)
        );
      });
      if (!v) continue;
      const scheme = SCHEME.exec(v.value)![1]!;
      const fixed = `${r.expected}://${v.value.slice(scheme.length + 3)}`;
      const deployment = podDeployment(r.pod);
      return [
        {
          weight: 95 + bonus(deployment ?? r.pod, hints),
          object: deployment ? `deployment ${deployment}` : `pod ${r.pod}`,
          cause: `${deployment ?? r.pod}'s ${v.name} is "${clip(v.value, 160)}": its scheme is ${scheme}://, not ${r.expected}://, and the client library refuses the URL at start ("${clip(r.line, 160)}"), so the program exits and the container restarts; the ${r.expected} server itself is not the problem`,
          evidence: [
            `get_pod_logs ${r.pod}: "${clip(r.line, 160)}"`,
            `describe_pod ${r.pod}: ${v.name}=${clip(v.value, 160)}`,
          ],
          advice: `give ${v.name} the ${r.expected}:// scheme (${clip(fixed, 160)}) and let ${deployment ?? r.pod} roll out`,
          ...envFix(
            ns,
            deployment,
            c.name,
            [{ name: v.name, value: fixed }],
            `set ${v.name} of ${deployment}/${c.name} to ${clip(fixed, 120)}`,
          ),
        },
      ];
    }
    return [];
  },
};
