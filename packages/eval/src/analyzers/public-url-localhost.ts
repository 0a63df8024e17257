import { envOf } from './env-values.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  containerSections,
  describedField,
  envFix,
  type Finding,
  listedReads,
  outputs,
  podOwnerObject,
  type Read,
  unmadeReads,
} from './types.js';

/** A loopback URL as a setting holds it: `http://localhost:3100`, `http://127.0.0.1:8080/api`. */
const LOOPBACK_URL = /^(https?):\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(\/[^\s]{0,200})?$/i;

interface Published {
  readonly pod: string;
  readonly deployment?: string;
  readonly container: string;
  readonly variable: string;
  readonly value: string;
  readonly port: number;
  /** The setting's path after the host (`/api/v1`), kept in the public URL. */
  readonly path: string;
  readonly ingress: string;
  readonly host: string;
  readonly tls: boolean;
  readonly service: string;
}

/**
 * The flattened rules of a described Ingress: each host with its backend Service, port (a number or a
 * name) and path (`/` when the rule shows none). A wildcard host (`*.example.org`) is left out unless
 * `wildcards` asks for it (a value to write into a setting must be a real host).
 */
export function ingressRoutes(
  text: string,
  wildcards = false,
): { host: string; service: string; port: number | string; path: string }[] {
  const hosts = new Map<string, string>();
  const services = new Map<string, string>();
  const ports = new Map<string, number | string>();
  const paths = new Map<string, string>();
  for (const raw of text.slice(0, 100_000).split('\n')) {
    const line = raw.trim();
    const h = /^rules\[(\d{1,3})\]\.host: ((?:\*\.)?[a-z0-9.-]{1,253})$/.exec(line);
    if (h && (wildcards || !h[2]!.startsWith('*.'))) hosts.set(h[1]!, h[2]!);
    const s =
      /^rules\[(\d{1,3})\]\.http\.paths\[(\d{1,3})\]\.backend\.service\.name: ([a-z0-9.-]{1,253})$/.exec(
        line,
      );
    if (s) services.set(`${s[1]}.${s[2]}`, s[3]!);
    const p =
      /^rules\[(\d{1,3})\]\.http\.paths\[(\d{1,3})\]\.backend\.service\.port\.(number|name): ([a-z0-9-]{1,63})$/.exec(
        line,
      );
    if (p) ports.set(`${p[1]}.${p[2]}`, p[3] === 'number' ? Number(p[4]) : p[4]!);
    const q = /^rules\[(\d{1,3})\]\.http\.paths\[(\d{1,3})\]\.path: (\/\S{0,500})$/.exec(line);
    if (q) paths.set(`${q[1]}.${q[2]}`, q[3]!);
  }
  const out: { host: string; service: string; port: number | string; path: string }[] = [];
  for (const [key, service] of services) {
    const host = hosts.get(key.split('.')[0]!);
    const port = ports.get(key);
    if (host && port !== undefined) out.push({ host, service, port, path: paths.get(key) ?? '/' });
  }
  return out;
}

/**
 * The pod port a Service port sends to, for the pod at `ip`: the Service port chosen by number or name
 * (`Port: api 3100/TCP`), its `TargetPort:` (a number, or a name the pod's container ports give: `3100/TCP
 * (api)`); without a TargetPort line, the one port the pod's endpoints show when the Service has one port.
 */
