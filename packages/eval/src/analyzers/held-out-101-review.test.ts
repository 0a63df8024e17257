// A review of the held-out-101 rules (the scan's EnvValueQuoted with fromScan's quotedEnv / quotedNamesTask /
// quotedFix, service-link-value's readsIt, rbac's peer discovery, task-named-pods, half-applied-migration,
// fromScan's mostSpecific / withContinuation / "the steps after it never ran", and product-images' readiness
// gate) by a reviewer who did not write them. A test with a "Found in review, fixed" line above it showed a bug
// (21 in all), fixed after the review; the others document attacks the rules survived. Inputs are made
// up, never taken from a held-out world.
import { ANALYZERS, analyze, type Facts, formatFindings } from '@sre-harness/tools-k8s';
import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { fromScan, mostSpecific } from '../scan-findings.js';
import { halfAppliedMigrationAnalyzer } from './half-applied-migration.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { productImagesAnalyzer } from './product-images.js';
import { rbacAnalyzer } from './rbac.js';
import { serviceLinkValueAnalyzer } from './service-links.js';
import { taskNamedPodsAnalyzer } from './task-named-pods.js';

// --- env-quoted (the scan) and its reading by fromScan ---------------------------------------------------

describe('env-quoted (review)', () => {
  const NS = 'design';
  const POD = 'penpot-backend-rjvlbbfvgg-h56fg';
  const ENV_QUOTED = ANALYZERS.filter((a) => a.name === 'env-quoted');
  const facts = (objects: Record<string, unknown[]>): Facts => ({
    namespace: NS,
    now: new Date('2026-12-07T00:00:00Z'),
    list: <T>(kind: string) => (objects[kind] ?? []) as T[],
    read: () => true,
    eventsFor: () => [],
  });
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'penpot-backend-rjvlbbfvgg',
      namespace: NS,
      ownerReferences: [{ kind: 'Deployment', name: 'penpot-backend', controller: true }],
    },
  };
  const podWith = (
    containers: unknown[],
    initContainers: unknown[] = [],
    owner = 'penpot-backend-rjvlbbfvgg',
  ) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: POD,
      namespace: NS,
      ownerReferences: [
        { kind: owner.includes('-') ? 'ReplicaSet' : 'StatefulSet', name: owner, controller: true },
      ],
    },
    spec: { containers, initContainers },
    status: { phase: 'Running' },
  });
  /** The scan's text for one pod, as the `scan` tool prints it. */
  const scanText = (containers: unknown[], initContainers: unknown[] = [], owner?: string) =>
    formatFindings(
      analyze(
        facts({ Pod: [podWith(containers, initContainers, owner)], ReplicaSet: [replicaSet] }),
        ENV_QUOTED,
      ),
      {
        scope: `namespace ${NS}`,
      },
    );
  const app = (env: unknown[], extra: Record<string, unknown> = {}) => ({
    name: 'backend',
    image: 'penpotapp/backend:2.0',
    env,
    ...extra,
  });
  const baseline = (text: string, task = 'the login is refused') =>
    fromScan({ task, ns: NS, hints: [], seen: [observed('scan', { namespace: NS }, text)] } as never);

  it('takes a single-quoted value too, and the fix drops exactly the one pair of quotes', () => {
    const [f] = baseline(
      scanText([app([{ name: 'PENPOT_PUBLIC_URI', value: "'https://penpot.example.com'" }])]),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'PENPOT_PUBLIC_URI', value: 'https://penpot.example.com' }]);
  });

  it('leaves JSON, a quoted empty string, valueFrom and quotes inside the value alone', () => {
    expect(
      scanText([
        app([
          { name: 'A', value: '{"a":"b"}' },
          { name: 'B', value: '""' },
          { name: 'C', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          { name: 'D', value: '"a" "b"' },
          { name: 'E', value: 'plain' },
        ]),
      ]),
    ).toContain('no problems found');
  });

  it("hides a secret-named variable's value and gives no fix that would need it", () => {
    const text = scanText([app([{ name: 'DB_PASSWORD', value: "'hunter2'" }])]);
    expect(text).not.toContain('hunter2');
    const [f] = baseline(text);
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: the scan's SECRET_NAME (`pass|secret|token|key|cred|auth|cert|private`) misses credentials the tools' own SECRET_NAME hides (`pwd`) and credentials inside a URL or DSN, so a quoted `MYSQL_PWD` or `DATABASE_URL` prints its password in the finding's message and evidence.
  it('never prints a password held in MYSQL_PWD or in a DATABASE_URL', () => {
    const text = scanText([
      app([
        { name: 'DATABASE_URL', value: '"postgres://penpot:hunter2@db:5432/penpot"' },
        { name: 'MYSQL_PWD', value: "'hunter2'" },
      ]),
    ]);
    expect(text).toContain('EnvValueQuoted');
    expect(text).not.toContain('hunter2');
  });

  // Found in review, fixed: quotedFix sets only the first quoted variable (`TZ`) while the rank bonus came from the second (`PENPOT_FLAGS`, whose words are the task's), so the strongest finding's fix leaves the variable that breaks the login quoted.
  it('fixes every quoted variable it lists (the one the task names among them)', () => {
    const [f] = baseline(
      scanText([
        app([
          { name: 'TZ', value: '"UTC"' },
          { name: 'PENPOT_FLAGS', value: '"enable-login-with-password enable-smtp"' },
        ]),
      ]),
      'nobody can sign in with their email and password',
    );
    expect(f?.fix?.args['set']).toEqual(
      expect.arrayContaining([{ name: 'PENPOT_FLAGS', value: 'enable-login-with-password enable-smtp' }]),
    );
  });

  // Found in review, fixed: a value whose quotes a shell strips on purpose (`sh -c "exec app $(FLAGS)"`: Kubernetes expands $(FLAGS) into the script and the shell removes the quotes) is reported as quotes the program takes literally, and the fix would change a working value.
  it('leaves a value the container hands to `sh -c` through $(NAME), where the shell strips the quotes', () => {
    const text = scanText([
      app([{ name: 'FLAGS', value: '"--workers 4 --log-level info"' }], {
        command: ['sh', '-c', 'exec backend $(FLAGS)'],
      }),
    ]);
    expect(text).toContain('no problems found');
  });

  // Found in review, fixed: quotedValues compares the value's first and last characters, so a quoted value with the trailing newline of a YAML block scalar (`value: |`) is missed, though the program still gets both quotes.
  it('takes a quoted value that ends in the newline of a YAML block scalar', () => {
    const text = scanText([
      app([{ name: 'PENPOT_FLAGS', value: '"enable-login-with-password enable-smtp"\n' }]),
    ]);
    expect(text).toContain('EnvValueQuoted');
  });

  // Found in review, fixed: the scan stops at the first container with a quoted value, init containers first, so an init container's harmless quoted message hides the app container's quoted flags: the finding, its task bonus and its fix all name the init container.
  it("reports the app container's quoted flags when an init container also has a quoted value", () => {
    const text = scanText(
      [app([{ name: 'PENPOT_FLAGS', value: '"enable-login-with-password enable-smtp"' }])],
      [{ name: 'wait-db', image: 'busybox', env: [{ name: 'MSG', value: '"waiting for the database"' }] }],
    );
    expect(text).toContain('PENPOT_FLAGS');
  });

  // Found in review, fixed: quotedNamesTask counts any two shared words of four letters or more, function words included, so a banner text sharing only "this" and "will" with the task gets the +10 of a value that names what fails.
  it('gives no task bonus for function words shared with the task', () => {
    const text = scanText([
      app([{ name: 'BANNER', value: '"Maintenance: this site will be down on Sunday"' }]),
    ]);
    const [asked] = baseline(text, 'this page will not load for anyone');
    const [other] = baseline(text, 'exports are slow');
    expect(asked!.weight).toBe(other!.weight);
  });

  it('gives no task bonus for a single shared word, and none to a StatefulSet pod a set_env cannot fix', () => {
    const text = scanText([app([{ name: 'PENPOT_FLAGS', value: '"enable-login-with-password"' }])]);
    expect(baseline(text, 'the login page')[0]!.weight).toBe(baseline(text, 'exports are slow')[0]!.weight);
    const sts = scanText([app([{ name: 'PENPOT_FLAGS', value: '"a b"' }])], [], 'penpot');
    expect(sts).toContain('owner: StatefulSet/penpot');
    expect(baseline(sts)[0]?.fix).toBeUndefined();
  });

  it('reads a hand-written or hostile evidence line without crashing or fixing', () => {
    const text = [
      `scan of namespace ${NS}: 1 finding(s), most likely root causes first`,
      `- Pod ${NS}/${POD} [EnvValueQuoted] container "backend" gets "X" with the quotes as part of the value`,
      '    container: backend',
      '    owner: Deployment/penpot-backend',
      '    evidence: env X value "\\"unterminated',
      `    evidence: env Y value "${'\\'.repeat(9999)}"`,
      '    evidence: env Z value 42',
    ].join('\n');
    const [f] = baseline(text);
    expect(f?.fix).toBeUndefined();
  });

  it('cuts a long value by code point in its message', () => {
    const text = scanText([app([{ name: 'GREETING', value: `"${'😀'.repeat(300)}"` }])]);
    const message = text.split('\n')[1]!;
    expect(message).toContain('EnvValueQuoted');
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(message)).toBe(
      false,
    );
  });
});

