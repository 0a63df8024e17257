import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/** A Service's cluster DNS name with its namespace: `<service>.<namespace>.svc[.cluster.local]`. */
const SERVICE_DNS =
  /(?<![\w.-])([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc(?:\.cluster\.local)?\b/g;
/** A name that resolved to nothing, as resolvers and programs say it. */
const UNRESOLVED =
  /\bto \[\]|resolved to no addresses|no such host|NXDOMAIN|could not resolve|couldn't resolve|Name or service not known|UnknownHostException|ENOTFOUND|Temporary failure in name resolution|nodename nor servname/i;

interface Misplaced {
  pod: string;
  owner?: string;
  container: string;
  variable: string;
  value: string;
  /** The value with the host's namespace set to the pod's. */
  fixed: string;
  service: string;
  named: string;
  line: string;
}

/** Services listed in namespace `ns`, when a list of them was read. */
function servicesIn(ctx: AnalyzerContext, ns: string): string[] | undefined {
  const o = outputs(ctx.seen, 'list_services', (x) => x.args['namespace'] === ns).pop();
  return o ? parseTable(o.content.slice(0, 200_000)).map((r) => r['NAME'] ?? '') : undefined;
}

function misplaced(ctx: AnalyzerContext): { found?: Misplaced; read?: Read } {
  return perSeen(ctx.seen, ['hostNamespace', ctx.ns], () => {
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(log.args['name'] ?? '');
      const d = outputs(
        ctx.seen,
        'describe_pod',
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
      ).pop();
      if (!d) continue;
      const lines = boundedLogLines(log.content).filter((l) => l.length <= 4000);
      for (const c of containerSections(d.content.slice(0, 100_000)).filter((x) => !x.init)) {
        for (const e of envOf(c.body)) {
          for (const m of e.value.slice(0, 1000).matchAll(SERVICE_DNS)) {
            const [host, service, named, at] = [m[0], m[1]!, m[2]!, m.index ?? 0];
            if (named === ctx.ns) continue;
            const line = lines.find((l) => l.includes(host) && UNRESOLVED.test(l));
            if (!line) continue;
            const here = servicesIn(ctx, ctx.ns);
            if (!here) return { read: { tool: 'list_services', args: { namespace: ctx.ns } } };
            if (!here.includes(service)) continue;
            // The namespace it names has a Service of that name after all: not this.
            if (servicesIn(ctx, named)?.includes(service)) continue;
            const owner = ownerDeployment(d.content);
            return {
              found: {
                pod,
                ...(owner ? { owner } : {}),
                container: c.name,
                variable: e.name,
                value: e.value,
                // Only the host found changes (not another host of the value that ends the same way).
                fixed: `${e.value.slice(0, at)}${host.replace(`${service}.${named}.svc`, `${service}.${ctx.ns}.svc`)}${e.value.slice(at + host.length)}`,
                service,
                named,
                line: line.trim(),
              },
            };
          }
        }
      }
    }
    return {};
  });
}

/**
 * A variable that names a Service by its cluster DNS name in another namespace (`kg-core.default.svc…`,
 * as example manifests written for `default` do) that resolves to nothing, while a Service of that name
 * runs in the pod's own namespace: the program looks for its peers or its backend where they are not.
 * The fix names this namespace in the same value.
 */
export const hostNamespaceAnalyzer: Analyzer = {
  name: 'host-namespace',
  reads(ctx): Read[] {
    const r = misplaced(ctx).read;
    return r ? [r] : [];
  },
  finds(ctx): Finding[] {
    const m = misplaced(ctx).found;
    if (!m) return [];
    const fixed = m.fixed;
    return [
      {
        weight: 88,
        object: m.owner ? `deployment ${m.owner} (pod ${m.pod})` : `pod ${m.pod}`,
        cause: `${m.variable} of the ${m.container} container is "${clip(m.value, 160)}", the ${m.service} Service in the ${m.named} namespace, which does not resolve ("${clip(m.line, 220)}"): the ${m.service} Service is in ${ctx.ns}, not ${m.named}, so the program looks for it in the wrong namespace and fails`,
        evidence: [
          `describe_pod ${m.pod}: ${m.variable}=${clip(m.value, 160)}`,
          `logs of ${m.pod}: "${clip(m.line, 200)}"`,
          `list_services ${ctx.ns}: ${m.service}`,
        ],
        ...envFix(
          ctx.ns,
          m.owner,
          m.container,
          [{ name: m.variable, value: fixed }],
          `set ${m.variable} of ${m.owner ?? m.pod} to ${fixed} (the ${m.service} Service of ${ctx.ns})`,
        ),
        advice: `set ${m.variable} to ${fixed}, the ${m.service} Service of this namespace`,
      },
    ];
  },
};
