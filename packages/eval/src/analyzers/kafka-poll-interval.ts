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

/**
 * The words for a member dropped for a late poll(): the Java client's and the group coordinator's ("consumer
 * poll timeout has expired"), librdkafka's (confluent-kafka for Python, Go, .NET: "Application maximum poll
 * interval (300000ms) exceeded by 112ms").
 */
const POLL_EXPIRED =
  /consumer poll timeout has expired|Application maximum poll interval \(\d{1,10}ms\) exceeded/i;
/** The consumer group the coordinator names (`rebalance group callgraph-builder`, `groupId=callgraph-builder`). */
const GROUP = /(?:\bgroup |groupId=)([A-Za-z0-9._-]{1,200})/;
/** A variable holding max.poll.interval.ms, as images map client settings to the environment. */
const INTERVAL_VAR = /MAX_POLL_INTERVAL(?:_MS)?$/;
/**
 * How long one record took, as a worker logs it: after a word that says so, a Go duration (`6m12.5s`, `1h2m`,
 * `412.8s`) or a number and a unit (`412 s`, `95000 ms`, `17 minutes`).
 */
const TOOK =
  /\b(?:done|finished|completed|processed|handled|took)\b[^\n]{0,60}?\b((?:\d{1,7}(?:\.\d{1,3})?(?:ms|h|m|s)){1,4}\b|\d{1,7}(?:\.\d{1,3})? ?(?:ms|s|sec|secs|seconds|m|min|mins|minutes|h|hours?)\b)/i;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a logged duration (`6m12.5s`, `412 s`, `95000 ms`, `17 minutes`), or undefined. */
export function durationMillis(text: string): number | undefined {
  const t = text.toLowerCase().replace(/\s+/g, '');
  const spelled = /^(\d{1,7}(?:\.\d{1,3})?)(sec|secs|seconds|min|mins|minutes|hour|hours)$/.exec(t);
  if (spelled)
    return (
      Number(spelled[1]) *
      (spelled[2]!.startsWith('s') ? 1000 : spelled[2]!.startsWith('m') ? 60_000 : 3_600_000)
    );
  const parts = [...t.matchAll(/(\d{1,7}(?:\.\d{1,3})?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== t) return undefined;
  return parts.reduce((sum, m) => sum + Number(m[1]) * UNIT_MS[m[2]!]!, 0);
}

/** The consumer groups dropped for a late poll() in the namespace's logs. */
function droppedGroups(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Set<string> {
  const out = new Set<string>();
  for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns))
    for (const l of boundedLogLines(o.content, 1000))
      if (POLL_EXPIRED.test(l)) {
        // The group the line names, else the pod's own workload (librdkafka's line names none).
        const g = GROUP.exec(l)?.[1] ?? podDeployment(String(o.args['name'] ?? ''));
        if (g) out.add(g);
      }
  return out;
}

/**
 * A Kafka consumer dropped from its group because one record takes longer to process than its
 * `max.poll.interval.ms` (300000, five minutes, by default): the client misses its next poll(), leaves the
 * group ("consumer poll timeout has expired"), cannot commit what it finished (CommitFailedException), rejoins
 * and gets the same record again, so lag grows while the pods run (Apache Kafka, consumer configs:
 * max.poll.interval.ms). Found from the drop in the namespace's logs, the consumer's own log of how long a
 * record took, and the variable that sets the interval in its Deployment; the fix sets that variable to twice
 * the longest record's time, in whole minutes.
 */
export const kafkaPollIntervalAnalyzer: Analyzer = {
  name: 'kafka-poll-interval',
  reads({ ns, seen }): Read[] {
    const groups = droppedGroups(seen, ns);
    if (groups.size === 0) return [];
    const pods = podsOf(seen, ns);
    if ('read' in pods) return [pods.read];
    const reads: Read[] = [];
    for (const r of pods.rows) {
      const name = r['NAME'] ?? '';
      const d = podDeployment(name);
      if (!d || !groups.has(d) || r['STATUS'] !== 'Running') continue;
      reads.push({ tool: 'describe_pod', args: { namespace: ns, name } });
      reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name } });
      break;
    }
    return reads;
  },
  finds({ ns, seen }): Finding[] {
    const groups = droppedGroups(seen, ns);
    if (groups.size === 0) return [];
    for (const d of outputs(seen, 'describe_pod', (o) => (o.args['namespace'] ?? ns) === ns)) {
      const pod = String(d.args['name'] ?? '');
      const deployment = podDeployment(pod);
      // The consumer: named as the dropped group, or dropped in its own log (a group id of another spelling).
      const ownDrop = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod).some((o) =>
        boundedLogLines(o.content, 1000).some((l) => POLL_EXPIRED.test(l)),
      );
      if (!deployment || (!groups.has(deployment) && !ownDrop)) continue;
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        const v = envOf(c.body).find((e) => INTERVAL_VAR.test(e.name) && /^\d{1,10}$/.test(e.value));
        if (!v) continue;
        const interval = Number(v.value);
        const lines = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod).flatMap((o) =>
          boundedLogLines(o.content, 1000),
        );
        let longest: { ms: number; line: string } | undefined;
        for (const l of lines) {
          const m = TOOK.exec(l);
          const ms = m ? durationMillis(m[1]!) : undefined;
          if (ms === undefined) continue;
          if (!longest || ms > longest.ms) longest = { ms, line: l.trim() };
        }
        if (!longest || longest.ms <= interval) continue;
        const value = String(Math.ceil((longest.ms * 2) / 60_000) * 60_000);
        const dropped = lines.find((l) => POLL_EXPIRED.test(l));
        return [
          {
            weight: 91,
            object: `deployment ${deployment} (pod ${pod})`,
            cause: `the Kafka consumer ${deployment} takes longer to process one record than its max.poll.interval.ms (${v.name}=${interval}, ${Math.round(interval / 60_000)} min): its log says "${clip(longest.line, 140)}", so it misses its next poll(), is removed from group ${deployment} ("consumer poll timeout has expired"), cannot commit the record it finished, rejoins and gets the same record again: the same work is redone and the lag grows while the pods run. More replicas would not help; each would be dropped the same way`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(longest.line, 160)}"`,
              ...(dropped ? [`get_pod_logs ${pod}: "${clip(dropped.trim(), 160)}"`] : []),
              `describe_pod ${pod}: ${v.name}=${v.value}`,
            ],
            ...envFix(
              ns,
              deployment,
              c.name,
              [{ name: v.name, value }],
              `set ${v.name} of ${deployment}/${c.name} to ${value} (${Number(value) / 60_000} min, twice the longest record's time), so a slow record no longer drops the consumer from its group`,
            ),
            advice: `raise max.poll.interval.ms above the slowest record's processing time (${v.name}), or process records off the poll thread; keep max.poll.records small`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
