import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podEventLines,
  type Read,
} from './types.js';

/**
 * The API server's refusal of an object because the admission webhook it must call has no Service:
 * `failed calling webhook "w": failed to call webhook: Post "https://svc.ns.svc:443/…": service "svc" not
 * found` (Kubernetes' dispatcher words, as kubectl prints them). Bounded gaps: linear on any line.
 */
const CALL = /failed calling webhook "([^"\s]{1,253})"/;
const NOT_FOUND = /service "([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)" not found/;
const URL_HOST =
  /https:\/\/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc\b/;

interface Refusal {
  readonly webhook: string;
  readonly service: string;
  /** The namespace the webhook configuration sends the call to (from its URL). */
  readonly namespace: string;
  readonly line: string;
  readonly where: string;
}

/** The first refusal of that kind in the namespace's logs (current or previous), its pods' events, or the task. */
function refusal(ctx: AnalyzerContext): Refusal | undefined {
  const sources: { text: string; where: string }[] = [
    ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).flatMap((o) =>
      boundedLogLines(o.content).map((text) => ({ text, where: `logs of ${String(o.args['name'] ?? '')}` })),
    ),
    ...[...podEventLines(ctx.seen, ctx.ns)].map((e) => ({ text: e.line, where: e.from.tool })),
    { text: ctx.task.slice(0, 4000), where: 'the task' },
  ];
  for (const { text: raw, where } of sources) {
    if (raw.length > 4000) continue;
    // A refusal inside a JSON or Go-quoted error (`failed calling webhook \"w\"`): its quotes escaped.
    const text = raw.includes('\\"') ? raw.replaceAll('\\"', '"') : raw;
    const call = CALL.exec(text);
    if (!call) continue;
    const missing = NOT_FOUND.exec(text);
    const url = URL_HOST.exec(text);
    if (!missing || !url || url[1] !== missing[1]) continue;
    return { webhook: call[1]!, service: missing[1]!, namespace: url[2]!, line: text.trim(), where };
  }
  return undefined;
}

/** The namespaces where `find_objects` found a Service named `name`. */
function serviceNamespaces(ctx: AnalyzerContext, name: string): string[] | undefined {
  const found = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === name);
  if (found.length === 0) return undefined;
  const rows = found.flatMap((o) => parseTable(o.content.slice(0, 200_000)));
  return [
    ...new Set(
      rows.filter((r) => r['KIND'] === 'Service' && r['NAME'] === name).map((r) => r['NAMESPACE'] ?? ''),
    ),
  ].filter(Boolean);
}

/**
 * An admission webhook whose configuration sends its calls to a Service in a namespace that has no such
 * Service, so the API server refuses every object the webhook covers (with `failurePolicy: Fail`):
 * `failed calling webhook "w": … Post "https://svc.ns.svc:443/…": service "svc" not found`. Typically the
 * operator was installed (or reinstalled) into another namespace than the one its webhook configurations
 * name: a chart value for the webhook's Service namespace left at its default, or configurations left
 * from an earlier install. Reads: the Service by name across the cluster (`find_objects`). Finds where it
 * does run; the fix is the webhook configuration pointing at that namespace (kubernetes.io, "Dynamic
 * Admission Control", `clientConfig.service`).
 */
export const webhookServiceElsewhereAnalyzer: Analyzer = {
  name: 'webhook-service-elsewhere',
  first: true,
  reads(ctx): Read[] {
    const r = refusal(ctx);
    if (!r || serviceNamespaces(ctx, r.service) !== undefined) return [];
    return [{ tool: 'find_objects', args: { name: r.service } }];
  },
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const found = serviceNamespaces(ctx, r.service);
    if (found === undefined) return [];
    const elsewhere = found.filter((n) => n !== r.namespace);
    // The Service is where the webhook says: its refusal was of another moment (a restart), not this.
    if (found.includes(r.namespace)) return [];
    const there = elsewhere.length === 1 ? elsewhere[0] : undefined;
    return [
      {
        weight: 91,
        // Cluster-scoped: placed by the Service it names, not in the task's namespace.
        object: `webhook ${r.webhook} for service ${r.service} in ${r.namespace}`,
        cause: `the admission webhook ${r.webhook} is configured to call Service ${r.service} in namespace ${r.namespace}, which has no such Service (service "${r.service}" not found), so the API server refuses every object the webhook covers: ${
          there
            ? `Service ${r.service} runs in namespace ${there}, another namespace than the one the webhook configuration names (the operator was installed into ${there}, its webhook configuration still says ${r.namespace})`
            : elsewhere.length > 1
              ? `Services named ${r.service} run in namespaces ${elsewhere.join(', ')}, none in ${r.namespace}`
              : `no Service of that name runs in any namespace (the webhook's server was removed or renamed)`
        }. "${clip(r.line, 300)}"`,
        evidence: [
          `${r.where}: "${clip(r.line, 300)}"`,
          `find_objects ${r.service}: ${found.length > 0 ? `Service in ${found.join(', ')}` : 'no Service of that name'}`,
        ],
        advice: there
          ? `point the webhook configuration's clientConfig.service.namespace at ${there} (reinstall the operator with its webhook Service namespace set to the namespace it runs in), or remove the stale webhook configuration; the webhook's certificate is not what fails`
          : `restore the webhook's Service or remove the webhook configuration that still names it`,
        revisionSound: true,
      },
    ];
  },
};