// --- service-link-value: readsIt ---------------------------------------------------------------------------

describe('service-link-value readsIt (review)', () => {
  const NS = 'files';
  const POD = 'seafile-4wzqpcgdbp-jgrcg';
  const svc = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
      ['db', 'ClusterIP', '10.96.44.170', '3306/TCP,33060/TCP', '210d'],
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

  it("takes the Service's first port (the one its link variable carries) for a multi-port Service", () => {
    const [f] = serviceLinkValueAnalyzer.finds(
      ctx(NS, [
        svc,
        described,
        log(NS, POD, [
          'Traceback (most recent call last):',
          "    db_port = int(os.environ.get('DB_PORT', '3306'))",
          "ValueError: invalid literal for int() with base 10: 'tcp://10.96.44.170:3306'",
        ]),
      ]),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'DB_PORT', value: '3306' }]);
  });

  it('does not take a variable named far above the refusal (an unrelated earlier line)', () => {
    expect(
      serviceLinkValueAnalyzer.finds(
        ctx(NS, [
          svc,
          described,
          log(NS, POD, [
            'config: DB_PORT read from the environment',
            'a',
            'b',
            'c',
            'd',
            'e',
            "ValueError: invalid literal for int() with base 10: 'tcp://10.96.44.170:3306'",
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: readsIt looks only at the four lines before the refusal, and `\bport\b` does not match inside `DB_PORT`, so the commonest shape — the error line itself naming the variable (`invalid value for DB_PORT: "tcp://…"`) — gives no finding at all.
  it('takes an error line that names the variable itself', () => {
    const [f] = serviceLinkValueAnalyzer.finds(
      ctx(NS, [
        svc,
        described,
        log(NS, POD, ['starting seafile', 'Error: invalid value for DB_PORT: "tcp://10.96.44.170:3306"']),
      ]),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'DB_PORT', value: '3306' }]);
  });

  it('costs no more on many long lines of near-misses than on plain lines', () => {
    const near = Array.from(
      { length: 3000 },
      (_, i) => `${'DB_POR'.repeat(300)} tcp://10.96.44.${i % 250}:x invalid`,
    );
    const plain = Array.from({ length: 3000 }, () => 'x'.repeat(1800 + 28));
    expectBounded(
      () => serviceLinkValueAnalyzer.finds(ctx(NS, [svc, described, log(NS, POD, near)])),
      () => serviceLinkValueAnalyzer.finds(ctx(NS, [svc, described, log(NS, POD, plain)])),
    );
  });
});

// --- rbac: peer discovery -----------------------------------------------------------------------------------

describe('rbac peer discovery (review)', () => {
  const NS = 'iot';
  const refusal = (sa: string, resource = 'endpoints') =>
    `${resource} "x" is forbidden: User "system:serviceaccount:${NS}:${sa}" cannot list resource "${resource}" in API group "" in the namespace "${NS}"`;

  it('does not take discovery words from a refusal of another resource', () => {
    const [f] = rbacAnalyzer.finds(
      ctx(
        NS,
        [
          log(NS, 'emqx-0', [
            `[error] lookup failed: ${refusal('emqx', 'configmaps')}`,
            `[error] Ekka(AutoCluster): Discovery error: ${refusal('emqx', 'pods')}`,
          ]),
        ],
        'we scaled to three replicas',
      ),
    );
    expect(f?.cause).not.toContain('one-node cluster');
    expect(f?.weight).toBe(85);
  });

  // Found in review, fixed: `discovery` is looked for in every pod's log by resource name only, so when Prometheus' list of endpoints is the first refusal and EMQX's discovery is refused the same resource, the finding blames Prometheus' ServiceAccount with "each replica runs as a one-node cluster" at weight 96.
  it('says peer discovery only of the ServiceAccount whose log says it', () => {
    const [f] = rbacAnalyzer.finds(
      ctx(
        NS,
        [
          log(NS, 'prometheus-7d9f8b6c5d-x2x2x', [
            `level=error msg="failed to list *v1.Endpoints: ${refusal('prometheus')}"`,
          ]),
          log(NS, 'emqx-0', [`[error] Ekka(AutoCluster): Discovery error: ${refusal('emqx')}`]),
        ],
        'the broker replicas do not cluster',
      ),
    );
    expect(f?.object).toBe('serviceaccount prometheus');
    expect(f?.cause).not.toContain('one-node cluster');
  });

  // Found in review, fixed: PEER_DISCOVERY must be on the refusal's own line, so Hazelcast's two-line wording ("Kubernetes API access is forbidden! Starting standalone. To use Hazelcast Kubernetes discovery…" then the RestClientException with the API server's sentence) is an ordinary refusal at 85.
  it("reads Hazelcast's standalone start as a refused peer discovery", () => {
    const [f] = rbacAnalyzer.finds(
      ctx(
        NS,
        [
          log(NS, 'hazelcast-0', [
            'WARNING: [10.244.1.7]:5701 [dev] [5.3.6] Kubernetes API access is forbidden! Starting standalone. To use Hazelcast Kubernetes discovery, configure the required RBAC.',
            `com.hazelcast.kubernetes.RestClientException: Failure executing: GET at: https://kubernetes.default.svc/api/v1/namespaces/${NS}/endpoints. Status: 403. Message: Forbidden! ${refusal('hazelcast')}`,
          ]),
        ],
        'the three hazelcast members do not see each other',
      ),
    );
    expect(f?.cause).toContain('one-node cluster');
  });

  // Found in review, fixed: `together` takes any "cluster" or "node" in the task, so "since the cluster upgrade" (the Kubernetes cluster) ranks the discovery refusal as what the person asks about (96), though the task says nothing of replicas working together.
  it('does not read "the cluster upgrade" as a question about the replicas together', () => {
    const [f] = rbacAnalyzer.finds(
      ctx(
        NS,
        [log(NS, 'emqx-0', [`[error] Ekka(AutoCluster): Discovery error: ${refusal('emqx')}`])],
        'since the cluster upgrade MQTT logins are slow',
      ),
    );
    expect(f?.weight).toBe(90);
  });

  it('costs no more on many long lines of refusals and discovery near-misses than on plain lines', () => {
    const near = [
      `[error] ${refusal('emqx')}`,
      ...Array.from(
        { length: 4000 },
        () => `forbidden endpoints ${'auto-clust '.repeat(70)}join the cluste discovery erro`,
      ),
    ];
    const plain = [`[error] ${refusal('emqx')}`, ...Array.from({ length: 4000 }, () => 'y'.repeat(800))];
    expectBounded(
      () => rbacAnalyzer.finds(ctx(NS, [log(NS, 'emqx-0', near)], 'replicas')),
      () => rbacAnalyzer.finds(ctx(NS, [log(NS, 'emqx-0', plain)], 'replicas')),
    );
  });
});

// --- task-named-pods ---------------------------------------------------------------------------------------

describe('task-named-pods (review)', () => {
  const NS = 'iot';
  const row = (name: string, status = 'Running', ready = '1/1') => [name, ready, status, '0', '19h'];

  it('reads nothing without a pod list, with an empty one, or for pods listed in another namespace', () => {
    const task = 'All three emqx pods are Running';
    expect(taskNamedPodsAnalyzer.reads(ctx(NS, [], task))).toEqual([]);
    expect(
      taskNamedPodsAnalyzer.reads(ctx(NS, [observed('list_pods', { namespace: NS }, '')], task)),
    ).toEqual([]);
    expect(
      taskNamedPodsAnalyzer.reads(ctx(NS, [pods('other', [row('emqx-9txs8rf4c-86xsl')])], task)),
    ).toEqual([]);
  });

  // Found in review, fixed: a pod belongs to the word by `startsWith(word + '-')`, so `emqx-exporter-…` (another workload) counts as an emqx pod and is read as the "last" of them instead of the second broker.
  it("does not count another workload whose name starts with the word (emqx-exporter) as the word's pods", () => {
    const listed = pods(NS, [
      row('emqx-9txs8rf4c-86xsl'),
      row('emqx-9txs8rf4c-wll9f'),
      row('emqx-exporter-5c7d9b8f6-zzzzz'),
    ]);
    expect(taskNamedPodsAnalyzer.reads(ctx(NS, [listed], 'All three emqx pods are Running'))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'emqx-9txs8rf4c-86xsl' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'emqx-9txs8rf4c-wll9f' } },
    ]);
  });

  // Found in review, fixed: a Completed pod of a Job that shares the prefix (`emqx-bootstrap-x7k2p`) makes "not all of them run", so the running brokers' logs are never read though nothing of them fails.
  it("still reads the running pods when a finished Job's pod shares their prefix", () => {
    const listed = pods(NS, [
      row('emqx-9txs8rf4c-86xsl'),
      row('emqx-9txs8rf4c-wll9f'),
      row('emqx-bootstrap-x7k2p', 'Completed', '0/1'),
    ]);
    expect(taskNamedPodsAnalyzer.reads(ctx(NS, [listed], 'All three emqx pods are Running')).length).toBe(2);
  });

  // Found in review, fixed: the word must come before pods/replicas/instances/brokers, so "the three rabbitmq nodes" (RabbitMQ's, EMQX's, Cassandra's own word for its members) reads nothing.
  it('takes "nodes", the word clustered products use for their members', () => {
    const listed = observed(
      'list_pods',
      { namespace: 'mq' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['rabbitmq-0', '1/1', 'Running', '0', '1d'],
        ['rabbitmq-1', '1/1', 'Running', '0', '1d'],
      ]),
    );
    expect(
      taskNamedPodsAnalyzer.reads(
        ctx('mq', [listed], 'the three rabbitmq nodes run but do not form one cluster'),
      ).length,
    ).toBe(2);
  });

  it('ignores words quoted in a hostile task beyond the first four, and costs little on a long one', () => {
    const task = Array.from({ length: 2000 }, (_, i) => `w${i}x pods`).join(' ');
    const listed = pods(
      NS,
      Array.from({ length: 3000 }, (_, i) => row(`w${i}x-9txs8rf4c-86xsl`)),
    );
    expect(taskNamedPodsAnalyzer.reads(ctx(NS, [listed], task)).length).toBeLessThanOrEqual(2);
    expectBounded(
      () => taskNamedPodsAnalyzer.reads(ctx(NS, [listed], task)),
      () => taskNamedPodsAnalyzer.reads(ctx(NS, [listed], 'x'.repeat(task.length))),
    );
  });
});

