import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, podDeployment } from './types.js';

// A database refusing a connection because its connection limit is used up: PostgreSQL's "sorry, too
// many clients already" and "remaining connection slots are reserved", MySQL's "Too many connections"
// (ER_CON_COUNT_ERROR, 1040).
export const EXHAUSTED_CONNECTIONS =
  /sorry, too many clients already|remaining connection slots are reserved|Too many connections|ER_CON_COUNT_ERROR|\b1040\b.{0,40}connections/i;
// The Deployment controller's event for a scale-up: "Scaled up replica set web-5d8c7b9f4d to 30 from 6".
const SCALED_UP = /^Scaled up replica set ([a-z0-9][a-z0-9-]{0,252}) to (\d{1,5}) from (\d{1,5})$/;

interface ScaleUp {
  readonly deployment: string;
  readonly from: number;
  readonly to: number;
  readonly message: string;
  readonly namespace: string;
}

/**
 * Connections used up by another workload's scale-out: each replica of a client keeps its own
 * connection pool, so a Deployment scaled from 6 to 30 replicas (its HPA at a batch's peak) adds 24
 * pools, and the database's connection limit (PostgreSQL's max_connections, 100 by default) is reached;
 * a workload that starts then (a rollout) cannot get a connection and crashes at start, though its own
 * configuration is fine. Found from the failing program's log and the largest scale-up event among the
 * namespaces read; the same pools per replica is what the advice changes (a smaller pool, a pooler
 * such as PgBouncer, a cap on the replicas, or a higher limit).
 */
export const connectionLimitScaleoutAnalyzer: Analyzer = {
  name: 'connection-limit-scaleout',
  reads() {
    return [];
  },
  finds({ ns, seen }) {
    const failing = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
      .map((o) => ({
        pod: String(o.args['name']),
        line: o.content
          .slice(-200_000)
          .split('\n')
          .find((l) => l.length <= 2000 && EXHAUSTED_CONNECTIONS.test(l)),
      }))
      .find((x) => x.line);
    if (!failing?.line) return [];
    const ups: ScaleUp[] = [];
    for (const e of outputs(seen, 'get_events')) {
      for (const r of parseTable(e.content)) {
        const m = SCALED_UP.exec((r['MESSAGE'] ?? '').trim());
        if (!m || r['REASON'] !== 'ScalingReplicaSet') continue;
        const deployment = (r['OBJECT'] ?? '').replace(/^deployment\//, '');
        ups.push({
          deployment,
          from: Number(m[3]),
          to: Number(m[2]),
          message: r['MESSAGE']!.trim(),
          namespace: String(e.args['namespace'] ?? ns),
        });
      }
    }
    const own = podDeployment(failing.pod);
    const top = ups
      .filter((u) => u.deployment !== own && u.to - u.from >= 3)
      .sort((a, b) => b.to - b.from - (a.to - a.from))[0];
    if (!top) return [];
    const out: Finding = {
      weight: 92,
      object: own ? `deployment ${own} (pod ${failing.pod})` : `pod ${failing.pod}`,
      cause: `the database's connection limit is used up: ${failing.pod} cannot get a connection ("${clip(failing.line.trim(), 160)}") because ${top.deployment}${top.namespace !== ns ? ` in ${top.namespace}` : ''} was scaled out from ${top.from} to ${top.to} replicas ("${top.message}"), and each replica keeps its own connection pool, so ${top.to - top.from} more pools hold connections up to max_connections; ${own ?? failing.pod} is not at fault (its configuration and credentials are fine): it started when no connection slot was left`,
      evidence: [
        `get_pod_logs ${failing.pod}: "${clip(failing.line.trim(), 160)}"`,
        `get_events: ${top.message}`,
      ],
      advice: `make the pools fit the limit: lower the per-replica pool of ${top.deployment}, cap its replicas (its HPA's maxReplicas) or put a pooler such as PgBouncer in front; or raise max_connections if the database has room`,
      revisionSound: true,
    };
    return [out];
  },
};
