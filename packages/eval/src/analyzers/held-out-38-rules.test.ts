// Table tests of the rules written after held-out set 38's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { certificateRenewedAnalyzer } from './certificate-renewed.js';
import { legacyOpensslRootAnalyzer } from './legacy-openssl-root.js';
import { glossOf } from './log-glosses.js';
import { loggedLimitAnalyzer } from './logged-limit.js';
import { namedRunLogsAnalyzer } from './named-run-logs.js';
import { ctx, log, observed, pods } from './observed.fixture.js';

describe('legacy-openssl-root: "certificate has expired" from a client on OpenSSL 1.0.x', () => {
  const NS = 'logistics';
  const POD = 'carrier-sync-pz68npjh9r-5nqz5';
  const expired = (attempt: number) =>
    `ERROR parcelhub: poll failed: cURL error 60: SSL certificate problem: certificate has expired (url=https://api.parcelhub.example/v3/tracking/updates) attempt=${attempt}`;
  const last =
    '[2021-10-01 09:18:04] ERROR parcelhub: poll failed: cURL error 60: SSL certificate problem: certificate has expired (url=https://api.parcelhub.example/v3/tracking/updates?since=2021-09-30T14:00:03Z)';
  const banner = (openssl: string) =>
    `[2021-09-14 10:02:11] INFO carrier-sync 2.14.3 starting (PHP 5.6.40-0+deb8u12, curl 7.38.0, ${openssl}, base debian:8 jessie)`;
  // The tail as get_pod_logs prints it: cut, only the failures left.
  const tail = log(NS, POD, [
    '[output cut: showing the last 8000 of 32370 characters; use tail]',
    expired(568),
    expired(569),
    expired(570),
    '[2021-10-01 09:00:00] WARN backlog: 1904 shipments without a tracking update for more than 12h',
    last,
  ]);
  const search = { namespace: NS, name: POD, pattern: 'OpenSSL', context: 0, maxMatches: 3 };
  const searched = (openssl: string) =>
    observed(
      'search_pod_logs',
      search,
      ['1 line(s) match "OpenSSL" in the newest 12098 line(s) read', `1:${banner(openssl)}`].join('\n'),
    );
  const listed = pods(NS, [
    [POD, '1/1', 'Running', '0', '17d'],
    ['label-service-j6srbnl9t-n7nvl', '1/1', 'Running', '0', '6d'],
  ]);

  it('reads: searches the log for OpenSSL when the tail shows expired certificates and no version', () => {
    expect(legacyOpensslRootAnalyzer.reads(ctx(NS, [listed, tail]))).toEqual([
      { tool: 'search_pod_logs', args: search },
    ]);
    expect(legacyOpensslRootAnalyzer.reads(ctx(NS, [listed, tail, searched('OpenSSL/1.0.1t')]))).toEqual([]);
  });
  it('reads: the container of the log read goes into the search', () => {
    const inContainer = log(NS, POD, [expired(1), last], { container: 'sync' });
    expect(legacyOpensslRootAnalyzer.reads(ctx(NS, [listed, inContainer]))).toEqual([
      { tool: 'search_pod_logs', args: { ...search, container: 'sync' } },
    ]);
  });
  it('reads nothing when the tail names OpenSSL 1.0.x itself, or has no expired certificate', () => {
    const whole = log(NS, POD, [banner('OpenSSL/1.0.1t'), expired(1), last]);
    expect(legacyOpensslRootAnalyzer.reads(ctx(NS, [listed, whole]))).toEqual([]);
    const fine = log(NS, POD, [
      '[2021-10-01 09:18:04] INFO parcelhub: poll ok, 212 tracking updates (url=https://api.parcelhub.example/v3/tracking/updates)',
    ]);
    expect(legacyOpensslRootAnalyzer.reads(ctx(NS, [listed, fine]))).toEqual([]);
  });
  it('finds from the search: DST Root CA X3, not the server certificate', () => {
    const [f] = legacyOpensslRootAnalyzer.finds(ctx(NS, [listed, tail, searched('OpenSSL/1.0.1t')]));
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toMatch(/certificate has expired \(url=https:\/\/api\.parcelhub\.example/);
    expect(f?.cause).toMatch(/it runs OpenSSL\/1\.0\.1t/);
    expect(f?.cause).toMatch(/DST Root CA X3/);
    expect(f?.cause).toMatch(/2021-09-30/);
    expect(f?.cause).toMatch(/ISRG Root X1/);
    expect(f?.evidence).toContain(`get_pod_logs ${POD}: OpenSSL/1.0.1t`);
    expect(f?.advice).toMatch(/server's certificate needs no renewal/);
  });
  it('finds from the log itself when its banner is in the tail', () => {
    const whole = log(NS, POD, [banner('OpenSSL/1.0.2k'), expired(1), last]);
    const [f] = legacyOpensslRootAnalyzer.finds(ctx(NS, [listed, whole]));
    expect(f?.cause).toMatch(/OpenSSL\/1\.0\.2k/);
    expect(f?.cause).toMatch(/DST Root CA X3/);
  });
  it('silent for OpenSSL 1.1.1, before the search, and without the expired line', () => {
    expect(legacyOpensslRootAnalyzer.finds(ctx(NS, [listed, tail, searched('OpenSSL/1.1.1w')]))).toEqual([]);
    expect(legacyOpensslRootAnalyzer.finds(ctx(NS, [listed, tail]))).toEqual([]);
    const fine = log(NS, POD, [
      banner('OpenSSL/1.0.1t'),
      '[2021-10-01 09:18:04] INFO parcelhub: poll ok, 212 tracking updates',
    ]);
    expect(legacyOpensslRootAnalyzer.finds(ctx(NS, [listed, fine]))).toEqual([]);
  });
});

describe("logged-limit: PHP's memory_limit set from PHP_MEMORY_LIMIT", () => {
  const NS = 'newsroom';
  const POD = 'press-site-zl2ncrlgq-5xlh9';
  const exhausted =
    '[11-May-2026 09:11:02] WARNING: [pool www] child 5388 said into stderr: "NOTICE: PHP message: PHP Fatal error:  Allowed memory size of 67108864 bytes exhausted (tried to allocate 2097160 bytes) in /var/www/app/src/View/TagPage.php on line 142"';
  const fpm = log(
    NS,
    POD,
    [
      '[output cut: showing the last 8000 of 14174 characters; use tail]',
      'ld exited with code 0 after 3600.011 seconds from start',
      '[pool www] child exited with code 0 after 3600.011 seconds from start',
      exhausted,
    ],
    { container: 'php-fpm' },
  );
  const nginx = log(
    NS,
    POD,
    [
      '10.244.0.9 - - [11/May/2026:09:10:58 +0000] "GET /politics/2026/05/11/coalition-talks HTTP/1.1" 200 48211 "-" "Mozilla/5.0"',
      '2026/05/11 09:11:02 [error] 31#31: *88120 FastCGI sent in stderr: "PHP message: PHP Fatal error:  Allowed memory size of 67108864 bytes exhausted (tried to allocate 2097160 bytes) in /var/www/app/src/View/TagPage.php on line 142" while reading response header from upstream, client: 10.244.0.9, server: www.dailyledger.example, request: "GET /tag/elections-2026 HTTP/1.1"',
      '10.244.0.9 - - [11/May/2026:09:11:02 +0000] "GET /tag/elections-2026 HTTP/1.1" 500 0 "https://news.search.example/" "Mozilla/5.0"',
    ],
    { container: 'nginx' },
  );
  /** `describe_pod` of a press-site pod as the tool prints it, PHP_MEMORY_LIMIT holding `limit`. */
  const described = (limit: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Status:           Running',
        'Controlled By:    ReplicaSet/press-site-zl2ncrlgq',
        'Containers:',
        '  php-fpm:',
        '    Image:          registry.dailyledger.internal/newsroom/press-site:3.21.4',
        '    State:          Running',
        '    Ready:          True',
        '    Restart Count:  0',
        '    Limits:',
        '      memory: 1536Mi',
        '    Environment:',
        '      APP_ENV:  production',
        `      PHP_MEMORY_LIMIT:  ${limit}`,
        '      PHP_MAX_EXECUTION_TIME:  30',
        '      PHP_PM_MAX_CHILDREN:  12',
        '  nginx:',
        '    Image:          nginx:1.27.4-alpine',
        '    State:          Running',
        '    Ready:          True',
        '    Restart Count:  0',
        '    Environment:    <none>',
        'Conditions:',
        '  Type              Status   Reason',
        '  Ready             True',
        'Events:  <none>',
      ].join('\n'),
    );
  const listed = pods(NS, [
    [POD, '2/2', 'Running', '0', '12d'],
    ['press-site-zl2ncrlgq-fkz2f', '2/2', 'Running', '0', '12d'],
  ]);

  it('64M: the finding, set_env PHP_MEMORY_LIMIT=256M on php-fpm', () => {
    const [f] = loggedLimitAnalyzer.finds(ctx(NS, [listed, fpm, described('64M')]));
    expect(f?.object).toBe(`deployment press-site (pod ${POD})`);
    expect(f?.cause).toMatch(/PHP's own memory_limit stops the script: it allows 67108864 bytes \(64M\)/);
    expect(f?.cause).toMatch(/never OOMKilled/);
    expect(f?.cause).toMatch(/the container sets it through PHP_MEMORY_LIMIT=64M/);
    expect(f?.evidence).toContain(`describe_pod ${POD}: PHP_MEMORY_LIMIT: 64M`);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'press-site',
        container: 'php-fpm',
        set: [{ name: 'PHP_MEMORY_LIMIT', value: '256M' }],
      },
    });
  });
  it("from nginx's FastCGI line too: the fix goes to the container that holds the variable", () => {
    const [f] = loggedLimitAnalyzer.finds(ctx(NS, [listed, nginx, described('64M')]));
    expect(f?.fix?.args).toMatchObject({
      container: 'php-fpm',
      set: [{ name: 'PHP_MEMORY_LIMIT', value: '256M' }],
    });
  });
  it('lower-case 64m stays lower-case (256m)', () => {
    const [f] = loggedLimitAnalyzer.finds(ctx(NS, [listed, fpm, described('64m')]));
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'PHP_MEMORY_LIMIT', value: '256m' }] });
  });
  it('65536K is the same 64 MiB and keeps its unit (262144K)', () => {
    const [f] = loggedLimitAnalyzer.finds(ctx(NS, [listed, fpm, described('65536K')]));
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'PHP_MEMORY_LIMIT', value: '262144K' }] });
  });
  it('no fix when the variable holds another value (128M): the limit is not set there', () => {
    const [f] = loggedLimitAnalyzer.finds(ctx(NS, [listed, fpm, described('128M')]));
    expect(f?.cause).toMatch(/memory_limit/);
    expect(f?.cause).not.toMatch(/PHP_MEMORY_LIMIT/);
    expect(f?.fix).toBeUndefined();
  });
  it('silent for a log without the exhausted line', () => {
    const calm = log(
      NS,
      POD,
      [
        '[29-Apr-2026 10:02:11] NOTICE: ready to handle connections',
        '[pool www] child exited with code 0 after 3600.011 seconds from start',
      ],
      { container: 'php-fpm' },
    );
    expect(loggedLimitAnalyzer.finds(ctx(NS, [listed, calm, described('64M')]))).toEqual([]);
  });
});

