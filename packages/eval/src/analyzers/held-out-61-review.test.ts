// Review of the rules written for held-out sets 60 and 61 (by a reviewer who did not write them): each
// test is an attack. The 38 that exposed a bug carry a `// Found in review, fixed:` line saying what was
// wrong and what the right behaviour is; every one passes now.
import { redactSecrets } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { settledWarnings } from './app-errors.js';
import { askedLines } from './asked-lines.js';
import { inotifyLimitAnalyzer } from './inotify-limit.js';
import { localhostSettingAnalyzer } from './localhost-setting.js';
import { glossOf } from './log-glosses.js';
import { lowercaseNameAnalyzer } from './lowercase-name.js';
import { misroutedPathAnalyzer } from './misrouted-path.js';
import { netpolEgressAnalyzer } from './netpol-egress.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { poolLeakAnalyzer } from './pool-leak.js';
import { poolsOverMaxConnectionsAnalyzer } from './pools-over-max-connections.js';
import { shmBusErrorAnalyzer } from './shm-bus-error.js';
import { startTimeoutAnalyzer } from './start-timeout.js';
import type { Analyzer, AnalyzerContext } from './types.js';
import { volumeBackingAnalyzer, volumePermissionsAnalyzer } from './volume-permissions.js';
import { nginxLocations, websocketUpgradeAnalyzer } from './websocket-upgrade.js';

/** A lone half of a surrogate pair: text cut inside a pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string of a finding (cause, evidence, advice, fix text). */
const strings = (x: unknown): string[] => JSON.stringify(x).match(/"(?:[^"\\]|\\.)*"/g) ?? [];

