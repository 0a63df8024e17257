import { accessStatus } from './asked-statuses.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  programLines,
  type Read,
} from './types.js';

/** A switch variable: `…_ENABLED`/`…_ENABLE` or `…_DISABLED`/`…_DISABLE` (and `ENABLE_…`, `DISABLE_…`). */
const SWITCH = /(?:^|_)(ENABLED?|DISABLED?)(?:_|$)/;

/** The path of an access line's request (`"GET /healthcheck/status.json HTTP/1.1"`), or undefined. */
function requestPath(line: string): string | undefined {
  const l = line.slice(0, 4000);
  // The request line (`"GET /x HTTP/1.1"`), else a field (logfmt `path=/x`, JSON `"uri":"/x"`).
  return (
    /"(?:GET|POST|PUT|PATCH|DELETE|HEAD) (\/[^\s"?]{0,300})/.exec(l)?.[1] ??
    /(?:^|[\s{,])"?(?:path|uri|url)"?\s{0,2}[=:]\s{0,2}"?(\/[^\s"?,}]{0,300})/.exec(l)?.[1]
  );
}

/** Switches that restrict or open something sensitive: turning one on is no repair of an endpoint. */
const SENSITIVE =
  /AUTH|BASIC|PROTECT|RESTRICT|SECUR|TOKEN|SIGNUP|SIGN_UP|REGIST|ADMIN|DEBUG|PROFIL|CONSOLE|PUBLIC|ANONYMOUS/i;

/** Refused requests (403, 404) of the pods of the namespace, by pod: their paths and one line each. */
function refusedPaths(ctx: AnalyzerContext) {
  const out: { pod: string; path: string; line: string; code: string; count: number }[] = [];
  const served = new Set<string>();
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns && !x.args['previous'],
  )) {
    const byPath = new Map<string, { line: string; code: string; count: number }>();
    for (const l of programLines(boundedLogLines(o.content))) {
      const code = accessStatus(l);
      const path = code ? requestPath(l) : undefined;
      if (!code || !path) continue;
      // A path the log shows served is not switched off.
      if (code.startsWith('2') || code.startsWith('3')) served.add(path);
      if (code !== '403' && code !== '404') continue;
      const e = byPath.get(path);
      if (e) e.count++;
      else byPath.set(path, { line: l.trim(), code, count: 1 });
    }
    for (const [path, e] of byPath) out.push({ pod: String(o.args['name'] ?? ''), path, ...e });
  }
  return out.filter((r) => !served.has(r.path));
}

/** The words of a path a switch's name would hold (`healthcheck` of `/healthcheck/status.json`). */
const pathWords = (path: string) =>
  path
    .toLowerCase()
    .split(/[/._-]/)
    .filter((w) => w.length >= 4 && !/^(?:json|html|index|api|v\d)$/.test(w));

/**
 * An endpoint the server itself has switched off: the access log refuses requests to a path (403 or 404)
 * while a variable of the serving container, named for that path's words, turns the feature off
 * (`PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED=false`, `DISABLE_METRICS=true`). The clients that call it (a
 * status page, an uptime monitor) fail while the rest works. The fix (`set_env`) turns the switch back on.
 * The read: the refusing pod's description.
 */
export const disabledEndpointAnalyzer: Analyzer = {
  name: 'disabled-endpoint',
  reads(ctx): Read[] {
    const [r] = refusedPaths(ctx);
    if (!r || outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).length) return [];
    return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }];
  },
  finds(ctx): Finding[] {
    for (const r of refusedPaths(ctx)) {
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop();
      if (!described) continue;
      const words = pathWords(r.path);
      for (const c of containerSections(described.content))
        for (const v of envOf(c.body)) {
          const kind = SWITCH.exec(v.name)?.[1];
          if (!kind) continue;
          const off = kind.startsWith('EN')
            ? /^(?:false|0|no|off)$/i.test(v.value)
            : /^(?:true|1|yes|on)$/i.test(v.value);
          if (!off || SENSITIVE.test(v.name)) continue;
          // A word of the path is a part of the name, or two adjacent parts (HEALTH_CHECK is healthcheck).
          const parts = v.name.toLowerCase().split('_');
          const names = new Set([...parts, ...parts.slice(1).map((p, i) => `${parts[i]}${p}`)]);
          if (!words.some((w) => names.has(w))) continue;
          const on = kind.startsWith('EN') ? 'true' : 'false';
          const deployment = podDeployment(r.pod);
          return [
            {
              weight: 82 + bonus(deployment ?? r.pod, ctx.hints),
              object: deployment ? `deployment ${deployment}` : `pod ${r.pod}`,
              cause: `the endpoint ${r.path} is switched off in the server's own configuration: ${v.name}=${v.value} (an environment variable of container ${c.name}), so every request to it is refused (${r.count} × ${r.code} in the access log: "${clip(r.line, 160)}"), while the rest of the program works; whatever calls that endpoint (a status page, an uptime monitor) fails`,
              evidence: [
                `get_pod_logs ${r.pod}: "${clip(r.line, 160)}"`,
                `describe_pod ${r.pod}: ${v.name}=${v.value}`,
              ],
              advice: `set ${v.name}=${on} on ${deployment ?? r.pod} to switch the endpoint back on (if it was turned off on purpose, as hardening, point the monitor at another check instead)`,
              ...envFix(
                ctx.ns,
                deployment,
                c.name,
                [{ name: v.name, value: on }],
                `set ${v.name}=${on} on ${deployment}/${c.name}`,
              ),
            },
          ];
        }
    }
    return [];
  },
};
