// A review of held-out set 102's rules (scheme-less-url, askedLines' finishedAfter, swallowed-migration,
// hosted-api-default, reloader-annotation, the scan's refused access modes, and the redactor's source
// locations) by a reviewer who did not write them: every input here is made up, none is a world's. The
// review found 18 bugs, each marked "Found in review, fixed:" above its test; all are fixed.
import { redactSecrets } from '@sre-harness/core';
import { ANALYZERS, analyze, type Facts } from '@sre-harness/tools-k8s';
import { describe, expect, it } from 'vitest';
import { askedLines } from './asked-lines.js';
import { hostedApiDefaultAnalyzer } from './hosted-api-default.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { reloaderAnnotationAnalyzer } from './reloader-annotation.js';
import { schemeLessUrlAnalyzer } from './scheme-less-url.js';
import { swallowedMigrationAnalyzer } from './swallowed-migration.js';

/** A described pod of Deployment `<pod without its suffix>` with one container and its variables. */
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

describe('scheme-less-url (review)', () => {
  const NS = 'smarthome';
  const POD = 'bridge-kzb9dcknxg-mkgnv';
  const finds = (env: Record<string, string>, lines: string[], extra: Record<string, unknown> = {}) =>
    schemeLessUrlAnalyzer.finds(
      ctx(NS, [ownedPod(NS, POD, 'bridge', env), log(NS, POD, lines, { previous: true, ...extra })]),
    );

  // Found in review, fixed: any "could not connect" line of the log is taken as the MQTT client's failure, even one that names another server (a database) and never mentions the broker's address or MQTT.
  it("stays quiet when the log's only connect failure is about another server (the database)", () => {
    expect(
      finds({ MQTT_SERVER: 'mosquitto:1883' }, [
        'MQTT connected to mosquitto:1883',
        'error: could not connect to postgres at db:5432: connection refused',
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: a connect failure the client recovered from (a later "Connected to MQTT broker" line of the same log) still fires, though the bare value evidently works for this client.
  it('stays quiet when the same log later says the client connected', () => {
    expect(
      finds({ MQTT_BROKER: 'mosquitto:1883' }, [
        'MQTT failed to connect, retrying in 5s',
        'Connected to MQTT broker mosquitto:1883',
        'subscribed to zigbee2mqtt/#',
      ]),
    ).toEqual([]);
  });

  it('takes JSON log lines and an upper-case host', () => {
    const [f] = finds({ MQTT_URL: 'MOSQUITTO.smarthome.svc:8883' }, [
      '{"level":"error","msg":"Error: connect ECONNREFUSED 127.0.0.1:8883"}',
    ]);
    expect(f?.fix?.args).toMatchObject({
      set: [{ name: 'MQTT_URL', value: 'mqtts://MOSQUITTO.smarthome.svc:8883' }],
    });
  });

  it('blames only the container the log came from in a two-container pod', () => {
    const d = ownedPod(NS, POD, 'bridge', {});
    const twoContainers = {
      ...d,
      content: d.content.replace(
        'Conditions:',
        [
          '  exporter:',
          '    Image:          registry.example.com/exporter:1.0.0',
          '    State:          Running',
          '    Environment:',
          '      MQTT_SERVER:  mosquitto:1883',
          'Conditions:',
        ].join('\n'),
      ),
    };
    const found = schemeLessUrlAnalyzer.finds(
      ctx(NS, [
        twoContainers,
        log(NS, POD, ['could not connect to upstream api: ECONNREFUSED'], { container: 'bridge' }),
      ]),
    );
    expect(found).toEqual([]);
  });

  it('does not crash on an empty log, a log without a name, or a pod never described', () => {
    expect(schemeLessUrlAnalyzer.finds(ctx(NS, [log(NS, POD, [''])]))).toEqual([]);
    expect(
      schemeLessUrlAnalyzer.finds(
        ctx(NS, [observed('get_pod_logs', { namespace: NS, name: 7 }, 'failed to connect')]),
      ),
    ).toEqual([]);
  });

  it('reads near-matches of the host:port pattern and the failure words in bounded time', () => {
    const env = { MQTT_SERVER: `${'a.'.repeat(120)}:1883` };
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () => finds(env, many(`unable to ${'connec '.repeat(500)} ${'a-'.repeat(300)}`)),
      () => finds(env, many('y'.repeat(4100 - 1000))),
    );
  });
});

// --- asked lines: finishedAfter -----------------------------------------------------------------------------

describe('asked lines: a warning the run went past (review)', () => {
  const NS = 'community';
  const task =
    'The log is full of warnings about PostCSS source maps and a colleague thinks the upgrade broke the build. Is anything wrong? If nothing is wrong, say so.';
  const warning =
    'warn: PostCSS source map warning: Without from option PostCSS could generate wrong source map';
  const said = (lines: string[], t = task) =>
    askedLines(ctx(NS, [log(NS, 'forum-upgrade-75cwc', lines)], t)).join(' ');

  // Found in review, fixed: a Python traceback after the "done" line (TypeError, KeyError: CamelCase exception names) is no FAILURE for the rule, so the warning is called harmless although the run crashed.
  it('does not call it harmless when a Python exception follows', () => {
    const text = said([
      warning,
      'info: [build] PostCSS source map step done',
      'Traceback (most recent call last):',
      '  File "/app/upgrade.py", line 12, in <module>',
      "KeyError: 'sourcemap'",
    ]);
    expect(text).not.toContain('harmless');
  });

  // Found in review, fixed: npm's own failure lines ("npm ERR! code ELIFECYCLE") carry no word of FAILURE, so a build that ended in npm ERR! after a "compiled successfully" step is called finished and the warning harmless.
  it("does not call it harmless when npm's ERR! lines end the log", () => {
    const text = said([
      warning,
      'webpack compiled successfully in 4120 ms',
      'npm ERR! code ELIFECYCLE',
      'npm ERR! errno 137',
      'npm ERR! forum@3.1.0 build: `node build.js`',
    ]);
    expect(text).not.toContain('harmless');
  });

  // Found in review, fixed: "finished with exit code 1" and "did not complete" are read as the run finishing (FINISHED matches the word, nothing reads the exit code or the negation).
  it('does not call it harmless when the "finished" line says a non-zero exit or a negation', () => {
    expect(said([warning, 'Build finished with exit code 1'])).not.toContain('harmless');
    expect(said([warning, 'PostCSS build did not complete within 600s, killed'])).not.toContain('harmless');
  });

  // Found in review, fixed: on a long-running server every request's "request completed" line counts as the run finishing, so any warning it is asked about (here a PostCSS source map warning of a live server) is called harmless and ignorable.
  it("does not take a server's per-request 'request completed' for the run finishing", () => {
    const text = said([
      'info: server listening on :4567',
      warning,
      '{"level":30,"reqId":"req-1","msg":"request completed","responseTime":3.1}',
    ]);
    expect(text).not.toContain('harmless');
  });

  it('stays bounded on many warning lines and many finished lines', () => {
    const many = (n: number, s: string) => Array.from({ length: n }, (_, i) => `${s} ${i}`);
    expectBounded(
      () => said([...many(1000, warning), ...many(1000, `done ${'completed '.repeat(100)}`)]),
      () => said([...many(1000, warning.replace(/warn/gi, 'note')), ...many(1000, 'x'.repeat(900))]),
    );
  });
});

// --- swallowed-migration -------------------------------------------------------------------------------------

describe('swallowed-migration (review)', () => {
  const NS = 'analytics';
  const JOB_POD = 'superset-init-db-czlqw';
  const list = pods(NS, [
    ['superset-4fxmsmcqz-4qf7p', '1/1', 'Running', '0', '93m'],
    [JOB_POD, '0/1', 'Completed', '0', '94m'],
  ]);
  const web = log(NS, 'superset-4fxmsmcqz-4qf7p', [
    'ERROR:superset.views.error_handling:(psycopg2.errors.UndefinedColumn) column tables.catalog does not exist',
  ]);
  const finds = (lines: string[], seen = [list, web]) =>
    swallowedMigrationAnalyzer.finds(ctx(NS, [...seen, log(NS, JOB_POD, lines)]));

  it('finds a Django migration refused by PostgreSQL that the script went past', () => {
    const [f] = finds([
      'Operations to perform:',
      'Running migrations:',
      '  Applying catalog.0042_add_catalog_column...',
      'Traceback (most recent call last):',
      '  File "/usr/local/lib/python3.11/site-packages/django/db/backends/utils.py", line 89, in _execute',
      'django.db.utils.ProgrammingError: permission denied for table tables',
      'Collecting static files...',
      '120 static files copied.',
    ]);
    expect(f?.cause).toContain('permission denied for table tables');
    expect(f?.cause).toContain('Collecting static files');
  });

  // Found in review, fixed: an error of a later step (a role that already exists, after the migration finished) within 40 lines of the migration's first line is taken for the migration's failure.
  it("stays quiet when the migration succeeded and a later step's error follows it", () => {
    expect(
      finds([
        'Upgrading DB schema...',
        'INFO  [alembic.runtime.migration] Running upgrade 48cbb571fa3a -> 5f57af97bc3f, add catalog column',
        'INFO  [alembic.runtime.migration] Running upgrade 5f57af97bc3f -> 9a1b2c3d4e5f, add index',
        'Initializing roles...',
        'ERROR: role "Admin" already exists, skipping',
        'Creating admin user...',
        'Init complete',
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: a migration that failed once and succeeded on the script's retry is still reported as failed and swallowed (the retry's "Running upgrade" line is taken for a later step).
  it('stays quiet when the migration failed once and then succeeded on a retry', () => {
    expect(
      finds([
        'INFO  [alembic.runtime.migration] Running upgrade a1 -> b2, add catalog column',
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server: Connection refused',
        'database not ready, retrying in 5s',
        'INFO  [alembic.runtime.migration] Running upgrade a1 -> b2, add catalog column',
        'INFO  [alembic.runtime.migration] Upgrade to b2 done',
        'Initializing roles...',
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: the Job's describe_pod is looked up by name in any namespace, so a same-named pod of another namespace gives the Job's name.
  it("reads the Job's name from a description in the investigated namespace only", () => {
    const other = observed(
      'describe_pod',
      { namespace: 'other', name: JOB_POD },
      `Name: ${JOB_POD}\nNamespace: other\nControlled By:  Job/someone-elses-job\n`,
    );
    const [f] = finds(
      [
        'Running upgrade a -> b, add catalog column',
        'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.InsufficientPrivilege) must be owner of table tables',
        'Initializing roles...',
      ],
      [list, web, other],
    );
    expect(f).toBeDefined();
    expect(f!.object).not.toContain('someone-elses-job');
  });

  // Found in review, fixed: a plain psycopg2 script's exception line (`psycopg2.errors.InsufficientPrivilege: must be owner of table tables`) is no failure for FAILED, whose class name must end in Error or Exception, so the swallowed migration is missed.
  it("finds a failure whose exception class does not end in Error (psycopg2's InsufficientPrivilege)", () => {
    const [f] = finds([
      'Running upgrade a1 -> b2, add catalog column',
      'Traceback (most recent call last):',
      '  File "/app/migrate.py", line 30, in <module>',
      'psycopg2.errors.InsufficientPrivilege: must be owner of table tables',
      'Initializing roles...',
      'Creating admin user...',
    ]);
    expect(f?.cause).toContain('must be owner of table tables');
  });

  it('reads a hostile log (many ERROR lines, long traceback-looking lines) in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () => finds(['Running upgrade a -> b', ...many(`${'a.'.repeat(60)}Error: ${'ERROR : '.repeat(400)}`)]),
      () => finds(['Running upgrade a -> b', ...many('x'.repeat(3300))]),
    );
  });
});

// --- hosted-api-default --------------------------------------------------------------------------------------

describe('hosted-api-default (review)', () => {
  const NS = 'dataflows';
  const POD = 'prefect-worker-xdg6scmtt-7h5lw';
  const env = {
    PREFECT_API_URL: 'https://api.prefect.cloud/api/accounts//workspaces/',
    PREFECT_API_KEY: "<set to the key 'key' in secret 'prefect-api-key'>",
  };
  const described = (vars: Record<string, string>) => ownedPod(NS, POD, 'prefect-worker', vars);
  const services = (rows: [string, string][]) =>
    observed(
      'list_services',
      { namespace: NS },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
        ...rows.map(([n, p]) => [n, p.includes(':') ? 'NodePort' : 'ClusterIP', '10.96.56.64', p, '210d']),
      ]),
    );

  // Found in review, fixed: a Service whose PORT(S) carries a node port (4200:30420/TCP, how list_services prints a NodePort or LoadBalancer Service) is not read as the product's server, so the rule stays silent.
  it('finds the own server behind a NodePort Service too', () => {
    const [f] = hostedApiDefaultAnalyzer.finds(
      ctx(NS, [described(env), services([['prefect-server', '4200:30420/TCP']])]),
    );
    expect(f?.fix?.args).toMatchObject({
      set: [{ name: 'PREFECT_API_URL', value: 'http://prefect-server:4200/api' }],
    });
  });

  it('stays quiet when the Service and the pod are in different namespaces', () => {
    const elsewhere = observed(
      'list_services',
      { namespace: 'prefect' },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
        ['prefect-server', 'ClusterIP', '10.96.56.64', '4200/TCP', '210d'],
      ]),
    );
    expect(hostedApiDefaultAnalyzer.finds(ctx(NS, [described(env), elsewhere]))).toEqual([]);
  });

  it('does not crash on a description without containers and a services list without rows', () => {
    const bare = observed('describe_pod', { namespace: NS, name: POD }, 'Name: x\n');
    expect(hostedApiDefaultAnalyzer.finds(ctx(NS, [bare, services([])]))).toEqual([]);
    expect(hostedApiDefaultAnalyzer.reads(ctx(NS, [bare]))).toEqual([]);
  });

  it('reads a long hostile URL in bounded time', () => {
    const hostile = { PREFECT_API_URL: `https://${'a-'.repeat(30)}.${'b'.repeat(60)}.${'/x/'.repeat(1300)}` };
    const benign = { PREFECT_API_URL: `https://api.prefect.cloud/${'x'.repeat(4000)}` };
    const svc = services([['prefect-server', '4200/TCP']]);
    const run = (v: Record<string, string>) => () => {
      for (let i = 0; i < 200; i++) hostedApiDefaultAnalyzer.finds(ctx(NS, [described(v), svc]));
    };
    expectBounded(run(hostile), run(benign));
  });
});

// --- reloader-annotation -------------------------------------------------------------------------------------

describe('reloader-annotation (review)', () => {
  const NS = 'billing';
  const list = (reloaderReady = '1/1') =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ['invoice-renderer', '2/2', '2', '2', '62d', 'registry.internal/billing/invoice-renderer:4.8.2'],
        ['reloader', reloaderReady, '1', reloaderReady[0]!, '62d', 'ghcr.io/stakater/reloader:v1.2.1'],
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
    ['KUBERNETES_NAMESPACE:  billing'],
  );
  const finds = (renderer: ReturnType<typeof deployment>, l = list()) =>
    reloaderAnnotationAnalyzer.finds(ctx(NS, [l, reloader, renderer]));

  // Found in review, fixed: a reader with reloader.stakater.com/auto=true is rolled by Reloader on any change of what it reads, yet the rule says it was never restarted because it lacks the named reload key.
  it('stays quiet when the reader carries reloader.stakater.com/auto=true', () => {
    expect(
      finds(
        deployment(
          'invoice-renderer',
          ['reloader.stakater.com/auto=true'],
          ['<all keys from ConfigMap renderer-settings>'],
        ),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a reader that takes the ConfigMap with envFrom and a prefix ("<all keys from ConfigMap renderer-settings with prefix 'R_'>", as describe prints it) is not seen as a reader.
  it("sees a reader that takes the ConfigMap's keys with a prefix", () => {
    const [f] = finds(
      deployment('invoice-renderer', [], ["<all keys from ConfigMap renderer-settings with prefix 'R_'>"]),
    );
    expect(f?.object).toBe('deployment invoice-renderer');
  });

  // Found in review, fixed: the advice's `kubectl annotate … reload=renderer-settings` fails on a reader that already has the same key for another ConfigMap (no --overwrite), and with --overwrite would drop that other ConfigMap from the list.
  it("merges the ConfigMap into the reader's existing reload list instead of replacing it", () => {
    const [f] = finds(
      deployment(
        'invoice-renderer',
        ['configmap.reloader.stakater.com/reload=renderer-fonts'],
        ['<all keys from ConfigMap renderer-settings>', '<all keys from ConfigMap renderer-fonts>'],
      ),
    );
    expect(f).toBeDefined();
    expect(f!.advice).toContain('renderer-fonts,renderer-settings');
  });

  // Found in review, fixed: the cause asserts "Reloader did not crash and its permissions are fine" even when the Deployment list shows Reloader with 0/1 ready; nothing read shows either.
  it('does not claim Reloader is healthy when its Deployment has no ready replica', () => {
    const [f] = finds(
      deployment('invoice-renderer', [], ['<all keys from ConfigMap renderer-settings>']),
      list('0/1'),
    );
    expect(f?.cause).not.toContain('did not crash');
  });

  it('finds a Secret named in the secret reload key and read through a key reference', () => {
    const rel = deployment('reloader', ['secret.reloader.stakater.com/reload=smtp-credentials'], []);
    const reader = deployment(
      'invoice-renderer',
      [],
      ["SMTP_PASSWORD:  <set to the key 'password' in secret 'smtp-credentials'>  Optional: false"],
    );
    const [f] = reloaderAnnotationAnalyzer.finds(ctx(NS, [list(), rel, reader]));
    expect(f?.cause).toContain('Secret smtp-credentials');
  });

  it('stays quiet when Reloader itself reads the annotated ConfigMap', () => {
    const rel = deployment(
      'reloader',
      ['configmap.reloader.stakater.com/reload=renderer-settings'],
      ['<all keys from ConfigMap renderer-settings>'],
    );
    const reader = deployment('invoice-renderer', [], ['<all keys from ConfigMap renderer-settings>']);
    expect(reloaderAnnotationAnalyzer.finds(ctx(NS, [list(), rel, reader]))).toEqual([]);
  });

  it('does not take a ConfigMap whose name only starts with the annotated one (renderer-settings-v2)', () => {
    expect(
      finds(deployment('invoice-renderer', [], ['<all keys from ConfigMap renderer-settings-v2>'])),
    ).toEqual([]);
  });

  it('stays quiet for a look-alike image (not stakater/reloader) and in another namespace', () => {
    const lookalike = observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ['invoice-renderer', '2/2', '2', '2', '62d', 'registry.internal/billing/invoice-renderer:4.8.2'],
        ['reloader', '1/1', '1', '1', '62d', 'ghcr.io/notstakater/reloader-fork:v1'],
      ]),
    );
    const reader = deployment('invoice-renderer', [], ['<all keys from ConfigMap renderer-settings>']);
    expect(reloaderAnnotationAnalyzer.finds(ctx(NS, [lookalike, reloader, reader]))).toEqual([]);
    expect(reloaderAnnotationAnalyzer.finds(ctx('other', [list(), reloader, reader]))).toEqual([]);
  });

  it('reads a hostile annotation list in bounded time', () => {
    const names = Array.from({ length: 300 }, (_, i) => `cm-${i}`).join(',');
    const rel = deployment('reloader', [`configmap.reloader.stakater.com/reload=${names}`], []);
    const benign = deployment('reloader', [`x.example.com/note=${'y'.repeat(names.length)}`], []);
    const reader = deployment('invoice-renderer', [], ['<all keys from ConfigMap nothing>']);
    expectBounded(
      () => reloaderAnnotationAnalyzer.finds(ctx(NS, [list(), rel, reader])),
      () => reloaderAnnotationAnalyzer.finds(ctx(NS, [list(), benign, reader])),
    );
  });
});

// --- the scan's refused access modes (pvcs) ------------------------------------------------------------------

describe("pvcs: a claim's access mode its provisioner refuses (review)", () => {
  const NS = 'shop';
  const PVCS = ANALYZERS.filter((a) => a.name === 'pvcs');
  const claim = (accessModes: unknown, cls = 'local-path') => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'shared', namespace: NS },
    spec: { storageClassName: cls, accessModes },
    status: { phase: 'Pending' },
  });
  const sc = (name: string) => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
  });
  const waiting = (name: string, ns = NS, phase = 'Pending') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: { containers: [], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'shared' } }] },
    status: { phase },
  });
  const scan = (objects: Record<string, unknown[]>, message: string) =>
    analyze(
      {
        namespace: NS,
        now: new Date('2026-12-07T00:00:00Z'),
        list: <T>(kind: string) => (objects[kind] ?? []) as T[],
        read: () => true,
        eventsFor: () =>
          [{ reason: 'ProvisioningFailed', type: 'Warning', message, involvedObject: {} }] as never,
      } as Facts,
      PVCS,
    );

  it("names the mode asked for and only this namespace's Pending pods that mount the claim", () => {
    const [f] = scan(
      {
        PersistentVolumeClaim: [claim(['ReadWriteMany'])],
        StorageClass: [sc('local-path')],
        Pod: [waiting('web-1'), waiting('web-2', 'other'), waiting('web-3', NS, 'Running')],
      },
      'failed to provision volume with StorageClass "local-path": Only support ReadWriteOnce access mode',
    );
    expect(f?.message).toContain('asks for ReadWriteMany');
    expect(f?.message).toContain('web-1');
    expect(f?.message).not.toContain('web-2');
    expect(f?.message).not.toContain('web-3');
  });

  it('does not take ReadWriteOncePod for ReadWriteOnce in the message', () => {
    const [f] = scan(
      { PersistentVolumeClaim: [claim(['ReadWriteOnce'])], StorageClass: [sc('csi')] },
      'rpc error: access mode ReadWriteOncePod is not supported by this driver',
    );
    expect(f?.message).not.toContain('asks for ReadWriteOnce');
  });

  // Found in review, fixed: "ReadWriteOnce is supported, ReadWriteMany is not supported" makes `says` read ReadWriteOnce as refused too (its 40-character window reaches the other mode's "not supported"), so a claim asking both is told both are refused.
  it('names only the refused mode when the message says one is supported and the other not', () => {
    const [f] = scan(
      {
        PersistentVolumeClaim: [claim(['ReadWriteOnce', 'ReadWriteMany'], 'csi')],
        StorageClass: [sc('csi')],
      },
      'volume capability: ReadWriteOnce is supported, ReadWriteMany is not supported (access mode)',
    );
    expect(f?.message).toContain('asks for ReadWriteMany');
    expect(f?.message).not.toContain('ReadWriteOnce, ReadWriteMany');
  });

  // Found in review, fixed: the fix always says to ask for ReadWriteOnce or for a shared file system offering the asked mode, even when the refused mode is ReadWriteOnce itself (an object-store driver that offers only ReadWriteMany and ReadOnlyMany).
  it('does not recommend the very mode the provisioner refused', () => {
    const [f] = scan(
      { PersistentVolumeClaim: [claim(['ReadWriteOnce'], 's3')], StorageClass: [sc('s3')] },
      'rpc error: access mode ReadWriteOnce is not supported; supported access modes: ReadWriteMany, ReadOnlyMany',
    );
    expect(f?.message).toContain('asks for ReadWriteOnce');
    expect(f?.fix).not.toContain('(ReadWriteOnce: one node mounts it)');
  });

  it('does not crash on accessModes that are not a list, and on a pod without volumes', () => {
    const found = scan(
      {
        PersistentVolumeClaim: [claim('ReadWriteMany')],
        StorageClass: [sc('local-path')],
        Pod: [{ kind: 'Pod', metadata: { name: 'p', namespace: NS }, status: { phase: 'Pending' } }],
      },
      'Only support ReadWriteOnce access mode',
    );
    expect(found[0]?.reason).toBe('ProvisioningFailed');
    expect(found[0]?.message).not.toContain('asks for');
  });

  it('reads a long message of near-matches in bounded time', () => {
    const objects = { PersistentVolumeClaim: [claim(['ReadWriteMany'])], StorageClass: [sc('local-path')] };
    expectBounded(
      () => scan(objects, `access mode ${'ReadWriteMany '.repeat(1400)}`),
      () => scan(objects, `access mode ${'x'.repeat(14 * 1400)}`),
    );
  });
});

