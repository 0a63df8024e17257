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

/** The Kafka client's and the group coordinator's words for a member dropped for a late poll(). */
const POLL_EXPIRED = /consumer poll timeout has expired/i;
/** The consumer group the coordinator names (`rebalance group callgraph-builder`, `groupId=callgraph-builder`). */
const GROUP = /(?:\bgroup |groupId=)([A-Za-z0-9._-]{1,200})/;
/** A variable holding max.poll.interval.ms, as images map client settings to the environment. */
const INTERVAL_VAR = /MAX_POLL_INTERVAL(?:_MS)?$/;
/** How long one record took, as a worker logs it (`done in 1012s`, `processed in 95000 ms`, `took 17m`). */
const TOOK =
  /\b(?:done|finished|completed|processed|handled|took)\b[^\n]{0,60}?\b(\d{1,7}(?:\.\d{1,3})?) ?(ms|s|sec|secs|seconds|m|min|mins|minutes)\b/i;

/** Milliseconds of a logged duration. */
function millis(n: string, unit: string): number {
  const u = unit.toLowerCase();
  const factor = u === 'ms' ? 1 : u.startsWith('m') ? 60_000 : 1000;
  return Number(n) * factor;
}

/** The consumer groups dropped for a late poll() in the namespace's logs. */
function droppedGroups(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Set<string> {
  const out = new Set<string>();
  for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns))
    for (const l of boundedLogLines(o.content, 1000))
      if (POLL_EXPIRED.test(l)) {
        const g = GROUP.exec(l)?.[1];
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
      if (!deployment || !groups.has(deployment)) continue;
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
          if (!m) continue;
          const ms = millis(m[1]!, m[2]!);
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
