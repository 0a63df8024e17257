import { nodeWarnings } from './failing-node.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  podDeployment,
  type Read,
} from './types.js';

/** The kernel's message when the connection tracking table is full (net/netfilter/nf_conntrack_core.c). */
const CONNTRACK_FULL = /nf_conntrack: table full, dropping packet/;
/**
 * A connection that timed out, as clients log it ("timed out", "i/o timeout", ETIMEDOUT, "timeout
 * waiting"), not a configured timeout ("connect timeout 5s").
 */
const TIMED_OUT =
  /\btimed[ -]?out\b|\bi\/o timeout\b|\bETIMEDOUT\b|\btimeout (?:error|exceeded|expired|waiting|while|after|reading|connecting)\b|\bdeadline exceeded\b/i;
/** How recent the node's kernel message must be to explain today's timeouts: last seen within the hour. */
const RECENT_SECONDS = 3600;
/**
 * A program that sweeps many addresses: a scanner's or a scan's line that names a /8 to /24 range or
 * hundreds of hosts (a scanner merely named, or a pinger of a few hosts, is not one).
 */
const SWEEP =
  /\b(?:nmap|arp-scan|masscan|zmap|scan\w{0,4}|sweep\w{0,4})\b[^\n]{0,120}?(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/(?:[89]|1\d|2[0-4])\b|\b(?:[2-9]\d{2}|\d{4,9}) hosts\b)/i;

/** A node warning that the conntrack table is full, last seen within the hour. */
const fullNow = (w: ReturnType<typeof nodeWarnings>[number]): boolean =>
  CONNTRACK_FULL.test(w.message) && w.lastSeenSeconds !== undefined && w.lastSeenSeconds <= RECENT_SECONDS;

interface Row {
  readonly name: string;
  readonly node: string;
}

/** The Running pods of the namespace with their nodes (its newest `list_pods`, with the NODE column). */
function podRows(ctx: AnalyzerContext): Row[] {
  return namespacePods(ctx)
    .filter((r) => r['STATUS'] === 'Running' && r['NODE'] && r['NODE'] !== '<none>')
    .map((r) => ({ name: r['NAME'] ?? '', node: r['NODE']! }));
}

/**
 * The newest timed-out line of the namespace's logs that names another workload of the namespace (the
 * dependency it could not reach), with the client pod and the dependency's pods.
 */
function timedOutTo(ctx: AnalyzerContext): { client: string; line: string; target: Row[] } | undefined {
  const rows = podRows(ctx);
  // Workload names are DNS labels (letters, digits, hyphens): nothing to escape in a pattern.
  const workloads = [...new Set(rows.map((r) => ownerName(r.name)))]
    .filter((w) => w.length >= 3 && /^[a-z0-9-]{1,63}$/.test(w))
    .map((w) => ({ name: w, word: new RegExp(`(?<![\\w-])${w}(?![\\w-])`) }));
  let out: { client: string; line: string; target: Row[] } | undefined;
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const client = String(o.args['name'] ?? '');
    for (const l of boundedLogLines(o.content)) {
      if (l.length > 2000 || !TIMED_OUT.test(l)) continue;
      const lower = l.toLowerCase();
      const w = workloads.find((x) => x.name !== ownerName(client) && x.word.test(lower))?.name;
      if (w) out = { client, line: l, target: rows.filter((r) => ownerName(r.name) === w) };
    }
  }
  return out;
}

/**
 * Connections to a dependency that time out because the node its pods run on drops packets: the kernel's
 * connection tracking table is full ("nf_conntrack: table full, dropping packet"), so new connections to
 * and from that node are dropped at random and a retry often works. What fills it is a neighbour on the same
 * node that opens connections to many addresses, a network scanner sweeping a whole range (with
 * hostNetwork its probes are tracked by the node itself), not the client or the proxy in front. Found from
 * a client's timed-out line naming another workload of the namespace, that workload's node reporting the
 * kernel message in its events, and the log of another pod on that node that sweeps many addresses. The
 * fix stops that workload (scaled to zero) until its sweep is narrowed. The reads: the dependency's node,
 * then the logs of the namespace's other pods on it.
 * https://docs.kernel.org/networking/nf_conntrack-sysctl.html (nf_conntrack_max)
 */
