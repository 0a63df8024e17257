import { describe, expect, it } from 'vitest';
import { nextFire, parseCron } from '../cron.js';
import type { KubeEvent, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

const job = (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'batch', creationTimestamp: '2026-01-15T09:50:00Z', ...extra },
  spec,
});
const template = (restartPolicy: string, container = 'worker') => ({
  template: { spec: { restartPolicy, containers: [{ name: container, image: 'acme/worker:1' }] } },
});
const events = (c: ReturnType<typeof createSimCluster>, kind: string) =>
  (c.listNow({ kind: 'Event', namespace: 'batch' }) as unknown as KubeEvent[]).filter(
    (e) => e.involvedObject.kind === kind,
  );
const pods = (c: ReturnType<typeof createSimCluster>) =>
  c.listNow({ kind: 'Pod', namespace: 'batch' }) as unknown as Pod[];

describe('the Job controller', () => {
  it('restartPolicy Never: a new pod per attempt, each Failed with no Last State, then BackoffLimitExceeded', async () => {
    const c = createSimCluster({
      namespaces: ['batch'],
      behaviors: {
        worker: { crash: { exitCode: 1, logs: ['FATAL: password authentication failed'] }, failAfter: '9s' },
      },
      objects: [job('export', { backoffLimit: 2, ...template('Never') })],
    });
    const ps = pods(c);
    expect(ps).toHaveLength(3);
    for (const p of ps) {
      expect(p.status?.phase).toBe('Failed');
      const cs = p.status?.containerStatuses?.[0];
      expect(cs?.restartCount).toBe(0);
      expect(cs?.lastState).toBeUndefined();
      expect(cs?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
      expect(p.metadata.labels?.['job-name']).toBe('export');
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'export' });
    }
    const name = ps[0]!.metadata.name!;
    expect(await c.podLogs({ name, namespace: 'batch' })).toContain('password authentication failed');
    await expect(c.podLogs({ name, namespace: 'batch', previous: true })).rejects.toThrow(
      /previous terminated container "worker" in pod ".*" not found/,
    );
    const j = c.getNow({ kind: 'Job', name: 'export', namespace: 'batch' });
    const status = j.status as {
      failed: number;
      active?: number;
      conditions: { type: string; reason: string }[];
    };
    expect(status.failed).toBe(3);
    expect(status.active).toBeUndefined();
    expect(status.conditions.map((x) => `${x.type}/${x.reason}`)).toEqual([
      'FailureTarget/BackoffLimitExceeded',
      'Failed/BackoffLimitExceeded',
    ]);
    const reasons = events(c, 'Job').map((e) => `${e.reason}: ${e.message}`);
    expect(reasons.filter((r) => r.startsWith('SuccessfulCreate: Created pod: export-'))).toHaveLength(3);
    expect(reasons).toContain('BackoffLimitExceeded: Job has reached the specified backoff limit');
    // The attempts are spaced by the controller's back-off (10 s, then 20 s) after each failure.
    const starts = ps.map((p) => Date.parse(p.metadata.creationTimestamp ?? '')).sort();
    expect((starts[1]! - starts[0]!) / 1000).toBe(19);
    expect((starts[2]! - starts[1]!) / 1000).toBe(29);
  });

  it('restartPolicy OnFailure: restarts in place count against backoffLimit; then the pod is removed', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:00:00Z',
      namespaces: ['batch'],
      behaviors: { worker: { crash: { exitCode: 2, logs: ['boom'] }, failAfter: '5s' } },
      objects: [job('retry', { backoffLimit: 3, ...template('OnFailure') })],
    });
    const j = c.getNow({ kind: 'Job', name: 'retry', namespace: 'batch' });
    expect((j.status as { conditions?: { reason: string }[] }).conditions?.[1]?.reason).toBe(
      'BackoffLimitExceeded',
    );
    expect(pods(c)).toHaveLength(0);
    // The pod removed when the controller gave up counts as failed, and stays counted.
    expect((j.status as { failed?: number }).failed).toBe(1);
    c.advance(30);
    expect(
      (c.getNow({ kind: 'Job', name: 'retry', namespace: 'batch' }).status as { failed?: number }).failed,
    ).toBe(1);
  });

  it('runs completions with parallelism and completes: SuccessCriteriaMet, Complete, completionTime, Completed event', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:00:00Z',
      namespaces: ['batch'],
      behaviors: { worker: { completeAfter: '60s', logs: ['processed shard'] } },
      objects: [job('shards', { completions: 4, parallelism: 2, ...template('Never') })],
    });
    const ps = pods(c);
    expect(ps).toHaveLength(4);
    expect(ps.every((p) => p.status?.phase === 'Succeeded')).toBe(true);
    expect(ps.every((p) => p.status?.containerStatuses?.[0]?.state?.terminated?.reason === 'Completed')).toBe(
      true,
    );
    const s = c.getNow({ kind: 'Job', name: 'shards', namespace: 'batch' }).status as {
      succeeded: number;
      completionTime: string;
      conditions: { type: string }[];
    };
    expect(s.succeeded).toBe(4);
    expect(s.completionTime).toBe('2026-01-15T09:52:00Z');
    expect(s.conditions.map((x) => x.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(events(c, 'Job').some((e) => e.reason === 'Completed' && e.message === 'Job completed')).toBe(
      true,
    );
  });

  it('keeps a Job whose status the world declares, and makes no pods for it', () => {
    const c = createSimCluster({
      namespaces: ['batch'],
      objects: [{ ...job('old', template('Never')), status: { failed: 3 } }],
    });
    expect(pods(c)).toHaveLength(0);
    expect(c.getNow({ kind: 'Job', name: 'old', namespace: 'batch' }).status).toEqual({ failed: 3 });
  });

  it('a running Job pod plays out as simulated time passes, and a suspended Job makes none', () => {
    const c = createSimCluster({
      now: '2026-01-15T09:50:00Z',
      namespaces: ['batch'],
      behaviors: { worker: { completeAfter: '5m', logs: ['working'] } },
      objects: [
        job('long', template('Never')),
        job('held', { suspend: true, ...template('Never', 'other') }),
      ],
    });
    expect(pods(c).map((p) => p.status?.phase)).toEqual(['Running']);
    c.advance(400);
    expect(pods(c).map((p) => p.status?.phase)).toEqual(['Succeeded']);
    const held = c.getNow({ kind: 'Job', name: 'held', namespace: 'batch' }).status as {
      conditions: { type: string }[];
    };
    expect(held.conditions[0]?.type).toBe('Suspended');
  });
});

