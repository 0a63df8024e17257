import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import {
  type Analyzer,
  clip,
  describedLabels,
  type Finding,
  linesWith,
  listedReads,
  outputs,
  ownerDeployment,
  textOf,
} from './types.js';

// A connection that is dropped rather than refused: what a NetworkPolicy denial looks like to a client.
// How clients report a connection attempt nobody answered (a dropped SYN): Go's, and undici's (Node's
// fetch) ConnectTimeoutError, UND_ERR_CONNECT_TIMEOUT (undici's errors documentation).
const DROPPED = [
  'i/o timeout',
  'timed out',
  'context deadline exceeded',
  'connection timed out',
  'connect timeout error',
  'und_err_connect_timeout',
];

/** `svc.ns.svc…:port` hosts a client's log names, with the namespace of each (a Service in another namespace). */
function remoteServices(logs: string): { service: string; ns: string }[] {
  const out: { service: string; ns: string }[] = [];
  for (const line of linesWith(logs, DROPPED)) {
    for (const m of line.matchAll(
      /\b([a-z][a-z0-9-]{0,62})\.([a-z][a-z0-9-]{0,62})\.svc(?:\.cluster\.local)?\b/g,
    )) {
      if (!out.some((o) => o.service === m[1] && o.ns === m[2])) out.push({ service: m[1]!, ns: m[2]! });
    }
  }
  return out.slice(0, 2);
}

/** One ingress peer of a described NetworkPolicy: the namespace labels and pod labels it requires. */
interface Peer {
  ns: Record<string, string> | undefined;
  pods: Record<string, string> | undefined;
}

/** The `ingress[i].from[j]` peers of a `describe_resource NetworkPolicy` output (flattened spec lines). */
function ingressPeers(text: string): Peer[] {
  const peers = new Map<string, Peer>();
  for (const line of text.split('\n')) {
    const m =
      /^\s*ingress\[(\d{1,3})\]\.from\[(\d{1,3})\]\.(namespaceSelector|podSelector)(?:\.matchLabels\.(\S{1,317}))?:\s?(.*)$/.exec(
        line,
      );
    if (!m) continue;
    const key = `${m[1]}.${m[2]}`;
    const p = peers.get(key) ?? { ns: undefined, pods: undefined };
    const side = m[3] === 'namespaceSelector' ? 'ns' : 'pods';
    p[side] = p[side] ?? {};
    if (m[4]) p[side]![m[4]] = m[5]!.trim();
    peers.set(key, p);
  }
  return [...peers.values()];
}

/** The peers a policy admits, in words (`namespaces labeled team=market-data`), for the answer. At most three. */
function peersSaid(peers: readonly Peer[]): string {
  const said = peers.slice(0, 3).map((p) => {
    const nsPart = p.ns
      ? Object.keys(p.ns).length === 0
        ? 'any namespace'
        : `namespaces labeled ${Object.entries(p.ns)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')} (a namespaceSelector)`
      : 'its own namespace';
    const podPart =
      p.pods && Object.keys(p.pods).length > 0
        ? `pods labeled ${Object.entries(p.pods)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')} in `
        : '';
    return `${podPart}${nsPart}`;
  });
  return `${said.join('; ')}, which this client does not match`;
}

function matches(want: Record<string, string> | undefined, have: Record<string, string>): boolean {
  return want === undefined || Object.entries(want).every(([k, v]) => have[k] === v);
}

function policiesIn(seen: readonly SeenObservation[], ns: string): SeenObservation[] {
  return outputs(
    seen,
    'describe_resource',
    (o) => o.args['kind'] === 'NetworkPolicy' && o.args['namespace'] === ns && /^Spec:/m.test(o.content),
  );
}

/**
 * A client whose connections to a Service in another namespace time out, because that namespace's
 * ingress NetworkPolicy admits no peer the client matches (its pods' labels or its namespace), as
 * kubernetes.io "Network Policies" defines: with a policy selecting the server pods, only the listed
 * `from` peers get in. The fix that follows is the client's labels when a peer names its namespace.
 */
