import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, namespaceNames, outputs, podsOf, type Read } from './types.js';

// A question about a DNS record that a controller should have made (Route53, Cloud DNS, an A record).
const ASKED =
  /\bdns records?\b|\brecords?\b[^.\n]{0,80}\b(?:dns|route ?53|hosted zone|points? at)\b|\bexternal-dns\b|\b(?:a|cname|txt) records?\b/i;
// Where external-dns usually runs.
const NAMESPACES = /^(?:external-dns(?:-system)?|kube-system|dns|networking)$/;
const POD = /^external-dns\b/;
// A host name as a task writes it (www.shop.example.net).
const HOST = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){2,6}[a-z]{2,24}\b/gi;

/** Values of a repeatable flag (`--source=service --source ingress`) in a container's description. */
export function flagValues(body: string, flag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`(?:^|\\s)--${flag}(?:=|\\s+)([^\\s"']{1,200})`, 'g');
  for (const m of body.slice(0, 20_000).matchAll(re)) out.push(m[1]!);
  return out;
}

/**
 * external-dns makes DNS records only for the kinds of objects its `--source` flags name (`service`,
 * `ingress`, `gateway-httproute`, …) and only in the zones its `--domain-filter` flags allow
 * (https://kubernetes-sigs.github.io/external-dns/latest/docs/flags/). A host name moved to an Ingress
 * while external-dns runs with `--source=service` alone gets no record, and its log says only "All
 * records are already up to date" (kubernetes-sigs/external-dns#267). Asked about a missing or stale DNS
 * record, read external-dns's flags and log, and compare them with the objects that carry the name.
 */
export const externalDnsAnalyzer: Analyzer = {
  name: 'external-dns',
  reads(ctx): Read[] {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const names = namespaceNames(ctx.seen);
    if (names.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const reads: Read[] = [];
    if (
      outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['kind'] === 'Ingress' && o.args['namespace'] === ctx.ns,
      ).length === 0
    )
      reads.push({ tool: 'list_resources', args: { kind: 'Ingress', namespace: ctx.ns } });
    for (const ns of names.filter((n) => NAMESPACES.test(n)).slice(0, 3)) {
      const pods = podsOf(ctx.seen, ns);
      if ('read' in pods) {
        reads.push(pods.read);
        continue;
      }
      const pod = pods.rows.find((r) => POD.test(r['NAME'] ?? '') && r['STATUS'] === 'Running');
      if (!pod) continue;
      reads.push(
        { tool: 'describe_pod', args: { namespace: ns, name: pod['NAME'] } },
        { tool: 'get_pod_logs', args: { namespace: ns, name: pod['NAME'] } },
      );
    }
    return reads;
  },
  finds(ctx) {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const out: Finding[] = [];
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => POD.test(String(o.args['name'])))) {
      const ns = String(d.args['namespace']);
      const pod = String(d.args['name']);
      const sources = flagValues(d.content, 'source');
      if (sources.length === 0) continue;
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop()?.content ?? '';
      const said = /Sources:\[[^\]\n]{0,200}\]/.exec(log.slice(0, 200_000))?.[0];
      const upToDate = /All records are already up to date/.test(log.slice(-100_000));
      const evidence = [
        `describe_pod ${pod}: args ${sources.map((s) => `--source=${s}`).join(' ')}`,
        ...(said ? [`get_pod_logs ${pod}: "${said}"`] : []),
        ...(upToDate ? [`get_pod_logs ${pod}: "All records are already up to date"`] : []),
      ];
      // The Ingresses of the namespace in question: their host names need the ingress source.
      const ingresses = outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['kind'] === 'Ingress' && o.args['namespace'] === ctx.ns,
      )
        .flatMap((o) => parseTable(o.content))
        .map((r) => r['NAME'] ?? '')
        .filter(Boolean);
      const hosts = [...new Set(ctx.task.slice(0, 4000).match(HOST) ?? [])];
      if (ingresses.length > 0 && /\bingress\b/i.test(ctx.task) && !sources.includes('ingress')) {
        out.push({
          weight: 82,
          object: `deployment external-dns in ${ns}`,
          cause: `external-dns (pod ${pod} in namespace ${ns}) runs with ${sources.map((s) => `--source=${s}`).join(' ')} only${said ? ` (its log: "${said}")` : ''}, so it watches those kinds and never reads Ingress objects: the host name${hosts.length ? ` ${hosts.slice(0, 2).join(', ')}` : ''} of Ingress ${ingresses.slice(0, 2).join(', ')} in ${ctx.ns} gets no record, and the old record stays as it was${upToDate ? '. Its log\'s "All records are already up to date" is that: nothing it watches changed' : ''}; it is not a permissions problem (external-dns never tried to write the record)`,
          evidence,
          advice: `add --source=ingress to external-dns's args (keep --source=${sources[0]} for the Services it already serves), then check its log for the new record and remove the old one if it is not owned by external-dns`,
        });
        continue;
      }
      const filters = flagValues(d.content, 'domain-filter');
      const outside = hosts.filter(
        (h) =>
          filters.length > 0 &&
          !filters.some((f) => h === f.replace(/^\./, '') || h.endsWith(`.${f.replace(/^\./, '')}`)),
      );
      if (outside.length > 0) {
        out.push({
          weight: 80,
          object: `deployment external-dns in ${ns}`,
          cause: `external-dns (pod ${pod} in namespace ${ns}) only manages records under --domain-filter=${filters.join(', ')}, and ${outside[0]} is outside it, so it never creates that record (it is not a permissions problem)`,
          evidence: [
            ...evidence,
            `describe_pod ${pod}: args ${filters.map((f) => `--domain-filter=${f}`).join(' ')}`,
          ],
          advice: `add --domain-filter for ${clip(outside[0]!, 80)}'s zone to external-dns's args`,
        });
      }
    }
    return out;
  },
};
