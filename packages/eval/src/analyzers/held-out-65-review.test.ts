// A review of the held-out-65 rules (script-source, duplicate-migration, path-outside-setting,
// status-flag-errors, cron-consumer, the gunicorn-timeout changes, the phpredis gloss, servicesAt and
// refusedAddress with crash.ts's scale fix, podDeployment with ownerName and cronRunOf, and dependency-chain's
// `waiting`) by a reviewer who did not write them. Each input is what real tools or software print (the
// tools' describe and list formats, kubectl's one-argument-per-line Command, Flyway's and psql's notices,
// Laravel's documented schedule, internet scanners' request lines). An `it.skip` marks a bug, with a
// `// BUG:` line above it, and passes once the bug is fixed; a plain `it` is an attack the rule survives.
import { describe, expect, it } from 'vitest';
import { refusedAddress, servicesAt } from '../baseline/reading.js';
import { crash } from '../baseline/signatures/containers/crash.js';
import { factsOf, findingsOf } from '../baseline/signatures/index.js';
import { dependencyChain } from '../baseline/signatures/run/dependency-chain.js';
import type { SeenObservation } from '../observations.js';
import { cronConsumerAnalyzer } from './cron-consumer.js';
import { duplicateMigrationAnalyzer } from './duplicate-migration.js';
import { gunicornTimeoutAnalyzer } from './gunicorn-timeout.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { pathOutsideSettingAnalyzer } from './path-outside-setting.js';
import { scriptSourceAnalyzer } from './script-source.js';
import { statusFlagErrorsAnalyzer } from './status-flag-errors.js';
import { cronRunOf, type Finding, ownerName, podDeployment } from './types.js';

/** A lone surrogate: text cut inside a surrogate pair. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ---------------------------------------------------------------------------------------------------
// servicesAt, refusedAddress and crash.ts's scale fix
// ---------------------------------------------------------------------------------------------------

/** `list_services` as the tools print it (NAME, TYPE, CLUSTER-IP, PORT(S), SELECTOR, ENDPOINTS, AGE). */
const services = (ns: string, rows: string[][]) =>
  observed(
    'list_services',
    { namespace: ns },
    table([['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'], ...rows]),
  );

/** `describe_service` as the tools print it. */
const describedService = (ns: string, name: string, ip: string, endpoints: string) =>
  observed(
    'describe_service',
    { namespace: ns, name },
    [
      `Name:              ${name}`,
      `Namespace:         ${ns}`,
      `Labels:            app=${name}`,
      `Selector:          app=${name}`,
      'Type:              ClusterIP',
      `IP:                ${ip}`,
      'Port:              <unset>  5432/TCP',
      'TargetPort:        5432/TCP',
      `Endpoints:         ${endpoints}`,
      'Session Affinity:  None',
      'Events:  <none>',
    ].join('\n'),
  );

/** `describe_deployment` of a Deployment at zero, its events newest first as the tools print them. */
const zeroDeployment = (ns: string, name: string, events: string[]) =>
  observed(
    'describe_deployment',
    { namespace: ns, name },
    [
      `Name:                   ${name}`,
      `Namespace:              ${ns}`,
      `Selector:               app=${name}`,
      'Replicas:               0 desired | 0 updated | 0 total | 0 available | 0 unavailable',
      'StrategyType:           RollingUpdate',
      `NewReplicaSet:          ${name}-5c7b9d8f6 (0/0 replicas created)`,
      'Events:',
      '  Type     Reason              Age   From                    Message',
      ...events.map((e) => `  Normal   ScalingReplicaSet   12m   deployment-controller   ${e}`),
    ].join('\n'),
  );

/** A client pod in CrashLoopBackOff, its previous log the lines given. */
function crashingClient(ns: string, pod: string, lines: string[]): SeenObservation[] {
  const rs = pod.slice(0, pod.lastIndexOf('-'));
  return [
    observed(
      'describe_pod',
      { namespace: ns, name: pod },
      [
        `Name:             ${pod}`,
        `Namespace:        ${ns}`,
        'Status:           Running',
        'IP:               10.244.1.7',
        `Controlled By:    ReplicaSet/${rs}`,
        'Containers:',
        '  app:',
        '    Image:          registry.example.com/app:4.2.0',
        '    State:          Waiting',
        '      Reason:       CrashLoopBackOff',
        '    Last State:     Terminated',
        '      Reason:       Error',
        '      Exit Code:    1',
        '    Ready:          False',
        '    Restart Count:  7',
        '    Environment:    <none>',
        'QoS Class:        BestEffort',
        'Events:  <none>',
      ].join('\n'),
    ),
    log(ns, pod, lines),
  ];
}

