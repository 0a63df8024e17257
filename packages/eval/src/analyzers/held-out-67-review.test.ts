// Review of the rules written after held-out set 67 (implicit-tls-port, short-name-namespace, stale-run-claim's
// killed-run form, unmounted-path, left-scaled-down, the SMTP 535 and Oracle glosses, searchTermIn's quantity in
// words), attacked with healthy inputs, real programs' wordings and pathological input. Each test marked
// "Found in review, fixed" showed a bug (it failed when written) and asserts the correct behaviour.
import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from '../baseline-model.js';
import { implicitTlsPortAnalyzer } from './implicit-tls-port.js';
import { leftScaledDownAnalyzer } from './left-scaled-down.js';
import { glossOf } from './log-glosses.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { shortNameNamespaceAnalyzer } from './short-name-namespace.js';
import { staleRunClaimAnalyzer } from './stale-run-claim.js';
import { unmountedPathAnalyzer } from './unmounted-path.js';

// ---------------------------------------------------------------------------------------------
// implicit-tls-port
// ---------------------------------------------------------------------------------------------

describe('implicit-tls-port (review)', () => {
  const POD = 'mailer-6d9f7c8b4-x2k9p';
  const finds = (lines: string[]) => implicitTlsPortAnalyzer.finds(ctx('mail', [log('mail', POD, lines)]));

  it('stays silent for STARTTLS on 587 followed by an unrelated timeout', () => {
    expect(
      finds([
        'smtp: connecting to smtp.example.net:587 (security: STARTTLS)',
        'webhook: request to hooks.example.net timed out waiting for response',
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: a settings line that names imaps 993 (used with SSL) and STARTTLS for SMTP on 587 is read as STARTTLS on 993.
  it('stays silent for a settings summary with imaps on 993 and STARTTLS on 587', () => {
    expect(
      finds([
        'Mail settings: IMAP imap.example.net:993 (SSL/TLS), SMTP smtp.example.net:587 (STARTTLS)',
        'webhook: request to hooks.example.net timed out waiting for response',
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: "starttls=false" is read as a client in STARTTLS mode.
  it('stays silent when the line says STARTTLS is off', () => {
    expect(
      finds([
        'imap: connecting to imap.example.net:993 (ssl=true, starttls=false)',
        'imap: read timed out waiting for response to FETCH',
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: an older failing setting is reported though a later setting line fixed it and the client works since.
  it('stays silent once a later setting line corrected the mode and the client works', () => {
    expect(
      finds([
        'Mailbox: Support (imap.example.net:993, encryption: tls)',
        'Error: timed out after 300 seconds waiting for server greeting',
        'Mailbox: Support (imap.example.net:993, encryption: ssl)',
        'Fetched: 12 messages',
      ]),
    ).toEqual([]);
  });

  it('reads a bracketed IPv6 address and its port', () => {
    const [f] = finds([
      'imap: dialing [2001:db8::25]:993 with STARTTLS',
      'imap: timed out waiting for server greeting',
    ]);
    expect(f?.cause).toContain('connects to port 993 in STARTTLS mode');
  });

  // Found in review, fixed: an ISO time without seconds ("T10:25") is read as port 25.
  it('does not read a clock time without seconds as port 25', () => {
    const [f] = finds([
      'relay smtp.example.net:465 encryption=ssl, next retry at 2026-03-09T10:25',
      'SSL routines::wrong version number',
    ]);
    expect(f?.cause ?? '').not.toContain('port 25');
  });

  // Found in review, fixed: JSON-structured log lines ("port":993, "encryption":"tls") are not read at all.
  it('reads a JSON log line', () => {
    const [f] = finds([
      '{"level":"info","msg":"connecting","host":"imap.example.net","port":993,"encryption":"tls"}',
      '{"level":"error","msg":"timed out waiting for server greeting"}',
    ]);
    expect(f?.cause ?? '').toContain('port 993');
  });

  // Found in review, fixed: Nodemailer's secure=true (implicit TLS) on 587 with OpenSSL's "wrong version number" is not found.
  it("reads Nodemailer's secure=true on port 587", () => {
    const [f] = finds([
      'smtp transport host=smtp.example.net port=587 secure=true',
      'Error: C0D7A1E1:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
    ]);
    expect(f?.cause ?? '').toContain('speaks TLS from the first byte to port 587');
  });

  // Found in review, fixed: the missing greeting as Go ("i/o timeout"), Python smtplib ("Connection unexpectedly closed") and JavaMail ("Read timed out" under "Exception reading response") print it is not read.
  it('reads the missing greeting of port 465 as Go, Python and JavaMail print it', () => {
    for (const failure of [
      ['smtp: read tcp 10.1.2.3:51234->203.0.113.5:465: i/o timeout'],
      ['smtplib.SMTPServerDisconnected: Connection unexpectedly closed'],
      [
        'javax.mail.MessagingException: Exception reading response;',
        '  nested exception is:',
        '\tjava.net.SocketTimeoutException: Read timed out',
      ],
    ]) {
      const [f] = finds([
        'mail.smtp.host=smtp.example.net, mail.smtp.port=465, mail.smtp.starttls.enable=true',
        ...failure,
      ]);
      expect(f?.cause ?? '').toContain('connects to port 465 in STARTTLS mode');
    }
  });

  it('cuts no surrogate pair in half when it clips a long setting line', () => {
    const [f] = finds([
      `Mailbox: ${'📬'.repeat(150)} (imap.example.net:993, encryption: tls)`,
      'timed out waiting for server greeting',
    ]);
    expect(f?.cause).toBeDefined();
    expect(f?.cause).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  // Found in review, fixed: every setting line rescans the rest of the log for a failure, so a log of setting lines costs n².
  it('does bounded work on a log of many setting lines and no failure', () => {
    const bad = Array.from({ length: 2000 }, () => `imap.example.net:993 starttls ${'timeout '.repeat(9)}`);
    const benign = Array.from({ length: 2000 }, () => 'x'.repeat(100));
    expectBounded(
      () => finds(bad),
      () => finds(benign),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// short-name-namespace
// ---------------------------------------------------------------------------------------------

describe('short-name-namespace (review)', () => {
  const HEAD = ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'];
  const search = (name: string, rows: string[][]) =>
    observed('find_objects', { name }, table([HEAD, ...rows]));
  const POD = 'uploader-6d9f7c8b4-x2k9p';
  const serviceIn = (name: string, ns: string) => search(name, [['Service', ns, name, '-', '9d']]);

  // Found in review, fixed: libpq's 'could not translate host name "postgres"' is read as a lookup of the host "name", and PHP's "getaddrinfo for postgres failed" names no host the rule reads.
  it('reads the short name in libpq and PHP lookups', () => {
    for (const line of [
      'psql: error: could not translate host name "postgres" to address: Name or service not known',
      'PHP Warning:  PDO::__construct(): php_network_getaddresses: getaddrinfo for postgres failed: Name or service not known',
    ]) {
      const seen = [log('erp', POD, [line]), serviceIn('postgres', 'db')];
      expect(shortNameNamespaceAnalyzer.reads(ctx('db', [seen[0]!]))).toEqual([
        { tool: 'find_objects', args: { name: 'postgres' } },
      ]);
      expect(shortNameNamespaceAnalyzer.finds(ctx('db', seen))[0]?.object).toBe(`pod ${POD} in erp`);
    }
  });

  // Found in review, fixed: a Running pod that restarted once days ago ("1 (4d ago)") is taken for a crashing one and skipped.
  it('reads a Running pod whose one restart was days ago', () => {
    const seen = [
      log('erp', POD, ['dial tcp: lookup storage on 10.96.0.10:53: no such host']),
      serviceIn('storage', 'backup'),
      pods('erp', [[POD, '1/1', 'Running', '1 (4d ago)', '9d']]),
    ];
    expect(shortNameNamespaceAnalyzer.finds(ctx('backup', seen))[0]?.object).toBe(`pod ${POD} in erp`);
  });
});

// ---------------------------------------------------------------------------------------------
// stale-run-claim, the killed-run form
// ---------------------------------------------------------------------------------------------

describe('stale-run-claim killedRun (review)', () => {
  const RUN = 'nightly-29552279-gv856';
  const SKIP =
    'Skipping task syncAgents (AgentSync): state is Running since 2026-03-07 02:05:01, not finished';
  const events = (ns: string, rows: string[][]) =>
    observed(
      'get_events',
      { namespace: ns },
      table([['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...rows]),
    );
  const killed = (job: string, reason = 'DeadlineExceeded') => [
    '3d',
    'Warning',
    reason,
    `job/${job}`,
    reason === 'DeadlineExceeded'
      ? 'Job was active longer than specified deadline'
      : 'Job has reached the specified backoff limit',
  ];
  const finds = (seen: Parameters<typeof ctx>[1]) => staleRunClaimAnalyzer.finds(ctx('ops', seen));

  it('reads a run killed for its backoff limit', () => {
    const [f] = finds([
      log('ops', RUN, [SKIP]),
      events('ops', [killed('nightly-29549165', 'BackoffLimitExceeded')]),
    ]);
    expect(f?.cause).toContain('BackoffLimitExceeded on job nightly-29549165');
  });

  // Found in review, fixed: a killed run of a same-named CronJob in another namespace is taken for this CronJob's.
  it('stays silent for a killed run in another namespace', () => {
    expect(finds([log('ops', RUN, [SKIP]), events('staging', [killed('nightly-29549165')])])).toEqual([]);
  });

  // Found in review, fixed: a run killed after the skipping run was scheduled cannot have left the state it saw, yet is blamed.
  it('stays silent when the killed run is newer than the run that skips', () => {
    expect(finds([log('ops', RUN, [SKIP]), events('ops', [killed('nightly-29552339')])])).toEqual([]);
  });

  // Found in review, fixed: "the task status is running" makes the object "status" instead of the task.
  it('names the task, not the word "status"', () => {
    const [f] = finds([
      log('ops', RUN, ['Skipping syncAgents: the task status is running since 2026-03-07 02:05:01']),
      events('ops', [killed('nightly-29549165')]),
    ]);
    expect(f?.object).toMatch(/^syncAgents|^the task/);
  });

  // Found in review, fixed: a Deployment whose name ends in a date (backup-20260309) is read as a run of CronJob "backup".
  it("stays silent for a Deployment's pod whose name ends in a date", () => {
    expect(
      finds([
        log('ops', 'backup-20260309-6d9f7c8b4-x2k9p', [SKIP]),
        events('ops', [killed('backup-29549165')]),
      ]),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// unmounted-path
// ---------------------------------------------------------------------------------------------

describe('unmounted-path (review)', () => {
  const NS = 'media';
  const POD = 'library-6d9f7c8b4-x2k9p';
  const describedWith = (mounts: string[]) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        'Containers:',
        '  app:',
        '    Image:          registry.example.com/app:1.0.0',
        '    State:          Running',
        '    Mounts:',
        ...mounts.map((m) => `      ${m}`),
        'Conditions:',
      ].join('\n'),
    );
  const SA = '/var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xq2k (ro)';
  const SKIP = (who: string) =>
    `[Info] Mover: Destination folder /books/${who} not in a Root Folder, skipping import`;
  const finds = (lines: string[], mounts: string[]) =>
    unmountedPathAnalyzer.finds(ctx(NS, [log(NS, POD, lines), describedWith(mounts)]));

  it('stays silent for a subPath or read-only mount at the directory', () => {
    for (const mount of ['/books from nas (rw,path="media/books")', '/books from nas (ro)'])
      expect(finds([SKIP('a'), SKIP('b')], [mount, SA])).toEqual([]);
  });

  it('stays silent for paths under a parent mount', () => {
    const lines = ['skipping /mnt/media/books/a.epub', 'skipping /mnt/media/books/b.epub'];
    expect(finds(lines, ['/mnt/media from nas (rw)', SA])).toEqual([]);
  });

  // Found in review, fixed: the service account token mount every real pod has counts as a volume, so a container without volumes fires.
  it('stays silent for a container whose only mount is the service account token', () => {
    expect(finds([SKIP('a'), SKIP('b')], [SA])).toEqual([]);
  });

  // Found in review, fixed: HTTP request paths ("/api/health") in skip lines are read as filesystem paths under an unmounted /api.
  it('stays silent for HTTP routes a middleware skips', () => {
    const lines = [
      'auth: skipping authentication for GET /api/health/live',
      'auth: skipping authentication for GET /api/v2.0/indexers/all',
    ];
    expect(finds(lines, ['/config from config (rw)', SA])).toEqual([]);
  });

  // Found in review, fixed: /srv, a directory images bring themselves (FHS), is not among the image's own directories.
  it("stays silent for files in the image's /srv", () => {
    const lines = [
      'skipping unchanged file /srv/www/static/app.css',
      'skipping unchanged file /srv/www/static/app.js',
    ];
    expect(finds(lines, ['/config from config (rw)', SA])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// left-scaled-down
// ---------------------------------------------------------------------------------------------

describe('left-scaled-down (review)', () => {
  const NS = 'tools';
  const WEB = 'tracker-web-6d9f7c8b4-x2k9p';
  const listed = (rows: string[][]) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        ['tracker-web', '2/2', '2', '2', '300d'],
        ...rows,
      ]),
    );
  const JOBS_AT_ZERO = ['tracker-jobs', '0/0', '0', '0', '300d'];
  const described = (annotation: string, ns = NS, replicas = 0) =>
    observed(
      'describe_deployment',
      { namespace: ns, name: 'tracker-jobs' },
      [
        'Name:                   tracker-jobs',
        `Namespace:              ${ns}`,
        `Annotations:            ${annotation}`,
        `Replicas:               ${replicas} desired | 0 updated | 0 total | 0 available | 0 unavailable`,
        '      Command:        /srv/bin/runner start',
        '        ROLE:  daemons',
      ].join('\n'),
    );
  const events = (rows: string[][]) =>
    observed(
      'get_events',
      { namespace: NS },
      table([['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...rows]),
    );
  const said = log(NS, WEB, ['Setup issue: the tracker daemons are not running, background work is paused']);
  const NOTE = 'ops/note=scaled to 0 on 2026-03-09 for the database migration';

  it('stays silent for a rollout that scaled an old ReplicaSet of a running Deployment to 0', () => {
    const rollout = [
      '5m',
      'Normal',
      'ScalingReplicaSet',
      'deployment/tracker-jobs',
      'Scaled down replica set tracker-jobs-7c9d5f6b8 to 0 from 2',
    ];
    const seen = [listed([['tracker-jobs', '2/2', '2', '2', '300d']]), said, events([rollout])];
    expect(leftScaledDownAnalyzer.finds(ctx(NS, seen))).toEqual([]);
    expect(leftScaledDownAnalyzer.reads(ctx(NS, seen))).toEqual([]);
  });

  // Found in review, fixed: a note that says the Deployment is at 0 for good ("scaled to 0 for good") reads as a temporary scale-down, and a scale-up is proposed.
  it('proposes no scale-up of a Deployment retired for good', () => {
    const note = 'ops/note=scaled to 0 for good on 2026-01-10, replaced by the tracker-worker StatefulSet';
    const [f] = leftScaledDownAnalyzer.finds(
      ctx(NS, [listed([JOBS_AT_ZERO]), said, described(note), events([])]),
    );
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: the description read is not of the namespace: a same-named Deployment's note in another namespace is used.
  it("stays silent on another namespace's description of a same-named Deployment", () => {
    const seen = [
      listed([JOBS_AT_ZERO]),
      said,
      described('team=tools'),
      described(NOTE, 'staging'),
      events([]),
    ];
    expect(leftScaledDownAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  // Found in review, fixed: the scale-down event is matched by a name prefix, so another Deployment's rollout (tracker-jobs-v2) counts.
  it("stays silent on the rollout event of a Deployment whose name only starts with this one's", () => {
    const rollout = [
      '5m',
      'Normal',
      'ScalingReplicaSet',
      'deployment/tracker-jobs-v2',
      'Scaled down replica set tracker-jobs-v2-5f6b8c9d7 to 0 from 2',
    ];
    const seen = [
      listed([JOBS_AT_ZERO, ['tracker-jobs-v2', '2/2', '2', '2', '9d']]),
      said,
      described('team=tools'),
      events([rollout]),
    ];
    expect(leftScaledDownAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// glosses: SMTP 535, Oracle unable to extend
// ---------------------------------------------------------------------------------------------

describe('glosses of set 67 (review)', () => {
  it("reads Gmail's multi-line 535-5.7.8 through Nodemailer", () => {
    expect(
      glossOf(
        'Error: Invalid login: 535-5.7.8 Username and Password not accepted. For more information, go to',
      )?.means,
    ).toMatch(/reply 535/);
  });

  // Found in review, fixed: Python smtplib's SMTPAuthenticationError (535, b'5.7.8 …') is not glossed as a refused SMTP login.
  it("reads Python smtplib's SMTPAuthenticationError", () => {
    expect(
      glossOf("smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted.')")?.means,
    ).toMatch(/reply 535/);
  });

  // Found in review, fixed: Microsoft 365's 535 5.7.139 (SMTP AUTH disabled for the tenant) is glossed as a changed password.
  it("does not blame the password for Microsoft 365's SMTP AUTH disabled", () => {
    const line =
      'Expected response code "235" but got code "535", with message "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."';
    expect(glossOf(line)?.means ?? '').not.toMatch(/password changed/);
  });

  it("leaves a mail server's own log of a failed client login alone", () => {
    const line =
      'postfix/submission/smtpd[211]: warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: UGFzc3dvcmQ6';
    expect(glossOf(line)?.means ?? '').not.toMatch(/reply 535/);
  });

  it('reads the index and partition forms of unable to extend', () => {
    for (const line of [
      'ORA-01654: unable to extend index APP.ORDERS_IX by 128 in tablespace USERS',
      'ORA-01688: unable to extend table APP.EVENTS partition P2026 by 1024 in tablespace EVENTS',
    ])
      expect(glossOf(line)?.means).toMatch(/maximum size/);
  });
});

// ---------------------------------------------------------------------------------------------
// searchTermIn: a quantity is no object name (through BaselineSreModel's first find_objects)
// ---------------------------------------------------------------------------------------------

describe('searchTermIn: quantities (review)', () => {
  const firstSearch = async (task: string) => {
    const d = await new BaselineSreModel().decide({
      task,
      context: `Task: ${task}`,
      transcript: [{ role: 'user', parts: [{ type: 'text', source: 'task', text: `Task: ${task}` }] }],
      tools: [
        {
          name: 'find_objects',
          description: 'find objects by name',
          inputSchema: { type: 'object', properties: { name: { type: 'string' } } },
          mutating: false,
        },
      ],
      step: 1,
      maxSteps: 20,
      runId: 'r',
      signal: new AbortController().signal,
    });
    return d.type === 'tool_calls'
      ? (d.calls[0]?.args as Record<string, unknown> | undefined)?.['name']
      : undefined;
  };

  it('does not search a quantity with digits ("40-odd")', async () => {
    expect(
      await firstSearch('40-odd torrents are finished and waiting, and nothing shows up in the library.'),
    ).not.toBe('40-odd');
  });

  // Found in review, fixed: a quantity written out in words ("forty-odd") is still searched as an object name.
  it('does not search a quantity written in words', async () => {
    expect(
      await firstSearch('Forty-odd torrents are finished and waiting, and nothing shows up in the library.'),
    ).not.toBe('forty-odd');
  });

  // Found in review, fixed: a range of minutes ("10-15-minute") is searched as an object name.
  it('does not search a range with a unit', async () => {
    expect(
      await firstSearch(
        'Imports stall in a 10-15-minute window every night; nothing shows up in the library.',
      ),
    ).not.toBe('10-15-minute');
  });
});