export const netpolIngressAnalyzer: Analyzer = {
  name: 'netpol-ingress',
  // A client's own log names the Service its connections time out on: that namespace's policies come
  // right after the failing pods' reads.
  first: true,
  reads({ seen }) {
    return remoteServices(textOf(seen, 'get_pod_logs')).flatMap((r) =>
      listedReads(seen, r.ns, 'NetworkPolicy', 'describe_resource'),
    );
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns);
    for (const l of logs) {
      const client = String(l.args['name'] ?? '');
      const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === client).pop();
      if (!described) continue;
      const labels = describedLabels(described.content);
      for (const r of remoteServices(l.content)) {
        if (r.ns === ns) continue;
        for (const p of policiesIn(seen, r.ns)) {
          const peers = ingressPeers(p.content);
          if (peers.length === 0) continue;
          // Peers with a namespaceSelector: the client's namespace must match it (by its name label);
          // peers without one are pods of the policy's own namespace, never this client.
          const nsOk = (peer: Peer) =>
            peer.ns !== undefined &&
            (Object.keys(peer.ns).length === 0 ||
              Object.entries(peer.ns).every(([k, v]) => k === 'kubernetes.io/metadata.name' && v === ns));
          if (peers.some((peer) => nsOk(peer) && matches(peer.pods, labels))) continue;
          const near = peers.find((peer) => nsOk(peer) && peer.pods && Object.keys(peer.pods).length > 0);
          const policy = String(p.args['name'] ?? '');
          const want = near?.pods ? Object.entries(near.pods).map(([k, v]) => `${k}=${v}`) : [];
          const owner = ownerDeployment(described.content);
          const line = linesWith(l.content, DROPPED).pop() ?? '';
          out.push({
            weight: 87,
            object: `networkpolicy ${policy} (namespace ${r.ns})`,
            cause: `NetworkPolicy ${policy} in namespace ${r.ns} admits ingress to ${r.service} only from ${near ? `pods labeled ${want.join(', ')} in namespace ${ns}` : peersSaid(peers)}, and the client pod ${client} in ${ns} carries ${Object.entries(
              labels,
            )
              .filter(([k]) => k !== 'pod-template-hash')
              .map(([k, v]) => `${k}=${v}`)
              .join(
                ', ',
              )} instead (no ${want.join(', ') || 'matching'} label), so the policy's pod selector does not match it and its connections are dropped: they time out ("${clip(line, 120)}")`,
            evidence: [
              `describe_resource NetworkPolicy ${policy}: ingress from ${near ? `namespace ${ns}, pods ${want.join(', ')}` : 'other peers'}`,
              `describe_pod ${client}: labels ${Object.entries(labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}`,
            ],
            advice: near
              ? `give ${owner ? `deployment ${owner}'s pods` : 'the client pods'} the label ${want.join(', ')} the policy admits (or change the policy's podSelector to the new labels)`
              : `add an ingress rule to ${policy} for the client's namespace and labels`,
            ...(near?.pods && owner
              ? {
                  fix: {
                    tool: 'set_labels',
                    args: {
                      namespace: ns,
                      kind: 'Deployment',
                      name: owner,
                      target: 'podTemplate',
                      labels: near.pods,
                    },
                    text: `add the label ${want.join(', ')} to deployment ${owner}'s pod template, so NetworkPolicy ${policy} admits its pods again`,
                  },
                }
              : {}),
          });
          return out;
        }
      }
    }
    return out;
  },
};

// A task about traffic that does not arrive at healthy pods (a scrape, a probe from outside, timeouts).
const UNREACHED =
  /\b(scrape|scraping|TargetDown|target(?:s)? (?:is |are )?down|can'?t reach|cannot reach|unreachable|time(?:d)? ?out|timeouts?|no data)\b/i;

/** `namespaceSelector.matchLabels` pairs of a described policy's ingress peers (not the automatic name label). */
function namespaceLabelPeers(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of text.split('\n')) {
    const m =
      /^\s*ingress\[\d{1,3}\]\.from\[\d{1,3}\]\.namespaceSelector\.matchLabels\.(\S{1,317}):\s(\S{1,63})$/.exec(
        line,
      );
    if (m && m[1] !== 'kubernetes.io/metadata.name' && !out.some((o) => o.key === m[1] && o.value === m[2]))
      out.push({ key: m[1]!, value: m[2]! });
  }
  return out.slice(0, 4);
}

/**
 * Healthy pods that a scraper or client in another namespace cannot reach, because the ingress
 * policy selects that namespace by a label (`name: monitoring`) the namespace does not carry (a
 * namespace re-created keeps only the automatic `kubernetes.io/metadata.name`).
 */