const crashFindings = (ns: string, seen: SeenObservation[]): Finding[] =>
  findingsOf(factsOf('', ns, [], seen, new Set(['scale_deployment', 'set_env', 'rollback_deployment'])), {
    containers: [crash],
    pods: [],
    run: [],
  });

describe('servicesAt and refusedAddress', () => {
  it('reads the tools’ own list_services table (SELECTOR and ENDPOINTS columns beside CLUSTER-IP)', () => {
    const list = services('tables', [
      ['nocodb', 'ClusterIP', '10.96.12.4', '80/TCP', 'app=nocodb', '10.244.1.7:8080', '330d'],
      ['pg-gateway', 'ClusterIP', '10.96.40.17', '5432/TCP', 'app=pg-gateway', '<none>', '330d'],
    ]);
    expect(servicesAt('Error: connect ECONNREFUSED 10.96.40.17:5432', [list])).toEqual([
      { name: 'pg-gateway', namespace: 'tables' },
    ]);
    // An endpoint's pod IP is not a ClusterIP: no Service by it.
    expect(servicesAt('Error: connect ECONNREFUSED 10.244.1.7:8080', [list])).toEqual([]);
  });

  // Found in review, fixed: an IPv6 ClusterIP (a single-stack IPv6 cluster) is never mapped: servicesAt and refusedAddress accept IPv4 only, so `dial tcp [fd00:10:96::4a1f]:5432: connect: connection refused` names no Service.
  it('maps a refusal quoted with an IPv6 ClusterIP to its Service', () => {
    const line = 'dial tcp [fd00:10:96::4a1f]:5432: connect: connection refused';
    const list = services('tables', [
      ['pg-gateway', 'ClusterIP', 'fd00:10:96::4a1f', '5432/TCP', 'app=pg-gateway', '<none>', '330d'],
    ]);
    expect(refusedAddress(line)).toBe(true);
    expect(servicesAt(line, [list])).toEqual([{ name: 'pg-gateway', namespace: 'tables' }]);
  });

  it('does bounded work on long hostile lines of dotted numbers', () => {
    const hostile = Array.from({ length: 200 }, () => `${'1.'.repeat(999)}1`).join('\n');
    const benign = Array.from({ length: 200 }, () => 'x'.repeat(1999)).join('\n');
    expectBounded(
      () => refusedAddress(hostile),
      () => refusedAddress(benign),
    );
  });
});

