import { describe, expect, it } from 'vitest';
import { askedLines } from './asked-lines.js';
import { hostedApiDefaultAnalyzer } from './hosted-api-default.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { reloaderAnnotationAnalyzer } from './reloader-annotation.js';
import { schemeLessUrlAnalyzer } from './scheme-less-url.js';
import { swallowedMigrationAnalyzer } from './swallowed-migration.js';

// General rules written after held-out set 102's first contact (0 of 6), each with its table; the worlds'
// answers are in held-out-answers.test.ts. The scan's access-mode rule is tested in
// packages/tools-k8s/src/scan/pvcs.test.ts.

/** A described pod of Deployment `deployment` (its ReplicaSet controls it) with the given variables. */
const ownedPod = (ns: string, pod: string, container: string, env: Record<string, string>) =>
  observed(
    'describe_pod',
    { namespace: ns, name: pod },
    describedPodText({ ns, name: pod, container, env }).replace(
      'Status:           Running',
      `Status:           Running\nControlled By:    ReplicaSet/${pod.replace(/-[a-z0-9]{5}$/, '')}`,
    ),
  );

// --- scheme-less-url ---------------------------------------------------------------------------------------

describe('scheme-less-url: a server setting written as host:port where the client takes a URL', () => {
  const NS = 'smarthome';
  const POD = 'bridge-kzb9dcknxg-mkgnv';
  const crash = (lines: string[]) => log(NS, POD, lines, { previous: true });
  const failing = [
    'info  Connecting to MQTT server at mosquitto.smarthome.svc:1883',
    'error MQTT failed to connect, exiting...',
  ];
  const finds = (env: Record<string, string>, lines = failing) =>
    schemeLessUrlAnalyzer.finds(ctx(NS, [ownedPod(NS, POD, 'bridge', env), crash(lines)]));

  it.each([
    ['ZIGBEE2MQTT_CONFIG_MQTT_SERVER', 'mosquitto.smarthome.svc:1883', 'mqtt://mosquitto.smarthome.svc:1883'],
    ['MQTT_BROKER', 'mosquitto.smarthome.svc:1883', 'mqtt://mosquitto.smarthome.svc:1883'],
    ['MQTT_SERVER', 'mosquitto.smarthome.svc:8883', 'mqtts://mosquitto.smarthome.svc:8883'],
    ['RABBITMQ_URL', 'rabbit:5672', 'amqp://rabbit:5672'],
  ])('%s=%s gets the scheme (%s)', (name, value, fixed) => {
    const lines = [`info  Connecting to server at ${value}`, 'error failed to connect, exiting...'];
    const [f] = finds({ [name]: value }, lines);
    expect(f?.fix?.args).toEqual({
      namespace: NS,
      deployment: 'bridge',
      container: 'bridge',
      set: [{ name, value: fixed }],
    });
    expect(f?.cause).toContain('without the');
    expect(f?.cause).toContain('not the problem');
  });

  it.each([
    ['a URL already', { MQTT_SERVER: 'mqtt://mosquitto:1883' }, failing],
    ['a host without a port', { MQTT_SERVER: 'mosquitto' }, failing],
    ['a Go client that takes host:port (REDIS_ADDR)', { REDIS_ADDR: 'redis:6379' }, failing],
    ['a Kafka bootstrap list', { KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092' }, failing],
    ["a port that is not the protocol's", { MQTT_SERVER: 'mosquitto:8080' }, failing],
    ['no failure to connect', { MQTT_SERVER: 'mosquitto:1883' }, ['info  Connected to MQTT server']],
  ])('stays quiet for %s', (_, env, lines) => {
    expect(finds(env, lines)).toEqual([]);
  });

  it('reads a long hostile log in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () => finds({ MQTT_SERVER: 'mosquitto:1883' }, many(`failed to ${'connect '.repeat(400)}`)),
      () => finds({ MQTT_SERVER: 'mosquitto:1883' }, many('x'.repeat(3200))),
    );
  });
});

// --- asked lines: a warning the run went past ---------------------------------------------------------------

describe('asked lines: a warning the person asks about, after which the run finished', () => {
  const NS = 'community';
  const task =
    'Its log is full of warnings about PostCSS and source maps, and a colleague thinks the upgrade broke the build. Is anything wrong? If nothing is wrong, say so.';
  const warning =
    'Witout from option PostCSS could generate wrong source map or do not find Browserslist config. Set it to CSS file path or to undefined to prevent this warning';
  const said = (lines: string[], status = 'Completed') =>
    askedLines(
      ctx(
        NS,
        [
          pods(NS, [['forum-upgrade-75cwc', '0/1', status, '0', '1h']]),
          log(NS, 'forum-upgrade-75cwc', lines),
        ],
        task,
      ),
    ).join(' ');

  it('says the warning is harmless when the same log goes on to finish', () => {
    const text = said([
      'info: [build] client js bundle build started',
      warning,
      'info: [build] client js bundle build completed in 6.042sec',
      'info: NodeBB Upgrade Complete!',
    ]);
    expect(text).toContain('harmless');
    expect(text).toContain('NodeBB Upgrade Complete!');
  });

  it('does not call it harmless in the log of a pod that still runs (a server\'s "completed" is no end)', () => {
    expect(
      said([warning, 'info: [build] client js bundle build completed in 6.042sec'], 'Running'),
    ).not.toContain('harmless');
  });

  it.each([
    ['the run fails after it', [warning, 'error: [build] client side styles build failed', 'exiting']],
    ['nothing says the run finished', [warning, 'info: [build] client side styles build started']],
    ['the line is itself a failure', ['warning: PostCSS source map build failed', 'info: build completed']],
  ])('does not call it harmless when %s', (_, lines) => {
    expect(said(lines)).not.toContain('harmless');
  });
});

