// Table tests of the general rules written after held-out set 66's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer } from './app-errors.js';
import { migrationInProgressAnalyzer } from './migration-in-progress.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { publicNameHairpinAnalyzer } from './public-name-hairpin.js';
import { s3RegionScopeAnalyzer } from './s3-region-scope.js';

describe('migration-in-progress: a release that serves while its migration is still running', () => {
  const NS = 'risk';
  const APP = 'risk-fo-f5xtbhnwv-559xw';
  const JOB = 'cli-db-migrate-2-8-0-k87gs';
  const app = log(NS, APP, [
    "SQLSTATE[42S02]: Base table or view not found: 1146 Table 'cli_0081.referentials' doesn't exist",
  ]);
  const listed = (status: string) =>
    pods(NS, [
      [APP, '1/1', 'Running', '0', '40m'],
      [JOB, '1/1', status, '0', '45m'],
    ]);
  const progress = (last: string) => log(NS, JOB, ['104 client databases to migrate', last]);

  it('reads the migration pod’s log, then names the job and how far it is', () => {
    expect(migrationInProgressAnalyzer.reads(ctx(NS, [app, listed('Running')]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: JOB } },
    ]);
    const [f] = migrationInProgressAnalyzer.finds(
      ctx(NS, [app, listed('Running'), progress('== cli_0042: migrated ... done (42/104)')]),
    );
    expect(f?.object).toBe('job cli-db-migrate-2-8-0');
    expect(f?.cause).toMatch(/still running: .* 42 of 104 of the way through/);
    expect(f?.revisionSound).toBe(true);
  });

  it.each([
    ['Running', '== cli_0042: migrated ... done (42/104)', true],
    ['Running', 'migrated 12 of 40 tenants', true],
    // Finished, or no longer running: not this.
    ['Running', '== cli_0104: migrated ... done (104/104)', false],
    ['Completed', '== cli_0042: migrated ... done (42/104)', false],
  ])('%s, %s', (status, last, finds) => {
    expect(migrationInProgressAnalyzer.finds(ctx(NS, [app, listed(status), progress(last)])).length > 0).toBe(
      finds,
    );
  });

  it('finds nothing without a schema error in the namespace', () => {
    expect(
      migrationInProgressAnalyzer.finds(
        ctx(NS, [log(NS, APP, ['GET / 200']), listed('Running'), progress('done (42/104)')]),
      ),
    ).toEqual([]);
  });
});