function podPortOf(service: string, pod: string, ip: string, port: number | string): number | undefined {
  const lines = service.slice(0, 50_000).split('\n');
  const entries: { name: string; port: number; target?: string }[] = [];
  for (const line of lines) {
    const p = /^Port:\s{1,30}(?:([a-z0-9-]{1,63}|<unset>)\s{1,10})?(\d{1,5})\/(?:TCP|UDP|SCTP)/.exec(line);
    if (p) entries.push({ name: p[1] ?? '', port: Number(p[2]) });
    const t = /^TargetPort:\s{1,30}([a-z0-9-]{1,63})\/(?:TCP|UDP|SCTP)/.exec(line);
    if (t && entries.length > 0) entries[entries.length - 1]!.target = t[1]!;
  }
  const entry = entries.find((e) => (typeof port === 'number' ? e.port === port : e.name === port));
  if (!entry) return undefined;
  if (entry.target !== undefined) {
    if (/^\d{1,5}$/.test(entry.target)) return Number(entry.target);
    // A named target port: the container port of that name (`3100/TCP (api)`).
    const named = new RegExp(`(\\d{1,5})/(?:TCP|UDP|SCTP) \\(${entry.target}\\)`).exec(pod.slice(0, 100_000));
    return named ? Number(named[1]) : undefined;
  }
  if (entries.length !== 1) return undefined;
  const endpoints = (/^Endpoints:\s{1,30}(\S{1,4000})$/m.exec(service)?.[1] ?? '')
    .split(',')
    .filter((e) => e.startsWith(`${ip}:`))
    .map((e) => Number(e.slice(ip.length + 1)));
  return endpoints.length === 1 ? endpoints[0] : undefined;
}

/**
 * Settings a server keeps for itself, never handed to a browser: names that say internal, private, local,
 * bind or listen (NextAuth's NEXTAUTH_URL_INTERNAL, whose documented value is a localhost URL).
 */
const SERVER_SIDE = /(?:^|_)(?:INTERNAL|PRIVATE|LOCAL|BIND|LISTEN|HEALTH|METRICS|ADMIN)(?:_|$)/i;

function published(ctx: AnalyzerContext): { found?: Published; reads: Read[] } {
  return perSeen(ctx.seen, ['publicUrlLocalhost', ctx.ns], () => {
    const settings: {
      pod: string;
      described: string;
      container: string;
      variable: string;
      value: string;
      port: number;
      path: string;
    }[] = [];
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
      const text = d.content.slice(0, 100_000);
      for (const c of containerSections(text).filter((x) => !x.init))
        for (const e of envOf(c.body)) {
          const m = LOOPBACK_URL.exec(e.value);
          if (!m || SERVER_SIDE.test(e.name)) continue;
          const port = m[2] ? Number(m[2]) : m[1]!.toLowerCase() === 'https' ? 443 : 80;
          settings.push({
            pod: String(d.args['name'] ?? ''),
            described: text,
            container: c.name,
            variable: e.name,
            value: e.value,
            port,
            path: m[3] && m[3] !== '/' ? m[3] : '',
          });
        }
    }
    if (settings.length === 0) return { reads: [] };
    const described = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'Ingress' && o.args['namespace'] === ctx.ns,
    );
    // The namespace's Ingresses: the listed ones (up to three) once listed, else those another read described.
    const listedIngresses = outputs(
      ctx.seen,
      'list_resources',
      (o) => o.args['kind'] === 'Ingress' && o.args['namespace'] === ctx.ns,
    ).length;
    const pending = unmadeReads(
      ctx.seen,
      listedIngresses > 0 || described.length === 0
        ? listedReads(ctx.seen, ctx.ns, 'Ingress', 'describe_resource')
        : [],
    );
    if (pending.length > 0) return { reads: pending.slice(0, 1) };
    const ingresses = described;
    for (const s of settings) {
      const ip = describedField(s.described, 'IP');
      for (const ing of ingresses) {
        for (const route of ingressRoutes(ing.content)) {
          const svc = outputs(
            ctx.seen,
            'describe_service',
            (o) => o.args['namespace'] === ctx.ns && o.args['name'] === route.service,
          ).pop();
          if (!svc) {
            return {
              reads: [{ tool: 'describe_service', args: { namespace: ctx.ns, name: route.service } }],
            };
          }
          // The Service sends that port to this very pod, on the port the setting names.
          const endpoints = describedField(svc.content, 'Endpoints') ?? '';
          if (!ip || !endpoints.split(',').some((e) => e.trim().startsWith(`${ip}:`))) continue;
          if (podPortOf(svc.content, s.described, ip, route.port) !== s.port) continue;
          const owner = podOwnerObject(s.described, s.pod);
          // The Deployment's own template, read before its setting is changed: the value is set there (not only
          // in this pod, nor from a ConfigMap a set_env would not replace).
          if (owner.startsWith('deployment ')) {
            const name = owner.slice('deployment '.length);
            const template = outputs(
              ctx.seen,
              'describe_deployment',
              (o) => o.args['namespace'] === ctx.ns && o.args['name'] === name,
            ).pop();
            if (!template)
              return { reads: [{ tool: 'describe_deployment', args: { namespace: ctx.ns, name } }] };
            if (!template.content.includes(`${s.variable}:`) || !template.content.includes(s.value)) continue;
          }
          const tls = new RegExp(
            `^\\s*tls\\[\\d{1,3}\\]\\.hosts\\[\\d{1,3}\\]: ${route.host.replace(/\./g, '\\.')}$`,
            'm',
          ).test(ing.content.slice(0, 100_000));
          return {
            found: {
              pod: s.pod,
              ...(owner.startsWith('deployment ') ? { deployment: owner.slice('deployment '.length) } : {}),
              container: s.container,
              variable: s.variable,
              value: s.value,
              port: s.port,
              path: s.path,
              ingress: String(ing.args['name'] ?? ''),
              host: route.host,
              tls,
              service: route.service,
            },
            reads: [],
          };
        }
      }
    }
    return { reads: [] };
  });
}

