import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { eventGloss } from './event-glosses.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  bonus,
  clip,
  clipEnds,
  type Finding,
  outputs,
  pastPods,
  podListOf,
  section,
} from './types.js';

// Reasons that say something failed without saying what: used only when nothing more specific is seen.
const VAGUE = new Set(['BackOff', 'FailedSync', 'Failed']);
// A kubelet message that only says a wait timed out (the specific cause is another event's).
const TIMED_OUT = 'timed out waiting for the condition';

/** One Warning event as listed by `get_events` or under a pod's `Events:`. */
interface Warning {
  readonly reason: string;
  readonly object: string;
  readonly message: string;
}

/**
 * The last resort when no failure signature matched: something is unhealthy (a pod not Running and
 * Ready, a deployment short of replicas), and the Warning events about it say what Kubernetes itself
 * reported. The answer quotes them rather than saying "no root cause". Never used on a healthy
 * namespace: an old warning beside healthy workloads is not a fault.
 */
export const warningsAnalyzer: Analyzer = {
  name: 'warnings',
  reads: () => [],
  finds({ seen, ns, hints }) {
    const unhealthy = unhealthyNames(seen, ns);
    if (unhealthy.length === 0) return [];
    const warnings = warningsIn(seen, ns);
    if (warnings.length === 0) return [];
    const about = (w: Warning) => {
      const name = w.object.split('/').pop() ?? w.object;
      return unhealthy.some((u) => name === u || u.startsWith(`${name}-`) || name.startsWith(`${u}-`));
    };
    const score = (w: Warning) =>
      (about(w) ? 4 : 0) +
      (VAGUE.has(w.reason) ? 0 : 2) +
      (w.message.includes(TIMED_OUT) ? 0 : 1) +
      (bonus(w.object.split('/').pop() ?? '', hints) > 0 ? 1 : 0) +
      // A message whose meaning is documented says more than another of the same weight.
      (eventGloss(w.message) ? 1 : 0);
    const ranked = [...warnings].sort((a, b) => score(b) - score(a));
    const [top, next] = ranked;
    if (!top) return [];
    const also = next && next.message !== top.message && score(next) >= 4 ? next : undefined;
    // A message whose meaning Kubernetes documents says what to do; it outweighs a vague signature.
    const means = eventGloss(top.message) ?? logGloss(top.message);
    const finding: Finding = {
      weight: (means ? 50 : 30) + bonus(top.object.split('/').pop() ?? '', hints),
      object: top.object.replace('/', ' '),
      cause: `Kubernetes reports ${top.reason} for ${top.object}: "${clipEnds(top.message, 240)}"${
        means ? ` — ${means}` : ''
      }${
        also ? `; also ${also.reason} for ${also.object}: "${clipEnds(also.message, 200)}"` : ''
      } (unhealthy: ${unhealthy.slice(0, 4).join(', ')})`,
      evidence: [top, ...(also ? [also] : [])].map(
        (w) => `Warning ${w.reason} ${w.object}: "${clip(w.message, 160)}"`,
      ),
      advice: `fix what the ${top.reason} warning names, then check that ${unhealthy[0]} becomes Ready`,
    };
    return [finding];
  },
};

/** Pods not Running and Ready (Completed ones are finished, not failing) and deployments short of replicas. */
function unhealthyNames(seen: readonly SeenObservation[], ns: string): string[] {
  const names: string[] = [];
  const pods = podListOf(seen, ns);
  const rows = pods ? parseTable(pods.content) : [];
  // Records of the past (an evicted pod already replaced, a retried Job attempt) are not unhealthy now.
  const past = pastPods(rows);
  for (const r of rows) {
    if (past.has(r['NAME'] ?? '')) continue;
    const status = r['STATUS'] ?? '';
    const [ready, total] = (r['READY'] ?? '').split('/');
    if (/^(Completed|Succeeded)$/.test(status)) continue;
    if (status !== 'Running' || ready !== total) names.push(r['NAME'] ?? '');
  }
  const deps = outputs(seen, 'list_deployments', (o) => o.args['namespace'] === ns).pop();
  for (const r of deps ? parseTable(deps.content) : []) {
    const [ready, want] = (r['READY'] ?? '').split('/').map(Number);
    if (ready !== undefined && want !== undefined && ready < want) names.push(r['NAME'] ?? '');
  }
  // A controller that cannot create its pods (FailedCreate: an admission webhook, a quota, a policy
  // refuses them) has nothing to list, yet it is failing.
  for (const o of outputs(seen, 'get_events', (x) => x.args['namespace'] === ns)) {
    for (const r of parseTable(o.content)) {
      const m = /^(?:job|replicaset|statefulset|daemonset|cronjob)\/([a-z0-9.-]{1,253})$/i.exec(
        r['OBJECT'] ?? '',
      );
      if (r['TYPE'] === 'Warning' && r['REASON'] === 'FailedCreate' && m) names.push(m[1]!);
    }
  }
  return [...new Set(names.filter(Boolean))];
}

/** Warning events of the namespace's event list and of every pod description read in it. */
function warningsIn(seen: readonly SeenObservation[], ns: string): Warning[] {
  const out: Warning[] = [];
  for (const o of outputs(seen, 'get_events', (x) => x.args['namespace'] === ns)) {
    for (const r of parseTable(o.content)) {
      if (r['TYPE'] === 'Warning' && r['REASON'] && r['OBJECT'])
        out.push({ reason: r['REASON'], object: r['OBJECT'], message: r['MESSAGE'] ?? '' });
    }
  }
  for (const o of outputs(seen, 'describe_pod', (x) => x.args['namespace'] === ns)) {
    const pod = String(o.args['name'] ?? '');
    for (const line of section(o.content, 'Events').split('\n')) {
      const cols = line.trim().split(/\s{2,}/);
      if (cols[0] !== 'Warning' || cols.length < 5) continue;
      out.push({ reason: cols[1] ?? '', object: `pod/${pod}`, message: cols.slice(4).join('  ') });
    }
  }
  const key = (w: Warning) => `${w.reason}\u0000${w.object}\u0000${w.message}`;
  return [...new Map(out.map((w) => [key(w), w])).values()];
}
