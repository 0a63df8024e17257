import { memoByText } from './memo.js';
import { type Analyzer, clip, type Finding, outputs } from './types.js';

/** What a pipeline counts (`spans`, `messages`, …). */
const UNIT =
  'spans|traces|metrics|samples|points|events|messages|records|rows|logs|lines|documents|docs|requests|jobs|items';
/**
 * A count as logs print it: grouped by commas (`1,104,210`), plain (`366120`), or with a decimal and a
 * k/M/G suffix (`3.9M`); the suffix as its own group.
 */
const COUNT = '(\\d{1,3}(?:,\\d{3}){1,4}|\\d{1,15}(?:\\.\\d{1,3})?)\\s?([kKMG](?![A-Za-z]))?(?![\\d.])';
/** A count taken in, the unit first: "spans accepted 1,104,210", "messages received: 5,000", `spans_received=…`. */
const TAKEN_IN = new RegExp(
  `\\b(${UNIT})[ _.](?:accepted|received|ingested|taken in|read|in)\\s?[:=]?\\s?${COUNT}`,
  'i',
);
/** A count written out, the unit first: "spans stored 366,120", "messages written=…", `spans_stored=…`. */
const WRITTEN = new RegExp(
  `\\b(${UNIT})[ _.](?:stored|written|persisted|flushed|sent|delivered|indexed|inserted|out)\\s?[:=]?\\s?${COUNT}`,
  'i',
);
/** The JVM's heap running out, or the program's own heap gauge near full ("heap usage 97%"). */
const HEAP_OUT =
  /\bjava\.lang\.OutOfMemoryError\b|\bheap (?:usage|used)\b[^\n]{0,20}?\b(?:9\d|100)(?:\.\d{1,2})?\s?%/i;
/** A slow write to the storage behind it: "span insert batch of 500 took 812 ms", "bulk write took 2.1s". */
const SLOW_WRITE =
  /\b(?:insert|write|writes|flush|bulk|commit|store)\b[^\n]{0,80}?\btook\s?(\d{1,7}(?:\.\d{1,3})?)\s?(ms|s)\b/i;
/** The storage the log names: a cluster DNS name (`traces-mysql.tracing-db.svc:3306`). */
const STORAGE_HOST = /\b([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.svc)\b/;

const SUFFIX: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9 };
/** The value of a `COUNT` match (its number and suffix groups). */
const num = (n: string, suffix: string | undefined) =>
  Number(n.replace(/,/g, '')) * (suffix ? SUFFIX[suffix]! : 1);
/** Words of a line about the storage the program writes to (not the queue it reads from). */
const STORAGE_WORDS =
  /\b(?:storage|database|db|insert\w{0,3}|writ\w{0,4}|persist\w{0,4}|mysql|postgres\w{0,3}|cassandra|elasticsearch|opensearch|clickhouse)\b/i;

interface Backlog {
  readonly stats: string;
  readonly unit: string;
  readonly taken: number;
  readonly written: number;
  readonly heap: string;
  readonly slow: string | undefined;
  readonly storage: string | undefined;
}

/** A log whose statistics show more taken in than written and whose heap runs out. */
export const backlogIn: (log: string) => Backlog | undefined = memoByText((log) => {
  const lines = log
    .slice(-200_000)
    .split('\n')
    .filter((l) => l.length <= 4000);
  const heap = lines.find((l) => HEAP_OUT.test(l));
  if (heap === undefined) return undefined;
  let best: Omit<Backlog, 'heap' | 'slow' | 'storage'> | undefined;
  for (const l of lines) {
    const i = TAKEN_IN.exec(l);
    const w = i ? WRITTEN.exec(l) : null;
    if (!i || !w || i[1]!.toLowerCase() !== w[1]!.toLowerCase()) continue;
    const taken = num(i[2]!, i[3]);
    const written = num(w[2]!, w[3]);
    // Nothing written at all is an output that fails, not one too slow.
    if (written === 0 || taken < written * 1.5) continue;
    best = { stats: l.trim(), unit: i[1]!.toLowerCase(), taken, written };
  }
  if (!best) return undefined;
  return {
    ...best,
    heap: heap.trim(),
    slow: lines.find((l) => SLOW_WRITE.test(l))?.trim(),
    // The host of a line about the storage; a log that names hosts only on other lines names none.
    storage: lines
      .filter((l) => STORAGE_WORDS.test(l))
      .map((l) => STORAGE_HOST.exec(l)?.[1])
      .find((h) => h !== undefined),
  };
});

/**
 * A backlog that fills the heap. A program that takes data in faster than it writes it to its storage
 * keeps what is not yet written in memory; the backlog grows for as long as the intake outruns the
 * writes, until the heap runs out and the process dies (or stalls in garbage collection), and then it
 * starts again and the same happens. Found from a pod's log (current or from before its restart): a
 * statistics line with a count taken in at least one and a half times a count written of the same unit
 * ("spans accepted 1,104,210 … spans stored 366,120"), and the heap running out (an OutOfMemoryError,
 * or a heap gauge at 90 % or more). The finding quotes a slow write to the storage and the storage's
 * cluster DNS name when the log has them. A larger heap only delays the next death; the writes must keep
 * up (faster storage, more writers, sampling or dropping under load).
 */
export const backlogHeapAnalyzer: Analyzer = {
  name: 'backlog-heap',
  reads: () => [],
  finds({ seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs')) {
      const pod = String(o.args['name'] ?? '');
      const b = backlogIn(o.content);
      if (!b) continue;
      const storage = b.storage ? ` (${b.storage})` : '';
      const slow = b.slow ? `: its writes are slow ("${clip(b.slow, 160)}")` : '';
      return [
        {
          weight: 92,
          object: `pod ${pod}`,
          cause: `${pod} takes in ${b.unit} faster than its storage${storage} writes them, so the backlog of unwritten ${b.unit} grows in memory until the heap runs out: its own statistics show ${b.taken} ${b.unit} taken in against ${b.written} stored ("${clip(b.stats, 220)}"), and then "${clip(b.heap, 160)}". The storage falls behind${slow}; the heap exhaustion is the backlog's, not a leak of the program's version, and it comes back after every restart`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(b.stats, 220)}"`,
            `get_pod_logs ${pod}: "${clip(b.heap, 160)}"`,
            ...(b.slow ? [`get_pod_logs ${pod}: "${clip(b.slow, 160)}"`] : []),
          ],
          advice: `make the writes keep up with the intake (a faster storage${storage}, more writers or larger batches), or cap the backlog (sampling, dropping or refusing under load); a larger heap only delays the next out-of-memory`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
