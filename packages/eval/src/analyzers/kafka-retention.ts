import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, type Read } from './types.js';

const FULL = /No space left on device|Disk quota exceeded|ENOSPC/i;
// A Kafka broker's own log (its classes and server names).
const KAFKA = /\bkafka\.(?:log|server|cluster|utils)\b|KafkaRaftServer|KafkaServer/;
// The partition a Kafka log line names: `partition=clickstream-raw-11`, `[Partition orders-3 broker=0]`.
const PARTITION = /\b[Pp]artition[= ]([A-Za-z0-9._-]{1,249})-\d{1,6}\b/g;

interface Full {
  readonly pod: string;
  readonly line: string;
  readonly topics: string[];
}

function fullBroker(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Full | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const text = o.content.slice(-200_000);
    if (!KAFKA.test(text)) continue;
    const line = text.split('\n').find((l) => l.length <= 2000 && FULL.test(l));
    if (!line) continue;
    const topics = [...new Set([...text.matchAll(PARTITION)].map((m) => m[1]!))];
    return { pod: String(o.args['name']), line: line.trim(), topics };
  }
  return undefined;
}

function topicRows(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Record<string, string>[] {
  return outputs(
    seen,
    'list_resources',
    (o) => o.status === 'ok' && /^kafkatopics?$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
  ).flatMap((o) => parseTable(o.content));
}

/**
 * A Kafka broker whose data volume filled because a topic keeps every message: `retention.ms: -1`
 * (and `retention.bytes: -1`) turns off time- and size-based deletion
 * (kafka.apache.org/documentation/#topicconfigs_retention.ms), so a busy topic grows until the
 * brokers' disks are full; the broker then fails writing its log ("No space left on device") and
 * shuts down, and the other replicas follow. Found from the broker's log and its Strimzi KafkaTopic
 * objects: the topics the log names first, then the youngest.
 */
export const kafkaRetentionAnalyzer: Analyzer = {
  name: 'kafka-retention',
  first: true,
  reads({ ns, seen }): Read[] {
    const full = fullBroker(seen, ns);
    if (!full) return [];
    const rows = topicRows(seen, ns);
    if (rows.length === 0) return [{ tool: 'list_resources', args: { kind: 'KafkaTopic', namespace: ns } }];
    const names = rows.map((r) => r['NAME'] ?? '').filter(Boolean);
    const named = full.topics.filter((t) => names.includes(t));
    const youngest = [...rows]
      .sort((a, b) => (ageSeconds(a['AGE'] ?? '') ?? Infinity) - (ageSeconds(b['AGE'] ?? '') ?? Infinity))
      .map((r) => r['NAME'] ?? '');
    return [...new Set([...named, ...youngest])]
      .slice(0, 2)
      .map((name) => ({ tool: 'describe_resource', args: { kind: 'KafkaTopic', name, namespace: ns } }));
  },
  finds({ ns, seen }) {
    const full = fullBroker(seen, ns);
    if (!full) return [];
    for (const d of outputs(
      seen,
      'describe_resource',
      (o) =>
        o.status === 'ok' && /^kafkatopics?$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
    )) {
      if (!/^\s*(?:config\.)?retention\.ms:\s*"?-1"?\s*$/m.test(d.content)) continue;
      const name = String(d.args['name']);
      const bytes = /^\s*(?:config\.)?retention\.bytes:\s*"?-1"?\s*$/m.test(d.content);
      const age = /^Age:\s*(\S{1,20})/m.exec(d.content)?.[1];
      const note = /^Annotations:\s*(.{1,300})$/m.exec(d.content)?.[1];
      const out: Finding = {
        weight: 92,
        object: `pod ${full.pod}`,
        cause: `the data volume of Kafka broker ${full.pod} is full ("${clip(full.line, 120)}"): topic ${name} keeps every message forever (retention.ms -1${bytes ? ', retention.bytes -1' : ''}${age ? `, created ${age} ago` : ''}${note && note !== '<none>' ? `; ${clip(note, 120)}` : ''}), so nothing of it is ever deleted and it grew until the brokers' disks filled; the broker shuts down when it cannot write its log, not from memory`,
        evidence: [
          `get_pod_logs ${full.pod}: "${clip(full.line, 160)}"`,
          `describe_resource KafkaTopic ${name}: retention.ms -1`,
        ],
        advice: `set a finite retention.ms (or retention.bytes) on topic ${name} so old segments are deleted, and give ${full.pod} room to start (grow its PersistentVolumeClaim or free space) so it can recover; check the other brokers' volumes, which hold the same topic`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