export const netpolNamespaceLabelsAnalyzer: Analyzer = {
  name: 'netpol-namespace-labels',
  reads({ task, ns, seen }) {
    if (!UNREACHED.test(task)) return [];
    const reads = listedReads(seen, ns, 'NetworkPolicy', 'describe_resource');
    for (const p of policiesIn(seen, ns))
      for (const l of namespaceLabelPeers(p.content))
        reads.push({ tool: 'describe_resource', args: { kind: 'Namespace', name: l.value } });
    return reads;
  },
  finds({ task, ns, seen }) {
    if (!UNREACHED.test(task)) return [];
    for (const p of policiesIn(seen, ns)) {
      for (const l of namespaceLabelPeers(p.content)) {
        const d = outputs(
          seen,
          'describe_resource',
          (o) => o.args['kind'] === 'Namespace' && o.args['name'] === l.value,
        ).pop();
        if (!d || !/^Name:/m.test(d.content)) continue;
        const labels = /^Labels:\s+(.*)$/m.exec(d.content)?.[1]?.trim() ?? '';
        if (labels.split(',').some((kv) => kv.trim() === `${l.key}=${l.value}`)) continue;
        const policy = String(p.args['name'] ?? '');
        return [
          {
            weight: 88,
            object: `networkpolicy ${policy}`,
            cause: `NetworkPolicy ${policy} admits traffic from namespaces labeled ${l.key}=${l.value} (a namespaceSelector), but namespace ${l.value} does not carry that label (its labels: ${labels || 'none'}), so its pods (the scraper or client there) match no rule and their connections are dropped; the pods themselves are healthy. A namespace re-created keeps only the automatic kubernetes.io/metadata.name label`,
            evidence: [
              `describe_resource NetworkPolicy ${policy}: ingress from namespaceSelector ${l.key}=${l.value}`,
              `describe_resource Namespace ${l.value}: Labels ${labels || '<none>'}`,
            ],
            advice: `label namespace ${l.value} with ${l.key}=${l.value}, or select it by kubernetes.io/metadata.name=${l.value} in ${policy}`,
          },
        ];
      }
    }
    return [];
  },
};

/** The namespaces, by their automatic name label, that a policy's ingress peers admit; undefined when some peer admits more than named namespaces (every namespace, or by other labels). */
function admittedNamespaces(text: string, own: string): string[] | undefined {
  const peers = ingressPeers(text);
  if (peers.length === 0) return undefined;
  const out: string[] = [];
  for (const p of peers) {
    if (p.ns === undefined) {
      out.push(own); // a podSelector alone: pods of the policy's own namespace
      continue;
    }
    const keys = Object.keys(p.ns);
    if (keys.length !== 1 || keys[0] !== 'kubernetes.io/metadata.name') return undefined;
    out.push(p.ns['kubernetes.io/metadata.name']!);
  }
  return [...new Set(out)];
}

/**
 * A caller the task names, in another namespace, whose connections to healthy pods time out because
 * the pods' ingress NetworkPolicy admits only other namespaces by name (`kubernetes.io/metadata.name`):
 * with a policy selecting the pods, traffic from any namespace its `from` peers do not list is dropped
 * (kubernetes.io "Network Policies"), so the callers it admits get through and the rest time out.
 */
export const netpolNamespaceNamesAnalyzer: Analyzer = {
  name: 'netpol-namespace-names',
  reads({ task, ns, seen, hints }) {
    if (!UNREACHED.test(task)) return [];
    const reads = listedReads(seen, ns, 'NetworkPolicy', 'describe_resource');
    if (!policiesIn(seen, ns).some((p) => admittedNamespaces(p.content, ns) !== undefined)) return reads;
    // Where the callers the task names run.
    for (const h of hints.filter((w) => w.includes('-') && w !== ns).slice(0, 3))
      reads.push({ tool: 'find_objects', args: { name: h } });
    return reads;
  },
  finds({ task, ns, seen, hints }) {
    if (!UNREACHED.test(task)) return [];
    for (const p of policiesIn(seen, ns)) {
      const admitted = admittedNamespaces(p.content, ns);
      if (!admitted) continue;
      for (const h of hints.filter((w) => w.includes('-') && w !== ns)) {
        const found = outputs(seen, 'find_objects', (o) => o.args['name'] === h).pop();
        const row = (found ? parseTable(found.content) : []).find(
          (r) => r['NAME'] === h && /^(Deployment|StatefulSet|DaemonSet|CronJob|Job)$/.test(r['KIND'] ?? ''),
        );
        const from = row?.['NAMESPACE'];
        if (!row || !from || from === ns || admitted.includes(from)) continue;
        const policy = String(p.args['name'] ?? '');
        return [
          {
            weight: 86,
            object: `networkpolicy ${policy}`,
            cause: `NetworkPolicy ${policy} in namespace ${ns} only allows ingress from namespace${admitted.length > 1 ? 's' : ''} ${admitted.join(', ')} (a namespaceSelector on kubernetes.io/metadata.name); ${row['KIND']!.toLowerCase()} ${h} runs in namespace ${from}, which is not allowed, so its connections are dropped and time out, while callers from ${admitted.join(', ')} get through: the pods themselves are healthy and more replicas would not help`,
            evidence: [
              `describe_resource NetworkPolicy ${policy}: ingress only from namespace ${admitted.join(', ')}`,
              `find_objects ${h}: ${row['KIND']} in namespace ${from}`,
            ],
            advice: `add namespace ${from} to ${policy}'s ingress rule (another from entry with namespaceSelector kubernetes.io/metadata.name: ${from}), scoped to the callers that need it`,
          },
        ];
      }
    }
    return [];
  },
};
