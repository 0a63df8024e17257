import { memoByText } from './memo.js';
import { type Analyzer, clip, type Finding, outputs, runningPodNames } from './types.js';

/**
 * A count of connection attempts on a statistics line, its key naming connects (not disconnects):
 * `packets.connect.received(1m)=41`, `connects_per_min: 38`, `new_connections=12`. Bounded: the key is
 * at most 60 characters on either side of "connect", the value at most 12 digits.
 */
const CONNECTS = /(?<![\w.(-])([\w.()-]{0,60}?connect[\w.()-]{0,60}?)\s?[=:]\s?(\d{1,12})\b/gi;
/** A line of a client's connection closed or lost. */
const DROPPED =
  /(?:\b|_)disconnect(?:ed)?\b|\b(?:connection (?:closed|lost|reset)|tcp_closed|closed by peer|peer closed)\b/i;
/** The peer address on a dropped line: `peer 10.0.3.7`, `peer: 10.0.3.7:41822`, `from 10.0.3.7`. */
const PEER = /\b(?:peer|from|remote(?:_addr| address)?)\s?[:=(]?\s?(\d{1,3}(?:\.\d{1,3}){3})\b/i;
/** A client connecting again: "3rd CONNECT from this clientid in 2s", "reconnect attempt", "reconnected". */
const AGAIN = /\b(?:\d{1,4}(?:nd|rd|th) connect\b|re-?connect(?:s|ed|ing|ion)?\b(?![^\n]{0,40}\bbackoff\b))/i;
/** The program saying it takes connections at a high rate without a limit (`max_conn_rate: infinity`). */
const NO_LIMIT =
  /\bconnection rate\b[^\n]{0,200}?\b(?:infinity|unlimited|no limit)\b|\bhigh connection rate\b/i;
/** How many times the connect count must grow, and the least it must reach, to be a storm. */
const GROWTH = 50;
const AT_LEAST = 1000;
/** The newest sample this many times below the peak says the burst is over. */
const SETTLED = 10;
/**
 * Keys that are no count per interval: a gauge of the connections open now (`connected_clients`,
 * `connections.count`, `active_connections`) or a lifetime total (`total_connections_received`).
 */
const GAUGE_OR_TOTAL = /total|connected|current|active|open|live|count$/i;

interface Storm {
  readonly key: string;
  readonly before: number;
  readonly after: number;
  readonly beforeLine: string;
  readonly afterLine: string;
  /** The first line of the drop that set it off, how many dropped lines, the one peer they share. */
  readonly drop: string | undefined;
  readonly drops: number;
  readonly peer: string | undefined;
  readonly again: string | undefined;
  readonly noLimit: string | undefined;
}

/**
 * The connect count a log's statistics lines carry, when it grows at least `GROWTH` times from one
 * sample to a later one (and reaches `AT_LEAST`), with what the log says between them: the lines of
 * connections dropped, their one peer when they share it, a client connecting again, a rate with no limit.
 */
export const stormIn: (log: string) => Storm | undefined = memoByText((log) => {
  const lines = log
    .slice(-200_000)
    .split('\n')
    .filter((l) => l.length <= 4000);
  // Each key's samples, one per line: a key twice on one line (two listeners) is no series in time.
  const series = new Map<string, { value: number; at: number }[]>();
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at]!;
    if (!/connect/i.test(line)) continue;
    const onLine = new Map<string, number[]>();
    for (const m of line.matchAll(CONNECTS)) {
      const key = m[1]!;
      if (/disconnect/i.test(key) || GAUGE_OR_TOTAL.test(key)) continue;
      onLine.set(key, [...(onLine.get(key) ?? []), Number(m[2])]);
    }
    for (const [key, values] of onLine) {
      if (values.length !== 1) continue;
      const list = series.get(key) ?? [];
      list.push({ value: values[0]!, at });
      series.set(key, list);
    }
  }
  for (const [key, samples] of series) {
    let low = samples[0]!;
    for (const s of samples.slice(1)) {
      if (s.value < low.value) {
        low = s;
        continue;
      }
      if (s.value < AT_LEAST || s.value < GROWTH * Math.max(1, low.value)) continue;
      // Still storming at the newest sample: a burst that settled back (the server's own restart, over
      // in a minute) is not what keeps it busy now.
      const newest = samples[samples.length - 1]!;
      const peak = Math.max(...samples.filter((x) => x.at >= s.at).map((x) => x.value));
      if (newest.value * SETTLED < peak) break;
      const at = s.at;
      const between = lines.slice(low.at + 1, at);
      const dropped = between.filter((l) => DROPPED.test(l));
      const peers = new Set(dropped.map((l) => PEER.exec(l)?.[1]).filter((p) => p !== undefined));
      return {
        key,
        before: low.value,
        after: s.value,
        beforeLine: lines[low.at]!.trim(),
        afterLine: lines[at]!.trim(),
        drop: dropped[0]?.trim(),
        drops: dropped.length,
        peer: dropped.length >= 3 && peers.size === 1 ? [...peers][0] : undefined,
        again: lines
          .slice(low.at + 1)
          .find((l) => AGAIN.test(l) && !DROPPED.test(l))
          ?.trim(),
        noLimit: lines
          .slice(low.at + 1)
          .find((l) => NO_LIMIT.test(l))
          ?.trim(),
      };
    }
  }
  return undefined;
});

