// Table tests of the general rules written after held-out set 63's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer } from './app-errors.js';
import { badInputFilesAnalyzer } from './bad-input-files.js';
import { fileOwnerAnalyzer, pathsIn } from './file-owner.js';
import { gunicornTimeoutAnalyzer } from './gunicorn-timeout.js';
import { loopbackListenerAnalyzer } from './loopback-listener.js';
import { ctx, describedPodText, log, observed, pods } from './observed.fixture.js';
import { miscasedSettings, settingsCaseAnalyzer, settingsModules } from './settings-case.js';
import { staleLockAnalyzer } from './stale-lock.js';

describe('pathsIn: the absolute paths a line names', () => {
  it.each([
    ['Permission denied: /data/a.log.', ['/data/a.log']],
    [
      `could not open "/var/www/storage/logs/ff3-cli.log" in append mode`,
      ['/var/www/storage/logs/ff3-cli.log'],
    ],
    [`open '/srv/My Music/a b.flac': denied`, ['/srv/My Music/a b.flac']],
    ['see https://example.org/x and /tmp/y', ['/tmp/y']],
    ['no path here', []],
  ])('%s', (line, paths) => {
    expect(pathsIn(line)).toEqual(paths);
  });
});

describe('file-owner: a refused file another user or root owns, as a listing shows', () => {
  const NS = 'finance';
  const JOB_POD = 'tallybook-cron-29674260-fznbj';
  const refused = log(NS, JOB_POD, [
    '  The stream or file "/var/www/html/storage/logs/ff3-cli.log" could not be opened in append mode: Failed to open stream: Permission denied',
  ]);
  const spec = (uid: string) =>
    observed(
      'get_resource',
      { kind: 'Pod', name: JOB_POD, namespace: NS },
      `spec:\n  securityContext:\n    runAsGroup: ${uid}\n    runAsUser: ${uid}\n`,
    );
  const listing = (line: string) => log(NS, 'storage-shell', ['/storage/logs:', 'total 2184', line]);
  const listed = pods(NS, [
    ['storage-shell', '1/1', 'Running', '0', '20m'],
    [JOB_POD, '0/1', 'Error', '0', '5h'],
    ['tallybook-mnqn4clc8-4fw6x', '1/1', 'Running', '0', '9d'],
  ]);

  it('reads the pod spec and the shell pod, not the other workloads', () => {
    expect(fileOwnerAnalyzer.reads(ctx(NS, [listed, refused]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Pod', name: JOB_POD, namespace: NS } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'storage-shell' } },
    ]);
  });

  it.each([
    // [listing line, runAsUser, finds, what the cause says]
    [
      '-rw-r--r--    1 0        0            18734 Apr 20 11:42 ff3-cli.log',
      '33',
      true,
      /root-owned .*uid 33 is not the owner .*no write access/,
    ],
    ['-rw-r--r--    1 root     root         18734 Apr 20 11:42 ff3-cli.log', '33', true, /root-owned/],
    // The program owns it: not this.
    ['-rw-r--r--    1 33       33           18734 Apr 20 11:42 ff3-cli.log', '33', false, undefined],
    // Others may write: not this.
    ['-rw-rw-rw-    1 0        0            18734 Apr 20 11:42 ff3-cli.log', '33', false, undefined],
    // The group may write and the program's group owns it: not this.
    ['-rw-rw-r--    1 0        33           18734 Apr 20 11:42 ff3-cli.log', '33', false, undefined],
    // Another file of the same directory.
    ['-rw-r--r--    1 0        0            18734 Apr 20 11:42 other.log', '33', false, undefined],
  ] as const)('%s as uid %s', (line, uid, finds, says) => {
    const [f] = fileOwnerAnalyzer.finds(ctx(NS, [listed, refused, spec(uid), listing(line)]));
    expect(f !== undefined).toBe(finds);
    if (says) {
      expect(f?.cause).toMatch(says);
      expect(f?.object).toBe('cronjob tallybook-cron');
      expect(f?.advice).toMatch(/chown 33:33 \/var\/www\/html\/storage\/logs\/ff3-cli.log/);
    }
  });

  it("names the writer's UMASK when another pod writes the shared mount private to its owner", () => {
    const NS2 = 'media';
    const reader = 'series-importer-4f7k5mdw8v-2s6s6';
    const seen = [
      log(NS2, reader, [
        '2026-06-03 07:58:12.7|Error|ImportService|Import failed, path does not exist or is not accessible by Sonarr: /downloads/complete/tv/Night.Harbor.S02E05. Ensure the path exists',
      ]),
      observed(
        'get_resource',
        { kind: 'Deployment', name: 'series-importer', namespace: NS2 },
        'spec:\n  template:\n    spec:\n      securityContext:\n        runAsUser: 1001\n',
      ),
      log(NS2, 'media-shell-nncdvnfvf7-9z9cb', [
        'drwx------    2 1000     1000          4096 Jun  3 07:58 Night.Harbor.S02E05',
      ]),
      observed(
        'describe_pod',
        { namespace: NS2, name: 'torrent-fetcher-d6v5jcl87w-d5fkb' },
        describedPodText({
          ns: NS2,
          name: 'torrent-fetcher-d6v5jcl87w-d5fkb',
          container: 'fetcher',
          env: { PUID: '1000', UMASK: '077' },
        }).replace('    Environment:', '    Mounts:\n      /downloads from downloads (rw)\n    Environment:'),
      ),
    ];
    const [f] = fileOwnerAnalyzer.finds(ctx(NS2, seen));
    expect(f?.cause).toMatch(/owned by uid 1000, another user, mode drwx------/);
    expect(f?.cause).toMatch(/uid 1001 is not the owner and the mode gives other users no read access/);
    expect(f?.cause).toMatch(/writes there with UMASK 077/);
    expect(f?.advice).toMatch(/UMASK to 002/);
  });
});

describe('settings-case: Django settings under miscased names', () => {
  const SETTINGS = `Data
====
settings.py:
----
EMAIL_HOST = "relay.mailhub.example"
EMAIL_HOST_USER = "chat-admin@corp.example"
Email_Use_TLS = True
Email_Port = 587
debug_toolbar_enabled = False
`;
  it('lists the names Django ignores, by its settings or a prefix the file uses in upper case', () => {
    const names = (text: string) =>
      settingsModules(text).flatMap((m) => miscasedSettings(m.body).map((x) => x.name));
    expect(names(SETTINGS)).toEqual(['Email_Use_TLS', 'Email_Port']);
    // Not a settings module: nothing.
    expect(names(SETTINGS.replace('settings.py:', 'app.conf:'))).toEqual([]);
    // Upper case given as well: not ignored.
    expect(names(`${SETTINGS}EMAIL_PORT = 587\n`)).toEqual(['Email_Use_TLS']);
  });

  it('names the default in use, the connection to port 25 and the egress policy that drops it', () => {
    const NS = 'chat';
    const seen = [
      observed('describe_resource', { kind: 'ConfigMap', name: 'parley-settings', namespace: NS }, SETTINGS),
      log(NS, 'parley-mailtest-2n8rx', [
        "connect: to ('relay.mailhub.example', 25) None",
        'TimeoutError: [Errno 110] Connection timed out',
      ]),
      observed(
        'get_resource',
        { kind: 'NetworkPolicy', name: 'chat-egress', namespace: NS },
        'spec:\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n    ports:\n    - port: 443\n    - port: 587\n',
      ),
    ];
    const [f] = settingsCaseAnalyzer.finds(ctx(NS, seen));
    expect(f?.cause).toMatch(/EMAIL_PORT keeps its default 25/);
    expect(f?.cause).toMatch(/connects to port 25, the default, not 587/);
    expect(f?.cause).toMatch(/allows ports 443, 587 to outside addresses, not 25/);
    expect(f?.advice).toMatch(/EMAIL_PORT = 587/);
  });
});

describe('stale-lock: restic names the holder by PID and host', () => {
  const NS = 'backup';
  const waiting = log(NS, 'vaultsnap-nightly-29674230-48ksh', [
    'unable to create lock in backend: repository is already locked exclusively by PID 13 on vaultsnap-prune-29619540-q8rtd by  (UID 0, GID 0)',
    'the `unlock` command can be used to remove stale locks',
  ]);
  const listed = pods(NS, [['vaultsnap-nightly-29674230-48ksh', '0/1', 'Error', '0', '5h']]);
  const cron = observed(
    'describe_resource',
    { kind: 'CronJob', name: 'vaultsnap-prune', namespace: NS },
    'Name: vaultsnap-prune',
  );

  it('a CronJob run gone from the list, its CronJob read: the lock is stale, released with the named command', () => {
    const [f] = staleLockAnalyzer.finds(ctx(NS, [listed, waiting, cron]));
    expect(f?.cause).toMatch(/vaultsnap-prune-29619540-q8rtd no longer exists, so the lock is stale/);
    expect(f?.advice).toMatch(/`unlock`/);
  });

  it('without the CronJob read, a holder gone from the list is not known to be a pod', () => {
    expect(staleLockAnalyzer.finds(ctx(NS, [listed, waiting]))).toEqual([]);
  });
});

describe('loopback-listener: a Service refused while its pod listens on the loopback address only', () => {
  const refused = log('monitoring', 'bridge-monitor-cxz846mwch-x2xfk', [
    'CRITICAL - cannot fetch http://confbridge-colibri.meet.svc.cluster.local:8080/colibri/stats: dial tcp 10.96.193.155:8080: connect: connection refused',
  ]);
  const listed = pods('meet', [['confbridge-colibri-p577fthngj-9hs98', '1/1', 'Running', '0', '20h']]);
  const serverLog = (line: string) => log('meet', 'confbridge-colibri-p577fthngj-9hs98', [line]);
  const described = observed(
    'describe_pod',
    { namespace: 'meet', name: 'confbridge-colibri-p577fthngj-9hs98' },
    describedPodText({
      ns: 'meet',
      name: 'confbridge-colibri-p577fthngj-9hs98',
      container: 'jvb',
      env: { JAVA_SYS_PROPS: '-Drest.host=127.0.0.1 -Drest.port=8080', XMPP_SERVER: 'xmpp.meet.svc' },
    }),
  );

  it('reads the pod list, the log and the description of the Service’s pod', () => {
    expect(loopbackListenerAnalyzer.reads(ctx('monitoring', [refused]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'meet' } },
    ]);
    expect(loopbackListenerAnalyzer.reads(ctx('monitoring', [refused, listed]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'meet', name: 'confbridge-colibri-p577fthngj-9hs98' } },
    ]);
  });

  it.each([
    ['Started ServerConnector@2ea227af{HTTP/1.1, (http/1.1)}{127.0.0.1:8080}', true],
    ['listening on localhost:8080', true],
    ['Started ServerConnector@2ea227af{HTTP/1.1, (http/1.1)}{0.0.0.0:8080}', false],
    // Another port on loopback (an admin port) is not the refused one.
    ['listening on 127.0.0.1:9999', false],
  ] as const)('%s', (line, finds) => {
    const [f] = loopbackListenerAnalyzer.finds(
      ctx('monitoring', [refused, listed, serverLog(line), described]),
    );
    expect(f !== undefined).toBe(finds);
    if (finds) {
      expect(f?.cause).toMatch(/listens on (127\.0\.0\.1|localhost):8080 only/);
      expect(f?.fix?.args['set']).toEqual([
        { name: 'JAVA_SYS_PROPS', value: '-Drest.host=0.0.0.0 -Drest.port=8080' },
      ]);
    }
  });
});

