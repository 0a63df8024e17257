// Table tests of the rules written after held-out set 27's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { dnsAnalyzer } from './dns.js';
import { jvmEntropyAnalyzer } from './jvm-entropy.js';
import { logGloss } from './log-glosses.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { mysqlTableCaseAnalyzer } from './mysql-table-case.js';
import { ctx, observed } from './observed.fixture.js';

describe('dns: CoreDNS OOM-killed at its memory limit', () => {
  const seen = (reason: string) => [
    observed(
      'get_pod_logs',
      { namespace: 'crawl', name: 'crawler-1' },
      'WARN lookup x.example.net on 10.96.0.10:53: i/o timeout',
    ),
    observed(
      'list_pods',
      { namespace: 'kube-system' },
      'NAME                       READY   STATUS             RESTARTS   AGE\ncoredns-42l9vbkvpk-vhhmr   0/1     CrashLoopBackOff   7          9d',
    ),
    observed(
      'describe_pod',
      { namespace: 'kube-system', name: 'coredns-42l9vbkvpk-vhhmr' },
      `Name: coredns-42l9vbkvpk-vhhmr\nControlled By:    ReplicaSet/coredns-42l9vbkvpk\nContainers:\n  coredns:\n    Image: coredns:1.11\n    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       ${reason}\n      Exit Code:    137\n    Limits:\n      memory:  170Mi\n`,
    ),
  ];
  it('the limit is the fault: twice it is the fix', () => {
    const [f] = dnsAnalyzer.finds(ctx('crawl', seen('OOMKilled')));
    expect(f?.cause).toMatch(/OOMKilled \(exit code 137\) at its 170Mi memory limit/);
    expect(f?.fix).toMatchObject({
      tool: 'set_resources',
      args: {
        namespace: 'kube-system',
        deployment: 'coredns',
        container: 'coredns',
        limits: { memory: '340Mi' },
      },
    });
  });
  it('no memory fix for another crash', () => {
    expect(dnsAnalyzer.finds(ctx('crawl', seen('Error')))[0]?.fix).toBeUndefined();
  });
});

describe('jvm-entropy: a JVM blocked seeding SecureRandom from /dev/random', () => {
  const seen = (line: string, opts = '-Xmx768m') => [
    observed('get_pod_logs', { namespace: 'edge', name: 'gw-5d8c7b9f4d-abcde' }, `INFO starting\n${line}`),
    observed(
      'describe_pod',
      { namespace: 'edge', name: 'gw-5d8c7b9f4d-abcde' },
      `Name: gw-5d8c7b9f4d-abcde\nControlled By:    ReplicaSet/gw-5d8c7b9f4d\nContainers:\n  gateway:\n    Image: gw:1\n    Environment:\n      JAVA_OPTS:  ${opts}\n`,
    ),
  ];
  it('adds the urandom seed source to the JVM options the container sets', () => {
    const [f] = jvmEntropyAnalyzer.finds(
      ctx(
        'edge',
        seen(
          'WARN still starting; main thread in sun.security.provider.SeedGenerator$URLSeedGenerator.getSeedBytes reading file:/dev/random',
        ),
      ),
    );
    expect(f?.fix?.args).toMatchObject({
      deployment: 'gw',
      container: 'gateway',
      set: [{ name: 'JAVA_OPTS', value: '-Xmx768m -Djava.security.egd=file:/dev/./urandom' }],
    });
  });
  it('no fix when the option is already there, nothing without the blocked seed', () => {
    const line = 'main thread in sun.security.provider.SeedGenerator.getSeedBytes';
    expect(
      jvmEntropyAnalyzer.finds(ctx('edge', seen(line, '-Djava.security.egd=file:/dev/urandom')))[0]?.fix,
    ).toBeUndefined();
    expect(jvmEntropyAnalyzer.finds(ctx('edge', seen('INFO started in 4.2s')))).toEqual([]);
  });
});

