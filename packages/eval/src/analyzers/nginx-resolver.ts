import { glossOf } from './log-glosses.js';
import { appliedBack, readBack } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  describedVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
} from './types.js';

/** nginx's error when a name must be resolved at request time without a `resolver` directive. */
const NO_RESOLVER = /no resolver defined to resolve "?([A-Za-z0-9.-]{1,253})/;
/** The cluster DNS Service by name (kube-dns is the Service name CoreDNS keeps, Kubernetes' "DNS for Services and Pods"). */
const CLUSTER_DNS = 'kube-dns.kube-system.svc.cluster.local';

/** The first pod of the namespace whose log says nginx has no resolver, with the line. */
function refused(ctx: AnalyzerContext): { pod: string; line: string; host: string } | undefined {
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && NO_RESOLVER.test(l));
    if (line) return { pod: String(o.args['name']), line: line.trim(), host: NO_RESOLVER.exec(line)![1]! };
  }
  return undefined;
}

/** The ConfigMaps the pod mounts, from its description. */
function mounted(ctx: AnalyzerContext, pod: string): string[] {
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
  ).pop();
  return d
    ? describedVolumes(d.content)
        .filter((v) => v.type === 'ConfigMap' && v.source)
        .map((v) => v.source!)
    : [];
}

/**
 * nginx (OpenResty) that fails requests with "no resolver defined to resolve <host>": a name used at
 * request time (a variable proxy_pass, a Lua cosocket) is resolved only through the `resolver`
 * directive (nginx.org, ngx_http_core_module "resolver"). Reads: the pod's description and the
 * ConfigMap it mounts. Finds the missing directive; the fix adds `resolver <cluster DNS>` to the
 * `http` block of the nginx configuration in that ConfigMap (an approved `apply_manifest`).
 */
export const nginxResolverAnalyzer: Analyzer = {
  name: 'nginx-resolver',
  first: true,
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (!r) return [];
    if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).length)
      return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }];
    return mounted(ctx, r.pod)
      .filter(
        (cm) =>
          !outputs(ctx.seen, 'get_resource', (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === cm)
            .length,
      )
      .slice(0, 2)
      .map((cm) => ({ tool: 'get_resource', args: { kind: 'ConfigMap', name: cm, namespace: ctx.ns } }));
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    if (!r) return [];
    let fix: Finding['fix'];
    let where: string | undefined;
    for (const cm of mounted(ctx, r.pod)) {
      const doc = readBack<{ data?: Record<string, string> }>(ctx.seen, { kind: 'ConfigMap', name: cm });
      if (!doc) continue;
      try {
        for (const [key, value] of Object.entries(doc.data ?? {})) {
          if (!/^\s*http\s*\{/m.test(value) || /^\s*resolver\s/m.test(value)) continue;
          doc.data![key] = value.replace(
            /^(\s*)http\s*\{[^\n]*\n/m,
            (head, indent: string) => `${head}${indent}  resolver ${CLUSTER_DNS} valid=30s ipv6=off;\n`,
          );
          where = `${cm} (${key})`;
          fix = {
            tool: 'apply_manifest',
            args: { namespace: ctx.ns, manifest: appliedBack(doc) },
            text: `add "resolver ${CLUSTER_DNS} valid=30s;" to the http block of ${key} in ConfigMap ${cm}, so nginx can resolve ${r.host} at request time`,
          };
          break;
        }
      } catch {
        fix = undefined;
      }
      if (fix) break;
    }
    const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop();
    const owner = d ? ownerDeployment(d.content) : undefined;
    return [
      {
        weight: 88,
        object: podObject(owner, r.pod),
        cause: `nginx has no resolver directive, so it cannot resolve ${r.host} at request time: "${clip(r.line, 200)}" — ${glossOf(r.line)?.means ?? 'add a resolver line'}${where ? `; its configuration is ConfigMap ${where}, which has no resolver line` : ''}`,
        evidence: [`get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`],
        advice: `add a resolver line pointing at the cluster DNS (resolver ${CLUSTER_DNS};) to the http block of nginx's configuration and reload it`,
        revisionSound: true,
        ...(fix ? { fix } : {}),
      },
    ];
  },
};