describe('crash: a refusal quoted with a ClusterIP, its Deployment scaled to zero', () => {
  const NS = 'tables';
  const POD = 'nocodb-6d4b9c8f7-x2k4p';
  const refusal = ['Error: connect ECONNREFUSED 10.96.40.17:5432', '    at TCPConnectWrap.afterConnect'];

  it('scales the Service’s own Deployment, in its namespace, back to the count the event names', () => {
    const seen = [
      ...crashingClient(NS, POD, refusal),
      services(NS, [
        ['pg-gateway', 'ClusterIP', '10.96.40.17', '5432/TCP', 'app=pg-gateway', '<none>', '330d'],
      ]),
      describedService(NS, 'pg-gateway', '10.96.40.17', '<none>'),
      zeroDeployment(NS, 'pg-gateway', ['Scaled down replica set pg-gateway-5c7b9d8f6 to 0 from 2']),
    ];
    const f = crashFindings(NS, seen).find((x) => x.fix?.tool === 'scale_deployment');
    expect(f?.fix?.args).toEqual({ namespace: NS, name: 'pg-gateway', replicas: 2 });
    expect(f?.revisionSound).toBe(true);
  });

  it('scales in the namespace whose Service holds the ClusterIP, not a same-named Deployment of the pod’s own', () => {
    const seen = [
      ...crashingClient(NS, POD, ['dial tcp 10.96.9.9:5672: connect: connection refused']),
      services('messaging', [
        ['broker', 'ClusterIP', '10.96.9.9', '5672/TCP', 'app=broker', '<none>', '90d'],
      ]),
      describedService('messaging', 'broker', '10.96.9.9', '<none>'),
      zeroDeployment('messaging', 'broker', ['Scaled down replica set broker-5c7b9d8f6 to 0 from 3']),
      // The pod's own namespace has a Deployment of the same name at zero too (an old copy).
      zeroDeployment(NS, 'broker', ['Scaled down replica set broker-5c7b9d8f6 to 0 from 1']),
    ];
    const fixes = crashFindings(NS, seen)
      .map((x) => x.fix)
      .filter((x) => x?.tool === 'scale_deployment');
    expect(fixes.map((x) => x!.args)).toEqual([{ namespace: 'messaging', name: 'broker', replicas: 3 }]);
  });

  it('proposes no scale when the refused address is no Service’s ClusterIP', () => {
    const seen = [
      ...crashingClient(NS, POD, ['Error: connect ECONNREFUSED 10.96.40.18:5432']),
      services(NS, [
        ['pg-gateway', 'ClusterIP', '10.96.40.17', '5432/TCP', 'app=pg-gateway', '<none>', '330d'],
      ]),
      describedService(NS, 'pg-gateway', '10.96.40.17', '<none>'),
      zeroDeployment(NS, 'pg-gateway', ['Scaled down replica set pg-gateway-5c7b9d8f6 to 0 from 2']),
    ];
    expect(crashFindings(NS, seen).some((x) => x.fix?.tool === 'scale_deployment')).toBe(false);
  });

  // Found in review, fixed: the replica count is read from the event after clip(…, 140) cut it: with a 46-character Deployment name the quoted event loses "from 3", so the fix scales to 1 ("Scaled down replica set production-nocodb-postgresql-pgbouncer-gateway-5c7b9d8f6 to 0 from 3").
  it('keeps the count of the scale-down event of a Deployment with a long name', () => {
    const name = 'production-nocodb-postgresql-pgbouncer-gateway';
    const seen = [
      ...crashingClient(NS, POD, refusal),
      services(NS, [[name, 'ClusterIP', '10.96.40.17', '5432/TCP', `app=${name}`, '<none>', '330d']]),
      describedService(NS, name, '10.96.40.17', '<none>'),
      zeroDeployment(NS, name, [`Scaled down replica set ${name}-5c7b9d8f6 to 0 from 3`]),
    ];
    const f = crashFindings(NS, seen).find((x) => x.fix?.tool === 'scale_deployment');
    expect(f?.fix?.args).toEqual({ namespace: NS, name, replicas: 3 });
  });
});

// ---------------------------------------------------------------------------------------------------
// dependency-chain's `waiting`
// ---------------------------------------------------------------------------------------------------

describe('dependency-chain: who waits on a failing dependency', () => {
  const NS = 'shop';
  const seen = [
    log(NS, 'postgres-exporter-6d4b9c8f7-x2k4p', [
      'level=error msg="Error opening connection to database" err="dial tcp postgres:5432: connect: connection refused"',
    ]),
  ];
  const db = (): Finding => ({
    weight: 70,
    object: 'deployment postgres (pod postgres-7d9f8c6b5d-q8w2z)',
    cause: 'the container postgres crashes (exit code 1): FATAL: data directory has wrong ownership',
    evidence: [],
  });
  const exporter = (): Finding => ({
    weight: 80,
    object: 'deployment postgres-exporter (pod postgres-exporter-6d4b9c8f7-x2k4p)',
    cause: 'the exporter cannot reach postgres: dial tcp postgres:5432: connect: connection refused',
    evidence: [],
  });
  const refine = (found: Finding[]) =>
    'refine' in dependencyChain
      ? dependencyChain.refine(factsOf('', NS, [], seen, new Set()), found)
      : undefined;

  it('does not say a workload waits on itself', () => {
    const own: Finding = {
      weight: 60,
      object: 'deployment postgres (pod postgres-7d9f8c6b5d-q8w2z)',
      cause: 'postgres is not Ready: its readiness probe to postgres:5432 is refused',
      evidence: [],
    };
    const found = [db(), own];
    refine(found);
    expect(found[0]!.cause).not.toMatch(/depends on it/);
  });

  // Found in review, fixed: `!o.object.includes(` ${host}`)` is a prefix test, so another workload whose name starts with the host's (deployment postgres-exporter waiting on postgres) is taken for the same workload and the chain is not told.
  it('names another workload whose name starts with the dependency’s as waiting on it', () => {
    const found = [db(), exporter()];
    refine(found);
    expect(found[0]!.cause).toMatch(/deployment postgres-exporter .* depends on it/);
  });

  // Found in review, fixed: the finding about deployment postgres-exporter matches host postgres by `(pod postgres-` and gains +20 as if it were the dependency, so the crashing client (80+20) stays above the dependency it waits on (70+20).
  it('weighs the dependency above a client whose name starts with the dependency’s', () => {
    const found = [db(), exporter()];
    refine(found);
    expect(found[0]!.weight).toBeGreaterThan(found[1]!.weight);
  });
});

