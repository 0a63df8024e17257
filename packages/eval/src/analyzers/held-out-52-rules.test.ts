// Table tests of the general changes made after held-out set 52's first contact: an OOM kill shown as a
// container's current state (no restart), the memory settings a read ConfigMap gives, a probe's time
// budget, a changed variable named by one word of its own name in a failure line (and a rollout of a few
// days ago whose change cause names what fails), HikariCP's clock-leap warning as routine, a line that
// says it succeeded on retry, and InfluxDB's series limit.
import { describe, expect, it } from 'vitest';
import { memorySettings } from '../baseline/signatures/containers/oom-killed.js';
import { factsOf, findingsOf } from '../baseline/signatures/index.js';
import type { SeenObservation } from '../observations.js';
import { expectedLine } from './expected-log-lines.js';
import { glossOf } from './log-glosses.js';
import { log, observed, pods, table } from './observed.fixture.js';
import { probeBudget } from './probes.js';
import { rolloutDiffAnalyzer } from './rollout-diff.js';
import type { AnalyzerContext } from './types.js';

describe('oom-killed: a container killed and not restarted (its current state)', () => {
  const NS = 'spark-jobs';
  const POD = 'features-20260314-exec-12';
  const described = (state: string[], last: string[] = []) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Status:           Failed (OOMKilled)',
        'Controlled By:    <none>',
        'Containers:',
        '  spark-kubernetes-executor:',
        '    Image:          registry.example.com/data/features:1.19.0',
        ...state,
        ...last,
        '    Ready:          False',
        '    Restart Count:  0',
        '    Limits:',
        '      memory: 6758Mi',
        'QoS Class:        Burstable',
        'Events:  <none>',
      ].join('\n'),
    );
  const killed = [
    '    State:          Terminated',
    '      Reason:       OOMKilled',
    '      Exit Code:    137',
    '      Finished:     2026-03-14T02:58:02Z (42m ago)',
  ];
  const configMap = observed(
    'describe_resource',
    { kind: 'ConfigMap', namespace: NS, name: 'features-spark-conf' },
    [
      'Name:         features-spark-conf',
      'Data',
      '====',
      'spark-defaults.conf:',
      '----',
      'spark.executor.instances                  8',
      'spark.executor.memory                     6g',
      'spark.kubernetes.memoryOverheadFactor     0.1',
      'spark.sql.shuffle.partitions              800',
    ].join('\n'),
  );
  const listed = pods(NS, [[POD, '0/1', 'OOMKilled', '0', '42m']]);
  const found = (seen: SeenObservation[]) =>
    findingsOf(factsOf('why do executors die?', NS, [], seen, new Set()));

  it('is an OOM kill, with the memory the configuration asks for', () => {
    const [f] = found([listed, described(killed), configMap]);
    expect(f?.cause).toContain('is OOMKilled (exit code 137)');
    expect(f?.cause).toContain('6758Mi');
    expect(f?.cause).toContain('not restarted, the pod ends Failed');
    expect(f?.cause).toContain('spark.kubernetes.memoryOverheadFactor');
    expect(f?.evidence.join('\n')).toMatch(/ConfigMap features-spark-conf: spark\.executor\.memory\s+6g/);
  });

  it('a container that ended for another reason is no OOM kill', () => {
    const errored = killed.map((l) => l.replace('OOMKilled', 'Error').replace('137', '1'));
    expect(found([listed, described(errored)]).some((f) => /OOMKilled/.test(f.cause))).toBe(false);
  });

  it('memorySettings: keys that say memory, heap or overhead, at most three, from ConfigMaps only', () => {
    const many = observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'jvm' },
      [
        'JAVA_OPTS: -Xmx2g',
        'heap.size=512m',
        'cache_memory: 1Gi',
        'memory_overhead 0.2',
        'worker.threads 8',
        'description: memory is fine',
      ].join('\n'),
    );
    const secret = observed('describe_resource', { kind: 'Secret', namespace: NS, name: 's' }, 'memory: 1Gi');
    expect(memorySettings([many, secret], NS).map((m) => m.line)).toEqual([
      'JAVA_OPTS: -Xmx2g',
      'heap.size=512m',
      'cache_memory: 1Gi',
    ]);
    expect(memorySettings([many], 'other')).toEqual([]);
  });

  it('memorySettings: a long line or a huge ConfigMap stays bounded', () => {
    const big = observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'big' },
      `${'memory'.repeat(100_000)} 1\n${'x'.repeat(500_000)}`,
    );
    expect(memorySettings([big], NS)).toEqual([]);
  });
});

describe('probeBudget: how long a probe lets a container fail', () => {
  it.each([
    ['http-get :8080/ready delay=0s timeout=1s period=20s #success=1 #failure=30', '= 600 s (10 minutes)'],
    ['http-get :8080/ready delay=30s timeout=1s period=10s #success=1 #failure=3', '30 s of delay plus'],
    ['exec [cat /tmp/ok] delay=0s timeout=1s period=5s #success=1 #failure=3', '= 15 s'],
  ])('%s', (probe, said) => {
    expect(probeBudget(probe)).toContain(said);
  });
  it('nothing without a period or a failure count', () => {
    expect(probeBudget('http-get :8080/ready delay=0s')).toBeUndefined();
    expect(probeBudget('')).toBeUndefined();
  });
});

