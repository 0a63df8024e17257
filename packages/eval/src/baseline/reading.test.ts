import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import {
  ageSeconds,
  configError,
  dependencyDown,
  dependencyHosts,
  dependencyNamespace,
  isParseError,
  isUnhealthy,
  lastFinishedAgo,
  loopbackSetting,
  memoryLimit,
  missingEnvLine,
  mountedConfigMap,
  podRows,
  resourceLimit,
  serviceMissing,
  unavailableDependencyReads,
  withContinuation,
} from './reading.js';

describe('isParseError: structured-file parser errors as the libraries print them', () => {
  it.each([
    [
      'json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 9 column 3 (char 214)',
    ],
    ['yaml.scanner.ScannerError: mapping values are not allowed here'],
    ['SyntaxError: Unexpected token } in JSON at position 214'],
    ['SyntaxError: Expected double-quoted property name in JSON at position 214 (line 9 column 3)'],
    [`SyntaxError: Unexpected token 'x', "x" is not valid JSON`],
    ["invalid character '}' looking for beginning of object key string"],
    ['yaml: line 9: did not find expected key'],
    ['com.fasterxml.jackson.core.JsonParseException: Unexpected character'],
    ['trailing comma at line 9 column 3'],
    ['TOML parse error at line 4, column 1'],
  ])('%s', (line) => expect(isParseError(line)).toBe(true));
  it.each([['connection refused'], ['Error: Cannot find module express']])('not %s', (line) =>
    expect(isParseError(line)).toBe(false),
  );
});

const body = `    Image:          x
    Mounts:
      /etc/price-indexer from settings (rw)
      /var/run/secrets from token (ro)`;
const pod = `Name: p
Volumes:
  token:
    Type:     Secret (a volume populated by a Secret)
    SecretName: t
  settings:
    Type:     ConfigMap (a volume populated by a ConfigMap)
    Name:     price-indexer-settings
    Optional: false
`;

describe('configError', () => {
  it('finds the file in an earlier log line and the ConfigMap mounted at its directory', () => {
    const log =
      'INFO loading /etc/price-indexer/settings.json\nTraceback\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)';
    expect(configError(log.split('\n')[2], body, pod, log)).toEqual({
      file: '/etc/price-indexer/settings.json',
      map: 'price-indexer-settings',
    });
  });
  it('is not a config error for a parse error tied to no file nor ConfigMap', () => {
    expect(configError('SyntaxError: Unexpected end of JSON input', 'Image: x', 'Name: p')).toBeUndefined();
  });
  it('maps a file to the mount whose path prefixes it', () => {
    expect(mountedConfigMap('/etc/price-indexer/a/b.yaml', body, pod)).toBe('price-indexer-settings');
    expect(mountedConfigMap('/etc/other.yaml', body, pod)).toBeUndefined();
  });
});

describe('dependency hosts and namespaces', () => {
  it.each([
    [
      'connecting to amqp://orders:secret@rabbitmq.messaging.svc.cluster.local:5672/orders',
      'rabbitmq',
      'messaging',
    ],
    ['dial tcp redis.cache.svc:6379: connect: connection refused', 'redis', 'cache'],
    ['connect to postgres://app@orders-db:5432/orders failed', 'orders-db', undefined],
    ['url=mongodb://mongo.data.svc.cluster.local:27017', 'mongo', 'data'],
    [
      // pgx: the address, then the host it resolved.
      'failed to connect to `user=invoice database=invoices`: 10.96.41.7:5433 (billing-pg.data.svc.cluster.local): dial error: dial tcp 10.96.41.7:5433: i/o timeout',
      'billing-pg',
      'data',
    ],
  ])('%s', (line, host, ns) => {
    expect(dependencyHosts(line)).toContain(host);
    expect(dependencyNamespace(line, host)).toBe(ns);
  });

  it("a StatefulSet member's name under its headless Service counts as the Service, once", () => {
    const log = [
      'lookup for host "nats-1.nats.messaging.svc.cluster.local": lookup nats-1.nats.messaging.svc.cluster.local on 10.96.0.10:53: no such host',
      'lookup nats-2.nats.messaging.svc.cluster.local on 10.96.0.10:53: no such host',
      'dial tcp web-2.frontend:8080: connect: connection refused',
    ].join('\n');
    expect(dependencyHosts(log)).toEqual(['nats', 'web-2']);
  });
});

