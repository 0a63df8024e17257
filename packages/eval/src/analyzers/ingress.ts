import { parseTable } from '../k8s-text.js';
import { type Analyzer, bonus, described, flat, listed, outputs, type Read, section } from './types.js';

const EDGE =
  /\b(ingress|404|502|503|from outside|externally|external(ly)?|public|url|https?:\/\/|domain|host(name)?|website|site)\b/i;

/** Ingresses that no controller serves (no or unknown IngressClass) or whose backend port the Service lacks. */
export const ingressAnalyzer: Analyzer = {
  name: 'ingress',
  reads({ task, ns, seen, hints }) {
    if (!EDGE.test(task)) return [];
    const reads: Read[] = [
      { tool: 'list_resources', args: { kind: 'Ingress', namespace: ns } },
      { tool: 'list_resources', args: { kind: 'IngressClass' } },
    ];
    const ings = [...listed(seen, 'Ingress')].sort((a, b) => bonus(b.name, hints) - bonus(a.name, hints));
    for (const i of ings.slice(0, 2)) {
      reads.push({ tool: 'describe_resource', args: { kind: 'Ingress', name: i.name, namespace: ns } });
      const d = described(seen, 'Ingress', i.name);
      const svc = d ? backend(d).service : undefined;
      if (svc) reads.push({ tool: 'describe_service', args: { namespace: ns, name: svc } });
      // No class named: whether one is the default decides whether any controller takes it.
      if (d && classOf(d) === undefined)
        for (const c of listed(seen, 'IngressClass').slice(0, 3))
          reads.push({ tool: 'describe_resource', args: { kind: 'IngressClass', name: c.name } });
    }
    return reads;
  },
  finds({ ns, seen, hints }) {
    const classList = outputs(seen, 'list_resources', (o) => String(o.args['kind']) === 'IngressClass').pop();
    const classes =
      classList && !/^No /.test(classList.content)
        ? parseTable(classList.content).map((r) => r['NAME'] ?? '')
        : classList
          ? []
          : undefined;
    return listed(seen, 'Ingress').flatMap((i) => {
      const d = described(seen, 'Ingress', i.name);
      if (!d) return [];
      const cls = classOf(d);
      const b = bonus(i.name, hints);
      // The default class (annotation ingressclass.kubernetes.io/is-default-class=true) takes an
      // Ingress that names none; known only once every class was described.
      const describedClasses = (classes ?? []).map((c) => described(seen, 'IngressClass', c));
      const noDefault =
        describedClasses.every((x) => x !== undefined) &&
        !describedClasses.some((x) => /ingressclass\.kubernetes\.io\/is-default-class=true/.test(x ?? ''));
      if (
        classes !== undefined &&
        (cls === undefined ? classes.length === 0 || noDefault : !classes.includes(cls))
      ) {
        return [
          {
            weight: 84 + b,
            object: `ingress ${i.name}`,
            cause:
              cls === undefined
                ? `Ingress ${i.name} names no IngressClass (no spec.ingressClassName) and ${classes.length === 0 ? 'the cluster has no IngressClass' : `none of the cluster's IngressClasses (${classes.join(', ')}) is the default`}, so no ingress controller picks it up and it gets no address (requests get the controller's default 404)`
                : `Ingress ${i.name} uses IngressClass "${cls}", which does not exist (the cluster has ${classes.length ? classes.join(', ') : 'none'}), so no ingress controller serves it`,
            evidence: [`describe_resource Ingress ${i.name}: ingressClassName ${cls ?? '<none>'}`],
            advice: `set spec.ingressClassName of ${i.name} to an existing class${classes.length ? ` (${classes.join(', ')})` : ''}`,
          },
        ];
      }
      const { service, port } = backend(d);
      const svc = service
        ? outputs(
            seen,
            'describe_service',
            (o) => o.args['name'] === service && o.args['namespace'] === ns,
          ).pop()?.content
        : undefined;
      if (service && port && svc) {
        const ports = [...svc.matchAll(/^Port:\s+\S*\s+(\d+)\//gm)].map((m) => m[1]);
        if (ports.length > 0 && !ports.includes(port))
          return [
            {
              weight: 82 + b,
              object: `ingress ${i.name}`,
              cause: `Ingress ${i.name} sends traffic to service ${service} port ${port}, but ${service} exposes port ${ports.join(', ')} (wrong service port in the Ingress backend), so the controller has no endpoint for it and answers 503/502`,
              evidence: [
                `describe_resource Ingress ${i.name}: backend ${service}:${port}`,
                `describe_service ${service}: ports ${ports.join(', ')}`,
              ],
              advice: `point the Ingress backend at ${service} port ${ports[0]}`,
            },
          ];
      }
      return [];
    });
  },
};

/** The class an Ingress's describe output names: spec.ingressClassName, or the old annotation. */
function classOf(d: string): string | undefined {
  return flat(section(d, 'Spec'), 'ingressClassName') ?? /kubernetes\.io\/ingress\.class=(\S+)/.exec(d)?.[1];
}

/** The first backend of an Ingress's describe output: service name and port number. */
function backend(d: string): { service?: string; port?: string } {
  const spec = section(d, 'Spec');
  const service = /backend\.service\.name: (\S+)/.exec(spec)?.[1];
  const port = /backend\.service\.port\.number: (\d+)/.exec(spec)?.[1];
  return { ...(service ? { service } : {}), ...(port ? { port } : {}) };
}
