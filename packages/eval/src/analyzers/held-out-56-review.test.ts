// Review of held-out set 56's new rules (localhost-setting, cache-fills-limit, buffer-overflow) and the
// changed parts of probes (the 5xx `space` branch), idle-culler (the widened CULLED and the session note)
// and app-errors (USER_LOGIN_FAILED): table tests in the tools' output shapes, unusual but legitimate cases
// and hostile input, by a reviewer who had not written them. Each test under a `// Found in review, fixed:`
// line was a bug the review found (written as `it.skip`), fixed since.
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer } from './app-errors.js';
import { bufferOverflowAnalyzer } from './buffer-overflow.js';
import { cacheFillsLimitAnalyzer } from './cache-fills-limit.js';
import { idleCullerAnalyzer } from './idle-culler.js';
import { localhostSettingAnalyzer } from './localhost-setting.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { probeCause } from './probes.js';

/** A describe_pod text owned by a ReplicaSet of Deployment `deployment`. */
const owned = (text: string, deployment: string) =>
  text.replace('Status:', `Controlled By:    ReplicaSet/${deployment}-84gd9vfl8\nStatus:`);
const timed = (f: () => unknown) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

// ---------------------------------------------------------------------------------------------------
describe('localhost-setting: a setting left at localhost', () => {
  const NS = 'edge';
  const POD = 'edge-gateway-84gd9vfl8-vm99z';
  const TASK =
    'We deployed edge-gateway in namespace edge and its pods crash-loop. Its configuration lives in the etcd cluster config-etcd in namespace edge-config.';
  const refused = log(
    NS,
    POD,
    [
      '/usr/local/openresty/luajit/bin/luajit /usr/local/apisix/apisix/cli/apisix.lua init_etcd',
      "Warning! Request etcd endpoint 'http://127.0.0.1:2379/version' error, connection refused, retry time=1",
      "request etcd endpoint 'http://127.0.0.1:2379/version' error, connection refused",
      'all etcd nodes are unavailable',
    ],
    { previous: true },
  );
  const describedWith = (env: Record<string, string>, ns = NS) =>
    observed(
      'describe_pod',
      { namespace: ns, name: POD },
      owned(describedPodText({ ns, name: POD, container: 'gateway', env }), 'edge-gateway'),
    );
  const described = describedWith({
    GATEWAY_ETCD_HOST: 'http://127.0.0.1:2379',
    GATEWAY_ETCD_PREFIX: '/edge',
    GATEWAY_ADMIN_ALLOW: '10.0.0.0/8',
  });
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['default', 'Active', '30d'],
      ['edge', 'Active', '30d'],
      ['edge-config', 'Active', '30d'],
      ['shop', 'Active', '30d'],
    ]),
  );
  const services = (ns: string, rows: string[][]) =>
    observed(
      'list_services',
      { namespace: ns },
      table([['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'], ...rows]),
    );
  const etcd = services('edge-config', [
    [
      'config-etcd',
      'ClusterIP',
      '10.96.148.167',
      '2379/TCP,2380/TCP',
      'app=config-etcd',
      '10.244.0.16:2379,10.244.0.16:2380',
      '30d',
    ],
  ]);

  it('points GATEWAY_ETCD_HOST at config-etcd.edge-config.svc, scheme and port kept, with a set_env fix', () => {
    const [f, ...rest] = localhostSettingAnalyzer.finds(
      ctx(NS, [namespaces, refused, described, etcd], TASK),
    );
    expect(rest).toEqual([]);
    expect(f?.object).toBe(`deployment edge-gateway (pod ${POD})`);
    expect(f?.cause).toMatch(/GATEWAY_ETCD_HOST points it at http:\/\/127\.0\.0\.1:2379/);
    expect(f?.cause).toMatch(/config-etcd\.edge-config\.svc \(port 2379\), which has endpoints/);
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'edge-gateway',
        container: 'gateway',
        set: [{ name: 'GATEWAY_ETCD_HOST', value: 'http://config-etcd.edge-config.svc:2379' }],
      },
      text: expect.stringContaining('http://config-etcd.edge-config.svc:2379'),
    });
  });

  it('keeps the scheme, path and query of the value when it replaces the loopback address', () => {
    const d = describedWith({ GATEWAY_ETCD_HOST: 'https://127.0.0.1:2379/v3/kv?prefix=/edge' });
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, d, etcd], TASK));
    expect(f?.fix?.args['set']).toEqual([
      { name: 'GATEWAY_ETCD_HOST', value: 'https://config-etcd.edge-config.svc:2379/v3/kv?prefix=/edge' },
    ]);
    expect(f?.advice).toMatch(/to https:\/\/config-etcd\.edge-config\.svc:2379\/v3\/kv\?prefix=\/edge,/);
  });

  it('replaces "localhost" as it does 127.0.0.1', () => {
    const d = describedWith({ GATEWAY_ETCD_HOST: 'localhost:2379' });
    const lines = log(NS, POD, ['dial tcp localhost:2379: connect: connection refused'], { previous: true });
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [namespaces, lines, d, etcd], TASK));
    expect(f?.fix?.args['set']).toEqual([
      { name: 'GATEWAY_ETCD_HOST', value: 'config-etcd.edge-config.svc:2379' },
    ]);
  });

  it('says "which has endpoints" only when the Service has some', () => {
    const empty = services('edge-config', [
      ['config-etcd', 'ClusterIP', '10.96.148.167', '2379/TCP', 'app=config-etcd', '<none>', '30d'],
    ]);
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, described, empty], TASK));
    expect(f?.cause).toMatch(/config-etcd\.edge-config\.svc \(port 2379\)$/);
  });

  it('reads the refused address after the words (connection refused … localhost:2379) and a NodePort Service', () => {
    const after = log(NS, POD, ['ECONNREFUSED: connect to http://localhost:2379/v3/kv failed'], {
      previous: true,
    });
    const nodePort = services('edge-config', [
      [
        'config-etcd',
        'NodePort',
        '10.96.148.167',
        '2379:30379/TCP',
        'app=config-etcd',
        '10.244.0.16:2379',
        '30d',
      ],
    ]);
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [namespaces, after, described, nodePort], TASK));
    expect(f?.fix?.args['set']).toEqual([
      { name: 'GATEWAY_ETCD_HOST', value: 'http://config-etcd.edge-config.svc:2379' },
    ]);
  });

  it('gives advice but no set_env fix for a bare pod (no Deployment)', () => {
    const bare = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({
        ns: NS,
        name: POD,
        container: 'gateway',
        env: { GATEWAY_ETCD_HOST: 'http://127.0.0.1:2379' },
      }),
    );
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, bare, etcd], TASK));
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.advice).toMatch(
      /^set GATEWAY_ETCD_HOST of edge-gateway-84gd9vfl8-vm99z to http:\/\/config-etcd\.edge-config\.svc:2379/,
    );
    expect(f?.fix).toBeUndefined();
  });

  it('reads the namespace list first, then the Services of the namespaces the task names (not its own)', () => {
    expect(localhostSettingAnalyzer.reads(ctx(NS, [refused], TASK))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(localhostSettingAnalyzer.reads(ctx(NS, [namespaces, refused], TASK))).toEqual([
      { tool: 'list_services', args: { namespace: 'edge-config' } },
    ]);
    expect(localhostSettingAnalyzer.reads(ctx(NS, [namespaces, refused, etcd], TASK))).toEqual([]);
  });

  it('reads nothing and finds nothing without a refused loopback connection', () => {
    const remote = log(NS, POD, ['dial tcp 10.96.148.167:2379: connect: connection refused'], {
      previous: true,
    });
    expect(localhostSettingAnalyzer.reads(ctx(NS, [remote], TASK))).toEqual([]);
    expect(localhostSettingAnalyzer.finds(ctx(NS, [namespaces, remote, described, etcd], TASK))).toEqual([]);
  });

  it('finds nothing before the pod is described', () => {
    expect(localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, etcd], TASK))).toEqual([]);
  });

  it("ignores another namespace's log and another namespace's description", () => {
    const elsewhere = log('shop', POD, refused.content.split('\n'), { previous: true });
    expect(localhostSettingAnalyzer.reads(ctx(NS, [elsewhere], TASK))).toEqual([]);
    expect(localhostSettingAnalyzer.finds(ctx(NS, [namespaces, elsewhere, described, etcd], TASK))).toEqual(
      [],
    );
    const otherDescribed = describedWith({ GATEWAY_ETCD_HOST: 'http://127.0.0.1:2379' }, 'shop');
    expect(
      localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, otherDescribed, etcd], TASK)),
    ).toEqual([]);
  });

  it('says nothing when two Services of other namespaces serve the port with the telling word', () => {
    const staging = services('shop', [
      ['legacy-etcd', 'ClusterIP', '10.96.1.2', '2379/TCP', 'app=legacy-etcd', '10.244.1.5:2379', '90d'],
    ]);
    expect(
      localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, described, etcd, staging], TASK)),
    ).toEqual([]);
  });

  it("says nothing when the Service that shares the word serves another port, or none shares the variable's word", () => {
    const otherPort = services('edge-config', [
      [
        'config-etcd',
        'ClusterIP',
        '10.96.148.167',
        '12379/TCP',
        'app=config-etcd',
        '10.244.0.16:12379',
        '30d',
      ],
    ]);
    expect(
      localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, described, otherPort], TASK)),
    ).toEqual([]);
    const unrelated = services('edge-config', [
      ['storefront', 'ClusterIP', '10.96.1.9', '2379/TCP', 'app=storefront', '10.244.0.30:2379', '30d'],
    ]);
    expect(
      localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, described, unrelated], TASK)),
    ).toEqual([]);
  });

  it('does not pick a Service of its own namespace (the pod is already there)', () => {
    const own = services(NS, [
      ['config-etcd', 'ClusterIP', '10.96.9.9', '2379/TCP', 'app=config-etcd', '10.244.0.40:2379', '1d'],
    ]);
    expect(localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, described, own], TASK))).toEqual([]);
  });

  it('says nothing when two variables hold the loopback address on that port (which one is not said)', () => {
    const d = describedWith({
      GATEWAY_ETCD_HOST: 'http://127.0.0.1:2379',
      GATEWAY_ETCD_BACKUP_HOST: 'http://localhost:2379',
    });
    expect(localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, d, etcd], TASK))).toEqual([]);
  });

  it('matches the port exactly (23790 is not 2379)', () => {
    const d = describedWith({ GATEWAY_ETCD_HOST: 'http://127.0.0.1:23790' });
    expect(localhostSettingAnalyzer.finds(ctx(NS, [namespaces, refused, d, etcd], TASK))).toEqual([]);
  });

  // Found in review, fixed: a sidecar that should be on localhost (a database proxy container of the same pod declaring the port) is not considered: the rule rewrites the setting to a remote Service although localhost is right and the sidecar is what failed.
  it('says nothing when another container of the pod declares the refused port (a sidecar proxy)', () => {
    const app = 'crm-api-84gd9vfl8-abcde';
    const proxyLog = log(NS, app, [
      'ERROR failed to connect to the database: dial tcp 127.0.0.1:5432: connect: connection refused',
    ]);
    const text = owned(
      describedPodText({
        ns: NS,
        name: app,
        container: 'api',
        env: { POSTGRES_URL: 'postgres://crm@127.0.0.1:5432/crm' },
      }),
      'crm-api',
    ).replace(
      'Conditions:',
      [
        '  cloud-sql-proxy:',
        '    Image:          gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0',
        '    Port:           5432/TCP',
        '    State:          Running',
        '    Ready:          True',
        '    Restart Count:  0',
        '    Environment:    <none>',
        'Conditions:',
      ].join('\n'),
    );
    const d = observed('describe_pod', { namespace: NS, name: app }, text);
    const pg = services('edge-config', [
      ['postgres', 'ClusterIP', '10.96.5.5', '5432/TCP', 'app=postgres', '10.244.0.50:5432', '30d'],
    ]);
    expect(localhostSettingAnalyzer.finds(ctx(NS, [namespaces, proxyLog, d, pg], TASK))).toEqual([]);
  });

  // Found in review, fixed: the IPv6 loopback "[::1]:2379" never matches: `\b` before "[" needs a word character in front, and a URL has "//" there, so LOOPBACK and LOOPBACK_REFUSED miss it.
  it('recognises the IPv6 loopback address [::1] in the log and the value', () => {
    const v6 = log(NS, POD, ["request etcd endpoint 'http://[::1]:2379/version' error, connection refused"], {
      previous: true,
    });
    const d = describedWith({ GATEWAY_ETCD_HOST: 'http://[::1]:2379' });
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [namespaces, v6, d, etcd], TASK));
    expect(f?.fix?.args['set']).toEqual([
      { name: 'GATEWAY_ETCD_HOST', value: 'http://config-etcd.edge-config.svc:2379' },
    ]);
  });

  it('reads a 200,000-character hostile log quickly', () => {
    const hostile = log(
      NS,
      POD,
      [
        ...Array.from({ length: 50 }, () => 'localhost:1 '.repeat(330)),
        ...Array.from({ length: 50 }, () => 'ECONNREFUSED '.repeat(300)),
        `${'a'.repeat(3990)} refused`,
      ],
      { previous: true },
    );
    expect(hostile.content.length).toBeGreaterThan(200_000);
    expect(
      timed(() => {
        localhostSettingAnalyzer.reads(ctx(NS, [namespaces, hostile], TASK));
        localhostSettingAnalyzer.finds(ctx(NS, [namespaces, hostile, described, etcd], TASK));
      }),
    ).toBeLessThan(1500);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('cache-fills-limit: a cache sized to the whole memory limit', () => {
  const NS = 'graph-db';
  const POD = 'graph-alpha-5tvlbznvf-tchn9';
  const alpha = (opts: { env: Record<string, string>; limit?: string; reason?: string; ns?: string }) =>
    observed(
      'describe_pod',
      { namespace: opts.ns ?? NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${opts.ns ?? NS}`,
        'Status:           Running (CrashLoopBackOff)',
        'Controlled By:    ReplicaSet/graph-alpha-5tvlbznvf',
        'Containers:',
        '  alpha:',
        '    Image:          docker.io/dgraph/dgraph:v24.0.5',
        '    State:          Waiting',
        '      Reason:       CrashLoopBackOff',
        '    Last State:     Terminated',
        `      Reason:       ${opts.reason ?? 'OOMKilled'}`,
        '      Exit Code:    137',
        '      Finished:     2026-11-21T14:57:02Z (3m2s ago)',
        '    Ready:          False',
        '    Restart Count:  11',
        ...(opts.limit ? ['    Limits:', `      memory: ${opts.limit}`] : []),
        '    Requests:',
        '      cpu: 2',
        '      memory: 1Gi',
        '    Environment:',
        ...Object.entries(opts.env).map(([k, v]) => `      ${k}:  ${v}`),
        'Conditions:',
        '  Type              Status',
        '  Ready             False',
        'Events:  <none>',
      ].join('\n'),
    );

  it('gives ALPHA_CACHE_MB=4096 under a 4Gi limit a third of it (1365), through set_env', () => {
    const [f, ...rest] = cacheFillsLimitAnalyzer.finds(
      ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '4096' }, limit: '4Gi' })]),
    );
    expect(rest).toEqual([]);
    expect(f?.object).toBe(`deployment graph-alpha (pod ${POD})`);
    expect(f?.cause).toMatch(/ALPHA_CACHE_MB=4096 lets the cache alone grow to 4096 MB under a 4Gi limit/);
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'graph-alpha',
        container: 'alpha',
        set: [{ name: 'ALPHA_CACHE_MB', value: '1365' }],
      },
      text: expect.stringContaining('1365'),
    });
  });

  it("gives a third in the variable's unit when it is in GB (8 GB under 8Gi: 2)", () => {
    const [f] = cacheFillsLimitAnalyzer.finds(
      ctx(NS, [alpha({ env: { BLOCK_CACHE_GB: '8' }, limit: '8Gi' })]),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'BLOCK_CACHE_GB', value: '2' }]);
    expect(f?.cause).toMatch(/grow to 8192 MB under a 8Gi limit/);
    expect(f?.advice).toMatch(/BLOCK_CACHE_GB=2 \(a third of the 8Gi limit\)/);
  });

  it('gives a third in GiB (12 GiB under 12Gi: 4) and in MiB under a limit in Mi', () => {
    const [g] = cacheFillsLimitAnalyzer.finds(
      ctx(NS, [alpha({ env: { QUERY_CACHE_GIB: '12' }, limit: '12Gi' })]),
    );
    expect(g?.fix?.args['set']).toEqual([{ name: 'QUERY_CACHE_GIB', value: '4' }]);
    const [m] = cacheFillsLimitAnalyzer.finds(
      ctx(NS, [alpha({ env: { CACHE_SIZE_MIB: '3000' }, limit: '3000Mi' })]),
    );
    expect(m?.fix?.args['set']).toEqual([{ name: 'CACHE_SIZE_MIB', value: '1000' }]);
  });

  it('reads a decimal limit (4G) in bytes', () => {
    const [f] = cacheFillsLimitAnalyzer.finds(
      ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '4000' }, limit: '4G' })]),
    );
    // 4e9 bytes = 3814.7 MiB; a third is 1271.
    expect(f?.fix?.args['set']).toEqual([{ name: 'ALPHA_CACHE_MB', value: '1271' }]);
  });

  it('does not take a GB variable for MB (4 GB under a 4Gi limit fires; 4 MB would not)', () => {
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { BLOCK_CACHE_GB: '4' }, limit: '4Gi' })])),
    ).toHaveLength(1);
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { BLOCK_CACHE_MB: '4' }, limit: '4Gi' })])),
    ).toEqual([]);
  });

  it('says nothing for a cache well under the limit (1024 MB under 4Gi), or just under three quarters', () => {
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '1024' }, limit: '4Gi' })])),
    ).toEqual([]);
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '3071' }, limit: '4Gi' })])),
    ).toEqual([]);
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '3072' }, limit: '4Gi' })])),
    ).toHaveLength(1);
  });

  it('says nothing without a memory limit, without an OOMKill, or for another namespace', () => {
    expect(cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '4096' } })]))).toEqual([]);
    expect(
      cacheFillsLimitAnalyzer.finds(
        ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '4096' }, limit: '4Gi', reason: 'Error' })]),
      ),
    ).toEqual([]);
    expect(
      cacheFillsLimitAnalyzer.finds(
        ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '4096' }, limit: '4Gi', ns: 'other' })]),
      ),
    ).toEqual([]);
  });

  it('says nothing for a value with a unit or a variable whose name has no unit or no cache', () => {
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { ALPHA_CACHE_MB: '4096MB' }, limit: '4Gi' })])),
    ).toEqual([]);
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { ALPHA_CACHE_SIZE: '4096' }, limit: '4Gi' })])),
    ).toEqual([]);
    expect(
      cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env: { HEAP_MB: '4096' }, limit: '4Gi' })])),
    ).toEqual([]);
  });

  it('checks a hostile variable name quickly', () => {
    const env = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`${'CACHE_'.repeat(20)}${i}X_M`, '4096']),
    );
    expect(timed(() => cacheFillsLimitAnalyzer.finds(ctx(NS, [alpha({ env, limit: '4Gi' })])))).toBeLessThan(
      500,
    );
  });
});

// ---------------------------------------------------------------------------------------------------
describe('buffer-overflow: intake outruns output', () => {
  const NS = 'telemetry';
  const POD = 'metrics-relay-jhkhngd5n-r54kr';
  const listed = pods(NS, [
    [POD, '1/1', 'Running', '0', '6h'],
    ['metrics-relay-jhkhngd5n-crash', '0/1', 'CrashLoopBackOff', '4', '6h'],
  ]);
  const overflow = (n: number) =>
    `2026-11-18T13:58:${40 + n}Z W! [outputs.influxdb_v2] Metric buffer overflow; ${18212 + n} metrics have been dropped`;
  const stats = (gathered: number, written: number) =>
    `2026-11-18T13:58:50Z I! [inputs.internal] last 10s: agent.metrics_gathered=${gathered} outputs.influxdb_v2.metrics_written=${written} buffer_size=150000 buffer_limit=150000`;

  it("compares telegraf's gathered and written counts and quotes the last overflow", () => {
    const l = log(NS, POD, [
      overflow(0),
      stats(107180, 27500),
      overflow(1),
      stats(106950, 27500),
      overflow(2),
    ]);
    const [f, ...rest] = bufferOverflowAnalyzer.finds(ctx(NS, [listed, l]));
    expect(rest).toEqual([]);
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toMatch(/106950 taken in against 27500 written/);
    expect(f?.cause).toMatch(/about 3\.9 times faster/);
    expect(f?.cause).toMatch(/18214 metrics have been dropped", 3 times/);
  });

  it('takes "queue full, dropping" lines as overflows too', () => {
    const l = log(NS, POD, [
      'warn: send queue is full, dropping 500 events',
      'warn: send queue is full, dropping 800 events',
      'stats: events_received=9000 events_sent=3000',
    ]);
    expect(bufferOverflowAnalyzer.finds(ctx(NS, [listed, l]))).toHaveLength(1);
  });

  it('says nothing for a buffer that overflowed once', () => {
    const l = log(NS, POD, [overflow(0), stats(107180, 27500)]);
    expect(bufferOverflowAnalyzer.finds(ctx(NS, [listed, l]))).toEqual([]);
  });

  it('says nothing when intake is below output, or only a little above (within a fifth)', () => {
    expect(
      bufferOverflowAnalyzer.finds(
        ctx(NS, [listed, log(NS, POD, [overflow(0), overflow(1), stats(20000, 27500)])]),
      ),
    ).toEqual([]);
    expect(
      bufferOverflowAnalyzer.finds(
        ctx(NS, [listed, log(NS, POD, [overflow(0), overflow(1), stats(33000, 27500)])]),
      ),
    ).toEqual([]);
  });

  it('says nothing without a statistics line', () => {
    expect(
      bufferOverflowAnalyzer.finds(ctx(NS, [listed, log(NS, POD, [overflow(0), overflow(1), overflow(2)])])),
    ).toEqual([]);
  });

  it('says nothing for a buffer full that blocks rather than drops (back-pressure)', () => {
    const l = log(NS, POD, [
      'buffer full, pausing input (back-pressure)',
      'buffer full, pausing input (back-pressure)',
      stats(107180, 27500),
    ]);
    expect(bufferOverflowAnalyzer.finds(ctx(NS, [listed, l]))).toEqual([]);
  });

  it('says nothing for a pod that is not Running, or a previous log', () => {
    const lines = [overflow(0), overflow(1), stats(107180, 27500)];
    expect(
      bufferOverflowAnalyzer.finds(ctx(NS, [listed, log(NS, 'metrics-relay-jhkhngd5n-crash', lines)])),
    ).toEqual([]);
    expect(bufferOverflowAnalyzer.finds(ctx(NS, [listed, log(NS, POD, lines, { previous: true })]))).toEqual(
      [],
    );
  });

  // Found in review, fixed: with nothing written (metrics_written=0) the output is failing, not slow: the cause says "about Infinity times faster than it writes" and "the writes succeed, only too slowly".
  it('does not call an output that writes nothing slow ("Infinity times faster")', () => {
    const l = log(NS, POD, [overflow(0), overflow(1), stats(107180, 0)]);
    const [f] = bufferOverflowAnalyzer.finds(ctx(NS, [listed, l]));
    expect(f?.cause ?? '').not.toMatch(/Infinity/);
    expect(f?.cause ?? '').not.toMatch(/the writes succeed/);
  });

  // Found in review, fixed: the counts compared need not be of the same thing: a byte count received ("bytes_received=5000000") is compared with a count of metrics written, and the relay is said to take in 181.8 times what it writes.
  it('does not compare bytes received with metrics written', () => {
    const l = log(NS, POD, [
      overflow(0),
      overflow(1),
      'I! [inputs.internal] last 10s: http_listener.bytes_received=5000000 outputs.influxdb_v2.metrics_written=27500',
    ]);
    expect(bufferOverflowAnalyzer.finds(ctx(NS, [listed, l]))).toEqual([]);
  });

  it('reads a 200,000-character hostile log quickly', () => {
    const hostile = log(NS, POD, [
      overflow(0),
      overflow(1),
      ...Array.from({ length: 50 }, () => `${'a.'.repeat(1995)}=1`),
      ...Array.from({ length: 20 }, () => `buffer ${'queue full '.repeat(360)}`),
    ]);
    expect(hostile.content.length).toBeGreaterThan(200_000);
    expect(timed(() => bufferOverflowAnalyzer.finds(ctx(NS, [listed, hostile])))).toBeLessThan(1500);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('probes: a 5xx while the data volume is short of space', () => {
  const READY_503 = 'Readiness probe failed: HTTP probe failed with statuscode: 503';
  const PROBE = 'http-get :8081/service/rest/v1/status/writable delay=0s timeout=1s period=15s #failure=3';
  const NEXUS =
    "2026-11-23 09:47:31,012+0000 WARN  [qtp1327169773-1187] *SYSTEM org.sonatype.nexus.internal.status.WritableStatusCheck - node is no longer writable: low disk space on blob store 'blob01'";
  const access = '2026-11-23 INFO  [qtp1327169773-902] ci-bot - GET /repository/npm-proxy/react 200';

  it("says the data volume is short of space, quoting Nexus's line, and keeps the probe", () => {
    const r = probeCause('readiness', READY_503, PROBE, [access, NEXUS, access].join('\n'));
    expect(r.cause).toMatch(
      /HTTP 503: it reports itself not ready because the volume it stores its data on is short of space/,
    );
    expect(r.cause).toMatch(/WritableStatusCheck/);
    expect(r.cause).toMatch(/keeps the pod unready \(no endpoints\)/);
    expect(r.advice).toMatch(/grow the volume \(its PersistentVolumeClaim\).*the probe is right/);
    expect(r.specific).toBe(true);
  });

  // Found in review, fixed: the quoted log line is clipped to its first 120 characters, so Nexus's real line is quoted without the words that say the disk is short of space ("… WritableStatusCheck -…"): the quote should keep "low disk space" in view.
  it('keeps the words about space in the quote of a long line', () => {
    const r = probeCause('readiness', READY_503, PROBE, [access, NEXUS, access].join('\n'));
    expect(r.cause).toMatch(/low disk space on blob store/);
  });

  it('knows "No space left on device" and "free disk space is below"', () => {
    for (const line of [
      'ERROR write /data/blobs/0001: no space left on device',
      'WARN free disk space is below the threshold (512MB < 1GB)',
    ])
      expect(probeCause('readiness', READY_503, PROBE, line).cause).toMatch(/short of space/);
  });

  it('leaves a 503 with no word of space to the other branches (a dependency refused)', () => {
    const r = probeCause(
      'readiness',
      READY_503,
      PROBE,
      'ERROR could not connect to postgres.db.svc:5432: connection refused',
    );
    expect(r.cause).not.toMatch(/short of space/);
    expect(r.cause).toMatch(/connection refused/);
  });

  it('does not apply to a 404 or a 401 with a space line', () => {
    const notFound = probeCause(
      'readiness',
      'Readiness probe failed: HTTP probe failed with statuscode: 404',
      PROBE,
      NEXUS,
    );
    expect(notFound.cause).not.toMatch(/short of space/);
    const auth = probeCause(
      'readiness',
      'Readiness probe failed: HTTP probe failed with statuscode: 401',
      PROBE,
      NEXUS,
    );
    expect(auth.cause).not.toMatch(/short of space/);
  });

  it('keeps the Kafka rebalance branch ahead of a space line', () => {
    const r = probeCause(
      'liveness',
      'Liveness probe failed: HTTP probe failed with statuscode: 503',
      'http-get :8080/actuator/health',
      [
        'Health contributor kafka is DOWN',
        'Attempt to heartbeat failed since group is rebalancing; rebalance in progress',
        'WARN disk is almost full',
      ].join('\n'),
    );
    expect(r.cause).toMatch(/rebalancing/);
  });

  it('skips a space line longer than 4000 characters', () => {
    const r = probeCause('readiness', READY_503, PROBE, `${'x'.repeat(4001)} no space left on device`);
    expect(r.cause).not.toMatch(/short of space/);
  });

  // Found in review, fixed: a health check that names another failing dependency loses to an unrelated "disk is almost full" line from another subsystem: the space branch runs before the `down`/`reach` lines and does not tie the space line to the failing check.
  it('quotes the failing health check, not an unrelated subsystem\'s "disk full" line', () => {
    const logs = [
      '2026-11-23 09:40:00 WARN [audit-spooler] local spool disk is almost full (92%), rotating old audit files',
      '2026-11-23 09:47:31 ERROR Health check db failed: could not connect to postgres.db.svc:5432: connection refused',
    ].join('\n');
    const r = probeCause('readiness', READY_503, PROBE, logs);
    expect(r.cause).not.toMatch(/short of space/);
    expect(r.cause).toMatch(/Health check db failed/);
  });

  // Found in review, fixed: "not enough space" matches memory as well as disk: a ring buffer out of room ("not enough space in ring buffer") is said to be the data volume short of space, with advice to grow the PersistentVolumeClaim.
  it('does not take a full in-memory ring buffer for a disk short of space', () => {
    const r = probeCause(
      'readiness',
      READY_503,
      PROBE,
      'WARN event bus: not enough space in ring buffer, event dropped',
    );
    expect(r.advice).not.toMatch(/PersistentVolumeClaim/);
  });

  // Found in review, fixed: the branch is not limited to readiness, but its cause says "it reports itself not ready" for a liveness probe too.
  it('does not say "not ready" of a liveness probe that fails for space', () => {
    const r = probeCause(
      'liveness',
      'Liveness probe failed: HTTP probe failed with statuscode: 500',
      'http-get :8081/service/rest/v1/status',
      'ERROR write /data/blobs/0001: no space left on device',
    );
    expect(r.cause).toMatch(/kills and restarts the container/);
    expect(r.cause).not.toMatch(/not ready/);
  });

  it('scans a 200,000-character hostile log quickly', () => {
    const logs = [
      ...Array.from({ length: 50 }, () => 'disk is almost '.repeat(265)),
      ...Array.from({ length: 50 }, () => 'not enough free '.repeat(249)),
    ].join('\n');
    expect(logs.length).toBeGreaterThan(200_000);
    expect(timed(() => probeCause('readiness', READY_503, PROBE, logs))).toBeLessThan(1500);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('idle-culler: sessions reset for inactivity', () => {
  const NS = 'sso';
  const POD = 'auth-portal-kt2cfnk2s-67879';
  const TASK = 'People keep getting logged out of the log viewer while the live tail is open.';
  const reset = (user: string) =>
    `time="2026-11-28T10:41:12Z" level=warning msg="Session for user '${user}' was reset: inactivity period of 5m0s exceeded (last activity 10:36:09)" method=GET path=/api/authz/forward-auth remote_ip=10.20.4.17`;

  it("says the session's inactivity limit ends them, as configured", () => {
    const notes = idleCullerAnalyzer.notes!(ctx(NS, [log(NS, POD, [reset('mchen'), reset('apatel')])], TASK));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^What ends them is the session's inactivity limit, as configured: auth-portal-kt2cfnk2s-67879's log/,
    );
    expect(notes[0]).toMatch(/\(2 times, e\.g\. "time=/);
    expect(idleCullerAnalyzer.finds(ctx(NS, [log(NS, POD, [reset('a'), reset('b')])], TASK))).toEqual([]);
  });

  it('says nothing for a single reset, or when the person does not say something stopped', () => {
    expect(idleCullerAnalyzer.notes!(ctx(NS, [log(NS, POD, [reset('mchen')])], TASK))).toEqual([]);
    expect(
      idleCullerAnalyzer.notes!(ctx(NS, [log(NS, POD, [reset('a'), reset('b')])], 'Is the portal healthy?')),
    ).toEqual([]);
  });

  it('says nothing for sessions reset for another reason (no word of inactivity)', () => {
    const other = (u: string) =>
      `time="2026-11-28T10:41:12Z" level=warning msg="Session for user '${u}' was reset: session secret was rotated"`;
    expect(idleCullerAnalyzer.notes!(ctx(NS, [log(NS, POD, [other('a'), other('b')])], TASK))).toEqual([]);
  });

  it("keeps JupyterHub's culler note, with its timeout, for servers", () => {
    const lines = [
      '[I 2026-11-20 09:00:00.000 JupyterHub app:2859] Running cull_idle_servers --timeout=3600 --cull-every=600',
      '[I 2026-11-20 10:01:00.000 cull-idle] Culling server for user ana (inactive for 01:04:12)',
      '[I 2026-11-20 10:11:00.000 cull-idle] Culling server for user bo (inactive for 01:10:02)',
    ];
    const [n] = idleCullerAnalyzer.notes!(
      ctx('jhub', [log('jhub', 'hub-0', lines)], 'my notebook server keeps dying'),
    );
    expect(n).toMatch(/^What stops them is the idle culler, by design/);
    expect(n).toMatch(/inactive for longer than 1 hour/);
  });

  // Found in review, fixed: the widened CULLED takes a client's network errors for a culler: Go's "http: server closed idle connection" and "connection reset by peer … idle" lines are said to be sessions ended by design and nothing broken.
  it('says nothing for connections the server closed or reset under a client (a fault, not a culler)', () => {
    const lines = [
      'ERROR upload failed: Post "http://storage.files.svc:9000/bucket": http: server closed idle connection',
      'ERROR upload failed: read tcp 10.244.0.12:40312->10.96.7.7:9000: connection reset by peer (idle keep-alive connection)',
    ];
    expect(
      idleCullerAnalyzer.notes!(ctx('files', [log('files', 'uploader-0', lines)], 'our uploads keep dying')),
    ).toEqual([]);
  });

  // Found in review, fixed: a session reset because the account is inactive (disabled in the directory) is taken for the inactivity period and called "expected, by design".
  it('says nothing for sessions reset because the account is inactive (disabled)', () => {
    const disabled = (u: string) =>
      `time="2026-11-28T10:41:12Z" level=warning msg="Session for user '${u}' was reset: the user account is inactive (disabled in LDAP)"`;
    expect(idleCullerAnalyzer.notes!(ctx(NS, [log(NS, POD, [disabled('a'), disabled('b')])], TASK))).toEqual(
      [],
    );
  });

  it('reads a 200,000-character hostile log quickly', () => {
    const hostile = log(NS, POD, [
      ...Array.from({ length: 50 }, () => 'was reset '.repeat(399)),
      ...Array.from({ length: 50 }, () => `closed ${'x'.repeat(3990)}`),
      ...Array.from(
        { length: 10 },
        () => `--idle-timeout${' '.repeat(3)}=${' '.repeat(3)}'${'9'.repeat(3900)}`,
      ),
    ]);
    expect(hostile.content.length).toBeGreaterThan(200_000);
    expect(timed(() => idleCullerAnalyzer.notes!(ctx(NS, [hostile], TASK)))).toBeLessThan(1500);
  });
});

