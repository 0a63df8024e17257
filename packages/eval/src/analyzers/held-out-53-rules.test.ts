// Table tests of the general rules written after held-out set 53's first contact.
import { describe, expect, it } from 'vitest';
import { errorLines, warningLines } from './app-errors.js';
import { dependencySideAnalyzer } from './dependency-side.js';
import { djangoGeventConnectionsAnalyzer } from './django-gevent-connections.js';
import { expectedLine } from './expected-log-lines.js';
import { failureSettings, flagSettings, otherSideSettingsAnalyzer } from './failure-settings.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { sharedVolumeLockAnalyzer } from './shared-volume-lock.js';
import { libraryBumps, upgradedLibraryAnalyzer } from './upgraded-library.js';

/** `describe_pod` of one container with literal variables and arguments, as the tools print it. */
function describedPod(
  ns: string,
  name: string,
  container: string,
  env: Record<string, string>,
  args = '',
  claims: string[] = [],
): string {
  return describedPodText({ ns, name, container, env, args, claims });
}

describe('django-gevent-connections', () => {
  const ns = 'portal';
  const pod = 'portal-web-bj49ttn47r-2gmtp';
  const refused =
    'django.db.utils.OperationalError: connection to server at "db" (10.96.41.17), port 5432 failed: FATAL: sorry, too many clients already';
  const env = {
    DB_CONN_MAX_AGE: '600',
    GUNICORN_CMD_ARGS: '--worker-class gevent --workers 3 --worker-connections 200 --bind 0.0.0.0:8000',
  };
  const notes = (logLines: string[], vars: Record<string, string>) =>
    djangoGeventConnectionsAnalyzer.notes!(
      ctx(ns, [
        log(ns, pod, logLines),
        observed('describe_pod', { namespace: ns, name: pod }, describedPod(ns, pod, 'web', vars)),
      ]),
    );

  it('explains persistent connections under gevent workers beside refused clients', () => {
    const [note] = notes(['[INFO] Booting worker', refused], env);
    expect(note).toContain('gevent workers');
    expect(note).toContain('DB_CONN_MAX_AGE=600');
    expect(note).toContain('idle');
    expect(note).toContain('3 workers × 200 worker connections = 600 per pod');
    expect(note).toContain('Set DB_CONN_MAX_AGE back to 0');
  });

  it.each([
    ['no refused clients', ['[INFO] Using worker: gevent', 'GET / 200'], env],
    ['sync workers', [refused], { ...env, GUNICORN_CMD_ARGS: '--workers 3' }],
    ['connections closed after each request', [refused], { ...env, DB_CONN_MAX_AGE: '0' }],
    ['no CONN_MAX_AGE variable', [refused], { GUNICORN_CMD_ARGS: env.GUNICORN_CMD_ARGS }],
  ])('says nothing with %s', (_, lines, vars) => {
    expect(notes(lines, vars)).toEqual([]);
  });

  it("reads the worker class from gunicorn's own start line and keeps CONN_MAX_AGE=None", () => {
    const [note] = notes(['[2026-04-21] [1] [INFO] Using worker: eventlet', refused], {
      CONN_MAX_AGE: 'None',
    });
    expect(note).toContain("gunicorn's eventlet workers");
    expect(note).not.toContain('per pod');
  });
});

