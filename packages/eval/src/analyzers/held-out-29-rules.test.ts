// Table tests of the rules written after held-out set 29's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer, recoveredRetries } from './app-errors.js';
import { glossedLine } from './log-glosses.js';
import { loggedLimitAnalyzer as phpFpmPoolAnalyzer } from './logged-limit.js';
import { noProxyClusterAnalyzer } from './no-proxy-cluster.js';
import { ctx, observed, table } from './observed.fixture.js';
import { probeCause } from './probes.js';
import { nginxRoutes, proxyStaleAddressAnalyzer } from './proxy-stale-address.js';
import { pythonStdoutBufferedAnalyzer } from './python-stdout-buffered.js';
import { rateLimiterByDesignAnalyzer } from './rate-limiter-by-design.js';
import { registryQuotaConsumerAnalyzer } from './registry-quota-consumer.js';

describe('registry-quota-consumer: a pre-puller spends the registry pull quota', () => {
  const refused = observed(
    'get_events',
    { namespace: 'billing' },
    'Warning Failed 3m kubelet Failed to pull image "docker.io/acme/r:3": 429 Too Many Requests - Server message: toomanyrequests',
  );
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['billing', 'Active', '1d'],
      ['tools', 'Active', '1d'],
      ['kube-system', 'Active', '1d'],
    ]),
  );
  const pods = observed(
    'list_pods',
    { namespace: 'tools' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['warmer-29520659-mm77n', '0/1', 'Completed', '0', '1m'],
      ['warmer-29520658-xq2bz', '0/1', 'Completed', '0', '2m'],
      ['web-7c9f5d8b6d-abcde', '1/1', 'Running', '0', '3d'],
    ]),
  );
  const warmerLog = observed(
    'get_pod_logs',
    { namespace: 'tools', name: 'warmer-29520659-mm77n' },
    'warmer 0.3.0: 40 images x 2 nodes, pull policy Always\nsummary: 80 manifest requests, 23 answered 429',
  );
  it('lists the namespaces, then their pods, then one pod of each workload', () => {
    expect(registryQuotaConsumerAnalyzer.reads(ctx('billing', [refused]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(registryQuotaConsumerAnalyzer.reads(ctx('billing', [refused, namespaces]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'tools' } },
    ]);
    expect(registryQuotaConsumerAnalyzer.reads(ctx('billing', [refused, namespaces, pods]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'tools', name: 'warmer-29520659-mm77n' } },
      { tool: 'get_pod_logs', args: { namespace: 'tools', name: 'web-7c9f5d8b6d-abcde' } },
    ]);
  });
  it('names the CronJob whose pulls spend the quota', () => {
    const [f] = registryQuotaConsumerAnalyzer.finds(ctx('billing', [refused, namespaces, pods, warmerLog]));
    expect(f?.object).toBe('cronjob warmer in tools');
    expect(f?.cause).toMatch(/CronJob warmer in namespace tools pulls images[\s\S]*pull policy Always/);
  });
  it('silent without a rate-limited pull, or when no other workload pulls', () => {
    expect(registryQuotaConsumerAnalyzer.reads(ctx('billing', [namespaces]))).toEqual([]);
    const quiet = observed('get_pod_logs', { namespace: 'tools', name: 'web-7c9f5d8b6d-abcde' }, 'GET / 200');
    expect(registryQuotaConsumerAnalyzer.finds(ctx('billing', [refused, quiet]))).toEqual([]);
  });
});

describe("rate-limiter-by-design: 429s from the service's own limiter", () => {
  const log = (lines: string[]) =>
    observed('get_pod_logs', { namespace: 'api', name: 'gw-1' }, lines.join('\n'));
  const limited = [
    'INFO ratelimit: key=pk_a (plan 600/min) exceeded, answering 429 Retry-After=17',
    '203.0.113.5 key=pk_a "GET /v2/quotes" 429 0.001s',
    '198.51.100.12 key=pk_b "GET /v2/quotes" 200 0.084s',
  ];
  it('a note when one client is limited and the others are served', () => {
    const [note] = rateLimiterByDesignAnalyzer.notes!(ctx('api', [log(limited)], 'partners get HTTP 429'));
    expect(note).toMatch(
      /own rate limiter, working as designed[\s\S]*the client pk_a[\s\S]*no action is needed/,
    );
  });
  it('nothing unless the question is about 429s, or when nothing is served', () => {
    expect(rateLimiterByDesignAnalyzer.notes!(ctx('api', [log(limited)], 'the api is slow'))).toEqual([]);
    expect(rateLimiterByDesignAnalyzer.notes!(ctx('api', [log(limited.slice(0, 2))], 'HTTP 429'))).toEqual(
      [],
    );
  });
});

