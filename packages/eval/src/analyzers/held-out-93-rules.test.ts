import { describe, expect, it } from 'vitest';
import { configNotPassedAnalyzer } from './config-not-passed.js';
import { hostNamespaceAnalyzer } from './host-namespace.js';
import { httpsProxyMissingAnalyzer } from './https-proxy-missing.js';
import { passedOver } from './log-glosses.js';
import { ctx, describedPodText, log, observed, table } from './observed.fixture.js';
import { podLocalFileAnalyzer } from './pod-local-file.js';
import { saTokenMissingAnalyzer } from './sa-token-missing.js';
import { twinControllersAnalyzer } from './twin-controllers.js';
import { upstreamServiceGoneAnalyzer } from './upstream-service-gone.js';

// Rules written for set 93's misses (and set 91's Dagster), each general, each with its table here; the
// worlds' answers are in held-out-answers.test.ts.

/**
 * A described pod with mounts (`/path from volume (rw[,path="key"])`) in its container, its volumes' types,
 * a Last State when it restarted, and its ReplicaSet when `owner` names the Deployment.
 */
function podWith(
  ns: string,
  name: string,
  opts: {
    env?: Record<string, string>;
    args?: string;
    mounts?: string[];
    volumes?: [string, string, string][];
    lastState?: boolean;
    owner?: string;
  } = {},
) {
  const text = describedPodText({
    ns,
    name,
    container: 'app',
    env: opts.env ?? {},
    ...(opts.args ? { args: opts.args } : {}),
  });
  const head = text.slice(0, text.indexOf('Conditions:'));
  const mounts = opts.mounts?.length
    ? `    Mounts:\n${opts.mounts.map((m) => `      ${m}`).join('\n')}\n`
    : '';
  const volumes = `Volumes:\n${(opts.volumes ?? []).map(([v, type, src]) => `  ${v}:\n    Type:     ${type} (a volume)\n    Name:     ${src}`).join('\n')}\n`;
  const owned = opts.owner
    ? head.replace(
        'Status:',
        `Controlled By:    ReplicaSet/${name.split('-').slice(0, -1).join('-')}\nStatus:`,
      )
    : head;
  const restarted = opts.lastState
    ? owned.replace(
        '    State:          Running\n',
        '    State:          Running\n    Last State:     Terminated\n',
      )
    : owned;
  return observed(
    'describe_pod',
    { namespace: ns, name },
    `${restarted}${mounts}Conditions:\n  Type              Status\n  Ready             True\n${volumes}QoS Class:        Burstable\nEvents:  <none>`,
  );
}

describe('pod-local-file: a file one pod wrote, another cannot find', () => {
  const writer = log('etl', 'run-a-x1', [
    '06:13:31 build_report - Writing file at: /opt/app/storage/r1/build_report/result using FilesystemIOManager...',
  ]);
  const reader = log('etl', 'run-b-y2', [
    "FileNotFoundError: [Errno 2] No such file or directory: '/opt/app/storage/r1/build_report/result'",
  ]);

  it.each([
    ['no volume at that path', [], [], true],
    [
      'a ConfigMap mounted elsewhere',
      ['/opt/app/config.yaml from cfg (rw,path="config.yaml")'],
      [['cfg', 'ConfigMap', 'app']],
      true,
    ],
    [
      'a claim mounted over the path',
      ['/opt/app/storage from data (rw)'],
      [['data', 'PersistentVolumeClaim', 'shared']],
      false,
    ],
  ] as const)('%s', (_, mounts, volumes, fires) => {
    const d = podWith('etl', 'run-b-y2', {
      mounts: [...mounts],
      volumes: volumes.map((v) => [...v] as [string, string, string]),
    });
    const f = podLocalFileAnalyzer.finds(ctx('etl', [writer, reader, d]));
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain('written by another pod, run-a-x1');
      expect(f[0]!.cause).toContain('/opt/app/storage/r1/build_report/result');
      expect(f[0]!.cause).toContain('not persisted beyond that pod');
    }
  });

  it("asks for the reader's description first", () => {
    expect(podLocalFileAnalyzer.reads(ctx('etl', [writer, reader]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'etl', name: 'run-b-y2' } },
    ]);
  });

  it('a file only the same pod names is not this', () => {
    const own = log('etl', 'run-b-y2', [
      'Writing file at: /opt/app/storage/r1/x',
      "FileNotFoundError: [Errno 2] No such file or directory: '/opt/app/storage/r1/x'",
    ]);
    expect(podLocalFileAnalyzer.finds(ctx('etl', [own, podWith('etl', 'run-b-y2')]))).toEqual([]);
  });
});

