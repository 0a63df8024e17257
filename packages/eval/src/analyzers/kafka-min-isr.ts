import { envOf } from './env-values.js';
import { type Analyzer, clip, type Finding, outputs, ownerName } from './types.js';

/** Kafka's answer to an acks=all write with too few in-sync replicas. */
const NOT_ENOUGH = /NOT_ENOUGH_REPLICAS|NotEnoughReplicasException/;
/** A broker setting as server.properties or an environment writes it: `min.insync.replicas=2`. */
const MIN_ISR = /\bmin[._]insync[._]replicas\s*[=:]\s*"?(\d{1,2})\b/i;
/** A variable that sets the replication factor of the topics a client creates (Kafka Connect's, Streams'). */
const RF_VAR = /REPLICATION_FACTOR$/i;

/**
 * Writes refused with NOT_ENOUGH_REPLICAS because the topic was created with fewer replicas than the
 * brokers' `min.insync.replicas`: a partition with replication factor 1 never has two in-sync replicas,
 * so every acks=all write to it fails however healthy the brokers are (Kafka's broker and topic
 * configuration, min.insync.replicas). Kafka Connect creates its internal topics with the factors its
 * worker's `*_STORAGE_REPLICATION_FACTOR` settings give. Found from the client's refused writes and a
 * replication-factor variable of 1 in its environment (the brokers' min.insync.replicas quoted when a
 * read output shows it).
 */
export const kafkaMinIsrAnalyzer: Analyzer = {
  name: 'kafka-min-isr',
  reads: () => [],
  finds({ seen, ns }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const line = o.content
        .slice(-200_000)
        .split('\n')
        .find((l) => l.length <= 4000 && NOT_ENOUGH.test(l));
      if (!line) continue;
      const pod = String(o.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      const ones = d
        ? envOf(d.content).filter((v) => RF_VAR.test(v.name) && v.value.replace(/"/g, '') === '1')
        : [];
      if (ones.length === 0) continue;
      const minIsr = outputs(seen, 'describe_resource')
        .concat(outputs(seen, 'get_pod_logs'), outputs(seen, 'describe_pod'))
        .map((x) => MIN_ISR.exec(x.content.slice(0, 200_000))?.[1])
        .find((x) => x !== undefined);
      // The topic the refused write went to: `on topic-partition connect-configs-0`, `topic=orders`.
      const topic = /topic-partition ([\w.-]{1,200})-\d{1,5}\b|\btopic[= ]([\w.-]{1,200})/.exec(line);
      const name = topic?.[1] ?? topic?.[2];
      return [
        {
          weight: 91,
          object: `deployment ${ownerName(pod)}`,
          cause: `the writes fail with NOT_ENOUGH_REPLICAS ("${clip(line, 160)}") because ${name ? `topic ${name}, one it creates,` : 'a topic it creates'} has replication factor 1 (${ones.map((v) => `${v.name}=1`).join(', ')}) while the brokers require ${minIsr ? `min.insync.replicas=${minIsr}` : 'more than one in-sync replica (min.insync.replicas)'} for acks=all writes: a partition with a single replica can never have enough in-sync replicas, however healthy the brokers are`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(line, 150)}"`,
            ...ones.map((v) => `describe_pod ${pod}: ${v.name}=1`),
          ],
          advice:
            "raise the topic's replication factor to at least min.insync.replicas (kafka-reassign-partitions, or recreate the internal topic), and set the variable to 3 so a new topic is created right",
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