describe('php-fpm-pool: every child busy', () => {
  const seen = (env: string) => [
    observed(
      'get_pod_logs',
      { namespace: 'b', name: 'portal-7c9f5d8b6d-abcde' },
      '[02-Feb-2026 09:02:49] WARNING: [pool www] server reached pm.max_children setting (8), consider raising it',
    ),
    observed(
      'describe_pod',
      { namespace: 'b', name: 'portal-7c9f5d8b6d-abcde' },
      `Controlled By:  ReplicaSet/portal-7c9f5d8b6d\nContainers:\n  php-fpm:\n    Image: p:1\n    Environment:\n      ${env}\n`,
    ),
  ];
  it('doubles the environment variable that holds the limit', () => {
    const [f] = phpFpmPoolAnalyzer.finds(ctx('b', seen('PM_MAX_CHILDREN:  8')));
    expect(f?.cause).toMatch(/pm\.max_children allows \(8\)/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'portal',
      container: 'php-fpm',
      set: [{ name: 'PM_MAX_CHILDREN', value: '16' }],
    });
  });
  it('advice only when no variable holds the logged value', () => {
    const [f] = phpFpmPoolAnalyzer.finds(ctx('b', seen('PM_MAX_CHILDREN:  12')));
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).toMatch(/raise pm\.max_children/);
  });
});

describe('python-stdout-buffered: only stderr warnings reach the log', () => {
  const seen = (env: string, lines = ['/app/sync.py:88: DeprecationWarning: utcnow() is deprecated']) => [
    observed('get_pod_logs', { namespace: 'ml', name: 'sync-7c9f5d8b6d-abcde' }, lines.join('\n')),
    observed(
      'describe_pod',
      { namespace: 'ml', name: 'sync-7c9f5d8b6d-abcde' },
      `Controlled By:  ReplicaSet/sync-7c9f5d8b6d\nContainers:\n  worker:\n    Image:          ml/sync:4\n    Command:        python /app/sync.py\n    Environment:\n      ${env}\n`,
    ),
  ];
  const task = 'kubectl logs shows almost nothing for sync';
  it('says stdout is block-buffered and sets PYTHONUNBUFFERED', () => {
    const [f] = pythonStdoutBufferedAnalyzer.finds(ctx('ml', seen('SYNC_INTERVAL:  300'), task));
    expect(f?.cause).toMatch(/stdout is block-buffered[\s\S]*without PYTHONUNBUFFERED=1 or python -u/);
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'PYTHONUNBUFFERED', value: '1' }] });
  });
  it('silent when it is set, when the log has its own lines, or when the question is not about logs', () => {
    expect(pythonStdoutBufferedAnalyzer.finds(ctx('ml', seen('PYTHONUNBUFFERED:  1'), task))).toEqual([]);
    expect(
      pythonStdoutBufferedAnalyzer.finds(ctx('ml', seen('X:  1', ['sync: 120 rows written']), task)),
    ).toEqual([]);
    expect(pythonStdoutBufferedAnalyzer.finds(ctx('ml', seen('X:  1'), 'sync is slow'))).toEqual([]);
  });
});

describe('proxy-stale-address: old pod IPs of a headless Service, through an upstream block', () => {
  const conf = [
    'upstream accounts {',
    '    server accounts-api-headless.accounts.svc.cluster.local:8080;',
    '}',
    'server {',
    '  location /v1/ {',
    '    proxy_pass http://accounts;',
    '  }',
    '}',
  ].join('\n');
  it('a proxy_pass to an upstream name routes to its server', () => {
    expect(nginxRoutes(conf).routes).toEqual([
      { prefix: '/v1/', host: 'accounts-api-headless.accounts.svc.cluster.local', variable: false },
    ]);
  });
  const seen = (endpoints: string) => [
    observed(
      'get_pod_logs',
      { namespace: 'gw', name: 'gw-7d9f8c6b5-abcde' },
      '2026/02/03 10:06:31 [error] 24#24: *1 connect() failed (113: No route to host) while connecting to upstream, client: 10.30.1.5, server: _, request: "GET /v1/accounts/7 HTTP/1.1", upstream: "http://10.244.1.23:8080/v1/accounts/7"',
    ),
    observed(
      'describe_pod',
      { namespace: 'gw', name: 'gw-7d9f8c6b5-abcde' },
      'Controlled By:  ReplicaSet/gw-7d9f8c6b5\nVolumes:\n  conf:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      gw-conf\n',
    ),
    observed('describe_resource', { kind: 'ConfigMap', namespace: 'gw', name: 'gw-conf' }, conf),
    observed(
      'describe_service',
      { namespace: 'accounts', name: 'accounts-api-headless' },
      `Name:  accounts-api-headless\nIP:                None\nEndpoints:         ${endpoints}\n`,
    ),
  ];
  it('stale when the address is none of the endpoints: a rolling restart of the proxy', () => {
    const [f] = proxyStaleAddressAnalyzer.finds(ctx('gw', seen('10.244.1.57:8080,10.244.2.88:8080')));
    expect(f?.cause).toMatch(/old pod IP of the headless Service accounts-api-headless/);
    expect(f?.fix).toMatchObject({ tool: 'restart_deployment', args: { namespace: 'gw', name: 'gw' } });
  });
  it('nothing when the address is still an endpoint', () => {
    expect(proxyStaleAddressAnalyzer.finds(ctx('gw', seen('10.244.1.23:8080')))).toEqual([]);
  });
});