describe('certificate-renewed: a Ready Certificate whose latest request was issued recently', () => {
  const NS = 'storefront';
  const listed = pods(NS, [
    ['storefront-web-lqkrk8kpc4-bbmld', '1/1', 'Running', '0', '5d'],
    ['storefront-web-lqkrk8kpc4-p6sg2', '1/1', 'Running', '0', '5d'],
  ]);
  const certificate = (ready = 'True') =>
    observed(
      'describe_resource',
      { kind: 'Certificate', namespace: NS, name: 'storefront-tls' },
      [
        'Name:         storefront-tls',
        `Namespace:    ${NS}`,
        'Kind:         Certificate (cert-manager.io/v1)',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Age:          399d',
        'Spec:',
        '  secretName: storefront-tls',
        '  dnsNames[0]: www.shopfront.example',
        '  issuerRef.name: letsencrypt-prod',
        '  issuerRef.kind: ClusterIssuer',
        '  privateKey.rotationPolicy: Always',
        'Status:',
        '  conditions[0].type: Ready',
        `  conditions[0].status: ${ready}`,
        '  conditions[0].reason: Ready',
        '  conditions[0].message: Certificate is up to date and has not expired',
        '  conditions[0].lastTransitionTime: 2025-08-10T09:02:11Z',
        '  notBefore: 2026-09-14T01:12:03Z',
        '  notAfter: 2026-12-13T01:12:02Z',
        '  renewalTime: 2026-11-13T01:12:03Z',
        '  revision: 7',
        'Events:  <none>',
      ].join('\n'),
    );
  const request = (revision: number, age: string, ready = 'True', reason = 'Issued') =>
    observed(
      'describe_resource',
      { kind: 'CertificateRequest', namespace: NS, name: `storefront-tls-${revision}` },
      [
        `Name:         storefront-tls-${revision}`,
        `Namespace:    ${NS}`,
        'Kind:         CertificateRequest (cert-manager.io/v1)',
        'Labels:       <none>',
        `Annotations:  cert-manager.io/certificate-name=storefront-tls,cert-manager.io/certificate-revision=${revision}`,
        `Age:          ${age}`,
        'Spec:',
        '  issuerRef.name: letsencrypt-prod',
        '  issuerRef.kind: ClusterIssuer',
        '  usages[0]: digital signature',
        '  usages[1]: key encipherment',
        'Status:',
        '  conditions[0].type: Approved',
        '  conditions[0].status: True',
        '  conditions[0].reason: cert-manager.io',
        '  conditions[0].message: Certificate request has been approved by cert-manager.io',
        '  conditions[1].type: Ready',
        `  conditions[1].status: ${ready}`,
        `  conditions[1].reason: ${reason}`,
        '  conditions[1].message: Certificate fetched from issuer successfully',
        'Events:  <none>',
      ].join('\n'),
    );

  it('notes the renewal: revision, age, validity, next renewal, the rotated key, no action', () => {
    const [note] = certificateRenewedAnalyzer.notes!(ctx(NS, [listed, certificate(), request(7, '6h18m')]));
    expect(note).toMatch(/cert-manager renewed certificate storefront-tls on its schedule/);
    expect(note).toMatch(/revision 7 was issued 6h18m ago/);
    expect(note).toMatch(
      /CertificateRequest storefront-tls-7: Issued, "Certificate fetched from issuer successfully"/,
    );
    expect(note).toMatch(/valid from 2026-09-14T01:12:03Z to 2026-12-13T01:12:02Z/);
    expect(note).toMatch(/next renewal is due at 2026-11-13T01:12:03Z/);
    expect(note).toMatch(/privateKey\.rotationPolicy Always, a new private key/);
    expect(note).toMatch(/into Secret storefront-tls/);
    expect(note).toMatch(/no action is needed/);
    expect(certificateRenewedAnalyzer.reads(ctx(NS, [listed, certificate()]))).toEqual([]);
    expect(certificateRenewedAnalyzer.finds(ctx(NS, [listed, certificate(), request(7, '6h18m')]))).toEqual(
      [],
    );
  });
  it('a request six days old still counts', () => {
    expect(
      certificateRenewedAnalyzer.notes!(ctx(NS, [listed, certificate(), request(7, '6d')])),
    ).toHaveLength(1);
  });
  it('silent when the request is older than a week, not Ready, or of another revision', () => {
    expect(certificateRenewedAnalyzer.notes!(ctx(NS, [listed, certificate(), request(7, '8d')]))).toEqual([]);
    expect(
      certificateRenewedAnalyzer.notes!(
        ctx(NS, [listed, certificate(), request(7, '6h18m', 'False', 'Pending')]),
      ),
    ).toEqual([]);
    expect(certificateRenewedAnalyzer.notes!(ctx(NS, [listed, certificate(), request(6, '6h18m')]))).toEqual(
      [],
    );
  });
  it('silent when the Certificate is not Ready, when a pod is not ready, without the request', () => {
    expect(
      certificateRenewedAnalyzer.notes!(ctx(NS, [listed, certificate('False'), request(7, '6h18m')])),
    ).toEqual([]);
    const unready = pods(NS, [['storefront-web-lqkrk8kpc4-bbmld', '0/1', 'Running', '0', '5d']]);
    expect(certificateRenewedAnalyzer.notes!(ctx(NS, [unready, certificate(), request(7, '6h18m')]))).toEqual(
      [],
    );
    expect(certificateRenewedAnalyzer.notes!(ctx(NS, [listed, certificate()]))).toEqual([]);
  });
});