describe('upgraded-library', () => {
  it.each([
    ['release 2.8.0: next 12.3, couchbase 3.2.4 -> 4.0.0', [['couchbase', '3.2.4', '4.0.0']]],
    [
      'bump pg 8.7.1 → 8.11.0 and @aws-sdk/client-s3 3.400.0 => 3.500.1',
      [
        ['pg', '8.7.1', '8.11.0'],
        ['@aws-sdk/client-s3', '3.400.0', '3.500.1'],
      ],
    ],
    ['requests 2.31 to 2.32.3', [['requests', '2.31', '2.32.3']]],
    ['release 2.8.0', []],
    ['rollback to revision 3', []],
    ['pin redis 7.2 -> 7.2', []],
  ])('reads the bumps of %j', (cause, expected) => {
    expect(libraryBumps(cause).map((b) => [b.library, b.before, b.after])).toEqual(expected);
  });

  const ns = 'field';
  const pod = 'field-portal-fqsjnpjb4-h468d';
  const deployment = (cause: string) =>
    observed(
      'describe_deployment',
      { namespace: ns, name: 'field-portal' },
      `Name: field-portal\nAnnotations: deployment.kubernetes.io/revision=2\n             kubernetes.io/change-cause=${cause}\n`,
    );
  const failing = [
    'error - Error: UnambiguousTimeoutError: unambiguous timeout',
    '    at errorFromCpp (/app/node_modules/couchbase/dist/bindingutilities.js:180:20)',
    'GET /technicians/80412 500 10012ms',
  ];

  it('names the upgrade when the failures are raised inside the upgraded library', () => {
    const [note] = upgradedLibraryAnalyzer.notes!(
      ctx(ns, [log(ns, pod, failing), deployment('release 2.8.0: couchbase 3.2.4 -> 4.0.0')]),
    );
    expect(note).toContain('upgraded the couchbase library (the SDK');
    expect(note).toContain('from 3.2.4 to 4.0.0, a new major version');
    expect(note).toContain('node_modules/couchbase/dist/bindingutilities.js');
  });

  it('says nothing when the frames are in another library, or the log holds no failure', () => {
    const other = [
      failing[0]!,
      '    at Client.query (/app/node_modules/pg/lib/client.js:526:17)',
      failing[2]!,
    ];
    const cause = deployment('release 2.8.0: couchbase 3.2.4 -> 4.0.0');
    expect(upgradedLibraryAnalyzer.notes!(ctx(ns, [log(ns, pod, other), cause]))).toEqual([]);
    const quiet = ['GET / 200 3ms', '    at /app/node_modules/couchbase/dist/connection.js:162:59'];
    expect(upgradedLibraryAnalyzer.notes!(ctx(ns, [log(ns, pod, quiet), cause]))).toEqual([]);
  });
});

describe("S3's RequestTimeTooSkewed", () => {
  const body = (signed: string, server: string) =>
    `AWS HTTP error: 403 Forbidden: RequestTimeTooSkewed (client): The difference between the request time and the current time is too large. - <Error><Code>RequestTimeTooSkewed</Code><RequestTime>${signed}</RequestTime><ServerTime>${server}</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>`;

  it.each([
    ['an hour ahead', '20260305T152115Z', '2026-03-05T14:21:14Z', '1 hour 0 min 1 s ahead of'],
    ['20 minutes behind', '20260305T140000Z', '2026-03-05T14:20:30Z', '20 min 30 s behind'],
  ])('says the clock runs %s', (_, signed, server, expected) => {
    const g = glossOf(body(signed, server));
    expect(g?.means).toContain(expected);
    expect(g?.means).toContain('at most 15 min 0 s is allowed');
    expect(g?.means).toContain('chrony or NTP');
  });

  it('falls back to the plain gloss without two times in the body', () => {
    const g = glossOf(
      'RequestTimeTooSkewed: The difference between the request time and the current time is too large.',
    );
    expect(g?.means).toContain('more than 15 minutes off');
    const bad = glossOf(body('not-a-time', '2026-03-05T14:21:14Z'));
    expect(bad?.means).toContain('more than 15 minutes off');
  });
});

describe("CouchDB's missing system databases", () => {
  const error =
    '[error] 2026-07-14T08:58:02.118205Z couchdb@127.0.0.1 emulator -------- Error in process <0.4410.0> with exit value: {database_does_not_exist,[{mem3_shards,load_shards_from_db,"_users",[{file,"src/mem3_shards.erl"},{line,430}]}]}';
  const notice =
    '[notice] 2026-07-14T08:58:02.118204Z couchdb@127.0.0.1 <0.329.0> -------- chttpd_auth_cache changes listener died because the _users database does not exist. Create the database to silence this notice.';

  it('is not a failure line, and its notice is explained as routine', () => {
    expect(errorLines([error, notice].join('\n'))).toEqual([]);
    expect(expectedLine(notice, true)).toContain('expected and harmless');
  });

  it.each([
    ['an application database', error.replace('"_users"', '"field_notes"')],
    [
      'another error',
      '[error] 2026-07-14T08:58:02Z couchdb@127.0.0.1 -------- {badmatch,{error,eacces}} "_users"',
    ],
  ])('still counts %s as a failure', (_, line) => {
    expect(errorLines(line)).toHaveLength(1);
  });
});