describe('gunicorn-timeout: the nginx proxy in front waits no longer than the workers', () => {
  const NS = 'erp';
  const BACKEND = 'ledgerly-backend-v4shw7fvb-97hll';
  const FRONT = 'ledgerly-frontend-r4mc8fkdqm-d6q4d';
  const seen = (conf: string) => [
    pods(NS, [
      [BACKEND, '1/1', 'Running', '0', '11d'],
      ['ledgerly-db-pw6wcnnsm9-95mlr', '1/1', 'Running', '0', '11d'],
      [FRONT, '1/1', 'Running', '0', '11d'],
    ]),
    log(NS, BACKEND, ['[2026-06-03 07:52:02 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:12)']),
    observed(
      'describe_pod',
      { namespace: NS, name: BACKEND },
      `Name: ${BACKEND}\nControlled By:  ReplicaSet/ledgerly-backend-v4shw7fvb\nContainers:\n  backend:\n    Image:          frappe/erpnext:v15\n    Command:\n      gunicorn\n      --timeout=120\n`,
    ),
    observed(
      'describe_pod',
      { namespace: NS, name: FRONT },
      `Name: ${FRONT}\nControlled By:  ReplicaSet/ledgerly-frontend-r4mc8fkdqm\nContainers:\n  nginx:\n    Image:          frappe/erpnext:v15\nVolumes:\n  conf:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      ledgerly-frontend-nginx\n`,
    ),
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'ledgerly-frontend-nginx', namespace: NS },
      conf,
    ),
  ];
  const conf = (timeout: string) =>
    `upstream backend-server {\n  server ledgerly-backend:8000 fail_timeout=0;\n}\nserver {\n  listen 8080;\n  ${timeout}\n  location / {\n    proxy_pass http://backend-server;\n  }\n}\n`;

  it('describes the front pod before the budget ends (not a name that only contains "edge")', () => {
    const reads = gunicornTimeoutAnalyzer.reads(ctx(NS, seen(conf('')).slice(0, 3)));
    expect(reads).toEqual([{ tool: 'describe_pod', args: { namespace: NS, name: FRONT } }]);
  });

  it.each([
    [
      'proxy_read_timeout 120s;',
      /proxy_read_timeout is 120s .*raising --timeout alone would still end such a request at 120 s/,
    ],
    ['', /proxy_read_timeout is 60s/],
    [
      'proxy_read_timeout 600s;',
      /proxy_read_timeout is 600s \(location \/ of ConfigMap ledgerly-frontend-nginx\); the program/,
    ],
  ])('%s', (timeout, says) => {
    const [f] = gunicornTimeoutAnalyzer.finds(ctx(NS, seen(conf(timeout))));
    expect(f?.cause).toMatch(says);
  });
});

