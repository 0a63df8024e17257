import { type Analyzer, clip, type Finding, outputs, podsOf, type Read } from './types.js';

// A program that looks its peers up through a Service name and finds none: `join=svc.ns addrs=[]`,
// "no peer address to join", "no peers found", "waiting for peers".
const PEERLESS = /addrs=\[\]|no peer address|no peers? found|waiting for peers|peer lookup returned no/i;
const HOST = /\b([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})(?:\.svc(?:\.[a-z0-9.-]{0,100})?)?\b/;

interface Stuck {
  readonly pod: string;
  readonly line: string;
  readonly service: string;
  readonly first?: string;
}

function stuck(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Stuck | undefined {
  const listed = podsOf(seen, ns);
  if ('read' in listed) return undefined;
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && !o.args['previous'])) {
    const pod = String(log.args['name']);
    const row = listed.rows.find((r) => r['NAME'] === pod);
    // Running, never Ready, never restarted: waiting, not crashing.
    if (
      row?.['STATUS'] !== 'Running' ||
      !/^0\//.test(row['READY'] ?? '') ||
      !/^0\b/.test(row['RESTARTS'] ?? '')
    )
      continue;
    const peerless = log.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 2000 && PEERLESS.test(l));
    // The Service name the lookups use, from the last such line that names one in this namespace.
    const named = peerless
      .map((l) => ({ l, m: HOST.exec(l.replace(/^.*?join=/, '')) }))
      .findLast((x) => x.m && x.m[2] === ns);
    if (!named?.m) continue;
    // Its first lookup, when the log kept it: a DNS error at start (`lookup x on 10.96.0.10:53: …`).
    const first = log.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 2000 && /\blookup \S{1,253} on \S{1,60}:53\b/.test(l));
    return { pod, line: named.l.trim(), service: named.m[1]!, ...(first ? { first: first.trim() } : {}) };
  }
  return undefined;
}

/**
 * A clustered program stuck waiting for peers it can never see: it finds its peers through a headless
 * Service, which by default publishes only Ready pods' addresses, and it becomes Ready only once it has
 * joined a cluster. When its first lookup failed (DNS down during a reboot), every later lookup
 * returns no address, its own included, and it waits forever (kubernetes.io, "Service",
 * publishNotReadyAddresses; the reason StatefulSet peer discovery sets it). Deleting the pod starts a
 * fresh one that bootstraps alone (an approved `restart_pod`); for good, the headless Service sets
 * `publishNotReadyAddresses: true`.
 */
export const headlessJoinAnalyzer: Analyzer = {
  name: 'headless-join',
  first: true,
  reads({ ns, seen }): Read[] {
    const s = stuck(seen, ns);
    return s ? [{ tool: 'describe_service', args: { namespace: ns, name: s.service } }] : [];
  },
  finds({ ns, seen }) {
    const s = stuck(seen, ns);
    if (!s) return [];
    const svc = outputs(
      seen,
      'describe_service',
      (o) => o.status === 'ok' && o.args['name'] === s.service && o.args['namespace'] === ns,
    ).pop()?.content;
    if (!svc || !/^IP:\s+None\s*$/m.test(svc) || !/^Endpoints:\s+<none>/m.test(svc)) return [];
    const waiting = outputs(
      seen,
      'describe_service',
      (o) => o.args['namespace'] === ns && o.args['name'] !== s.service,
    )
      .filter((o) => /^Endpoints:\s+<none>/m.test(o.content))
      .map((o) => String(o.args['name']));
    const out: Finding = {
      weight: 93,
      object: `pod ${s.pod}`,
      cause: `${s.pod} is stuck waiting to join its cluster: it looks its peers up through the headless Service ${s.service} and finds none ("${clip(s.line, 160)}"). A headless Service publishes only Ready pods (publishNotReadyAddresses is not set), and ${s.pod} becomes Ready only after it has joined, so once it started without finding a peer${s.first ? ` (its first lookup failed: "${clip(s.first, 140)}")` : ''} every lookup returns no peer address, its own included, and it waits forever: Running, not Ready, no restarts${waiting.length ? `. Every Service in front of it (${waiting.join(', ')}) has no endpoints, so whatever depends on it fails too` : ''}`,
      evidence: [
        `get_pod_logs ${s.pod}: "${clip(s.line, 160)}"`,
        `describe_service ${s.service}: headless (IP None), Endpoints <none>`,
      ],
      advice: `delete ${s.pod} so its controller starts a fresh pod that bootstraps a new cluster now that DNS works; for good, set publishNotReadyAddresses: true on Service ${s.service} so peers can find each other before they are Ready`,
      fix: {
        tool: 'restart_pod',
        args: { namespace: ns, name: s.pod },
        text: `delete ${s.pod} so a fresh pod bootstraps the cluster`,
      },
      revisionSound: true,
    };
    return [out];
  },
};
