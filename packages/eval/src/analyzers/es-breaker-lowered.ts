import { type Analyzer, clip, type Finding, loggedLines } from './types.js';

/** Elasticsearch logging a cluster setting change: `updating [indices.breaker.request.limit] from [60%] to [30%]`. */
const LOWERED =
  /updating \[(indices\.breaker\.[a-z_.]{1,40}\.limit)\] from \[([^\]]{1,20})\] to \[([^\]]{1,20})\]/;
const TRIPPED = /circuit_?breaking_?exception|CircuitBreakingException|Data too large/i;

/** The percentage or size a breaker limit names, for comparing old and new. */
const amount = (v: string) => Number.parseFloat(v);

/**
 * An Elasticsearch circuit breaker tripping after its limit was lowered: the cluster logs a setting
 * change of `indices.breaker.<name>.limit` to a smaller value, and requests whose estimated memory
 * fits the old limit but not the new one are refused with 429 circuit_breaking_exception "Data too
 * large" although the heap has room (Elastic's "Circuit breaker settings"). The fix is to restore the
 * limit, not to add memory.
 */
export const esBreakerLoweredAnalyzer: Analyzer = {
  name: 'es-breaker-lowered',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    const change = loggedLines(seen, ns, (l) => l.length <= 2000 && LOWERED.test(l))[0];
    if (!change) return [];
    const [, setting, from, to] = LOWERED.exec(change.line)!;
    if (!(amount(to!) < amount(from!))) return [];
    const tripped = loggedLines(seen, ns, (l) => l.length <= 4000 && TRIPPED.test(l))[0];
    const pod = String(change.log.args['name'] ?? '');
    const out: Finding = {
      weight: 92,
      object: `elasticsearch (pod ${pod})`,
      cause: `the request circuit breaker was lowered: Elasticsearch logged "${clip(change.line.trim(), 160)}", so ${setting} is now ${to} of the heap instead of ${from}, and requests whose estimated memory (aggregations, facets) fits the old limit but not the new one are refused with 429 circuit_breaking_exception "Data too large"${tripped ? ` ("${clip(tripped.line.trim(), 140)}")` : ''}, although the heap has room; the nodes do not need more memory`,
      evidence: [
        `get_pod_logs ${pod}: "${clip(change.line.trim(), 160)}"`,
        ...(tripped
          ? [`get_pod_logs ${String(tripped.log.args['name'])}: "${clip(tripped.line.trim(), 160)}"`]
          : []),
      ],
      advice: `restore ${setting} to ${from} (a cluster settings update, or null to reset it to the default); lower it only with the aggregations sized for the new limit`,
      revisionSound: true,
    };
    return [out];
  },
};
