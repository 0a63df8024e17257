import { parseTable } from '../k8s-text.js';
import { type Analyzer, described, flat, listed, outputs, type Read, section, textOf } from './types.js';

/** Services seen with no endpoints, in describe_service or in the list's ENDPOINTS column. */
function emptyServices(seen: Parameters<Analyzer['finds']>[0]['seen']): string[] {
  const described = outputs(seen, 'describe_service', (o) => /Endpoints:\s*<none>/.test(o.content)).map((o) =>
    String(o.args['name']),
  );
  const listedEmpty = parseTable(textOf(seen, 'list_services'))
    .filter((r) => r['ENDPOINTS'] === '<none>')
    .map((r) => r['NAME'] ?? '');
  return [...new Set([...described, ...listedEmpty])].filter(Boolean);
}

/** Services with no endpoints because the workload behind them is scaled to zero (a StatefulSet, say). */
export const scaledToZeroAnalyzer: Analyzer = {
  name: 'scaled-to-zero',
  reads({ ns, seen }) {
    if (emptyServices(seen).length === 0) return [];
    const reads: Read[] = [{ tool: 'list_resources', args: { kind: 'StatefulSet', namespace: ns } }];
    for (const s of listed(seen, 'StatefulSet').slice(0, 3))
      reads.push({ tool: 'describe_resource', args: { kind: 'StatefulSet', name: s.name, namespace: ns } });
    return reads;
  },
  finds({ seen }) {
    const empty = emptyServices(seen);
    if (empty.length === 0) return [];
    return listed(seen, 'StatefulSet').flatMap((s) => {
      const d = described(seen, 'StatefulSet', s.name);
      if (!d || flat(section(d, 'Spec'), 'replicas') !== '0') return [];
      const svc = empty.find(
        (e) =>
          e === s.name ||
          s.name.startsWith(e) ||
          e.startsWith(s.name) ||
          flat(section(d, 'Spec'), 'serviceName') === e,
      );
      if (!svc) return [];
      return [
        {
          weight: 86,
          object: `statefulset ${s.name}`,
          cause: `StatefulSet ${s.name} is scaled to 0 replicas (spec.replicas: 0), so it runs no pods and service ${svc} has no endpoints; everything that connects to ${svc} fails`,
          evidence: [
            `describe_resource StatefulSet ${s.name}: replicas 0`,
            `describe_service ${svc}: Endpoints <none>`,
          ],
          advice: `scale ${s.name} back up (kubectl scale statefulset ${s.name} --replicas=<n>)`,
        },
      ];
    });
  },
};