const svc = (endpoints: string) => `Name:              rabbitmq
Namespace:         messaging
Selector:          app=rabbitmq
Endpoints:         ${endpoints}
`;
const dep = (desired: number, available: number) => `Name:                   rabbitmq
Replicas:               ${desired} desired | ${desired} updated | ${desired} total | ${available} available | 0 unavailable
Events:
  Type     Reason              Age   From                    Message
  Normal   ScalingReplicaSet   58m   deployment-controller   Scaled down replica set rabbitmq-5f7d9c8b6 to 0 from 1
`;
const obs = (endpoints: string, deployment?: string): SeenObservation[] => [
  {
    step: 1,
    tool: 'describe_service',
    args: { namespace: 'messaging', name: 'rabbitmq' },
    status: 'ok',
    content: svc(endpoints),
  },
  ...(deployment
    ? [
        {
          step: 2,
          tool: 'describe_deployment',
          args: { namespace: 'messaging', name: 'rabbitmq' },
          status: 'ok' as const,
          content: deployment,
        },
      ]
    : []),
];

describe('dependencyDown', () => {
  it('names a deployment scaled to zero behind a service without endpoints', () => {
    const d = dependencyDown('rabbitmq', 'messaging', obs('<none>', dep(0, 0)));
    expect(d?.deployment).toBe('rabbitmq');
    expect(d?.text).toMatch(/scaled to zero .*Scaled down replica set rabbitmq-5f7d9c8b6 to 0/);
  });
  it('says a service has no endpoints when its deployment was not read', () => {
    expect(dependencyDown('rabbitmq', 'messaging', obs('<none>'))?.text).toMatch(/has no endpoints/);
  });
  it('says nothing when the service has endpoints', () => {
    expect(dependencyDown('rabbitmq', 'messaging', obs('10.244.0.9:5672', dep(1, 1)))).toBeUndefined();
  });
});

describe('restarts long past', () => {
  const rows = (restarts: string) =>
    podRows(
      [
        {
          step: 1,
          tool: 'list_pods',
          args: { namespace: 'n' },
          status: 'ok',
          content: `NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   ${restarts}   5d`,
        },
      ],
      'n',
    );
  it.each([
    ['9 (46h ago)', false],
    ['9 (2d3h ago)', false],
    ['9 (5m ago)', true],
    ['9 (11h ago)', true],
    ['9', true],
  ])('%s unhealthy: %s', (restarts, unhealthy) => expect(isUnhealthy(rows(restarts)[0]!)).toBe(unhealthy));
  it('reads ages and Finished times', () => {
    expect(ageSeconds('2d3h')).toBe(183600);
    expect(ageSeconds('46h')).toBe(165600);
    expect(ageSeconds('x46h')).toBeUndefined();
    expect(
      lastFinishedAgo(`    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Finished:     2026-12-07T11:02:08Z (46h ago)
    Ready:          True`),
    ).toBe(165600);
  });
});