/**
 * A program that hands its users' browsers a loopback address for itself: a setting such as API_HOST,
 * PUBLIC_URL or NEXTAUTH_URL left at `http://localhost:<port>` (a value from a laptop or a docker compose
 * file), while that same port of the pod is published to the outside by an Ingress. The server works (it
 * listens on the port, its probes pass), but a browser resolves `localhost` to the user's own machine, so every
 * call the page makes to that address fails. The setting should name the public address the Ingress serves.
 * Reads the namespace's Ingresses and the Service behind the matching route.
 */
export const publicUrlLocalhostAnalyzer: Analyzer = {
  name: 'public-url-localhost',
  first: true,
  reads(ctx): Read[] {
    return published(ctx).reads;
  },
  finds(ctx): Finding[] {
    const p = published(ctx).found;
    if (!p) return [];
    const url = `${p.tls ? 'https' : 'http'}://${p.host}${p.path}`;
    // The person's words name the setting's part (the API, the back end): the symptom is this setting's.
    const words = p.variable
      .toLowerCase()
      .split(/[_.-]/)
      .filter(
        (w) => w.length >= 3 && !['url', 'uri', 'host', 'addr', 'address', 'public', 'next'].includes(w),
      );
    const task = ctx.task.toLowerCase();
    const named = words.some((w) => new RegExp(`(?<![a-z0-9])${w}(?![a-z0-9])`).test(task));
    return [
      {
        weight: named ? 94 : 86,
        object: p.deployment ? `deployment ${p.deployment}` : `pod ${p.pod}`,
        cause: `${p.variable} is ${p.value}, a localhost address: the program gives it to its users' browsers, and a browser resolves localhost to the user's own machine, not to this server, so every call the page makes to it fails. The server itself is fine (it listens on ${p.port} in pod ${p.pod}, which is why its checks pass); that port is published at ${url} (Ingress ${p.ingress} → Service ${p.service}:${p.port}), the address ${p.variable} should hold. A value carried over from a laptop or a docker compose setup`,
        evidence: [
          `describe_pod ${p.pod}: container ${p.container}: ${p.variable}=${p.value}`,
          `describe_resource Ingress ${p.ingress}: host ${p.host} → Service ${p.service} port ${p.port}`,
        ],
        ...envFix(
          ctx.ns,
          p.deployment,
          p.container,
          [{ name: p.variable, value: url }],
          `set ${p.variable} of ${p.deployment ?? p.pod} to ${url}, the public address Ingress ${p.ingress} serves for port ${p.port}`,
        ),
        advice: `set ${p.variable} to ${url} (the Ingress's public address for port ${p.port}) and let the pods restart`,
        revisionSound: true,
      },
    ];
  },
};
