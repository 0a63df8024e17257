import {
  type Analyzer,
  clip,
  configMapVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
  serviceHost,
} from './types.js';

// nginx's error log for a request it could not pass on, with the address it used
// ('upstream timed out (110: …) while connecting to upstream, …, request: "POST /auth/login HTTP/1.1",
// upstream: "http://10.96.201.7:80/login"'). The address is a literal IPv4.
const UPSTREAM_FAILED = /upstream timed out|connect\(\) failed|no route to host|Connection refused/i;
const UPSTREAM = /\bupstream: "https?:\/\/(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?[^"]{0,500}"/;
const REQUEST = /\brequest: "[A-Z]{3,7} (\/[^\s"]{0,500})/;

interface Route {
  /** The location's prefix, or '' for a proxy_pass outside any location seen. */
  readonly prefix: string;
  readonly host: string;
  /** Whether proxy_pass names the host through a variable (then nginx resolves it per request). */
  readonly variable: boolean;
}

/**
 * The `location <prefix> { … proxy_pass <scheme>://<host>… }` pairs of an nginx configuration, and
 * whether it declares a `resolver`. Read line by line (bounded work, no backtracking pattern over
 * the whole text); nested blocks inside a location are not told apart.
 */
export function nginxRoutes(conf: string): { routes: Route[]; resolver: boolean } {
  const routes: Route[] = [];
  let resolver = false;
  let prefix = '';
  // `upstream <name> { server <host>[:port] …; }` blocks: a proxy_pass to the name goes to their first
  // server (nginx.org, ngx_http_upstream_module), resolved once like a literal host.
  const upstreams = new Map<string, string>();
  let upstream: string | undefined;
  for (const raw of conf.slice(0, 200_000).split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (/^resolver\s/.test(line)) resolver = true;
    const block = /^upstream\s+([\w.-]{1,100})\s*\{/.exec(line);
    if (block) upstream = block[1]!;
    const server = upstream ? /^server\s+([^\s;]{1,300})/.exec(line) : null;
    if (server && upstream && !upstreams.has(upstream))
      upstreams.set(upstream, server[1]!.replace(/:\d{1,5}$/, ''));
    if (upstream && line.startsWith('}')) upstream = undefined;
    const loc = /^location\s+(?:[=~^]{1,2}\s*)?(\S{1,300})\s*\{/.exec(line);
    if (loc) prefix = loc[1]!;
    const pass = /^proxy_pass\s+https?:\/\/([^/;\s]{1,300})/.exec(line);
    if (pass) {
      const host = pass[1]!.replace(/:\d{1,5}$/, '');
      routes.push({ prefix, host, variable: host.includes('$') });
    }
  }
  return {
    routes: routes.map((r) => {
      const to = upstreams.get(r.host);
      return to ? { ...r, host: to } : r;
    }),
    resolver,
  };
}

/** The route a request path takes: the longest location prefix it starts with. */
function routeFor(routes: readonly Route[], path: string): Route | undefined {
  let best: Route | undefined;
  for (const r of routes)
    if (path.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
  return best ?? (routes.length === 1 ? routes[0] : undefined);
}

interface Failure {
  readonly pod: string;
  readonly line: string;
  readonly ip: string;
  readonly path: string;
}

function failures(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Failure[] {
  const out: Failure[] = [];
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
    for (const line of log.content.slice(-100_000).split('\n')) {
      if (line.length > 2000 || !UPSTREAM_FAILED.test(line)) continue;
      const up = UPSTREAM.exec(line);
      if (!up) continue;
      out.push({
        pod: String(log.args['name']),
        line: line.trim(),
        ip: up[1]!,
        path: REQUEST.exec(line)?.[1] ?? '/',
      });
      break;
    }
  }
  return out;
}

const serviceIp = (text: string) => /^IP:\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/m.exec(text)?.[1];
/** A headless Service's (`IP: None`) endpoint addresses: the pod IPs its name resolves to. */
const endpointIps = (text: string): string[] | undefined => {
  if (!/^IP:\s+None\s*$/m.test(text)) return undefined;
  const line = /^Endpoints:\s+(\S.{0,2000})$/m.exec(text)?.[1] ?? '';
  return [...line.matchAll(/(\d{1,3}(?:\.\d{1,3}){3})/g)].map((m) => m[1]!);
};

/**
 * An nginx proxy that still sends a route's requests to an address its upstream Service no longer
 * has. Open-source nginx resolves a host name written literally in `proxy_pass` once, when it loads
 * its configuration, and keeps that address until a reload; only a `resolver` with the host in a
 * variable makes it resolve per request (nginx.org, ngx_http_proxy_module "proxy_pass" and
 * ngx_http_core_module "resolver"). A Service deleted and created again (a chart reinstalled) gets a
 * new ClusterIP, and the old virtual address is no longer translated by kube-proxy, so the proxy's
 * connections to it time out while the Service itself answers. Found from the proxy's error log (the
 * failing request and the upstream address it used), its mounted configuration (the route's
 * `proxy_pass` host, a Service's cluster name) and that Service's current ClusterIP.
 */
export const proxyStaleAddressAnalyzer: Analyzer = {
  name: 'proxy-stale-address',
  first: true,
  reads({ ns, seen }): Read[] {
    const failed = failures(seen, ns)[0];
    if (!failed) return [];
    const reads: Read[] = [];
    const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === failed.pod).pop()?.content;
    if (!d) return [{ tool: 'describe_pod', args: { namespace: ns, name: failed.pod } }];
    const confs = configMapVolumes(d).slice(0, 3);
    for (const name of confs)
      reads.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', name, namespace: ns } });
    for (const name of confs) {
      const conf = outputs(
        seen,
        'describe_resource',
        (o) => o.args['name'] === name && o.args['namespace'] === ns,
      ).pop();
      const route = conf ? routeFor(nginxRoutes(conf.content).routes, failed.path) : undefined;
      const svc = route && !route.variable ? serviceHost(route.host) : undefined;
      if (svc)
        reads.push({ tool: 'describe_service', args: { namespace: svc.namespace, name: svc.service } });
    }
    return reads;
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const failed of failures(seen, ns)) {
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === failed.pod).pop()?.content ?? '';
      for (const name of configMapVolumes(d)) {
        const conf = outputs(
          seen,
          'describe_resource',
          (o) => o.args['name'] === name && o.args['namespace'] === ns,
        ).pop();
        if (!conf) continue;
        const { routes, resolver } = nginxRoutes(conf.content);
        const route = routeFor(routes, failed.path);
        const svc = route && !route.variable ? serviceHost(route.host) : undefined;
        if (!route || !svc || resolver) continue;
        const described = outputs(
          seen,
          'describe_service',
          (o) => o.status === 'ok' && o.args['name'] === svc.service && o.args['namespace'] === svc.namespace,
        ).pop();
        const clusterIp = described ? serviceIp(described.content) : undefined;
        const podIps = described ? endpointIps(described.content) : undefined;
        // A headless Service resolves to its ready pods' IPs: stale when the address is none of them.
        const now = clusterIp ?? (podIps && podIps.length > 0 ? podIps.join(', ') : undefined);
        if (!now || (clusterIp ? clusterIp === failed.ip : podIps!.includes(failed.ip))) continue;
        const headless = clusterIp === undefined;
        const deployment = ownerDeployment(d);
        out.push({
          weight: 95,
          object: deployment ? `deployment ${deployment}` : `pod ${failed.pod}`,
          cause: headless
            ? `the proxy ${deployment ?? failed.pod} still sends ${route.prefix || 'its'} requests to ${failed.ip}, an old pod IP of the headless Service ${svc.service} in ${svc.namespace}, whose pods are now at ${now}: nginx resolved ${route.host} (in its upstream or proxy_pass, with no resolver) once, when it loaded its configuration, and keeps those cached addresses until it reloads; a headless name resolves to the pods themselves, so after ${svc.service}'s pods were replaced (a rollout) the old addresses are gone and its connections fail ("${clip(failed.line, 200)}"), while ${svc.service} itself is healthy and its release is not at fault`
            : `the proxy ${deployment ?? failed.pod} still sends ${route.prefix || 'its'} requests to ${failed.ip}, the old ClusterIP of Service ${svc.service} in ${svc.namespace}, which now has ${now}: nginx resolved ${route.host} (written literally in proxy_pass, with no resolver) once, when it loaded its configuration, and keeps that stale address until it reloads, so after the Service was re-created its connections to the old address time out ("${clip(failed.line, 200)}"), while ${svc.service} itself is healthy`,
          evidence: [
            `get_pod_logs ${failed.pod}: "${clip(failed.line, 200)}"`,
            `describe_resource ConfigMap ${name}: proxy_pass http://${route.host}/ for location ${route.prefix || '/'}, no resolver`,
            `describe_service ${svc.service} (${svc.namespace}): ${headless ? `headless, endpoints ${now}` : `IP ${now}`}`,
          ],
          ...(deployment
            ? {
                fix: {
                  tool: 'restart_deployment',
                  args: { namespace: ns, name: deployment },
                  text: `restart deployment ${deployment} (a rolling restart) so nginx resolves ${route.host} again`,
                },
              }
            : {}),
          advice: `reload or restart the proxy (kubectl rollout restart deployment/${deployment ?? '<proxy>'}) so nginx resolves ${route.host} again; for good, add a resolver (the cluster DNS, kube-dns.kube-system.svc.cluster.local) and put the host in a variable in proxy_pass so it is re-resolved, or point it at a Service that is not re-created`,
          revisionSound: true,
        });
        break;
      }
    }
    return out;
  },
};