describe("glosses: PostgreSQL's lock table out of shared memory, nginx without a resolver", () => {
  it.each([
    [
      '2026-02-17 02:16:41.882 UTC [40177] backup@telemetry ERROR:  out of shared memory',
      [/shared lock table is full/, /max_locks_per_transaction/, /pg_dump/, /partition/],
    ],
    [
      'pg_dump: error: query failed: ERROR:  out of shared memory',
      [/max_locks_per_transaction/, /not the cause/],
    ],
    [
      '2026/08/18 18:41:44 [error] 23#23: *88102 [lua] introspect.lua:20: check(): token introspection failed: no resolver defined to resolve "auth-introspect.identity.svc.cluster.local", client: 10.244.0.7, server: api.shop.example, request: "GET /v1/orders/88011 HTTP/1.1", host: "api.shop.example"',
      [/no resolver directive/, /resolv\.conf/, /kube-dns/, /reload nginx/],
    ],
  ])('%s', (line, means) => {
    const gloss = glossOf(line);
    for (const m of means) expect(gloss?.means).toMatch(m);
  });
  it('not the lock table for /dev/shm or a segment that could not be resized', () => {
    expect(
      glossOf('ERROR:  out of shared memory: could not create /dev/shm/PostgreSQL.1197429420'),
    ).toBeUndefined();
    const resize = glossOf(
      'ERROR:  out of shared memory (could not resize shared memory segment "/PostgreSQL.1197429420" to 12615680 bytes)',
    );
    expect(resize?.means).not.toMatch(/max_locks_per_transaction/);
    expect(resize?.means).toMatch(/\/dev\/shm/);
  });
  it('not the resolver gloss for a name that the resolver could not find', () => {
    const line =
      '2026/08/18 18:41:44 [error] 23#23: *88102 auth-introspect.identity.svc.cluster.local could not be resolved (3: Host not found), client: 10.244.0.7, server: api.shop.example';
    expect(glossOf(line)?.means ?? '').not.toMatch(/no resolver directive/);
  });
});