describe('missingEnvLine: an unset variable as runtimes report it', () => {
  it.each([
    [
      'Python os.environ',
      [
        'Traceback (most recent call last):',
        "    DB = os.environ['DATABASE_URL']",
        '  File "<frozen os>", line 714, in __getitem__',
        "KeyError: 'DATABASE_URL'",
      ],
      'DATABASE_URL',
    ],
    [
      'pydantic-settings',
      [
        'pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings',
        'database_url',
        '  Field required [type=missing, input_value={}, input_type=dict]',
      ],
      'DATABASE_URL',
    ],
    [
      'Rust std::env::var',
      [
        "thread 'main' panicked at src/main.rs:12:45:",
        'called `Result::unwrap()` on an `Err` value: NotPresent',
      ],
      undefined,
    ],
    [
      "Ruby's ENV.fetch",
      [
        'bundler: failed to load command: sidekiq (/usr/local/bundle/bin/sidekiq)',
        '/app/config/initializers/stripe.rb:3:in `fetch\': key not found: "STRIPE_API_KEY" (KeyError)',
      ],
      'STRIPE_API_KEY',
    ],
  ])('%s', (_, lines, name) => {
    const m = missingEnvLine(lines.join('\n'));
    expect(m).toBeDefined();
    expect(m?.name).toBe(name);
  });
  it('does not take any KeyError for a variable', () => {
    expect(
      missingEnvLine('Traceback (most recent call last):\n  File "/app/x.py", line 3\nKeyError: \'user_id\''),
    ).toBeUndefined();
    // Ruby's Hash#fetch on data (a lower-case key) is not the environment.
    expect(missingEnvLine('app.rb:9:in `fetch\': key not found: "user_id" (KeyError)')).toBeUndefined();
  });
});

describe('serviceMissing', () => {
  const seen = (services: string): SeenObservation[] => [
    {
      step: 1,
      tool: 'describe_service',
      args: { namespace: 'data', name: 'cache-redis-master' },
      status: 'error',
      content: 'services "cache-redis-master" not found',
    },
    {
      step: 2,
      tool: 'list_services',
      args: { namespace: 'data' },
      status: 'ok',
      content: `NAME   TYPE   CLUSTER-IP\n${services}`,
    },
  ];
  it("names the namespace's Services that share a word with the missing name", () => {
    expect(
      serviceMissing(
        'cache-redis-master',
        'data',
        seen('redis-shared-master   ClusterIP   10.96.0.9\npostgres   ClusterIP   10.96.0.8'),
      ),
    ).toBe(
      'service cache-redis-master does not exist in namespace data; the services with a similar name that do exist: redis-shared-master (namespace data)',
    );
    expect(serviceMissing('cache-redis-master', 'data', seen('postgres   ClusterIP   10.96.0.8'))).toBe(
      'service cache-redis-master does not exist in namespace data',
    );
  });
});

describe('withContinuation: an error across lines', () => {
  it.each([
    [
      // A TOML parser's excerpt: the gutter lines are skipped, the message after them read.
      [
        'failed to load /etc/gw.toml: TOML parse error at line 9, column 1',
        '  |',
        '9 | [upstream]',
        '  | ^^^^^^^^^^',
        'missing field `upstream_timeout_ms`',
        'next line',
      ],
      'failed to load /etc/gw.toml: TOML parse error at line 9, column 1 missing field `upstream_timeout_ms`',
    ],
    // Without a parse error, a line starting with "|" is not skipped (two more lines at most).
    [['error: bad', '  | x', 'plain'], 'error: bad | x'],
    [['panicked at src/main.rs:5:1:', 'boom', 'after'], 'panicked at src/main.rs:5:1: boom'],
    // Java stack frames between an exception and its cause are skipped, and the cause read.
    [
      [
        'java.lang.IllegalStateException: cannot load provider com.acme.Rates',
        '\tat com.acme.Config.provider(Config.java:47)',
        '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
        '\t... 18 common frames omitted',
        'Caused by: java.lang.ClassNotFoundException: com.acme.Rates',
        '\tat java.base/java.lang.Class.forName(Class.java:421)',
        'INFO shutting down',
      ],
      'java.lang.IllegalStateException: cannot load provider com.acme.Rates Caused by: java.lang.ClassNotFoundException: com.acme.Rates',
    ],
  ])('%j', (lines, out) => expect(withContinuation(lines, 0)).toBe(out));

  it('shortens a long exception before its cause, so a clipped quote keeps the cause', () => {
    const long = `org.example.BeanCreationException: Error creating bean 'rates': ${'x'.repeat(300)}`;
    const out = withContinuation([long, 'Caused by: java.lang.ClassNotFoundException: com.acme.Rates'], 0);
    expect(out.length).toBeLessThanOrEqual(200 + 1 + 60);
    expect(out).toMatch(
      /^org\.example\.BeanCreationException: Error creating bean 'rates': x+ … Caused by: java\.lang\.ClassNotFoundException: com\.acme\.Rates$/,
    );
  });
});

