import { parseTable } from '../k8s-text.js';
import { underPath } from './ingress-proxy.js';
import { logGloss } from './log-glosses.js';
import { appliedBack, readBack } from './manifest.js';
import { type ServingIngress, servingIngresses, urlHosts } from './serving-path.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  listedReads,
  logOutputLines,
  outputs,
  type Read,
  unmadeReads,
} from './types.js';

/** A status the person reports that a reverse proxy answers itself: 502, 503, 504 or their names. */
const PROXY_STATUS =
  /(?<![\w-])50[234]s?\b|\bbad gateway\b|\bservice (?:temporarily )?unavailable\b|\bgateway time-?out\b/i;

/** The status code a reported status names: `502`, `Bad Gateway` → 502. */
function statusCode(said: string): number {
  const n = /50[234]/.exec(said)?.[0];
  if (n) return Number(n);
  if (/bad gateway/i.test(said)) return 502;
  if (/unavailable/i.test(said)) return 503;
  return 504;
}

/**
 * The status nginx answers with for an error it logs, where its source fixes it (ngx_http_upstream.c: a
 * timeout gives 504, an invalid or missing upstream response 502, no live upstream 502); undefined for
 * another message.
 */
function answeredWith(message: string): number | undefined {
  const m = message.toLowerCase();
  if (m.includes('upstream timed out')) return 504;
  if (
    m.includes('upstream sent too big header') ||
    m.includes('upstream prematurely closed connection') ||
    m.includes('while connecting to upstream') ||
    m.includes('no live upstreams') ||
    m.includes('upstream sent invalid header')
  )
    return 502;
  return undefined;
}

/** The controller's ConfigMap as the ingress-nginx chart names it (its `--configmap` argument's default). */
const CONTROLLER_CONFIG = 'ingress-nginx-controller';

/** A buffer that holds the large Set-Cookie and Location headers of sign-in flows (16k; nginx's default is one page). */
const BUFFER = '16k';

/** The namespace of an ingress-nginx controller pod whose log read says an upstream sent too big a header. */
function tooBigHeader(ctx: AnalyzerContext): string | undefined {
  for (const o of [...outputs(ctx.seen, 'search_pod_logs'), ...outputs(ctx.seen, 'get_pod_logs')]) {
    if (!CONTROLLER_POD.test(String(o.args['name'] ?? ''))) continue;
    if (logOutputLines(o).some((l) => l.length <= 4000 && l.includes('upstream sent too big header')))
      return String(o.args['namespace'] ?? ctx.ns);
  }
  return undefined;
}

/**
 * The fix for a header too big for the controller's proxy buffer: its ConfigMap as read (`get_resource`),
 * with `proxy-buffer-size` raised to 16k (when not already that or more), applied back. Nothing when the
 * ConfigMap was not read.
 */
function bufferFix(ctx: AnalyzerContext, namespace: string): Pick<Finding, 'fix'> {
  const doc = readBack<{ data?: Record<string, unknown> }>(ctx.seen, {
    kind: 'ConfigMap',
    name: CONTROLLER_CONFIG,
    namespace,
  });
  if (!doc) return {};
  const now = String(doc.data?.['proxy-buffer-size'] ?? '');
  const kib = /^(\d{1,4})k$/i.exec(now)?.[1];
  if (kib && Number(kib) >= 16) return {};
  const manifest = appliedBack({ ...doc, data: { ...(doc.data ?? {}), 'proxy-buffer-size': BUFFER } });
  return {
    fix: {
      tool: 'apply_manifest',
      args: { namespace, manifest },
      text: `set proxy-buffer-size to ${BUFFER} in ConfigMap ${CONTROLLER_CONFIG} of the ingress-nginx controller (${now ? `now ${now}` : 'unset: one memory page, 4k or 8k'}), keeping its other settings, so the upstream's response headers fit its buffer`,
    },
  };
}

/** An Ingress served by ingress-nginx: its class names nginx. */
const NGINX = /nginx/i;

/** A pod of the ingress-nginx controller, by the names its chart and distributions give it. */
const CONTROLLER_POD = /ingress-nginx|nginx-ingress/;