describe('config-not-passed: the program loads another config file than the mounted one', () => {
  const logs = (line: string) => log('gw', 'proxy-abc12-x1y2z', ['INFO: starting', line]);
  const d = (args?: string) =>
    podWith('gw', 'proxy-abc12-x1y2z', {
      mounts: ['/app/config.yaml from config (rw,path="config.yaml")'],
      volumes: [['config', 'ConfigMap', 'proxy-config']],
      ...(args ? { args } : {}),
    });

  it.each([
    ['the image default, relative', 'Loading config from ./proxy_server_config.yaml', undefined, true],
    ['the mounted file itself', 'Loading config from /app/config.yaml', undefined, false],
    [
      'the mounted file, relative to the working directory',
      'Loading config from ./config.yaml',
      undefined,
      false,
    ],
    ['Viper words', 'Using config file: /etc/proxy/default.yaml', undefined, true],
    [
      'args that pass the mounted file',
      'Loading config from ./proxy_server_config.yaml',
      '--config /app/config.yaml',
      false,
    ],
  ])('%s', (_, line, args, fires) => {
    const f = configNotPassedAnalyzer.finds(ctx('gw', [logs(line), d(args)]));
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain(
        'not the config file mounted from ConfigMap proxy-config at /app/config.yaml',
      );
      expect(f[0]!.cause).toContain('never passed');
    }
  });

  it("searches a cut log's start when the pod mounts a config file", () => {
    const cut = log('gw', 'proxy-abc12-x1y2z', [
      '[output cut: showing the last 8000 of 90000 characters; use tail]',
      'GET /health 200',
    ]);
    expect(configNotPassedAnalyzer.reads(ctx('gw', [cut, d()]))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'gw',
          name: 'proxy-abc12-x1y2z',
          pattern: 'config from|config file|configuration file|loading config|loaded config',
          context: 0,
          maxMatches: 5,
        },
      },
    ]);
  });
});

const services = (ns: string, names: [string, string][]) =>
  observed(
    'list_services',
    { namespace: ns },
    table([['NAME', 'TYPE', 'AGE'], ...names.map(([n, age]) => [n, 'ClusterIP', age])]),
  );

describe('host-namespace: a Service named in a namespace it is not in', () => {
  const d = podWith('graphdb', 'kg-replica-m864vxc57-68zkj', {
    env: { DISCOVERY_MEMBERS: 'kg-core.default.svc.cluster.local:5000' },
    lastState: true,
    owner: 'kg-replica',
  });
  const l = log('graphdb', 'kg-replica-m864vxc57-68zkj', [
    "INFO  Resolved initial host 'kg-core.default.svc.cluster.local:5000' to []",
  ]);

  it('names the namespace the Service is in and fixes the value', () => {
    const f = hostNamespaceAnalyzer.finds(ctx('graphdb', [d, l, services('graphdb', [['kg-core', '140d']])]));
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('the kg-core Service is in graphdb, not default');
    expect(f[0]!.fix?.args['set']).toEqual([
      { name: 'DISCOVERY_MEMBERS', value: 'kg-core.graphdb.svc.cluster.local:5000' },
    ]);
  });

  it('lists the Services before concluding', () => {
    expect(hostNamespaceAnalyzer.reads(ctx('graphdb', [d, l]))).toEqual([
      { tool: 'list_services', args: { namespace: 'graphdb' } },
    ]);
  });

  it('not when no Service of that name is here, nor when the name resolves', () => {
    expect(
      hostNamespaceAnalyzer.finds(ctx('graphdb', [d, l, services('graphdb', [['other', '1d']])])),
    ).toEqual([]);
    const fine = log('graphdb', 'kg-replica-m864vxc57-68zkj', [
      "Resolved initial host 'kg-core.default.svc.cluster.local:5000' to [10.0.0.1:5000]",
    ]);
    expect(
      hostNamespaceAnalyzer.finds(ctx('graphdb', [d, fine, services('graphdb', [['kg-core', '1d']])])),
    ).toEqual([]);
  });
});

