import { quietLogs } from './app-errors.js';
import { type Analyzer, allPodsReady, outputs, ownerName, type Read, searchedLines } from './types.js';

/** The person asks about a Kafka consumer group: its rebalances, its lag. */
const ASKED = /\brebalanc\w*|\bconsumer group\b|\bconsumer lag\b|\blag alert\b/i;
/** What the search looks for: the Java client's and librdkafka's words for a rebalance. */
const PATTERN = 'rebalanc|Revoke previously assigned|joined group';
/** A Java client's line that it joined a new generation of the group. */
const JOINED = /Successfully joined group with generation Generation\{generationId=(\d{1,9})/;
/** The client's own lag report (`lag=3,114`). */
const LAG = /\blag=(\d{1,3}(?:,\d{3})*|\d{1,12})\b/;

const stamp = (l: string) => /\b(\d{4}-\d\d-\d\dT\d\d:\d\d)/.exec(l)?.[1];

/**
 * A Kafka consumer group that rebalances when its members change, in a healthy namespace: each time a
 * consumer joins or leaves (a scale-out or scale-in by an HPA or KEDA, a rolling restart), the group
 * coordinator revokes and reassigns the partitions and consumption pauses for a few seconds, so lag
 * rises and then drains (Kafka's documentation, "Consumer groups"; KIP-429 for the cooperative
 * assignor). Reads: a search of a consumer's whole log for its rebalances when the person asks about
 * them. Notes: when they happened, how many generations, and whether the lag the client reports came
 * back down.
 */
export const consumerRebalanceAnalyzer: Analyzer = {
  name: 'consumer-rebalance',
  reads({ task, ns, seen }): Read[] {
    if (!ASKED.test(task.slice(0, 4000)) || allPodsReady(seen, ns) !== true) return [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const name = o.args['name'];
      if (
        outputs(seen, 'search_pod_logs', (x) => x.args['name'] === name && x.args['pattern'] === PATTERN)
          .length
      )
        return [];
      if (!/\bgroup(?:Id)?[=:]|\bkafka/i.test(o.content.slice(-200_000))) continue;
      return [
        {
          tool: 'search_pod_logs',
          args: {
            namespace: ns,
            name,
            ...(o.args['container'] ? { container: o.args['container'] } : {}),
            pattern: PATTERN,
            context: 0,
            maxMatches: 12,
          },
        },
      ];
    }
    return [];
  },
  finds: () => [],
  notes({ ns, seen }): string[] {
    const logs = quietLogs(seen, ns);
    if (!logs) return [];
    for (const o of logs) {
      const name = String(o.args['name']);
      const found = searchedLines(seen, (x) => x.args['name'] === name && x.args['pattern'] === PATTERN);
      const joined = found.map((l) => ({ at: stamp(l), gen: JOINED.exec(l)?.[1] })).filter((j) => j.gen);
      if (joined.length === 0) continue;
      const lags = o.content
        .slice(-200_000)
        .split('\n')
        .map((l) => LAG.exec(l)?.[1])
        .filter((v): v is string => v !== undefined)
        .map((v) => Number(v.replace(/,/g, '')));
      const peak = lags.length ? Math.max(...lags) : undefined;
      const now = lags.length ? lags[lags.length - 1]! : undefined;
      const drained = peak !== undefined && now !== undefined && peak > 0 && now <= peak / 10;
      const workload = ownerName(name);
      return [
        `The consumer group of ${workload} rebalanced ${joined.length} time(s) in ${name}'s log (${joined
          .map((j) => `generation ${j.gen}${j.at ? ` at ${j.at}` : ''}`)
          .join(
            ', ',
          )}): a group rebalances whenever a member joins or leaves, as when its replicas are scaled (by an HPA or KEDA) or restarted; the partitions are revoked and reassigned and consumption pauses for a few seconds, so lag rises${
          drained
            ? ` and then drains, as it did here (the client's lag report peaked at ${peak} and is ${now} now)`
            : ' and then drains'
        }. That is expected with autoscaling, not a broken group: nothing is broken and no action is needed (the cooperative-sticky assignor or static membership makes each rebalance gentler)`,
      ];
    }
    return [];
  },
};
