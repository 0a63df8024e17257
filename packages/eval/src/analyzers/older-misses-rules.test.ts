import { describe, expect, it } from 'vitest';
import { missingVariableSaid } from '../baseline/reading.js';
import { forbidsRollback } from '../baseline-model.js';
import { duplicateEntryNamesAnalyzer } from './duplicate-entry-names.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { seededElsewhereAnalyzer } from './seeded-elsewhere.js';
import { staleCrdAnalyzer } from './stale-crd.js';

// Rules for misses of sets 91 and 92 (KubeRay, K8ssandra, Discourse, Backstage), each written as a
// general rule with its own table here; the worlds' answers are in held-out-answers.test.ts.

const quietScan = (ns: string) =>
  observed('scan', { namespace: ns }, `scan of namespace ${ns}: no problems found`);
const found = (rows: string[][]) =>
  observed(
    'find_objects',
    { name: rows[0]![2] },
    table([['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'], ...rows]),
  );

const rayCluster = (second: string, events = true) =>
  observed(
    'describe_resource',
    { kind: 'RayCluster', name: 'llm-eval', namespace: 'ml' },
    [
      'Name:         llm-eval',
      'Namespace:    ml',
      'Kind:         RayCluster (ray.io/v1)',
      'Spec:',
      '  workerGroupSpecs[0].groupName: workers',
      '  workerGroupSpecs[0].replicas: 4',
      '  workerGroupSpecs[0].template.spec.containers[0].name: ray-worker',
      `  workerGroupSpecs[1].groupName: ${second}`,
      '  workerGroupSpecs[1].replicas: 2',
      '  workerGroupSpecs[1].template.spec.containers[0].name: ray-worker',
      'Status:',
      '  state: ready',
      'Events:',
      '  Type     Reason             Age   From                    Message',
      ...(events
        ? [
            '  Normal   CreatedWorkerPod   6s    raycluster-controller   Created worker Pod ml/llm-eval-workers-worker-9mdrq',
            '  Normal   DeletedWorkerPod   14s   raycluster-controller   Deleted worker Pod ml/llm-eval-workers-worker-f8n3c',
          ]
        : []),
    ].join('\n'),
  );

describe('duplicate-entry-names: two entries of one list in a custom resource share a name', () => {
  const target = found([['RayCluster', 'ml', 'llm-eval', '-', '51d']]);

  it('reads the named custom object when the scan of its namespace found nothing', () => {
    expect(duplicateEntryNamesAnalyzer.reads(ctx('ml', [target, quietScan('ml')]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'RayCluster', name: 'llm-eval', namespace: 'ml' } },
    ]);
    // A scan with findings has its own leads; an object found under another name is not the target.
    expect(duplicateEntryNamesAnalyzer.reads(ctx('ml', [target]))).toEqual([]);
    const partial = observed(
      'find_objects',
      { name: 'llm' },
      table([
        ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
        ['RayCluster', 'ml', 'llm-eval', '-', '51d'],
      ]),
    );
    expect(duplicateEntryNamesAnalyzer.reads(ctx('ml', [partial, quietScan('ml')]))).toEqual([]);
  });

  it.each([
    ['the same groupName twice', 'workers', true],
    ['distinct group names', 'gpu-workers', false],
  ])('%s', (_, second, fires) => {
    const f = duplicateEntryNamesAnalyzer.finds(ctx('ml', [target, rayCluster(second)]));
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain('2 entries of spec.workerGroupSpecs with the same groupName "workers"');
      expect(f[0]!.cause).toContain('entries 0 and 1, replicas 4 and 2');
      expect(f[0]!.cause).toContain('creating 1 and deleting 1 pods in turn');
      expect(f[0]!.advice).toContain('rename the entry added last, entry 1');
    }
  });

  it('containers of the same name in two different entries are not a clash', () => {
    const f = duplicateEntryNamesAnalyzer.finds(ctx('ml', [rayCluster('gpu-workers', false)]));
    expect(f).toEqual([]);
  });

  it('leaves out the churn when the events show none', () => {
    const f = duplicateEntryNamesAnalyzer.finds(ctx('ml', [rayCluster('workers', false)]));
    expect(f[0]!.cause).not.toContain('events show');
  });

  it('a built-in kind is left to its own analyzers', () => {
    const d = observed(
      'describe_resource',
      { kind: 'Deployment', name: 'web', namespace: 'ml' },
      'Name: web\nSpec:\n  containers[0].name: app\n  containers[1].name: app',
    );
    expect(duplicateEntryNamesAnalyzer.finds(ctx('ml', [d]))).toEqual([]);
  });

  it('does bounded work on a huge description', () => {
    const big = observed(
      'describe_resource',
      { kind: 'RayCluster', name: 'x', namespace: 'ml' },
      `Spec:\n${`  a[1].name: ${'['.repeat(50_000)}\n`.repeat(40)}`,
    );
    const plain = observed(
      'describe_resource',
      { kind: 'RayCluster', name: 'x', namespace: 'ml' },
      `Spec:\n${`  a[1].name: ${'x'.repeat(50_000)}\n`.repeat(40)}`,
    );
    expectBounded(
      () => duplicateEntryNamesAnalyzer.finds(ctx('ml', [big])),
      () => duplicateEntryNamesAnalyzer.finds(ctx('ml', [plain])),
    );
  });
});

