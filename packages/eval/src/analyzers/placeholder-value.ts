import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import { ingressRoutes } from './public-url-localhost.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  describedLabels,
  envFix,
  type Finding,
  listedReads,
  outputs,
  podDeployment,
  podObject,
  type Read,
  unmadeReads,
} from './types.js';

/**
 * What kubectl prints where a field has no value, and what each stands for (kubectl's printers:
 * `<pending>` for a LoadBalancer Service's EXTERNAL-IP before an address is assigned, `<none>` for an empty
 * column, `<unknown>` for a field it could not read). A setting whose value holds one of them was copied from
 * kubectl's output, not from an address.
 */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<pending>':
    "the placeholder kubectl prints in a LoadBalancer Service's EXTERNAL-IP column while the Service has no external IP yet (no load balancer controller has assigned one: no cloud provider load balancer, no MetalLB)",
  '<none>':
    'the placeholder kubectl prints in a column that has no value (an EXTERNAL-IP of a Service without one)',
  '<unknown>': 'the placeholder kubectl prints for a value it could not read',
};

/** A setting that names where the program is reached or reaches: a host, a URL, an address, a domain. */
const HOST_SETTING =
  /(?:^|_)(?:HOST|HOSTNAME|URL|URI|ADDR|ADDRESS|ENDPOINT|DOMAIN|SERVER|ORIGIN|FQDN)(?:_|$)/i;

interface Copied {
  readonly pod: string;
  readonly deployment: string | undefined;
  readonly container: string;
  readonly variable: string;
  readonly value: string;
  readonly placeholder: string;
  readonly line: string | undefined;
  readonly labels: readonly string[];
}

/** The first setting of a failing (not Ready) app container of the namespace that holds a kubectl placeholder. */
function copied(ctx: AnalyzerContext): Copied | undefined {
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    const text = d.content.slice(0, 100_000);
    const pod = String(d.args['name'] ?? '');
    for (const c of containerSections(text).filter((x) => !x.init)) {
      if (!/^\s*Ready:\s*False\b/m.test(c.body)) continue;
      for (const e of envOf(c.body)) {
        const placeholder = Object.keys(PLACEHOLDERS).find((p) => e.value.includes(p));
        if (!placeholder) continue;
        const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop()?.content ?? '';
        // The line that fails on it first (an error, an invalid value), else the first that prints it.
        const lines = boundedLogLines(log).filter((l) => l.includes(placeholder));
        const line =
          lines.find((l) =>
            /\b(?:invalid|not a valid|error|fail(?:ed|s)?|abort(?:ing|ed)?|cannot|unable)\b/i.test(l),
          ) ?? lines[0];
        const labels = Object.entries(describedLabels(text)).map(([k, v]) => `${k}=${v}`);
        // The program must be seen using it: its log prints the placeholder, or, with no log read yet, the
        // setting names a host or an address. A log read without it shows another failure.
        const read = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).length > 0;
        if (!line && (read || !HOST_SETTING.test(e.name))) continue;
        return {
          pod,
          deployment: podDeployment(pod),
          container: c.name,
          variable: e.name,
          value: e.value,
          placeholder,
          line: line?.trim(),
          labels,
        };
      }
    }
  }
  return undefined;
}

/** The Services of the namespace (from its listing) whose whole selector the pod's labels satisfy. */
function servicesOf(ctx: AnalyzerContext, labels: readonly string[]): { name: string; type: string }[] {
  const list = outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === ctx.ns).pop();
  return parseTable(list?.content.slice(0, 200_000) ?? '')
    .filter((r) => {
      const sel = (r['SELECTOR'] ?? '').split(',').filter((x) => x && x !== '<none>');
      return sel.length > 0 && sel.every((kv) => labels.includes(kv));
    })
    .map((r) => ({ name: r['NAME'] ?? '', type: r['TYPE'] ?? '' }));
}

/**
 * A failing container with a setting that holds a placeholder kubectl prints, not a value:
 * `SUITECRM_HOST=<pending>`, copied from `kubectl get service` while the LoadBalancer had no external IP.
 * The program takes the placeholder for its host name (or URL) and fails on it. When an Ingress routes a
 * host to a Service that selects the pod, the fix puts that host where the placeholder is.
 */
export const placeholderValueAnalyzer: Analyzer = {
  name: 'placeholder-value',
  first: true,
  reads(ctx): Read[] {
    const c = copied(ctx);
    if (!c) return [];
    return unmadeReads(ctx.seen, [
      { tool: 'list_services', args: { namespace: ctx.ns } },
      ...listedReads(ctx.seen, ctx.ns, 'Ingress', 'describe_resource'),
    ]);
  },
  finds(ctx): Finding[] {
    const c = copied(ctx);
    if (!c) return [];
    const services = servicesOf(ctx, c.labels);
    const balancer = services.find((s) => s.type === 'LoadBalancer');
    const routes = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'Ingress' && o.args['namespace'] === ctx.ns,
    ).flatMap((o) => ingressRoutes(o.content).map((r) => ({ ...r, ingress: String(o.args['name'] ?? '') })));
    const hosts = [
      ...new Set(routes.filter((r) => services.some((s) => s.name === r.service)).map((r) => r.host)),
    ];
    const route = hosts.length === 1 ? routes.find((r) => r.host === hosts[0]) : undefined;
    // The placeholder with the port it was given (`<pending>:8080`, the LoadBalancer's): the Ingress
    // serves its host on the standard ports, so the port goes too.
    const value = route
      ? c.value
          .split(c.placeholder)
          .map((part, i) => (i === 0 ? part : part.replace(/^:\d{1,5}/, '')))
          .join(route.host)
      : undefined;
    const quoted = c.line ? clip(c.line, 200) : undefined;
    return [
      {
        weight: 94,
        object: podObject(c.deployment, c.pod),
        cause: `the setting ${c.variable} of container ${c.container} is "${c.value}": ${c.placeholder} is ${PLACEHOLDERS[c.placeholder]}, copied into the setting as if it were an address${balancer ? ` (Service ${balancer.name}, which selects this pod, is of type LoadBalancer)` : ''}; the program uses it as its host${quoted ? ` and fails on it ("${quoted}")` : ''}${route ? `. Users reach it at ${route.host} (Ingress ${route.ingress} → Service ${route.service}), the name the setting should hold` : ''}`,
        evidence: [
          `describe_pod ${c.pod}: container ${c.container}: ${c.variable}=${c.value}`,
          ...(quoted ? [`logs of ${c.pod}: "${quoted}"`] : []),
          ...(route
            ? [`describe_resource Ingress ${route.ingress}: host ${route.host} → Service ${route.service}`]
            : []),
        ],
        advice: route
          ? `set ${c.variable} to ${value} (the host Ingress ${route.ingress} serves) and let the pods restart`
          : `set ${c.variable} to the real host name or address users reach the program by`,
        ...(route && value
          ? envFix(
              ctx.ns,
              c.deployment,
              c.container,
              [{ name: c.variable, value }],
              `set ${c.variable} of ${c.deployment ?? c.pod} to ${value}, the host Ingress ${route.ingress} serves`,
            )
          : {}),
      },
    ];
  },
};