describe('a dependency with no available pods: what to read, and a loopback-only bind in its configuration', () => {
  const o = (tool: string, args: Record<string, unknown>, content: string): SeenObservation => ({
    step: 1,
    tool,
    args,
    status: 'ok',
    content,
  });
  const dep = o(
    'describe_deployment',
    { namespace: 'cache', name: 'redis' },
    'Name: redis\nReplicas:               1 desired | 1 updated | 1 total | 0 available | 1 unavailable\n',
  );
  const pods = o(
    'list_pods',
    { namespace: 'cache' },
    'NAME                    READY   STATUS    RESTARTS   AGE\nredis-224rz7fb2-lpd7d   0/1     Running   0          2h',
  );
  const pod = o(
    'describe_pod',
    { namespace: 'cache', name: 'redis-224rz7fb2-lpd7d' },
    'Name: redis-224rz7fb2-lpd7d\nVolumes:\n  conf:\n    Type:     ConfigMap (a volume populated by a ConfigMap)\n    Name:     redis-conf\nEvents:\n  Warning   Unhealthy   0s (x9 over 2m)   kubelet   Readiness probe failed: dial tcp 10.244.0.12:6379: connect: connection refused',
  );
  const conf = (text: string) =>
    o(
      'describe_resource',
      { kind: 'ConfigMap', namespace: 'cache', name: 'redis-conf' },
      `Data\n====\nredis.conf:\n----\n${text}\n`,
    );
  it('reads its namespace, one of its pods and the ConfigMaps that pod mounts, in that order', () => {
    expect(unavailableDependencyReads([dep], 'cache', 'redis')).toEqual([
      { tool: 'list_pods', args: { namespace: 'cache' } },
    ]);
    expect(unavailableDependencyReads([dep, pods, pod], 'cache', 'redis').map((r) => r.tool)).toEqual([
      'list_pods',
      'describe_pod',
      'get_pod_logs',
      'describe_resource',
    ]);
  });
  it.each([
    ['bind 127.0.0.1 -::1', true],
    ["listen_addresses = 'localhost'", true],
    ['bind-address = 127.0.0.1', true],
    ['  bindIp: 127.0.0.1', true],
    ['bind 0.0.0.0', false],
    ['# bind 127.0.0.1', false],
  ])('%s', (line, loop) => {
    expect(loopbackSetting([conf(line)], 'cache', pod.content) !== undefined).toBe(loop);
  });
  it('says why the dependency is down', () => {
    const down = dependencyDown('redis', 'cache', [
      o(
        'describe_service',
        { namespace: 'cache', name: 'redis' },
        'Name: redis\nSelector: app=redis\nEndpoints: <none>\n',
      ),
      dep,
      pod,
      conf('bind 127.0.0.1 -::1'),
    ]);
    expect(down?.text).toMatch(/binds it to the loopback interface \(127\.0\.0\.1\) only/);
  });
});

describe('resourceLimit', () => {
  const body = (limits: string) =>
    `    Image:          acme/api:1\n${limits}    Requests:\n      cpu:     250m\n      memory:  256Mi\n    Environment:    <none>\n`;
  it.each([
    ['    Limits:\n      cpu:     2\n      memory:  1Gi\n', 'memory', '1Gi'],
    ['    Limits:\n      cpu:     2\n      memory:  1Gi\n', 'cpu', '2'],
    ['    Limits:\n      hugepages-2Mi:  128Mi\n      memory:         1Gi\n', 'memory', '1Gi'],
    // A limit on CPU alone: the memory request below is no memory limit.
    ['    Limits:\n      cpu:     2\n', 'memory', undefined],
    ['', 'memory', undefined],
  ])('%j %s', (limits, resource, want) => {
    expect(resourceLimit(body(limits), resource)).toBe(want);
    if (resource === 'memory') expect(memoryLimit(body(limits))).toBe(want);
  });
});
