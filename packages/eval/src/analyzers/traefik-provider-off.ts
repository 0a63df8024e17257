import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  envFix,
  type Finding,
  logOutputLines,
  outputs,
  ownerDeployment,
  podDeployment,
  podDescription,
  podOwnerObject,
  type Read,
} from './types.js';

/**
 * Traefik's router error for an object of its Kubernetes CRD provider that it does not know: `middleware
 * "wiki-strip@kubernetescrd" does not exist` (also a service or a TLS option). The `@kubernetescrd` suffix
 * names the provider the object was to come from.
 */
const MISSING =
  /\b(middleware|service|tlsoption|serverstransport)s? \\?"([a-z0-9][a-z0-9.-]{0,252})@kubernetescrd\\?" does not exist/i;

/** Traefik's static configuration of its providers, as variables (`TRAEFIK_PROVIDERS_KUBERNETESINGRESS`) or flags. */
// A provider is on when it or any of its options is set (`--providers.kubernetescrd.namespaces=a,b`,
// `TRAEFIK_PROVIDERS_KUBERNETESCRD_NAMESPACES`): provider names have no underscore or dot of their own.
const PROVIDER_VARIABLE = /^TRAEFIK_PROVIDERS_([A-Z0-9]{1,40})(?:_[A-Z0-9_]{1,80})?$/;
const PROVIDER_FLAG = /--providers\.([a-z0-9]{1,40})(?=[.=\s]|$)/gi;

/** The pods whose log read in the namespace shows the error, with its line and what is missing. */
function refusals(ctx: AnalyzerContext): { pod: string; line: string; kind: string; name: string }[] {
  const out: { pod: string; line: string; kind: string; name: string }[] = [];
  for (const o of [...outputs(ctx.seen, 'get_pod_logs'), ...outputs(ctx.seen, 'search_pod_logs')]) {
    if (String(o.args['namespace'] ?? ctx.ns) !== ctx.ns) continue;
    const pod = String(o.args['name'] ?? '');
    if (!pod || out.some((x) => x.pod === pod)) continue;
    for (const l of logOutputLines(o)) {
      const m = l.length <= 4000 ? MISSING.exec(l) : null;
      if (m) {
        out.push({ pod, line: l.trim(), kind: m[1]!.toLowerCase(), name: m[2]! });
        break;
      }
    }
  }
  return out;
}

/**
 * Traefik routes an Ingress whose annotation asks for a Middleware (`router.middlewares: x@kubernetescrd`)
 * but answers "404 page not found" for it, because its Kubernetes CRD provider is not enabled: Traefik reads
 * Middlewares, IngressRoutes and the other `traefik.io` objects only through the `kubernetesCRD` provider,
 * which its static configuration must turn on (`--providers.kubernetescrd` or
 * `TRAEFIK_PROVIDERS_KUBERNETESCRD=true`, Traefik's "Kubernetes IngressRoute" provider documentation); the
 * Ingress provider alone never loads them, so the router that names the Middleware is refused and the path
 * is not served. Found from Traefik's log (`middleware "…@kubernetescrd" does not exist`) and its
 * container's configuration, which enables other providers and not this one. Reads: that pod's description.
 */
export const traefikProviderOffAnalyzer: Analyzer = {
  name: 'traefik-provider-off',
  first: true,
  reads(ctx): Read[] {
    const r = refusals(ctx)[0];
    return r && !podDescription(ctx.seen, ctx.ns, r.pod)
      ? [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }]
      : [];
  },
  finds(ctx): Finding[] {
    for (const r of refusals(ctx)) {
      const d = podDescription(ctx.seen, ctx.ns, r.pod);
      if (!d) continue;
      for (const c of containerSections(d).filter((x) => !x.init)) {
        const vars = envOf(c.body).filter((v) => PROVIDER_VARIABLE.test(v.name));
        const flags = [...c.body.slice(0, 20_000).matchAll(PROVIDER_FLAG)].map((m) => m[1]!.toLowerCase());
        const providers = [
          ...vars
            .filter((v) => !/^false$/i.test(v.value))
            .map((v) => PROVIDER_VARIABLE.exec(v.name)![1]!.toLowerCase()),
          ...flags,
        ];
        // Traefik's static configuration in this container names its providers, and not the CRD one.
        if (providers.length === 0 || providers.includes('kubernetescrd')) continue;
        const byVariable = vars.length > 0 && flags.length === 0;
        const deployment = ownerDeployment(d) ?? podDeployment(r.pod);
        // The workload as the answer names it (`statefulset rabbitmq`, `daemonset traefik`), whatever its kind.
        const workload = podOwnerObject(d, r.pod);
        const setting = byVariable ? 'TRAEFIK_PROVIDERS_KUBERNETESCRD=true' : '--providers.kubernetescrd';
        const text = `enable Traefik's Kubernetes CRD provider on container ${c.name} of ${workload} (${setting}), keeping its other providers`;
        return [
          {
            weight: 91,
            object: workload.startsWith('pod ') ? workload : `${workload} (pod ${r.pod})`,
            cause: `Traefik in pod ${r.pod} cannot find the ${r.kind} ${r.name} ("${clip(r.line, 200)}") because its Kubernetes CRD provider (kubernetesCRD) is not enabled: its static configuration turns on only ${[...new Set(providers)].join(', ')}, and Traefik reads Middleware and IngressRoute objects only through the CRD provider, so the router whose Ingress annotation names ${r.name} is refused and its paths answer 404. The ${r.kind} object itself may well exist; the application behind the route is not what fails`,
            evidence: [
              `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
              `describe_pod ${r.pod}: providers ${vars
                .map((v) => `${v.name}=${v.value}`)
                .concat(flags.map((f) => `--providers.${f}`))
                .join(', ')}; no kubernetesCRD`,
            ],
            ...(byVariable && deployment
              ? envFix(
                  ctx.ns,
                  deployment,
                  c.name,
                  [{ name: 'TRAEFIK_PROVIDERS_KUBERNETESCRD', value: 'true' }],
                  text,
                )
              : {}),
            advice: `${text}; Traefik also needs RBAC to read the traefik.io resources (its chart's ClusterRole grants it)`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
