import { type Analyzer, clip, type Finding, outputs, ownerName } from './types.js';

/** A worker thread reported running one job for hours (Sidekiq's TTIN dump: `Thread TID-gq4 SomeJob jid=… running 11h17m`). */
const LONG_RUNNING =
  /\bThread \S{1,40} ([A-Z][A-Za-z0-9:]{1,80}) jid=\S{1,40} running ((?:\d{1,4}d)?\d{1,3}h\d{0,2}m?)/;
/** A backtrace frame of a blocking socket read (Ruby's Net::HTTP, Java's socketRead0). */
const SOCKET_WAIT = /wait_readable|rbuf_fill|socketRead0|SocketInputStream\.read/;
/** The program's own frame that made the call, with its arguments when the dump shows them. */
const OWN_FRAME = /\/app\/[^\s:]{1,200}:\d{1,6}:in `[^']{1,80}'(?: \(([^)]{1,200})\))?/;

/**
 * Job worker threads hung in an outgoing call: a thread dump shows threads running one job class for
 * hours, blocked in a socket read (Net::HTTP waiting for bytes that never come), so every worker thread
 * is busy and the queue stops moving. The call has no read timeout (Ruby's `read_timeout: nil`, or a
 * client without one), so a remote end that holds the connection open and sends nothing holds the
 * thread for ever. Restarting the store behind the queue does not help; the call needs a timeout.
 */
export const workerThreadsHungReadAnalyzer: Analyzer = {
  name: 'worker-threads-hung-read',
  reads() {
    return [];
  },
  finds({ ns, seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const lines = o.content
        .slice(-100_000)
        .split('\n')
        .filter((l) => l.length <= 4000);
      const at = lines.findIndex((l) => LONG_RUNNING.test(l));
      if (at < 0) continue;
      const stack = lines.slice(at + 1, at + 15);
      const wait = stack.find((l) => SOCKET_WAIT.test(l));
      if (!wait) continue;
      const [, job, ran] = LONG_RUNNING.exec(lines[at]!)!;
      const own = stack.find((l) => OWN_FRAME.test(l));
      const noTimeout = own && /read_timeout: nil|timeout: nil|timeout=None|Timeout: 0/.test(own);
      const pod = String(o.args['name']);
      const owner = ownerName(pod);
      return [
        {
          weight: 88,
          object: `deployment ${owner}`,
          cause: `${owner}'s worker threads are hung in an outgoing HTTP call: a thread dump shows ${job} running for ${ran} ("${clip(lines[at]!, 130)}"), blocked reading its socket ("${clip(wait, 100)}")${own ? ` in "${clip(own, 160)}"` : ''}. The call ${noTimeout ? 'was made with no read timeout (read_timeout: nil)' : 'has no effective read timeout'}, so a remote end that keeps the connection open and sends nothing holds the thread for ever; with every thread stuck the same way the queue stops moving though the pods look healthy. The queue's store is not the cause`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(lines[at]!, 160)}"`,
            `get_pod_logs ${pod}: "${clip(own ?? wait, 160)}"`,
          ],
          advice: `give the ${job} HTTP call a read and open timeout (and handle the failure), then restart ${owner} to free the stuck threads; do not restart the queue's store`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
