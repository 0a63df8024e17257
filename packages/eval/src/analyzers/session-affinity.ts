import { parseTable } from '../k8s-text.js';
import { appliedBack, readBack } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  endpointAddresses,
  type Finding,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/**
 * A program's words for a request that reached a replica other than the one holding its state: Databend's
 * `query … SHOULD be on server A, but current server is B`, and the plainer `belongs to another node`,
 * `owned by a different instance`, `not on this server`. Linear: fixed words, bounded gaps.
 */
const ROUTED = [
  /\bshould be on (?:server|node|instance|host|replica)\b.{0,300}?\bcurrent (?:server|node|instance|host|replica) is\b/i,
  /\b(?:belongs to|owned by|held by|lives on) (?:another|a different|the other) (?:server|node|instance|replica|pod)\b/i,
  /\bnot (?:found on|on|owned by|held by|known (?:to|on)) this (?:server|node|instance|replica|pod)\b/i,
];
/**
 * The same line says the request was refused: `not found`, `route error`, an unknown or missing session
 * (query, upload, cursor), or an HTTP status 404, 409 or 410 as a status (after a request's method and
 * path, `status`, `code`, `HTTP`, or first on the line), not a number that names a key.
 */
const REFUSED =
  /\bnot found\b|\broute error\b|\b(?:unknown|no such|invalid) (?:query|session|upload|transfer|cursor|stream|request)\b|\b(?:status|code|HTTP)[ =:/]{0,3}(?:404|409|410)\b|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD) \/\S{0,500} (?:404|409|410)\b|^\S{0,40}\s{0,3}(?:WARN\w{0,4}|ERROR|INFO)?\s{0,3}(?:404|409|410)\b/i;
/** The line says the program passed the request on itself (forwarding, proxying): handled, not refused. */
const PASSED_ON =
  /\bforward(?:s|ed|ing)?\b|\bproxy(?:ing|ied)?\b|\bredirect(?:s|ed|ing)?\b|\brerout(?:e|es|ed|ing)\b/i;

/** The first current log line of a pod of the namespace that says a request reached the wrong replica. */
function misrouted(ctx: AnalyzerContext): { pod: string; line: string; count: number } | undefined {
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const lines = boundedLogLines(o.content).filter(
      (l) => l.length <= 4000 && REFUSED.test(l) && !PASSED_ON.test(l) && ROUTED.some((r) => r.test(l)),
    );
    if (lines.length > 0)
      return { pod: String(o.args['name'] ?? ''), line: lines[0]!.trim(), count: lines.length };
  }
  return undefined;
}

/**
 * The Service of the namespace that spreads requests over `pod` and at least one other pod: of the
 * Services whose endpoints include the pod's address, the first with two or more distinct addresses. A
 * headless Service (CLUSTER-IP None) proxies nothing, so it spreads nothing.
 */
function serviceOf(ctx: AnalyzerContext, pod: string): { name: string; addresses: string[] } | undefined {
  const ip = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '').find((r) => r['NAME'] === pod)?.['IP'];
  if (!ip || ip === '<none>') return undefined;
  const listed = outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === ctx.ns).pop();
  for (const r of parseTable(listed?.content.slice(0, 200_000) ?? '')) {
    if (r['CLUSTER-IP'] === 'None') continue;
    const addresses = endpointAddresses(r['ENDPOINTS'] ?? '');
    if (addresses.includes(ip) && addresses.length >= 2 && r['NAME']) return { name: r['NAME'], addresses };
  }
  return undefined;
}

interface ServiceDoc {
  spec?: { sessionAffinity?: string; type?: string; clusterIP?: string };
}

