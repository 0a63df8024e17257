import { ageSeconds, escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { clip, outputs } from './types.js';

// The Deployment controller's ScalingReplicaSet messages, old and new word order (kubernetes
// pkg/controller/deployment/sync.go): "Scaled up replica set web-5d8c7b9f4d to 30 from 6",
// "Scaled down replica set web-5d8c7b9f4d from 3 to 0", "Scaled up replica set web-5d8c7b9f4d to 3".
const SCALED =
  /^Scaled (up|down) replica set ([a-z0-9][a-z0-9.-]{0,252}?)(?: to (\d{1,6})(?: from (\d{1,6}))?| from (\d{1,6}) to (\d{1,6}))$/;

/** Changes older than this are history, not what preceded an incident being asked about now. */
const RECENT_SECONDS = 6 * 3600;
/** At most this many changes are listed. */
const MAX_CHANGES = 3;

interface ScaleChange {
  readonly deployment: string;
  readonly namespace: string;
  readonly direction: 'up' | 'down';
  readonly to: number;
  readonly from: number | undefined;
  readonly ago: number;
  readonly seen: string;
  readonly message: string;
}

/**
 * Deployments scaled shortly before the incident, other than by a rollout, from the ScalingReplicaSet
 * events of every namespace read: the "what changed?" an engineer asks next to a root cause, since a
 * workload scaled to zero (the consumers of a queue) or scaled out (more connection pools, more load on
 * a shared dependency) is often why the failing one fails. A Deployment whose events name two or more
 * ReplicaSets rolled out (one scaled up, the old one down), which the rollout history reports instead.
 * Deployments the root cause already names (`told`) are left out. Events older than six hours are left
 * out. Returns at most one line, listing at most three changes, scale-downs to zero first and then the
 * largest steps: `Scaled shortly before (check against the incident): deployment trace-worker in
 * telemetry down from 4 to 0 replicas 14m ago; ….`
 */
export function scaleChanges(seen: Parameters<typeof outputs>[0], told: string): string[] {
  const changes: ScaleChange[] = [];
  const replicaSets = new Map<string, Set<string>>();
  for (const e of outputs(seen, 'get_events')) {
    const namespace = String(e.args['namespace'] ?? '');
    for (const r of parseTable(e.content)) {
      if (r['REASON'] !== 'ScalingReplicaSet') continue;
      const message = (r['MESSAGE'] ?? '').trim();
      const m = SCALED.exec(message);
      const deployment = (r['OBJECT'] ?? '').replace(/^deployment\//i, '');
      if (!m || !deployment || deployment === r['OBJECT']) continue;
      const id = `${namespace}/${deployment}`;
      const sets = replicaSets.get(id) ?? new Set<string>();
      sets.add(m[2]!);
      replicaSets.set(id, sets);
      const seenAs = (r['LAST SEEN'] ?? '').replace(/\s*\(x\d{1,9}(?: over \w{1,20})?\)$/, '').trim();
      const ago = ageSeconds(seenAs);
      if (ago === undefined || ago > RECENT_SECONDS) continue;
      const to = Number(m[3] ?? m[6]);
      const fromText = m[4] ?? m[5];
      changes.push({
        deployment,
        namespace,
        direction: m[1] as 'up' | 'down',
        to,
        from: fromText === undefined ? undefined : Number(fromText),
        ago,
        seen: seenAs,
        message,
      });
    }
  }
  const picked = new Map<string, ScaleChange>();
  for (const c of changes) {
    const id = `${c.namespace}/${c.deployment}`;
    if ((replicaSets.get(id)?.size ?? 0) > 1) continue;
    if (new RegExp(`(?<![a-z0-9-])${escapeRe(c.deployment)}(?![a-z0-9-])`).test(told)) continue;
    const had = picked.get(id);
    if (!had || c.ago < had.ago) picked.set(id, c);
  }
  const step = (c: ScaleChange) => Math.abs(c.to - (c.from ?? c.to));
  const listed = [...picked.values()]
    .sort(
      (a, b) =>
        Number(b.to === 0 && b.direction === 'down') - Number(a.to === 0 && a.direction === 'down') ||
        step(b) - step(a) ||
        a.ago - b.ago,
    )
    .slice(0, MAX_CHANGES);
  if (listed.length === 0) return [];
  return [
    `Scaled shortly before (check against the incident): ${listed
      .map(
        (c) =>
          `deployment ${c.deployment}${c.namespace ? ` in ${c.namespace}` : ''} ${c.direction}${c.from !== undefined ? ` from ${c.from}` : ''} to ${c.to} replica${c.to === 1 ? '' : 's'} ${c.seen} ago ("${clip(c.message, 100)}")`,
      )
      .join('; ')}.`,
  ];
}