describe('rollout-diff: a changed variable named by one word of its own name', () => {
  const NS = 'pipelines';
  const DEP = 'airflow-scheduler';
  const OLD = `${DEP}-m56dbqm7x`;
  const NEW = `${DEP}-6nqsrrlc7`;
  const POD = `${NEW}-b75mw`;
  const rs = (name: string, revision: number, beat: string) =>
    observed(
      'describe_resource',
      { kind: 'ReplicaSet', namespace: NS, name },
      [
        `Name:         ${name}`,
        `Annotations:  deployment.kubernetes.io/revision=${revision}`,
        'Spec:',
        '  template.spec.containers[0].name: scheduler',
        '  template.spec.containers[0].image: apache/airflow:2.7.3',
        '  template.spec.containers[0].env[0].name: AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC',
        `  template.spec.containers[0].env[0].value: ${beat}`,
      ].join('\n'),
    );
  const describedDeployment = (cause: string) =>
    observed(
      'describe_deployment',
      { namespace: NS, name: DEP },
      [
        `Name:                   ${DEP}`,
        'Annotations:            deployment.kubernetes.io/revision=2',
        `                        kubernetes.io/change-cause=${cause}`,
      ].join('\n'),
    );
  const deployments = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      [DEP, '1/1', '1', '1', '90d'],
    ]),
  );
  const replicaSets = observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: NS },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [NEW, '1/1 ready', '2d'],
      [OLD, '0/0 ready', '90d'],
    ]),
  );
  const zombie =
    '[2026-03-12T09:13:16.881+0000] {scheduler_job_runner.py:1773} ERROR - Found zombie task instance ledger.match (job 918233 has no heartbeat); handling as failed';
  const marked =
    '[2026-03-12T09:12:14.561+0000] {scheduler_job_runner.py:1658} INFO - Marked 3 jobs as failed: latest_heartbeat older than 30s (scheduler_health_check_threshold)';
  const seen = (age: string, cause: string, lines = [zombie, marked]) => [
    deployments,
    pods(NS, [[POD, '1/1', 'Running', '0', age]]),
    log(NS, POD, ['INFO - Starting the scheduler', ...lines]),
    describedDeployment(cause),
    replicaSets,
    rs(OLD, 1, '5'),
    rs(NEW, 2, '30'),
  ];
  const ctx = (s: SeenObservation[]): AnalyzerContext => ({ task: 'tasks fail', ns: NS, hints: [], seen: s });
  const JOB = 'fewer metadata DB writes - job heartbeat every 30s instead of 5s';

  it('the variable whose own name says heartbeat, with the other lines that say it', () => {
    const [f] = rolloutDiffAnalyzer.finds(ctx(seen('20h', 'release 7')));
    expect(f?.weight).toBe(75);
    expect(f?.cause).toContain(
      'changed AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC of container scheduler from "5" to "30"',
    );
    expect(f?.cause).toContain('what that setting governs (its heartbeat)');
    expect(f?.cause).toContain('scheduler_health_check_threshold');
    expect(f?.fix?.args).toMatchObject({
      set: [{ name: 'AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC', value: '5' }],
    });
  });

  it('a word of the section the setting is filed under (scheduler) is not its own', () => {
    const lines = ['[2026] {scheduler_job_runner.py:17} ERROR - scheduler loop crashed'];
    expect(rolloutDiffAnalyzer.finds(ctx(seen('20h', 'release 7', lines)))).toEqual([]);
  });

  it('two days ago: read only when the change cause names what the failures are about', () => {
    const early = (cause: string) => [
      deployments,
      pods(NS, [[POD, '1/1', 'Running', '0', '2d']]),
      log(NS, POD, [zombie]),
      describedDeployment(cause),
    ];
    expect(rolloutDiffAnalyzer.reads(ctx(early(JOB)))).toEqual([
      { tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: NS } },
    ]);
    expect(rolloutDiffAnalyzer.reads(ctx(early('release 7: instead of the default')))).toEqual([]);
    expect(rolloutDiffAnalyzer.finds(ctx(seen('2d', 'release 7')))).toEqual([]);
    expect(rolloutDiffAnalyzer.finds(ctx(seen('2d', JOB)))[0]?.cause).toContain('its heartbeat');
  });

  it('five days ago: no lead, whatever the cause says', () => {
    expect(rolloutDiffAnalyzer.finds(ctx(seen('5d', JOB)))).toEqual([]);
  });
});

describe('routine lines and recoveries', () => {
  it("HikariCP's clock-leap warning is routine", () => {
    const line =
      '2026-04-04 03:12:28.339  WARN 1 --- [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=58s311ms905µs).';
    expect(expectedLine(line)).toMatch(/housekeeper thread[\s\S]*no action is needed unless it recurs/);
  });

  it.each([
    'Got error produce response NOT_ENOUGH_REPLICAS; retrying (succeeded on retry 1)',
    'NOT_ENOUGH_REPLICAS on partition 3, retry succeeded',
    'NOT_ENOUGH_REPLICAS: succeeded after 2 attempts',
  ])('a line that says its request went through on retry has no gloss: %s', (line) => {
    expect(glossOf(line)).toBeUndefined();
  });

  it('one that did not succeed keeps it', () => {
    expect(glossOf('NOT_ENOUGH_REPLICAS; retrying (attempt 3 of 5)')).toBeDefined();
  });

  it("InfluxDB's series limit is glossed as cardinality", () => {
    const g = glossOf(
      'ERROR influx: batch 88124 partially rejected (HTTP 400): partial write: max-series-per-database limit exceeded: (1000000) dropped=2395',
    );
    expect(g?.means).toMatch(/series cardinality/);
    expect(g?.symptom).toBe(false);
  });
});
