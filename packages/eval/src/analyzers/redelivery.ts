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
  finds({ seen, ns }): Finding[] {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const lines = log.content.slice(-200_000).split('\n');
      const deliveries: Delivery[] = [];
      lines.forEach((line, index) => {
        if (line.length > 4000) return;
        const count = COUNT.exec(line);
        if (!count && !FLAG.test(line)) return;
        deliveries.push({
          id: ID.exec(line)?.[1],
          count: count ? Number(count[1]) : 2,
          line,
          at: lineStamp(line),
          index,
        });
      });
      const again = deliveries.find((d) => d.count >= 2);
      if (!again) continue;
      const first = deliveries.find((d) => d.id !== undefined && d.id === again.id && d.count < again.count);
      const gap =
        first?.at !== undefined && again.at !== undefined
          ? Math.round((again.at - first.at) / 1000)
          : undefined;
      const failed = errorLines(lines.slice(again.index + 1, again.index + 40).join('\n'))[0];
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