describe('the CronJob controller', () => {
  const cron = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: 'batch', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { jobTemplate: { spec: template('Never') }, ...spec },
    ...extra,
  });

  it('with concurrencyPolicy Forbid, a run that finished before the next schedule time does not block it', () => {
    const names = (policy: string, completeAfter: string) => {
      const c = createSimCluster({
        now: '2026-01-15T10:10:00Z',
        namespaces: ['batch'],
        behaviors: { worker: { completeAfter } },
        objects: [cron({ schedule: '0 * * * *', concurrencyPolicy: policy })],
      });
      return c.listNow({ kind: 'Job', namespace: 'batch' }).map((j) => j.metadata?.name);
    };
    // Every hour, as with Allow: each run ends 210 s after it starts, long before the next.
    expect(names('Forbid', '210s')).toEqual(names('Allow', '210s'));
    const minutes = names('Forbid', '210s').map((n) => Number(n?.split('-').pop()));
    expect(minutes.slice(1).map((m, i) => m - minutes[i]!)).toEqual([60, 60]);
    // A run that never ends still blocks every later one: one Job only.
    expect(names('Forbid', '30d')).toHaveLength(1);
  });

  it('judges a run longer than the interval at the next schedule time: Replace deletes it, Forbid skips', () => {
    const world = (policy: string) =>
      createSimCluster({
        now: '2026-01-15T10:35:00Z',
        namespaces: ['batch'],
        behaviors: { worker: { completeAfter: '80m' } },
        objects: [cron({ schedule: '0 * * * *', concurrencyPolicy: policy })],
      });
    // Replace: every run is deleted when the next is due, 60 minutes in; none completes.
    const replace = world('Replace');
    expect(replace.listNow({ kind: 'Job', namespace: 'batch' }).map((j) => j.metadata?.name)).toEqual([
      'report-29474520',
    ]);
    expect(pods(replace).map((p) => p.status?.phase)).toEqual(['Running']);
    expect(events(replace, 'CronJob').filter((e) => e.reason === 'SuccessfulDelete').length).toBeGreaterThan(
      0,
    );
    const status = replace.getNow({ kind: 'CronJob', name: 'report', namespace: 'batch' }).status as Record<
      string,
      unknown
    >;
    expect(status.lastSuccessfulTime).toBeUndefined();
    // Forbid: the run due while one is active is skipped, so runs start every other hour and complete
    // (the skipped runs' JobAlreadyActive events are older than the hour events are kept).
    const forbid = world('Forbid');
    const minutes = forbid
      .listNow({ kind: 'Job', namespace: 'batch' })
      .map((j) => Number(j.metadata?.name?.split('-').pop()));
    expect(minutes.slice(1).map((m, i) => m - minutes[i]!)).toEqual(minutes.slice(1).map(() => 120));
  });

  it('creates Jobs on its schedule and keeps the history limits', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:10:00Z',
      namespaces: ['batch'],
      behaviors: { worker: { completeAfter: '30s' } },
      objects: [cron({ schedule: '*/30 * * * *' })],
    });
    const jobs = c.listNow({ kind: 'Job', namespace: 'batch' });
    // Three complete (successfulJobsHistoryLimit) and the 10:00 run, finished at 10:00:30.
    expect(jobs.map((j) => j.metadata?.name)).toEqual([
      'report-29474460',
      'report-29474490',
      'report-29474520',
    ]);
    const cj = c.getNow({ kind: 'CronJob', name: 'report', namespace: 'batch' }).status as Record<
      string,
      unknown
    >;
    expect(cj.lastScheduleTime).toBe('2026-01-15T10:00:00Z');
    expect(cj.lastSuccessfulTime).toBe('2026-01-15T10:00:30Z');
    c.advance(20 * 60);
    expect(c.listNow({ kind: 'Job', namespace: 'batch' }).map((j) => j.metadata?.name)).toContain(
      'report-29474550',
    );
    expect(events(c, 'CronJob').some((e) => e.message === 'Created job report-29474550')).toBe(true);
  });

  it('keeps one failed Job by default and honours suspend', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:10:00Z',
      namespaces: ['batch'],
      behaviors: { worker: { crash: { exitCode: 1 } } },
      objects: [
        cron({ schedule: '0 * * * *', jobTemplate: { spec: { backoffLimit: 0, ...template('Never') } } }),
      ],
    });
    const jobs = c.listNow({ kind: 'Job', namespace: 'batch' });
    expect(jobs.map((j) => j.metadata?.name)).toEqual(['report-29474520']);
    const suspended = createSimCluster({
      namespaces: ['batch'],
      objects: [cron({ schedule: '* * * * *', suspend: true })],
    });
    expect(suspended.listNow({ kind: 'Job', namespace: 'batch' })).toHaveLength(0);
  });

  it('a CronJob with a declared status runs only schedule times after the world starts', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:10:00Z',
      namespaces: ['batch'],
      behaviors: { worker: { completeAfter: '30s' } },
      objects: [cron({ schedule: '0 * * * *' }, { status: { lastScheduleTime: '2026-01-15T10:00:00Z' } })],
    });
    expect(c.listNow({ kind: 'Job', namespace: 'batch' })).toHaveLength(0);
    c.advance(51 * 60);
    expect(c.listNow({ kind: 'Job', namespace: 'batch' }).map((j) => j.metadata?.name)).toEqual([
      'report-29474580',
    ]);
  });
});

