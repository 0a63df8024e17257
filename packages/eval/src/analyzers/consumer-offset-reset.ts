import { type Analyzer, clip, type Finding, outputs, ownerName, type Read, searchedLines } from './types.js';

/** The Kafka consumer's coordinator finding no committed offset for the group (a group that never committed). */
const NO_COMMIT = /Found no committed offset for partition ([\w.-]{1,249}?)-\d{1,5}\b/;
/** The person reports work done again: mails, charges or events handled a second time. */
const AGAIN =
  /\bagain\b|\btwice\b|duplicat|\breplay|\bre-?sent\b|\bre-?processed\b|\bold (?:messages|events|orders)\b/i;
/** What a search of a consumer's whole log looks for: its start-up position and its config. */
const OFFSET_PATTERN = 'committed offset|auto.offset.reset|Resetting offset';
/** The consumer's reset policy and group, from its logged ConsumerConfig values. */
const RESET = /\bauto\.offset\.reset\s*=\s*(earliest|latest|none)\b/;
const GROUP = /\bgroup\.id\s*=\s*([\w.-]{1,200})/;

/**
 * A Kafka consumer group without committed offsets that starts from the earliest retained message: a
 * group the consumer has never committed under (a new or renamed `group.id`) takes its position from
 * `auto.offset.reset`, and with `earliest` it reads the whole retained topic again (Kafka's consumer
 * configuration, auto.offset.reset), so work done long ago (mails, charges) is done again. Found from
 * the coordinator's "Found no committed offset" lines and the consumer's logged config.
 */
export const consumerOffsetResetAnalyzer: Analyzer = {
  name: 'consumer-offset-reset',
  // When the person reports work done again and a consumer's log was read (its tail may hold only the
  // replayed work), its whole log is searched for where the consumer started.
  reads({ task, seen, ns }): Read[] {
    if (!AGAIN.test(task.slice(0, 4000))) return [];
    const reads: Read[] = [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const name = String(o.args['name'] ?? '');
      // A Kafka consumer, by its log or by the task's words (a replayed log tail may name neither).
      if (!/kafka|consumer|groupId|partition/i.test(`${task.slice(0, 4000)}\n${o.content.slice(-20_000)}`))
        continue;
      const searched = outputs(
        seen,
        'search_pod_logs',
        (x) => x.args['name'] === name && x.args['pattern'] === OFFSET_PATTERN,
      );
      if (searched.length || reads.length >= 2) continue;
      reads.push({
        tool: 'search_pod_logs',
        args: { namespace: ns, name, pattern: OFFSET_PATTERN, maxMatches: 6 },
      });
    }
    return reads;
  },
  finds({ seen, ns }): Finding[] {
    const logs = outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns).map((o) => ({
      pod: String(o.args['name'] ?? ''),
      text: o.content.slice(-200_000),
    }));
    for (const o of outputs(
      seen,
      'search_pod_logs',
      (x) => x.args['namespace'] === ns && x.args['pattern'] === OFFSET_PATTERN,
    )) {
      const name = String(o.args['name'] ?? '');
      logs.unshift({ pod: name, text: searchedLines(seen, (x) => x === o).join('\n') });
    }
    for (const o of logs) {
      const lines = o.text.split('\n').filter((l) => l.length <= 8000);
      const none = lines.find((l) => NO_COMMIT.test(l));
      const config = lines.find((l) => RESET.test(l));
      if (!none || RESET.exec(config ?? '')?.[1] !== 'earliest') continue;
      const pod = o.pod;
      const topic = NO_COMMIT.exec(none)![1]!;
      const group = GROUP.exec(config ?? '')?.[1] ?? /groupId=([\w.-]{1,200})/.exec(none)?.[1];
      return [
        {
          weight: 87,
          object: `deployment ${ownerName(pod)}`,
          cause: `the consumer group ${group ? `${group} ` : ''}has no committed offsets on ${topic} ("${clip(none, 160)}"), and its auto.offset.reset is earliest, so it started from the beginning of the topic's retained messages and processes again everything still retained (old events handled long ago): a new or renamed consumer group (group.id) replays the topic from the earliest offset; neither the brokers nor a producer sent anything twice`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(none, 150)}"`,
            `get_pod_logs ${pod}: auto.offset.reset = earliest`,
          ],
          advice: `set the new group's committed offsets to where the old consumer was (kafka-consumer-groups --reset-offsets --to-datetime, or --to-latest) before it consumes, or start a new group with auto.offset.reset=latest`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
