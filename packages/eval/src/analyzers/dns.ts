import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, linesWith, outputs, type Read, textOf } from './types.js';

// How resolvers report a failed lookup (glibc, Go, Node, Java), as they print it.
const DNS_FAILURES = [
  'EAI_AGAIN',
  'ENOTFOUND',
  'server misbehaving',
  'Temporary failure in name resolution',
  'Name or service not known',
  'no such host',
  'UnknownHostException',
  'could not resolve host',
  'i/o timeout',
];
const DNS_NS = 'kube-system';

/** Lookups that fail in a program's logs while the cluster's DNS (CoreDNS in kube-system) is down. */
export const dnsAnalyzer: Analyzer = {
  name: 'dns',
  reads({ seen }) {
    const logs = textOf(seen, 'get_pod_logs');
    const lookups = linesWith(logs, DNS_FAILURES).filter(
      (l) => !l.includes('i/o timeout') || /:53\b|lookup /.test(l),
    );
    if (lookups.length === 0) return [];
    const reads: Read[] = [{ tool: 'list_pods', args: { namespace: DNS_NS } }];
    const dnsPods = coreDnsPods(seen).filter((p) => !healthy(p));
    for (const p of dnsPods.slice(0, 1)) {
      reads.push({ tool: 'describe_pod', args: { namespace: DNS_NS, name: p.name } });
      reads.push({ tool: 'get_pod_logs', args: { namespace: DNS_NS, name: p.name, previous: true } });
    }
    return reads;
  },
  finds({ seen }) {
    const lookups = linesWith(textOf(seen, 'get_pod_logs'), DNS_FAILURES);
    const bad = coreDnsPods(seen).filter((p) => !healthy(p));
    if (lookups.length === 0 || bad.length === 0) return [];
    const dnsLogs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === DNS_NS)
      .map((o) => o.content)
      .join('\n');
    const why = linesWith(dnsLogs, ['FATAL', 'fatal', 'loop', 'error', 'Error']).pop();
    return [
      {
        weight: 88,
        object: `coredns in ${DNS_NS}`,
        cause: `cluster DNS is down: the CoreDNS pods in ${DNS_NS} are ${bad.map((p) => `${p.name} ${p.status}`).join(', ')}${why ? ` (CoreDNS logs: "${clip(why, 140)}")` : ''}, so name lookups from pods fail ("${clip(lookups[lookups.length - 1]!, 120)}") and the programs that depend on them fail with it`,
        evidence: [
          `list_pods ${DNS_NS}: ${bad.map((p) => `${p.name} ${p.status} ${p.ready}`).join(', ')}`,
          `logs: "${clip(lookups[lookups.length - 1]!, 140)}"`,
        ],
        advice: `fix CoreDNS first (${why ? clip(why, 80) : 'see its logs'}); the applications recover once lookups work`,
      },
    ];
  },
};

function coreDnsPods(seen: Parameters<Analyzer['finds']>[0]['seen']) {
  const list = outputs(
    seen,
    'list_pods',
    (o) => o.args['namespace'] === DNS_NS && !o.args['labelSelector'],
  ).pop();
  if (!list) return [];
  return parseTable(list.content)
    .filter((r) => /^(coredns|kube-dns)-/.test(r['NAME'] ?? ''))
    .map((r) => ({ name: r['NAME'] ?? '', status: r['STATUS'] ?? '', ready: r['READY'] ?? '' }));
}

function healthy(p: { status: string; ready: string }): boolean {
  const [a, b] = p.ready.split('/').map(Number);
  return p.status === 'Running' && a === b;
}