describe('upstream-service-gone: a name that is no Service of the namespace', () => {
  const l = (line: string) => log('netops', 'netbox-nginx-mgnvlncxwn-gfw2b', [line], { previous: true });
  const svc = services('netops', [
    ['netbox-nginx', '412d'],
    ['netbox-redis', '412d'],
    ['netbox-web', '7d22h'],
  ]);

  it.each([
    ['nginx', 'nginx: [emerg] host not found in upstream "netbox" in /etc/nginx/nginx.conf:21', true],
    ['Go', 'dial tcp: lookup netbox on 10.96.0.10:53: no such host', true],
    ['Node', 'Error: getaddrinfo ENOTFOUND netbox', true],
    ['a Service that exists', 'host not found in upstream "netbox-web"', false],
    ['an external name', 'dial tcp: lookup api.example.com on 10.96.0.10:53: no such host', false],
  ])('%s', (_, line, fires) => {
    const f = upstreamServiceGoneAnalyzer.finds(ctx('netops', [l(line), svc]));
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain('no Service named netbox exists in netops');
      expect(f[0]!.cause).toContain('netbox-web, created 7d22h ago');
      expect(f[0]!.cause).not.toContain('netbox-nginx, created');
    }
  });
});

describe('https-proxy-missing: HTTP_PROXY without HTTPS_PROXY', () => {
  const timeout = log('gw', 'auth-abc12-x1y2z', [
    '{"level":"fatal","error":"Get \\"https://accounts.google.com/.well-known/openid-configuration\\": dial tcp 142.250.102.84:443: i/o timeout"}',
  ]);
  const d = (env: Record<string, string>) => podWith('gw', 'auth-abc12-x1y2z', { env, lastState: true });

  it.each([
    ['HTTP_PROXY only', { HTTP_PROXY: 'http://proxy.egress:3128' }, true],
    ['both set', { HTTP_PROXY: 'http://proxy.egress:3128', HTTPS_PROXY: 'http://proxy.egress:3128' }, false],
    ['neither', { NO_PROXY: '.svc' }, false],
  ])('%s', (_, env, fires) => {
    const f = httpsProxyMissingAnalyzer.finds(ctx('gw', [timeout, d(env)]));
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0]!.cause).toContain('sets HTTP_PROXY (http://proxy.egress:3128) but no HTTPS_PROXY');
  });

  it("a timeout through the proxy is the proxy's trouble", () => {
    const via = log('gw', 'auth-abc12-x1y2z', [
      'Get "https://x.example/": proxyconnect tcp: dial tcp: i/o timeout',
    ]);
    expect(httpsProxyMissingAnalyzer.finds(ctx('gw', [via, d({ HTTP_PROXY: 'http://p:3128' })]))).toEqual([]);
  });
});

describe('sa-token-missing: no service account token in the pod', () => {
  it('names automountServiceAccountToken and the revision that set it', () => {
    const l = log('tp', 'teleport-5frprhl2pm-74wgr', [
      'ERRO open /var/run/secrets/kubernetes.io/serviceaccount/ca.crt: no such file or directory',
    ]);
    const d = observed(
      'describe_pod',
      { namespace: 'tp', name: 'teleport-5frprhl2pm-74wgr' },
      'Name: teleport-5frprhl2pm-74wgr\nControlled By:    ReplicaSet/teleport-5frprhl2pm\n',
    );
    expect(saTokenMissingAnalyzer.reads(ctx('tp', [l, d]))).toEqual([
      { tool: 'get_rollout_history', args: { namespace: 'tp', name: 'teleport' } },
    ]);
    const h = observed(
      'get_rollout_history',
      { namespace: 'tp', name: 'teleport' },
      table([
        ['REVISION', 'CHANGE-CAUSE'],
        ['1', 'install'],
        ['2 (current)', 'SEC-1 hardening: automountServiceAccountToken=false'],
      ]),
    );
    const f = saTokenMissingAnalyzer.finds(ctx('tp', [l, d, h]));
    expect(f[0]!.cause).toContain('unless automountServiceAccountToken is false');
    expect(f[0]!.cause).toContain('SEC-1 hardening');
    expect(f[0]!.advice).toContain('back on');
  });

  it('a token the program read is not this', () => {
    const l = log('tp', 'x', ['loaded /var/run/secrets/kubernetes.io/serviceaccount/token']);
    expect(saTokenMissingAnalyzer.finds(ctx('tp', [l]))).toEqual([]);
  });
});

