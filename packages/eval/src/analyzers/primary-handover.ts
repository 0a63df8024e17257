import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, clip, type Finding, outputs, type Read } from './types.js';

/** A server's line saying a shard's primary (or leader) moved: reassigned, handed back, a new one elected. */
const HANDOVER =
  /\b(?:primary|leader)(?: replica)?\b[^\n]{0,120}?\b(?:being reassigned|reassign(?:ed|ing)?|handing|handed|failed over|failing over|moved)\b|\bis now (?:the )?(?:primary|leader)\b|\bhand(?:ing|ed|s)? (?:the )?(?:primary|leader)(?: replica)?\b[^\n]{0,120}?\bback\b/i;
/** A server's line naming a member it lost: `Disconnected from server "rethinkdb_2"`, `server rethinkdb_2 is unreachable`. */
const LOST =
  /\bDisconnected from (?:server|member|node|peer) "?([a-z0-9][a-z0-9_-]{0,62})"?|\b(?:server|member|node|peer|replica) "?([a-z0-9][a-z0-9_-]{0,62})"? (?:is unreachable|is down|left the cluster|disconnected)\b/i;
/** Node events of a planned stop: cordoned for a drain, rebooted. */
const NODE_STOPPED = /\b(?:NodeNotSchedulable|Rebooted|Cordon\w*|Drain\w*)\b/;
/**
 * A client's setting that turns retries off, as its log or environment shows it: an environment-style
 * name (`WRITE_RETRIES=0`) or a setting named as a maximum (`max_retries: 0`); "retries: 0" alone is a
 * count of retries a request needed, not a setting.
 */
const NO_RETRY =
  /\b([A-Z][A-Z0-9_]{0,40}RETR(?:Y|IES)[A-Z0-9_]{0,40})=0\b|\b((?:max|maximum)[_. -]?retr(?:y|ies))\s?[=:]\s?0\b/;
/** Pod events of a stop (the kubelet stopping it, an eviction, a preemption). */
const POD_STOPPED = /\b(?:Killing|Evicted|Preempt\w*)\b/;

interface Handover {
  readonly ns: string;
  /** The member that went away (its pod), the server log that says so, and the primary's moves. */
  readonly pod: string;
  readonly node: string | undefined;
  readonly lost: string;
  readonly moves: readonly string[];
  readonly by: string;
}

/** The namespace of a pod named `name` in a pod list read, with its node. */
function listedPod(ctx: AnalyzerContext, name: string): { ns: string; node: string | undefined } | undefined {
  for (const o of outputs(ctx.seen, 'list_pods', (x) => !x.args['labelSelector'])) {
    const row = parseTable(o.content).find((r) => r['NAME'] === name);
    if (row) return { ns: String(o.args['namespace'] ?? ctx.ns), node: row['NODE'] };
  }
  return undefined;
}

function handover(ctx: AnalyzerContext): Handover | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const lines = o.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 4000);
    const moves = lines.filter((l) => HANDOVER.test(l)).map((l) => l.trim());
    if (moves.length === 0) continue;
    for (const l of lines) {
      const m = LOST.exec(l);
      if (!m) continue;
      const member = (m[1] ?? m[2])!;
      // A server names its members as it knows them; the pod's name may spell `_` as `-`.
      const pod = [member, member.replace(/_/g, '-')].find((n) => listedPod(ctx, n));
      if (!pod) continue;
      const where = listedPod(ctx, pod)!;
      return { ns: where.ns, pod, node: where.node, lost: l.trim(), moves, by: String(o.args['name'] ?? '') };
    }
  }
  return undefined;
}

/** Lines of the namespace's (or the default namespace's) events whose object is `object`, as a whole word. */
function eventsOf(ctx: AnalyzerContext, ns: string, object: string): string[] {
  return outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === ns)
    .flatMap((o) => o.content.split('\n'))
    .filter((l) => l.split(/\s+/).includes(object));
}

/**
 * Writes refused for a few seconds while a replicated store's primary moved. When a member that is the
 * primary of a shard stops (its node cordoned and drained for maintenance, rebooted), the others
 * reassign the primary, and when it comes back they hand the primary back to it; each move leaves a
 * few seconds in which writes are refused ("the primary replica is not available", "is currently
 * changing"). A client that does not retry loses those writes, twice per maintenance: nothing is
 * broken on disk. Found from a server's log (a member it lost, by a name a pod of the cluster has, and
 * the primary's moves), then the member's events and its node's (in the default namespace), read for
 * what stopped it, and the client's own retry setting when a log shows it at 0.
 */
export const primaryHandoverAnalyzer: Analyzer = {
  name: 'primary-handover',
  reads(ctx): Read[] {
    const h = handover(ctx);
    if (!h) return [];
    const out: Read[] = [];
    if (!outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === h.ns).length)
      out.push({ tool: 'get_events', args: { namespace: h.ns } });
    if (h.node && !outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === 'default').length)
      out.push({ tool: 'get_events', args: { namespace: 'default' } });
    return out;
  },
  finds(ctx): Finding[] {
    const h = handover(ctx);
    if (!h) return [];
    const nodeEvents = h.node
      ? eventsOf(ctx, 'default', `node/${h.node}`).filter((l) => NODE_STOPPED.test(l))
      : [];
    const podEvents = eventsOf(ctx, h.ns, `pod/${h.pod}`).filter((l) => POD_STOPPED.test(l));
    if (nodeEvents.length === 0 && podEvents.length === 0) return [];
    const stopped = nodeEvents.length
      ? `its node ${h.node} was taken out for maintenance (${nodeEvents.map((l) => clip(l.replace(/\s+/g, ' ').trim(), 90)).join('; ')})`
      : `it was stopped and started again (${clip(podEvents.map((l) => l.replace(/\s+/g, ' ').trim()).join('; '), 200)})`;
    const retry = outputs(ctx.seen, 'get_pod_logs')
      .flatMap((o) => o.content.slice(-200_000).split('\n'))
      .map((l) => NO_RETRY.exec(l.length <= 4000 ? l : ''))
      .find(Boolean);
    const retrySetting = retry ? (retry[1] ?? retry[2])! : undefined;
    return [
      {
        weight: 88,
        object: `pod ${h.pod} in ${h.ns}`,
        cause: `the failed writes are the primary replica moving, not a broken disk: ${h.pod}${h.node ? ` (on node ${h.node})` : ''} stopped because ${stopped}; its peers lost it ("${clip(h.lost, 140)}") and reassigned the primary to another member${h.moves.some((l) => /\bback\b|\bhand(?:ing|ed)\b/i.test(l)) ? `, then handed it back when ${h.pod} came back` : ''} (${h.by}: ${h.moves
          .slice(0, 3)
          .map((l) => `"${clip(l, 110)}"`)
          .join(
            '; ',
          )}). Each handover leaves a few seconds without a primary, and writes in those seconds are refused${retry ? `; the writer does not retry them (${retry[0]}), so they are lost` : ''}`,
        evidence: [
          `get_pod_logs ${h.by}: "${clip(h.lost, 160)}"`,
          ...h.moves.slice(0, 2).map((l) => `get_pod_logs ${h.by}: "${clip(l, 160)}"`),
          ...nodeEvents
            .slice(0, 2)
            .map((l) => `get_events default: ${clip(l.replace(/\s+/g, ' ').trim(), 140)}`),
        ],
        advice: `make the writer retry a write the store refused while its primary moves (${retrySetting ? `${retrySetting} above 0, ` : ''}or wait until the table is ready for writes), and before draining a node move the primaries off the member it runs; nothing needs replacing`,
        revisionSound: true,
      },
    ];
  },
};
