import { describedConditions } from './described-conditions.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  cronRunOf,
  type Finding,
  outputs,
  ownerName,
  podsOf,
  type Read,
} from './types.js';

/**
 * A log line naming who holds a lock the program waits for: Liquibase's "Waiting for changelog lock....
 * Currently locked by <host> (<ip>) since …" (its LockService), and the generic "lock held by <name>",
 * "locked by <name>". The holder is a host name as the lock records it; in a pod that is the pod's name.
 */
const LOCKED_BY =
  /\b(?:locked|lock (?:is )?(?:held|owned|taken)) by:? ['"]?([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)\b/i;
/** A command the program's own log gives for releasing its locks, in backquotes ("`… release-locks`"). */
const RELEASE_COMMAND = /`([^`\n]{0,200}(?:release|unlock)[^`\n]{0,100})`/i;
/**
 * restic's own words for a lock another process holds: "repository is already locked exclusively by PID 13
 * on <host> by <user> (UID 0, GID 0)" (restic's lock.go); the host is the pod's name in a pod.
 */
const LOCKED_BY_PID =
  /\blocked (?:exclusively )?by PID \d{1,10} on ([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)\b/i;

interface Held {
  /** The pod whose log waits for the lock, and the line that names the holder. */
  readonly pod: string;
  readonly line: string;
  readonly holder: string;
  readonly release: string | undefined;
}

/** The first line of the namespace's logs (current or previous) that names a lock's holder, with its pod. */
function heldBy(ctx: AnalyzerContext): Held | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const lines = o.content.slice(-200_000).split('\n');
    for (const line of lines) {
      if (line.length > 4000) continue;
      const m = LOCKED_BY_PID.exec(line) ?? LOCKED_BY.exec(line);
      if (!m) continue;
      const holder = m[1]!.toLowerCase();
      const pod = String(o.args['name'] ?? '');
      // A pod that names itself holds the lock it waits for: not another process's.
      if (holder === pod) continue;
      const release = lines
        .map((l) => (l.length <= 4000 ? RELEASE_COMMAND.exec(l)?.[1] : undefined))
        .find(Boolean);
      return { pod, line: line.trim(), holder, release };
    }
  }
  return undefined;
}

/** What became of a Job whose pod held the lock, from its latest description: its `Failed` condition's reason. */
function jobFailed(ctx: AnalyzerContext, job: string): string | undefined {
  const d = outputs(
    ctx.seen,
    'describe_resource',
    (o) => o.args['kind'] === 'Job' && o.args['name'] === job && (o.args['namespace'] ?? ctx.ns) === ctx.ns,
  ).pop()?.content;
  const failed = d
    ? describedConditions(d).find((c) => c.type === 'Failed' && c.status === 'True')
    : undefined;
  return failed ? failed.reason || 'Failed' : undefined;
}

/**
 * A lock left behind by a process that no longer runs. A program that guards a one-time step with a
 * lock in its database (Liquibase's DATABASECHANGELOGLOCK for schema migrations, a leader row, a job
 * lock) waits, or gives up, while another holds it, and its log names the holder. When the holder is
 * a pod of the namespace that has ended (Completed, Error, killed) or is gone from the pod list while
 * a pod of its workload or its Job is known, nothing will release the lock: the process that took it
 * was stopped mid-run (a Job's activeDeadlineSeconds, an OOM kill, a deleted pod) and the lock stays
 * held. Found from that line, the namespace's pod list and, for a Job's pod, the Job's description
 * (its Failed reason). The fix is to release the lock (the program's own command, which its log may
 * name) and restart the waiting program; restarting it alone changes nothing.
 */
export const staleLockAnalyzer: Analyzer = {
  name: 'stale-lock',
  reads(ctx): Read[] {
    const held = heldBy(ctx);
    if (!held) return [];
    const listed = podsOf(ctx.seen, ctx.ns);
    if ('read' in listed) return [listed.read];
    const owner = ownerName(held.holder);
    if (owner === held.holder) return [];
    // The holder's Job, when the holder is a Job's pod: what ended it.
    const described = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'Job' && o.args['name'] === owner,
    );
    const isJob = outputs(ctx.seen, 'list_resources', (o) => o.args['kind'] === 'Job').some((o) =>
      o.content.split('\n').some((l) => l.split(/\s+/)[0] === owner),
    );
    return isJob && described.length === 0
      ? [{ tool: 'describe_resource', args: { kind: 'Job', name: owner, namespace: ctx.ns } }]
      : [];
  },
  finds(ctx): Finding[] {
    const held = heldBy(ctx);
    if (!held) return [];
    const listed = podsOf(ctx.seen, ctx.ns);
    if ('read' in listed) return [];
    const owner = ownerName(held.holder);
    const row = listed.rows.find((r) => r['NAME'] === held.holder);
    // A holder still running, starting or shutting down (Terminating: it removes its lock on the way) has
    // not ended.
    if (
      /^(?:Running|Terminating|Pending|ContainerCreating|PodInitializing|Init:)/.test(row?.['STATUS'] ?? '')
    )
      return [];
    const failed = owner !== held.holder ? jobFailed(ctx, owner) : undefined;
    // Gone from the list: only a name with a pod's generated suffix whose workload or Job is known
    // (a host outside the cluster is not a pod that ended).
    // A CronJob run's pod (`<cronjob>-<minute>-<5>`) whose CronJob was read, its Job gone from the list.
    const run = cronRunOf(held.holder);
    const cronKnown =
      run !== undefined &&
      outputs(
        ctx.seen,
        'describe_resource',
        (o) =>
          o.args['kind'] === 'CronJob' &&
          o.args['name'] === run.cronJob &&
          (o.args['namespace'] ?? ctx.ns) === ctx.ns,
      ).length > 0;
    const known =
      failed !== undefined ||
      cronKnown ||
      listed.rows.some((r) => r['NAME'] !== held.holder && ownerName(r['NAME'] ?? '') === owner);
    if (!row && (owner === held.holder || !known)) return [];
    const state = row ? `has ended (${row['STATUS']})` : 'no longer exists';
    const why = failed
      ? `; its Job ${owner} was stopped (${failed}${failed === 'DeadlineExceeded' ? ': it ran past its activeDeadlineSeconds' : ''}) while it held the lock`
      : '';
    const mine = ownerName(held.pod);
    return [
      {
        // Above the ended Job's own finding (its DeadlineExceeded, an OOM kill): that is how the lock was
        // left, and the lock is what keeps the waiting program down.
        weight: 97,
        object: `the lock left behind by ${held.holder}${failed ? ` (job ${owner})` : ''}`,
        cause: `${mine} waits for a lock that ${held.holder} took and never released: "${clip(held.line, 200)}" (pod ${held.pod}). ${held.holder} ${state}${why}, so the lock is stale: the process that held it was killed mid-run, and nothing will release it on its own`,
        evidence: [
          `get_pod_logs ${held.pod}: "${clip(held.line, 150)}"`,
          row ? `list_pods: ${held.holder} ${row['STATUS']}` : `list_pods: no pod ${held.holder}`,
          ...(failed ? [`describe_resource Job ${owner}: Failed ${failed}`] : []),
        ],
        advice: `release the stale lock${held.release ? ` (the program's own command: \`${clip(held.release, 120)}\`)` : ''}, then restart ${mine}; restarting ${mine} alone changes nothing while the lock is held${failed === 'DeadlineExceeded' ? `, and give ${owner} a deadline long enough for the step it runs before running it again` : ''}`,
        revisionSound: true,
      },
    ];
  },
};