describe('settings of the other side of a failure', () => {
  const client = 'order-api-lhchlwhtwv-4djhq';
  const server = 'orders-80-x-zone1-vttablet-2262911301-0b55d2e8';
  const clientLine =
    '2026-03-12T19:38:02Z ERROR could not place order 88424410: begin tx: vttablet: rpc error: code = ResourceExhausted desc = transaction pool connection limit exceeded';
  const serverLine =
    'E0312 19:22:17.901540 1 tablet_error.go:251] TxPoolFull: tx_pool_full: Transaction pool connection limit exceeded';
  const args =
    '--tablet-path=zone1-2262911301 --queryserver-config-pool-size=32 --queryserver-config-transaction-cap=20 --queryserver-config-transaction-timeout=30s --health_check_interval=5s';
  const seen = (serverLog: string[], withServer = true) => [
    log('shop', client, [clientLine]),
    observed('describe_pod', { namespace: 'shop', name: client }, describedPod('shop', client, 'api', {})),
    log('vitess', server, serverLog),
    ...(withServer
      ? [
          observed(
            'describe_pod',
            { namespace: 'vitess', name: server },
            describedPod('vitess', server, 'vttablet', {}, args),
          ),
        ]
      : []),
  ];
  const quote = `get_pod_logs ${client}: "${clientLine}"`;

  it("quotes the server's flag that sets the limit its own log reports, and says to raise it", () => {
    const said = failureSettings(seen([serverLine]), [quote]);
    expect(said).toContain(
      `"--queryserver-config-transaction-cap=20" (arguments of container vttablet of ${server})`,
    );
    expect(said).toContain('raise it');
    expect(said).not.toContain('tablet-path');
  });

  it('reads no settings of a pod whose log reports another failure, or that was not described', () => {
    expect(
      failureSettings(seen(['E0312 19:22:17 1 x.go:1] disk full on /vt/data']), [quote]),
    ).toBeUndefined();
    expect(failureSettings(seen([serverLine], false), [quote])).toBeUndefined();
  });

  it('describes the failing server of another namespace once, and nothing in the namespace itself', () => {
    const s = seen([serverLine], false);
    expect(otherSideSettingsAnalyzer.reads(ctx('shop', s))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'vitess', name: server } },
    ]);
    expect(otherSideSettingsAnalyzer.reads(ctx('shop', seen([serverLine])))).toEqual([]);
    expect(otherSideSettingsAnalyzer.reads(ctx('vitess', s))).toEqual([]);
  });

  it.each([
    ['one line', 'Args:           --a=1 --b-timeout=2s plain', ['a', 'b-timeout']],
    [
      'one per line, as kubectl prints them',
      'Args:\n      --x=1\n      --y=two\n    Limits:\n      --z=3',
      ['x', 'y'],
    ],
    ['a command', 'Command:\n      /bin/server\n      -max_conns=64', ['max_conns']],
    ['no arguments', 'Environment:    <none>', []],
  ])('reads flags from %s', (_, body, keys) => {
    expect(flagSettings(body).map((f) => f.key)).toEqual(keys);
  });
});

