import { parseTable } from '../k8s-text.js';
import { envOf, loggedContainers } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  configMapText,
  containerSections,
  envFix,
  envFromConfigMaps,
  type Finding,
  namespaceNames,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
} from './types.js';

/** A refused connection to the pod's own loopback address, with the port: `127.0.0.1:2379`, `localhost:2379`. */
const LOOPBACK_REFUSED =
  /(?<![\w.-])(?:127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})\b[^\n]{0,200}?\b(?:connection refused|ECONNREFUSED|refused)\b|\b(?:connection refused|ECONNREFUSED)\b[^\n]{0,200}?(?<![\w.-])(?:127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})\b/i;
/** A loopback address with the port in a setting's value. */
const LOOPBACK = /(?<![\w.-])(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})\b/;
/** Parts of a name that say how, not what: left out when a variable is matched to a Service's name. */
const GENERIC = new Set([
  'HOST',
  'HOSTS',
  'URL',
  'URI',
  'ADDR',
  'ADDRESS',
  'PORT',
  'ENDPOINT',
  'ENDPOINTS',
  'SERVER',
  'SERVERS',
]);

function parts(name: string): string[] {
  return name
    .toUpperCase()
    .split(/[_.-]+/)
    .filter((p) => p.length > 2 && !GENERIC.has(p));
}

interface Loop {
  readonly ns: string;
  readonly pod: string;
  readonly line: string;
  readonly port: string;
}

/** A pod of `ctx.ns` whose log (current or previous) shows a refused connection to its own loopback. */
function loopRefused(ctx: AnalyzerContext): Loop | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && LOOPBACK_REFUSED.test(l));
    if (!line) continue;
    const m = LOOPBACK_REFUSED.exec(line)!;
    return { ns: ctx.ns, pod: String(o.args['name'] ?? ''), line: line.trim(), port: (m[1] ?? m[2])! };
  }
  return undefined;
}

/** The namespaces the task names as a word, this one left out. */
function namedNamespaces(ctx: AnalyzerContext): string[] {
  const words = new Set(
    ctx.task
      .slice(0, 4000)
      .toLowerCase()
      .match(/[a-z0-9][a-z0-9-]{0,62}/g) ?? [],
  );
  return namespaceNames(ctx.seen).filter((n) => n !== ctx.ns && words.has(n));
}

/**
 * A program whose own setting points it at localhost. A chart's default (`http://127.0.0.1:2379`) left in
 * a variable sends the program to the pod itself, where nothing listens, so it is refused and crashes;
 * what it should reach is a Service of the cluster on that port. Found from the pod's log (a refused
 * connection to its loopback address and port), its description (the one variable whose value holds
 * that loopback address and port; no other container of the pod declares the port, a sidecar that
 * localhost rightly names) and the Services of the namespaces the task names (read when not
 * read yet): the one that serves the port and whose name shares a telling word with the variable's
 * (ETCD in GATEWAY_ETCD_HOST and config-etcd). The fix sets the variable to that Service's DNS name,
 * scheme, port and path kept, through `set_env`.
 */