/**
 * A reconnect storm (a thundering herd). When something between many clients and a server drops every
 * connection at once (a load balancer or proxy restarted or reloaded, a network blip), clients that
 * reconnect at once, without backoff or jitter, and again whenever a handshake is slow, keep the server
 * busy with connection handshakes (TLS) and session take-overs: its CPU sits at the limit and real work
 * waits, long after the drop. Found from a Running pod's log: a statistics key counting connects
 * (`packets.connect.received(1m)`) that grows fifty times or more between two samples to at least a
 * thousand. The finding quotes the drop that set it off, the one peer address the dropped connections
 * share (the load balancer or proxy in front of the server), a client connecting again, and a
 * connection rate taken without a limit, when the log has them. More CPU only absorbs the storm; the
 * clients need backoff with jitter and the listener a connection-rate limit.
 */
export const reconnectStormAnalyzer: Analyzer = {
  name: 'reconnect-storm',
  reads: () => [],
  finds({ seen }): Finding[] {
    const running = runningPodNames(seen);
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      if (!running.has(pod)) continue;
      const s = stormIn(o.content);
      if (!s) continue;
      const times = Math.round(s.after / Math.max(1, s.before));
      const via = s.peer
        ? `, every one from the same peer address ${s.peer}, the load balancer or proxy in front of it, which dropped them at once (a restart or reload)`
        : '';
      const drop = s.drop
        ? ` It began when ${s.drops} client connection${s.drops === 1 ? ' was' : 's were'} dropped together ("${clip(s.drop, 160)}"${via}).`
        : '';
      const again = s.again
        ? ` The same clients connect again within seconds ("${clip(s.again, 180)}").`
        : '';
      const limit = s.noLimit ? ` Nothing caps the rate: "${clip(s.noLimit, 160)}".` : '';
      return [
        {
          weight: 86,
          object: `pod ${pod}`,
          cause: `a reconnect storm: ${pod}'s clients all reconnect at the same time, without backoff or jitter, and keep it busy with connection handshakes: its connect count grew ${times} times, from ${s.before} to ${s.after} ("${clip(s.beforeLine, 160)}" then "${clip(s.afterLine, 160)}").${drop}${again}${limit} The load is the clients' own reconnects (a thundering herd), not outside traffic, and more CPU only absorbs it`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(s.afterLine, 200)}"`,
            ...(s.drop ? [`get_pod_logs ${pod}: "${clip(s.drop, 160)}"`] : []),
            ...(s.again ? [`get_pod_logs ${pod}: "${clip(s.again, 180)}"`] : []),
          ],
          advice: `give the clients exponential backoff with random jitter on reconnect, and cap the listener's connection rate so a mass reconnect is spread out${s.peer ? `; find out why the load balancer or proxy at ${s.peer} dropped every connection at once` : ''}`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