describe('shared-volume-lock', () => {
  const ns = 'search';
  const solr = 'catalog-solr-4qg2pxcwft-5g4nf';
  const copy = 'catalog-reindex-h2b64knfq-6tr75';
  const held =
    'Caused by: org.apache.lucene.store.LockObtainFailedException: Lock held by another program: /var/solr/data/products/data/index/write.lock';
  const withClaim = (name: string, claim: string) =>
    observed('describe_pod', { namespace: ns, name }, describedPod(ns, name, 'solr', {}, '', [claim]));
  const listed = pods(ns, [
    [solr, '0/1', 'Running', '0', '20m'],
    [copy, '1/1', 'Running', '0', '16h'],
    ['catalog-api-7c9d2f6b8d-x2kq4', '1/1', 'Running', '0', '3d'],
  ]);

  it('names the other workload that mounts the same claim as the holder of the lock', () => {
    const seen = [
      listed,
      log(ns, solr, [held]),
      withClaim(solr, 'catalog-solr-data'),
      withClaim(copy, 'catalog-solr-data'),
    ];
    const [f] = sharedVolumeLockAnalyzer.finds(ctx(ns, seen));
    expect(f?.object).toContain('catalog-reindex (pod catalog-reindex-h2b64knfq-6tr75)');
    expect(f?.cause).toContain('both mount the same claim catalog-solr-data');
    expect(f?.advice).toContain('stop catalog-reindex (scale it to 0)');
  });

  it('describes the other Running pods, youngest first, when none that shares the claim was read', () => {
    const seen = [listed, log(ns, solr, [held]), withClaim(solr, 'catalog-solr-data')];
    expect(sharedVolumeLockAnalyzer.reads(ctx(ns, seen))).toEqual([
      { tool: 'describe_pod', args: { namespace: ns, name: copy } },
      { tool: 'describe_pod', args: { namespace: ns, name: 'catalog-api-7c9d2f6b8d-x2kq4' } },
    ]);
  });

  it.each([
    ['another claim', [withClaim(solr, 'catalog-solr-data'), withClaim(copy, 'reindex-scratch')]],
    [
      'a replica of the same workload',
      [withClaim(solr, 'd'), withClaim('catalog-solr-4qg2pxcwft-9zz2q', 'd')],
    ],
    [
      'no claim on the locked pod',
      [
        observed('describe_pod', { namespace: ns, name: solr }, describedPod(ns, solr, 'solr', {})),
        withClaim(copy, 'd'),
      ],
    ],
  ])('finds nothing with %s', (_, described) => {
    expect(sharedVolumeLockAnalyzer.finds(ctx(ns, [listed, log(ns, solr, [held]), ...described]))).toEqual(
      [],
    );
  });

  it('finds nothing without a lock held by another program', () => {
    const seen = [listed, log(ns, solr, ['ERROR disk full']), withClaim(solr, 'd'), withClaim(copy, 'd')];
    expect(sharedVolumeLockAnalyzer.finds(ctx(ns, seen))).toEqual([]);
    expect(sharedVolumeLockAnalyzer.reads(ctx(ns, seen))).toEqual([]);
  });
});

describe('the server a failing client says it opened at start', () => {
  const gw = 'sync-gateway-gr5vdsl6s-tqcks';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['mobile', 'Active', '9d'],
      ['couchbase', 'Active', '9d'],
    ]),
  );
  const listed = pods('mobile', [[gw, '1/1', 'Running', '0', '5d']]);
  const logOf = (first: string) =>
    log('mobile', gw, [
      first,
      '2026-06-10T14:44:31.402Z [WRN] WriteCas: temporary failure from bucket "inspections" (retry 5 of 5)',
      '2026-06-10T14:44:31.402Z [INF] HTTP:  #88204:     --> 503 Database server is over capacity  (12394.0 ms)',
    ]);

  it('reads the pods of the server in a data store URL of the log’s first lines', () => {
    const opened =
      '2026-06-01T10:02:11.118Z [INF] Opening db /inspections as bucket "inspections", server <couchbases://cb-cluster.couchbase.svc>';
    expect(dependencySideAnalyzer.reads(ctx('mobile', [namespaces, listed, logOf(opened)]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'couchbase' } },
    ]);
  });

  it('takes no web address as the server', () => {
    const web = '2026-06-01T10:02:11.118Z [INF] Admin UI on https://cb-cluster.couchbase.svc:8091/ui';
    expect(dependencySideAnalyzer.reads(ctx('mobile', [namespaces, listed, logOf(web)]))).toEqual([]);
  });
});

describe("Serilog's and Next.js's levels", () => {
  it.each([
    ['[09:25:00 ERR] Export failed', 'error'],
    ['2026-03-31 09:25:00.315 +00:00 [FTL] Host terminated unexpectedly', 'error'],
    ['2026-03-31 09:25:00.315 ERR Hangfire: job failed', 'error'],
    ['error - Error: UnambiguousTimeoutError: unambiguous timeout', 'error'],
    ['[09:25:00 WRN] Retry attempt 1 of 3', 'warning'],
    ['2026-03-31 09:25:00.315 WRN Hangfire.AutomaticRetryAttribute: retry 1', 'warning'],
    ['warn  - Image optimization: sharp is not installed', 'warning'],
    ['[09:25:00 INF] Started', 'neither'],
    ['2026-03-31 09:25:00.315 INF job 88412 finished', 'neither'],
    ['the ERR reply of redis, quoted in prose', 'neither'],
    ['info  - ready on port 3000', 'neither'],
  ])('reads %j as %s', (line, level) => {
    const got = errorLines(line).length > 0 ? 'error' : warningLines(line).length > 0 ? 'warning' : 'neither';
    expect(got).toBe(level);
  });
});
