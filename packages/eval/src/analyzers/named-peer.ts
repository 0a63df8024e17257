import { errorLines, warningLines } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespacePods,
  outputs,
  type Read,
} from './types.js';

/** A pod name as a token of a log line: letters, digits and dashes between non-name characters. */
const TOKEN = /[a-z0-9][a-z0-9-]{2,251}[a-z0-9]/g;
/** A line that says a resource is used up: what makes a peer turn requests away. Linear: fixed words. */
const FULL = /\b(?:full|exhausted|at capacity|capacity|no space|out of memory|limit reached|too many)\b/i;

/** The failing or warning lines of the current logs read in the namespace, by pod. */
function reported(ctx: AnalyzerContext): { pod: string; lines: string[] }[] {
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns && !o.args['previous']).map(
    (o) => {
      const tail = o.content.slice(-200_000);
      return {
        pod: String(o.args['name']),
        lines: [...errorLines(tail), ...warningLines(tail)].filter((l) => l.length <= 4000),
      };
    },
  );
}

/** Pods of the namespace that other pods' failure lines name, with the pods and lines that name them. */
function named(ctx: AnalyzerContext): Map<string, { by: Set<string>; line: string }> {
  // The pods of this namespace only: a name another namespace's pod carries is not this one's peer.
  const pods = new Set(
    namespacePods(ctx)
      .map((r) => r['NAME'] ?? '')
      .filter(Boolean),
  );
  const out = new Map<string, { by: Set<string>; line: string }>();
  for (const { pod, lines } of reported(ctx))
    for (const line of lines)
      for (const m of line.toLowerCase().matchAll(TOKEN)) {
        const peer = m[0];
        if (peer === pod || !pods.has(peer)) continue;
        const e = out.get(peer) ?? { by: new Set<string>(), line };
        e.by.add(pod);
        out.set(peer, e);
      }
  return out;
}

/**
 * Failures that several pods (or one) report about another pod of the namespace by its name (`failed to
 * persist records on ingester \`indexer-1\`: too many requests`): the pod named is where it goes wrong,
 * and its own log says why. Reads the named pod's log (at most two such pods); finds the named pod's own
 * failure or warning line, one that does not in turn name another pod, and when that line says something
 * is used up (a buffer full, a pool exhausted) says that the peer turns the others' requests away.
 */
export const namedPeerAnalyzer: Analyzer = {
  name: 'named-peer',
  first: true,
  reads(ctx): Read[] {
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).map((o) =>
        String(o.args['name']),
      ),
    );
    return [...named(ctx).keys()]
      .filter((p) => !read.has(p))
      .slice(0, 2)
      .map((p) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: p } }));
  },
  finds(ctx): Finding[] {
    const peers = named(ctx);
    if (peers.size === 0) return [];
    const own = new Map(reported(ctx).map((r) => [r.pod, r.lines]));
    for (const [peer, { by, line }] of peers) {
      const lines = (own.get(peer) ?? []).filter(
        (l) => ![...l.toLowerCase().matchAll(TOKEN)].some((m) => by.has(m[0])),
      );
      // The peer's own account: a line that says something is used up first, else its last failure.
      // A warning that says nothing is used up (a start-up notice) is no account of another pod's failures.
      const errors = new Set(errorLines((own.get(peer) ?? []).join('\n')));
      const why = lines.filter((l) => FULL.test(l)).pop() ?? lines.filter((l) => errors.has(l)).pop();
      if (!why) continue;
      const full = FULL.test(why);
      const names = [...by];
      return [
        {
          weight: full ? 80 : 72,
          object: `pod ${peer}`,
          cause: `${names.length === 1 ? `pod ${names[0]} reports` : `pods ${names.join(', ')} report`} failures about pod ${peer} ("${clip(line.trim(), 200)}"), and ${peer}'s own log says why: "${clip(why.trim(), 240)}"${full ? `: ${peer} has used up what it holds, so it cannot accept more and turns the others' requests away (back-pressure); the fault is on ${peer}, not on the pods that report it` : ''}`,
          evidence: [
            `get_pod_logs ${peer}: "${clip(why.trim(), 240)}"`,
            ...names.slice(0, 2).map((p) => `get_pod_logs ${p}: "${clip(line.trim(), 200)}"`),
          ],
          advice: `look at ${peer} first: what it says it ran out of, and why only it did`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