// --- half-applied-migration --------------------------------------------------------------------------------

describe('half-applied-migration (review)', () => {
  const NS = 'kb';
  const POD = 'bookstack-lkkj9qjdb-g6xdn';
  const described = (events: string, container = 'bookstack') =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      `${describedPodText({ ns: NS, name: POD, container })}\n${events}`,
    );
  const killedBy = (container: string) =>
    `Events:\n  Normal    Killing     42m   kubelet   Container ${container} failed liveness probe, will be restarted`;
  const crash = (lines: string[], extra: Record<string, unknown> = {}) =>
    log(NS, POD, lines, { previous: true, ...extra });
  const laravel = [
    '[bookstack-init] running php artisan migrate --force',
    "  SQLSTATE[42S01]: Base table or view already exists: 1050 Table 'joint_permissions' already exists",
  ];

  it("says an OOM kill is the kernel's", () => {
    const oom = described(
      '    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137',
    );
    expect(halfAppliedMigrationAnalyzer.finds(ctx(NS, [oom, crash(laravel)]))[0]?.cause).toContain(
      'the kernel for memory (OOMKilled)',
    );
  });

  it('names the container whose log was read (an init container that migrates)', () => {
    const [f] = halfAppliedMigrationAnalyzer.finds(
      // The kill named is the migrating container's own (another container's kill is no cause: see below).
      ctx(NS, [described(killedBy('migrate')), crash(laravel, { container: 'migrate' })]),
    );
    expect(f?.cause).toContain('the container migrate');
  });

  // Found in review, fixed: EXISTS matches the notes `CREATE TABLE IF NOT EXISTS` prints (PostgreSQL's `NOTICE: relation "x" already exists, skipping`, MySQL's `Note 1050 Table 'x' already exists`) in a run that went on, so a healthy migration with any liveness kill is told to "drop the leftover table schema_migrations".
  it('ignores the notes of CREATE TABLE IF NOT EXISTS in a run that went on', () => {
    const notice = crash([
      'Running migrations',
      'NOTICE:  relation "schema_migrations" already exists, skipping',
      'No migrations to run',
      'Listening on :8080',
    ]);
    const note = crash([
      'Migrating: 2024_01_01_000000_create_jobs_table',
      "Note: 1050 Table 'jobs' already exists",
      'Migrated:  2024_01_01_000000_create_jobs_table (12ms)',
    ]);
    expect(halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killedBy('bookstack')), notice]))).toEqual(
      [],
    );
    expect(halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killedBy('bookstack')), note]))).toEqual([]);
  });

  // Found in review, fixed: PostgreSQL's duplicate column (`column "email_verified" of relation "users" already exists`) matches `relation "users" already exists`, so the advice is to drop the table users — all its rows — for a column an ALTER TABLE added twice.
  it('never advises dropping a table for a duplicate column', () => {
    const [f] = halfAppliedMigrationAnalyzer.finds(
      ctx(NS, [
        described(killedBy('bookstack')),
        crash(['Running migrations', 'ERROR:  column "email_verified" of relation "users" already exists']),
      ]),
    );
    expect(f?.advice ?? '').not.toContain('drop the leftover table users');
  });

  // Found in review, fixed: PostgreSQL says "relation" of an index, a sequence or a view too, so `relation "index_users_on_email" already exists` is reported as "it had created the table index_users_on_email" and the advice drops a "table" that is an index.
  it('does not call an index a table', () => {
    const [f] = halfAppliedMigrationAnalyzer.finds(
      ctx(NS, [
        described(killedBy('bookstack')),
        crash(['Running migrations', 'ERROR:  relation "index_users_on_email" already exists']),
      ]),
    );
    expect(f?.cause ?? '').not.toContain('the table index_users_on_email');
  });

  // Found in review, fixed: KILLED is looked for anywhere in the description, so a sidecar's liveness kill (`Container metrics-sidecar failed liveness probe`) is reported as "the container bookstack was killed by its liveness probe during its first start".
  it("does not blame another container's liveness kill", () => {
    expect(
      halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killedBy('metrics-sidecar')), crash(laravel)])),
    ).toEqual([]);
  });

  it('costs no more on many near-miss lines than on plain ones', () => {
    const near = [
      'migrate',
      ...Array.from(
        { length: 2000 },
        () => `Table '${'x'.repeat(127)}' already exist ${'relation "'.repeat(100)}`,
      ),
    ];
    const plain = ['migrate', ...Array.from({ length: 2000 }, () => 'z'.repeat(near[1]!.length))];
    expectBounded(
      () => halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killedBy('bookstack')), crash(near)])),
      () => halfAppliedMigrationAnalyzer.finds(ctx(NS, [described(killedBy('bookstack')), crash(plain)])),
    );
  });
});