export const localhostSettingAnalyzer: Analyzer = {
  name: 'localhost-setting',
  reads(ctx): Read[] {
    const loop = loopRefused(ctx);
    if (!loop) return [];
    if (namespaceNames(ctx.seen).length === 0)
      return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    return namedNamespaces(ctx)
      .filter((n) => !outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === n).length)
      .slice(0, 2)
      .map((namespace) => ({ tool: 'list_services', args: { namespace } }));
  },
  finds(ctx): Finding[] {
    const loop = loopRefused(ctx);
    if (!loop) return [];
    const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === loop.pod).pop();
    const logged = log ? loggedContainers(ctx.seen, ctx.ns, log) : undefined;
    if (!logged) return [];
    for (const c of logged.containers) {
      const vars = envOf(c.body).filter((e) => LOOPBACK.exec(e.value)?.[2] === loop.port);
      if (vars.length === 0) {
        const unset = unsetHost(ctx, loop, c, logged.described.content);
        if (unset) return [unset];
      }
      if (vars.length !== 1) continue;
      // Another container of the pod that declares the port (a sidecar proxy) is what localhost means.
      const sidecar = containerSections(logged.described.content).some(
        (o) => o.name !== c.name && new RegExp(`\\b${loop.port}/(?:TCP|UDP|SCTP)\\b`).test(o.body),
      );
      if (sidecar) return [];
      const v = vars[0]!;
      const owner = ownerDeployment(logged.described.content);
      const own = new Set(parts(owner ?? loop.pod));
      const telling = parts(v.name).filter((p) => !own.has(p));
      const services = outputs(ctx.seen, 'list_services').flatMap((o) =>
        parseTable(o.content).map((r) => ({ r, ns: String(o.args['namespace'] ?? '') })),
      );
      const serving = services.filter(
        ({ r, ns }) =>
          ns !== ctx.ns &&
          (r['PORT(S)'] ?? '').split(',').some((p) => p.split('/')[0]?.split(':')[0] === loop.port) &&
          telling.some((t) => (r['NAME'] ?? '').toUpperCase().split('-').includes(t)),
      );
      if (serving.length !== 1) continue;
      const target = `${serving[0]!.r['NAME']}.${serving[0]!.ns}.svc`;
      const endpoints = serving[0]!.r['ENDPOINTS'] ?? '';
      const up = endpoints !== '' && endpoints !== '<none>' ? ', which has endpoints' : '';
      const value = v.value.replace(LOOPBACK, `${target}:${loop.port}`);
      return [
        {
          weight: 92,
          object: podObject(owner, loop.pod),
          cause: `${owner ?? loop.pod}'s ${v.name} points it at ${clip(v.value, 80)}: localhost inside a pod is the pod itself, where nothing listens on port ${loop.port}, so every connection is refused ("${clip(loop.line, 160)}") and the program fails; the setting was left at a default instead of the Service it should reach, ${target} (port ${loop.port})${up}`,
          evidence: [
            `get_pod_logs ${loop.pod}: "${clip(loop.line, 180)}"`,
            `describe_pod ${loop.pod}: ${v.name}: ${clip(v.value, 100)}`,
            `list_services ${serving[0]!.ns}: ${serving[0]!.r['NAME']} ${serving[0]!.r['PORT(S)'] ?? ''}`,
          ],
          advice: `set ${v.name} of ${owner ?? loop.pod} to ${value}, the Service that serves port ${loop.port}`,
          ...envFix(
            ctx.ns,
            owner,
            c.name,
            [{ name: v.name, value }],
            `set ${v.name} of ${owner}/${c.name} to ${value}, instead of localhost`,
          ),
        },
      ];
    }
    return [];
  },
};

