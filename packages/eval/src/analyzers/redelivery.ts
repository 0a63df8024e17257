import { errorLines } from './app-errors.js';
import { type Analyzer, clip, type Finding, lineStamp, outputs } from './types.js';

/**
 * A delivery count a consumer logs with a message (NATS JetStream's `delivered=N` / `num_delivered`,
 * AMQP's `x-delivery-count`, SQS's `ApproximateReceiveCount`, Pub/Sub's `deliveryAttempt`), or a
 * redelivered flag. Bounded: a name, a separator, at most four digits.
 */
const COUNT =
  /\b(?:delivered|delivery_?count|deliveryCount|num_delivered|deliveryAttempt|ApproximateReceiveCount|x-delivery-count)\s?[=:]\s?(\d{1,4})\b/i;
const FLAG = /\bredelivered\s?[=:]\s?true\b/i;
/** The message's id on the same line: `seq=71822`, `msg_id=…`, `message_id=…`, `messageId: …`. */
const ID = /\b(?:seq|stream_seq|msg_?id|message_?id|messageId|delivery_tag)\s?[=:]\s?([\w.:-]{1,80})/i;
/** Where a consumer's settings name how long the broker waits for an acknowledgement. */
const ACK_SETTING =
  /\b(?:ack_?wait|AckWait|ack[ _-]?deadline|ackDeadlineSeconds|visibility_?timeout|VisibilityTimeout)\b/i;

/** A consumer's word that it recognised a delivery as one it had processed and dropped it (idempotency). */
const SKIPPED_DUPLICATE =
  /\b(?:already (?:in (?:the )?inbox|processed|handled|seen)|duplicate(?:s)? (?:skipped|ignored|dropped)|dedup(?:licat\w{1,5})?\b[^\n]{0,60}\bskip)|\bskipped\b[^\n]{0,60}\bduplicate/i;
/** A consumer's connection or channel to the broker closed and reopened (its unacknowledged messages go back to the queue). */
const RECONNECTED =
  /\b(?:reconnect(?:ed|ing)|connection[^\n]{0,60}\bclosed|channel[^\n]{0,40}\b(?:closed|reopened))\b/i;

interface Delivery {
  readonly id: string | undefined;
  readonly count: number;
  readonly line: string;
  readonly at: number | undefined;
  readonly index: number;
}

/**
 * A message the broker delivered again to a consumer that was still handling it, and the failure the
 * second delivery caused. Brokers with at-least-once delivery hand a message out again when the
 * consumer has not acknowledged it within the ack wait (NATS JetStream's consumer `AckWait`, 30 s by
 * default; SQS's visibility timeout; Pub/Sub's ack deadline), so a handler that runs longer than that
 * sees its message twice, and one that is not idempotent fails on what the first run already did.
 * Found from the delivery count (2 or more) the consumer logs for a message id it logged before, with
 * the time between the two deliveries when both lines carry timestamps.
 */