describe('the two rule bugs the test writer found, fixed', () => {
  it("certificate-renewed: another Certificate's request (a name that only starts the same) is not this one's", () => {
    const cert = observed(
      'describe_resource',
      { kind: 'Certificate', namespace: 'shop', name: 'shop-tls' },
      'Name:  shop-tls\nSpec:\n  secretName: shop-tls\nStatus:\n  conditions[0].type: Ready\n  conditions[0].status: True\n  revision: 1\n',
    );
    const other = observed(
      'describe_resource',
      { kind: 'CertificateRequest', namespace: 'shop', name: 'shop-tls-admin-1' },
      'Name:  shop-tls-admin-1\nAnnotations:  cert-manager.io/certificate-name=shop-tls-admin,cert-manager.io/certificate-revision=12\nAge:          2h\nStatus:\n  conditions[0].type: Ready\n  conditions[0].status: True\n  conditions[0].reason: Issued\n',
    );
    const listed = pods('shop', [['web-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '5d']]);
    expect(certificateRenewedAnalyzer.notes?.(ctx('shop', [listed, cert, other]))).toEqual([]);
  });
  it('logged-limit: the variable that holds the logged value, not the first whose name fits', () => {
    const line =
      'PHP Fatal error:  Allowed memory size of 67108864 bytes exhausted (tried to allocate 2097160 bytes)';
    const seen = [
      log('news', 'site-7c9f5d8b6d-bcdfg', [line]),
      observed(
        'describe_pod',
        { namespace: 'news', name: 'site-7c9f5d8b6d-bcdfg' },
        'Controlled By:    ReplicaSet/site-7c9f5d8b6d\nContainers:\n  php:\n    Image:  php:8.3-fpm\n    Environment:\n      PHP_CLI_MEMORY_LIMIT:  512M\n      PHP_MEMORY_LIMIT:  64M\n',
      ),
    ];
    const [f] = loggedLimitAnalyzer.finds(ctx('news', seen));
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'PHP_MEMORY_LIMIT', value: '256M' }] });
  });
});