// ---------------------------------------------------------------------------------------------------
// podDeployment, cronRunOf, ownerName
// ---------------------------------------------------------------------------------------------------

describe('the workload a pod name says', () => {
  it('leaves CronJob runs (8 to 10 digits) to cronRunOf, and reads a Deployment’s vowel-free hash', () => {
    expect(podDeployment('nightly-report-29947130-k7q2m')).toBeUndefined();
    expect(podDeployment('nightly-report-1796802300-k7q2m')).toBeUndefined();
    expect(cronRunOf('nightly-report-29947130-k7q2m')?.cronJob).toBe('nightly-report');
    expect(podDeployment('ledger-api-7d9f8c6b5d-x2k4p')).toBe('ledger-api');
    expect(podDeployment('api-v2-6bcdf7f9c4-z9z9z')).toBe('api-v2');
  });

  // Found in review, fixed: podDeployment takes any 6-10 alphanumerics as a pod-template-hash, though the hash's alphabet has no vowels (as ownerName knows): a Job's pod `misskey-migrate-x7k2p` reads as Deployment misskey's.
  it('does not read a Job’s pod (<job>-<5>) whose last word is 6 to 10 letters as a Deployment’s', () => {
    expect(podDeployment('misskey-migrate-x7k2p')).toBeUndefined();
    expect(podDeployment('db-migrations-b9mzq')).toBeUndefined();
  });

  // Found in review, fixed: ownerName strips a CronJob run's minute as if it were a pod-template-hash whenever its digits are all 2-9 (about a quarter of minutes today: 29947265), so cronRunOf misses the run and the Also-seen dedupe keys it by pod.
  it('reads a CronJob run whose scheduled minute has only the digits 2 to 9', () => {
    expect(ownerName('weekly-digest-29947265-k7q2m')).toBe('weekly-digest-29947265');
    expect(cronRunOf('weekly-digest-29947265-k7q2m')?.cronJob).toBe('weekly-digest');
  });
});

// ---------------------------------------------------------------------------------------------------
// script-source
// ---------------------------------------------------------------------------------------------------

describe('script-source: attacks', () => {
  const NS = 'pm';
  const banner = (modules: string) =>
    `[Thu Apr 02 06:41:07.118422 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.63 (Unix)${modules} configured -- resuming normal operations`;

  // Found in review, fixed: sourceShown takes `<?php` in any log line as a page showing source, and internet scanners send `<?php` in request lines; a healthy static httpd (no PHP by design) then gets a finding.
  it('does not read a scanner’s `<?php` request line in a static site’s access log as pages showing source', () => {
    const docs = log(NS, 'docs-7c9d8f6b5d-x2k4p', [
      banner(''),
      '10.244.0.1 - - [02/Apr/2026:06:41:17 +0000] "GET / HTTP/1.1" 200 1873',
      '45.148.10.2 - - [02/Apr/2026:07:02:44 +0000] "GET /index.php?s=/index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=file_put_contents&vars[1][]=shell.php&vars[1][1]=<?php @eval($_POST[1]);?> HTTP/1.1" 404 196',
    ]);
    expect(scriptSourceAnalyzer.finds(ctx(NS, [docs], 'Is the docs site healthy?'))).toEqual([]);
  });

  // Found in review, fixed: Apache that runs PHP through PHP-FPM (mod_proxy_fcgi) never names PHP/<version> in its start-up line; with an FPM container ready in the same pod the rule still says the image has no PHP.
  it('does not blame a missing mod_php when PHP-FPM serves PHP beside Apache', () => {
    const pod = 'planner-d4fjpjmnl-p2q4q';
    const seen = [
      log(NS, pod, [banner(' OpenSSL/3.0.15')], { container: 'httpd' }),
      log(
        NS,
        pod,
        [
          '[02-Apr-2026 06:41:06] NOTICE: fpm is running, pid 1',
          '[02-Apr-2026 06:41:06] NOTICE: ready to handle connections',
        ],
        {
          container: 'php-fpm',
        },
      ),
    ];
    const [f] = scriptSourceAnalyzer.finds(
      ctx(NS, seen, 'The planner shows "<?php" code instead of the login page.'),
    );
    expect(f?.cause ?? '').not.toMatch(/the image it runs has no PHP|mod_php not installed/);
  });

  // Found in review, fixed: any Deployment whose Apache started without PHP is named, not the one serving the page: a static docs site beside a PHP app run by nginx and PHP-FPM is blamed for the app's source pages.
  it('does not name an unrelated static Apache site for another app’s source pages', () => {
    const seen = [
      log(NS, 'docs-7c9d8f6b5d-x2k4p', [banner('')]),
      log(NS, 'planner-d4fjpjmnl-p2q4q', [
        '2026/04/02 06:41:07 [notice] 1#1: nginx/1.27.3',
        '10.244.0.1 - - [02/Apr/2026:06:41:17 +0000] "GET /index.php HTTP/1.1" 200 1873',
      ]),
    ];
    const found = scriptSourceAnalyzer.finds(
      ctx(NS, seen, 'The planner shows "<?php" code instead of the login page.'),
    );
    expect(found.map((f) => f.object)).not.toContain('pod docs-7c9d8f6b5d-x2k4p');
  });

  it('does bounded work on long lines that repeat the start-up notice’s head', () => {
    const hostile = Array.from({ length: 400 }, () => 'AH00489: Apache/2.4.63 (Unix '.repeat(140)).join('\n');
    const benign = Array.from({ length: 400 }, () => 'x'.repeat(4000)).join('\n');
    const run = (text: string) => () =>
      scriptSourceAnalyzer.finds(ctx(NS, [log(NS, 'planner-d4fjpjmnl-p2q4q', [text])], 'raw php'));
    expectBounded(run(hostile), run(benign));
  });
});

