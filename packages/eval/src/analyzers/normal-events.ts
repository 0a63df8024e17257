import { parseTable } from '../k8s-text.js';
import type { AnalyzerContext } from './types.js';
import { bonus, clip, flat, outputs } from './types.js';

// The reasons every healthy rollout or pod start records; they explain nothing on their own.
// Names as the kubelet, scheduler and controllers write them (kubectl get events).
const ROUTINE = new Set([
  'Scheduled',
  'Pulling',
  'Pulled',
  'Created',
  'Started',
  'Killing',
  'SuccessfulCreate',
  'SuccessfulDelete',
  'ScalingReplicaSet',
  'SuccessfulAttachVolume',
  'RegisteredNode',
  'Starting',
  'NodeReady',
  'LeaderElection',
  'SandboxChanged',
]);

/**
 * What a healthy namespace's recent Normal events say happened, for an answer that finds no fault:
 * a controller that evicted or replaced pods on purpose, a canary that advances, a Job that
 * completed. At most three, the task's objects first, routine reasons left out, each reason once
 * per kind of object.
 */
export function explainingEvents({ seen, ns, hints }: AnalyzerContext): string[] {
  const rows = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns).flatMap((o) =>
    parseTable(o.content),
  );
  const picked = new Map<string, Readonly<Record<string, string>>>();
  const normal = rows.filter((r) => r['TYPE'] === 'Normal' && r['REASON'] && !ROUTINE.has(r['REASON']));
  const named = (r: Readonly<Record<string, string>>) =>
    bonus((r['OBJECT'] ?? '').split('/').pop() ?? '', hints);
  for (const r of [...normal].sort((a, b) => named(b) - named(a))) {
    // One event per kind, reason and message: a reason's distinct messages (cert-manager's "Renewing
    // certificate as renewal was scheduled" and "successfully issued") each say something.
    const message = (r['MESSAGE'] ?? '').replace(/\d+/g, '#');
    const key = `${(r['OBJECT'] ?? '').split('/')[0]}\u0000${r['REASON']}\u0000${message}`;
    if (!picked.has(key)) picked.set(key, r);
    if (picked.size >= 3) break;
  }
  if (picked.size === 0) return [];
  return [
    `What Kubernetes recorded explains it (Normal events, not failures): ${[...picked.values()]
      .map(
        (r) =>
          `${r['REASON']} on ${r['OBJECT']} ${r['LAST SEEN'] ? `${r['LAST SEEN']} ago` : ''}: "${clip(r['MESSAGE'] ?? '', 140)}"`,
      )
      .join('; ')}.`,
  ];
}

/**
 * A CronJob's or Job's finished runs that are gone on purpose: `ttlSecondsAfterFinished` makes the
 * TTL-after-finished controller delete a finished Job, and its pods, that many seconds after it
 * finishes, and a CronJob's `status.lastSuccessfulTime` still records the run.
 * https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
 */
export function finishedRunsRemoved({ seen }: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of outputs(seen, 'describe_resource', (x) =>
    /^(cronjob|job)s?$/i.test(String(x.args['kind'])),
  )) {
    const kind = String(o.args['kind']);
    const ttl =
      flat(o.content, 'jobTemplate.spec.ttlSecondsAfterFinished') ??
      flat(o.content, 'ttlSecondsAfterFinished');
    if (ttl === undefined || !/^\d{1,9}$/.test(ttl)) continue;
    const success = flat(o.content, 'lastSuccessfulTime') ?? flat(o.content, 'completionTime');
    out.push(
      `${kind} ${String(o.args['name'])} sets ttlSecondsAfterFinished ${ttl}: each finished Job, with its pods, is deleted ${ttl} s after it finishes, so no Job or pod is left to list${
        success
          ? `; the last run succeeded at ${success} (status ${/lastSuccessfulTime/.test(o.content) ? 'lastSuccessfulTime' : 'completionTime'})`
          : ''
      }.`,
    );
  }
  return out;
}