const REFUSAL =
  '2026-10-05T13:39:12.440Z\tERROR\tReconciler error\t{"controller": "k8ssandracluster", "error": "CassandraDatacenter.cassandra.datastax.com \\"dc1\\" is invalid: type: Required value"}';
const crds = observed(
  'list_resources',
  { kind: 'CustomResourceDefinition' },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['cassandradatacenters.cassandra.datastax.com', '-', '1220d'],
    ['k8ssandraclusters.k8ssandra.io', '-', '21h'],
  ]),
);
const deployments = (tag: string) =>
  observed(
    'list_deployments',
    { namespace: 'k8ssandra' },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ['k8ssandra-operator', '1/1', '1', '1', '22h', 'cr.k8ssandra.io/k8ssandra/k8ssandra-operator:v1.20.1'],
      ['k8ssandra-cass-operator', '1/1', '1', '1', '22h', `cr.k8ssandra.io/k8ssandra/cass-operator:${tag}`],
    ]),
  );
const crd = (labels: string, annotations = '<none>') =>
  observed(
    'describe_resource',
    { kind: 'CustomResourceDefinition', name: 'cassandradatacenters.cassandra.datastax.com' },
    [
      'Name:         cassandradatacenters.cassandra.datastax.com',
      'Kind:         CustomResourceDefinition (apiextensions.k8s.io/v1)',
      `Labels:       ${labels}`,
      `Annotations:  ${annotations}`,
      'Age:          1220d',
      'Spec:',
      '  group: cassandra.datastax.com',
    ].join('\n'),
  );
const opLog = log('k8ssandra', 'k8ssandra-operator-z9g5srmfg-kjlcj', ['starting', REFUSAL]);

describe('stale-crd: an operator refused by a CRD an older install left', () => {
  it("reads the deployments and the CRDs, then the refused kind's CRD", () => {
    expect(staleCrdAnalyzer.reads(ctx('k8ssandra', [opLog]))).toEqual([
      { tool: 'list_deployments', args: { namespace: 'k8ssandra' } },
      { tool: 'list_resources', args: { kind: 'CustomResourceDefinition' } },
    ]);
    expect(staleCrdAnalyzer.reads(ctx('k8ssandra', [opLog, crds, deployments('v1.22.4')]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'CustomResourceDefinition', name: 'cassandradatacenters.cassandra.datastax.com' },
      },
    ]);
  });

  it.each([
    [
      'an older version label',
      'app.kubernetes.io/name=cass-operator,app.kubernetes.io/version=1.4.1',
      '<none>',
      'v1.22.4',
      true,
    ],
    [
      'the same version',
      'app.kubernetes.io/name=cass-operator,app.kubernetes.io/version=1.22.4',
      '<none>',
      'v1.22.4',
      false,
    ],
    [
      'a newer CRD than the operator',
      'app.kubernetes.io/name=cass-operator,app.kubernetes.io/version=1.30.0',
      '<none>',
      'v1.22.4',
      false,
    ],
    [
      'no labels, but a Helm release of another namespace',
      '<none>',
      'meta.helm.sh/release-namespace=legacy-cass',
      'v1.22.4',
      true,
    ],
    [
      "no labels, its own namespace's release",
      '<none>',
      'meta.helm.sh/release-namespace=k8ssandra',
      'v1.22.4',
      false,
    ],
  ])('%s', (_, labels, annotations, tag, fires) => {
    const f = staleCrdAnalyzer.finds(
      ctx('k8ssandra', [opLog, crds, deployments(tag), crd(labels, annotations)]),
    );
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain('the API server refuses CassandraDatacenter "dc1"');
      expect(f[0]!.cause).toContain('CustomResourceDefinition cassandradatacenters.cassandra.datastax.com');
    }
  });

  it('names the older release and the running one', () => {
    const f = staleCrdAnalyzer.finds(
      ctx('k8ssandra', [
        opLog,
        crds,
        deployments('v1.22.4'),
        crd(
          'app.kubernetes.io/name=cass-operator,app.kubernetes.io/version=1.4.1',
          'meta.helm.sh/release-namespace=legacy-cass',
        ),
      ]),
    );
    expect(f[0]!.cause).toContain('cass-operator 1.4.1, Helm release in namespace legacy-cass, 1220d old');
    expect(f[0]!.cause).toContain('image cr.k8ssandra.io/k8ssandra/cass-operator:v1.22.4');
  });

  it("a Kubernetes kind's refusal is left to that kind's analyzers", () => {
    const l = log('k8ssandra', 'op', [
      'error: Ingress.networking.k8s.io "web" is invalid: spec.rules[0].host: Invalid value',
    ]);
    expect(staleCrdAnalyzer.reads(ctx('k8ssandra', [l]))).toEqual([]);
  });

  it('does bounded work on hostile log lines', () => {
    const l = log('k8ssandra', 'op', [
      `A.b.c ${'"'.repeat(100_000)} is invalid: `,
      `${'Ab.'.repeat(30_000)}`,
    ]);
    const plain = log('k8ssandra', 'op', ['x'.repeat(100_030), 'y'.repeat(90_000)]);
    expectBounded(
      () => staleCrdAnalyzer.reads(ctx('k8ssandra', [l])),
      () => staleCrdAnalyzer.reads(ctx('k8ssandra', [plain])),
    );
  });
});