// --- a Job's log: mostSpecific, withContinuation, "the steps after it never ran" --------------------------

describe("a Job's log in fromScan (review)", () => {
  const NS = 'ops';
  const POD = 'deploy-abcde';
  const scan: SeenObservation = observed(
    'scan',
    { namespace: NS },
    `scan of namespace ${NS}: 1 finding(s), most likely root causes first
- Job ${NS}/deploy [BackoffLimitExceeded] job deploy has reached the specified backoff limit
    evidence: failed 4, backoffLimit 3
    next: get_pod_logs namespace=${NS} name=${POD}`,
  );
  const causeOf = (lines: string[]) =>
    fromScan({
      task: 'the deploy job fails',
      ns: NS,
      hints: [],
      seen: [scan, log(NS, POD, lines)],
    } as never)[0]?.cause ?? '';

  it("quotes the tool's ERROR line with its wrapped continuation, and says the steps after it never ran", () => {
    const cause = causeOf([
      "[install] step 'docker-registry'",
      '! ERROR Your docker registry has no repositories specified, and the',
      "  registry's catalog is inaccessible.",
      '- Failed to add account gcr-main for provider dockerRegistry.',
      "[install] step 'docker-registry' failed with exit code 1",
    ]);
    expect(cause).toContain("no repositories specified, and the registry's catalog is inaccessible.");
    expect(cause).toContain('so the steps after it never ran');
  });

  // Found in review, fixed: the ERROR fallback in mostSpecific now beats the last line, so a run that ends "Killed" (the kernel's OOM kill) quotes an earlier harmless `[ERROR] cache warmup skipped` instead of the kill.
  it('keeps the closing "Killed" over an earlier harmless ERROR line', () => {
    expect(mostSpecific(['[ERROR] cache warmup skipped', 'Killed'])).toBe('Killed');
  });

  // Found in review, fixed: "the script stops there" is said whenever the last line is a step summary, even when the lines after the quoted one show the script went on past it (`step config done`, another step started).
  it('does not say the script stopped at a line it went on past', () => {
    const cause = causeOf([
      '[install] step config',
      'ERROR: could not read optional file /etc/extra.yaml: no such file or directory',
      '[install] step config done',
      '[install] step deploy',
      "[install] step 'deploy' failed with exit code 1",
    ]);
    expect(cause).not.toContain('the script stops there');
  });

  // Found in review, fixed: withContinuation glues any indented lower-case line onto the quote, so a Node.js stack frame (`    at TCPConnectWrap.afterConnect …`) is quoted as part of the error message.
  it('does not take a stack frame as a continuation of the message', () => {
    const cause = causeOf([
      'Error: connect ECONNREFUSED 10.96.0.12:5432',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
      'exiting',
    ]);
    expect(cause).not.toContain('TCPConnectWrap');
  });

  it('costs no more on a long log of identical ERROR lines than on a plain one', () => {
    const near = Array.from({ length: 5000 }, () => `! ERROR ${'x'.repeat(150)}`);
    near.push(...Array.from({ length: 5000 }, () => `  ${'y'.repeat(150)}`));
    const plain = Array.from({ length: 10_000 }, (_, i) => `line ${i} ${'x'.repeat(150)}`);
    expectBounded(
      () => causeOf(near),
      () => causeOf(plain),
    );
  });
});

