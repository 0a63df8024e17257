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
  /invalid (?:schema|scheme|protocol)[^\n]{0,80}?expected[^\n]{0,60}?\b(mongodb(?:\+srv)?|postgres(?:ql)?|rediss?|amqps?|mysql|nats)\b/i;
/** A URL's scheme at the start of a value (`http://…`). */
const SCHEME = /^([a-z][a-z0-9+.-]{0,20}):\/\//i;

/** The first line of the namespace's logs that refuses a URL's scheme, with its pod and the expected scheme. */
function refusedScheme(seen: Parameters<typeof outputs>[0], ns: string) {
  for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns))
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 4000) continue;
      const m = WRONG_SCHEME.exec(line);
      if (m) return { pod: String(o.args['name'] ?? ''), line: line.trim(), expected: m[1]!.toLowerCase() };
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
    if (!r || outputs(seen, 'describe_pod', (o) => o.args['name'] === r.pod).length) return [];
    return [{ tool: 'describe_pod', args: { namespace: ns, name: r.pod } }];
  },
  finds({ seen, ns, hints }): Finding[] {
    const r = refusedScheme(seen, ns);
    if (!r) return [];
    const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop();
    if (!described) return [];
    const stem = r.expected
      .replace(/(?:ql|\+srv|s)$/, '')
      .slice(0, 5)
      .toUpperCase();
    for (const c of containerSections(described.content)) {
      const vars = envOf(c.body).filter((v) => {
        const scheme = SCHEME.exec(v.value)?.[1]?.toLowerCase();
        return scheme !== undefined && !scheme.startsWith(r.expected.replace(/\+srv$/, ''));
      });
      // The variable named for the store first (MONGO_URL), then any URL variable.
      const v =
        vars.find((x) => x.name.toUpperCase().includes(stem)) ??
        vars.find((x) => /URL|URI|DSN/i.test(x.name));
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
