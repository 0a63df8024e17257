import { slowestRequest } from './probes.js';
import { nginxSeconds, readTimeout } from './proxy-read-timeout.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  envFix,
  type Finding,
  FRONT_PART,
  loggedLines,
  outputs,
  ownerDeployment,
  ownerName,
  podObject,
  runningPerWorkload,
  schemaGloss,
} from './types.js';
import { configText, frontProxyReads, nginxLocations, proxyPods } from './websocket-upgrade.js';

/** Gunicorn's arbiter on a worker it killed: `[CRITICAL] WORKER TIMEOUT (pid:9)`. */
const WORKER_TIMEOUT = /\bWORKER TIMEOUT \(pid:\d{1,9}\)/;
const ENV = /^\s{4,}GUNICORN_CMD_ARGS:\s+(.{0,1000})$/m;
/**
 * A program's own variable for Gunicorn's timeout, which its start script passes on
 * (`INVENTREE_GUNICORN_TIMEOUT: 90`, `GUNICORN_TIMEOUT: 120`), in seconds.
 */
const APP_TIMEOUT = /^\s{4,}([A-Z][A-Z0-9_]{0,60}_)?(GUNICORN_TIMEOUT):\s+(\d{1,6})\s*$/m;
/** A worker timeout given in seconds: `--timeout 60`, `--timeout=60`, `-t 60`. */
const GIVEN_TIMEOUT = /--timeout[= ](\d{1,6})\b|(?:^|\s)-t\s+(\d{1,6})\b/;
/**
 * A database's own words for a missing column or table (PostgreSQL's `column x.y does not exist`,
 * `relation "x" does not exist`, MySQL's `Unknown column`, `Table 'x' doesn't exist`, SQLite's `no such
 * table`), not an application's not-found error for a user's object it calls a table.
 */
const DB_MISSING =
  /\b(?:column|relation) "?[\w.]{1,128}"? does not exist|\bUnknown column\b|\bTable '[\w.]{1,128}' doesn't exist|\bno such (?:table|column)\b/i;
/** A database's log of a statement's duration: PostgreSQL's `duration: 71904.112 ms  statement: …`. */
const DURATION = /\bduration: (\d{1,9}(?:\.\d{1,6})?) ms\b/;

/** A statement some log read ran for longer than `seconds` (the longest), with its pod. */
function longerStatement(
  seen: Parameters<typeof outputs>[0],
  seconds: number,
): { pod: string; line: string } | undefined {
  let best: { pod: string; line: string; ms: number } | undefined;
  for (const o of outputs(seen, 'get_pod_logs')) {
    for (const line of o.content.slice(-200_000).split('\n')) {
      if (line.length > 4000) continue;
      const ms = Number(DURATION.exec(line)?.[1] ?? Number.NaN);
      if (ms > seconds * 1000 && (!best || ms > best.ms))
        best = { pod: String(o.args['name'] ?? ''), line: line.trim(), ms };
    }
  }
  return best && { pod: best.pod, line: best.line };
}

/**
 * The read timeout of the nginx proxy in front of a Deployment's Service: a location of a proxy's ConfigMap
 * whose proxy_pass names the Service (`http://ledgerly-backend:8000`) or an upstream block whose server
 * does (`upstream backend-server { server ledgerly-backend:8000; }`), with the timeout it gets.
 */
function proxyTimeout(
  ctx: AnalyzerContext,
  service: string | undefined,
): { proxy: string; map: string; path: string; timeout: string; seconds: number } | undefined {
  if (!service) return undefined;
  const names = (text: string) => new RegExp(`(?:^|[/\\s])${service}(?:[.:;/\\s]|$)`).test(text);
  for (const p of proxyPods(ctx))
    for (const map of p.configMaps) {
      const text = configText(ctx, p.namespace, map);
      if (!text) continue;
      const upstreams = [...text.matchAll(/upstream\s{1,10}([\w.-]{1,100})\s{0,10}\{([^}]{0,2000})\}/g)]
        .filter((m) => names(m[2]!))
        .map((m) => m[1]!);
      const loc = nginxLocations(text).find((l) => {
        const pass = /proxy_pass\s{1,10}https?:\/\/([^;\s]{1,300})/.exec(l.block)?.[1] ?? '';
        return (
          names(`/${pass}`) ||
          upstreams.some((u) => pass === u || pass.startsWith(`${u}/`) || pass.startsWith(`${u}:`))
        );
      });
      if (!loc) continue;
      const timeout = readTimeout(loc.node);
      const seconds = nginxSeconds(timeout);
      if (seconds > 0) return { proxy: p.owner ?? p.pod, map, path: loc.path, timeout, seconds };
    }
  return undefined;
}

