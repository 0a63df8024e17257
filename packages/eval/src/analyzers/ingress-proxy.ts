import {
  type Analyzer,
  bonus,
  type CpuUse,
  clip,
  cpuUse,
  type Finding,
  flat,
  linesWith,
  listedReads,
  logOutputLines,
  namespacePods,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

const GATEWAY_TIMEOUT = /\b504s?\b|gateway time-?out/i;
// Long-lived connections the person reports cut: WebSockets (and server-sent events) through the proxy.
const WEBSOCKET = /\bweb-?sockets?\b|\bwss?:\/\/|\breconnect(?:s|ing)?\b|server-sent events/i;
/** What a program reconnects to when it is not a browser's live connection: a database or a broker. */
const BACKEND_RECONNECT =
  /\breconnect\w{0,3}\s{1,3}(?:to\s{1,3})?(?:its\s{1,3}|the\s{1,3})?(?:\w{1,20}\s{1,3})?(?:database|db|postgres\w{0,3}|mysql|redis|kafka|broker|rabbitmq|mongo\w{0,2}|queue)\b/i;
/** Whether the task speaks of cut live connections (WebSockets, SSE), not a backend client reconnecting. */
function liveConnections(text: string): boolean {
  return (
    WEBSOCKET.test(text) &&
    !(BACKEND_RECONNECT.test(text) && !/\bweb-?sockets?\b|\bwss?:\/\/|server-sent events/i.test(text))
  );
}
const NOT_FOUND = /\b404s?\b|not found page|page not found/i;
// What a backend logs when the proxy in front gave up on a response it was still writing.
const CLIENT_GONE = [
  'broken pipe',
  'client went away',
  'client disconnected',
  'context canceled',
  'connection reset by peer',
];

/** An Ingress served by ingress-nginx: its class is nginx, by ingressClassName or the old annotation. */
const isNginx = (text: string) =>
  /nginx/i.test(flat(text, 'ingressClassName') ?? '') ||
  /kubernetes\.io\/ingress\.class[=:]\s?nginx/i.test(text);

/**
 * A cloud load balancer an Ingress class stands for, with the request timeout it applies to the backend's
 * answer: Azure Application Gateway (AGIC: the `appgw.ingress.kubernetes.io/request-timeout` annotation,
 * 30 s by default, AGIC's annotations docs), Google's load balancer (ingress-gce: a BackendConfig's
 * `timeoutSec`, 30 s by default) and AWS's ALB (the load balancer's `idle_timeout.timeout_seconds`, 60 s).
 */
function cloudGateway(
  text: string,
): { product: string; seconds: number; set: boolean; setting: string } | undefined {
  const cls =
    flat(text, 'ingressClassName') ?? /kubernetes\.io\/ingress\.class[=:]\s?(\S{1,60})/.exec(text)?.[1] ?? '';
  if (
    /application-gateway|azure\/application-gateway/i.test(cls) ||
    /\bappgw\.ingress\.kubernetes\.io\//.test(text)
  ) {
    const v = /appgw\.ingress\.kubernetes\.io\/request-timeout[=:]\s?"?(\d{1,6})/.exec(text)?.[1];
    return {
      product: 'Azure Application Gateway (AGIC)',
      seconds: v ? Number(v) : 30,
      set: v !== undefined,
      setting: 'appgw.ingress.kubernetes.io/request-timeout',
    };
  }
  if (/^gce(?:-internal)?$/i.test(cls))
    return {
      product: "Google Cloud's load balancer (ingress-gce)",
      seconds: 30,
      set: false,
      setting: "a BackendConfig's timeoutSec",
    };
  if (/^alb$/i.test(cls) || /\balb\.ingress\.kubernetes\.io\//.test(text)) {
    const v = /idle_timeout\.timeout_seconds=(\d{1,6})/.exec(text)?.[1];
    return {
      product: 'the AWS Application Load Balancer',
      seconds: v ? Number(v) : 60,
      set: v !== undefined,
      setting: 'alb.ingress.kubernetes.io/load-balancer-attributes idle_timeout.timeout_seconds',
    };
  }
  return undefined;
}

/** Literal words of a backend's line about a long request finishing or its client leaving (search_pod_logs' alternatives). */
const LONG_REQUEST_WORDS =
  'finished in|completed in|took|closed by the client|broken pipe|client disconnected';

/** A request's duration a backend logs when it finishes (`finished in 34.61s`, ASP.NET's `… 34612.0914ms`), in seconds. */
const FINISHED_IN =
  /\b(?:finished|completed|done|took|duration|elapsed|served)\b[^\n]{0,300}?(?<![\w.])(?:(\d{1,4})h)?(?:(\d{1,4})m(?!s))?(\d{1,7}(?:\.\d{1,6})?) ?(ms|s)\b(?![\w.])/i;

/** The seconds of a FINISHED_IN match: Go's `1m12.482s` and `1h2m3s` too, `ms` divided by 1,000. */
function finishedSeconds(m: RegExpExecArray): number {
  const last = Number(m[3]) / (m[4]!.toLowerCase() === 'ms' ? 1000 : 1);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + last;
}

/** The lines of a backend's log text that say a request finished after more than `seconds`, with the duration. */
function longRequests(text: string, seconds: number): { line: string; sec: number }[] {
  return text
    .slice(-200_000)
    .split('\n')
    .slice(-5000)
    .map((line) => {
      const m = line.length <= 4000 ? FINISHED_IN.exec(line) : null;
      return { line, sec: m ? finishedSeconds(m) : 0 };
    })
    .filter((x) => x.sec > seconds);
}

const REDIRECT_LOOP =
  /too many redirects|redirect loop|ERR_TOO_MANY_REDIRECTS|redirects? (?:forever|endlessly|in a loop)/i;

/**
 * A redirect loop at an ingress-nginx behind a load balancer that terminates TLS: the controller
 * redirects plain HTTP to HTTPS (ssl-redirect, a 308) for hosts with a tls section, and it knows a
 * request arrived as HTTPS only from X-Forwarded-Proto, which it trusts only with
 * `use-forwarded-headers: "true"` in its ConfigMap (kubernetes.github.io/ingress-nginx, ConfigMap
 * options and "Server-side HTTPS enforcement through redirect"). Without it every request looks like
 * HTTP and is redirected again. Found when the question reports a redirect loop and the controller's
 * access log shows the 308s (or 301s).
 */
function redirectLoop(task: string, seen: Parameters<Analyzer['finds']>[0]['seen']): Finding | undefined {
  if (!REDIRECT_LOOP.test(task)) return undefined;
  for (const l of outputs(seen, 'get_pod_logs')) {
    const redirects = l.content.split('\n').filter((x) => /" 30[18] \d/.test(x));
    if (redirects.length < 3) continue;
    const trusted = outputs(seen, 'describe_resource', (o) =>
      /configmaps?/i.test(String(o.args['kind'])),
    ).some((o) => /use-forwarded-headers:\s*"?true/.test(o.content));
    if (trusted) continue;
    const pod = String(l.args['name'] ?? '');
    return {
      weight: 90,
      object: `pod ${pod}`,
      cause: `the Ingress controller (ingress-nginx, pod ${pod}) answers every request with a redirect (${redirects.length} of its access-log lines are 308/301s: "${clip(redirects[0]!.trim(), 120)}"): behind a load balancer that terminates TLS and forwards plain HTTP, ingress-nginx sees each request as HTTP, and for a host with a tls section its ssl-redirect sends it to https:// again, a redirect loop (ERR_TOO_MANY_REDIRECTS); it only knows the request was HTTPS from the X-Forwarded-Proto header, which it trusts only with use-forwarded-headers: "true" in its ConfigMap (a chart upgrade that moved or dropped that setting causes this)`,
      evidence: [
        `get_pod_logs ${pod}: ${redirects.length} redirect responses, e.g. "${clip(redirects[0]!.trim(), 140)}"`,
      ],
      advice: `set use-forwarded-headers: "true" in the ingress-nginx controller's ConfigMap (the chart's controller.config), so the controller trusts X-Forwarded-Proto from the load balancer; the certificate is not the cause`,
    };
  }
  return undefined;
}

/** The Services an Ingress routes to (every `…backend.service.name:` line of its description), at most eight. */
function backendsOf(described: string): string[] {
  const out: string[] = [];
  for (const line of described.split('\n')) {
    const m = /backend\.service\.name:\s*([a-z0-9][a-z0-9-]{0,62})\s*$/.exec(line);
    if (m && !out.includes(m[1]!)) out.push(m[1]!);
    if (out.length >= 8) break;
  }
  return out;
}

/** Containers of the namespace at 95 % or more of their CPU limit, from `get_pod_metrics`. */
function cpuPinned(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): CpuUse[] {
  return cpuUse(seen, (x) => x.args['namespace'] === ns).filter((c) => c.pct >= 95);
}

/**
 * Two ways an Ingress served by ingress-nginx answers for the app (kubernetes.github.io/ingress-nginx,
 * "Annotations"): a 504 when the backend takes longer than proxy-read-timeout (60 s by default) to
 * answer, which the controller returns itself while the app is healthy; and a 404 from the app when
 * the Ingress routes a path prefix (/help) to an app that serves at /: the controller passes the path
 * on unchanged unless rewrite-target strips the prefix. Found when the question reports that status
 * and an nginx Ingress of the namespace fits it.
 */
export const ingressProxyAnalyzer: Analyzer = {
  name: 'ingress-proxy',
  // The question names the proxy's status (504, 404) or cut WebSockets: the Ingress is read before the
  // Services and dependencies, so a short budget does not end first.
  first: true,
  reads({ task, ns, seen, hints }): Read[] {
    const text = task.slice(0, 4000);
    const timeout = GATEWAY_TIMEOUT.test(text);
    if (!timeout && !NOT_FOUND.test(text) && !liveConnections(text)) return [];
    const reads = listedReads(seen, ns, 'Ingress', 'describe_resource', 2, (name) => bonus(name, hints));
    // A 504 from a backend too slow to answer in time: its CPU use against its limit says whether it is throttled.
    if (timeout && outputs(seen, 'get_pod_metrics', (o) => o.args['namespace'] === ns).length === 0)
      reads.push({ tool: 'get_pod_metrics', args: { namespace: ns } });
    // What the backend logged for those requests: one Running pod of each Ingress's backend Service.
    const pods = namespacePods({ task, ns, seen, hints });
    for (const o of outputs(
      seen,
      'describe_resource',
      (x) => x.args['kind'] === 'Ingress' && x.args['namespace'] === ns,
    )) {
      const backend = flat(o.content, 'rules[0].http.paths[0].backend.service.name');
      const pod = backend
        ? pods.find((r) => (r['NAME'] ?? '').startsWith(`${backend}-`) && r['STATUS'] === 'Running')?.['NAME']
        : undefined;
      if (pod) reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: pod } });
      // Behind a cloud gateway: the backend's finished requests and their durations, when its log's tail
      // (health checks) hides them: a search of the whole log of the pod read.
      const cloud = timeout && !isNginx(o.content) ? cloudGateway(o.content) : undefined;
      const read =
        cloud && pod ? outputs(seen, 'get_pod_logs', (x) => x.args['name'] === pod).pop() : undefined;
      if (
        cloud &&
        read &&
        longRequests(read.content, cloud.seconds).length === 0 &&
        outputs(
          seen,
          'search_pod_logs',
          (x) => x.args['name'] === pod && x.args['pattern'] === LONG_REQUEST_WORDS,
        ).length === 0
      )
        reads.push({
          tool: 'search_pod_logs',
          args: { namespace: ns, name: pod, pattern: LONG_REQUEST_WORDS, context: 0, maxMatches: 40 },
        });
    }
    return reads;
  },
  finds({ task, ns, seen, hints }) {
    const text = task.slice(0, 4000);
    const loop = redirectLoop(text, seen);
    if (loop) return [loop];
    const timeout = GATEWAY_TIMEOUT.test(text);
    const notFound = NOT_FOUND.test(text);
    const websocket = !timeout && !notFound && liveConnections(text);
    if (!timeout && !notFound && !websocket) return [];
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns);
    const ingresses = outputs(
      seen,
      'describe_resource',
      (x) => x.args['kind'] === 'Ingress' && x.args['namespace'] === ns,
    );
    // The Ingresses that route to what the person names, when any does: another one's settings do not
    // explain their failures.
    const named = ingresses.filter(
      (o) =>
        bonus(String(o.args['name'] ?? ''), hints) > 0 ||
        backendsOf(o.content).some((b) => bonus(b, hints) > 0),
    );
    for (const o of named.length > 0 ? named : ingresses) {
      const cloud = isNginx(o.content) ? undefined : cloudGateway(o.content);
      if (cloud && timeout) {
        const name = String(o.args['name'] ?? '');
        const backends = backendsOf(o.content);
        // The backend's requests that ran longer than the gateway waits: in its logs read or searched.
        const ofBackend = (l: { args: Record<string, unknown> }) =>
          backends.length === 0 || backends.some((b) => String(l.args['name']).startsWith(`${b}-`));
        const backendLogs = [
          ...logs.filter(ofBackend),
          ...outputs(seen, 'search_pod_logs', (x) => x.args['namespace'] === ns && ofBackend(x)).map((x) => ({
            ...x,
            content: logOutputLines(x).join('\n'),
          })),
        ];
        const longer = backendLogs.flatMap((l) =>
          longRequests(l.content, cloud.seconds).map((x) => ({ ...x, pod: String(l.args['name']) })),
        );
        const gone = backendLogs
          .map((l) => ({
            pod: String(l.args['name']),
            line: linesWith(l.content, [...CLIENT_GONE, 'closed by the client']).pop(),
          }))
          .find((x) => x.line);
        if (longer.length === 0 && !gone) continue;
        const slowest = [...new Set(longer.map((x) => `${Math.round(x.sec * 10) / 10} s`))].slice(0, 3);
        return [
          {
            weight: 88 + bonus(name, hints) + Math.max(0, ...backends.map((b) => bonus(b, hints))),
            object: `ingress ${name}`,
            cause: `the 504 Gateway Timeout comes from the gateway in front, ${cloud.product} for Ingress ${name}, not from ${backends.join(', ') || 'the backend'}: it waits at most ${cloud.seconds} s for the backend's response (${cloud.set ? `${cloud.setting} set to ${cloud.seconds}` : `its default request timeout of ${cloud.seconds} seconds, as no ${cloud.setting} is set`}), then answers 504 and drops the request, and the long requests take longer than that${slowest.length ? ` (${slowest.join(', ')} in ${longer[0]!.pod}'s log: "${clip(longer[0]!.line.trim(), 140)}")` : ''}${gone ? `, after which the backend finds the client gone ("${clip(gone.line!, 120)}")` : ''}; small requests finish in time, and the pods keep up with the load`,
            evidence: [
              `describe_resource Ingress ${name}: class ${flat(o.content, 'ingressClassName') ?? '(annotation)'}, ${cloud.set ? `${cloud.setting} ${cloud.seconds}` : `no ${cloud.setting} (${cloud.seconds} s default)`}`,
              ...(longer[0] ? [`get_pod_logs ${longer[0].pod}: "${clip(longer[0].line.trim(), 160)}"`] : []),
              ...(gone ? [`get_pod_logs ${gone.pod}: "${clip(gone.line!, 140)}"`] : []),
            ],
            advice: `raise the gateway's request timeout for Ingress ${name} above the longest request (${cloud.setting}, for example to ${Math.max(120, Math.ceil((longer[0]?.sec ?? cloud.seconds) * 3))}), or make the long export asynchronous (start it, then poll or download when ready); more replicas would not shorten one request`,
          } satisfies Finding,
        ];
      }
      if (!isNginx(o.content)) continue;
      const name = String(o.args['name'] ?? '');
      const backend = flat(o.content, 'rules[0].http.paths[0].backend.service.name');
      const set = /proxy-read-timeout[=:]\s?(\d{1,6})/.exec(o.content)?.[1];
      const readTimeout = set
        ? `proxy-read-timeout ${set} s, set by annotation`
        : 'proxy-read-timeout, 60 seconds by default, as no nginx.ingress.kubernetes.io/proxy-read-timeout annotation is set';
      if (websocket && (!set || Number(set) < 600)) {
        const backends = backendsOf(o.content);
        return [
          {
            weight: 84 + bonus(name, hints) + Math.max(0, ...backends.map((b) => bonus(b, hints))),
            object: `ingress ${name}`,
            cause: `the WebSocket connections to ${backends.join(', ') || 'the backend'} are closed by the Ingress controller (ingress-nginx), not by the pods: for Ingress ${name} it closes a proxied connection on which nothing was read for ${readTimeout}; an idle WebSocket (a wall screen waiting for updates) carries no data for that long, so it is cut about once a minute and the client reconnects, most often when nothing is happening, while the pods stay healthy and do not restart`,
            evidence: [
              `describe_resource Ingress ${name}: ingressClassName nginx, ${set ? `proxy-read-timeout ${set}` : 'no proxy-read-timeout annotation (60 s default)'}`,
            ],
            advice: `set nginx.ingress.kubernetes.io/proxy-read-timeout and proxy-send-timeout (for example "3600") on Ingress ${name}, or have the server or client send a ping more often than every 60 seconds; the WebSocket upgrade itself needs no annotation`,
          } satisfies Finding,
        ];
      }
      if (timeout) {
        // The backend pinned at its CPU limit: throttled, it answers more slowly than the controller waits.
        const pinned = cpuPinned(seen, ns).find((p) =>
          backendsOf(o.content).some((b) => p.pod.startsWith(`${b}-`)),
        );
        if (pinned) {
          const deployment = podDeployment(pinned.pod) ?? pinned.pod;
          return [
            {
              weight: 88 + bonus(deployment, hints),
              object: `deployment ${deployment}`,
              cause: `the 504 Gateway Timeout comes from the Ingress controller giving up on ${deployment}, and ${deployment} is slow because it is CPU throttled: its container ${pinned.container} uses ${pinned.usage} of its ${pinned.limit} CPU limit (${pinned.pct}%), so the kernel's CFS quota throttles it and requests queue until they outlast ${readTimeout}; the ingress controller itself is not at fault`,
              evidence: [
                `get_pod_metrics ${pinned.pod}: ${pinned.line}`,
                `describe_resource Ingress ${name}: ingressClassName nginx`,
              ],
              advice: `raise (or remove) the CPU limit of ${deployment}/${pinned.container}, or add replicas, so it is not throttled under this load; a longer proxy timeout would only make callers wait longer`,
            } satisfies Finding,
          ];
        }
        const gone = logs
          .filter((l) => !backend || String(l.args['name']).startsWith(`${backend}-`))
          .map((l) => ({ pod: String(l.args['name']), line: linesWith(l.content, CLIENT_GONE).pop() }))
          .find((x) => x.line);
        return [
          {
            weight: 84 + bonus(name, hints),
            object: `ingress ${name}`,
            cause: `the 504 Gateway Timeout comes from the Ingress controller (ingress-nginx), not from ${backend ?? 'the backend'}: for Ingress ${name} it waits at most proxy-read-timeout (${set ? `${set} s, set by annotation` : '60 seconds, the default, as no nginx.ingress.kubernetes.io/proxy-read-timeout annotation is set'}) for the backend's response, then answers 504 and closes the connection; a request that takes longer (a large export) outlives that read timeout while the pods stay healthy${
              gone ? `, and the backend logs the client going away ("${clip(gone.line!, 120)}")` : ''
            }`,
            evidence: [
              `describe_resource Ingress ${name}: ingressClassName nginx, ${set ? `proxy-read-timeout ${set}` : 'no proxy-read-timeout annotation (60 s default)'}`,
              ...(gone ? [`get_pod_logs ${gone.pod}: "${clip(gone.line!, 140)}"`] : []),
            ],
            advice: `raise nginx.ingress.kubernetes.io/proxy-read-timeout (and proxy-send-timeout) on Ingress ${name} above the longest request, or make the long request asynchronous (start it, then poll); more CPU for the backend does not change the timeout`,
          } satisfies Finding,
        ];
      }
      if (notFound) {
        const unrouted = unroutedRequest(o.content, logs);
        if (unrouted) {
          const paths = ingressPaths(o.content);
          const served = backendServes(logs, paths);
          return [
            {
              weight: 90 + bonus(name, hints),
              object: `ingress ${name}`,
              cause: `the 404 comes from the Ingress controller, not from a backend: ${unrouted.client} requests ${unrouted.path} (its log: "${clip(unrouted.line.trim(), 140)}"), and Ingress ${name} has no rule for that path (its paths: ${paths.join(', ')}), so ingress-nginx answers it from its default backend with 404 Not Found${served ? `; the backend serves its own path fine (its log: "${clip(served, 100)}")` : ''}`,
              evidence: [
                `get_pod_logs ${unrouted.pod}: ${clip(unrouted.line.trim(), 160)}`,
                `describe_resource Ingress ${name}: paths ${paths.join(', ')}`,
              ],
              advice: `add a rule for ${unrouted.prefix} to Ingress ${name} (routing it to the service that serves it, with a rewrite if that service expects another path), or have ${unrouted.client} call a path the Ingress routes`,
            } satisfies Finding,
          ];
        }
      }
      const path = flat(o.content, 'rules[0].http.paths[0].path');
      if (
        notFound &&
        path &&
        path !== '/' &&
        !/rewrite-target/.test(o.content) &&
        !backendServes(
          logs.filter((l) => !backend || String(l.args['name']).startsWith(`${backend}-`)),
          [path],
        )
      ) {
        return [
          {
            weight: 88 + bonus(name, hints),
            object: `ingress ${name}`,
            cause: `Ingress ${name} routes the path prefix ${path} to ${backend ?? 'its backend'}, and ingress-nginx forwards the full path unchanged (${path}/… reaches the app as ${path}/…, not /…) because no nginx.ingress.kubernetes.io/rewrite-target annotation strips the prefix; an app that serves at / answers 404 for every ${path} URL, so the controller routes fine and the 404 comes from the app`,
            evidence: [
              `describe_resource Ingress ${name}: path ${path} (${flat(o.content, 'rules[0].http.paths[0].pathType') ?? 'Prefix'}), ingressClassName nginx, no rewrite-target annotation`,
            ],
            advice: `strip the prefix with nginx.ingress.kubernetes.io/rewrite-target: /$2 and a path of ${path}(/|$)(.*) (pathType ImplementationSpecific), or set the app's base path to ${path}`,
          } satisfies Finding,
        ];
      }
    }
    return [];
  },
};