/** One line of nginx's error log, as ingress-nginx writes it for a request. */
interface NginxError {
  readonly line: string;
  /** The message, without the level, process and connection ids, or what follows `, client:`. */
  readonly message: string;
  readonly host: string;
  readonly method: string;
  readonly path: string;
}

/**
 * A line of nginx's error log (`2026/04/14 09:02:51 [error] 41#41: *2210384 upstream sent too big header
 * while reading response header from upstream, client: …, server: members.example.net, request: "GET
 * /auth/callback?… HTTP/2.0", upstream: "…", host: "members.example.net"`), or undefined for any other
 * line (nginx's error log format: nginx.org, "Core functionality", error_log). Lines over 4,000
 * characters are skipped by the caller.
 */
export function nginxError(line: string): NginxError | undefined {
  const level = /\[(?:error|crit|alert|emerg)\] \d{1,10}#\d{1,10}: (?:\*\d{1,20} )?/.exec(line);
  if (!level) return undefined;
  const rest = line.slice(level.index + level[0].length);
  const cut = rest.indexOf(', client: ');
  const message = (cut >= 0 ? rest.slice(0, cut) : rest).trim();
  const host = (
    /, host: "([a-z0-9.-]{1,253})(?::\d{1,5})?"/i.exec(rest)?.[1] ??
    /, server: ([a-z0-9.-]{1,253}),/i.exec(rest)?.[1]
  )?.toLowerCase();
  const request = /, request: "([A-Z]{3,7}) ([^\s"?]{1,500})/.exec(rest);
  if (!message || !host) return undefined;
  return { line: line.trim(), message, host, method: request?.[1] ?? '', path: request?.[2] ?? '' };
}

/** The routes of the task's URLs that ingress-nginx serves (see `servingIngresses`). */
function nginxRoutes(ctx: AnalyzerContext): ServingIngress[] {
  return servingIngresses(ctx.task, ctx.ns, ctx.seen, true).filter((r) => NGINX.test(r.className));
}

/** A Running ingress-nginx controller pod that a search by name found, in any namespace. */
function controllerPod(ctx: AnalyzerContext): { namespace: string; name: string } | undefined {
  for (const o of outputs(ctx.seen, 'find_objects'))
    for (const r of parseTable(o.content.slice(0, 200_000))) {
      const name = r['NAME'] ?? '';
      if (r['KIND'] === 'Pod' && CONTROLLER_POD.test(name) && r['STATUS'] === 'Running' && r['NAMESPACE'])
        return { namespace: r['NAMESPACE'], name };
    }
  return undefined;
}

/**
 * A 502, 503 or 504 at a site that ingress-nginx serves is often the controller's own answer, and its error
 * log says why (a response header too big for its buffer, an upstream that closed the connection, no live
 * upstream). When the person reports such a status at a URL an nginx Ingress of the namespace routes, the
 * controller's log is searched for the URL's host, and its error lines for that host are read with the
 * meaning of the message (`logGloss`). Found only for a message whose meaning is known.
 */
