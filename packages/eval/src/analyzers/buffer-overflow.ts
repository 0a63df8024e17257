import { type Analyzer, clip, type Finding, outputs, runningPodNames } from './types.js';

/** A full buffer dropping what comes in: "Metric buffer overflow; 18212 metrics have been dropped", "queue full, dropping". */
const OVERFLOW =
  /\bbuffer overflow\b|\b(?:buffer|queue)\b[^\n]{0,40}?\b(?:overflow\w*|full)\b[^\n]{0,80}?\b(?:dropp(?:ed|ing)|discard(?:ed|ing))\b/i;
/** A count taken in, on a stats line: `agent.metrics_gathered=107180`, `received=…`, `in=…`. */
const TAKEN_IN = /\b([\w.]{0,40}(?:gathered|received|intake|ingested|accepted|_in))\b[=:]\s?(\d{1,12})\b/i;
/** A count written out, on the same line: `outputs.influxdb_v2.metrics_written=27500`, `sent=…`, `flushed=…`. */
const WRITTEN = /\b([\w.]{0,60}(?:written|sent|flushed|delivered|_out))\b[=:]\s?(\d{1,12})\b/i;
/** The words of a statistics key, its verb and plugin names aside: what it counts (`metrics`, `bytes`). */
const COUNTED =
  /(?:^|[._])(metrics|points|samples|events|records|messages|lines|bytes|rows|spans|logs)(?=$|[._])/gi;

/** Whether two statistics keys count the same thing (both metrics, both bytes). */
function sameUnit(a: string, b: string): boolean {
  const of = (k: string) => new Set([...k.matchAll(COUNTED)].map((m) => m[1]!.toLowerCase()));
  const x = of(a);
  return [...of(b)].some((u) => x.has(u));
}

/**
 * A relay whose intake outruns its output. A program that buffers what it receives and writes it on
 * (a metrics agent, a log shipper) drops data once its buffer is full; when its own statistics show it
 * taking in more per interval than its output writes, the output's throughput is the cause (each write
 * is slow, or too few run at once), not the network and not the receiver refusing. Found from a Running
 * pod's log: the buffer overflowing (at least twice) and a statistics line with a count taken in above
 * a count written of the same thing (metrics and metrics, not bytes and metrics), more than none. A
 * bigger buffer only delays the drops; the output must write faster (more parallel writers or larger
 * batches), the load be spread over more replicas, or the receiver be made faster.
 */
export const bufferOverflowAnalyzer: Analyzer = {
  name: 'buffer-overflow',
  reads: () => [],
  finds({ seen }): Finding[] {
    const running = runningPodNames(seen);
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      if (!running.has(pod)) continue;
      const lines = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000);
      const overflows = lines.filter((l) => OVERFLOW.test(l));
      if (overflows.length < 2) continue;
      const stats = lines
        .map((l) => ({ l, i: TAKEN_IN.exec(l), w: WRITTEN.exec(l) }))
        .filter(
          (x) =>
            x.i &&
            x.w &&
            sameUnit(x.i[1]!, x.w[1]!) &&
            // Nothing written at all is an output that fails, not one too slow.
            Number(x.w[2]) > 0 &&
            Number(x.i[2]) > Number(x.w[2]) * 1.2,
        )
        .pop();
      if (!stats) continue;
      const taken = Number(stats.i![2]);
      const written = Number(stats.w![2]);
      const last = overflows[overflows.length - 1]!.trim();
      return [
        {
          weight: 88,
          object: `pod ${pod}`,
          cause: `${pod} takes in more than its output can write, so its buffer stays full and overflows: its own statistics show ${taken} taken in against ${written} written in the same interval (about ${(taken / written).toFixed(1)} times faster than it writes: "${clip(stats.l.trim(), 200)}"), and every overflow drops data ("${clip(last, 160)}", ${overflows.length} times). The output's write throughput is the bottleneck; the writes succeed, only too slowly for the intake`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(stats.l.trim(), 200)}"`,
            `get_pod_logs ${pod}: "${clip(last, 160)}"`,
          ],
          advice: `raise the output's throughput (more parallel writers or larger batches, a faster receiver) or spread the intake over more replicas; a bigger buffer only delays the drops`,
        },
      ];
    }
    return [];
  },
};
