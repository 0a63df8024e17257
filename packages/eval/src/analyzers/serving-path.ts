import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { perSeen } from './memo.js';
import { ingressRoutes } from './public-url-localhost.js';
import { outputs } from './types.js';

/** Top-level domains of sites people name in a task (and the names RFC 2606 and RFC 6762 reserve). */
const SITE_TLD = new Set([
  'com',
  'net',
  'org',
  'io',
  'dev',
  'app',
  'co',
  'cloud',
  'ai',
  'me',
  'info',
  'biz',
  'xyz',
  'site',
  'tech',
  'online',
  'example',
  'test',
  'internal',
  'corp',
  'lan',
  'home',
]);

/** A host inside the cluster: a bare name (`checkout`) or a Service's DNS name (`checkout.shop.svc.cluster.local`). */
export function inCluster(host: string): boolean {
  return !host.includes('.') || /\.(?:svc|svc\.cluster\.local|cluster\.local)$/.test(host);
}

/** Whether a dotted name is a site's host name: its last label a common top-level domain (or a country's, after two dots). */
export function siteHost(name: string): boolean {
  const labels = name.split('.');
  if (labels.length < 2 || labels.some((l) => l === '') || inCluster(name)) return false;
  const tld = labels[labels.length - 1]!;
  return SITE_TLD.has(tld) || (labels.length >= 3 && /^[a-z]{2}$/.test(tld));
}

/**
 * The hosts of the URLs in the task (`https://help.example.net/login` gives `help.example.net`), and with
 * `bare` then the site host names it gives without a scheme (`the staff portal (portal.corp.example)`, see
 * `siteHost`), at most eight.
 */
export function urlHosts(task: string, bare = false): string[] {
  const out: string[] = [];
  const text = task.slice(0, 20_000);
  for (const m of text.matchAll(/\bhttps?:\/\/([a-z0-9][a-z0-9.-]{0,252})/gi)) {
    const host = m[1]!.toLowerCase().replace(/\.$/, '');
    if (!out.includes(host)) out.push(host);
    if (out.length >= 8) return out;
  }
  if (!bare) return out;
  // A bare name of a site: labels starting with a letter, the last a common top-level domain (see `SITE_TLD`),
  // not part of a path, a label key, an address or an e-mail (no `/`, `@` or `:` right before it, no `/` after).
  for (const m of text.matchAll(
    /(?<![\w/@:.-])([a-z][a-z0-9-]{0,62}(?:\.[a-z][a-z0-9-]{0,62}){1,6})(?![\w/-]|\.[a-z0-9])/gi,
  )) {
    const host = m[1]!.toLowerCase();
    if (!siteHost(host) || out.includes(host)) continue;
    out.push(host);
    if (out.length >= 8) break;
  }
  return out;
}

/** An Ingress of the namespace that routes a host of the task's URLs, as its description shows it. */
export interface ServingIngress {
  readonly ingress: string;
  /** Its `ingressClassName` (or `kubernetes.io/ingress.class` annotation); empty when it shows none. */
  readonly className: string;
  /** The task's host it routes (a wildcard rule `*.example.org` routes `shop.example.org`). */
  readonly host: string;
  readonly service: string;
  /** The rule's path (`/` when none is shown). */
  readonly path: string;
}

/**
 * Whether a host pattern of an Ingress (a rule's host, a TLS entry's host) covers `host`: the same name, or a
 * wildcard one label deep (`*.example.org` covers `shop.example.org`, not `a.shop.example.org`).
 */
export function hostCovers(rule: string, host: string): boolean {
  if (rule === host) return true;
  if (!rule.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === rule.slice(1);
}

/** An Ingress description's class: `ingressClassName`, else the legacy annotation (`key=value` as describe prints it, or `key: value`). */
function ingressClass(text: string): string {
  const t = text.slice(0, 100_000);
  return (
    /^\s{0,8}ingressClassName:\s{0,8}([a-z0-9][a-z0-9.-]{0,252})\s*$/m.exec(t)?.[1] ??
    /kubernetes\.io\/ingress\.class(?:=|:\s{0,8})"?([a-z0-9][a-z0-9.-]{0,252})/.exec(t)?.[1] ??
    ''
  );
}

const SERVING_KEY = 'serving-ingresses';

/**
 * The described Ingresses of namespace `ns` that route a host of the task's URLs (`rules[0].host:
 * help.example.net` → `backend.service.name: helpdesk-web`), one entry per routed Service. Empty when
 * the task has no URL or no Ingress read routes its host. Worked out once per decision (`perSeen`).
 */
export function servingIngresses(
  task: string,
  ns: string,
  seen: readonly SeenObservation[],
  bare = false,
): ServingIngress[] {
  return perSeen(seen, [SERVING_KEY, task, ns, String(bare)], () => {
    const hosts = urlHosts(task, bare);
    if (hosts.length === 0) return [];
    const out: ServingIngress[] = [];
    for (const o of outputs(
      seen,
      'describe_resource',
      (x) => String(x.args['kind'] ?? '').toLowerCase() === 'ingress' && x.args['namespace'] === ns,
    )) {
      const className = ingressClass(o.content);
      for (const r of ingressRoutes(o.content, true)) {
        const host = hosts.find((h) => hostCovers(r.host, h));
        if (host)
          out.push({
            ingress: String(o.args['name'] ?? ''),
            className,
            host,
            service: r.service,
            path: r.path,
          });
      }
    }
    return out;
  });
}

const PATH_KEY = 'serving-path';

/**
 * What serves the task's URLs in namespace `ns`: the Services a described Ingress of `ns` routes the URL's
 * host to (see `servingIngresses`), and the workloads their selectors name (`app=helpdesk-web`, from a
 * Service listing). Empty when the task has no URL or no Ingress read routes its host. Worked out once per
 * decision (`perSeen`): callers must not change the set.
 */
export function servingPath(task: string, ns: string, seen: readonly SeenObservation[]): ReadonlySet<string> {
  return perSeen(seen, [PATH_KEY, task, ns], () => {
    const out = new Set(servingIngresses(task, ns, seen).map((r) => r.service));
    if (out.size === 0) return out;
    for (const o of outputs(seen, 'list_services', (x) => x.args['namespace'] === ns))
      for (const r of parseTable(o.content.slice(0, 200_000))) {
        if (!r['NAME'] || !out.has(r['NAME'])) continue;
        for (const kv of (r['SELECTOR'] ?? '').split(',')) {
          const v = kv.split('=')[1];
          if (v && /^[a-z0-9][a-z0-9.-]{0,252}$/.test(v)) out.add(v);
        }
      }
    return out;
  });
}