describe('cron schedules', () => {
  const at = (iso: string) => Date.parse(iso);
  const next = (s: string, after: string) => {
    const t = nextFire(parseCron(s)!, at(after));
    return t === undefined ? undefined : new Date(t).toISOString();
  };
  it('parses steps, ranges, lists, names and macros', () => {
    expect(next('*/15 * * * *', '2026-01-15T10:07:00Z')).toBe('2026-01-15T10:15:00.000Z');
    expect(next('0 2 * * *', '2026-01-15T10:07:00Z')).toBe('2026-01-16T02:00:00.000Z');
    expect(next('30 9 * * mon-fri', '2026-01-16T10:00:00Z')).toBe('2026-01-19T09:30:00.000Z');
    expect(next('@monthly', '2026-01-15T10:00:00Z')).toBe('2026-02-01T00:00:00.000Z');
    expect(next('0 0 1,15 jan *', '2026-01-02T00:00:00Z')).toBe('2026-01-15T00:00:00.000Z');
    expect(next('0 0 31 2 *', '2026-01-02T00:00:00Z')).toBeUndefined();
    for (const bad of ['* * * *', '61 * * * *', '*/0 * * * *', 'a b c d e', '1-2-3 * * * *'])
      expect(parseCron(bad)).toBeUndefined();
  });
});

