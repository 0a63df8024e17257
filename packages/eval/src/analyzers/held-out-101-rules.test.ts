import { describe, expect, it } from 'vitest';
import { fromScan, mostSpecific } from '../scan-findings.js';
import { halfAppliedMigrationAnalyzer } from './half-applied-migration.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { productImagesAnalyzer } from './product-images.js';
import { rbacAnalyzer } from './rbac.js';
import { serviceLinkValueAnalyzer } from './service-links.js';
import { taskNamedPodsAnalyzer } from './task-named-pods.js';

// General rules written after held-out set 101's first contact (1 of 6), each with its table; the worlds'
// answers are in held-out-answers.test.ts.

// --- the scan's EnvValueQuoted, as the baseline takes it ---------------------------------------------------

describe('EnvValueQuoted: quotes that reach the program as part of a value', () => {
  const NS = 'design';
  const scanned = (value: string, task: string) => {
    const scan = observed(
      'scan',
      { namespace: NS },
      [
        `scan of namespace ${NS}: 1 finding(s), most likely root causes first`,
        `- Pod ${NS}/penpot-backend-rjvlbbfvgg-h56fg [EnvValueQuoted] container "penpot-backend" gets "PENPOT_FLAGS" with the quotes as part of the value`,
        '    container: penpot-backend',
        '    owner: Deployment/penpot-backend',
        `    evidence: env PENPOT_FLAGS value ${JSON.stringify(value)}`,
      ].join('\n'),
    );
    return fromScan({ task, ns: NS, hints: [], seen: [scan] } as never);
  };

  it('sets the variable without its quotes, and ranks it higher when its words are what the task says fails', () => {
    const value = '"enable-login-with-password enable-smtp"';
    const [asked] = scanned(value, 'nobody can sign in with their email and password; the login is refused');
    expect(asked?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'penpot-backend',
        container: 'penpot-backend',
        set: [{ name: 'PENPOT_FLAGS', value: 'enable-login-with-password enable-smtp' }],
      },
      text: 'set PENPOT_FLAGS of penpot-backend/penpot-backend without the surrounding quotes',
    });
    const [other] = scanned(value, 'the exports are slow');
    expect(asked!.weight - other!.weight).toBe(10);
  });
});

// --- service-link-value: the variable a traceback names ---------------------------------------------------

describe('service-link-value: a program that reads a Service link variable as its dependency port', () => {
  const NS = 'files';
  const POD = 'seafile-4wzqpcgdbp-jgrcg';
  const svc = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
      ['db', 'ClusterIP', '10.96.44.170', '3306/TCP', '210d'],
    ]),
  );
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, container: 'seafile' }).replace(
      'Status:           Running',
      'Status:           Running\nControlled By:    ReplicaSet/seafile-4wzqpcgdbp',
    ),
  );
  const traceback = (source: string) =>
    log(NS, POD, [
      'Traceback (most recent call last):',
      '  File "/scripts/utils.py", line 273, in wait_for_mysql',
      source,
      "ValueError: invalid literal for int() with base 10: 'tcp://10.96.44.170:3306'",
    ]);

  it("sets the variable the traceback names to the Service's port", () => {
    const [f] = serviceLinkValueAnalyzer.finds(
      ctx(NS, [svc, described, traceback("    db_port = int(get_conf('DB_PORT', 3306))")]),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'DB_PORT', value: '3306' }]);
    expect(f?.cause).toContain('the port of db, the Service it connects to');
  });

  it('takes nothing when no line names the variable and the error is not about a port', () => {
    expect(
      serviceLinkValueAnalyzer.finds(ctx(NS, [svc, described, traceback('    value = int(raw)')])),
    ).toEqual([]);
  });
});

// --- rbac: a refused peer discovery -----------------------------------------------------------------------

describe('rbac: a refused call of a cluster peer discovery', () => {
  const NS = 'iot';
  const refused = (prefix: string) =>
    log(NS, 'emqx-9txs8rf4c-86xsl', [
      `${prefix}{403,"{\\"message\\":\\"endpoints \\"emqx\\" is forbidden: User \\"system:serviceaccount:iot:emqx\\" cannot get resource \\"endpoints\\" in API group \\"\\" in the namespace \\"iot\\"\\",\\"code\\":403}"}`,
    ]);

  it('says each replica runs alone, and ranks it first when the task asks about the replicas together', () => {
    const [f] = rbacAnalyzer.finds(
      ctx(
        NS,
        [refused('[error] Ekka(AutoCluster): Discovery error: ')],
        'we scaled the broker to three replicas',
      ),
    );
    expect(f?.cause).toContain('one-node cluster');
    expect(f?.weight).toBe(96);
    const [g] = rbacAnalyzer.finds(
      ctx(NS, [refused('[error] Ekka(AutoCluster): Discovery error: ')], 'it is slow'),
    );
    expect(g?.weight).toBe(90);
  });

  it('keeps an ordinary refusal as it was', () => {
    const [f] = rbacAnalyzer.finds(
      ctx(NS, [refused('[error] lookup failed: ')], 'we scaled to three replicas'),
    );
    expect(f?.weight).toBe(85);
    expect(f?.cause).not.toContain('one-node cluster');
  });
});

// --- task-named-pods --------------------------------------------------------------------------------------