describe('mysql-table-case: a table named in another case on a case-sensitive server', () => {
  const app = observed(
    'get_pod_logs',
    { namespace: 'cms', name: 'cms-web-5d8c7b9f4d-abcde' },
    "FATAL SQLSTATE[42S02]: Base table or view not found: 1146 Table 'cms.Migrations' doesn't exist",
  );
  const describe_ = observed(
    'describe_pod',
    { namespace: 'cms', name: 'cms-web-5d8c7b9f4d-abcde' },
    'Name: cms-web-5d8c7b9f4d-abcde\nContainers:\n  web:\n    Environment:\n      DB_HOST:  cms-mysql\n',
  );
  const pods = observed(
    'list_pods',
    { namespace: 'cms' },
    'NAME                        READY   STATUS    RESTARTS   AGE\ncms-mysql-bf47vzfv2s-h888b   1/1     Running   0          14h\ncms-web-5d8c7b9f4d-abcde    0/1     CrashLoopBackOff   5   1h',
  );
  const server = observed(
    'get_pod_logs',
    { namespace: 'cms', name: 'cms-mysql-bf47vzfv2s-h888b' },
    '[Note] [Server] lower_case_table_names=0 (case-sensitive table names)\n[Note] restore: created 46 tables in `cms` (articles, migrations, pages)',
  );
  it("reads the database's log (the pod its DB_HOST names)", () => {
    expect(mysqlTableCaseAnalyzer.reads(ctx('cms', [app, describe_, pods]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'cms', name: 'cms-mysql-bf47vzfv2s-h888b' } },
    ]);
  });
  it('the code asks for Migrations, the server holds migrations', () => {
    expect(mysqlTableCaseAnalyzer.finds(ctx('cms', [app, server]))[0]?.cause).toMatch(
      /asks for `Migrations`[\s\S]*holds `migrations`[\s\S]*lower_case_table_names=0/,
    );
  });
  it('nothing without the server saying so, or for a lower-case name', () => {
    expect(mysqlTableCaseAnalyzer.finds(ctx('cms', [app]))).toEqual([]);
    const lower = observed(
      'get_pod_logs',
      { namespace: 'cms', name: 'w' },
      "Table 'cms.migrations' doesn't exist",
    );
    expect(mysqlTableCaseAnalyzer.finds(ctx('cms', [lower, server]))).toEqual([]);
  });
});

describe('glosses from set 27', () => {
  it.each([
    [
      '[WARN ][o.e.b.JNANatives] Unable to lock JVM Memory: error=12, reason=Cannot allocate memory',
      /RLIMIT_MEMLOCK/,
    ],
    [
      'bootstrap check failure: memory locking requested for elasticsearch process but memory is not locked',
      /memory_lock/,
    ],
  ])('%s', (line, want) => {
    expect(logGloss(line)).toMatch(want);
  });
});

describe('selectorless-service: a Service whose Endpoints another controller writes', () => {
  const svc = observed(
    'describe_service',
    { namespace: 'db', name: 'tsdb' },
    'Name:              tsdb\nSelector:          <none>\nEndpoints:         10.244.0.13:5432\n',
  );
  const ep = (annotations: string) =>
    observed(
      'describe_resource',
      { kind: 'Endpoints', name: 'tsdb', namespace: 'db' },
      `Name:         tsdb\nAnnotations:  ${annotations}\nSubsets:\n  0.addresses[0].ip: 10.244.0.13\n  0.addresses[0].targetRef.name: tsdb-0\n`,
    );
  const task = 'the linter says Service tsdb has no selector, should we add a selector?';
  it('reads the Endpoints of the selector-less Service', () => {
    expect(misconceptionsAnalyzer.reads(ctx('db', [svc], task))).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'Endpoints', name: 'tsdb', namespace: 'db' },
    });
  });
  it("Patroni's annotations: it points at the primary by design", () => {
    expect(
      misconceptionsAnalyzer.notes!(ctx('db', [svc, ep('leader=tsdb-0,optime=1')], task)).join(),
    ).toMatch(/no selector on purpose[\s\S]*Patroni[\s\S]*primary[\s\S]*no change is needed/);
    expect(misconceptionsAnalyzer.notes!(ctx('db', [svc, ep('<none>')], task)).join()).toMatch(
      /maintained by the controller that owns it/,
    );
  });
});