// --- swallowed-migration -------------------------------------------------------------------------------------

describe('swallowed-migration: a schema migration that failed inside a run that still completed', () => {
  const NS = 'analytics';
  const JOB_POD = 'superset-init-db-czlqw';
  const list = pods(NS, [
    ['superset-4fxmsmcqz-4qf7p', '1/1', 'Running', '0', '93m'],
    [JOB_POD, '0/1', 'Completed', '0', '94m'],
  ]);
  const web = log(NS, 'superset-4fxmsmcqz-4qf7p', [
    'ERROR:superset.views.error_handling:(psycopg2.errors.UndefinedColumn) column tables.catalog does not exist',
  ]);
  const initLines = [
    'Upgrading DB schema...',
    'INFO  [alembic.runtime.migration] Running upgrade 48cbb571fa3a -> 5f57af97bc3f, add catalog column',
    'Traceback (most recent call last):',
    '  File "/app/.venv/lib/python3.10/site-packages/sqlalchemy/engine/base.py", line 1910, in _execute_context',
    'psycopg2.errors.InsufficientPrivilege: must be owner of table tables',
    '',
    'The above exception was the direct cause of the following exception:',
    '',
    'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.InsufficientPrivilege) must be owner of table tables',
    '[SQL: ALTER TABLE tables ADD COLUMN catalog VARCHAR(256)]',
    'Initializing roles...',
    'Creating admin user...',
  ];

  it('reads the completed run of a database-preparing name when a release says the schema is behind', () => {
    expect(swallowedMigrationAnalyzer.reads(ctx(NS, [list, web]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: JOB_POD } },
    ]);
    expect(swallowedMigrationAnalyzer.reads(ctx(NS, [list]))).toEqual([]);
  });

  it('names the failed migration, the run that went on and completed, and what the release now misses', () => {
    const [f] = swallowedMigrationAnalyzer.finds(ctx(NS, [list, web, log(NS, JOB_POD, initLines)]));
    expect(f?.object).toBe(`pod ${JOB_POD}`);
    expect(f?.cause).toContain('must be owner of table tables');
    expect(f?.cause).toContain("only a table's owner");
    expect(f?.cause).toContain('carried on');
    expect(f?.cause).toContain('Initializing roles');
    expect(f?.cause).toContain('column tables.catalog does not exist');
    expect(f?.advice).toContain('set -e');
  });

  it.each([
    ['the migration succeeded', ['Running upgrade a -> b, add column', 'INFO done', 'Initializing roles...']],
    ['the run stopped at the failure', initLines.slice(0, 10)],
    ['no migration ran', ['Initializing roles...', 'ERROR: role exists', 'Creating admin user...']],
  ])('stays quiet when %s', (_, lines) => {
    expect(swallowedMigrationAnalyzer.finds(ctx(NS, [list, web, log(NS, JOB_POD, lines)]))).toEqual([]);
  });

  it('stays quiet for a run that is not Completed', () => {
    const running = pods(NS, [[JOB_POD, '1/1', 'Running', '0', '1m']]);
    expect(swallowedMigrationAnalyzer.finds(ctx(NS, [running, web, log(NS, JOB_POD, initLines)]))).toEqual(
      [],
    );
  });
});

// --- hosted-api-default --------------------------------------------------------------------------------------

