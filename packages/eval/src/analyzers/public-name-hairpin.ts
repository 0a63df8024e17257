import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  namespaceNames,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/** A connection to a host name and port that timed out: `Unable to connect to mail.example.org:143 (Connection timed out)`. */
const TIMED_OUT =
  /\b(?:connect(?:ing)? to|dial tcp|dial) ((?:[a-z0-9](?:[a-z0-9-]{0,62})\.){2,6}[a-z]{2,24}):(\d{1,5})\b[^\n]{0,200}?(?:timed out|i\/o timeout|ETIMEDOUT)/i;

/** Timeouts of the namespace's logs to a public host name (two dots or more, not a cluster name). */
function publicTimeouts(ctx: AnalyzerContext) {
  const out: { pod: string; host: string; port: string; line: string }[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns))
    for (const l of boundedLogLines(o.content)) {
      const m = l.length <= 4000 ? TIMED_OUT.exec(l) : null;
      if (!m) continue;
      const host = m[1]!.toLowerCase();
      if (/\.(?:svc|cluster\.local|local|internal)$/.test(host) || /\.svc\./.test(host)) continue;
      out.push({ pod: String(o.args['name'] ?? ''), host, port: m[2]!, line: l.trim() });
      break;
    }
  return out;
}

/** Services of the namespaces listed that serve `port`, with their namespace. */
function servingPort(ctx: AnalyzerContext, port: string) {
  const out: { name: string; namespace: string }[] = [];
  for (const o of outputs(ctx.seen, 'list_services'))
    for (const r of parseTable(o.content))
      if ((r['PORT(S)'] ?? '').split(',').some((p) => p.split('/')[0]?.split(':')[0] === port))
        out.push({ name: r['NAME'] ?? '', namespace: r['NAMESPACE'] ?? String(o.args['namespace'] ?? '') });
  return out.filter((s) => s.name);
}

/**
 * A client in the cluster that dials a server by its public name and times out, while the same server
 * runs in the cluster: the public name resolves to the site's public address, and a connection from
 * inside to that address (out and back through the edge, NAT loopback or hairpin) is not routed, so it
 * times out while clients outside connect. The one Service of the cluster that serves that port is the
 * server; the fix points the variable holding the public name at the Service's cluster name (`set_env`).
 * The reads: the services of the other namespaces.
 */
export const publicNameHairpinAnalyzer: Analyzer = {
  name: 'public-name-hairpin',
  // The services follow from the timeout line at once: before the budget ends.
  first: true,
  reads(ctx): Read[] {
    if (publicTimeouts(ctx).length === 0) return [];
    const names = namespaceNames(ctx.seen);
    if (names.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    return names
      .filter(
        (n) =>
          !/^kube-/.test(n) && !outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === n).length,
      )
      .slice(0, 4)
      .map((namespace) => ({ tool: 'list_services', args: { namespace } }));
  },
  finds(ctx): Finding[] {
    for (const t of publicTimeouts(ctx)) {
      // The server as the public name names it: a Service, or its namespace, named like a label of the
      // host (`dovecot` in namespace `mail` for mail.example.org), not any Service on the port (an
      // ingress controller on 443 is no third party's API).
      const labels = t.host.split('.').slice(0, -1);
      const serving = servingPort(ctx, t.port).filter(
        (s) => labels.includes(s.name) || labels.includes(s.namespace),
      );
      // One server only: with several Services on that port, which one it is cannot be told.
      if (serving.length !== 1) continue;
      const svc = serving[0]!;
      const target = `${svc.name}.${svc.namespace}.svc.cluster.local`;
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === t.pod).pop();
      const deployment = podDeployment(t.pod);
      let held: { container: string; name: string; value: string } | undefined;
      for (const c of containerSections(described?.content ?? ''))
        for (const v of envOf(c.body))
          if (v.value.toLowerCase() === t.host) held = { container: c.name, name: v.name, value: v.value };
      return [
        {
          weight: 86 + bonus(deployment ?? t.pod, ctx.hints),
          object: deployment ? `deployment ${deployment} (pod ${t.pod})` : `pod ${t.pod}`,
          cause: `${deployment ?? t.pod} connects to the server by its public name ${t.host}:${t.port}, and from inside the cluster that connection times out ("${clip(t.line, 180)}"): the public name resolves to the site's public address, and a connection from inside the cluster out to that address and back in (NAT loopback, hairpin) is not routed, while clients outside connect fine. The same server runs in the cluster: Service ${svc.name} in namespace ${svc.namespace} serves port ${t.port}, reached in-cluster as ${target}${held ? ` (${held.name} holds the public name)` : ''}`,
          evidence: [
            `get_pod_logs ${t.pod}: "${clip(t.line, 180)}"`,
            `list_services ${svc.namespace}: ${svc.name} serves port ${t.port}`,
          ],
          advice: `point ${held ? held.name : 'the client'} at the in-cluster Service ${target} instead of the public name (or give the cluster's DNS a split-horizon answer for ${t.host})`,
          ...(held
            ? envFix(
                ctx.ns,
                deployment,
                held.container,
                [{ name: held.name, value: target }],
                `set ${held.name} of ${deployment}/${held.container} to ${target}, the in-cluster Service, in place of the public name ${t.host}`,
              )
            : {}),
        },
      ];
    }
    return [];
  },
};
