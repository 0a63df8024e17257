import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, outputs, type Read } from './types.js';

// The scan's words for a reference that finds nothing in its own namespace (packages/tools-k8s/src/scan/).
const INGRESS_BACKEND =
  /ingress ([a-z0-9.-]{1,253}) routes to service ([a-z0-9.-]{1,253}), which does not exist in ([a-z0-9-]{1,63})/;
const EMPTY_SELECTOR =
  /service ([a-z0-9.-]{1,253}) has no endpoints: its selector [\w./-]{1,253}=([\w.-]{1,63}) matches no pod in ([a-z0-9-]{1,63})/;

interface Dangling {
  readonly kind: 'ingress' | 'service';
  /** The Ingress or the Service that refers to nothing in its namespace. */
  readonly from: string;
  /** The Service an Ingress names, or the label value a Service selects. */
  readonly name: string;
}

function dangling(ctx: AnalyzerContext): Dangling[] {
  const text = [...outputs(ctx.seen, 'scan'), ...outputs(ctx.seen, 'describe_service')]
    .map((o) => o.content)
    .join('\n');
  const out: Dangling[] = [];
  for (const line of text.split('\n').slice(0, 2000)) {
    const i = INGRESS_BACKEND.exec(line);
    if (i && i[3] === ctx.ns) out.push({ kind: 'ingress', from: i[1]!, name: i[2]! });
    const s = EMPTY_SELECTOR.exec(line);
    if (s && s[3] === ctx.ns) out.push({ kind: 'service', from: s[1]!, name: s[2]! });
  }
  return out.filter((d, k) => out.findIndex((x) => x.kind === d.kind && x.from === d.from) === k).slice(0, 2);
}

/** Where a search found objects of that name outside the namespace, by kind. */
function foundElsewhere(
  ctx: AnalyzerContext,
  name: string,
): { kind: string; namespace: string; name: string }[] {
  // Any search whose matches include the name (a search for "api" lists orders-api too).
  const rows = outputs(ctx.seen, 'find_objects').flatMap((o) => parseTable(o.content));
  // The name itself, or a pod or ReplicaSet made from it: Kubernetes' generated suffixes use the
  // SafeEncodeString alphabet (no vowels), so api-gateway is not a pod of api.
  const suffix = /^-[bcdfghjklmnpqrstvwxz2-9]{5,10}(?:-[bcdfghjklmnpqrstvwxz2-9]{5})?$/;
  const generated = (n: string) =>
    n === name || (n.startsWith(`${name}-`) && suffix.test(n.slice(name.length)));
  const out = rows
    .filter((r) => r['NAMESPACE'] && r['NAMESPACE'] !== '-' && r['NAMESPACE'] !== ctx.ns)
    .filter((r) => generated(r['NAME'] ?? ''))
    .map((r) => ({ kind: r['KIND'] ?? '', namespace: r['NAMESPACE']!, name: r['NAME'] ?? '' }));
  return out.filter(
    (r, k) =>
      out.findIndex((x) => x.kind === r.kind && x.namespace === r.namespace && x.name === r.name) === k,
  );
}

/** Whether a search already listed objects named so. */
function searched(ctx: AnalyzerContext, name: string): boolean {
  return outputs(ctx.seen, 'find_objects').some(
    (o) => o.args['name'] === name || parseTable(o.content).some((r) => r['NAME'] === name),
  );
}

/**
 * A reference that finds nothing in its own namespace because its target lives in another one: an
 * Ingress backend naming a Service of another namespace (a backend has no namespace field: an Ingress
 * routes only to Services in its own), or a Service whose pods moved to another namespace (a selector
 * matches pods only in the Service's own namespace), left behind without endpoints. The read: a search
 * for the name across namespaces.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource ;
 * https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
 */
export const elsewhereAnalyzer: Analyzer = {
  name: 'elsewhere',
  reads(ctx) {
    return dangling(ctx)
      .filter((d) => !searched(ctx, d.name))
      .map((d): Read => ({ tool: 'find_objects', args: { name: d.name } }));
  },
  finds(ctx) {
    return dangling(ctx).flatMap((d) => {
      const away = foundElsewhere(ctx, d.name);
      if (d.kind === 'ingress') {
        const svc = away.find((r) => r.kind === 'Service' && r.name === d.name);
        if (!svc) return [];
        return [
          {
            weight: 90,
            object: `ingress ${d.from}`,
            cause: `ingress ${d.from} routes to service ${d.name}, which does not exist in its own namespace ${ctx.ns}: Service ${d.name} lives in another namespace, ${svc.namespace}, and an Ingress can only route to Services in the Ingress's namespace (a backend names a Service without a namespace; cross-namespace backends are not supported), so the controller has no endpoints for those paths and answers 503`,
            evidence: [`find_objects ${d.name}: Service ${d.name} in ${svc.namespace}, none in ${ctx.ns}`],
            advice: `keep an Ingress for those paths in namespace ${svc.namespace} (a separate Ingress per namespace can share the host), or add an ExternalName Service ${d.name} in ${ctx.ns} pointing at ${d.name}.${svc.namespace}.svc.cluster.local`,
          },
        ];
      }
      const moved = away.filter(
        (r) => r.kind === 'Pod' || r.kind === 'Deployment' || r.kind === 'StatefulSet',
      );
      const where = moved[0]?.namespace;
      if (!where) return [];
      const svc = away.find((r) => r.kind === 'Service' && r.namespace === where);
      return [
        {
          weight: 90,
          object: `service ${d.from}`,
          cause: `service ${d.from} in ${ctx.ns} selects pods labelled ${d.name}, but those pods now run in another namespace, ${where} (${moved
            .slice(0, 2)
            .map((r) => `${r.kind} ${r.name}`)
            .join(
              ', ',
            )}${svc ? `, with their own Service ${svc.name} there` : ''}): a Service selects pods only in its own namespace, so this one was left behind after the move and has no endpoints (connection refused)`,
          evidence: [
            `find_objects ${d.name}: ${moved.map((r) => `${r.kind} ${r.name} in ${r.namespace}`).join(', ')}`,
          ],
          advice: `point the clients at ${svc ? `${svc.name}.${where}` : `the service in ${where}`}.svc.cluster.local (or make ${d.from} in ${ctx.ns} an ExternalName Service pointing there), and delete the stale Service`,
        },
      ];
    });
  },
};