export const ingressErrorLogAnalyzer: Analyzer = {
  name: 'ingress-error-log',
  // The question names the proxy's status at a URL: the Ingress and the controller's log are read early,
  // before an unrelated failure of the namespace uses up the budget.
  first: true,
  reads(ctx): Read[] {
    const text = ctx.task.slice(0, 4000);
    const hosts = urlHosts(text, true);
    if (!PROXY_STATUS.test(text) || hosts.length === 0) return [];
    const reads = listedReads(ctx.seen, ctx.ns, 'Ingress', 'describe_resource', 2, (n) =>
      bonus(n, ctx.hints),
    );
    const routes = nginxRoutes(ctx);
    if (routes.length > 0) {
      reads.push({ tool: 'find_objects', args: { name: 'ingress-nginx' } });
      // The other distributions name their controller nginx-ingress (MicroK8s, F5 NGINX's chart).
      if (
        !controllerPod(ctx) &&
        outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === 'ingress-nginx').length
      )
        reads.push({ tool: 'find_objects', args: { name: 'nginx-ingress' } });
      const pod = controllerPod(ctx);
      if (pod)
        reads.push({
          tool: 'search_pod_logs',
          args: { ...pod, pattern: routes[0]!.host, context: 0, maxMatches: 50 },
        });
    }
    // The controller refuses a response header too big for its buffer: its ConfigMap, to raise the buffer.
    const big = tooBigHeader(ctx);
    if (big)
      reads.push({
        tool: 'get_resource',
        args: { kind: 'ConfigMap', name: CONTROLLER_CONFIG, namespace: big },
      });
    return unmadeReads(ctx.seen, reads);
  },
  finds(ctx): Finding[] {
    const text = ctx.task.slice(0, 4000);
    const said = PROXY_STATUS.exec(text)?.[0];
    if (!said) return [];
    const code = statusCode(said);
    const status = String(code);
    const routes = nginxRoutes(ctx);
    if (routes.length === 0) return [];
    for (const o of [...outputs(ctx.seen, 'search_pod_logs'), ...outputs(ctx.seen, 'get_pod_logs')]) {
      const pod = String(o.args['name'] ?? '');
      if (!CONTROLLER_POD.test(pod)) continue;
      const errors: NginxError[] = [];
      for (const l of logOutputLines(o)) {
        const e = nginxError(l);
        if (e && routes.some((r) => r.host === e.host)) errors.push(e);
      }
      // The message logged most often for the host, and what it means.
      const counts = new Map<string, { n: number; e: NginxError }>();
      for (const e of errors) {
        const c = counts.get(e.message.slice(0, 80));
        counts.set(e.message.slice(0, 80), { n: (c?.n ?? 0) + 1, e: c?.e ?? e });
      }
      const top = [...counts.values()].sort((a, b) => b.n - a.n)[0];
      // The meaning of the message alone (not of the request's path or a client's referrer), said of a
      // FastCGI upstream when the line names one; an error nginx answers with another status does not
      // explain the one reported.
      const fastcgi = top ? /, upstream: "fastcgi:\/\//.test(top.e.line) : false;
      const gloss = top ? logGloss(`${top.e.message}${fastcgi ? ' (upstream: fastcgi)' : ''}`) : undefined;
      if (!top || !gloss) continue;
      const answered = answeredWith(top.e.message);
      if (answered !== undefined && answered !== code) continue;
      // A host the person gave without a URL (`docs.example.org is down`) names the site loosely: only an
      // error of nginx's own limits (a header too big for its buffer) leads then; a refused or closed
      // upstream is the backend's, which the backend's own rules read better.
      if (!urlHosts(text).includes(top.e.host) && !top.e.message.includes('upstream sent too big header'))
        continue;
      // The route of the failing request: its host, and of its paths the longest that prefixes the request's.
      const route =
        routes
          .filter((r) => r.host === top.e.host && (top.e.path === '' || underPath(top.e.path, r.path)))
          .sort((a, b) => b.path.length - a.path.length)[0] ?? routes.find((r) => r.host === top.e.host)!;
      const at = String(o.args['namespace'] ?? '');
      const request = top.e.path ? ` for ${top.e.method} ${top.e.path}` : '';
      return [
        {
          weight: 96,
          object: `ingress ${route.ingress}`,
          cause: `the ${status} is the Ingress controller's own answer: ingress-nginx (pod ${pod}${at ? ` in namespace ${at}` : ''}), which serves ${route.host} for Ingress ${route.ingress} (service ${route.service}), logs ${top.n === 1 ? 'an error' : `${top.n} errors`}${request}: "${clip(top.e.message, 160)}"; ${gloss}`,
          evidence: [
            `search_pod_logs ${pod} for ${route.host}: "${clip(top.e.line, 240)}"`,
            `describe_resource Ingress ${route.ingress}: ${route.host} → service ${route.service}, class nginx`,
          ],
          advice: `act on the controller's error for ${route.host}${request} (see the cause), on Ingress ${route.ingress} or on what service ${route.service} sends back`,
          ...(top.e.message.includes('upstream sent too big header') && at ? bufferFix(ctx, at) : {}),
        },
      ];
    }
    return [];
  },
};
