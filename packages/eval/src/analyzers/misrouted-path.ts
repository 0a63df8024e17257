import { type Analyzer, boundedLogLines, clip, type Finding, outputs, ownerName } from './types.js';

/** A backend's words for a path it does not serve (a 404, an unknown or unregistered route). */
const UNKNOWN =
  /not registered|unknown (?:webhook|route|path|handler)|no (?:route|handler) (?:for|matches)|\b404\b|not found/i;
/** A program's words for a path it serves or has just registered. */
const SERVES = /\b(?:registered|listening (?:on|for)|serving|mounted|handler (?:for|added))\b/i;
/** A path in a line (`/webhook-test/lead-intake`), at most eight segments. */
const PATH = /(?:^|[\s("'=])(\/[\w.~-]{1,100}(?:\/[\w.~-]{1,100}){0,7}\/?)/g;

/** The workload of a pod: its Deployment (`-<hash>-<suffix>`) or StatefulSet (`-<ordinal>`) name. */
function workloadOf(pod: string): string {
  const owner = ownerName(pod);
  return owner !== pod ? owner : pod.replace(/-\d{1,5}$/, '');
}

/** One path rule of an Ingress, from describe_resource's flattened spec. */
interface Route {
  readonly ingress: string;
  readonly path: string;
  readonly service: string;
}

/** The path rules of the namespace's described Ingresses. */
function routes(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Route[] {
  const out: Route[] = [];
  for (const o of outputs(
    seen,
    'describe_resource',
    (x) => /^ingress(?:es)?$/i.test(String(x.args['kind'])) && x.args['namespace'] === ns,
  )) {
    const by = new Map<string, { path?: string; service?: string }>();
    for (const line of o.content.split('\n').slice(0, 2000)) {
      const m =
        /^\s*(rules\[\d{1,3}\]\.http\.paths\[\d{1,3}\])\.(path|backend\.service\.name):\s*(\S{1,300})$/.exec(
          line,
        );
      if (!m) continue;
      const r = by.get(m[1]!) ?? {};
      if (m[2] === 'path') r.path = m[3]!;
      else r.service = m[3]!;
      by.set(m[1]!, r);
    }
    for (const r of by.values())
      if (r.path && r.service)
        out.push({ ingress: String(o.args['name'] ?? ''), path: r.path, service: r.service });
  }
  return out;
}

/**
 * An Ingress path sent to the wrong backend: the Service a path rule names answers that it does not know
 * the requests' paths (a 404, "not registered"), while the pods of another Service of the namespace log
 * that they registered or serve exactly those paths. A split of one program into roles (a main instance
 * and webhook workers) with a rule that sends a path only the main instance serves to the workers does
 * this; the data behind the path is fine. Found from the Ingress's path rules and the pods' logs; the
 * rule for that path prefix should name the Service that serves it.
 */
export const misroutedPathAnalyzer: Analyzer = {
  name: 'misrouted-path',
  reads() {
    return [];
  },
  finds({ ns, seen }) {
    const rules = routes(seen, ns);
    if (rules.length === 0) return [];
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && !o.args['previous']).map(
      (o) => ({ pod: String(o.args['name'] ?? ''), lines: boundedLogLines(o.content) }),
    );
    // Longest prefix first, as an Ingress controller matches Prefix paths.
    const byLength = [...rules].sort((a, b) => b.path.length - a.path.length);
    for (const log of logs) {
      for (const line of log.lines) {
        if (!UNKNOWN.test(line)) continue;
        for (const m of line.matchAll(PATH)) {
          const asked = m[1]!;
          const rule = byLength.find((r) => asked.startsWith(r.path) || `${asked}/` === r.path);
          // The refusal comes from the Service the rule sends the path to.
          if (!rule || rule.path === '/' || workloadOf(log.pod) !== rule.service) continue;
          const bare = asked.replace(/^\//, '');
          const server = logs
            .filter((l) => workloadOf(l.pod) !== rule.service)
            .map((l) => ({
              pod: l.pod,
              line: l.lines.find(
                (x) => (x.includes(asked) || x.includes(bare)) && SERVES.test(x) && !UNKNOWN.test(x),
              ),
            }))
            .find((x) => x.line !== undefined);
          if (!server?.line) continue;
          const target = workloadOf(server.pod);
          const out: Finding = {
            // Above a guess about the prefix (a missing rewrite): two logs show which backend serves the path.
            weight: 96,
            object: `ingress ${rule.ingress}`,
            cause: `Ingress ${rule.ingress} sends the path prefix ${rule.path} to Service ${rule.service}, whose pods do not serve those paths ("${clip(line.trim(), 180)}" in ${log.pod}), while the pods of Service ${target} register and serve them ("${clip(server.line.trim(), 160)}" in ${server.pod}); so every request under ${rule.path} is answered 404 by the wrong backend. The routing is wrong, not the data the path serves`,
            evidence: [
              `describe_resource Ingress ${rule.ingress}: path ${rule.path} -> Service ${rule.service}`,
              `get_pod_logs ${log.pod}: "${clip(line.trim(), 200)}"`,
              `get_pod_logs ${server.pod}: "${clip(server.line.trim(), 200)}"`,
            ],
            advice: `route ${rule.path} in Ingress ${rule.ingress} to Service ${target} (or remove that rule so the catch-all sends it there); keep the other prefixes on ${rule.service}`,
            revisionSound: true,
          };
          return [out];
        }
      }
    }
    return [];
  },
};
