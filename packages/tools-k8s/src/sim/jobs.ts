import type { KubeObject } from '../cluster.js';
import { nextFire, parseCron } from '../cron.js';
import type { Condition, Pod, PodTemplate } from '../types.js';
import type { Controller, ControllerBase } from './controller-host.js';
import type { Stored } from './object-store.js';

/**
 * What the Job and CronJob controllers need from the simulated cluster. Times are logical seconds
 * relative to the world's start (negative: before it); a controller may act at a past instant when
 * the clock jumped past it (or while the world is being brought up), and says so with `at`.
 */
export interface ControllerHost extends ControllerBase {
  /** Live objects (not copies) of one kind and namespace. */
  list(kind: string, namespace: string): KubeObject[];
  /** Live objects of one kind that the owner owns, oldest first. */
  ownedBy<K extends string>(kind: K, owner: KubeObject): Stored<K>[];
  /**
   * Creates a pod from a template for an owner at `at` (named `name`, else `<owner>-<five characters>`);
   * the API server's reason it was refused (a quota, a name taken) otherwise.
   */
  createPod(owner: KubeObject, template: PodTemplate, at: number, name?: string): Pod | string;
  /** Stores a new object (a Job), created at `at`. */
  createObject(obj: KubeObject, at: number): KubeObject;
  /** ResourceQuota admission of a new PersistentVolumeClaim: the API server's reason it is refused, or undefined. */
  claimRefusal(claim: KubeObject): string | undefined;
  remove(kind: string, namespace: string, name: string): void;
}

interface JobSpec {
  completions?: number | null;
  parallelism?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  suspend?: boolean;
  selector?: { matchLabels?: Record<string, string> };
  template?: PodTemplate;
}

interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  conditions?: Condition[];
  uncountedTerminatedPods?: Record<string, never>;
}

/** Most pods one Job may create in the simulated cluster (bounded work for any world). */
export const MAX_JOB_PODS = 100;

/** The Job controller's back-off before replacing a failed pod: 10 s, doubling, capped at six minutes. */
export function jobBackoffSeconds(failures: number): number {
  return Math.min(10 * 2 ** Math.max(0, failures - 1), 360);
}

const finishedAt = (pod: Pod, host: ControllerHost): number | undefined => {
  let last: number | undefined;
  for (const c of pod.status?.containerStatuses ?? []) {
    const t = host.seconds(c.state?.terminated?.finishedAt);
    if (t !== undefined && (last === undefined || t > last)) last = t;
  }
  return last;
};

const hasCondition = (status: JobStatus | undefined, type: string) =>
  status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

/** Whether a Job has finished: a Complete or Failed condition. */
export function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const status = job.status as JobStatus | undefined;
  return hasCondition(status, 'Complete')
    ? 'Complete'
    : hasCondition(status, 'Failed')
      ? 'Failed'
      : undefined;
}

/**
 * Reconciles one Job as the Job controller does: pods from its template (restartPolicy Never: a new pod
 * per attempt; OnFailure: restarts in place count as failures), `parallelism` at a time until
 * `completions` succeeded, a back-off between failed attempts, Failed with BackoffLimitExceeded once
 * more than `backoffLimit` attempts failed (or DeadlineExceeded past `activeDeadlineSeconds`), Complete
 * once enough succeeded. Returns whether it created or removed anything.
 */