/** The names of a container section's variables, literal or not (`NAME:  value`, `NAME:  <set to …>`). */
function variableNames(body: string): string[] {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^\s*Environment:\s*$/.test(l));
  if (at < 0) return [];
  const indent = (lines[at]!.match(/^\s*/)?.[0].length ?? 0) + 1;
  const out: string[] = [];
  for (const l of lines.slice(at + 1, at + 201)) {
    if ((l.match(/^\s*/)?.[0].length ?? 0) < indent || !l.trim()) break;
    const m = /^\s*([A-Z][A-Z0-9_]{0,127}):\s/.exec(l);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** The prefix (`APP_`) that at least two of the variables share, the longest first word that does. */
function sharedPrefix(names: readonly string[]): string | undefined {
  const count = new Map<string, number>();
  for (const n of names) {
    const at = n.indexOf('_');
    if (at > 1) count.set(n.slice(0, at + 1), (count.get(n.slice(0, at + 1)) ?? 0) + 1);
  }
  return [...count.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)[0]?.[0];
}

/**
 * A program refused on localhost because no variable names its server: its variables share a prefix
 * (`APP_TOKEN`, `APP_INSECURE`), none of them holds a host, and such a program falls back to localhost
 * for the server it was not told about. When exactly one Service (this namespace first, its own
 * Service aside) serves the refused port, the setting to add is `<prefix>HOST`, the prefix's host
 * variable, set to that Service's DNS name with the scheme and port the log shows.
 */
function unsetHost(
  ctx: AnalyzerContext,
  loop: Loop,
  c: { name: string; body: string },
  described: string,
): Finding | undefined {
  const names = variableNames(c.body);
  const prefix = sharedPrefix(names);
  if (
    !prefix ||
    names.some(
      (n) => n.startsWith(prefix) && /HOST|URL|ADDR|SERVER|ENDPOINT|URI/.test(n.slice(prefix.length)),
    )
  )
    return undefined;
  // Another container of the pod that declares the port (a local proxy) is what localhost means.
  const sidecar = containerSections(described).some(
    (o) => o.name !== c.name && new RegExp(`\\b${loop.port}/(?:TCP|UDP|SCTP)\\b`).test(o.body),
  );
  if (sidecar) return undefined;
  // Variables from ConfigMaps (envFrom) may name the server: a read one that does rules the rule out,
  // an unread one leaves the finding without a change to make.
  const fromMaps = envFromConfigMaps(c.body);
  const mapTexts = fromMaps.map((n) => configMapText(ctx.seen, n, ctx.ns));
  const hostKey = new RegExp(`^\\s{0,4}${prefix}(?:HOST|URL|ADDR|SERVER|ENDPOINT|URI)\\w{0,20}:`, 'm');
  if (mapTexts.some((t) => t !== undefined && hostKey.test(t))) return undefined;
  const unread = mapTexts.some((t) => t === undefined);
  const owner = ownerDeployment(described);
  // A Service of another namespace counts only when a word of its name ties it to the program.
  const ties = [prefix.replace(/_$/, ''), ...(owner ?? loop.pod).split('-')]
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 3);
  const serving = outputs(ctx.seen, 'list_services')
    .flatMap((o) => parseTable(o.content).map((r) => ({ r, ns: String(o.args['namespace'] ?? '') })))
    .filter(
      ({ r }) =>
        r['NAME'] !== owner &&
        (r['PORT(S)'] ?? '').split(',').some((p) => p.split('/')[0]?.split(':')[0] === loop.port),
    );
  const here = serving.filter((x) => x.ns === ctx.ns);
  const tied = serving.filter((x) =>
    (x.r['NAME'] ?? '').split('-').some((w) => ties.includes(w.toLowerCase())),
  );
  const pick = here.length > 0 ? here : tied;
  if (pick.length !== 1) return undefined;
  const svc = pick[0]!;
  const scheme = /\b(https?|wss?|grpcs?):\/\/(?:127\.0\.0\.1|localhost|\[::1\]):/i
    .exec(loop.line)?.[1]
    ?.toLowerCase();
  const variable = `${prefix}HOST`;
  // A prefix with a port variable of its own (REDIS_PORT) takes a bare host name.
  const ownPort = names.includes(`${prefix}PORT`);
  const value = ownPort
    ? `${svc.r['NAME']}.${svc.ns}.svc`
    : `${scheme ? `${scheme}://` : ''}${svc.r['NAME']}.${svc.ns}.svc:${loop.port}`;
  return {
    weight: 90,
    object: podObject(owner, loop.pod),
    cause: `${owner ?? loop.pod} is not told where its server is: its ${prefix} variables (${names.filter((n) => n.startsWith(prefix)).join(', ')}) set no server host or URL, so the program falls back to localhost, and localhost inside a pod is the pod itself, where nothing listens on port ${loop.port}: every connection is refused ("${clip(loop.line, 160)}") and it never becomes ready. The server it should reach is the Service ${svc.r['NAME']}${svc.ns !== ctx.ns ? ` in ${svc.ns}` : ''}, which serves port ${loop.port}; the credentials are not what fails`,
    evidence: [
      `get_pod_logs ${loop.pod}: "${clip(loop.line, 180)}"`,
      `describe_pod ${loop.pod}: container ${c.name}: ${names.join(', ')} (no server host)`,
      `list_services ${svc.ns}: ${svc.r['NAME']} ${svc.r['PORT(S)'] ?? ''}`,
    ],
    advice: `set ${variable} on ${owner ?? loop.pod} to ${value} (the server host setting of its ${prefix} variables), so it reaches the Service instead of localhost`,
    ...(unread
      ? {}
      : envFix(
          ctx.ns,
          owner,
          c.name,
          [{ name: variable, value }],
          `set ${variable}=${value} on ${owner}/${c.name}, the server it falls back to localhost without`,
        )),
  };
}