describe('named-run-logs: a finished run the person names', () => {
  const listed = pods('catalog', [
    ['products-reindex-0309-99sn7', '0/1', 'Completed', '0', '10h'],
    ['search-indexer-2lp57gglk-ncbrg', '1/1', 'Running', '0', '6d'],
  ]);
  const task =
    'We re-indexed the catalogue last night (the products-reindex job in namespace catalog); products are missing.';
  const dropped =
    'ts=2026-03-10T01:34:26Z level=error msg="nats async error" err="nats: slow consumer, messages dropped on connection [1] for subscription on \\"indexer.backfill.deliver\\"" pending_msgs=524288';
  it("reads the Completed pod's log", () => {
    expect(namedRunLogsAnalyzer.reads(ctx('catalog', [listed], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'catalog', name: 'products-reindex-0309-99sn7' } },
    ]);
  });
  it('finds the known failure in it, with the run summary', () => {
    const run = log('catalog', 'products-reindex-0309-99sn7', [
      dropped,
      'ts=2026-03-10T05:59:58Z level=info msg="backfill finished" stream_msgs=1911802 indexed=1294453 dropped_slow_consumer=1796211',
    ]);
    const [f] = namedRunLogsAnalyzer.finds(ctx('catalog', [listed, run], task));
    expect(f?.cause).toMatch(/slow consumer.*max_ack_pending.*backfill finished/);
  });
  it('silent for a run the task does not name, or a log without a known failure', () => {
    expect(namedRunLogsAnalyzer.reads(ctx('catalog', [listed], 'products are missing from search'))).toEqual(
      [],
    );
    const clean = log('catalog', 'products-reindex-0309-99sn7', [
      'level=info msg="backfill finished" indexed=1911802',
    ]);
    expect(namedRunLogsAnalyzer.finds(ctx('catalog', [listed, clean], task))).toEqual([]);
  });
});