// ---------------------------------------------------------------------------------------------------
describe("app-errors: a few end users' failed logins are not a fault", () => {
  const NS = 'sso';
  const POD = 'auth-portal-kt2cfnk2s-67879';
  const listed = pods(NS, [[POD, '1/1', 'Running', '0', '9d']]);
  const info = (i: number) =>
    `time="2026-11-28T10:${String(10 + i).padStart(2, '0')}:02Z" level=info msg="Successful 1FA authentication attempt made by user 'u${i}'" method=POST path=/api/firstfactor remote_ip=10.20.9.3`;
  const failed = (u: string, why = 'user not found') =>
    `time="2026-11-28T10:55:03Z" level=error msg="Unsuccessful 1FA authentication attempt by user '${u}'" error="${why}" method=POST path=/api/firstfactor remote_ip=10.20.9.3`;
  const finds = (lines: string[]) => appErrorsAnalyzer.finds(ctx(NS, [listed, log(NS, POD, lines)]));

  it("finds nothing for one user's failed 1FA attempt among successes", () => {
    expect(finds([info(1), info(2), failed('jdoe'), info(3)])).toEqual([]);
  });

  it('finds nothing for three failed attempts (wrong passwords, unknown users)', () => {
    expect(
      finds([info(1), failed('jdoe'), failed('ana', 'invalid credentials'), failed('bo'), info(2)]),
    ).toEqual([]);
    expect(
      finds([
        info(1),
        'level=error msg="Failed login attempt for user alice from 10.0.0.4"',
        'ERROR Failed sign-in attempt for bob',
        info(2),
      ]),
    ).toEqual([]);
  });

  it('still finds more than three failed attempts', () => {
    expect(finds([info(1), failed('a'), failed('b'), failed('c'), failed('d')])).toHaveLength(1);
  });

  it('still finds a failed login beside another failure', () => {
    expect(
      finds([
        info(1),
        failed('jdoe'),
        'time="2026-11-28T10:56:00Z" level=error msg="storage: database is locked"',
      ]),
    ).toHaveLength(1);
  });

  it("still finds the program's own database login failing (password authentication failed for user)", () => {
    expect(
      finds([
        info(1),
        '2026-11-28 10:55:03 ERROR sqlalchemy: (psycopg2.OperationalError) FATAL:  password authentication failed for user "crm_sync"',
        '2026-11-28 10:56:03 ERROR sqlalchemy: (psycopg2.OperationalError) FATAL:  password authentication failed for user "crm_sync"',
      ]),
    ).toHaveLength(1);
  });

  it('does not take a "failed login" of another shape (Login failed for user) for an end user\'s attempt', () => {
    expect(finds([info(1), "ERROR Login failed for user 'sa'. Reason: Password did not match"])).toHaveLength(
      1,
    );
  });

  // Found in review, fixed: a program's own failed login to its database is dropped when the line says "failed login attempt": USER_LOGIN_FAILED does not tell an end user's attempt from the service's own credentials, which IS the incident.
  it('still finds the service\'s own "failed login attempt" to its database', () => {
    expect(
      finds([
        info(1),
        'ERROR db: failed login attempt to postgres-main.db.svc:5432 as service user "crm_sync": password authentication failed',
        'ERROR db: failed login attempt to postgres-main.db.svc:5432 as service user "crm_sync": password authentication failed',
      ]),
    ).toHaveLength(1);
  });

  // Found in review, fixed: every login failing because the portal cannot reach its user directory is dropped as "end users' failed attempts": the error names a refused connection, a fault of the program's backend, not a wrong password.
  it('still finds failed attempts whose error is the user directory refusing connections', () => {
    const down = (u: string) =>
      failed(u, 'unable to connect to LDAP server: dial tcp 10.96.3.3:636: connect: connection refused');
    expect(finds([info(1), down('jdoe'), down('ana')])).toHaveLength(1);
  });
});