export const redeliveryAnalyzer: Analyzer = {
  name: 'redelivery',
  reads: () => [],
  notes({ seen, ns }): string[] {
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = log.content.slice(-200_000).split('\n');
      const deliveries = deliveriesOf(lines);
      const b = benignRedeliveries(lines, deliveries);
      if (!b || errorLines(log.content.slice(-200_000)).length > 0) continue;
      return [
        `The "skipped" lines of ${String(log.args['name'])} are redeliveries the consumer recognised as duplicates: ${b.count} message${b.count === 1 ? '' : 's'} came again with the redelivered flag ("${clip(b.line, 150)}")${b.reconnect ? ` right after its connection to the broker closed ("${clip(b.reconnect, 120)}")` : ''}. With at-least-once delivery the broker returns every message a closed channel had not acknowledged to the queue and delivers it again (AMQP, RabbitMQ: unacknowledged messages of a closed channel are requeued), so a consumer sees some messages twice; this one checks each message id against what it already processed (an idempotent consumer, an inbox or dedup table) and skips the copy. That is expected and working as designed: nothing is broken, nothing was dropped, and no action is needed.`,
      ];
    }
    return [];
  },
  finds({ seen, ns }): Finding[] {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const lines = log.content.slice(-200_000).split('\n');
      const deliveries = deliveriesOf(lines);
      const again = deliveries.find((d) => d.count >= 2);
      if (!again) continue;
      const first = deliveries.find((d) => d.id !== undefined && d.id === again.id && d.count < again.count);
      const gap =
        first?.at !== undefined && again.at !== undefined
          ? Math.round((again.at - first.at) / 1000)
          : undefined;
      const failed = errorLines(lines.slice(again.index + 1, again.index + 40).join('\n'))[0];
      // Every redelivery recognised as a duplicate and skipped, none failing: idempotency at work (a note).
      if (!failed && benignRedeliveries(lines, deliveries)) continue;
      const setting = lines.find((l) => l.length <= 2000 && ACK_SETTING.test(l));
      const pod = String(log.args['name'] ?? '');
      const times = deliveries.filter((d) => d.count >= 2).length;
      return [
        {
          weight: 89,
          object: `the consumer in pod ${pod}`,
          cause: `the broker redelivered a message the consumer was still handling: ${again.id ? `message ${again.id} ` : ''}came a second time ("${clip(again.line, 140)}")${gap !== undefined ? ` ${gap} s after its first delivery` : ''}, because it was not acknowledged within the consumer's ack wait (the time the broker waits for an ack before delivering again: NATS JetStream's AckWait, 30 s by default, SQS's visibility timeout, Pub/Sub's ack deadline)${failed ? `, and the handler is not idempotent, so the second delivery fails on what the first already did ("${clip(failed, 160)}")` : ''}${times > 1 ? `; ${times} redeliveries in the log read` : ''}${setting ? ` (configured: "${clip(setting, 120)}")` : ''}`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(again.line, 150)}"`,
            ...(failed ? [`get_pod_logs ${pod}: "${clip(failed, 150)}"`] : []),
          ],
          advice:
            'acknowledge within the ack wait: raise the consumer ack wait above the longest handling time (or send in-progress acks while working), and make the handler idempotent, so a duplicate delivery of the same request (an AlreadyExists for what the first delivery created) counts as done',
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};

/** The deliveries a log's lines report (a count or a redelivered flag), in order. */
function deliveriesOf(lines: readonly string[]): Delivery[] {
  const deliveries: Delivery[] = [];
  lines.forEach((line, index) => {
    if (line.length > 4000) return;
    const count = COUNT.exec(line);
    // A delivery count is small; `delivered=1532` on a stats line is a throughput counter.
    if (count && Number(count[1]) > 100) return;
    if (!count && !FLAG.test(line)) return;
    deliveries.push({
      id: ID.exec(line)?.[1],
      count: count ? Number(count[1]) : 2,
      line,
      at: lineStamp(line),
      index,
    });
  });
  return deliveries;
}

/**
 * Redeliveries that the consumer recognised as duplicates and skipped, every one of them (at least
 * one), with the reconnect before the first when the log shows one; undefined otherwise.
 */
function benignRedeliveries(
  lines: readonly string[],
  deliveries: readonly Delivery[],
): { count: number; line: string; reconnect: string | undefined } | undefined {
  const again = deliveries.filter((d) => d.count >= 2);
  // The skip on the delivery's own line, or on the next line.
  const skipped = (d: Delivery) =>
    SKIPPED_DUPLICATE.test(d.line) || SKIPPED_DUPLICATE.test((lines[d.index + 1] ?? '').slice(0, 2000));
  if (again.length === 0 || !again.every(skipped)) return undefined;
  const before = lines.slice(Math.max(0, again[0]!.index - 20), again[0]!.index);
  const reconnect = [...before].reverse().find((l) => l.length <= 2000 && RECONNECTED.test(l));
  return { count: again.length, line: again[0]!.line.trim(), reconnect: reconnect?.trim() };
}