describe('probeCause: an exec command written as one string', () => {
  it('says to split it into list items', () => {
    const r = probeCause(
      'liveness',
      'Liveness probe errored: OCI runtime exec failed: exec failed: unable to start container process: exec: "sh -c /opt/check.sh": executable file not found in $PATH: unknown',
      'Liveness: exec [sh -c /opt/check.sh] delay=10s',
      '',
    );
    expect(r.cause).toMatch(/command is one string \("sh -c \/opt\/check\.sh"\)/);
    expect(r.advice).toContain('["sh","-c","/opt/check.sh"]');
  });
  it('a missing executable is still a missing executable', () => {
    const r = probeCause(
      'liveness',
      'Liveness probe errored: exec: "curl": executable file not found in $PATH',
      'Liveness: exec [curl -f localhost:8080/healthz] delay=10s',
      '',
    );
    expect(r.cause).toMatch(/runs "curl", which is not in the image/);
  });
});

describe('glosses of set 29', () => {
  it.each([
    [
      '10.4.0.7 - - [09/Feb/2026:12:51:03 +0000] "GET /api/x HTTP/2.0" 426 0 "-" "Mozilla/5.0"',
      /426 Upgrade Required[\s\S]*proxy_http_version/,
    ],
    [
      'ERROR javax.net.ssl.SSLHandshakeException: PKIX path building failed: unable to find valid certification path',
      /truststore[\s\S]*cacerts/,
    ],
    [
      'WARN [Consumer clientId=c-1] Connection to node 1 (localhost/127.0.0.1:9092) could not be established.',
      /advertised\.listeners/,
    ],
  ])('%s', (line, means) => {
    expect(glossedLine(line)?.means).toMatch(means);
  });
  it('a 200 or a 404 is no 426', () => {
    expect(glossedLine('"GET /api/x HTTP/1.1" 200 426 "-"')).toBeUndefined();
  });
});

describe('recovered retries over a long quiet time, and the dependency replaced then', () => {
  const log = [
    '2026-02-14T09:15:02Z ERROR db: connection to pgbouncer.ledger-db.svc:6432 refused (connect: connection refused), retrying in 1s',
    '2026-02-14T09:15:11Z INFO db: pool reconnected to pgbouncer.ledger-db.svc:6432',
    '2026-02-14T09:15:12Z INFO POST /v1/entries 201 21ms',
    '2026-02-14T09:39:41Z INFO POST /v1/entries 201 17ms',
  ].join('\n');
  it('three quiet lines spanning 24 minutes are enough; three within a minute are not', () => {
    expect(recoveredRetries(log)?.recovery).toMatch(/reconnected/);
    expect(recoveredRetries(log.replace('09:39:41', '09:15:20'))).toBeUndefined();
  });
  const seen = (ages: string) => [
    observed(
      'list_pods',
      { namespace: 'ledger' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['api-7c9f5d8b6d-abcde', '1/1', 'Running', '0', '90d'],
      ]),
    ),
    observed('get_pod_logs', { namespace: 'ledger', name: 'api-7c9f5d8b6d-abcde' }, log),
    observed(
      'list_pods',
      { namespace: 'ledger-db' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['pgbouncer-6d5f7c8b9-aaaaa', '1/1', 'Running', '0', ages],
        ['pgbouncer-6d5f7c8b9-bbbbb', '1/1', 'Running', '0', ages],
      ]),
    ),
  ];
  it("reads the dependency's pods, and says it was replaced when their age matches", () => {
    expect(appErrorsAnalyzer.reads(ctx('ledger', seen('25m').slice(0, 2)))).toContainEqual({
      tool: 'list_pods',
      args: { namespace: 'ledger-db' },
    });
    expect(appErrorsAnalyzer.notes!(ctx('ledger', seen('25m')))[0]).toMatch(
      /refused while pgbouncer in namespace ledger-db was being replaced/,
    );
    expect(appErrorsAnalyzer.notes!(ctx('ledger', seen('40d'))).join(' ')).not.toMatch(/being replaced/);
  });
});

describe("no-proxy-cluster: the proxy's own address is not a cluster call", () => {
  it('silent on "using proxy <cluster name> for <external host>"', () => {
    const seen = [
      observed(
        'describe_pod',
        { namespace: 'p', name: 'w-1' },
        'Containers:\n  worker:\n    Image: w:1\n    Environment:\n      HTTPS_PROXY:  http://egress-proxy.egress.svc:3128\n',
      ),
      observed(
        'get_pod_logs',
        { namespace: 'p', name: 'w-1' },
        'INFO using proxy egress-proxy.egress.svc:3128 for api.bank.example\nERROR bank session failed: PKIX path building failed',
      ),
    ];
    expect(noProxyClusterAnalyzer.finds(ctx('p', seen))).toEqual([]);
  });
});
