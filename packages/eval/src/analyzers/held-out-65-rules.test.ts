// Table tests of the general rules written after held-out set 65's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { refusedAddress, servicesAt } from '../baseline/reading.js';
import { cronConsumerAnalyzer } from './cron-consumer.js';
import { duplicateMigrationAnalyzer } from './duplicate-migration.js';
import { gunicornTimeoutAnalyzer } from './gunicorn-timeout.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, log, observed, table } from './observed.fixture.js';
import { pathOutsideSettingAnalyzer } from './path-outside-setting.js';
import { scriptSourceAnalyzer } from './script-source.js';
import { statusFlagErrorsAnalyzer } from './status-flag-errors.js';

describe('a refusal quoted with an address: the Service whose ClusterIP it is', () => {
  const list = observed(
    'list_services',
    { namespace: 'tables' },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      ['nocodb', 'ClusterIP', '10.96.12.4', '<none>', '80/TCP', '330d'],
      ['pg-gateway', 'ClusterIP', '10.96.40.17', '<none>', '5432/TCP', '330d'],
    ]),
  );
  const described = observed(
    'describe_service',
    { namespace: 'db', name: 'broker' },
    'Name:              broker\nNamespace:         db\nSelector:          app=broker\nType:              ClusterIP\nIP:                10.96.9.9\nEndpoints:         <none>\n',
  );

  it.each([
    ['Error: connect ECONNREFUSED 10.96.40.17:5432', [{ name: 'pg-gateway', namespace: 'tables' }]],
    ['dial tcp 10.96.9.9:5672: connect: connection refused', [{ name: 'broker', namespace: 'db' }]],
    // Another address, or the address without a port: no Service.
    ['Error: connect ECONNREFUSED 10.96.40.170:5432', []],
    ['pinging 10.96.40.17 failed', []],
  ])('%s', (line, found) => {
    expect(servicesAt(line, [list, described])).toEqual(found);
  });

  it.each([
    ['Error: connect ECONNREFUSED 10.96.40.17:5432', true],
    ['dial tcp 10.96.9.9:6379: i/o timeout', true],
    ['connected to 10.96.9.9:6379', false],
    ['connection refused by db:5432', false],
  ])('refusedAddress(%s) = %s', (line, refused) => {
    expect(refusedAddress(line)).toBe(refused);
  });
});

describe('script-source: pages show PHP source while Apache started without PHP', () => {
  const NS = 'pm';
  const POD = 'planner-d4fjpjmnl-p2q4q';
  const started = (modules: string) =>
    log(NS, POD, [
      `[Thu Apr 02 06:41:07.118422 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.63 (Unix)${modules} configured -- resuming normal operations`,
      '10.244.0.1 - - [02/Apr/2026:06:41:17 +0000] "GET / HTTP/1.1" 200 1873',
    ]);
  const TASK = 'The planner shows a page full of code starting with "<?php" instead of the login screen.';

  it('reads the rollout history, then finds the pod', () => {
    expect(scriptSourceAnalyzer.reads(ctx(NS, [started('')], TASK))).toEqual([
      { tool: 'get_rollout_history', args: { namespace: NS, name: 'planner' } },
    ]);
    const [f] = scriptSourceAnalyzer.finds(ctx(NS, [started('')], TASK));
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toMatch(/names no PHP module/);
  });

  it.each([
    // [modules after the version, task, finds]
    ['', TASK, true],
    ['', 'The site prints raw PHP since this morning.', true],
    // PHP is loaded: not this.
    [' PHP/8.3.14', TASK, false],
    // Nothing says a page shows source: not this.
    ['', 'The planner is slow since this morning.', false],
  ])('modules %j, task %j', (modules, task, finds) => {
    expect(scriptSourceAnalyzer.finds(ctx(NS, [started(modules)], task)).length > 0).toBe(finds);
  });
});

describe('a gloss for two classes named Redis', () => {
  it.each([
    ['production.ERROR: Cannot declare class Redis, because the name is already in use', true],
    ['PHP Fatal error:  Cannot declare class Redis, because the name is already in use in /app/x.php', true],
    ['Cannot declare class Foo, because the name is already in use', false],
  ])('%s', (line, glossed) => {
    expect(/phpredis/.test(glossOf(line)?.means ?? '')).toBe(glossed);
  });
});