// ---------------------------------------------------------------------------------------------------
describe('shm-bus-error', () => {
  const NS = 'db';
  const POD = 'pg-0';
  const shmVolume = [
    '  dshm:',
    '    Type:      EmptyDir (a temporary directory)',
    '    Medium:    Memory',
    '    SizeLimit: 64Mi',
  ];
  /** A pod of two containers: postgres (with /dev/shm) Running, and an exporter sidecar that restarted. */
  const twoContainers = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      `Name:             ${POD}`,
      `Namespace:        ${NS}`,
      'Status:           Running',
      'Controlled By:    StatefulSet/pg',
      'Containers:',
      '  postgres:',
      '    Image:          postgres:16.4',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Environment:    <none>',
      '    Mounts:',
      '      /dev/shm from dshm (rw)',
      '  exporter:',
      '    Image:          prometheuscommunity/postgres-exporter:v0.15.0',
      '    State:          Running',
      '    Last State:     Terminated',
      '      Reason:       Error',
      '      Exit Code:    2',
      '    Ready:          True',
      '    Restart Count:  1',
      '    Environment:    <none>',
      'Conditions:',
      '  Type              Status',
      '  Ready             True',
      'Volumes:',
      ...shmVolume,
      'QoS Class:        Burstable',
      'Events:  <none>',
    ].join('\n'),
  );
  const pgLog = log(
    NS,
    POD,
    [
      '2026-11-02 10:00:01 UTC [812] ERROR:  could not resize shared memory segment "/PostgreSQL.1" to 8388608 bytes: No space left on device',
      '2026-11-02 10:00:02 UTC [1] LOG:  server process (PID 812) was terminated by signal 7: Bus error',
    ],
    { container: 'postgres' },
  );

  // Found in review, fixed: a bus error one container logged is pinned on another container of the pod that merely restarted (exit 2, no /dev/shm) with "nothing is mounted at /dev/shm" advice; the finding should name the container that logged the bus error (postgres, whose /dev/shm is the 64Mi dshm) or none.
  it('does not blame a sidecar that exited 2 for the bus error the database container logged', () => {
    const found = shmBusErrorAnalyzer.finds(ctx(NS, [twoContainers, pgLog]));
    for (const f of found) expect(f.cause).not.toMatch(/container exporter/);
  });

  // Found in review, fixed: the advice doubles the sizeLimit (64Mi to 128Mi) even when the program's own log says it needs 192 MiB of shared memory; the suggested size should be at least what the log states.
  it('does not advise a /dev/shm smaller than the shared memory the program says it needs', () => {
    const crashed = observed(
      'describe_pod',
      { namespace: 'video', name: 'recorder-5d9c8b7f5-a1b2c' },
      [
        'Name:             recorder-5d9c8b7f5-a1b2c',
        'Namespace:        video',
        'Containers:',
        '  app:',
        '    Image:          registry.example.com/app:1.0.0',
        '    State:          Waiting',
        '      Reason:       CrashLoopBackOff',
        '    Last State:     Terminated',
        '      Reason:       Error',
        '      Exit Code:    135',
        '    Ready:          False',
        '    Mounts:',
        '      /dev/shm from dshm (rw)',
        'Conditions:',
        'Volumes:',
        ...shmVolume,
        'Events:  <none>',
      ].join('\n'),
    );
    const crash = log(
      'video',
      'recorder-5d9c8b7f5-a1b2c',
      ['INFO shared memory buffers: 8 streams x 4 frames x 6 MiB = 192 MiB', 'Fatal Python error: Bus error'],
      { previous: true },
    );
    const [f] = shmBusErrorAnalyzer.finds(ctx('video', [crashed, crash]));
    expect(f?.advice).toBeDefined();
    expect(f?.advice).not.toMatch(/at least 128Mi/);
  });

  it('ignores a bus error logged in another namespace, and asks nothing of a healthy pod', () => {
    const healthy = observed(
      'describe_pod',
      { namespace: NS, name: 'web-1' },
      describedPodText({ ns: NS, name: 'web-1' }),
    );
    expect(shmBusErrorAnalyzer.reads(ctx(NS, [healthy]))).toEqual([]);
    const elsewhere = log('other', 'web-1', ['Bus error (core dumped)', 'shared memory: 64MiB'], {
      previous: true,
    });
    expect(shmBusErrorAnalyzer.finds(ctx(NS, [healthy, elsewhere]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('pools-over-max-connections', () => {
  const NS = 'docs';
  const CLIENT = 'wiki-lzx5xskv5-4f2gv';
  const refused = log(NS, CLIENT, [
    'error: Database Connection Error: ER_CON_COUNT_ERROR Too many connections',
  ]);
  const deployment = (env: string[], replicas = 3) =>
    observed(
      'describe_deployment',
      { namespace: NS, name: 'wiki' },
      [
        'Name:                   wiki',
        `Replicas:               ${replicas} desired | ${replicas} updated | ${replicas} total | ${replicas} available | 0 unavailable`,
        'Pod Template:',
        '  Containers:',
        '    wiki:',
        '      Environment:',
        ...env.map((e) => `        ${e}`),
        'Events:  <none>',
      ].join('\n'),
    );
  const listed = pods(NS, [
    [CLIENT, '1/1', 'Running', '0', '1d'],
    ['wiki-db-0', '1/1', 'Running', '0', '20d'],
  ]);
  const db = (env?: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: 'wiki-db-0' },
      describedPodText({
        ns: NS,
        name: 'wiki-db-0',
        configMaps: ['wiki-db-config'],
        ...(env ? { env } : {}),
      }),
    );
  const cnf = (text: string) =>
    observed('get_resource', { kind: 'ConfigMap', name: 'wiki-db-config', namespace: NS }, text);

  // Found in review, fixed: POOL_VAR's `POOL_?MAX` has no word end, so DB_POOL_MAX_LIFETIME (1800 seconds) is read as the pool size before DB_POOL_MAX; the pool is DB_POOL_MAX=6 (3 × 6 = 18).
  it('reads the pool size from DB_POOL_MAX, not from DB_POOL_MAX_LIFETIME', () => {
    const dep = deployment(['DB_HOST:  wiki-db.docs.svc', 'DB_POOL_MAX_LIFETIME:  1800', 'DB_POOL_MAX:  6']);
    const [f] = poolsOverMaxConnectionsAnalyzer.finds(
      ctx(NS, [refused, dep, listed, db(), cnf('data:\n  my.cnf: |\n    max_connections = 12\n')]),
    );
    expect(f?.cause).toMatch(/3 × 6 = 18 connections/);
  });

  // Found in review, fixed: a commented-out `#max_connections = 100` (postgresql.conf's sample line) is taken as the limit over the active `max_connections = 12` below it, so the rule stays silent; commented lines should be skipped.
  it("skips a commented-out max_connections line in the database's configuration", () => {
    const dep = deployment(['DB_HOST:  wiki-db.docs.svc', 'DB_POOL_MAX:  6']);
    const conf = cnf(
      'data:\n  postgresql.conf: |\n    #max_connections = 100   # (change requires restart)\n    max_connections = 12\n',
    );
    const [f] = poolsOverMaxConnectionsAnalyzer.finds(ctx(NS, [refused, dep, listed, db(), conf]));
    expect(f?.cause).toMatch(/max_connections = 12/);
  });

  // Found in review, fixed: the limit set by a prefixed variable of the database image (Bitnami's POSTGRESQL_MAX_CONNECTIONS) is missed because `\bmax` needs a word start; the database's limit is 12 and 3 × 6 exceeds it.
  it('reads a max_connections variable with a prefix (POSTGRESQL_MAX_CONNECTIONS)', () => {
    const dep = deployment(['DB_HOST:  wiki-db.docs.svc', 'DB_POOL_MAX:  6']);
    const [f] = poolsOverMaxConnectionsAnalyzer.finds(
      ctx(NS, [refused, dep, listed, db({ POSTGRESQL_MAX_CONNECTIONS: '12' }), cnf('data: {}')]),
    );
    expect(f?.cause).toMatch(/max_connections = 12/);
  });

  // Found in review, fixed: with more replicas (20) than connections (10), the advice still says lowering the pool to 1 keeps "20 replicas below 10", which is impossible; it should say the replicas alone exceed the limit (raise it or scale in).
  it('does not advise a pool size that cannot fit when the replicas alone exceed the limit', () => {
    const dep = deployment(['DB_HOST:  wiki-db.docs.svc', 'DB_POOL_MAX:  5'], 20);
    const [f] = poolsOverMaxConnectionsAnalyzer.finds(
      ctx(NS, [refused, dep, listed, db(), cnf('data:\n  my.cnf: |\n    max_connections = 10\n')]),
    );
    expect(f).toBeDefined();
    expect(f?.advice).not.toMatch(/20 replicas stay below 10/);
  });

  // Found in review, fixed: a pool size inside a URL (connection_limit=6 in DATABASE_URL) gives the advice "lower DATABASE_URL to 3", a nonsense value for a URL variable; it should say to lower connection_limit in DATABASE_URL.
  it('advises lowering the connection_limit inside the URL, not setting the URL variable to a number', () => {
    const dep = deployment([
      'DATABASE_URL:  postgresql://wiki@wiki-db.docs.svc:5432/wiki?connection_limit=6',
    ]);
    const pgRefused = log(NS, CLIENT, ['FATAL: sorry, too many clients already']);
    const [f] = poolsOverMaxConnectionsAnalyzer.finds(
      ctx(NS, [pgRefused, dep, listed, db(), cnf('data:\n  postgresql.conf: |\n    max_connections = 12\n')]),
    );
    expect(f?.cause).toMatch(/3 × 6 = 18/);
    expect(f?.advice).not.toMatch(/lower DATABASE_URL to \d/);
  });

  it('stays quiet and reads nothing when no client was refused', () => {
    const fine = log(NS, CLIENT, ['info: served /page/home in 12ms']);
    expect(poolsOverMaxConnectionsAnalyzer.reads(ctx(NS, [fine]))).toEqual([]);
    expect(poolsOverMaxConnectionsAnalyzer.finds(ctx(NS, [fine, listed]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('inotify-limit', () => {
  const NS = 'sync';
  const POD = 'filesync-fmmnmvf44-wplmm';

  // Found in review, fixed: INOTIFY_FAILED takes any "error" within 80 characters before "inotify", so a healthy summary ("0 error(s); inotify watcher started") is reported as a watcher that cannot watch; a started watcher is no failure.
  it('stays quiet for a healthy line that counts zero errors before its inotify watcher started', () => {
    const healthy = log(NS, POD, [
      'INFO: initial scan complete, 0 error(s); inotify watcher started for 1520 directories',
    ]);
    expect(inotifyLimitAnalyzer.finds(ctx(NS, [healthy]))).toEqual([]);
  });

  // Found in review, fixed: ENOSPC ("no space left on device") from inotify_add_watch is the watch limit, but the word "instance" anywhere in the line switches the finding to fs.inotify.max_user_instances; ENOSPC should decide max_user_watches.
  it('names max_user_watches for ENOSPC even when the line says "instance"', () => {
    const line = log(NS, POD, [
      "ERROR: failed to add inotify watch for instance 'projects': no space left on device",
    ]);
    const [f] = inotifyLimitAnalyzer.finds(ctx(NS, [line]));
    expect(f?.advice).toMatch(/raise fs\.inotify\.max_user_watches/);
  });

  // Found in review, fixed: with 900 000 directories watched the advice still offers 524288 "as a common setting", a value below what is needed; it should name a value above the directory count.
  it('does not suggest a watch limit below the number of directories watched', () => {
    const big = log(NS, POD, [
      'INFO: Completed initial scan of folder "archive": 900 000 directories, 4 100 000 files',
      'WARNING: Failed to start filesystem watcher for folder "archive": failed to setup inotify handler. Please increase inotify limits',
    ]);
    const [f] = inotifyLimitAnalyzer.finds(ctx(NS, [big]));
    expect(f?.advice).toMatch(/900000/);
    expect(f?.advice).not.toMatch(/524288/);
  });

  it('reads the node settings in kube-system only after a failure, and its work is bounded', () => {
    expect(inotifyLimitAnalyzer.reads(ctx(NS, [log(NS, POD, ['INFO: watching 12 directories'])]))).toEqual(
      [],
    );
    const hostile = `${'error '.repeat(40_000)}x`;
    const benign = `${'okay! '.repeat(40_000)}x`;
    expectBounded(
      () => inotifyLimitAnalyzer.finds(ctx(NS, [log(NS, POD, Array(250).fill(hostile.slice(0, 3990)))])),
      () => inotifyLimitAnalyzer.finds(ctx(NS, [log(NS, POD, Array(250).fill(benign.slice(0, 3990)))])),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
describe('websocket-upgrade', () => {
  const NS = 'notes';
  const PROXY = 'edge-qtmpfhjzw-gcxdl';
  const proxyPod = observed(
    'describe_pod',
    { namespace: NS, name: PROXY },
    describedPodText({ ns: NS, name: PROXY, container: 'nginx', configMaps: ['edge-conf'] })
      .replace('registry.example.com/app:1.0.0', 'nginx:1.27.2')
      .concat('\nControlled By:  ReplicaSet/edge-qtmpfhjzw'),
  );
  const access = (request: string) =>
    log(NS, PROXY, [
      `10.0.0.1 - - [25/Nov/2026:15:01:13 +0000] "${request} HTTP/1.1" 400 34 "-" "Mozilla/5.0"`,
    ]);
  const conf = (text: string) =>
    observed('describe_resource', { kind: 'ConfigMap', name: 'edge-conf', namespace: NS }, text);

  // Found in review, fixed: a header line that is commented out (`# proxy_set_header Upgrade $http_upgrade;`) counts as set, so the location that sends no Upgrade is passed over; comments should be ignored.
  it('does not count commented-out proxy_set_header lines', () => {
    const text = [
      'server {',
      '  location /live/ {',
      '    proxy_pass http://app;',
      '    # proxy_set_header Upgrade $http_upgrade;',
      '    # proxy_set_header Connection "upgrade";',
      '    proxy_set_header Host $host;',
      '  }',
      '}',
    ].join('\n');
    const found = websocketUpgradeAnalyzer.finds(
      ctx(NS, [access('GET /live/?transport=websocket'), proxyPod, conf(text)]),
    );
    expect(found).toHaveLength(1);
  });

  // Found in review, fixed: a POST that answered 400 on a path naming "websocket" (a REST settings endpoint) is read as a refused WebSocket handshake, which is always a GET; the rule should stay quiet.
  it('does not read a POST to a path naming websocket as a refused handshake', () => {
    const text =
      'server {\n  location / {\n    proxy_pass http://app;\n    proxy_set_header Host $host;\n  }\n}';
    expect(
      websocketUpgradeAnalyzer.finds(ctx(NS, [access('POST /api/websocket-settings'), proxyPod, conf(text)])),
    ).toEqual([]);
  });

  // Found in review, fixed: headers set at the level of another server block (another virtual host) count as inherited by a location of this server, so the missing headers go unreported; only the enclosing server and http levels are inherited.
  it("does not inherit headers from another server block's level", () => {
    const text = [
      'server {',
      '  listen 8443;',
      '  proxy_set_header Upgrade $http_upgrade;',
      '  proxy_set_header Connection "upgrade";',
      '  location / { proxy_pass http://admin; }',
      '}',
      'server {',
      '  listen 8080;',
      '  location /live/ {',
      '    proxy_pass http://app;',
      '  }',
      '}',
    ].join('\n');
    const found = websocketUpgradeAnalyzer.finds(
      ctx(NS, [access('GET /live/?transport=websocket'), proxyPod, conf(text)]),
    );
    expect(found).toHaveLength(1);
  });

  // Found in review, fixed: nginxLocations counts a brace inside a comment (`# see }`), so the location block ends there and its proxy_pass is lost; braces in comments should be skipped.
  it('does not end a location block at a brace inside a comment', () => {
    const [loc] = nginxLocations('location /a/ {\n  # closes at the next }\n  proxy_pass http://a;\n}');
    expect(loc?.block).toMatch(/proxy_pass http:\/\/a;/);
  });

  // Found in review, fixed: nginxLocations scans each unclosed location to the end of the text, so a ConfigMap of many unclosed `location` openings costs quadratic time (seconds for 100,000 characters); it should stay linear.
  it('splits hostile configurations (many unclosed locations) in bounded time', () => {
    const bad = `${'location /a {'.repeat(7600)} proxy_pass http://a;`;
    const good = `location /a { ${' proxy_pass http://a;'.repeat(4900)} }`;
    const found = (t: string) => () =>
      websocketUpgradeAnalyzer.finds(ctx(NS, [access('GET /a/?transport=websocket'), proxyPod, conf(t)]));
    expectBounded(found(bad), found(good));
  });

  it('stays quiet for a plain 400 without a WebSocket in sight', () => {
    const text = 'server {\n  location / {\n    proxy_pass http://app;\n  }\n}';
    expect(websocketUpgradeAnalyzer.finds(ctx(NS, [access('GET /api/items'), proxyPod, conf(text)]))).toEqual(
      [],
    );
  });
});

// ---------------------------------------------------------------------------------------------------
describe('start-timeout', () => {
  const NS = 'documents';
  const POD = 'pdf-render-bgtfj8fk7-g8jbl';

  // Found in review, fixed: Go's duration format (`1m0s`, `1m0.03s`) is not read, so a program written in Go that states "start timeout 1m0s" and fails after 1m0.03s is missed; minutes should be read.
  it("reads Go's duration format (1m0s)", () => {
    const lines = [
      'level=info msg="browser pool ready" start_timeout=1m0s',
      'level=info msg="browser start timeout 1m0s"',
      'level=error msg="render failed: browser start timed out" elapsed=1m0.031s',
      'level=info msg="browser started in 55.2s"',
    ];
    const [f] = startTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]));
    expect(f?.cause).toMatch(/60s to start/);
  });

  // Found in review, fixed: without a JSON logger field the subject is the word before "start timeout", so "using start timeout of 20s" names the subject "Using" ("gives Using 20s to start"); a function word is no subject (fall back to "the process it starts").
  it('does not take a function word ("using") as the subject', () => {
    const lines = [
      'INFO render worker: using start timeout of 20s',
      'ERROR render failed: timeout reached after 20.03s',
      'INFO headless browser process started in 18.1s',
    ];
    const [f] = startTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]));
    expect(f).toBeDefined();
    expect(f?.cause).not.toMatch(/\bUsing\b/);
  });

  it('stays quiet when no start timeout is stated, and reads hostile logs in bounded time', () => {
    const lines = ['ERROR render failed: timeout reached after 20.03s'];
    expect(startTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]))).toEqual([]);
    const hostile = Array.from({ length: 1000 }, () =>
      `${'start timeout '.repeat(280)}ERROR timeout after 1.5s`.slice(-3990),
    );
    const benign = Array.from({ length: 1000 }, () => `${'plain words ok '.repeat(280)}`.slice(-3990));
    expectBounded(
      () => startTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, hostile)])),
      () => startTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, benign)])),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
describe('pool-leak', () => {
  const NS = 'design';
  const POD = 'canvas-exporter-l6krzcnvp6-98cp5';

  // Found in review, fixed: "leak detection enabled" is read as a member leaked, and a stats line with "0 idle, 0 waiting" as the pool exhausted, so a healthy busy pool is called wedged with restart advice; nobody waits and nothing was abandoned.
  it('stays quiet for a busy pool with nobody waiting and leak detection merely switched on', () => {
    const healthy = log(NS, POD, [
      'INFO pool: leak detection enabled (threshold 60s)',
      'DEBUG pool stats: 10 busy, 0 idle, 0 waiting',
      'DEBUG pool stats: 8 busy, 2 idle, 0 waiting',
      'DEBUG pool stats: 10 busy, 0 idle, 0 waiting',
    ]);
    expect(poolLeakAnalyzer.finds(ctx(NS, [healthy]))).toEqual([]);
  });

  it('never cuts a quoted line inside a surrogate pair', () => {
    const emoji = '\u{1F4C4}'.repeat(150);
    const [f] = poolLeakAnalyzer.finds(
      ctx(NS, [
        log(NS, POD, [
          `WRN [browser] page ${emoji} exceeded 120s, abandoning page (not released)`,
          `WRN [browser] waiting for a free browser: pool exhausted ${emoji} (5 busy, 0 idle, 14 waiting)`,
        ]),
      ]),
    );
    expect(f).toBeDefined();
    for (const s of strings(f)) expect(s).not.toMatch(LONE_SURROGATE);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('lowercase-name', () => {
  const NS = 'support';
  const POD = 'helpdesk-searchindex-rebuild-bkjnn';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({
      ns: NS,
      name: POD,
      container: 'rebuild',
      env: { LOG_LEVEL: 'ERROR', ES_INDEX: 'HelpDesk_Custom' },
    }),
  );

  // Found in review, fixed: in a JSON log line the first quoted word with a capital is taken as the refused name, here the level "ERROR", so the rule blames LOG_LEVEL=ERROR; the refused name is the index HelpDesk_Custom_production built from ES_INDEX.
  it('takes the refused index name, not a JSON field such as the level, from a JSON log line', () => {
    const refused = log(NS, POD, [
      '{"level":"ERROR","msg":"index name must be lowercase","index":"HelpDesk_Custom_production"}',
    ]);
    const [f] = lowercaseNameAnalyzer.finds(ctx(NS, [refused, described]));
    expect(f?.cause).toMatch(/ES_INDEX/);
  });

  it('stays quiet when no name is refused for its capitals', () => {
    const fine = log(NS, POD, ['{"level":"INFO","msg":"indexed 120 documents into helpdesk_custom"}']);
    expect(lowercaseNameAnalyzer.reads(ctx(NS, [fine]))).toEqual([]);
    expect(lowercaseNameAnalyzer.finds(ctx(NS, [fine, described]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('misrouted-path', () => {
  const NS = 'automation';
  const ingress = observed(
    'describe_resource',
    { kind: 'Ingress', name: 'flowrunner', namespace: NS },
    [
      'Spec:',
      '  rules[0].http.paths[0].path: /webhook-test/',
      '  rules[0].http.paths[0].backend.service.name: flowrunner-webhook',
      '  rules[0].http.paths[1].path: /',
      '  rules[0].http.paths[1].backend.service.name: flowrunner',
    ].join('\n'),
  );
  const main = log(NS, 'flowrunner-9qj9tgzdz2-npggv', [
    'Test webhook registered: POST webhook-test/lead-intake (workflow 9pQx, waiting 120s for a call)',
  ]);
  const refusal =
    'Received request for unknown webhook: The requested webhook "POST lead-intake" is not registered. (path /webhook-test/lead-intake)';

  // Found in review, fixed: the refusing backend is tied to the rule's Service only through a Deployment pod name, so workers run as a StatefulSet (flowrunner-webhook-0) are never matched and the misroute is missed; a StatefulSet pod's ordinal should be stripped too.
  it('matches the workers of a StatefulSet (pod flowrunner-webhook-0) to their Service', () => {
    const worker = log(NS, 'flowrunner-webhook-0', [refusal]);
    const [f] = misroutedPathAnalyzer.finds(ctx(NS, [ingress, worker, main]));
    expect(f?.cause).toMatch(/sends the path prefix \/webhook-test\/ to Service flowrunner-webhook/);
  });

  it('stays quiet when the refusal comes from the catch-all backend, or a log in another namespace', () => {
    const fromMain = log(NS, 'flowrunner-9qj9tgzdz2-npggv', [refusal]);
    expect(misroutedPathAnalyzer.finds(ctx(NS, [ingress, fromMain]))).toEqual([]);
    const worker = log('other', 'flowrunner-webhook-rfkgkhgl89-2nnqq', [refusal]);
    expect(misroutedPathAnalyzer.finds(ctx(NS, [ingress, worker, main]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('localhost-setting: the unsetHost branch', () => {
  const NS = 'identity';
  const POD = 'sso-outpost-5psxf5fk7-4wp2c';
  const refused = (port = '9443', scheme = 'https') =>
    log(NS, POD, [
      `{"error":"Get \\"${scheme}://localhost:${port}/api/v3/outposts/instances/\\": dial tcp 127.0.0.1:${port}: connect: connection refused","event":"Failed to fetch outpost configuration"}`,
    ]);
  const pod = (containers: string[]) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Controlled By:    ReplicaSet/sso-outpost-5psxf5fk7',
        'Containers:',
        ...containers,
        'Conditions:',
      ].join('\n'),
    );
  const proxy = (extra: string[] = []) => [
    '  proxy:',
    '    Image:          ghcr.io/example/sso-proxy:2025.2.3',
    ...extra,
    '    Environment:',
    "      AUTHENTIK_TOKEN:      <set to the key 'token' in secret 'sso-outpost-token'>  Optional: false",
    '      AUTHENTIK_INSECURE:   true',
    '      AUTHENTIK_LOG_LEVEL:  info',
  ];
  const services = (ns: string, rows: string[][]) =>
    observed(
      'list_services',
      { namespace: ns },
      table([['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'], ...rows]),
    );
  const server = services(NS, [['sso-server', 'ClusterIP', '10.96.0.11', '9000/TCP,9443/TCP', '200d']]);

  it('still sets <prefix>HOST to the one Service of the refused port (scheme kept)', () => {
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [refused(), pod(proxy()), server]));
    expect(f?.fix?.args['set']).toEqual([
      { name: 'AUTHENTIK_HOST', value: 'https://sso-server.identity.svc:9443' },
    ]);
  });

  // Found in review, fixed: unsetHost skips the sidecar check the main branch makes: when another container of the pod serves the refused port (a local proxy still starting), localhost is right and no set_env should be proposed.
  it('stays quiet when a sidecar of the pod declares the refused port', () => {
    const sidecar = [
      '  tls-proxy:',
      '    Image:          ghcr.io/example/tls-proxy:1.0',
      '    Port:           9443/TCP',
      '    Environment:    <none>',
    ];
    expect(
      localhostSettingAnalyzer.finds(ctx(NS, [refused(), pod([...proxy(), ...sidecar]), server])),
    ).toEqual([]);
  });

  // Found in review, fixed: when the prefix already has a port variable (REDIS_PORT) the fix still writes the port into REDIS_HOST ("redis.identity.svc:6379"), which a client that takes a bare host name cannot resolve; the value should be the bare DNS name.
  it('sets a bare host name when the prefix has a port variable of its own', () => {
    const redis = [
      '  worker:',
      '    Image:          registry.example.com/worker:3.1',
      '    Environment:',
      "      REDIS_PASSWORD:  <set to the key 'password' in secret 'redis'>  Optional: false",
      '      REDIS_PORT:      6379',
      '      REDIS_DB:        0',
    ];
    const line = log(NS, POD, ['Error: connect ECONNREFUSED 127.0.0.1:6379']);
    const svc = services(NS, [['redis', 'ClusterIP', '10.96.0.12', '6379/TCP', '20d']]);
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [line, pod(redis), svc]));
    expect(f?.fix?.args['set']).toEqual([{ name: 'REDIS_HOST', value: 'redis.identity.svc' }]);
  });

  // Found in review, fixed: a container that takes variables from a ConfigMap (envFrom) may set the host there, yet the rule says no variable names the server and proposes set_env without reading the ConfigMap; it should read the ConfigMap first, or give no fix.
  it('proposes no set_env while an envFrom ConfigMap of the container is unread', () => {
    const withEnvFrom = proxy().flatMap((l) =>
      l === '    Environment:' ? [l, '      <all keys from ConfigMap sso-outpost-settings>'] : [l],
    );
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [refused(), pod(withEnvFrom), server]));
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: with no Service in the namespace, any single Service elsewhere on the refused port (here kube-state-metrics on 8080) becomes the server, with no word of its name tying it to the program; a mutating fix needs more than a shared port.
  it('does not pick an unrelated Service of another namespace by its port alone', () => {
    const line = log(NS, POD, ['dial tcp 127.0.0.1:8080: connect: connection refused']);
    const other = services('monitoring', [
      ['kube-state-metrics', 'ClusterIP', '10.96.3.3', '8080/TCP', '90d'],
    ]);
    const none = services(NS, [['sso-outpost', 'ClusterIP', '10.96.0.10', '9000/TCP', '1d']]);
    expect(localhostSettingAnalyzer.finds(ctx(NS, [line, pod(proxy()), none, other]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('volume-permissions', () => {
  const NS = 'library';
  const POD = 'shelf-5gvz66dzwz-wbc48';
  const described = (mount: string, ns = NS) =>
    observed(
      'describe_pod',
      { namespace: ns, name: POD },
      `${describedPodText({ ns, name: POD, claims: ['books'] })
        .replace('    Environment:    <none>', `    Environment:    <none>\n    Mounts:\n      ${mount}`)
        .replace(
          'ClaimName:  books',
          'ClaimName:  shelf-books',
        )}\nControlled By:  ReplicaSet/shelf-5gvz66dzwz`,
    );
  const spec = observed(
    'get_resource',
    { kind: 'Deployment', name: 'shelf', namespace: NS },
    'spec:\n  replicas: 1',
  );

  // Found in review, fixed: an application's authorization refusal of a user for a URL path ("user bob: permission denied for /books/rare-editions/") is read as the filesystem refusing the volume mounted at /books, with fsGroup advice; an HTTP-level denial is no EACCES on the volume.
  it("does not read a user's authorization refusal on a URL path as the volume refusing writes", () => {
    const authz = log(NS, POD, ['WARN user bob: permission denied for /books/rare-editions/ (role viewer)']);
    expect(
      volumePermissionsAnalyzer.finds(ctx(NS, [authz, described('/books from books (rw)'), spec])),
    ).toEqual([]);
  });

  // Found in review, fixed: a subPath mount is printed `(rw,path="library")` by describe, which the `\(rw\)` pattern misses, so a refusal under such a mount is never found; the mount flags after `rw` should be allowed.
  it('reads a writable subPath mount, printed (rw,path="…")', () => {
    const denied = log(NS, POD, [
      "ERROR upload failed: PermissionError: [Errno 13] Permission denied: '/books/x'",
    ]);
    const [f] = volumePermissionsAnalyzer.finds(
      ctx(NS, [denied, described('/books from books (rw,path="library")'), spec]),
    );
    expect(f?.advice).toMatch(/fsGroup/);
  });

  // Found in review, fixed: a crashed pod's previous log is read in any namespace, and its owner's spec is then asked for in the namespace under investigation (where no such Deployment is); a bystander in another namespace should be ignored, as running ones are.
  it("does not ask for another namespace's crashed pod's Deployment in this namespace", () => {
    const elsewhere = log('other', POD, ["mkdir: cannot create directory '/books/x': Permission denied"], {
      previous: true,
    });
    const reads = volumePermissionsAnalyzer.reads(
      ctx(NS, [elsewhere, described('/books from books (rw)', 'other')]),
    );
    expect(reads).toEqual([]);
  });

  it('reads nothing for a refusal outside every mount, and for a read-only mount', () => {
    const tmp = log(NS, POD, ["open '/etc/ssl/private/key.pem': Permission denied"]);
    expect(
      volumePermissionsAnalyzer.finds(ctx(NS, [tmp, described('/books from books (rw)'), spec])),
    ).toEqual([]);
    const ro = log(NS, POD, ["open '/books/x': Permission denied"]);
    expect(volumePermissionsAnalyzer.finds(ctx(NS, [ro, described('/books from books (ro)'), spec]))).toEqual(
      [],
    );
    expect(volumeBackingAnalyzer.finds(ctx(NS, [ro]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('netpol-egress: describedOrTemplate and the dialled port', () => {
  const NS = 'newsletter';
  const POD = 'listkeeper-qhvs5znxgl-hbcpd';
  const dropped = log(NS, POD, ['error sending message: dial tcp 10.96.200.64:587: i/o timeout']);
  /** describe_deployment as the tool prints it: the Deployment's labels, then the pod template's. */
  const template = (deploymentLabels: string, podLabels: string) =>
    observed(
      'describe_deployment',
      { namespace: NS, name: 'listkeeper' },
      [
        'Name:                   listkeeper',
        'Namespace:              newsletter',
        `Labels:                 ${deploymentLabels}`,
        'Selector:               app=listkeeper',
        'Replicas:               1 desired | 1 updated | 1 total | 1 available | 0 unavailable',
        'Pod Template:',
        `  Labels:  ${podLabels}`,
        '  Containers:',
        '    app:',
        '      Environment:',
        '        SMTP_HOST:  relay.mail.svc.cluster.local',
        '        SMTP_PORT:  587',
        'Events:  <none>',
      ].join('\n'),
    );
  const relay = observed(
    'describe_service',
    { namespace: 'mail', name: 'relay' },
    'Name:              relay\nNamespace:         mail\nSelector:          app=relay\nIP:                10.96.200.64\nPort:              smtp  25/TCP\nPort:              submission  587/TCP',
  );
  const policy = (selector: string) =>
    observed(
      'describe_resource',
      { kind: 'NetworkPolicy', name: 'default-egress', namespace: NS },
      [
        'Name:         default-egress',
        'Spec:',
        selector,
        '  policyTypes[0]: Egress',
        '  egress[0].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: mail',
        '  egress[0].ports[0].protocol: TCP',
        '  egress[0].ports[0].port: 25',
      ].join('\n'),
    );

  // Found in review, fixed: for a client known only by its Deployment, the labels matched against the policy's podSelector are the Deployment's own (top `Labels:`), not the pod template's, so a policy selecting a label only the Deployment carries is said to select the pods; the pod template's labels decide.
  it("matches the policy's podSelector against the pod template's labels, not the Deployment's", () => {
    const found = netpolEgressAnalyzer.finds(
      ctx(NS, [
        dropped,
        template('team=growth', 'app=listkeeper'),
        relay,
        policy('  podSelector.matchLabels.team: growth'),
      ]),
    );
    expect(found).toEqual([]);
  });

  // Found in review, fixed: the same confusion the other way: a policy selecting app=listkeeper (the pods' label) is judged not to select them when the Deployment's own labels lack it, and the dropped connection is missed.
  it('finds the policy that selects the pods by a label only the pod template carries', () => {
    const [f] = netpolEgressAnalyzer.finds(
      ctx(NS, [
        dropped,
        template('app.kubernetes.io/managed-by=Helm', 'app=listkeeper'),
        relay,
        policy('  podSelector.matchLabels.app: listkeeper'),
      ]),
    );
    expect(f?.cause).toMatch(/on port 587/);
  });

  it('judges the port a variable names when the dialled address is not the Service IP', () => {
    const podIp = log(NS, POD, ['error sending message: dial tcp 10.244.1.9:587: i/o timeout']);
    const [f] = netpolEgressAnalyzer.finds(
      ctx(NS, [podIp, template('app=listkeeper', 'app=listkeeper'), relay, policy('  podSelector: {}')]),
    );
    expect(f?.cause).toMatch(/allow no connection to relay\.mail on port 587/);
  });

  it('reads a hostile dropped line (dotted numbers, many hosts) in bounded time', () => {
    const hostile = `${'1.2.3.4.'.repeat(24_000)}9:587 i/o timeout ${'a.b:99 '.repeat(3000)}`;
    const benign = `${'words ok'.repeat(24_000)} x i/o timeout ${'abc def '.repeat(3000)}`;
    const run = (line: string) => () =>
      netpolEgressAnalyzer.finds(
        ctx(NS, [
          log(NS, POD, [line]),
          template('app=listkeeper', 'app=listkeeper'),
          relay,
          policy('  podSelector: {}'),
        ]),
      );
    expectBounded(run(hostile), run(benign));
  });
});

// ---------------------------------------------------------------------------------------------------
describe('settledWarnings', () => {
  const warnings = (text: string) => text.split('\n').filter((l) => l.startsWith('WARNING'));
  const flood = (extra: string[], subject = 'news', tail = 'using the first link') =>
    [
      ...Array.from(
        { length: 4 },
        (_, i) => `WARNING feed '${subject}': more than one link found for entry ${i}, ${tail}`,
      ),
      ...extra,
    ].join('\n');

  // Found in review, fixed: the subject is matched as a substring, so feed 'news' is said to work after because "newsletter sent" contains "news"; the quoted subject should be matched as a whole name.
  it("does not take another subject that contains the name ('news' in newsletter) as the subject working", () => {
    const text = flood(['INFO newsletter sent to 12 subscribers']);
    expect(settledWarnings(text, warnings(text))).toBeUndefined();
  });

  // Found in review, fixed: LOST has no word for skipped or ignored work, so a warning that says each entry was skipped is taken as a harmless notice ("nothing is broken"); skipped entries are lost work.
  it('is no notice when the warning says the entry was skipped', () => {
    const text = flood(
      ['INFO GET /api/widgets/feed?id=news 200 12ms'],
      'news',
      'using the first link; entry skipped',
    );
    expect(settledWarnings(text, warnings(text))).toBeUndefined();
  });

  it('still settles the ordinary case, and reads a 200,000-character log in bounded time', () => {
    const text = flood(["INFO feed 'news': fetched (200, 42 entries)"]);
    expect(settledWarnings(text, warnings(text))?.after).toMatch(/fetched/);
    const big = `${'x'.repeat(199_000)}\n${text}`;
    const bigPlain = `${'x'.repeat(199_000)}\n${text.replace(/WARNING/g, 'INFOxxx')}`;
    expectBounded(
      () => settledWarnings(big, warnings(big)),
      () => settledWarnings(bigPlain, warnings(big)),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
describe('askedLines: "logged once … a single occurrence"', () => {
  const task = 'the statuswatch sensor state updating is slow, a warning said it took seconds';
  const lines = [
    'INFO fetched 14 monitors from statuswatch (1)',
    'INFO fetched 14 monitors from statuswatch (2)',
    'WARNING updating state for sensor statuswatch_shop took 2.902 seconds',
    'INFO fetched 14 monitors from statuswatch (3)',
    'INFO purging events older than 10 days',
  ];

  // Found in review, fixed: a search of the same pod's whole log found the warning three times, yet the tail read alone makes the answer call it "a single occurrence, not a recurring one"; the claim should not be made when another read of that pod shows it again.
  it('does not call a warning a single occurrence when a search of the same log found it again', () => {
    const search = observed(
      'search_pod_logs',
      { namespace: 'home', name: 'hub-1', pattern: 'took' },
      [
        'search_pod_logs hub-1: 3 matches',
        '120:WARNING updating state for sensor statuswatch_shop took 3.100 seconds',
        '610:WARNING updating state for sensor statuswatch_shop took 2.750 seconds',
        '2001:WARNING updating state for sensor statuswatch_shop took 2.902 seconds',
      ].join('\n'),
    );
    const [said] = askedLines(ctx('home', [log('home', 'hub-1', lines), search], task));
    expect(said ?? '').not.toMatch(/single occurrence/);
  });

  // Found in review, fixed: a log read cut to its tail (the tool's "[output cut: …]" notice) shows only part of the log, yet a warning seen once in it is called "a single occurrence"; the claim needs the whole log.
  it('does not call a warning a single occurrence in a log the tool cut to its tail', () => {
    const cut = [
      '[output cut: showing the last 400 of 90000 characters; use tail]',
      'tics from statuswatch (0)',
      ...lines,
    ];
    const [said] = askedLines(ctx('home', [log('home', 'hub-1', cut)], task));
    expect(said ?? '').not.toMatch(/single occurrence/);
  });

  // Found in review, fixed: the shape of a line hides only decimal numbers, so the same warning with a different hex request id (a1b2c3, d4e5f6) counts as two messages and each is "logged once"; ids of hex letters should be hidden too.
  it('hides hex request ids when judging whether a warning recurs', () => {
    const withIds = [
      'INFO fetched 14 monitors from statuswatch (1)',
      'WARNING updating state for sensor statuswatch_shop took 2.902 seconds (request a1b2c3)',
      'INFO fetched 14 monitors from statuswatch (2)',
      'WARNING updating state for sensor statuswatch_shop took 3.100 seconds (request d4e5f6)',
      'INFO purging events older than 10 days',
    ];
    const [said] = askedLines(ctx('home', [log('home', 'hub-1', withIds)], task));
    expect(said ?? '').not.toMatch(/single occurrence/);
  });

  it('says nothing of a single occurrence among fewer than five lines', () => {
    const [said] = askedLines(ctx('home', [log('home', 'hub-1', lines.slice(1, 4))], task));
    expect(said ?? '').not.toMatch(/single occurrence/);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('glosses: the MAC is invalid, and ports that are not numbers', () => {
  // Found in review, fixed: Go's "invalid port … after host" is blamed on a password with a reserved character even for a URL that has no user information at all (no '@'); without userinfo the port itself is malformed.
  it("does not blame a password for Go's invalid port when the URL has no user information", () => {
    const g = glossOf('parse "http://search-es:92OO/_bulk": invalid port ":92OO" after host');
    expect(g?.means ?? '').not.toMatch(/password/);
  });

  it("reads Laravel's MAC error inside a JSON log line, and Python's message in any case", () => {
    const json =
      '{"message":"The MAC is invalid.","context":{"exception":"[object] (Illuminate\\\\Contracts\\\\Encryption\\\\DecryptException(code: 0): The MAC is invalid. at /var/www/vendor/laravel/framework/src/Illuminate/Encryption/Encrypter.php:173)"},"level":400,"level_name":"ERROR"}';
    expect(glossOf(json)?.means).toMatch(/different APP_KEY/);
    expect(glossOf("VALUEERROR: PORT COULD NOT BE CAST TO INTEGER VALUE AS 'TQ7'")?.means).toMatch(
      /percent-encode/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
describe('redactSecrets: a secret-looking name after a Kubernetes kind word', () => {
  it("still keeps an object's name after its kind, and masks the ordinary keys", () => {
    for (const text of [
      'No fault found in namespace passwords: the workloads are healthy.',
      'deployment token-service: 2 of 3 replicas available',
      'ns/secrets: Active',
    ])
      expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('password=hunter2secret')).toBe('password=<redacted>');
    expect(redactSecrets('{"kind":"Job","password":"hunter2secret"}')).not.toContain('hunter2secret');
  });

  // Found in review, fixed: in a logfmt line the kind word is a value (`kind=Job`, `component=ingress`), and the key after it is kept as an object's name, so the password and token leak unmasked; the rule should not apply when the kind word follows `=` or when the name is followed by `=`.
  it('masks a logfmt key whose preceding field value is a kind word (kind=Job password=…)', () => {
    for (const text of [
      'level=info kind=Job password=Sup3rS3cretValue',
      'level=warn component=ingress token=abcd1234efgh5678',
      'target=service  api_key=abcd1234efgh5678',
    ])
      expect(redactSecrets(text)).toContain('<redacted>');
  });

  // Found in review, fixed: a command line whose program path ends in a kind word (`/usr/bin/job --password=…`) or a path segment (`svc/token=…`) leaks the value; an `=` assignment is never an object's name.
  it('masks a flag or path assignment after a word that happens to be a kind', () => {
    for (const text of ['/usr/local/bin/job --password=hunter2secret', 'GET /svc/token=hunter2secret'])
      expect(redactSecrets(text)).not.toContain('hunter2secret');
  });

  // Found in review, fixed: prose that puts a kind word before a key with `=` or `=>` (`deployment db_password=…`, `service password => '…'`) leaks the value; only `kind name:` (a colon, as kubectl and answers print) can be an object's name.
  it('masks `kind key=value` and `kind key => value` assignments', () => {
    for (const text of [
      'configuring deployment db_password=hunter2secret',
      "service password => 'hunter2secret'",
      'POD TOKEN=hunter2secret',
      'pod\tsecret=hunter2secret',
    ])
      expect(redactSecrets(text)).not.toContain('hunter2secret');
  });

  it('masks a value of emoji whole (never half a surrogate pair), after a kind-like word too', () => {
    const out = redactSecrets(`password=\u{1F511}\u{1F511}hunter2 and svc-password: \u{1F511}abc123`);
    expect(out).not.toMatch(LONE_SURROGATE);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('abc123');
  });

  it('runs in bounded time on kind words and secret names repeated', () => {
    const hostile = 'namespace pod/ service  password '.repeat(6000);
    const benign = 'plainword alpha/ bravo  charlie12 '.repeat(6000);
    expectBounded(
      () => redactSecrets(hostile),
      () => redactSecrets(benign),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
describe('bounded work of the log-reading rules on a million lines and a 200,000-character line', () => {
  const NS = 'x';
  const POD = 'app-5d9c8b7f5-a1b2c';
  const hostileLines = [
    `${'inotify fail '.repeat(15_400)}`,
    ...Array.from({ length: 1_000_000 }, (_, i) =>
      i % 3 === 0
        ? 'localhost:1 refused localhost:2'
        : i % 3 === 1
          ? '\'A\' [B] "C" must be lowercase'
          : 'WRN leak 0 idle',
    ),
  ];
  const benignLines = [
    `${'plain words  '.repeat(15_400)}`,
    ...Array.from({ length: 1_000_000 }, (_, i) =>
      i % 3 === 0
        ? 'ordinary text line here'
        : i % 3 === 1
          ? 'another ordinary line of text'
          : 'INFO okay done',
    ),
  ];
  const hostile = log(NS, POD, hostileLines);
  const benign = log(NS, POD, benignLines);
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD }),
  );
  const rules: Analyzer[] = [
    shmBusErrorAnalyzer,
    poolsOverMaxConnectionsAnalyzer,
    inotifyLimitAnalyzer,
    websocketUpgradeAnalyzer,
    startTimeoutAnalyzer,
    poolLeakAnalyzer,
    lowercaseNameAnalyzer,
    misroutedPathAnalyzer,
    localhostSettingAnalyzer,
    volumePermissionsAnalyzer,
    volumeBackingAnalyzer,
    netpolEgressAnalyzer,
  ];
  const run = (o: ReturnType<typeof log>) => () => {
    const c: AnalyzerContext = ctx(NS, [o, described]);
    for (const r of rules) {
      r.reads(c);
      r.finds(c);
    }
  };

  it('each rule reads a hostile log in time of the order of a benign one', () => {
    expectBounded(run(hostile), run(benign));
  });
});
