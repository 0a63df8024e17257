import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { ingressRoutes } from './public-url-localhost.js';
import { outputs } from './types.js';

/** The hosts of the URLs in the task (`https://help.example.net/login` gives `help.example.net`), at most eight. */
export function urlHosts(task: string): string[] {
  const out: string[] = [];
  for (const m of task.slice(0, 20_000).matchAll(/\bhttps?:\/\/([a-z0-9][a-z0-9.-]{0,252})/gi)) {
    const host = m[1]!.toLowerCase().replace(/\.$/, '');
    if (!out.includes(host)) out.push(host);
    if (out.length >= 8) break;
  }
  return out;
}

/** An Ingress of the namespace that routes a host of the task's URLs, as its description shows it. */
export interface ServingIngress {
  readonly ingress: string;
  /** Its `ingressClassName` (or `kubernetes.io/ingress.class` annotation); empty when it shows none. */
  readonly className: string;
  readonly host: string;
  readonly service: string;
}

/**
 * The described Ingresses of namespace `ns` that route a host of the task's URLs (`rules[0].host:
 * help.example.net` → `backend.service.name: helpdesk-web`), one entry per routed Service. Empty when
 * the task has no URL or no Ingress read routes its host.
 */
export function servingIngresses(
  task: string,
  ns: string,
  seen: readonly SeenObservation[],
): ServingIngress[] {
  const hosts = urlHosts(task);
  if (hosts.length === 0) return [];
  const out: ServingIngress[] = [];
  for (const o of outputs(
    seen,
    'describe_resource',
    (x) => String(x.args['kind'] ?? '').toLowerCase() === 'ingress' && x.args['namespace'] === ns,
  )) {
    const className =
      /^\s{0,8}(?:ingressClassName|kubernetes\.io\/ingress\.class):\s{0,8}([a-z0-9][a-z0-9.-]{0,252})\s*$/m.exec(
        o.content.slice(0, 100_000),
      )?.[1] ?? '';
    for (const r of ingressRoutes(o.content))
      if (hosts.includes(r.host))
        out.push({ ingress: String(o.args['name'] ?? ''), className, host: r.host, service: r.service });
  }
  return out;
}

/**
 * What serves the task's URLs in namespace `ns`: the Services a described Ingress of `ns` routes the URL's
 * host to (see `servingIngresses`), and the workloads their selectors name (`app=helpdesk-web`, from a
 * Service listing). Empty when the task has no URL or no Ingress read routes its host.
 */
export function servingPath(task: string, ns: string, seen: readonly SeenObservation[]): Set<string> {
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
}
