import { memoByText } from './memo.js';
import { type Analyzer, clip, type Finding, outputs, runningPodNames } from './types.js';

/** A retry counter on a log line: "(retry #4311)", "attempt 12", "retries=40", "try 7 of …". */
const COUNTER = /\b(?:retry|retries|attempt|attempts|try)\s{0,2}[#:=]?\s{0,2}(\d{1,9})\b/i;
/** An HTTP status a failure line names: "status code 500", "status=503", "HTTP 502", "code: 429". */
const STATUS = /\b(?:status(?: code)?|code|HTTP)\s{0,2}[:=]?\s{0,2}([45]\d\d)\b/i;
/** Words of sending data on (a write, a push, a delivery): what a forwarder retries. */
const SENDS =
  /(?<![-/.\w])(?:send|sending|sent|write|writing|push|pushing|post|posting|publish|publishing|deliver|delivering|upload|uploading|forward|forwarding|ship|shipping)\b(?![-/.])/i;
/** Words of a failure. */
const FAILED =
  /\b(?:error|failed|failure|fail(?:s|ing)?|rejected|refused|unexpected status|cannot|could not|unable)\b/i;
/** A URL's host. */
const URL_HOST = /\bhttps?:\/\/([a-z0-9](?:[a-z0-9.-]{0,250}[a-z0-9])?)(?::\d{1,5})?/i;
/** vmagent's redacted remote-write target: `"2:secret-url"` is the second `-remoteWrite.url`. */
const NUMBERED_URL = /"(\d{1,2}):secret-url"/;
/** Words saying the queue behind the failing writes is full or drops data. */
const QUEUE_FULL =
  /\b(?:queue|buffer|backlog)\b[^\n]{0,160}?\b(?:full|dropping|drops|dropped(?!\s?[=:]\s?0\b)|discard(?:s|ed|ing)?(?!\s?[=:]\s?0\b)|exceed\w*|overflow\w*)/i;
/** Retries that many times over: the failure has outlasted any restart or blip. */
const MANY = 20;

interface Endless {
  /** The latest line of the repeated failure, its highest retry count, its status, if any. */
  readonly line: string;
  readonly count: number;
  readonly times: number;
  readonly status: string | undefined;
  readonly queue: string | undefined;
}

/** A failure line's shape: digits and quoted sizes made alike, so each retry of one failure matches. */
function shape(line: string): string {
  return line
    .replace(/^\S*\d\S*\s+/, '')
    .replace(/\d+(?:\.\d+)?/g, '#')
    .slice(0, 300);
}

/**
 * The failure a log repeats with a rising retry count (at least three lines of one shape, the count
 * reaching `MANY`), the latest of its lines, and a later line saying the queue behind it is full.
 */
const endlessIn: (log: string) => Endless | undefined = memoByText((log) => {
  const lines = log.slice(-200_000).split('\n');
  const byShape = new Map<
    string,
    { line: string; count: number; times: number; at: number; first: number }
  >();
  lines.forEach((line, at) => {
    if (line.length > 4000 || !FAILED.test(line) || !SENDS.test(line)) return;
    const m = COUNTER.exec(line);
    if (!m) return;
    const s = shape(line);
    const was = byShape.get(s);
    const count = Math.max(Number(m[1]), was?.count ?? 0);
    byShape.set(s, { line: line.trim(), count, times: (was?.times ?? 0) + 1, at, first: was?.first ?? at });
  });
  const best = [...byShape.values()]
    .filter((x) => x.times >= 3 && x.count >= MANY)
    .sort((a, b) => b.times - a.times || b.count - a.count)[0];
  if (!best) return undefined;
  // A queue that fills behind the failure: said after the failure began.
  const queue = lines
    .slice(best.first)
    .find((l) => l.length <= 4000 && QUEUE_FULL.test(l) && l.trim() !== best.line);
  return {
    line: best.line,
    count: best.count,
    times: best.times,
    status: STATUS.exec(best.line)?.[1],
    queue: queue?.trim(),
  };
});

/** Where the failing writes go: a URL's host on the line, or vmagent's numbered target in the pod's args. */
function destination(line: string, describe: string | undefined): string | undefined {
  const host = URL_HOST.exec(line)?.[1];
  if (host) return host;
  const n = NUMBERED_URL.exec(line)?.[1];
  if (!n || !describe) return undefined;
  const urls = [...describe.slice(0, 200_000).matchAll(/-remoteWrite\.url=(\S{1,500})/g)].map((m) => m[1]!);
  const url = urls[Number(n) - 1];
  return url ? (URL_HOST.exec(url)?.[1] ?? url) : undefined;
}

/**
 * A failure retried without end. A program that forwards data (a metrics agent's remote write, a log
 * shipper, an outbox relay) keeps what the receiver refused and sends it again; when the receiver
 * answers every attempt with the same error (a 500 for every block, retry #4311 of one block), the
 * failure is permanent on the receiving side, not a slow sender, and everything queued behind it
 * waits until the queue is full and the oldest data is dropped. Found from a Running pod's log: one
 * failure to send (write, push, deliver) whose lines (at least three of one shape) carry a retry count
 * that reaches twenty. The receiver is the URL's host on the line, or, for vmagent's redacted
 * `"N:secret-url"`, its N-th `-remoteWrite.url` in the pod's description. Adding queues, disk or sender
 * capacity changes nothing.
 */
export const endlessRetryAnalyzer: Analyzer = {
  name: 'endless-retry',
  reads: () => [],
  finds({ seen }): Finding[] {
    const running = runningPodNames(seen);
    const out: Finding[] = [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      if (!running.has(pod) || out.some((f) => f.object === `pod ${pod}`)) continue;
      const e = endlessIn(o.content);
      if (!e) continue;
      const describe = outputs(
        seen,
        'describe_pod',
        (d) => d.args['name'] === pod && d.args['namespace'] === o.args['namespace'],
      ).pop()?.content;
      const to = destination(e.line, describe);
      const receiver = to ? `the receiver ${to}` : 'the receiver';
      out.push({
        weight: 80,
        object: `pod ${pod}`,
        cause: `pod ${pod} sends the same data to ${receiver} again and again and every attempt fails the same way${e.status ? `: ${receiver} answers ${e.status} to every block` : ''} (${e.times} lines, up to retry #${e.count}: "${clip(e.line, 220)}"). That is a permanent failure on the receiving side, not a sender that is too slow: the program keeps the refused data and retries it without end, so what waits behind it piles up in its queue${e.queue ? ` until the queue is full and the oldest data is dropped ("${clip(e.queue, 180)}")` : ''}`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(e.line, 220)}"`,
          ...(e.queue ? [`get_pod_logs ${pod}: "${clip(e.queue, 180)}"`] : []),
        ],
        advice: `fix ${to ?? 'the receiver'} so that it accepts the writes again (its own logs say why it refuses them), or stop sending to it until it does; more queues, a bigger disk or more sender replicas only hold more of what it refuses`,
        revisionSound: true,
      });
    }
    return out;
  },
};