describe('bad-input-files: a scan that skips malformed files and finishes', () => {
  const NS = 'books';
  const POD = 'shelfwise-flr79hlj6v-w4wlk';
  const bad = (n: string) =>
    `[Warning] BookService There was an exception when opening epub book: /books/history/${n}.epub Incorrect EPUB manifest: item with href = "css/main.css" is not unique.`;
  it.each([
    // [log lines, finds]
    [[bad('A b'), bad('C'), 'Processed 1,204 files and 212 series in 122,590 milliseconds'], true],
    // The run did not finish: not this (it may have stopped on them).
    [[bad('A b'), bad('C')], false],
    // Access, not contents.
    [['error opening /books/a.epub: permission denied (invalid)', 'Processed 3 files'], false],
    // No file named.
    [['could not parse config: invalid value', 'Processed 3 files'], false],
  ] as const)('%j', (lines, finds) => {
    const [f] = badInputFilesAnalyzer.finds(ctx(NS, [log(NS, POD, [...lines])]));
    expect(f !== undefined).toBe(finds);
    if (finds) {
      expect(f?.cause).toMatch(/skips 2 files it cannot parse: they are malformed/);
      expect(f?.advice).toMatch(/A b\.epub, C\.epub/);
    }
  });
});

describe('app-errors: a failure the program answered from its other upstream', () => {
  const NS = 'dns';
  const POD = 'sievedns-6w5jnqfmfw-rq2xw';
  const listed = pods(NS, [[POD, '1/1', 'Running', '0', '6d']]);
  it.each([
    [
      '2026/06/03 10:41:37.219004 [error] dnsproxy: upstream https://cloudflare-dns.com/dns-query failed to exchange: context deadline exceeded; used https://dns.quad9.net/dns-query',
      false,
    ],
    [
      '2026/06/03 10:41:37 [error] dnsproxy: upstream https://cloudflare-dns.com/dns-query failed to exchange: context deadline exceeded',
      true,
    ],
  ] as const)('%s', (line, fault) => {
    const found = appErrorsAnalyzer.finds(ctx(NS, [listed, log(NS, POD, ['[info] started', line])]));
    expect(found.length > 0).toBe(fault);
  });
});
