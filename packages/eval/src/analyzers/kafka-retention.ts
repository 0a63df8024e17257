import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, type Read, unreadConfigMaps } from './types.js';

const FULL = /No space left on device|Disk quota exceeded|ENOSPC/i;
// A Kafka broker's own log (its classes and server names), or a Redpanda broker's (its shards' loggers).
const KAFKA =
  /\bkafka\.(?:log|server|cluster|utils)\b|KafkaRaftServer|KafkaServer|\[shard \d{1,4}\] (?:storage|cluster|kafka)\b/;
// A Redpanda segment's path names its topic: `kafka/clickstream.raw/7/1201-1-v1.log`.
const SEGMENT_PATH = /\bkafka\/([A-Za-z0-9._-]{1,249})\/\d{1,6}\//g;
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
    const topics = [
      ...new Set([...text.matchAll(PARTITION), ...text.matchAll(SEGMENT_PATH)].map((m) => m[1]!)),
    ];
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

/** The namespace's ConfigMaps whose name says they hold topics (`redpanda-topics`, `kafka-topic-config`). */
function topicConfigMaps(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): string[] {
  return outputs(
    seen,
    'list_resources',
    (o) => /^configmaps?$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
  )
    .flatMap((o) => parseTable(o.content).map((r) => r['NAME'] ?? ''))
    .filter((n) => /topic/i.test(n));
}

/**
 * A topic that a ConfigMap read in `ns` lists with `retention.ms: "-1"`: a YAML list of topics
 * (`- name: <topic>` and its `config`), read line by line; a topic the broker's log names first.
 */
function unlimitedInConfigMaps(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  ns: string,
  named: readonly string[],
): { topic: string; configMap: string; line: string; bytes: boolean; note: string | undefined } | undefined {
  const found: {
    topic: string;
    configMap: string;
    line: string;
    bytes: boolean;
    note: string | undefined;
  }[] = [];
  for (const o of outputs(
    seen,
    'get_resource',
    (x) => x.args['kind'] === 'ConfigMap' && x.args['namespace'] === ns,
  )) {
    const note = /^\s{2,}last-applied-by:\s*(.{1,200})$/m.exec(o.content)?.[1];
    let topic: string | undefined;
    let at: (typeof found)[number] | undefined;
    let bytes = false;
    for (const raw of o.content.slice(0, 200_000).split('\n')) {
      // A comment is not a setting.
      const line = raw.replace(/\s#.*$|^\s*#.*$/, '');
      const item = /^\s*-\s+name:\s*["']?([A-Za-z0-9._-]{1,249})["']?\s*$/.exec(line);
      if (item) {
        topic = item[1]!;
        at = undefined;
        bytes = false;
      }
      if (!topic) continue;
      // retention.bytes on the same line (a flow map) or on a line of its own (a block), before or after.
      if (/\bretention\.bytes["']?:\s*["']?-1\b/.test(line)) {
        bytes = true;
        if (at) at.bytes = true;
      }
      if (/\bretention\.ms["']?:\s*["']?-1\b/.test(line)) {
        at = {
          topic,
          configMap: String(o.args['name'] ?? ''),
          line: line.trim(),
          bytes,
          note: note ? `last applied by ${note}` : undefined,
        };
        found.push(at);
      }
    }
  }
  return found.find((f) => named.includes(f.topic)) ?? found[0];
}

/**
 * A Kafka broker whose data volume filled because a topic keeps every message: `retention.ms: -1`
 * (and `retention.bytes: -1`) turns off time- and size-based deletion
 * (kafka.apache.org/documentation/#topicconfigs_retention.ms), so a busy topic grows until the
 * brokers' disks are full; the broker then fails writing its log ("No space left on device") and
 * shuts down, and the other replicas follow. Found from the broker's log (Kafka's or Redpanda's) and its
 * Strimzi KafkaTopic objects (the topics the log names first, then the youngest), or, without them, the
 * namespace's ConfigMaps whose name says they hold topics (a topic-sync job's list).
 */
export const kafkaRetentionAnalyzer: Analyzer = {
  name: 'kafka-retention',
  first: true,
  reads({ ns, seen }): Read[] {
    const full = fullBroker(seen, ns);
    if (!full) return [];
    const rows = topicRows(seen, ns);
    if (rows.length === 0)
      return [
        { tool: 'list_resources', args: { kind: 'KafkaTopic', namespace: ns } },
        // No KafkaTopic objects: topics applied from a ConfigMap (a topic-sync job's list) instead.
        { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ns } },
        ...unreadConfigMaps(seen, ns, topicConfigMaps(seen, ns), 2),
      ];
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
    const kept = unlimitedInConfigMaps(seen, ns, full.topics);
    if (kept) {
      return [
        {
          weight: 92,
          object: `pod ${full.pod}`,
          cause: `the data volume of broker ${full.pod} is full ("${clip(full.line, 120)}"): topic ${kept.topic} keeps every message forever (retention.ms -1${kept.bytes ? ', retention.bytes -1' : ''}: retention switched off, in ConfigMap ${kept.configMap}${kept.note ? `, ${clip(kept.note, 100)}` : ''}), so nothing of it is ever deleted and it grew until the disk filled; the broker crashes when it cannot write its log, not from the size of the batches or from memory`,
          evidence: [
            `get_pod_logs ${full.pod}: "${clip(full.line, 160)}"`,
            `get_resource ConfigMap ${kept.configMap}: ${clip(kept.line, 160)}`,
          ],
          advice: `set a finite retention.ms (or retention.bytes) on topic ${kept.topic} so old segments are deleted, and give ${full.pod} room to start (grow its PersistentVolumeClaim or free space) so it can recover`,
          revisionSound: true,
        },
      ];
    }
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
