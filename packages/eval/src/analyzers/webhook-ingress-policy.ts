import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  describedField,
  type Finding,
  listedReads,
  outputs,
  podEventLines,
  type Read,
} from './types.js';
import { UNREACHABLE } from './webhook-no-endpoints.js';

/** A call nobody answered (a dropped SYN, a dropped reply): what an ingress NetworkPolicy's denial looks like. */
const DROPPED = /context deadline exceeded|i\/o timeout|Client\.Timeout exceeded|timed out/i;

interface Refusal {
  readonly webhook: string;
  readonly service: string;
  readonly namespace: string;
  readonly why: string;
  readonly line: string;
  readonly where: string;
}

/**
 * The first refusal whose call to the webhook timed out: in the logs of the namespace's pods (current or
 * previous: a controller that panics on it), its pods' descriptions and events, or the task.
 */
function refusal(ctx: AnalyzerContext): Refusal | undefined {
  const sources: { text: string; where: string }[] = [
    ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).flatMap((o) =>
      boundedLogLines(o.content).map((text) => ({
        text,
        where: `${o.args['previous'] ? 'previous logs' : 'logs'} of ${String(o.args['name'] ?? '')}`,
      })),
    ),
    ...[...podEventLines(ctx.seen, ctx.ns)].map((e) => ({ text: e.line, where: e.from.tool })),
    { text: ctx.task.slice(0, 4000), where: 'the task' },
  ];
  for (const { text: raw, where } of sources) {
    if (raw.length > 4000 || !raw.includes('failed calling webhook')) continue;
    const text = raw.includes('\\"') ? raw.replaceAll('\\"', '"') : raw;
    const m = UNREACHABLE.exec(text);
    // The call's own error ends where the quoted message does: a later field of a JSON line is another's.
    const why = m ? m[4]!.split(/["\\]/)[0]!.trim() : '';
    if (!m || !DROPPED.test(why)) continue;
    return { webhook: m[1]!, service: m[2]!, namespace: m[3]!, why, line: text.trim(), where };
  }
  return undefined;
}

/** One described NetworkPolicy, as the tools flatten its spec (`ingress[1].from[0].podSelector: {}`). */
interface Policy {
  readonly name: string;
  /** The pod labels it selects; empty: every pod of its namespace. */
  readonly selects: Record<string, string>;
  /** Whether it selects pods by an expression, which is not judged here. */
  readonly expressions: boolean;
  readonly ingress: boolean;
  /** Per ingress rule: whether it may admit a peer that is not a pod (no `from`, or an ipBlock). */
  readonly rules: { readonly outside: boolean; readonly ports: readonly string[]; readonly words: string }[];
}

/**
 * A `describe_resource NetworkPolicy` output read as a policy. `policyTypes` left out means Ingress (always)
 * and Egress when egress rules are given (kubernetes.io, "Network Policies"). Bounded: the first 400 lines.
 */
export function describedPolicy(text: string): Policy | undefined {
  const name = describedField(text, 'Name');
  if (!name) return undefined;
  const lines = text.slice(0, 100_000).split('\n').slice(0, 400);
  const selects: Record<string, string> = {};
  let expressions = false;
  const types: string[] = [];
  const rules = new Map<number, { peers: string[]; ports: string[]; outside: boolean; any: boolean }>();
  const rule = (i: number) => {
    let r = rules.get(i);
    if (!r) {
      r = { peers: [], ports: [], outside: false, any: false };
      rules.set(i, r);
    }
    return r;
  };
  for (const l of lines) {
    const t = l.trim();
    let m = /^podSelector\.matchLabels\.(\S{1,317}):\s?(.{0,63})$/.exec(t);
    if (m) {
      selects[m[1]!] = m[2]!.trim();
      continue;
    }
    if (/^podSelector\.matchExpressions/.test(t)) expressions = true;
    m = /^policyTypes\[\d{1,2}\]:\s?(\w{1,10})$/.exec(t);
    if (m) types.push(m[1]!);
    m = /^ingress\[(\d{1,3})\](.{0,400})$/.exec(t);
    if (!m) continue;
    const r = rule(Number(m[1]));
    const rest = m[2]!;
    const peer =
      /^\.from\[(\d{1,3})\]\.(podSelector|namespaceSelector|ipBlock)(\S{0,340}):\s?(.{0,200})$/.exec(rest);
    if (peer) {
      r.any = true;
      if (peer[2] === 'ipBlock') r.outside = true;
      const value = peer[4]!.trim();
      r.peers.push(
        peer[2] === 'ipBlock'
          ? `ipBlock ${value}`
          : peer[3]
            ? `${peer[2]} ${peer[3].replace(/^\.matchLabels\./, '')}=${value}`
            : `${peer[2]} ${value}`,
      );
      continue;
    }
    const port = /^\.ports\[\d{1,3}\]\.port:\s?(\S{1,15})$/.exec(rest);
    if (port) r.ports.push(port[1]!);
  }
  const ingress = types.length === 0 || types.includes('Ingress');
  return {
    name,
    selects,
    expressions,
    ingress,
    rules: [...rules.values()].map((r) => ({
      outside: r.outside || !r.any,
      ports: r.ports,
      words: `${r.any ? `from ${[...new Set(r.peers)].join(' or ')}` : 'from anywhere'}${r.ports.length ? ` on port ${r.ports.join('/')}` : ''}`,
    })),
  };
}

/** The webhook Service's description, when read. */
function serviceText(ctx: AnalyzerContext, r: Refusal): string | undefined {
  return outputs(
    ctx.seen,
    'describe_service',
    (o) => o.args['name'] === r.service && o.args['namespace'] === r.namespace,
  ).pop()?.content;
}

/**
 * An admission webhook the API server cannot reach because an ingress NetworkPolicy of the webhook's
 * namespace drops its calls: the call times out (`failed calling webhook "w": failed to call webhook: Post
 * "https://svc.ns.svc:443/…": context deadline exceeded`) while the webhook's Service has endpoints, and
 * the policies that select the webhook's pods for ingress admit only pods (podSelector, namespaceSelector).
 * The API server is not a pod: it connects from the control plane's addresses (or a node's, in
 * host-network set-ups), which only a rule without `from` or an `ipBlock` admits (kubernetes.io, "Network
 * Policies"; "Dynamic Admission Control": with failurePolicy Fail the request is rejected). Reads the
 * webhook namespace's policies and its Service. Proposes no change: which addresses the control plane uses
 * is the cluster's, so the rule to add is said, not written.
 */
export const webhookIngressPolicyAnalyzer: Analyzer = {
  name: 'webhook-ingress-policy',
  reads(ctx): Read[] {
    const r = refusal(ctx);
    if (!r) return [];
    return [
      ...(serviceText(ctx, r)
        ? []
        : [{ tool: 'describe_service', args: { namespace: r.namespace, name: r.service } }]),
      ...listedReads(ctx.seen, r.namespace, 'NetworkPolicy', 'describe_resource', 3),
    ];
  },
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const svc = serviceText(ctx, r);
    // The webhook's pods are behind its Service: a Service without endpoints is another finding's.
    if (!svc || /^Endpoints:\s*(?:<none>)?\s*$/m.test(svc)) return [];
    const selector = Object.fromEntries(
      (describedField(svc, 'Selector') ?? '')
        .split(',')
        .map((kv) => kv.split('='))
        .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== ''),
    );
    const policies = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'NetworkPolicy' && o.args['namespace'] === r.namespace,
    )
      .map((o) => describedPolicy(o.content))
      .filter((p): p is Policy => p !== undefined);
    // Those that certainly select the webhook's pods (every pod, or labels the Service's selector requires),
    // and those that may (a label the selector does not name, an expression): any of these that lets a
    // peer outside the pods in on the webhook's port lets the API server in.
    const mentioned = (p: Policy) => Object.entries(p.selects).every(([k, v]) => selector[k] === v);
    const mayMatch = (p: Policy) =>
      Object.entries(p.selects).every(([k, v]) => selector[k] === undefined || selector[k] === v);
    const target = /^TargetPort:\s*(\S{1,40})/m.exec(svc)?.[1]?.replace(/\/(?:TCP|UDP|SCTP)$/, '');
    const opens = (ports: readonly string[]) =>
      ports.length === 0 ||
      target === undefined ||
      ports.includes(target) ||
      // A named target port against numbers, or the reverse: not judged here.
      ports.some((x) => /^\d+$/.test(x) !== /^\d+$/.test(target));
    const seenNames = new Set<string>();
    const unique = policies.filter((p) => p.ingress && !seenNames.has(p.name) && seenNames.add(p.name));
    const governing = unique.filter((p) => !p.expressions && mentioned(p));
    if (governing.length === 0) return [];
    if (
      unique
        .filter((p) => p.expressions || mayMatch(p))
        .some((p) => p.rules.some((x) => x.outside && opens(x.ports)))
    )
      return [];
    const names = governing.map((p) => p.name).join(', ');
    const rules = governing.flatMap((p) => p.rules.map((x) => x.words));
    return [
      {
        weight: 94,
        object: `webhook ${r.webhook}`,
        cause:
          `the API server's calls to the admission webhook "${r.webhook}" (Service ${r.service} in namespace ${r.namespace}) are dropped by the NetworkPolicy ${names} in ${r.namespace}: it selects the webhook's pods for ingress and admits only pods on the webhook's port (${rules.length ? rules.join('; ') : 'no ingress rule at all'}), and the API server is not a pod. It connects from the control plane's addresses, which no podSelector or namespaceSelector matches, so its connection gets no answer and the call times out (${r.why.replace(/"/g, '')}). ` +
          `The webhook's pods are up behind their Service; with failurePolicy Fail the API server refuses what the webhook intercepts, and the program that asked fails on it ("${clip(r.line, 220)}")`,
        evidence: [
          `${r.where}: "${clip(r.line, 200)}"`,
          ...governing
            .slice(0, 2)
            .map(
              (p) =>
                `describe_resource NetworkPolicy ${p.name} (${r.namespace}): ingress ${p.rules.map((x) => x.words).join('; ') || 'none'}`,
            ),
        ],
        advice: `add an ingress rule in ${r.namespace} for the webhook's pods that admits the API server on the webhook's port (${target ? `targetPort ${target}` : "the Service's targetPort"}): an ipBlock with the control plane's address range, or no \`from\` for that port; then the calls are answered within the webhook's timeoutSeconds and the refused requests go through`,
        revisionSound: true,
      },
    ];
  },
};