describe('public-name-hairpin: a public name dialled from inside while the server runs in the cluster', () => {
  const NS = 'webmail';
  const POD = 'roundcube-6d8f9c7b54-247pq';
  const timeout = log(NS, POD, [
    'PHP Warning:  stream_socket_client(): Unable to connect to mail.example-coop.de:143 (Connection timed out) in /var/www/x.php',
  ]);
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [NS, 'Active', '3h'],
      ['mail', 'Active', '41d'],
    ]),
  );
  const services = (rows: string[][]) =>
    observed(
      'list_services',
      { namespace: 'mail' },
      table([['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ...rows]),
    );
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    `Name: ${POD}\nContainers:\n  roundcube:\n    Image:  roundcube\n    Environment:\n      DEFAULT_HOST:  mail.example-coop.de\n      DB_HOST:  roundcube-db\nConditions:\n`,
  );

  it('lists the namespaces, then their services', () => {
    expect(publicNameHairpinAnalyzer.reads(ctx(NS, [timeout]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(publicNameHairpinAnalyzer.reads(ctx(NS, [timeout, namespaces]))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
      { tool: 'list_services', args: { namespace: 'mail' } },
    ]);
  });

  it('points the variable that holds the public name at the one Service serving the port', () => {
    const [f] = publicNameHairpinAnalyzer.finds(
      ctx(NS, [
        timeout,
        pod,
        services([['dovecot', 'ClusterIP', '10.96.1.2', '<none>', '143/TCP,993/TCP', '41d']]),
      ]),
    );
    expect(f?.cause).toMatch(/public name mail\.example-coop\.de:143, .* hairpin/);
    expect(f?.fix?.args['set']).toEqual([{ name: 'DEFAULT_HOST', value: 'dovecot.mail.svc.cluster.local' }]);
  });

  it.each([
    // Two Services serve the port: which one is the server cannot be told.
    [
      [
        ['dovecot', 'ClusterIP', '10.96.1.2', '<none>', '143/TCP', '41d'],
        ['imap-proxy', 'ClusterIP', '10.96.1.3', '<none>', '143/TCP', '41d'],
      ],
      false,
    ],
    // None does.
    [[['postfix', 'ClusterIP', '10.96.1.4', '<none>', '25/TCP,587/TCP', '41d']], false],
  ])('%j', (rows, finds) => {
    expect(publicNameHairpinAnalyzer.finds(ctx(NS, [timeout, pod, services(rows)])).length > 0).toBe(finds);
  });

  it('leaves a cluster name alone', () => {
    const inCluster = log(NS, POD, [
      'Unable to connect to dovecot.mail.svc.cluster.local:143 (Connection timed out)',
    ]);
    expect(
      publicNameHairpinAnalyzer.finds(
        ctx(NS, [
          inCluster,
          pod,
          services([['dovecot', 'ClusterIP', '10.96.1.2', '<none>', '143/TCP', '41d']]),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('app-errors: a failure line that says its retry through another upstream went through', () => {
  it('is no finding', () => {
    const line =
      '2026/03/10 06:40:33.114209 [error] dnsproxy: upstream https://dns.example:443/dns-query: exchange: context deadline exceeded (retried via tls://dns.example, ok)';
    expect(appErrorsAnalyzer.finds(ctx('dns', [log('dns', 'resolver-rgw4nwlxdq-md45t', [line])]))).toEqual(
      [],
    );
  });
});

describe('s3-region-scope: an S3 client that signs for another region than its server', () => {
  const NS = 'docs';
  const POD = 'outline-tklz8bcpzf-vhl2x';
  const refused = (error: string) =>
    log(NS, POD, [`error: [storage] Error uploading attachment to S3 {"error":"${error}"}`]);
  const GARAGE =
    'AuthorizationHeaderMalformed: Authorization header malformed, unexpected scope: 20260310/us-east-1/s3/aws4_request';
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    `Name: ${POD}\nContainers:\n  outline:\n    Image:  outline\n    Environment:\n      AWS_S3_UPLOAD_BUCKET_URL:  http://garage.storage.svc.cluster.local:3900\n      AWS_REGION:  us-east-1\nConditions:\n`,
  );
  const maps = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: 'storage' },
    'NAME            STATUS     AGE\ngarage-config   1 key(s)   24h\n',
  );
  const config = (line: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: 'storage', name: 'garage-config' },
      `Name: garage-config\nData\n====\ngarage.toml:\n----\n[s3_api]\n${line}\n`,
    );

  it("reads the client, the server namespace's ConfigMaps and the server's", () => {
    expect(s3RegionScopeAnalyzer.reads(ctx(NS, [refused(GARAGE)]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    expect(s3RegionScopeAnalyzer.reads(ctx(NS, [refused(GARAGE), pod]))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: 'storage' } },
    ]);
    expect(s3RegionScopeAnalyzer.reads(ctx(NS, [refused(GARAGE), pod, maps]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', namespace: 'storage', name: 'garage-config' } },
    ]);
  });

  it("sets the region variable to the server's region", () => {
    const [f] = s3RegionScopeAnalyzer.finds(
      ctx(NS, [refused(GARAGE), pod, maps, config('s3_region = "garage"')]),
    );
    expect(f?.cause).toMatch(/signs for region us-east-1 .* the server's region is garage/);
    expect(f?.fix?.args['set']).toEqual([{ name: 'AWS_REGION', value: 'garage' }]);
  });

  it.each([
    // AWS names the region it expects itself.
    [
      "AuthorizationHeaderMalformed: The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
      '',
      'eu-west-1',
    ],
    // The server's configuration says nothing of a region: no finding.
    [GARAGE, 'root_domain = ".s3.garage"', undefined],
  ])('%s', (error, line, region) => {
    const [f] = s3RegionScopeAnalyzer.finds(ctx(NS, [refused(error), pod, maps, config(line)]));
    expect(f?.fix?.args['set']).toEqual(region ? [{ name: 'AWS_REGION', value: region }] : undefined);
  });
});
