import { searchOf } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  cutNoticeAt,
  type Finding,
  outputs,
  podOwnerObject,
  type Read,
} from './types.js';

/** An access-log request answered 404, with its method and path (query left out). */
const ANSWERED_404 =
  /"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/[\w.~%/:-]{0,300})(?:\?[^\s"]{0,1000})? HTTP\/[\d.]{1,3}" 404\b/;

/**
 * A route a web framework says it registered at start-up: NestJS's `Mapped {/signup, POST} route`, Spring
 * MVC's `Mapped "{[/signup],methods=[POST]}"`, Gin's debug `[GIN-debug] POST /signup --> …`.
 */
const MAPPED = [
  /\bMapped \{(\/[\w.~%/:-]{0,300}), (?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ALL)\} route\b/,
  /\bMapped "\{\[(\/[\w.~%/:-]{0,300})\]/,
  /\[GIN-debug\] (?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s{1,12}(\/[\w.~%/:-]{0,300})\s{1,12}-->/,
];

/** npm's line for the script it runs, with the package's name and version (`> tooljet-server@0.9.2 start:prod`). */
const NPM_START = /^> ([@\w./-]{1,200})@(\d{1,4}\.\d{1,4}\.\d{1,4}[\w.-]{0,40}) [\w:.-]{1,60}\s*$/;

/**
 * A server answering 404 to requests under a prefix (`/api/signup`, `/api/authenticate`) for routes it
 * registered at the root (`/signup`, `/authenticate`, by its framework's start-up lines): the clients
 * call the API under a prefix the server does not have. Two routes at least, so a stray 404 is not one.
 * That is a server built for another layout of the API than its client's, an older release most often
 * (the API moved under `/api`), or a global prefix left unset: the fix is a server of the client's
 * version (its current manifest) or the prefix, not the proxy in front, which passed the path through
 * as the 404 under the full path shows.
 */
/** What a search of a whole log looks for: the routes a framework registered, npm's start line, the 404s. */
export const ROUTES_PATTERN = 'Mapped {|Mapped "{|[GIN-debug]|> |" 404 ';

/** The lines read of a pod's current log: its `get_pod_logs` tails and its searches' shown lines. */
function readLines(ctx: AnalyzerContext, pod: string): string[] {
  const lines: string[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === pod && !x.args['previous']))
    lines.push(...boundedLogLines(o.content, 20_000));
  for (const o of outputs(ctx.seen, 'search_pod_logs', (x) => x.args['name'] === pod && !x.args['previous']))
    for (const l of boundedLogLines(o.content, 2000)) {
      const m = /^\d{1,7}[:-](.*)$/.exec(l);
      if (m) lines.push(m[1]!);
    }
  return lines;
}

/** The 404s of a log under a two-segment or deeper path, by method and path. */
function deep404s(lines: readonly string[]): { path: string; line: string }[] {
  const out: { path: string; line: string }[] = [];
  for (const l of lines) {
    if (l.length > 4000) continue;
    const m = ANSWERED_404.exec(l);
    const path = m?.[2]?.replace(/\/$/, '');
    if (path && path.indexOf('/', 1) > 0 && !out.some((x) => x.path === path))
      out.push({ path, line: l.trim() });
  }
  return out;
}

export const routePrefixMissingAnalyzer: Analyzer = {
  name: 'route-prefix-missing',
  first: true,
  // A log tail with 404s under a prefix, from a cut log with no route registration read: the start-up
  // lines, searched for (they scrolled out of the tail).
  reads(ctx): Read[] {
    for (const o of outputs(
      ctx.seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
    )) {
      const pod = String(o.args['name'] ?? '');
      if (cutNoticeAt(o.content.split('\n', 3)) < 0) continue;
      const lines = readLines(ctx, pod);
      if (deep404s(lines).length < 1 || lines.some((l) => MAPPED.some((re) => re.test(l.slice(0, 4000)))))
        continue;
      const searched = outputs(
        ctx.seen,
        'search_pod_logs',
        (x) => x.args['name'] === pod && x.args['pattern'] === ROUTES_PATTERN,
      );
      if (searched.length) continue;
      return [searchOf(o, ROUTES_PATTERN, 40)];
    }
    return [];
  },
  finds(ctx): Finding[] {
    const pods = new Set(
      outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns && !x.args['previous']).map(
        (o) => String(o.args['name'] ?? ''),
      ),
    );
    for (const pod of pods) {
      const lines = readLines(ctx, pod);
      const mapped = new Set<string>();
      for (const l of lines) {
        if (l.length > 4000) continue;
        for (const re of MAPPED) {
          const m = re.exec(l);
          if (m) mapped.add(m[1]!.replace(/\/$/, '') || '/');
        }
      }
      if (mapped.size === 0) continue;
      const missed = new Map<string, { path: string; line: string }[]>();
      for (const { path, line: l } of deep404s(lines)) {
        const at = path.indexOf('/', 1);
        if (mapped.has(path)) continue;
        const prefix = path.slice(0, at);
        const rest = path.slice(at);
        if (!mapped.has(rest)) continue;
        const list = missed.get(prefix) ?? [];
        if (!list.some((x) => x.path === path)) list.push({ path, line: l.trim() });
        missed.set(prefix, list);
      }
      const [prefix, hits] = [...missed].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
      if (!prefix || !hits || hits.length < 2) continue;
      const npm = lines
        .slice(0, 200)
        .map((l) => NPM_START.exec(l.trim()))
        .find((m) => m !== null);
      const described = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      const routes = hits.slice(0, 3).map((h) => h.path.slice(prefix.length));
      return [
        {
          weight: 91 + bonus(pod, ctx.hints),
          object: podOwnerObject(described?.content, pod),
          cause: `the server in ${pod}${npm ? ` (${npm[1]}@${npm[2]})` : ''} registers its routes at the root (${routes.join(', ')}, by its start-up lines) and answers 404 to the same routes under ${prefix} (${hits
            .slice(0, 3)
            .map((h) => h.path)
            .join(
              ', ',
            )}): the clients call the API with the ${prefix} prefix, which this server does not serve. The path reaches it whole, so the proxy in front does not strip or rewrite it; the server is built for another layout of the API than its client, an older or outdated server release (the API moved under ${prefix}) or a global route prefix left unset`,
          evidence: hits.slice(0, 2).map((h) => `logs of ${pod}: "${clip(h.line, 200)}"`),
          advice: `run a server of the same release as its client (upgrade it, or redeploy it from the current manifest of the version the client runs)${npm ? ` instead of ${npm[1]}@${npm[2]}` : ''}, or set its global route prefix to ${prefix}`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