describe('gunicorn-timeout: the program’s own timeout variable, and a schema behind the code', () => {
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

  it('reads a *_GUNICORN_TIMEOUT variable as the timeout set', () => {
    const [f] = gunicornTimeoutAnalyzer.finds(ctx(NS, [logOf(), pod({ APP_GUNICORN_TIMEOUT: '90' })]));
    expect(f?.cause).toMatch(/worker timeout of 90 seconds \(90 in APP_GUNICORN_TIMEOUT/);
    expect(f?.fix).toBeUndefined();
  });

  it('without any timeout set, proposes one', () => {
    const [f] = gunicornTimeoutAnalyzer.finds(ctx(NS, [logOf(), pod({})]));
    expect(f?.fix?.tool).toBe('set_env');
  });

  it('leads with the schema behind the code when the same log reports it, and proposes no timeout', () => {
    const [f] = gunicornTimeoutAnalyzer.finds(
      ctx(NS, [
        logOf(['django.db.utils.ProgrammingError: column part_part.default_expiry_mode does not exist']),
        pod({}),
      ]),
    );
    expect(f?.cause).toMatch(
      /^the requests of inventory-web fail on the database: .*schema is behind the code/,
    );
    expect(f?.fix).toBeUndefined();
  });
});

describe('duplicate-migration: one migration run creates a table twice', () => {
  const NS = 'fedi';
  const POD = 'misskey-q68wsbcwsm-v452c';
  const run = (between: string[], refusal = 'error: error: relation "note_draft" already exists') =>
    log(
      NS,
      POD,
      [
        'query: START TRANSACTION',
        'query: CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL, CONSTRAINT "PK_1" PRIMARY KEY ("id"))',
        ...between,
        'query: CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL, "cw" character varying(512), CONSTRAINT "PK_2" PRIMARY KEY ("id"))',
        'query failed: CREATE TABLE "note_draft" ("id" character varying(32) NOT NULL)',
        refusal,
        'query: ROLLBACK',
        '    at async NoteDraftSync1744300000000.up (file:///app/packages/backend/migration/1744300000000-note-draft-sync.js:9:9)',
      ],
      { previous: true, container: 'migrate' },
    );

  it('names both migrations and the stale file', () => {
    const [f] = duplicateMigrationAnalyzer.finds(
      ctx(NS, [run(['Migration NoteDraft1744100261027 has been  executed successfully.'])]),
    );
    expect(f?.object).toBe(`deployment misskey (pod ${POD})`);
    expect(f?.cause).toMatch(
      /creates table note_draft twice: migration NoteDraft1744100261027 created it .* migration NoteDraftSync1744300000000 \(1744300000000-note-draft-sync\.js\)/,
    );
    expect(f?.cause).toMatch(/stale, untracked file/);
  });

  it.each([
    // [lines between the two statements, refusal, finds]
    [[], 'error: relation "note_draft" already exists', true],
    // MySQL's wording.
    [[], "ERROR 1050 (42S01): Table 'note_draft' already exists", true],
    // The first statement was refused or rolled back: a retry of one migration, not two.
    [['error: relation "note_draft" already exists'], 'error: relation "note_draft" already exists', false],
    [['query: ROLLBACK'], 'error: relation "note_draft" already exists', false],
    // Another table refused: not this.
    [[], 'error: relation "users" already exists', false],
  ])('%j then %s', (between, refusal, finds) => {
    expect(duplicateMigrationAnalyzer.finds(ctx(NS, [run(between, refusal)])).length > 0).toBe(finds);
  });
});

describe('path-outside-setting: a command path outside the directory the program checks against', () => {
  const NS = 'music';
  const POD = 'import-vinyl-rips-1005-2bv8p';
  const pod = (command: string, env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'import', env })
        .replace(
          'Status:           Running',
          'Status:           Failed\nControlled By:    Job/import-vinyl-rips-1005',
        )
        .replace('    Restart Count:  0', `    Restart Count:  0\n    Command:        ${command}`),
    );
  const logOf = (lines: string[]) => log(NS, POD, lines);
  const CHECKED = [
    'Checking imported paths against settings.MUSIC_DIRECTORY_PATH',
    'CommandError: No file matching pattern, aborting',
  ];
  const ENV = { MUSIC_DIRECTORY_PATH: '/srv/data/music' };

  it('names the path, the setting and the in-place flag', () => {
    const [f] = pathOutsideSettingAnalyzer.finds(
      ctx(NS, [pod('manage import_files lib /imports/rips/**/*.flac --in-place', ENV), logOf(CHECKED)]),
    );
    expect(f?.object).toBe('job import-vinyl-rips-1005');
    expect(f?.cause).toMatch(
      /"\/imports\/rips\/\*\*\/\*\.flac" is not under MUSIC_DIRECTORY_PATH \(\/srv\/data\/music\)/,
    );
    expect(f?.cause).toMatch(/With --in-place/);
  });

  it.each([
    // [command, log, finds]
    ['manage import_files lib /imports/rips --in-place', CHECKED, true],
    // The path is under the directory: not this.
    ['manage import_files lib /srv/data/music/rips --in-place', CHECKED, false],
    // The log does not name the setting: not this.
    ['manage import_files lib /imports/rips', ['CommandError: No file matching pattern, aborting'], false],
    // The log names it but nothing fails after it: not this.
    [
      'manage import_files lib /imports/rips',
      ['Checking imported paths against settings.MUSIC_DIRECTORY_PATH', 'Imported 12 files'],
      false,
    ],
  ])('%s', (command, lines, finds) => {
    expect(pathOutsideSettingAnalyzer.finds(ctx(NS, [pod(command, ENV), logOf(lines)])).length > 0).toBe(
      finds,
    );
  });
});