describe('task-named-pods: the pods the task names by their word, all running', () => {
  const NS = 'iot';
  const listed = pods(NS, [
    ['emqx-9txs8rf4c-86xsl', '1/1', 'Running', '0', '19h'],
    ['emqx-9txs8rf4c-chs54', '1/1', 'Running', '0', '19h'],
    ['emqx-9txs8rf4c-wll9f', '1/1', 'Running', '0', '19h'],
    ['mqtt-kafka-bridge-q4s7z7d46-ncnd7', '0/1', 'CreateContainerConfigError', '0', '2h'],
  ]);

  it('reads the first and the last of them', () => {
    expect(
      taskNamedPodsAnalyzer.reads(ctx(NS, [listed], 'All three emqx pods are Running and Ready.')),
    ).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'emqx-9txs8rf4c-86xsl' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'emqx-9txs8rf4c-wll9f' } },
    ]);
  });

  it('reads nothing for a common word, a failing pod, or pods already read', () => {
    expect(taskNamedPodsAnalyzer.reads(ctx(NS, [listed], 'all pods are fine'))).toEqual([]);
    expect(taskNamedPodsAnalyzer.reads(ctx(NS, [listed], 'the mqtt-kafka-bridge pods fail'))).toEqual([]);
    const read = log(NS, 'emqx-9txs8rf4c-86xsl', ['started']);
    expect(taskNamedPodsAnalyzer.reads(ctx(NS, [listed, read], 'the emqx pods'))).toEqual([]);
  });
});

// --- half-applied-migration -------------------------------------------------------------------------------

describe('half-applied-migration: a migration cut off by a kill', () => {
  const NS = 'kb';
  const POD = 'bookstack-lkkj9qjdb-g6xdn';
  const described = (events: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      `${describedPodText({ ns: NS, name: POD, container: 'bookstack' })}\n${events}`,
    );
  const crash = log(
    NS,
    POD,
    [
      '[bookstack-init] running php artisan migrate --force',
      '  2023_01_24_104625_refactor_joint_permissions_storage ............ 4ms FAIL',
      "  SQLSTATE[42S01]: Base table or view already exists: 1050 Table 'joint_permissions' already exists",
      '[bookstack-init] migrations failed, exiting',
    ],
    { previous: true },
  );
  const killed =
    'Events:\n  Normal    Killing     42m   kubelet   Container bookstack failed liveness probe, will be restarted';

  it('names the kill, the migration and the leftover table', () => {
    const [f] = halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killed), crash]));
    expect(f?.cause).toContain('killed by its liveness probe');
    expect(f?.cause).toContain('2023_01_24_104625_refactor_joint_permissions_storage');
    expect(f?.cause).toContain('the table joint_permissions');
    expect(f?.revisionSound).toBe(true);
  });

  it("reads PostgreSQL's wording", () => {
    const pg = log(NS, POD, ['Running migrations', 'ERROR: relation "users" already exists'], {
      previous: true,
    });
    expect(halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killed), pg]))[0]?.cause).toContain(
      'the relation (a table, an index or a sequence) users',
    );
  });

  it('says nothing without a kill, or without migrations', () => {
    expect(halfAppliedMigrationAnalyzer.finds(ctx(NS, [described('Events:  <none>'), crash]))).toEqual([]);
    const other = log(NS, POD, ["Table 'x' already exists"], { previous: true });
    expect(halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killed), other]))).toEqual([]);
  });
});

// --- a Job's log: the tool's own error over the wrapper's summary -----------------------------------------

describe("mostSpecific: a tool's own error line over a wrapper's summary", () => {
  it('takes the ERROR line, not the closing "step failed with exit code"', () => {
    expect(
      mostSpecific([
        '! ERROR Your docker registry has no repositories specified, and the',
        '- Failed to add account gcr-main for provider dockerRegistry.',
        "[install] step 'docker-registry' failed with exit code 1",
      ]),
    ).toBe('! ERROR Your docker registry has no repositories specified, and the');
  });

  it('still prefers a line with a detail after its verb, and falls back to the last line', () => {
    expect(mostSpecific(['ERROR something', 'failed to connect: connection refused', 'exit code 1'])).toBe(
      'failed to connect: connection refused',
    );
    expect(mostSpecific(['a', 'b'])).toBe('b');
  });
});

// --- product-images: a failing part of the product is read the usual way ---------------------------------

describe('product-images: only when every part of the product runs', () => {
  const NS = 'runbooks';
  const deployments = (ready: string) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ['st2api', '1/1', '1', '1', '20d', 'stackstorm/st2api:3.8'],
        ['st2actionrunner', ready, '1', '0', '20d', 'stackstorm/st2actionrunner:3.8'],
      ]),
    );
  const listed = pods(NS, [
    ['st2api-whrzkmmrr5-kn5jg', '1/1', 'Running', '0', '20d'],
    ['st2actionrunner-llx227dx8-2ncxm', '1/1', 'Running', '0', '20d'],
  ]);
  const task = 'Our StackStorm workflows hang.';

  it('reads nothing when a part of the product fails (its failing pods lead on)', () => {
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments('0/1'), listed], task))).toEqual([]);
  });

  it('reads the parts when all of them run', () => {
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments('1/1'), listed], task)).length).toBe(2);
  });
});