/**
 * A client's follow-up requests that reach a replica other than the one that began their session: the
 * program keeps per-session state in memory (a query's result pages, an upload, a login) and refuses a
 * request for state another replica holds (Databend's `route error: query … SHOULD be on server A, but
 * current server is B`). A Service with two or more ready pods and `sessionAffinity: None` spreads each
 * client's connections over them, so a session's later requests land on another pod as often as not; with
 * one replica it never showed. `sessionAffinity: ClientIP` keeps a client's connections on one pod
 * (kubernetes.io, "Service", session stickiness). Reads: the namespace's Services, then the one whose
 * endpoints include the refusing pod (`get_resource`, its affinity and the manifest for the fix). The fix
 * applies that Service back with `sessionAffinity: ClientIP` (an approved `apply_manifest`).
 */
export const sessionAffinityAnalyzer: Analyzer = {
  name: 'session-affinity',
  first: true,
  reads(ctx): Read[] {
    const m = misrouted(ctx);
    if (!m) return [];
    const reads: Read[] = [];
    if (!podListOf(ctx.seen, ctx.ns)) reads.push({ tool: 'list_pods', args: { namespace: ctx.ns } });
    if (!outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === ctx.ns).length)
      reads.push({ tool: 'list_services', args: { namespace: ctx.ns } });
    if (reads.length > 0) return reads;
    const svc = serviceOf(ctx, m.pod);
    if (!svc || svc.addresses.length < 2) return [];
    return outputs(
      ctx.seen,
      'get_resource',
      (o) => o.args['kind'] === 'Service' && o.args['name'] === svc.name && o.args['namespace'] === ctx.ns,
    ).length
      ? []
      : [{ tool: 'get_resource', args: { kind: 'Service', name: svc.name, namespace: ctx.ns } }];
  },
  finds(ctx): Finding[] {
    const m = misrouted(ctx);
    if (!m) return [];
    const svc = serviceOf(ctx, m.pod);
    if (!svc || svc.addresses.length < 2) return [];
    const doc = readBack<ServiceDoc>(ctx.seen, { kind: 'Service', name: svc.name, namespace: ctx.ns });
    // Sticky already: the misrouting comes from somewhere else (a proxy in front, a client that reconnects).
    // Headless: not proxied, so its affinity does nothing.
    if (doc?.spec?.sessionAffinity === 'ClientIP' || doc?.spec?.clusterIP === 'None') return [];
    // Unset is None (the API's default); unread, it is not stated.
    const affinity = doc?.spec ? (doc.spec.sessionAffinity ?? 'None') : undefined;
    let fix: Finding['fix'];
    if (doc?.spec) {
      doc.spec.sessionAffinity = 'ClientIP';
      fix = {
        tool: 'apply_manifest',
        args: { namespace: ctx.ns, manifest: appliedBack(doc) },
        text: `set sessionAffinity: ClientIP on service ${svc.name}, so each client's requests stay on the pod that began its session`,
      };
    }
    return [
      {
        weight: 89 + bonus(svc.name, ctx.hints),
        object: `service ${svc.name}`,
        cause: `requests of one session reach another replica than the one holding it: service ${svc.name} spreads each client's connections over its ${svc.addresses.length} pods (${affinity ? `sessionAffinity ${affinity}` : 'unless its sessionAffinity, not read, is ClientIP'}), and the program keeps a session's state (a query's result pages, an upload, a login) in the pod that began it, so a follow-up request sent to the other pod is refused${m.count > 1 ? ` (${m.count} times in the log of ${m.pod})` : ''}: "${clip(m.line, 260)}". With one replica every request reached the same pod; the pods themselves (their memory, their capacity) are not at fault`,
        evidence: [
          `get_pod_logs ${m.pod}: "${clip(m.line, 260)}"`,
          `list_services: ${svc.name} has ${svc.addresses.length} pod addresses (${svc.addresses.slice(0, 4).join(', ')})${doc ? `; get_resource Service ${svc.name}: sessionAffinity ${affinity}` : ''}`,
        ],
        advice: `keep each client on one pod: set sessionAffinity: ClientIP on service ${svc.name} (or have the client send a session's requests to the pod that began it); raising memory or restarting will not help`,
        revisionSound: true,
        ...(fix ? { fix } : {}),
      },
    ];
  },
};
