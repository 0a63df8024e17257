import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  searchedLines,
  searchFirstLog,
} from './types.js';

/** The memory limiter's start-up line, with its limits in MiB (`"limit_mib": 900, "spike_limit_mib": 650`). */
const CONFIGURED =
  /Memory limiter configured.{0,400}?"limit_mib":\s?(\d{1,7}).{0,200}?"spike_limit_mib":\s?(\d{1,7})/;
/** The limiter refusing data above its soft limit, with the memory in use (`"cur_mem_mib": 268`). */
const REFUSING = /Memory usage is above soft limit\. Refusing data\..{0,400}?"cur_mem_mib":\s?(\d{1,7})/;
/** The default spike limit, a fifth of the hard limit (the processor's README: spike_limit_mib). */
const DEFAULT_SPIKE_SHARE = 0.2;

/**
 * The OpenTelemetry Collector's `memory_limiter` processor refusing data because its spike limit leaves
 * a small soft limit. The processor's soft limit is `limit_mib - spike_limit_mib`; above it the processor
 * refuses data (receivers answer their clients with a retryable error), and the spike limit defaults to
 * a fifth of `limit_mib` (opentelemetry-collector, processor/memorylimiterprocessor README). A spike limit
 * above half the hard limit leaves a soft limit so low that the collector refuses data at a fraction of
 * the memory it is allowed. Found from the collector's own log: its `Memory limiter configured` line (the
 * last one, the configuration in effect) and `Refusing data` lines; the fix sets the environment variable
 * that holds the spike figure, when one does, back to a fifth of the hard limit.
 */
export const otelMemoryLimiterAnalyzer: Analyzer = {
  name: 'otel-memory-limiter',
  first: true,
  // A refusing collector's log cut before its start: the limiter's configuration line searched for.
  reads: (ctx) =>
    searchFirstLog(
      ctx,
      (tail) => REFUSING.test(tail) && !CONFIGURED.test(tail),
      'Memory limiter configured',
      5,
    ),
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = boundedLogLines(log.content, Number.POSITIVE_INFINITY);
      const logged = lines.filter((l) => CONFIGURED.test(l)).pop();
      const configured =
        logged ??
        searchedLines(seen, (o) => o.args['namespace'] === ns && o.args['name'] === log.args['name'])
          .filter((l) => l.length <= 4000 && CONFIGURED.test(l))
          .pop();
      const refusing = lines.filter((l) => REFUSING.test(l));
      if (!configured || refusing.length === 0) continue;
      const [, hard, spike] = CONFIGURED.exec(configured)!.map(Number) as [number, number, number];
      const soft = hard - spike;
      if (!(spike > hard / 2) || soft <= 0) continue;
      const current = Number(REFUSING.exec(refusing[refusing.length - 1]!)![1]);
      // Refusing at a use the default soft limit (four fifths of the hard limit) would refuse too: memory
      // is what is short, not the spike limit's choice.
      if (current >= hard * (1 - DEFAULT_SPIKE_SHARE)) continue;
      const pod = String(log.args['name'] ?? '');
      const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content;
      const owner = described ? ownerDeployment(described) : undefined;
      // The variable that holds the spike figure (`MEMLIMIT_SPIKE_MIB: 650`), in the container that logs.
      const holder = (described ? containerSections(described).filter((c) => !c.init) : [])
        .map((c) => ({
          c,
          v: envOf(c.body).find((e) => /SPIKE/i.test(e.name) && e.value.trim() === String(spike)),
        }))
        .find((x) => x.v !== undefined);
      const wanted = String(Math.round(hard * DEFAULT_SPIKE_SHARE));
      out.push({
        weight: 88,
        object: podObject(owner, pod),
        cause: `the OpenTelemetry Collector in pod ${pod} refuses data because its memory_limiter's spike limit leaves a tiny soft limit: limit_mib ${hard} with spike_limit_mib ${spike}${holder ? ` (${holder.v!.name})` : ''} gives a soft limit of ${hard} - ${spike} = ${soft} MiB, and above the soft limit the processor refuses data; it refuses at ${current} MiB in use (${refusing.length} "Refusing data" line${refusing.length === 1 ? '' : 's'}), far below the ${hard} MiB it is allowed, so memory is not what is short: the spike limit is set too high`,
        evidence: [
          `${logged ? 'get_pod_logs' : 'search_pod_logs'} ${pod}: "${clip(configured.trim(), 200)}"`,
          `get_pod_logs ${pod}: "${clip(refusing[refusing.length - 1]!.trim(), 200)}"`,
          ...(holder ? [`describe_pod ${pod}: ${holder.v!.name}: ${spike}`] : []),
        ],
        advice: `set spike_limit_mib back to about a fifth of limit_mib (${wanted} MiB)${holder ? ` through ${holder.v!.name}` : ''}, so the soft limit is ${hard - Number(wanted)} MiB; more memory for the pods would not help`,
        ...(holder
          ? envFix(
              ns,
              owner,
              holder.c.name,
              [{ name: holder.v!.name, value: wanted }],
              `set ${holder.v!.name}=${wanted} on ${owner}/${holder.c.name}, a spike limit of a fifth of limit_mib ${hard}`,
            )
          : {}),
      });
    }
    return out.slice(0, 1);
  },
};