// --- product-images' readiness gate ------------------------------------------------------------------------

describe('product-images readiness gate (review)', () => {
  const NS = 'runbooks';
  const deployments = (ready: string) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ['st2api', '10/10', '10', '10', '20d', 'stackstorm/st2api:3.8'],
        ['st2actionrunner', ready, '1', '0', '20d', 'stackstorm/st2actionrunner:3.8'],
      ]),
    );
  const listed = pods(NS, [
    ['st2api-whrzkmmrr5-kn5jg', '1/1', 'Running', '0', '20d'],
    ['st2actionrunner-llx227dx8-2ncxm', '1/1', 'Running', '0', '20d'],
  ]);
  const task = 'Our StackStorm workflows hang.';

  it('takes 10/10 as ready and 1/10 or 10/1 as not', () => {
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments('10/10'), listed], task)).length).toBe(2);
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments('1/10'), listed], task))).toEqual([]);
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments('10/1'), listed], task))).toEqual([]);
  });

  // Found in review, fixed: `^(\d+)\/\1$` takes 0/0 for ready, so a part of the product scaled to zero (the action runners, which is why workflows hang) passes the "every part runs" gate and the other parts' logs are read instead.
  it('does not take a part scaled to 0/0 as running', () => {
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments('0/0'), listed], task))).toEqual([]);
  });
});
