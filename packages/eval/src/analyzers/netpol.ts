import { type Analyzer, clip, described, linesWith, listed, type Read, section, textOf } from './types.js';

const TIMEOUTS = [
  'i/o timeout',
  'timed out',
  'timeout expired',
  'deadline exceeded',
  'etimedout',
  'connection timeout',
  'no route to host',
];

/** Connections that time out while a NetworkPolicy selects the pods and allows no such traffic. */
export const netpolAnalyzer: Analyzer = {
  name: 'netpol',
  reads({ ns, seen }) {
    if (linesWith(textOf(seen, 'get_pod_logs'), TIMEOUTS).length === 0) return [];
    const reads: Read[] = [{ tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: ns } }];
    for (const p of listed(seen, 'NetworkPolicy').slice(0, 3))
      reads.push({ tool: 'describe_resource', args: { kind: 'NetworkPolicy', name: p.name, namespace: ns } });
    return reads;
  },
  finds({ ns, seen }) {
    const timeout = linesWith(textOf(seen, 'get_pod_logs'), TIMEOUTS).pop();
    if (!timeout) return [];
    return listed(seen, 'NetworkPolicy').flatMap((p) => {
      const d = described(seen, 'NetworkPolicy', p.name);
      if (!d) return [];
      const spec = section(d, 'Spec');
      const types = [...spec.matchAll(/policyTypes\[\d+\]: (\w+)/g)].map((m) => m[1]);
      const egressRules = /^\s*egress\[/m.test(spec);
      const egressDenied = types.includes('Egress') && !egressRules;
      const ingressDenied = types.includes('Ingress') && !/^\s*ingress\[/m.test(spec);
      if (!egressDenied && !egressRules && !ingressDenied) return [];
      const selector = /podSelector: \{\}|podSelector\.matchLabels\.([^:]+): (\S+)/.exec(spec);
      const who =
        !selector || selector[0].endsWith('{}')
          ? 'every pod in the namespace'
          : `pods with ${selector[1]}=${selector[2]}`;
      const what = egressDenied
        ? 'allows no egress at all (policyTypes Egress with no egress rules)'
        : egressRules
          ? 'allows egress only to the destinations its rules list'
          : 'allows no ingress (policyTypes Ingress with no ingress rules)';
      return [
        {
          weight: egressDenied ? 84 : 78,
          object: `networkpolicy ${p.name}`,
          cause: `NetworkPolicy ${p.name} in ${ns} selects ${who} and ${what}, so the program's connections are dropped and time out ("${clip(timeout, 120)}")`,
          evidence: [
            `logs: "${clip(timeout, 160)}"`,
            `describe_resource NetworkPolicy ${p.name}: policyTypes ${types.join(', ')}`,
          ],
          advice: `add an ${egressDenied || egressRules ? 'egress' : 'ingress'} rule to ${p.name} that allows the dependency (and DNS, port 53)`,
        },
      ];
    });
  },
};