describe('twin-controllers: one controller installed twice', () => {
  const deps = observed(
    'list_deployments',
    { namespace: 'ss' },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ['sealed-secrets', '1/1', '1', '1', '2d', 'bitnami/sealed-secrets-controller:0.27.1'],
      ['sealed-secrets-controller', '1/1', '1', '1', '2d', 'bitnami/sealed-secrets-controller:0.27.1'],
    ]),
  );
  const podList = observed(
    'list_pods',
    { namespace: 'ss' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['sealed-secrets-7dq7xjnmvw-dscj2', '1/1', 'Running', '0', '2d'],
      ['sealed-secrets-controller-pct5q6hfm-ncvnh', '1/1', 'Running', '0', '2d'],
    ]),
  );
  const d = (name: string, args: string) => podWith('ss', name, { args });
  const a = log('ss', 'sealed-secrets-7dq7xjnmvw-dscj2', [
    'New key written to ss/sealed-secrets-key5xk2p',
    'Updating billing/ledger-db',
    'Error updating billing/ledger-db, giving up: no key could decrypt secret (DATABASE_URL)',
  ]);
  const b = log('ss', 'sealed-secrets-controller-pct5q6hfm-ncvnh', [
    'New key written to ss/sealed-secrets-keyq9m4d',
    'Updating billing/ledger-db',
  ]);

  it('reads both descriptions, then both logs when they run alike', () => {
    expect(twinControllersAnalyzer.reads(ctx('billing', [deps, podList]))).toHaveLength(2);
    const described = [
      d('sealed-secrets-7dq7xjnmvw-dscj2', '--a'),
      d('sealed-secrets-controller-pct5q6hfm-ncvnh', '--a'),
    ];
    expect(twinControllersAnalyzer.reads(ctx('billing', [deps, podList, ...described]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'ss', name: 'sealed-secrets-7dq7xjnmvw-dscj2' } },
      { tool: 'get_pod_logs', args: { namespace: 'ss', name: 'sealed-secrets-controller-pct5q6hfm-ncvnh' } },
    ]);
    const unlike = [
      d('sealed-secrets-7dq7xjnmvw-dscj2', '--a'),
      d('sealed-secrets-controller-pct5q6hfm-ncvnh', '--b'),
    ];
    expect(twinControllersAnalyzer.reads(ctx('billing', [deps, podList, ...unlike]))).toEqual([]);
  });

  it.each([
    ['same args', '--update-status', true],
    ['different args (a web server and its worker)', '--worker', false],
  ])('%s', (_, argsB, fires) => {
    const f = twinControllersAnalyzer.finds(
      ctx('billing', [
        deps,
        podList,
        d('sealed-secrets-7dq7xjnmvw-dscj2', '--update-status'),
        d('sealed-secrets-controller-pct5q6hfm-ncvnh', argsB),
        a,
        b,
      ]),
    );
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain('the controller is installed twice');
      expect(f[0]!.cause).toContain('each generated its own key');
    }
  });
});

describe('passedOver: a glossed warning the program got past', () => {
  const warn =
    '[2026-12-15T10:39:20,118][WARN ][o.o.b.BootstrapChecks    ] [os] max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]';
  it.each([
    ['the node started after it', [warn, '[2026-12-15T10:39:24,902][INFO ][o.o.n.Node] [os] started'], true],
    ['the cluster turned green', [warn, 'Cluster health status changed from [YELLOW] to [GREEN]'], true],
    ['the node stopped', [warn, 'ERROR: [1] bootstrap checks failed', 'stopping ...'], false],
  ])('%s', (_, lines, passed) => {
    expect(passedOver(lines.join('\n'), warn)).toBe(passed);
  });
});
