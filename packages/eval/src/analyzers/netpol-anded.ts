import { appliedBack, parsedObject } from './manifest.js';
import {
  type Analyzer,
  clip,
  describedLabels,
  type Finding,
  linesWith,
  listedReads,
  outputs,
} from './types.js';

// A connection that is dropped rather than refused: what a NetworkPolicy denial looks like to a client.
const DROPPED = ['i/o timeout', 'timed out', 'context deadline exceeded', 'connection timed out'];
/** A manifest read back is at most this long before it is parsed (get_resource output is bounded too). */
const MAX_MANIFEST = 64 * 1024;

type Labels = Record<string, string>;
interface Peer {
  namespaceSelector?: { matchLabels?: Labels; matchExpressions?: unknown[] };
  podSelector?: { matchLabels?: Labels; matchExpressions?: unknown[] };
}
interface Policy {
  metadata?: { name?: string; namespace?: string };
  spec?: { ingress?: { from?: Peer[]; ports?: unknown[] }[] };
}

const matchesAll = (want: Labels | undefined, have: Labels) =>
  Object.entries(want ?? {}).every(([k, v]) => have[k] === v);

/**
 * One `from` element of a NetworkPolicy that holds both a namespaceSelector and a podSelector selects
 * only pods matching both (they are ANDed); two separate elements are ORed (kubernetes.io, "Network
 * Policies": behavior of to and from selectors). A namespaceSelector added to an existing podSelector
 * peer without its own "-" therefore narrows that peer to pods of the other namespace, and the pods it
 * used to admit in the policy's own namespace are cut off: their connections time out. Found when a
 * pod of the namespace logs dropped connections, its labels match the element's podSelector, and the
 * element's namespaceSelector names another namespace by its `kubernetes.io/metadata.name` label. The
 * fix splits the element in two, as `apply_manifest` of the same policy.
 */
export const netpolAndedAnalyzer: Analyzer = {
  name: 'netpol-anded',
  reads({ ns, seen }) {
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns);
    if (!logs.some((l) => linesWith(l.content, DROPPED).length > 0)) return [];
    return listedReads(seen, ns, 'NetworkPolicy', 'get_resource');
  },
  finds({ ns, seen }) {
    const clients = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
      .map((l) => ({ pod: String(l.args['name'] ?? ''), line: linesWith(l.content, DROPPED).pop() }))
      .filter((c): c is { pod: string; line: string } => c.line !== undefined);
    if (clients.length === 0) return [];
    for (const o of outputs(
      seen,
      'get_resource',
      (x) => x.args['kind'] === 'NetworkPolicy' && x.args['namespace'] === ns,
    )) {
      const policy = parsedObject<Policy>(o.content, MAX_MANIFEST);
      if (!policy) continue;
      const rules = policy.spec?.ingress;
      if (!Array.isArray(rules)) continue;
      for (const c of clients) {
        const described = outputs(seen, 'describe_pod', (x) => x.args['name'] === c.pod).pop();
        if (!described) continue;
        const labels = describedLabels(described.content);
        for (const [i, rule] of rules.entries()) {
          for (const peer of Array.isArray(rule?.from) ? rule.from : []) {
            const other = peer?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
            const pods = peer?.podSelector?.matchLabels;
            if (!other || other === ns || !pods || Object.keys(pods).length === 0) continue;
            if (peer.podSelector?.matchExpressions || peer.namespaceSelector?.matchExpressions) continue;
            if (!matchesAll(pods, labels)) continue;
            const name = policy.metadata?.name ?? String(o.args['name']);
            const podText = Object.entries(pods)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ');
            // The same policy with the element split: the pod selector alone (this namespace) and the
            // namespace selector alone, ORed as two elements.
            const fixed = structuredClone(policy);
            const from = fixed.spec!.ingress![i]!.from!;
            const at = from.findIndex(
              (p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === other,
            );
            from.splice(
              at,
              1,
              { podSelector: peer.podSelector! },
              { namespaceSelector: peer.namespaceSelector! },
            );
            return [
              {
                weight: 89,
                object: `networkpolicy ${name}`,
                cause: `NetworkPolicy ${name} has one ingress from element that holds both a namespaceSelector (namespace ${other}) and a podSelector (${podText}); in one element the two are ANDed, so it admits only pods labeled ${podText} in namespace ${other}, not pods labeled ${podText} in ${ns}. Pod ${c.pod} (${podText}, namespace ${ns}) is therefore no longer admitted and its connections are dropped and time out ("${clip(c.line, 120)}"). Two separate elements (a "-" before namespaceSelector) would be ORed, as was meant`,
                evidence: [
                  `get_resource NetworkPolicy ${name}: ingress[${i}].from has one element with namespaceSelector kubernetes.io/metadata.name=${other} and podSelector ${podText}`,
                  `describe_pod ${c.pod}: labels ${Object.entries(labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}`,
                ],
                advice: `split the element in two (podSelector ${podText}, and namespaceSelector ${other}, each its own "-" list item) so either one admits`,
                fix: {
                  tool: 'apply_manifest',
                  args: { namespace: ns, manifest: appliedBack(fixed) },
                  text: `apply NetworkPolicy ${name} with the podSelector (${podText}) and the namespaceSelector (${other}) as two separate from elements, which are ORed`,
                },
              } satisfies Finding,
            ];
          }
        }
      }
    }
    return [];
  },
};