/** Every path of an Ingress's rules, from its flattened description (`rules[i].http.paths[j].path`). */
function ingressPaths(describe: string): string[] {
  return [...describe.matchAll(/rules\[\d{1,3}\]\.http\.paths\[\d{1,3}\]\.path:\s{0,4}(\/\S{0,200})/g)].map(
    (m) => m[1]!,
  );
}

/** Whether a path falls under an Ingress path (Prefix matching by whole segments; `/` matches all). */
export function underPath(path: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

/**
 * The request a log line reports (`GET https://host/path?query … 404`): its path and what follows it.
 * A method token, then one whitespace-free token, so the work is linear in the line.
 */
function requestOf(line: string): { path: string; rest: string } | undefined {
  const m = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD)\s{1,3}(\S{1,2000})/i.exec(line.slice(0, 4000));
  if (!m) return undefined;
  const target = m[1]!.replace(/^https?:\/\/[^/\s]{1,300}/i, '');
  if (!target.startsWith('/')) return undefined;
  const path = target.split(/[?#"]/, 1)[0]!;
  return { path, rest: line.slice(m.index + m[0].length, m.index + m[0].length + 300) };
}

/**
 * A request some pod logged as answered 404 whose path falls under none of the Ingress's paths: the
 * controller's default backend answered it. The client is the logging pod's workload.
 */
function unroutedRequest(
  describe: string,
  logs: readonly { args: Record<string, unknown>; content: string }[],
): { client: string; pod: string; path: string; prefix: string; line: string } | undefined {
  const paths = ingressPaths(describe);
  if (paths.length === 0) return undefined;
  for (const l of logs) {
    for (const line of l.content.split('\n')) {
      const req = requestOf(line);
      if (!req || !/\b404\b/.test(req.rest)) continue;
      const path = req.path;
      if (paths.some((p) => underPath(path, p))) continue;
      const pod = String(l.args['name'] ?? '');
      const client = podDeployment(pod) ?? pod;
      // The first two segments name what was asked for (/v2/catalog).
      const prefix = `/${path.split('/').filter(Boolean).slice(0, 2).join('/')}`;
      return { client, pod, path, prefix, line };
    }
  }
  return undefined;
}

/** A line of a backend's log answering a request under one of the paths with a 2xx: it serves that path itself. */
function backendServes(logs: readonly { content: string }[], paths: readonly string[]): string | undefined {
  for (const l of logs)
    for (const line of l.content.split('\n')) {
      const m = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD)\s{1,3}(\/[^\s?#"]{0,300})[^\n]{0,120}?\b2\d\d\b/.exec(
        line,
      );
      if (m && paths.some((p) => p !== '/' && underPath(m[1]!, p))) return line.trim();
    }
  return undefined;
}