describe('Job admission and quota', () => {
  it('refuses restartPolicy Always on a Job, as the API server does', async () => {
    const c = createSimCluster({ namespaces: ['batch'] });
    await expect(
      c.create({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'bad', namespace: 'batch' },
        spec: template('Always'),
      }),
    ).rejects.toThrow(
      'Job.batch "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );
  });

  it('a created Job runs; pods that ended no longer count against a pods quota', async () => {
    const c = createSimCluster({
      now: '2026-01-15T10:00:00Z',
      namespaces: ['batch'],
      behaviors: { worker: { completeAfter: '10s' } },
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'q', namespace: 'batch' },
          spec: { hard: { pods: '1' } },
        },
      ],
    });
    await c.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'two', namespace: 'batch' },
      spec: { completions: 2, ...template('Never') },
    });
    c.advance(60);
    expect(pods(c).map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded']);
    const quota = c.getNow({ kind: 'ResourceQuota', name: 'q', namespace: 'batch' }).status as {
      used: { pods: string };
    };
    expect(quota.used.pods).toBe('0');
  });
});

describe('init containers of pods that do not restart', () => {
  it('a failed init container under restartPolicy Never fails the pod, and the Job counts it', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:00:00Z',
      namespaces: ['batch'],
      behaviors: {
        migrate: { crash: { exitCode: 3, logs: ['permission denied'] } },
        worker: { completeAfter: '5s' },
      },
      objects: [
        job('migrate', {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              initContainers: [{ name: 'migrate', image: 'acme/migrate:1' }],
              containers: [{ name: 'worker', image: 'acme/worker:1' }],
            },
          },
        }),
      ],
    });
    const [pod] = pods(c);
    expect(pod?.status?.phase).toBe('Failed');
    expect(pod?.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(3);
    expect(pod?.status?.initContainerStatuses?.[0]?.restartCount).toBe(0);
    const s = c.getNow({ kind: 'Job', name: 'migrate', namespace: 'batch' }).status as { failed: number };
    expect(s.failed).toBe(1);
  });

  it('an init container that completes lets the main container run', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:00:00Z',
      namespaces: ['batch'],
      behaviors: { migrate: { completeAfter: '5s' }, worker: { completeAfter: '5s' } },
      objects: [
        job('ok', {
          template: {
            spec: {
              restartPolicy: 'Never',
              initContainers: [{ name: 'migrate', image: 'acme/migrate:1' }],
              containers: [{ name: 'worker', image: 'acme/worker:1' }],
            },
          },
        }),
      ],
    });
    expect(pods(c)[0]?.status?.phase).toBe('Succeeded');
  });
});
