import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  type Read,
  serviceHost,
} from './types.js';

/**
 * A name the program could not resolve, as nginx (`host not found in upstream "netbox"`), Go (`lookup
 * netbox on 10.96.0.10:53: no such host`), Node (`getaddrinfo ENOTFOUND netbox`) and curl-based clients
 * (`Could not resolve host: netbox`) say it; the name is captured.
 */
const UNRESOLVED_NAME =
  /host not found in upstream "([a-z0-9][a-z0-9.-]{0,252})|\blookup ([a-z0-9][a-z0-9.-]{0,252}) on [\d.:[\]a-f]{3,60}: no such host|getaddrinfo ENOTFOUND ([a-z0-9][a-z0-9.-]{0,252})|Could not resolve host: ([a-z0-9][a-z0-9.-]{0,252})/i;

interface Gone {
  pod: string;
  name: string;
  line: string;
  services: { name: string; age?: number; ageText: string }[];
  replacement?: { name: string; ageText: string };
  configMap?: string;
}

/**
 * The Service name a resolved host means in namespace `ns`: `x`, or a cluster DNS name of `ns` as
 * `serviceHost` reads it (`x.ns`, `x.ns.svc[.cluster.local]`).
 */
function serviceName(host: string, ns: string): string | undefined {
  const bare = host.replace(/:\d{1,5}$/, '');
  if (!bare.includes('.')) return bare;
  const s = serviceHost(bare, true);
  return s?.namespace === ns ? s.service : undefined;
}

function gone(ctx: AnalyzerContext): { found?: Gone; read?: Read } {
  return perSeen(ctx.seen, ['upstreamServiceGone', ctx.ns], () => {
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(log.args['name'] ?? '');
      for (const line of boundedLogLines(log.content)) {
        if (line.length > 4000) continue;
        const m = UNRESOLVED_NAME.exec(line);
        const host = m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : undefined;
        const name = host ? serviceName(host.toLowerCase(), ctx.ns) : undefined;
        if (!name) continue;
        const listed = outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === ctx.ns).pop();
        if (!listed) return { read: { tool: 'list_services', args: { namespace: ctx.ns } } };
        const rows = parseTable(listed.content.slice(0, 200_000));
        if (rows.some((r) => r['NAME'] === name)) continue;
        const services = rows.map((r) => ({
          name: r['NAME'] ?? '',
          age: ageSeconds(r['AGE'] ?? ''),
          ageText: r['AGE'] ?? '',
        }));
        // The logging pod's own Service (netbox-nginx for a pod of netbox-nginx) is not its upstream.
        const own = (s: string) => pod.startsWith(`${s}-`);
        const alike = services
          .filter((s) => (s.name.startsWith(`${name}-`) || s.name.endsWith(`-${name}`)) && !own(s.name))
          .sort((a, b) => (a.age ?? Number.MAX_SAFE_INTEGER) - (b.age ?? Number.MAX_SAFE_INTEGER));
        const oldest = Math.max(...services.map((s) => s.age ?? 0));
        // The youngest of them, made well after the others: a Service that took the old one's place.
        const young =
          alike[0] && alike[0].age !== undefined && alike[0].age * 10 < oldest ? alike[0] : undefined;
        const configMap = outputs(
          ctx.seen,
          'describe_resource',
          (o) =>
            o.args['kind'] === 'ConfigMap' &&
            o.args['namespace'] === ctx.ns &&
            new RegExp(`(?:https?://|\\bupstream\\s+|\\bserver\\s+)${name.replace(/[.-]/g, '\\$&')}\\b`).test(
              o.content.slice(0, 100_000),
            ),
        ).pop();
        return {
          found: {
            pod,
            name,
            line: line.trim(),
            services,
            ...(young ? { replacement: { name: young.name, ageText: young.ageText } } : {}),
            ...(configMap ? { configMap: String(configMap.args['name'] ?? '') } : {}),
          },
        };
      }
    }
    return {};
  });
}

/**
 * A program that cannot resolve the Service it is configured to reach, because no Service of that name
 * exists in its namespace (nginx refuses to start on `host not found in upstream "netbox"`): the Service
 * was removed or renamed (a cleanup, a chart that names it `netbox-web`) while the config still names the
 * old one. Cluster DNS answers as it should: the name is simply not a Service. A Service of a related
 * name made well after the others is named as the likely replacement.
 */
export const upstreamServiceGoneAnalyzer: Analyzer = {
  name: 'upstream-service-gone',
  reads(ctx): Read[] {
    const r = gone(ctx).read;
    return r ? [r] : [];
  },
  finds(ctx): Finding[] {
    const g = gone(ctx).found;
    if (!g) return [];
    const listed = g.services
      .slice(0, 8)
      .map((s) => s.name)
      .join(', ');
    const instead = g.replacement
      ? `; ${g.replacement.name}, created ${g.replacement.ageText} ago while the others are much older, looks like the Service that replaced it: the Service ${g.name} was removed or renamed and the config still names it`
      : `; the Service ${g.name} was removed or renamed, or never made, while the config still names it`;
    return [
      {
        weight: 87,
        object: `pod ${g.pod} in ${ctx.ns}`,
        cause: `the program in ${g.pod} cannot resolve "${g.name}" ("${clip(g.line, 200)}") because no Service named ${g.name} exists in ${ctx.ns} (${listed ? `its Services: ${listed}` : 'it has no Services at all'})${instead}. Cluster DNS answers as it should; the name is not a Service`,
        evidence: [
          `logs of ${g.pod}: "${clip(g.line, 200)}"`,
          `list_services ${ctx.ns}: ${listed || 'none'} (no ${g.name})`,
          ...(g.configMap ? [`describe_resource ConfigMap ${g.configMap}: names ${g.name}`] : []),
        ],
        advice: `point the config${g.configMap ? ` (ConfigMap ${g.configMap})` : ''} at ${g.replacement ? `${g.replacement.name} (its port as the Service lists it)` : 'the Service that serves it now'}, or bring back a Service named ${g.name}, then restart the pod`,
      },
    ];
  },
};