const DUP = [
  'discourse 11:15:50.68 INFO  ==> Populating database',
  'rake aborted!',
  'ActiveRecord::RecordNotUnique: PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint "index_users_on_username_lower"',
  'DETAIL:  Key (username_lower)=(forumadmin) already exists.',
];
const restartedPod = (host: string) =>
  observed(
    'describe_pod',
    { namespace: 'forum', name: 'discourse-abc12-x1y2z' },
    describedPodText({
      ns: 'forum',
      name: 'discourse-abc12-x1y2z',
      container: 'discourse',
      env: { DISCOURSE_DATABASE_HOST: host, DISCOURSE_HOST: 'forum.example.org' },
    }).replace('Containers:', 'Containers:\n  Last State:     Terminated'),
  );
const services = observed(
  'list_services',
  { namespace: 'forum' },
  table([
    ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
    ['postgresql', 'ClusterIP', '10.96.0.9', '5432/TCP', '2h'],
  ]),
);

describe("seeded-elsewhere: a new install seeds another namespace's populated database", () => {
  const logs = log('forum', 'discourse-abc12-x1y2z', DUP, { previous: true });

  it.each([
    ['a Service of another namespace (.svc)', 'postgresql.staging.svc.cluster.local', true],
    ["the namespace's own Service", 'postgresql.forum.svc.cluster.local', false],
    ['a short name', 'postgresql', false],
    ['an external host that looks like service.namespace', 'db.example.com', false],
  ])('%s', (_, host, fires) => {
    const f = seededElsewhereAnalyzer.finds(ctx('forum', [restartedPod(host), logs, services]));
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain('its DISCOURSE_DATABASE_HOST is postgresql.staging.svc.cluster.local');
      expect(f[0]!.cause).toContain("not this namespace's own postgresql Service in forum");
      expect(f[0]!.cause).toContain('already exists');
      expect(f[0]!.advice).toContain('point DISCOURSE_DATABASE_HOST at postgresql in forum');
    }
  });

  it("lists the namespace's Services once it has a lead", () => {
    expect(
      seededElsewhereAnalyzer.reads(ctx('forum', [restartedPod('postgresql.staging.svc'), logs])),
    ).toEqual([{ tool: 'list_services', args: { namespace: 'forum' } }]);
  });

  it('a duplicate key without a host elsewhere is not this family', () => {
    const f = seededElsewhereAnalyzer.finds(ctx('forum', [restartedPod('postgresql'), logs]));
    expect(f).toEqual([]);
  });

  it('MySQL and MongoDB say it their own way', () => {
    for (const line of [
      "ERROR 1062 (23000): Duplicate entry 'admin' for key 'users.username'",
      'MongoServerError: E11000 duplicate key error collection: app.users index: email_1 dup key',
    ]) {
      const l = log('forum', 'discourse-abc12-x1y2z', [line], { previous: true });
      expect(seededElsewhereAnalyzer.finds(ctx('forum', [restartedPod('db.other.svc'), l]))).toHaveLength(1);
    }
  });
});

describe('a progress line that names variables is not a report of one missing', () => {
  it.each([
    ['discourse 11:15:50.21 INFO  ==> Validating settings in DISCOURSE_* env vars...', false],
    ['Checking environment variables', false],
    ['Validating env vars: DATABASE_URL is not set', true],
    ['environment variable DATABASE_URL is required', true],
  ])('%s', (line, missing) => {
    expect(missingVariableSaid(line) !== undefined).toBe(missing);
  });
});

describe('forbidsRollback: the person rules a rollback out', () => {
  it.each([
    ['We cannot roll back: the release carries a security fix.', true],
    ["We can't roll this back.", true],
    ['Do not roll back the deployment.', true],
    ['Rolling back is not an option.', true],
    ['no rollback please', true],
    ['Roll back if you must.', false],
    ['It broke after the rollout; a rollback is fine.', false],
    ['The canary rolled back by itself at 10:00.', false],
  ])('%s', (task, forbids) => {
    expect(forbidsRollback(task)).toBe(forbids);
  });
});
