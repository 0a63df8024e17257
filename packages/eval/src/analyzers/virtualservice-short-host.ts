import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, type Finding, outputs, type Read } from './types.js';

const VS = /^virtualservices?$/i;
const MAX_DESCRIBED = 2;
/** A route destination as describe_resource flattens it: `http[0].route[0].destination.host: storefront`. */
const DESTINATION =
  /^\s*((?:http|tcp|tls)\[\d{1,3}\]\.route\[\d{1,3}\]\.destination\.host): ([a-z0-9][a-z0-9.-]{0,252})$/gm;

/** The VirtualServices the searches for the task's names found, in any namespace. */
function found(ctx: AnalyzerContext): { name: string; namespace: string }[] {
  const out = new Map<string, { name: string; namespace: string }>();
  for (const o of outputs(ctx.seen, 'find_objects'))
    for (const r of parseTable(o.content))
      if (r['KIND'] === 'VirtualService' && r['NAME'] && r['NAMESPACE'])
        out.set(`${r['NAMESPACE']}/${r['NAME']}`, { name: r['NAME'], namespace: r['NAMESPACE'] });
  return [...out.values()].slice(0, MAX_DESCRIBED);
}

function servicesIn(ctx: AnalyzerContext, namespace: string): string[] | undefined {
  const listed = outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === namespace).pop();
  return listed ? parseTable(listed.content).map((r) => r['NAME'] ?? '') : undefined;
}

/**
 * An Istio VirtualService whose route destination is a short host name that means another Service
 * than intended: Istio reads a short name in the VirtualService's own namespace
 * (istio.io, "Virtual Service": Destination.host, "reviews" is interpreted as
 * reviews.<namespace of the rule>.svc.cluster.local), so a VirtualService moved to the gateway's
 * namespace with `host: storefront` routes to storefront.<gateway namespace>, which does not exist:
 * the gateway has no upstream and answers 503. Found from the VirtualServices the name search found,
 * described, and the Services of their namespace.
 */
export const virtualServiceShortHostAnalyzer: Analyzer = {
  name: 'virtualservice-short-host',
  early: true,
  reads(ctx) {
    const reads: Read[] = [];
    for (const v of found(ctx)) {
      reads.push({
        tool: 'describe_resource',
        args: { kind: 'VirtualService', name: v.name, namespace: v.namespace },
      });
      reads.push({ tool: 'list_services', args: { namespace: v.namespace } });
    }
    return reads;
  },
  finds(ctx) {
    for (const o of outputs(ctx.seen, 'describe_resource', (x) => VS.test(String(x.args['kind'])))) {
      const namespace = String(o.args['namespace'] ?? '');
      const services = servicesIn(ctx, namespace);
      if (!services) continue;
      for (const m of o.content.matchAll(DESTINATION)) {
        const host = m[2]!;
        if (host.includes('.') || services.includes(host)) continue;
        // Where a Service of that name does live (the name search, any namespace).
        const elsewhere = outputs(ctx.seen, 'find_objects')
          .flatMap((f) => parseTable(f.content))
          .find((r) => r['KIND'] === 'Service' && r['NAME'] === host && r['NAMESPACE'] !== namespace)?.[
          'NAMESPACE'
        ];
        const name = String(o.args['name'] ?? '');
        const out: Finding = {
          weight: 88,
          object: `virtualservice ${name} in ${namespace}`,
          cause: `VirtualService ${name} in namespace ${namespace} routes to the short host "${host}" (${m[1]}), and Istio reads a short name in the VirtualService's own namespace: it means ${host}.${namespace}.svc.cluster.local, a Service that does not exist in ${namespace}${elsewhere ? ` (the Service ${host} is in namespace ${elsewhere})` : ''}, so the gateway has no upstream for the route and answers 503 (no healthy upstream / NR) while the pods behind the real Service are healthy`,
          evidence: [
            `describe_resource VirtualService ${name} (${namespace}): ${m[1]}: ${host}`,
            `list_services ${namespace}: no Service ${host}`,
          ],
          advice: `use the fully qualified name in the destination: host: ${host}.${elsewhere ?? '<its namespace>'}.svc.cluster.local (or move the VirtualService back to the Service's namespace)`,
        };
        return [out];
      }
    }
    return [];
  },
};