describe("hosted-api-default: a client on its vendor's hosted defaults beside the team's own server", () => {
  const NS = 'dataflows';
  const POD = 'prefect-worker-xdg6scmtt-7h5lw';
  const env = {
    PREFECT_API_URL: 'https://api.prefect.cloud/api/accounts//workspaces/',
    PREFECT_API_KEY: "<set to the key 'key' in secret 'prefect-api-key'>",
  };
  const described = (vars: Record<string, string>, missing = true) => {
    const d = ownedPod(NS, POD, 'prefect-worker', vars);
    return missing
      ? {
          ...d,
          content: `${d.content}\n  Warning   Failed   33s (x2160 over 18h)   kubelet   Error: secret "prefect-api-key" not found`,
        }
      : d;
  };
  const services = (names: string[]) =>
    observed(
      'list_services',
      { namespace: NS },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
        ...names.map((n) => [n, 'ClusterIP', '10.96.56.64', '4200/TCP', '210d']),
      ]),
    );

  it('lists the Services first, then points the URL at the own server and drops the key', () => {
    expect(hostedApiDefaultAnalyzer.reads(ctx(NS, [described(env)]))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
    ]);
    const [f] = hostedApiDefaultAnalyzer.finds(ctx(NS, [described(env), services(['prefect-server'])]));
    expect(f?.fix?.args).toEqual({
      namespace: NS,
      deployment: 'prefect-worker',
      container: 'prefect-worker',
      set: [{ name: 'PREFECT_API_URL', value: 'http://prefect-server:4200/api' }],
      remove: ['PREFECT_API_KEY'],
    });
    expect(f?.cause).toContain('Cloud API URL');
    expect(f?.cause).toContain('self-hosted');
  });

  it('keeps the key when its Secret exists', () => {
    const [f] = hostedApiDefaultAnalyzer.finds(
      ctx(NS, [described(env, false), services(['prefect-server'])]),
    );
    expect(f?.fix?.args).not.toHaveProperty('remove');
  });

  it.each([
    [
      'a hosted URL with every part filled',
      { PREFECT_API_URL: 'https://api.prefect.cloud/api/accounts/a1/workspaces/w2' },
    ],
    ['an in-cluster URL', { PREFECT_API_URL: 'https://prefect-server.dataflows.svc/api//x/' }],
    ['a URL of another product than the Service', { DAGSTER_URL: 'https://dagster.cloud/a//b/' }],
  ])('stays quiet for %s', (_, vars) => {
    expect(hostedApiDefaultAnalyzer.finds(ctx(NS, [described(vars), services(['prefect-server'])]))).toEqual(
      [],
    );
  });

  it('stays quiet without a Service of the product in the namespace', () => {
    expect(hostedApiDefaultAnalyzer.finds(ctx(NS, [described(env), services(['prefect-db'])]))).toEqual([]);
  });
});

// --- reloader-annotation -------------------------------------------------------------------------------------

describe("reloader-annotation: Reloader's reload annotation on Reloader's own Deployment", () => {
  const NS = 'billing';
  const deployments = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ['invoice-renderer', '2/2', '2', '2', '62d', 'registry.internal/billing/invoice-renderer:4.8.2'],
      ['reloader', '1/1', '1', '1', '62d', 'ghcr.io/stakater/reloader:v1.2.1'],
    ]),
  );
  const deployment = (name: string, annotations: string[], env: string[]) =>
    observed(
      'describe_deployment',
      { namespace: NS, name },
      [
        `Name:                   ${name}`,
        `Namespace:              ${NS}`,
        `Annotations:            ${annotations[0] ?? '<none>'}`,
        ...annotations.slice(1).map((a) => `                        ${a}`),
        'Pod Template:',
        '  Containers:',
        `    ${name}:`,
        '      Environment:',
        ...env.map((e) => `        ${e}`),
        'Events:  <none>',
      ].join('\n'),
    );
  const reloader = deployment(
    'reloader',
    ['configmap.reloader.stakater.com/reload=renderer-settings', 'deployment.kubernetes.io/revision=2'],
    ['KUBERNETES_NAMESPACE:  billing', 'STAKATER_RENDERER_SETTINGS_CONFIGMAP:  5d41c7e0'],
  );
  const renderer = (annotations: string[] = ['deployment.kubernetes.io/revision=2']) =>
    deployment('invoice-renderer', annotations, ['<all keys from ConfigMap renderer-settings>']);
  const task = 'invoice-renderer still renders with the old templates; I think Reloader crashed';

  it("reads Reloader's Deployment, then the Deployments the task names", () => {
    expect(reloaderAnnotationAnalyzer.reads(ctx(NS, [deployments], task))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'reloader' } },
    ]);
    expect(reloaderAnnotationAnalyzer.reads(ctx(NS, [deployments, reloader], task))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'invoice-renderer' } },
    ]);
  });

  it('names the annotation on Reloader itself and the reader that was never rolled', () => {
    const [f] = reloaderAnnotationAnalyzer.finds(ctx(NS, [deployments, reloader, renderer()], task));
    expect(f?.object).toBe('deployment invoice-renderer');
    expect(f?.cause).toContain('on the reloader Deployment itself');
    expect(f?.cause).toContain('STAKATER_RENDERER_SETTINGS_CONFIGMAP');
    expect(f?.advice).toContain('kubectl annotate --overwrite deployment invoice-renderer');
  });

  it('stays quiet when the reader carries the annotation too, or reads something else', () => {
    const annotated = renderer(['configmap.reloader.stakater.com/reload=renderer-settings']);
    expect(reloaderAnnotationAnalyzer.finds(ctx(NS, [deployments, reloader, annotated], task))).toEqual([]);
    const other = deployment('invoice-renderer', [], ['<all keys from ConfigMap other-settings>']);
    expect(reloaderAnnotationAnalyzer.finds(ctx(NS, [deployments, reloader, other], task))).toEqual([]);
  });
});
