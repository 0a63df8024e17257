import { parseTable } from '../k8s-text.js';
import { readBack } from './manifest.js';
import { type Analyzer, bonus, type Finding, namespacePods, outputs, type Read } from './types.js';

const MAX_MANIFEST = 64 * 1024;
interface Policy {
  metadata?: { name?: string; namespace?: string };
  spec?: { podSelector?: { matchLabels?: Record<string, string> }; policyTypes?: string[] };
}

/** NetworkPolicies `find_objects` found outside `ns` whose name a word of the task matches. */
function namedElsewhere(
  seen: Parameters<Analyzer['reads']>[0]['seen'],
  ns: string,
  hints: readonly string[],
) {
  const out: { name: string; namespace: string }[] = [];
  for (const o of outputs(seen, 'find_objects'))
    for (const r of parseTable(o.content))
      if (
        r['KIND'] === 'NetworkPolicy' &&
        r['NAME'] &&
        r['NAMESPACE'] &&
        r['NAMESPACE'] !== ns &&
        bonus(r['NAME'], hints) > 0
      )
        out.push({ name: r['NAME'], namespace: r['NAMESPACE'] });
  return out.slice(0, 2);
}

const selector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/**
 * A NetworkPolicy applies to pods of its own namespace only: its podSelector picks pods there
 * (kubernetes.io, "Network Policies"). An allow rule written for a server but created in the client's
 * namespace selects no pod (the server runs elsewhere), so it opens nothing and the server's default
 * deny still drops the client. Found when the task names a policy that lives outside the namespace
 * under investigation, its podSelector matches no pod in its own namespace, and pods of `ns` carry
 * the name it selects.
 */
export const netpolElsewhereAnalyzer: Analyzer = {
  name: 'netpol-elsewhere',
  reads({ ns, seen, hints }): Read[] {
    const reads: Read[] = [];
    for (const p of namedElsewhere(seen, ns, hints)) {
      reads.push({
        tool: 'get_resource',
        args: { kind: 'NetworkPolicy', name: p.name, namespace: p.namespace },
      });
      const labels = readBack<Policy>(seen, { name: p.name, namespace: p.namespace }, MAX_MANIFEST)?.spec
        ?.podSelector?.matchLabels;
      if (labels && Object.keys(labels).length > 0)
        reads.push({
          tool: 'list_pods',
          args: { namespace: p.namespace, labelSelector: selector(labels) },
        });
    }
    return reads;
  },
  finds(ctx) {
    const { ns, seen, hints } = ctx;
    const out: Finding[] = [];
    for (const p of namedElsewhere(seen, ns, hints)) {
      const policy = readBack<Policy>(seen, { name: p.name, namespace: p.namespace }, MAX_MANIFEST);
      const labels = policy?.spec?.podSelector?.matchLabels;
      if (!labels || Object.keys(labels).length === 0) continue;
      const sel = selector(labels);
      const there = outputs(
        seen,
        'list_pods',
        (o) => o.args['namespace'] === p.namespace && o.args['labelSelector'] === sel,
      ).pop();
      if (!there || parseTable(there.content).some((r) => r['NAME'])) continue;
      const values = Object.values(labels);
      const here = namespacePods(ctx).filter((r) =>
        values.some((v) => (r['NAME'] ?? '').startsWith(`${v}-`)),
      );
      if (here.length === 0) continue;
      out.push({
        weight: 88,
        object: `networkpolicy ${p.name} in ${p.namespace}`,
        cause: `NetworkPolicy ${p.name} was created in namespace ${p.namespace}, but a NetworkPolicy applies only to pods in its own namespace: its podSelector ${sel} selects no pod in ${p.namespace} (the pods it means, ${here
          .slice(0, 3)
          .map((r) => r['NAME'])
          .join(
            ', ',
          )}, run in ${ns}), so it has no effect and the default deny in ${ns} still drops that traffic; the policy is applied and the network plugin enforces it as written`,
        evidence: [
          `get_resource NetworkPolicy ${p.namespace}/${p.name}: podSelector ${sel}`,
          `list_pods -n ${p.namespace} -l ${sel}: no pods`,
        ],
        advice: `create the allow policy in ${ns}, the namespace of the pods it should admit traffic to (podSelector ${sel}), with a namespaceSelector for the clients' namespace ${p.namespace}, and delete the one in ${p.namespace}`,
      });
    }
    return out.slice(0, 1);
  },
};