export const conntrackNeighbourAnalyzer: Analyzer = {
  name: 'conntrack-neighbour',
  reads(ctx): Read[] {
    const t = timedOutTo(ctx);
    const node = t?.target[0]?.node;
    if (!t || !node) return [];
    const described = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
    if (!described) return [{ tool: 'describe_node', args: { name: node } }];
    if (!nodeWarnings(described.content).some(fullNow)) return [];
    const logged = new Set(outputs(ctx.seen, 'get_pod_logs').map((o) => String(o.args['name'])));
    return podRows(ctx)
      .filter(
        (r) =>
          r.node === node &&
          !t.target.some((x) => x.name === r.name) &&
          r.name !== t.client &&
          !logged.has(r.name),
      )
      .slice(0, 2)
      .map((r) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: r.name } }));
  },
  finds(ctx): Finding[] {
    const t = timedOutTo(ctx);
    const node = t?.target[0]?.node;
    if (!t || !node) return [];
    const described = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
    const full = described ? nodeWarnings(described.content).find(fullNow) : undefined;
    if (!full) return [];
    const target = ownerName(t.target[0]!.name);
    // The neighbour that sweeps: a pod of the namespace on the same node whose log scans many addresses.
    let sweeper: { pod: string; line: string } | undefined;
    for (const r of podRows(ctx).filter((x) => x.node === node && ownerName(x.name) !== target)) {
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === r.name).pop();
      const line = log
        ? boundedLogLines(log.content)
            .filter((l) => l.length <= 2000 && SWEEP.test(l))
            .pop()
        : undefined;
      if (line) {
        sweeper = { pod: r.name, line };
        break;
      }
    }
    const owner = sweeper ? podDeployment(sweeper.pod) : undefined;
    const quoted = `"${clip(t.line.trim(), 160)}"`;
    const kernel = `${full.reason} (x${full.count}): "${clip(full.message, 100)}"`;
    return [
      {
        weight: sweeper ? 96 : 84,
        object: owner ? `deployment ${owner}` : `node ${node}`,
        cause: `${t.client} times out connecting to ${target} (${quoted}) because node ${node}, where ${target} runs, drops packets: its connection tracking table is full (${kernel}), so new connections to and from the node are dropped at random and a retry often works${
          sweeper
            ? `. What fills the table is ${sweeper.pod} on the same node, a network scanner sweeping many addresses ("${clip(sweeper.line.trim(), 160)}"): every probe to every address is a tracked connection (with hostNetwork, in the node's own table), so each sweep fills the table for all pods on ${node}`
            : ''
        }. The client and anything in front of it are not at fault`,
        evidence: [
          `describe_node ${node}: ${kernel}`,
          `get_pod_logs ${t.client}: ${quoted}`,
          ...(sweeper ? [`get_pod_logs ${sweeper.pod}: "${clip(sweeper.line.trim(), 160)}"`] : []),
        ],
        ...(owner
          ? {
              fix: {
                tool: 'scale_deployment',
                args: { namespace: ctx.ns, name: owner, replicas: 0 },
                text: `scale ${owner} to 0 until its sweep is narrowed, so node ${node}'s connection tracking table empties`,
              },
            }
          : {}),
        advice: sweeper
          ? `stop ${owner ?? sweeper.pod} until its sweep is narrowed (a smaller range, a slower rate, off hostNetwork), or raise nf_conntrack_max on ${node}`
          : `find what opens so many connections on ${node} (conntrack -S, conntrack -L) and raise nf_conntrack_max`,
        revisionSound: true,
      },
    ];
  },
};
