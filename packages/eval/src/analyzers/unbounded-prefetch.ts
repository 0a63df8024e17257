import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  podsOf,
  type Read,
} from './types.js';

/** RabbitMQ's memory alarm, in the broker's log or as a client sees it (connection.blocked). */
const MEMORY_ALARM =
  /memory resource limit alarm set|connection\.blocked[^\n]{0,80}low on memory|\bMemory alarm: true\b|vm_memory_high_watermark set/i;
/** The alarm over: RabbitMQ's "memory resource limit alarm cleared", a client's connection.unblocked. */
const CLEARED = /alarm cleared|connection\.unblocked|\bMemory alarm: false\b/i;
/** A variable that sets a consumer's AMQP prefetch (basic.qos prefetch_count). */
// Not a prefetch size: basic.qos prefetch_size 0 is the only value RabbitMQ accepts (no byte limit is implemented).
const PREFETCH_VAR = /(?:^|_)PREFETCH(?:_COUNT)?$/;
/** The bound the fix sets: RabbitMQ's guide puts useful prefetch values in the low hundreds. */
const BOUND = '100';

/**
 * The rows of a `rabbitmqctl list_queues` listing in a log (tab-separated, its header naming
 * `messages_unacknowledged`), up to the next line that is not a row of it.
 */
function queueRows(log: string): Record<string, string>[] {
  const lines = log.slice(-50_000).split('\n');
  const at = lines.findIndex((l) => l.includes('messages_unacknowledged') && l.includes('\t'));
  if (at < 0) return [];
  const header = lines[at]!.split('\t').map((h) => h.trim());
  const rows: Record<string, string>[] = [];
  for (const l of lines.slice(at + 1, at + 200)) {
    const cells = l.split('\t');
    if (cells.length !== header.length) break;
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]!.trim()])));
  }
  return rows;
}

/** The namespace's log lines that show the alarm, first one per pod. */
function alarmLines(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  ns: string,
): { pod: string; line: string }[] {
  const out: { pod: string; line: string }[] = [];
  for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns)) {
    const lines = boundedLogLines(o.content, 2000);
    const set = lines.findLastIndex((l) => MEMORY_ALARM.test(l));
    // An alarm cleared (or a connection unblocked) after it was set is over: not what fails now.
    const cleared = lines.findLastIndex((l) => CLEARED.test(l));
    if (set >= 0 && cleared < set) out.push({ pod: String(o.args['name'] ?? ''), line: lines[set]!.trim() });
  }
  return out;
}

/**
 * A RabbitMQ consumer that sets no prefetch limit (`basic.qos prefetch_count=0`, "no limit"): the broker
 * delivers it every message of the queue at once, and holds each one in memory as unacknowledged until the
 * consumer acks, so a consumer slower than the publishers makes the broker's memory grow until its memory
 * alarm (vm_memory_high_watermark) blocks every publishing connection: publishes hang and time out while the
 * broker runs (rabbitmq.com, "Consumer Prefetch" and "Memory Alarms"). A larger broker only delays it. Found
 * from the alarm in the namespace's logs and a consumer's prefetch variable set to 0; the fix bounds it.
 */
export const unboundedPrefetchAnalyzer: Analyzer = {
  name: 'unbounded-prefetch',
  // A memory alarm that blocks publishers now is a strong lead: the consumers' settings come early.
  early: true,
  reads({ ns, seen }): Read[] {
    if (alarmLines(seen, ns).length === 0) return [];
    const pods = podsOf(seen, ns);
    if ('read' in pods) return [pods.read];
    const described = new Set(
      outputs(seen, 'describe_pod', (o) => (o.args['namespace'] ?? ns) === ns).map((o) =>
        podDeployment(String(o.args['name'] ?? '')),
      ),
    );
    // A pod whose log speaks of prefetch or consuming first; a publisher the alarm blocks last.
    const logOf = (pod: string) =>
      outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod)
        .map((o) => o.content.slice(-50_000))
        .join('\n');
    const rank = (pod: string) => {
      const log = logOf(pod);
      return /prefetch|basic\.qos|\bconsumer\b/i.test(log) ? 0 : MEMORY_ALARM.test(log) ? 2 : 1;
    };
    const rows = [...pods.rows].sort((a, b) => rank(a['NAME'] ?? '') - rank(b['NAME'] ?? ''));
    const seenDeployments = new Set<string>();
    const reads: Read[] = [];
    // A finished job of the broker's CLI (a queue audit) lists the queues with their unacknowledged counts.
    const audit = pods.rows.find(
      (r) => r['STATUS'] === 'Completed' && /queue|rabbit|amqp|broker/i.test(r['NAME'] ?? ''),
    );
    if (audit) reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: audit['NAME'] } });
    for (const r of rows) {
      const name = r['NAME'] ?? '';
      const d = podDeployment(name);
      if (!d || seenDeployments.has(d) || described.has(d) || /rabbit/i.test(d) || r['STATUS'] !== 'Running')
        continue;
      seenDeployments.add(d);
      reads.push({ tool: 'describe_pod', args: { namespace: ns, name } });
      if (reads.length >= 4) break;
    }
    return reads;
  },
  finds({ ns, seen }): Finding[] {
    const alarms = alarmLines(seen, ns);
    if (alarms.length === 0) return [];
    for (const d of outputs(seen, 'describe_pod', (o) => (o.args['namespace'] ?? ns) === ns)) {
      const pod = String(d.args['name'] ?? '');
      const deployment = podDeployment(pod);
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        const v = envOf(c.body).find((e) => PREFETCH_VAR.test(e.name) && e.value.trim() === '0');
        if (!v) continue;
        // The broker's own count of unacknowledged messages, when a listing of its queues was read.
        const unacked = outputs(seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ns) === ns)
          .flatMap((o) => queueRows(o.content))
          .find((r) => Number(r['messages_unacknowledged'] ?? '0') > 0);
        const alarm = alarms[0]!;
        return [
          {
            weight: 92,
            object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
            cause: `the consumer ${deployment ?? pod} sets no prefetch limit (${v.name}=0: basic.qos prefetch_count 0 means unlimited), so RabbitMQ delivers it every message of its queue at once and keeps each one in memory as unacknowledged until it is acked${unacked ? ` (${unacked['name'] ?? 'its queue'}: ${unacked['messages_unacknowledged']} unacknowledged)` : ''}; the broker's memory grows until its memory alarm blocks every publisher ("${clip(alarm.line, 140)}" in ${alarm.pod}'s log), so publishes hang and time out although the broker runs. A bigger broker only delays it`,
            evidence: [
              `describe_pod ${pod}: ${v.name}=0`,
              ...(unacked
                ? [
                    `queue listing: ${unacked['name'] ?? 'queue'} messages_unacknowledged ${unacked['messages_unacknowledged']}`,
                  ]
                : []),
              `get_pod_logs ${alarm.pod}: "${clip(alarm.line, 160)}"`,
            ],
            ...envFix(
              ns,
              deployment,
              c.name,
              [{ name: v.name, value: BOUND }],
              `set ${v.name} of ${deployment}/${c.name} to ${BOUND}, so the broker hands it at most ${BOUND} unacknowledged messages at a time`,
            ),
            advice: `bound the consumer's prefetch (${v.name}, basic.qos prefetch_count) to a small number such as ${BOUND}; once its unacknowledged messages are redelivered or acked the memory alarm clears and publishers are unblocked`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
