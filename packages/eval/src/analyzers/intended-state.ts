import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, clip, flat, outputs, type Read } from './types.js';

/** Words an annotation uses for a workload held where it is on purpose (a window, a freeze, a plan). */
const ON_PURPOSE = ['maintenance', 'freeze', 'window', 'planned', 'on purpose', 'intentional', 'paused by'];

/** The `Annotations:` values of a `kubectl describe` text that say why (not kubernetes.io's own), at most three. */
function ownAnnotations(describe: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of describe.split('\n').slice(0, 60)) {
    if (line.startsWith('Annotations:')) inside = true;
    else if (inside && !/^\s{8,}\S/.test(line)) break;
    if (!inside) continue;
    const entry = line.replace(/^Annotations:/, '').trim();
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (/(^|\.)kubernetes\.io\//.test(key) || key.startsWith('kubectl.')) continue;
    out.push(clip(entry, 140));
    if (out.length >= 3) break;
  }
  return out;
}

/** Whether an annotation says the workload is held on purpose. */
const saysOnPurpose = (entries: readonly string[]) =>
  entries.some((e) => ON_PURPOSE.some((w) => e.toLowerCase().includes(w)));

/**
 * A paused Deployment (`kubectl rollout pause`, `spec.paused: true`): its Progressing condition is
 * Unknown with reason DeploymentPaused, a changed template makes no new ReplicaSet, and its pods keep
 * the revision they run until the rollout is resumed. As Kubernetes documents "Pausing and Resuming a
 * rollout of a Deployment".
 */
function pausedNotes(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of outputs(ctx.seen, 'describe_deployment')) {
    if (!/Progressing\s+Unknown\s+DeploymentPaused/.test(o.content)) continue;
    const name = String(o.args['name'] ?? '');
    const image = /^\s+Image:\s+(\S{1,200})/m.exec(o.content)?.[1];
    const current = o.content.split('\n').find((l) => l.includes(' (current) '));
    const running = current?.trim().split(/\s+/).pop()?.split('=')[1];
    const why = ownAnnotations(o.content);
    out.push(
      `Deployment ${name} is paused (spec.paused: true, set with kubectl rollout pause; its Progressing condition is Unknown, DeploymentPaused): ${
        image ? `its template now asks for ${image}, but ` : ''
      }a paused Deployment starts no rollout, so no new ReplicaSet is created and the pods keep running the current revision${
        running ? ` (${running})` : ''
      } until someone runs kubectl rollout resume deployment/${name}. Nothing is failing: the deploy was accepted and waits behind the pause${
        why.length ? ` (${why.join('; ')})` : ''
      }.${saysOnPurpose(why) ? ' The pause is intended, so nothing needs fixing now: resume it when the freeze or window ends (the new version then rolls out).' : ' If the pause was not meant, resume it.'}`,
    );
  }
  return out;
}

/** A Deployment held at zero replicas on purpose, as its own annotations say. */
function heldAtZeroNotes(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of outputs(ctx.seen, 'describe_deployment')) {
    if (!/^Replicas:\s+0 desired\b/m.test(o.content)) continue;
    const why = ownAnnotations(o.content);
    if (!saysOnPurpose(why)) continue;
    const name = String(o.args['name'] ?? '');
    out.push(
      `Deployment ${name} is scaled to 0 replicas on purpose: its annotations say so (${why.join('; ')}). Its Service has no endpoints because there are no pods, not because they were evicted or crashed. Do not scale it back up while the window lasts; leave it at 0 and scale it up (or revert the change that set 0) when the window ends, as planned.`,
    );
  }
  return out;
}

/**
 * A StatefulSet with OrderedReady pod management (the default) starts its pods one at a time, each
 * only once the one before is Running and Ready, so after a restart of every pod the set is back only
 * after each pod's warm-up in turn; readiness failures while each warms up are expected.
 */
