import { type Analyzer, clip, type Finding, outputs, ownerName } from './types.js';

/** A consumer that left its group for not polling in time (Kafka's client words). */
const POLL_EXPIRED = /poll timeout has expired|max\.poll\.interval\.ms/;
/** An outgoing call the program logs as it makes it: a client class and an HTTP method with a path. */
const CALL_MADE =
  /\b([A-Z][A-Za-z0-9]{1,60}(?:Client|Gateway|Api|API|Service))\b[^\n]{0,40}?\b(GET|POST|PUT|PATCH|DELETE)\s+(\/\S{1,200})/;
/** A thread dump of a thread blocked reading a socket (Java's socketRead0, NIO's read, Go's netpoll). */
const SOCKET_READ =
  /socketRead0|SocketInputStream\.read|NioSocketImpl\.read|sun\.nio\.ch\.\S{0,40}read|internal\/poll\.\(\*FD\)\.Read/;
/** The frame of the program's own code in such a dump: `at com.acme.x.CarrierClient.createLabel(CarrierClient.java:88)`. */
const OWN_FRAME = /\bat ((?:[a-z][\w]{0,40}\.){1,8}([A-Z]\w{1,60})\.(\w{1,60}))\(/g;
/** A response the program logs for a call (`label created`, `(parcelhub 412 ms)`, `-> 200`). */
const ANSWERED = /\b(?:created|done|completed|ok|succeeded|\d{3} \(\d|-> ?\d{3}|\d+(?:\.\d+)? ?m?s\))/i;

/**
 * A queue consumer whose poll loop is stuck in one outgoing call: it leaves its group for not polling
 * within max.poll.interval.ms, and what it was doing then is a call it logged making and never logged
 * an answer to (its thread dump shows the poll thread blocked reading a socket in that client). The call
 * was made without a read timeout, so a dependency that accepts the connection and never answers holds
 * the poll thread for ever; the group rebalances, the next member takes the partitions and hangs the
 * same way, and the lag grows. The brokers are not at fault.
 */
export const pollLoopStuckCallAnalyzer: Analyzer = {
  name: 'poll-loop-stuck-call',
  reads() {
    return [];
  },
  finds({ seen, ns }): Finding[] {
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = log.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000);
      const expired = lines.findIndex((l) => POLL_EXPIRED.test(l));
      if (expired < 0) continue;
      // The last call made before the first expiry, with no answer logged between them.
      let call: { line: string; client: string; path: string } | undefined;
      for (let i = expired - 1; i >= 0; i--) {
        const m = CALL_MADE.exec(lines[i]!);
        if (m) {
          const between = lines.slice(i + 1, expired);
          if (!between.some((l) => ANSWERED.test(l) && !POLL_EXPIRED.test(l)))
            call = { line: lines[i]!, client: m[1]!, path: m[3]! };
          break;
        }
        if (ANSWERED.test(lines[i]!)) break;
      }
      if (!call) continue;
      const dump = lines.find((l) => SOCKET_READ.test(l) && l.includes(call!.client));
      const frame = dump
        ? [...dump.matchAll(OWN_FRAME)].map((m) => `${m[2]}.${m[3]}`).find((f) => f.startsWith(call!.client))
        : undefined;
      const pod = String(log.args['name']);
      const owner = ownerName(pod);
      const again = lines.filter((l) => POLL_EXPIRED.test(l) && /WARN|ERROR/.test(l)).length;
      return [
        {
          weight: 88,
          object: `deployment ${owner}`,
          cause: `${owner}'s poll loop is stuck in an outgoing call that never returns: it logged "${clip(call.line, 140)}" and no answer, then left its consumer group for exceeding max.poll.interval.ms ("${clip(lines[expired]!, 120)}"${again > 1 ? `, ${again} times` : ''})${dump ? `; a thread dump shows the poll thread blocked reading the socket in ${frame ?? call.client} ("${clip(dump, 140)}")` : ''}. The ${call.client} call (${call.path}) hangs on a dependency that accepts the connection and never answers, and it has no read timeout, so each member that takes the partitions hangs the same way, the group keeps rebalancing and the lag grows. The brokers are not at fault`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(call.line, 160)}"`,
            `get_pod_logs ${pod}: "${clip(lines[expired]!, 160)}"`,
            ...(dump ? [`get_pod_logs ${pod}: "${clip(dump, 160)}"`] : []),
          ],
          advice: `give the ${call.client} call a connect and read timeout shorter than max.poll.interval.ms (and handle the failure: retry later or dead-letter the message), and find out why the dependency behind ${call.path} stopped answering`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