// ---------------------------------------------------------------------------------------------------
// duplicate-migration
// ---------------------------------------------------------------------------------------------------

describe('duplicate-migration: attacks', () => {
  const NS = 'fedi';
  const POD = 'misskey-q68wsbcwsm-v452c';

  // Found in review, fixed: PostgreSQL's NOTICE for an idempotent `CREATE TABLE IF NOT EXISTS` (`relation "x" already exists, skipping`, as psql and Flyway print it) is taken for a refusal: a healthy run gets "creates table twice".
  it('does not take the skipping notice of CREATE TABLE IF NOT EXISTS for a refusal', () => {
    const seen = [
      log(NS, POD, [
        'CREATE TABLE "note_draft" ("id" varchar(32) NOT NULL, CONSTRAINT "PK_1" PRIMARY KEY ("id"));',
        'CREATE TABLE',
        'CREATE TABLE IF NOT EXISTS "note_draft" ("id" varchar(32) NOT NULL);',
        'psql:/migrations/0042_note_draft_sync.sql:1: NOTICE:  relation "note_draft" already exists, skipping',
        'CREATE TABLE',
        'COMMIT',
      ]),
    ];
    expect(duplicateMigrationAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  // Found in review, fixed: an error between the two statements does not count (only "already exists" and ROLLBACK do), though the rule's own comment says so: MySQL's DDL commits at once, so a migration that failed after its CREATE and is retried in the same log reads as two migrations.
  it('does not read one MySQL migration retried after a failure as two migrations', () => {
    const seen = [
      log(NS, POD, [
        'query: CREATE TABLE `orders` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB',
        'query: ALTER TABLE `orders` ADD CONSTRAINT `FK_1` FOREIGN KEY (`customer_id`) REFERENCES `customer`(`id`)',
        "QueryFailedError: ER_FK_CANNOT_OPEN_PARENT: Failed to open the referenced table 'customer'",
        'Retrying migrations in 5 seconds (attempt 2 of 5)',
        'query: CREATE TABLE `orders` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB',
        "QueryFailedError: ER_TABLE_EXISTS_ERROR: Table 'orders' already exists",
      ]),
    ];
    expect(duplicateMigrationAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  // Found in review, fixed: the database server's own log (log_statement = 'ddl') is read as one migration run: a table created by yesterday's run and a re-run today blames the database pod postgres-0 for "its migration run".
  it('does not read the database server’s statement log as one migration run', () => {
    const seen = [
      log(NS, 'postgres-0', [
        '2026-04-09 10:02:11.418 UTC [4121] LOG:  statement: CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL)',
        '2026-04-10 09:14:52.003 UTC [8830] LOG:  statement: CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL)',
        '2026-04-10 09:14:52.004 UTC [8830] ERROR:  relation "note_draft" already exists',
        '2026-04-10 09:14:52.004 UTC [8830] STATEMENT:  CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL)',
      ]),
    ];
    expect(duplicateMigrationAnalyzer.finds(ctx(NS, seen)).map((f) => f.object)).not.toContain(
      'pod postgres-0',
    );
  });

  // Found in review, fixed: a migration Job's pod (misskey-migrate-x7k2p, the usual Helm hook) is named "deployment misskey" through podDeployment: the wrong object.
  it('names a migration Job’s pod, not a Deployment made up from its name', () => {
    const seen = [
      log(NS, 'misskey-migrate-x7k2p', [
        'query: CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL)',
        'Migration NoteDraft1744100261027 has been  executed successfully.',
        'query: CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL, "cw" character varying(512))',
        'error: relation "note_draft" already exists',
      ]),
    ];
    const [f] = duplicateMigrationAnalyzer.finds(ctx(NS, seen));
    expect(f?.object).not.toMatch(/^deployment misskey\b/);
  });

  // Found in review, fixed: a statement is passed over when it has the word "error" anywhere (`\berror\b`), so a table with an "error" column (a webhook log's) is never counted and the duplicate is missed.
  it('counts CREATE TABLE statements of a table that has a column named error', () => {
    const create = 'query: CREATE TABLE "webhook_delivery" ("id" varchar(32) NOT NULL, "error" text)';
    const seen = [
      log(NS, POD, [
        create,
        'Migration WebhookDelivery1744100261027 has been  executed successfully.',
        create,
        'error: relation "webhook_delivery" already exists',
      ]),
    ];
    expect(duplicateMigrationAnalyzer.finds(ctx(NS, seen))).toHaveLength(1);
  });

  it('sees MySQL’s backquoted statements and wording', () => {
    const create = 'query: CREATE TABLE `orders` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`))';
    const seen = [
      log(NS, POD, [
        create,
        'Migration Orders1744100261027 has been  executed successfully.',
        create,
        "QueryFailedError: ER_TABLE_EXISTS_ERROR: Table 'orders' already exists",
      ]),
    ];
    expect(duplicateMigrationAnalyzer.finds(ctx(NS, seen))[0]?.cause).toMatch(/creates table orders twice/);
  });

  it('does bounded work on long hostile CREATE TABLE lines', () => {
    const hostile = Array.from({ length: 400 }, () => 'CREATE TABLE "a'.repeat(260)).concat([
      'error: relation "a" already exists',
    ]);
    const benign = Array.from({ length: 400 }, () => 'x'.repeat(3900)).concat([
      'error: relation "a" already exists',
    ]);
    expectBounded(
      () => duplicateMigrationAnalyzer.finds(ctx(NS, [log(NS, POD, hostile)])),
      () => duplicateMigrationAnalyzer.finds(ctx(NS, [log(NS, POD, benign)])),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// path-outside-setting
// ---------------------------------------------------------------------------------------------------

describe('path-outside-setting: attacks', () => {
  const NS = 'music';
  const POD = 'import-vinyl-rips-1005-2bv8p';
  const ENV = { MUSIC_DIRECTORY_PATH: '/srv/data/music' };
  const CHECKED = [
    'Checking imported paths against settings.MUSIC_DIRECTORY_PATH',
    'CommandError: No file matching pattern, aborting',
  ];
  /** describe_pod with the command lines given as they stand under the container's Restart Count. */
  const pod = (command: string[]) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'import', env: ENV })
        .replace(
          'Status:           Running',
          'Status:           Failed\nControlled By:    Job/import-vinyl-rips-1005',
        )
        .replace('    Restart Count:  0', ['    Restart Count:  0', ...command].join('\n')),
    );
  const finds = (command: string[], lines = CHECKED) =>
    pathOutsideSettingAnalyzer.finds(ctx(NS, [pod(command), log(NS, POD, lines)]));

  it('reads kubectl’s one-argument-per-line Command and still finds a path outside', () => {
    const [f] = finds([
      '    Command:',
      '      funkwhale-manage',
      '      import_files',
      '      lib',
      '      /imports/rips/**/*.flac',
      '      --in-place',
    ]);
    expect(f?.cause).toMatch(/"\/imports\/rips\/\*\*\/\*\.flac" is not under MUSIC_DIRECTORY_PATH/);
  });

  // Found in review, fixed: every absolute word of the command is taken for a path given to the program, so the interpreter (`/venv/bin/python`) or kubectl's one-per-line shell wrapper (`/bin/sh`, `-c`, …) is "outside MUSIC_DIRECTORY_PATH" while the import path is under it.
  it('does not take the program’s executable or a shell wrapper for a path outside the setting', () => {
    expect(
      finds([
        '    Command:        /venv/bin/python manage.py import_files lib /srv/data/music/rips --in-place',
      ]),
    ).toEqual([]);
    expect(
      finds([
        '    Command:',
        '      /bin/sh',
        '      -c',
        '      funkwhale-manage import_files lib /srv/data/music/rips --in-place',
      ]),
    ).toEqual([]);
  });

  it('does bounded work on a long Command line', () => {
    const hostile = [`    Command:        ${'/a '.repeat(1300)}`];
    const benign = [`    Command:        ${'x'.repeat(3900)}`];
    expectBounded(
      () => finds(hostile),
      () => finds(benign),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// status-flag-errors
// ---------------------------------------------------------------------------------------------------

describe('status-flag-errors: attacks', () => {
  const NS = 'automation';
  const POD = 'agent-status-867npwmfc-n2hc8';
  const finds = (lines: string[]) => statusFlagErrorsAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]));

  // Found in review, fixed: DONE_FIELD matches any key with "item" or "event", so a count of failures (`items_failed=12`) is read as work done: a job whose every item failed is said to be "doing its work".
  it('does not read a count of failed items as work done', () => {
    expect(finds(['job=7 healthy=false items_failed=12 errors_last_run=12'])).toEqual([]);
  });

  // Found in review, fixed: ERROR_FIELD matches any key with "error", so a setting (`max_errors=5`) of a job an operator paused (`active=false`) reads as errors logged.
  it('does not read a setting named after errors as errors logged', () => {
    expect(finds(['job=nightly-sync active=false items_processed=1200 max_errors=5'])).toEqual([]);
  });

  // Found in review, fixed: the thing the status is about is its first field, so a logfmt line that starts with its timestamp (`ts=…`, as go-kit and most loggers print) names "ts 2026-11-18T10:00:40Z" as the agent.
  it('names the agent, not the line’s leading timestamp', () => {
    const [f] = finds([
      'ts=2026-11-18T10:00:40Z level=info msg="agent status" agent=412 working=false events_created_last_check=498 recent_error_logs=true',
    ]);
    expect(f?.cause).toMatch(/^agent 412 is flagged/);
  });

  // Found in review, fixed: an unquoted value is cut at 2,000 UTF-16 units and quoted unclipped as the thing's id, so a long first field with an emoji at the cut puts a lone surrogate in the answer.
  it('never quotes an id cut inside a surrogate pair', () => {
    const [f] = finds([
      `agent=${'x'.repeat(1999)}😀 working=false events_created_last_check=498 recent_error_logs=true`,
    ]);
    expect(f).toBeDefined();
    expect(f!.cause).not.toMatch(LONE);
    expect(f!.advice ?? '').not.toMatch(LONE);
  });

  it('reads a quoted name with escaped quotes and finds the agent’s error line', () => {
    const [f] = finds([
      'agent=412 name="Shop \\"price\\" watch" working=false events_created_last_check=498 recent_error_logs=true',
      'agent=412 level=error message="Error when handling item: undefined method gsub"',
    ]);
    expect(f?.cause).toMatch(/^agent 412 \("Shop \\"price\\" watch"\).*undefined method gsub/);
  });

  it('does bounded work on long lines of unterminated quotes', () => {
    const hostile = Array.from(
      { length: 300 },
      (_, i) => `a${i}=false ${'b="\\" '.repeat(600)} errors=1 items=2 working=false`,
    );
    const benign = Array.from({ length: 300 }, (_, i) => `a${i}=false ${'bb=cc '.repeat(600)}`);
    expectBounded(
      () => finds(hostile),
      () => finds(benign),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// cron-consumer
// ---------------------------------------------------------------------------------------------------

describe('cron-consumer: attacks', () => {
  const NS = 'growth';
  const POD = 'mautic-cron-74kxrtlvfj-c8tf9';
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, container: 'cron', configMaps: ['app-crontab'] }),
  );
  const map = (data: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'app-crontab' },
      `Name:         app-crontab\nNamespace:    ${NS}\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\n${data}\n\nBinaryData\n====\n\nEvents:  <none>\n`,
    );
  const finds = (data: string) =>
    cronConsumerAnalyzer.finds(ctx(NS, [pod, log(NS, POD, ['cron started']), map(data)]));

  // Found in review, fixed: `artisan horizon` matches Laravel's `horizon:snapshot`, which Laravel's Horizon docs say to schedule every five minutes: a finite command flagged as a consumer.
  it('does not flag Horizon’s documented every-five-minutes snapshot', () => {
    expect(finds('crontab:\n----\n*/5 * * * * www-data php artisan horizon:snapshot')).toEqual([]);
  });

  // Found in review, fixed: a consumer told to exit (rq's --burst, Laravel's --stop-when-empty, Symfony's --time-limit) finishes like any scheduled command and is still flagged.
  it('does not flag a consumer told to exit on its own (--burst, --stop-when-empty, --time-limit)', () => {
    for (const line of [
      '* * * * * rq worker --burst default',
      '* * * * * php artisan queue:work --stop-when-empty',
      '* * * * * php bin/console messenger:consume email --time-limit=50',
    ])
      expect(finds(`crontab:\n----\n${line}`), line).toEqual([]);
  });

  it('reads past a script key of the same map and finds the cron line', () => {
    const [f] = finds(
      [
        'entrypoint.sh:',
        '----',
        '#!/bin/sh',
        'exec crond -f -l 2',
        '',
        'crontab:',
        '----',
        '* * * * * www-data php bin/console messenger:consume email > /tmp/stdout 2>&1',
      ].join('\n'),
    );
    expect(f?.cause).toMatch(/messenger:consume runs until it is told to stop/);
  });

  it('does bounded work on long lines of short words', () => {
    const hostile = `crontab:\n----\n${Array.from({ length: 200 }, () => 'a '.repeat(1999)).join('\n')}`;
    const benign = `crontab:\n----\n${Array.from({ length: 200 }, () => 'a'.repeat(3998)).join('\n')}`;
    expectBounded(
      () => finds(hostile),
      () => finds(benign),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// gunicorn-timeout
// ---------------------------------------------------------------------------------------------------

describe('gunicorn-timeout: attacks', () => {
  const NS = 'parts';
  const POD = 'inventory-web-vhwwm6cqc-ld6zd';
  const pod = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'server', args: 'gunicorn app.wsgi', env }).replace(
        'Name:             ',
        'Controlled By:    ReplicaSet/inventory-web-vhwwm6cqc\nName:             ',
      ),
    );
  const logOf = (extra: string[] = []) =>
    log(NS, POD, ['[2026-05-19 08:52:09 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:47)', ...extra]);

  it('does not take GUNICORN_GRACEFUL_TIMEOUT for the worker timeout', () => {
    const [f] = gunicornTimeoutAnalyzer.finds(ctx(NS, [logOf(), pod({ GUNICORN_GRACEFUL_TIMEOUT: '90' })]));
    expect(f?.fix?.tool).toBe('set_env');
  });

  // Found in review, fixed: the `behind` branch takes any line with "table" and "does not exist" for a schema behind the code, so an app's own not-found error for a user's deleted table (`TableDoesNotExist: The table 42 does not exist.`, as Baserow names it) displaces the timeout and drops its fix.
  it('does not read a missing user object named "table" as a schema behind the code', () => {
    const [f] = gunicornTimeoutAnalyzer.finds(
      ctx(NS, [
        logOf(['baserow.contrib.database.table.exceptions.TableDoesNotExist: The table 42 does not exist.']),
        pod({}),
      ]),
    );
    expect(f?.cause).toMatch(/^Gunicorn kills the workers/);
    expect(f?.fix?.tool).toBe('set_env');
  });
});

// ---------------------------------------------------------------------------------------------------
// the phpredis gloss
// ---------------------------------------------------------------------------------------------------

describe('the gloss for two classes named Redis', () => {
  // Found in review, fixed: the gloss matches "cannot declare class redis" as a prefix, so any class whose name starts with Redis (a WordPress object cache's RedisCache included twice) is explained as phpredis beside a Redis alias.
  it('does not explain another class whose name starts with Redis', () => {
    const line =
      'PHP Fatal error:  Cannot declare class RedisCache, because the name is already in use in /var/www/html/wp-content/object-cache.php on line 12';
    expect(glossOf(line)?.means ?? '').not.toMatch(/phpredis/);
  });
});