/**
 * Gunicorn killing workers whose request outlasts its timeout (30 s by default; docs.gunicorn.org,
 * "Settings": timeout): long requests fail with the worker, though the program is fine. When the
 * timeout is not set on the command line (which would win), the fix adds `--timeout` to
 * GUNICORN_CMD_ARGS, which Gunicorn reads at start (an approved `set_env`): twice the slowest request
 * the access log shows, at least 120 s.
 */
export const gunicornTimeoutAnalyzer: Analyzer = {
  name: 'gunicorn-timeout',
  // The proxy's reads follow from the worker timeout line at once: before the budget ends.
  first: true,
  reads(ctx) {
    if (!loggedLines(ctx.seen, ctx.ns, (l) => l.length <= 2000 && WORKER_TIMEOUT.test(l)).length) return [];
    // The proxy in front, whose read timeout a long request meets too: a front pod of the namespace
    // described first (its image and ConfigMaps), then its configuration.
    if (!proxyPods(ctx).some((p) => p.namespace === ctx.ns)) {
      const front = outputs(
        ctx.seen,
        'list_pods',
        (o) => o.args['namespace'] === ctx.ns && !o.args['labelSelector'],
      )
        .flatMap((o) => runningPerWorkload(o.content, 8))
        .find(
          (p) =>
            ownerName(p)
              .split('-')
              .some((part) => FRONT_PART.test(part) || part === 'web') &&
            !outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === p).length,
        );
      if (front) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: front } }];
    }
    return frontProxyReads(ctx);
  },
  finds({ seen, ns }) {
    for (const { log: o, line } of loggedLines(seen, ns, (l) => l.length <= 2000 && WORKER_TIMEOUT.test(l))) {
      const text = o.content.slice(-200_000);
      const pod = String(o.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!d) continue;
      const c = containerSections(d.content).find(
        (s) =>
          !s.init && /gunicorn/i.test(s.body) && (!o.args['container'] || s.name === o.args['container']),
      );
      if (!c) continue;
      const fullLine = c.body
        .split('\n')
        .filter(
          (l) =>
            /^\s{4,}(?:Command|Args):|^\s{6,}\S/.test(l) &&
            !/:\s{2,}/.test(l.replace(/^\s{4,}(?:Command|Args):/, '')),
        )
        .join(' ');
      // Gunicorn's own arguments: what follows its name (a wrapper before it, wait-for-it's --timeout,
      // is another program's).
      const at = fullLine.search(/gunicorn/i);
      const commandLine = at > 0 ? fullLine.slice(at) : fullLine;
      const env = ENV.exec(c.body)?.[1]?.trim() ?? '';
      const slowest = slowestRequest(text);
      // A timeout already given on the command line or in the variable: raising it is a decision about
      // the program, not a default to lift; the finding says which requests outlast it.
      const given = GIVEN_TIMEOUT.exec(commandLine) ?? GIVEN_TIMEOUT.exec(env);
      const app = APP_TIMEOUT.exec(c.body);
      // The same log reports the database schema behind the code: the requests fail on that, a
      // fault of its own, and the worker timeouts are no cause to weigh above it.
      const behind = text
        .split('\n')
        .find((l) => l.length <= 2000 && schemaGloss(l) !== undefined && DB_MISSING.test(l))
        ?.trim();
      if (behind) {
        const owner = ownerDeployment(d.content);
        return [
          {
            weight: 88,
            object: podObject(owner, pod),
            cause: `the requests of ${owner ?? pod} fail on the database: "${clip(behind, 160)}" — ${schemaGloss(behind)}; Gunicorn's worker timeouts in the same log ("${clip(line.trim(), 120)}") come with those failing requests, and a longer timeout does not fix them`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(behind, 160)}"`,
              `get_pod_logs ${pod}: "${clip(line.trim(), 140)}"`,
            ],
            advice: `apply the database migrations of the release ${owner ?? pod} runs (or roll back to the release the schema matches); the worker timeout and the proxy are not the cause`,
          },
        ];
      }
      if (
        given ||
        app ||
        /--timeout\b|(?:^|\s)-t\s/.test(commandLine) ||
        /--timeout\b|(?:^|\s)-t\s/.test(env)
      ) {
        if (!given && !app) continue;
        const set = Number(given ? (given[1] ?? given[2]) : app![3]);
        const where = given
          ? GIVEN_TIMEOUT.exec(commandLine)
            ? 'on its command line'
            : 'in GUNICORN_CMD_ARGS'
          : `in ${app![1] ?? ''}${app![2]}, which the program passes to Gunicorn`;
        const longer = longerStatement(seen, set);
        const owner = ownerDeployment(d.content);
        const proxy = proxyTimeout({ seen, ns, task: '', hints: [] }, owner);
        return [
          {
            weight: 88,
            object: podObject(owner, pod),
            cause: `Gunicorn kills the workers of ${owner ?? pod} whose request runs longer than its worker timeout of ${set} seconds (${given ? `--timeout ${set}` : set} ${where}): "${clip(line.trim(), 120)}"${slowest !== undefined && slowest > set ? `; the access log shows requests taking ${slowest} s` : ''}${longer ? `, and the database ran the request's query for longer than that (${longer.pod}: "${clip(longer.line, 160)}"), cut off when the worker died` : ''}. Requests that take longer than ${set} s die with their worker mid-request, and the proxy in front answers 502 for them${proxy ? `; the nginx proxy in front, ${proxy.proxy}, ${proxy.seconds === set ? 'gives up at the same time' : proxy.seconds < set ? `gives up even sooner, after ${proxy.seconds} s` : `waits longer (${proxy.seconds} s), so the worker timeout is what ends such a request`}: its proxy_read_timeout is ${proxy.timeout} (location ${proxy.path} of ConfigMap ${proxy.map})${proxy.seconds <= set ? `, no longer than the worker timeout, so raising --timeout alone would still end such a request at ${proxy.seconds} s` : ''}` : ''}; the program and its database are fine`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line.trim(), 140)}"`,
              `describe_pod ${pod}: ${given ? `--timeout ${set}` : set} ${where}`,
              ...(longer ? [`get_pod_logs ${longer.pod}: "${clip(longer.line, 160)}"`] : []),
            ],
            advice: `raise Gunicorn's worker timeout for ${owner ?? pod} above the longest request it must serve (with the proxy's read timeout in front of it${proxy ? `: proxy_read_timeout in ConfigMap ${proxy.map}, and any ingress's proxy-read-timeout annotation` : ''}), or make those requests faster or move them out of the request (an asynchronous query, a job queue)`,
          },
        ];
      }
      const timeout = Math.max(120, slowest !== undefined ? Math.ceil(slowest * 2) : 0);
      const owner = ownerDeployment(d.content);
      const out: Finding = {
        weight: 88,
        object: podObject(owner, pod),
        cause: `Gunicorn kills the workers of ${owner ?? pod} whose request outlasts its worker timeout ("${clip(line.trim(), 120)}"): no --timeout is set (neither on the command line nor in GUNICORN_CMD_ARGS${env ? ` "${clip(env, 80)}"` : ''}), so the default of 30 seconds applies${slowest !== undefined && slowest >= 25 ? `, and the access log shows requests taking up to ${slowest} s` : ''}; long requests die with their worker though the program is fine`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(line.trim(), 140)}"`,
          `describe_pod ${pod}: GUNICORN_CMD_ARGS: ${env || '<not set>'}`,
        ],
        advice: `raise Gunicorn's worker timeout for ${owner ?? pod} (--timeout ${timeout} in GUNICORN_CMD_ARGS), or move long work out of the request (a job queue)`,
        ...envFix(
          ns,
          owner,
          c.name,
          [{ name: 'GUNICORN_CMD_ARGS', value: `${env ? `${env} ` : ''}--timeout ${timeout}` }],
          `add --timeout ${timeout} to GUNICORN_CMD_ARGS of ${owner}/${c.name}, so workers may take longer than the default 30 seconds`,
        ),
      };
      return [out];
    }
    return [];
  },
};
