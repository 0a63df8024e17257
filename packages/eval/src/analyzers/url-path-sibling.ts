import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
} from './types.js';

interface UrlVar {
  readonly name: string;
  readonly origin: string;
  readonly path: string;
  readonly value: string;
}

/** The container's variables (as `envOf` reads them) that hold an HTTP(S) URL, by origin and path (a trailing slash dropped). */
function urlVars(body: string): UrlVar[] {
  const out: UrlVar[] = [];
  for (const e of envOf(body)) {
    const m = /^(https?:\/\/[^\s/]{1,253})(\/[^\s?#]{0,400})?$/.exec(e.value);
    if (!m) continue;
    const path = (m[2] ?? '').replace(/\/+$/, '');
    out.push({ name: e.name, origin: m[1]!, path, value: `${m[1]!}${path}` });
  }
  return out;
}

/**
 * A 404 that says the item asked for is missing (`{"error":"inventory-4.2.0.tgz not found"}`), not the route:
 * the application answered on a path it serves.
 */
const ITEM_NOT_FOUND =
  /"[^"]{0,200}?[\w.-]\s+not found"|\b(?:no such|unknown) (?:item|chart|package|object|key|user|file)\b/i;

/**
 * Whether `lines` show a call through `url` answered 404 for its route: on its line, or on one of the two
 * after it before another call (a line naming another URL) is logged. A 404 naming the missing item is the
 * application's answer on a route it serves, not a wrong path.
 */
function notFoundThrough(lines: readonly string[], url: string): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.includes(`${url}/`) && !l.endsWith(url)) continue;
    for (const x of lines.slice(i, i + 3)) {
      if (x !== l && /\w:\/\//.test(x)) break;
      if (/\b404\b|\bNot Found\b/.test(x)) return ITEM_NOT_FOUND.test(x) ? undefined : x.trim();
    }
  }
  return undefined;
}

/** A status of 2xx on a line (`-> 200`, `status=201`, `" 204 `, `200 OK`), not a number of a duration or size. */
const OK_STATUS =
  /(?:->\s?|\bstatus(?:code)?["=: ]{1,3}|\bHTTP\/[\d.]{1,3}"?\s)2\d\d\b|\s2\d\d (?:OK|Created|Accepted|No Content)\b/i;

/** Whether `lines` show a call to `url` answered 2xx (`GET http://…/api/charts -> 200`). */
function answeredThrough(lines: readonly string[], url: string): string | undefined {
  return lines
    .find(
      (l) =>
        (l.includes(`${url}/`) || l.includes(`${url} `) || l.endsWith(url)) &&
        OK_STATUS.test(l) &&
        !/\b404\b/.test(l),
    )
    ?.trim();
}

/**
 * Two URL variables of one container to the same server, one path the other's with a prefix (`/api/charts`
 * and `/charts`): calls through the shorter one are answered 404 while the longer one's are answered 2xx, so
 * the shorter one lacks the prefix the server's API lives under. Fixed by giving it the working path.
 */
export const urlPathSiblingAnalyzer: Analyzer = {
  name: 'url-path-sibling',
  reads: () => [],
  finds(ctx: AnalyzerContext): Finding[] {
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(d.args['name']);
      const logs = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
      );
      if (logs.length === 0) continue;
      const lines = logs.flatMap((o) => boundedLogLines(o.content));
      for (const c of containerSections(d.content)) {
        if (c.init) continue;
        const vars = urlVars(c.body);
        for (const short of vars) {
          if (!short.path) continue;
          const long = vars.find(
            (v) =>
              v !== short &&
              v.origin === short.origin &&
              v.path.length > short.path.length &&
              v.path.endsWith(short.path),
          );
          if (!long) continue;
          const missed = notFoundThrough(lines, short.value);
          const answered = missed ? answeredThrough(lines, long.value) : undefined;
          // The short path answered too: its route exists, the 404 is about an item.
          if (!missed || !answered || answeredThrough(lines, short.value)) continue;
          const prefix = long.path.slice(0, long.path.length - short.path.length);
          const deployment = ownerDeployment(d.content);
          return [
            {
              weight: 88,
              object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
              cause: `the calls the container ${c.name} makes through ${short.name} (${short.value}) are answered 404 Not Found ("${clip(missed, 160)}"), while ${long.name} on the same server (${long.value}) is answered ("${clip(answered, 120)}"): ${short.name}'s path lacks the ${prefix} prefix under which the server serves that API, so it should be ${long.value}`,
              evidence: [
                `describe_pod ${pod}: ${short.name}=${short.value}, ${long.name}=${long.value}`,
                `get_pod_logs ${pod}: "${clip(missed, 160)}"`,
                `get_pod_logs ${pod}: "${clip(answered, 160)}"`,
              ],
              ...envFix(
                ctx.ns,
                deployment,
                c.name,
                [{ name: short.name, value: long.value }],
                `set ${short.name} of ${deployment ?? pod}/${c.name} to ${long.value} (the path ${long.name} uses, which the server answers)`,
              ),
              advice: `set ${short.name} to ${long.value}`,
              revisionSound: true,
            },
          ];
        }
      }
    }
    return [];
  },
};
