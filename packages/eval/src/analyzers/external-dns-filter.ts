import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  flat,
  outputs,
  type Read,
} from './types.js';

/** The person says a name does not resolve or has no record. */
const NO_RECORD =
  /\b(?:NXDOMAIN|does(?:n't| not) resolve|not resolv\w{0,3}|no (?:DNS )?records?|DNS records? (?:is |are )?missing)\b/i;
/** external-dns's filters on the Ingresses it reads (its --annotation-filter and --ingress-class flags). */
const ANNOTATION_FILTER =
  /--annotation-filter[= ](kubernetes\.io\/ingress\.class)\s?(?:in\s?\(([^)]{1,500})\)|=\s?([A-Za-z0-9._-]{1,253}))/;
const INGRESS_CLASS = /--ingress-class[= ]([A-Za-z0-9._-]{1,253})/g;

function describedIngresses(ctx: AnalyzerContext) {
  return outputs(
    ctx.seen,
    'describe_resource',
    (o) => /^ingress(?:es)?$/i.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
  );
}

/**
 * An Ingress external-dns never makes a record for because of its own filters: with
 * `--annotation-filter=kubernetes.io/ingress.class in (a)` it reads only Ingresses carrying that
 * annotation with one of those values (an Ingress that names its class in spec.ingressClassName has no
 * such annotation), and with `--ingress-class` only those classes (kubernetes-sigs/external-dns,
 * "Flags" and the ingress source's docs). An app moved to a new ingress class then has an address
 * but no DNS name. Found from the Ingress described and the external-dns Deployment's arguments,
 * which the rule reads once the person says the name does not resolve.
 */
export const externalDnsFilterAnalyzer: Analyzer = {
  name: 'external-dns-filter',
  early: true,
  reads(ctx) {
    if (!NO_RECORD.test(ctx.task) || describedIngresses(ctx).length === 0) return [];
    const found = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === 'external-dns').pop();
    if (!found) return [{ tool: 'find_objects', args: { name: 'external-dns' } }];
    return parseTable(found.content)
      .filter((r) => r['KIND'] === 'Deployment' && r['NAME'] && r['NAMESPACE'])
      .slice(0, 1)
      .map(
        (r): Read => ({ tool: 'describe_deployment', args: { namespace: r['NAMESPACE'], name: r['NAME'] } }),
      );
  },
  finds(ctx) {
    if (!NO_RECORD.test(ctx.task)) return [];
    for (const d of outputs(ctx.seen, 'describe_deployment', (o) =>
      /external-dns/.test(String(o.args['name'])),
    )) {
      const args = d.content.slice(0, 20_000);
      const filter = ANNOTATION_FILTER.exec(args);
      const classes = [...args.matchAll(INGRESS_CLASS)].map((m) => m[1]!);
      if (!filter && classes.length === 0) continue;
      const allowed = filter
        ? (filter[2] ?? filter[3] ?? '')
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : classes;
      for (const ing of describedIngresses(ctx)) {
        const name = String(ing.args['name'] ?? '');
        const annotated = /(?:^|,|\s)kubernetes\.io\/ingress\.class=([A-Za-z0-9._-]{1,253})/.exec(
          ing.content,
        )?.[1];
        const specClass = flat(ing.content, 'ingressClassName');
        const cls = filter ? annotated : (specClass ?? annotated);
        if (cls !== undefined && allowed.includes(cls)) continue;
        const shown = filter ? clip(filter[0], 120) : classes.map((c) => `--ingress-class=${c}`).join(' ');
        const out: Finding = {
          weight: 88,
          object: `ingress ${name}`,
          cause: `external-dns never makes a DNS record for ingress ${name}: it runs with ${shown} (Deployment ${String(d.args['name'])} in ${String(d.args['namespace'])}), so it reads only Ingresses ${filter ? `annotated kubernetes.io/ingress.class with ${allowed.join(' or ')}` : `of class ${allowed.join(' or ')}`}, and ${name} ${
            filter
              ? annotated
                ? `is annotated ${annotated}`
                : `has no such annotation${specClass ? ` (it names its class in spec.ingressClassName: ${specClass})` : ''}`
              : `is of class ${cls ?? 'none'}`
          }; the Ingress has its address, but no record is created for its host, so the name does not resolve`,
          evidence: [
            `describe_deployment ${String(d.args['name'])}: ${shown}`,
            `describe_resource Ingress ${name}: ${specClass ? `ingressClassName ${specClass}` : annotated ? `kubernetes.io/ingress.class=${annotated}` : 'no class'}`,
          ],
          advice: `let external-dns read the new class: widen its filter (${filter ? `add ${specClass ?? annotated ?? 'the class'} to --annotation-filter, or drop the annotation filter for --ingress-class flags, which also match spec.ingressClassName` : `add --ingress-class=${specClass ?? annotated ?? 'the class'}`}), or run a second external-dns for the internal class`,
        };
        return [out];
      }
    }
    return [];
  },
};