// --- redaction: source locations ---------------------------------------------------------------------------

describe('redaction keeps source locations, masks the values (review)', () => {
  it("keeps klog's header and a Go stack frame", () => {
    const klog = 'W1207 03:46:07.000001       1 token_manager.go:121] "Failed to refresh token"';
    expect(redactSecrets(klog)).toBe(klog);
    const frame = '\t/app/internal/auth/secret_store.go:88 +0x1f';
    expect(redactSecrets(frame)).toBe(frame);
  });

  it('masks a secret that follows a kept location on the same line', () => {
    const out = redactSecrets('I1207 1 auth_token.go:73] using token=ghp_Zx9Qp7LmN4rT8vW2yB6cD1fH3jK5sA0eU');
    expect(out).toContain('auth_token.go:73]');
    expect(out).not.toContain('Zx9Qp7LmN4rT8vW2yB6cD1fH3jK5sA0eU');
  });

  // Found in review, fixed: lineNumberAt accepts digits ended by any punctuation, so a value after a file-like key that starts with up to 7 digits and a dash (a numeric-prefixed key "4021-8f3a…") is kept whole instead of masked.
  it('masks a numeric-prefixed value that is no line number (digits, then a dash and more)', () => {
    expect(redactSecrets('secret_key.rb:4021-8f3a9c7e1b2d5a60e4f7')).not.toContain('8f3a9c7e1b2d5a60e4f7');
  });

  it('redacts a hostile line of repeated locations in bounded time', () => {
    expectBounded(
      () => redactSecrets('token.go:1 '.repeat(20_000)),
      () => redactSecrets('plain.gx:1 '.repeat(20_000)),
    );
  });
});