function orderedStartNotes(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of outputs(ctx.seen, 'describe_resource', (x) =>
    /^statefulsets?$/i.test(String(x.args['kind'])),
  )) {
    const policy = flat(o.content, 'podManagementPolicy') ?? 'OrderedReady';
    const ready = Number(flat(o.content, 'readyReplicas') ?? NaN);
    const replicas = Number(flat(o.content, 'replicas') ?? NaN);
    if (policy !== 'OrderedReady' || !(replicas > 1) || ready !== replicas) continue;
    const created = o.content
      .split('\n')
      .filter((l) => /SuccessfulCreate\s+\S+\s+statefulset-controller\s+create Pod /.test(l))
      .map((l) => /\s(\d+[smhd]\S*)\s+statefulset-controller/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined);
    const name = String(o.args['name'] ?? '');
    out.push(
      `StatefulSet ${name} uses podManagementPolicy OrderedReady (the default): after its pods were restarted it creates them one at a time, in order (${name}-0 first), and starts the next only once the one before is Running and Ready, so the set comes back only after each pod's warm-up in turn${
        created.length > 1 ? ` (its pods were created ${created.reverse().join(', ')} ago)` : ''
      }. Readiness probe failures while each pod loads are expected; all ${replicas} are Ready now, so this was normal, working as designed, and nothing needs to change (podManagementPolicy: Parallel would start them together, if the application allows it).`,
    );
  }
  return out;
}

/**
 * A failed attempt of a Job run that a later attempt completed, whose description was not read: why
 * it failed (preempted, evicted) is in its status. At most one.
 */
function failedUnread(ctx: AnalyzerContext): string[] {
  const read = new Set(outputs(ctx.seen, 'describe_pod').map((o) => String(o.args['name'] ?? '')));
  const rows = outputs(
    ctx.seen,
    'list_pods',
    (x) => x.args['namespace'] === ctx.ns && !x.args['labelSelector'],
  ).flatMap((o) => parseTable(o.content));
  // A Job's pods are `<job>-<5 characters>`: the run is the name without that suffix.
  const run = (name: string) => name.replace(/-[a-z0-9]{5}$/, '');
  const completed = new Set(rows.filter((r) => r['STATUS'] === 'Completed').map((r) => run(r['NAME'] ?? '')));
  const out: string[] = [];
  for (const r of rows) {
    const name = r['NAME'] ?? '';
    if (/^(Error|Failed|Preempted)$/.test(r['STATUS'] ?? '') && completed.has(run(name)) && !read.has(name))
      out.push(name);
  }
  return [...new Set(out)].slice(0, 1);
}

/**
 * A pod the scheduler preempted (status reason Preempted): a pod of a higher priority class needed
 * its node, so it was stopped (SIGTERM, exit 143). Its controller makes a replacement; that is
 * scheduling working as designed, not a node fault. Kubernetes' "Pod Priority and Preemption".
 */
function preemptedNotes(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of outputs(ctx.seen, 'describe_pod')) {
    if (!/^Reason:\s+Preempted\s*$/m.test(o.content)) continue;
    const message = /^Message:\s+(.{1,300})$/m.exec(o.content)?.[1];
    out.push(
      `${o.args['name']} was preempted: the scheduler stopped it to make room for a pod of a higher priority class on its node${
        message ? ` ("${clip(message, 200)}")` : ''
      }. Its exit code 143 is that SIGTERM, not a crash, and the node was not broken. Preemption is priority working as designed; the controller's next attempt ran, so no rerun is needed and nothing needs to be cordoned. If this workload must not be preempted, give it a higher PriorityClass.`,
    );
  }
  return out;
}

/**
 * States people read as faults that the workload's own spec or annotations say are intended: a paused
 * rollout, a Deployment held at zero for a window, a StatefulSet's ordered start, a preempted pod.
 */
export const intendedStateAnalyzer: Analyzer = {
  name: 'intended-state',
  reads(ctx): Read[] {
    return failedUnread(ctx).map((name) => ({ tool: 'describe_pod', args: { namespace: ctx.ns, name } }));
  },
  finds: () => [],
  notes(ctx) {
    return [...pausedNotes(ctx), ...heldAtZeroNotes(ctx), ...orderedStartNotes(ctx), ...preemptedNotes(ctx)];
  },
};