export function reconcileJob(job: KubeObject, host: ControllerHost): boolean {
  if (host.declared(job)) return false;
  const spec = (job.spec ?? {}) as JobSpec;
  const ns = job.metadata?.namespace ?? 'default';
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const status = (job.status ?? {}) as JobStatus;
  const created = host.seconds(job.metadata?.creationTimestamp) ?? 0;
  if (!spec.template?.spec) return false;
  // What the API server defaults on create: the selector and the labels that tie pods to this Job.
  const ids = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  if (!spec.selector) spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const tplLabels = spec.template.metadata?.labels ?? {};
  if (tplLabels['batch.kubernetes.io/controller-uid'] !== uid)
    spec.template = {
      ...spec.template,
      metadata: { ...spec.template.metadata, labels: { ...tplLabels, ...ids } },
    };
  if (!spec.template.spec.restartPolicy) spec.template.spec.restartPolicy = 'Never';

  const pods = host.ownedBy('Pod', job);
  const phase = (p: Pod) => p.status?.phase;
  const succeededPods = pods.filter((p) => phase(p) === 'Succeeded');
  const failedPods = pods.filter((p) => phase(p) === 'Failed');
  const active = pods.filter((p) => phase(p) !== 'Succeeded' && phase(p) !== 'Failed');
  const restarts = active.reduce(
    (n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0),
    0,
  );
  const completions = spec.completions ?? 1;
  const parallelism = Math.max(0, spec.parallelism ?? 1);
  const backoffLimit = spec.backoffLimit ?? 6;
  const start = host.seconds(status.startTime) ?? created;
  let changed = false;
  // Pods the controller removed when it gave up count as failed (kept in the status once it has ended).
  let killed = jobFinished(job) ? Math.max(0, (status.failed ?? 0) - failedPods.length) : 0;
  const conditions = [...(status.conditions ?? [])];
  const setStatus = () => {
    const live = host.ownedBy('Pod', job);
    const still = live.filter((p) => phase(p) !== 'Succeeded' && phase(p) !== 'Failed');
    job.status = {
      ...(still.length ? { active: still.length } : {}),
      ...(succeededPods.length ? { succeeded: succeededPods.length } : {}),
      ...(failedPods.length + killed ? { failed: failedPods.length + killed } : {}),
      ready: still.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        .length,
      terminating: 0,
      ...(spec.suspend ? {} : { startTime: host.iso(start) }),
      ...(status.completionTime ? { completionTime: status.completionTime } : {}),
      uncountedTerminatedPods: {},
      ...(conditions.length ? { conditions } : {}),
    } satisfies JobStatus;
  };
  if (jobFinished(job)) {
    setStatus();
    return false;
  }
  const finish = (type: 'Complete' | 'Failed', reason: string, message: string, at: number) => {
    const when = host.iso(Math.min(at, host.now));
    if (type === 'Failed') {
      conditions.push({ type: 'FailureTarget', status: 'True', reason, message, lastTransitionTime: when });
      for (const p of active) host.remove('Pod', ns, p.metadata.name ?? '');
      killed = active.length;
      host.event('Warning', reason, message, job, 'job-controller', at);
    } else {
      conditions.push({
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastTransitionTime: when,
      });
      status.completionTime = when;
      host.event('Normal', 'Completed', 'Job completed', job, 'job-controller', at);
    }
    conditions.push({
      type,
      status: 'True',
      ...(reason ? { reason, message } : {}),
      lastTransitionTime: when,
    });
    changed = true;
  };
  const lastFailure = failedPods.reduce((m, p) => Math.max(m, finishedAt(p, host) ?? start), start);
  if (spec.suspend) {
    for (const p of active) host.remove('Pod', ns, p.metadata.name ?? '');
    if (!conditions.some((c) => c.type === 'Suspended')) {
      conditions.push({
        type: 'Suspended',
        status: 'True',
        reason: 'JobSuspended',
        message: 'Job suspended',
        lastTransitionTime: host.iso(host.now),
      });
      host.event('Normal', 'Suspended', 'Job suspended', job, 'job-controller', host.now);
    }
    setStatus();
    return active.length > 0;
  }
  const deadline = spec.activeDeadlineSeconds;
  if (failedPods.length + restarts > backoffLimit) {
    finish('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', lastFailure);
  } else if (deadline !== undefined && host.now - start >= deadline) {
    finish('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline', start + deadline);
  } else if (succeededPods.length >= completions) {
    const at = succeededPods.reduce((m, p) => Math.max(m, finishedAt(p, host) ?? start), start);
    finish('Complete', '', '', at);
  } else {
    const want = Math.min(parallelism, completions - succeededPods.length) - active.length;
    const lastSuccess = succeededPods.reduce((m, p) => Math.max(m, finishedAt(p, host) ?? start), start);
    const at = Math.max(
      lastSuccess,
      failedPods.length ? lastFailure + jobBackoffSeconds(failedPods.length) : start,
    );
    if (want > 0 && at <= host.now && pods.length < MAX_JOB_PODS) {
      for (let i = 0; i < want && pods.length + i < MAX_JOB_PODS; i++) {
        const pod = host.createPod(job, spec.template, at);
        if (typeof pod === 'string') {
          host.event('Warning', 'FailedCreate', `Error creating: ${pod}`, job, 'job-controller', at);
          break;
        }
        host.event(
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${pod.metadata.name}`,
          job,
          'job-controller',
          at,
        );
        changed = true;
      }
    }
  }
  setStatus();
  return changed;
}

interface CronJobSpec {
  schedule?: string;
  suspend?: boolean;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: JobSpec;
  };
}

interface CronJobStatus {
  active?: { apiVersion: string; kind: string; name: string; namespace: string; uid: string }[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** The schedule time each CronJob last waited a pass for (see `reconcileCronJob`), so it waits once. */
const waited = new WeakMap<KubeObject, number>();

/** Whether a Job's pods have all ended (Succeeded or Failed) while its own status does not say it finished. */
function endedUnwritten(job: KubeObject, host: ControllerHost): boolean {
  const pods = host.ownedBy('Pod', job);
  return (
    !jobFinished(job) &&
    pods.length > 0 &&
    pods.every((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')
  );
}

/** Whether a Job had ended (Complete or Failed) by `t`, in seconds of world time. */
function finishedBy(job: KubeObject, t: number, host: ControllerHost): boolean {
  const outcome = jobFinished(job);
  if (!outcome) return false;
  const c = (job.status as JobStatus | undefined)?.conditions?.find(
    (x) => x.type === outcome && x.status === 'True',
  );
  const when = host.seconds(c?.lastTransitionTime);
  return when === undefined || when <= t;
}

/** How far back a CronJob without a declared history looks for runs it would have made. */
export const CRON_HISTORY_SECONDS = 35 * 86_400;

/**
 * Reconciles one CronJob: a Job named `<cronjob>-<minutes since the epoch>` at each schedule time
 * (UTC) that has passed, unless suspended or forbidden by `concurrencyPolicy`; the oldest finished
 * Jobs beyond `successfulJobsHistoryLimit` (3) and `failedJobsHistoryLimit` (1) are deleted. A CronJob
 * whose status the world declares keeps the declared history: it only runs schedule times after the
 * world starts (and after its `lastScheduleTime`), and only prunes Jobs it created itself. One schedule
 * time per call, so the Job it created plays out before the next. Returns whether it changed anything.
 */
export function reconcileCronJob(cj: KubeObject, host: ControllerHost, t0Ms: number): boolean {
  const spec = (cj.spec ?? {}) as CronJobSpec;
  const ns = cj.metadata?.namespace ?? 'default';
  const name = cj.metadata?.name ?? '';
  const status = (cj.status ?? {}) as CronJobStatus;
  const declared = host.declared(cj);
  const schedule = parseCron(spec.schedule ?? '');
  const jobs = host.ownedBy('Job', cj);
  const mine = jobs.filter((j) => !host.declared(j));
  let changed = false;
  const created = host.seconds(cj.metadata?.creationTimestamp) ?? 0;
  const last = host.seconds(status.lastScheduleTime);
  if (schedule && !spec.suspend) {
    const from = declared
      ? Math.max(0, last ?? 0)
      : Math.max(created, last ?? host.now - CRON_HISTORY_SECONDS, host.now - CRON_HISTORY_SECONDS);
    // Without a declared history, only the runs that could still be kept are played out.
    const keep = (spec.successfulJobsHistoryLimit ?? 3) + (spec.failedJobsHistoryLimit ?? 1) + 1;
    const due: number[] = [];
    for (let t = nextFire(schedule, t0Ms + from * 1000); t !== undefined && t <= t0Ms + host.now * 1000; ) {
      due.push((t - t0Ms) / 1000);
      if (due.length > keep) due.shift();
      t = nextFire(schedule, t);
    }
    const at = due[0];
    // Running at this schedule time: the Job controller plays a Job out to its end before the next
    // schedule time is reached here, so a Job that ended after `at` was still running at `at`, and
    // that is what Forbid and Replace judge (a run longer than the interval is still active when the
    // next is due).
    const running = jobs.filter((j) => {
      const t = at ?? host.now;
      // A Job created after this schedule time (one the world declares) was not running at it.
      const created = host.seconds(j.metadata?.creationTimestamp);
      return !(created !== undefined && created > t) && !finishedBy(j, t, host);
    });
    const policy = spec.concurrencyPolicy ?? 'Allow';
    // A Job whose pods have all ended but whose status the Job controller has not written yet (it runs
    // after this controller in a pass) has finished: the next schedule time waits one pass for its
    // status, so Forbid and Replace judge the Job as it is, not one pass behind. Once per schedule time.
    if (
      at !== undefined &&
      policy !== 'Allow' &&
      running.some((j) => endedUnwritten(j, host)) &&
      waited.get(cj) !== at
    ) {
      waited.set(cj, at);
      return true;
    }
    if (at !== undefined) {
      status.lastScheduleTime = host.iso(at);
      if (policy === 'Forbid' && running.length) {
        host.event(
          'Normal',
          'JobAlreadyActive',
          'Not starting job because prior execution is running and concurrency policy is Forbid',
          cj,
          'cronjob-controller',
          at,
        );
      } else {
        if (policy === 'Replace')
          for (const j of running) {
            host.remove('Job', ns, j.metadata?.name ?? '');
            host.event(
              'Normal',
              'SuccessfulDelete',
              `Deleted job ${j.metadata?.name}`,
              cj,
              'cronjob-controller',
              at,
            );
          }
        const jobName = `${name}-${Math.floor((t0Ms + at * 1000) / 60_000)}`;
        if (!host.list('Job', ns).some((j) => j.metadata?.name === jobName)) {
          const tpl = spec.jobTemplate ?? {};
          host.createObject(
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              metadata: {
                name: jobName,
                namespace: ns,
                ...(tpl.metadata?.labels ? { labels: { ...tpl.metadata.labels } } : {}),
                annotations: {
                  ...tpl.metadata?.annotations,
                  'batch.kubernetes.io/cronjob-scheduled-timestamp': host.iso(at),
                },
                ownerReferences: [
                  {
                    apiVersion: 'batch/v1',
                    kind: 'CronJob',
                    name,
                    uid: cj.metadata?.uid ?? '',
                    controller: true,
                  },
                ],
              },
              spec: JSON.parse(JSON.stringify(tpl.spec ?? {})),
            },
            at,
          );
          host.event('Normal', 'SuccessfulCreate', `Created job ${jobName}`, cj, 'cronjob-controller', at);
        }
      }
      changed = true;
    }
  }
  // History limits: the oldest finished Jobs beyond them go.
  for (const [outcome, limit] of [
    ['Complete', spec.successfulJobsHistoryLimit ?? 3],
    ['Failed', spec.failedJobsHistoryLimit ?? 1],
  ] as const) {
    const done = mine.filter((j) => jobFinished(j) === outcome && host.list('Job', ns).includes(j));
    for (const j of done.slice(0, Math.max(0, done.length - limit))) {
      host.remove('Job', ns, j.metadata?.name ?? '');
      host.event(
        'Normal',
        'SawCompletedJob',
        `Saw completed job: ${j.metadata?.name}, condition: ${outcome}`,
        cj,
        'cronjob-controller',
        host.now,
      );
      host.event(
        'Normal',
        'SuccessfulDelete',
        `Deleted job ${j.metadata?.name}`,
        cj,
        'cronjob-controller',
        host.now,
      );
      changed = true;
    }
  }
  if (!declared) {
    const live = host.ownedBy('Job', cj);
    const activeJobs = live.filter((j) => !jobFinished(j));
    const succeeded = live
      .filter((j) => jobFinished(j) === 'Complete')
      .map((j) => (j.status as JobStatus | undefined)?.completionTime ?? '')
      .sort();
    cj.status = {
      ...(activeJobs.length
        ? {
            active: activeJobs.map((j) => ({
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: j.metadata?.name ?? '',
              namespace: ns,
              uid: j.metadata?.uid ?? '',
            })),
          }
        : {}),
      ...(status.lastScheduleTime ? { lastScheduleTime: status.lastScheduleTime } : {}),
      ...(succeeded.length ? { lastSuccessfulTime: succeeded[succeeded.length - 1] } : {}),
    } satisfies CronJobStatus;
  } else if (status.lastScheduleTime) {
    cj.status = { ...(cj.status as object), lastScheduleTime: status.lastScheduleTime };
  }
  return changed;
}

/** The CronJob controller behind the cluster's reconcile interface: every CronJob still stored. */
export const cronJobController: Controller = {
  kind: 'CronJob',
  reconcile(host) {
    let changed = false;
    const jobs = host.jobs;
    for (const obj of [...host.store.ofKind('CronJob').values()])
      if (host.store.has(host.keyOf(obj))) changed = reconcileCronJob(obj, jobs, host.t0) || changed;
    return changed;
  },
};

/** The Job controller behind the cluster's reconcile interface: every Job still stored. */
export const jobController: Controller = {
  kind: 'Job',
  reconcile(host) {
    let changed = false;
    const jobs = host.jobs;
    for (const obj of [...host.store.ofKind('Job').values()])
      if (host.store.has(host.keyOf(obj))) changed = reconcileJob(obj, jobs) || changed;
    return changed;
  },
};