describe('status-flag-errors: flagged not working for its logged errors while it does its work', () => {
  const NS = 'automation';
  const POD = 'agent-status-867npwmfc-n2hc8';
  const status = (line: string) =>
    log(NS, POD, [
      line,
      "agent=412 last_log level=error at=2026-11-18T10:00:40Z message=\"Error when handling item 'X': undefined method `gsub' for nil:NilClass\"",
    ]);

  it('names the flag, the error field, the work done and the one error', () => {
    const [f] = statusFlagErrorsAnalyzer.finds(
      ctx(NS, [
        status(
          'agent=412 name="Shop price watch" working=false events_created_last_check=498 recent_error_logs=true',
        ),
      ]),
    );
    expect(f?.cause).toMatch(
      /agent 412 \("Shop price watch"\) is flagged not working \(working=false\) because it has recent error logs \(recent_error_logs=true\).*events_created_last_check=498.*Error when handling item/,
    );
  });

  it.each([
    ['agent=412 working=false events_created_last_check=498 recent_error_logs=true', true],
    ['job=7 healthy=false items_processed=12 errors_last_run=1', true],
    // No work done: a real outage, not this.
    ['agent=412 working=false events_created_last_check=0 recent_error_logs=true', false],
    // No error field: not this.
    ['agent=412 working=false events_created_last_check=498', false],
    // Working: nothing.
    ['agent=412 working=true events_created_last_check=498 recent_error_logs=true', false],
  ])('%s', (line, finds) => {
    expect(statusFlagErrorsAnalyzer.finds(ctx(NS, [status(line)])).length > 0).toBe(finds);
  });
});

describe('cron-consumer: a queue consumer started from a cron file', () => {
  const NS = 'growth';
  const POD = 'mautic-cron-74kxrtlvfj-c8tf9';
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, container: 'mautic', configMaps: ['app-crontab'] }),
  );
  const map = (lines: string[], annotations = '<none>') =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'app-crontab' },
      `Name:         app-crontab\nNamespace:    ${NS}\nAnnotations:  ${annotations}\n\nData\n====\ncron:\n----\n${lines.join('\n')}\n`,
    );
  const cronLog = log(NS, POD, [
    'cron started',
    '2026-06-09 09:31:01 app:segments:update: 14 segments',
    '2026-06-09 09:32:01 messenger:consume email',
  ]);

  it('reads the cron ConfigMap of a described pod', () => {
    expect(cronConsumerAnalyzer.reads(ctx(NS, [pod]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', namespace: NS, name: 'app-crontab' } },
    ]);
  });

  it('names the line, the log and where the file came from', () => {
    const [f] = cronConsumerAnalyzer.finds(
      ctx(NS, [
        pod,
        cronLog,
        map(
          ['* * * * * www-data php bin/console messenger:consume email > /tmp/stdout 2>&1'],
          'ops/source=copied from an older image',
        ),
      ]),
    );
    expect(f?.cause).toMatch(
      /starts a queue consumer on a schedule .*messenger:consume runs until it is told to stop/,
    );
    expect(f?.cause).toMatch(/copied from an older image/);
  });

  it.each([
    ['* * * * * php artisan queue:work --tries=3', true],
    ['*/5 * * * * celery -A proj worker -l info', true],
    ['@hourly rq worker default', true],
    // A scheduled command that finishes: not this.
    ['* * * * * php bin/console app:segments:update', false],
    // Commented out: not this.
    ['# * * * * * php bin/console messenger:consume email', false],
  ])('%s', (line, finds) => {
    expect(cronConsumerAnalyzer.finds(ctx(NS, [pod, cronLog, map([line])])).length > 0).toBe(finds);
  });
});
