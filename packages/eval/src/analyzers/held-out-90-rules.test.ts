// Table tests of the general rules written after held-out set 90's first contact.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dependencySideAnalyzer } from './dependency-side.js';
import { glossOf } from './log-glosses.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { sessionAffinityAnalyzer } from './session-affinity.js';

describe('a session request that reached another replica', () => {
  const ns = 'lakehouse';
  const podList = observed(
    'list_pods',
    { namespace: ns },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      ['query-7c9d8b6f5-bhx6n', '1/1', 'Running', '0', '2d', '10.244.0.13', 'pool-2'],
      ['query-7c9d8b6f5-l2cqt', '1/1', 'Running', '1 (3d ago)', '12d', '10.244.0.12', 'pool-1'],
      ['meta-0', '1/1', 'Running', '0', '12d', '10.244.0.18', 'pool-1'],
    ]),
  );
  const services = (endpoints: string) =>
    observed(
      'list_services',
      { namespace: ns },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
        ['meta', 'ClusterIP', '10.96.90.100', '9191/TCP', 'app=meta', '10.244.0.18:9191', '41d'],
        ['query', 'ClusterIP', '10.96.88.40', '8000/TCP', 'app=query', endpoints, '41d'],
      ]),
    );
  const two = services('10.244.0.13:8000,10.244.0.13:3307,10.244.0.12:8000,10.244.0.12:3307');
  const service = (affinity: string) =>
    observed(
      'get_resource',
      { kind: 'Service', name: 'query', namespace: ns },
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: query',
        `  namespace: ${ns}`,
        '  uid: 5018ccea',
        'spec:',
        '  clusterIP: 10.96.88.40',
        '  ports:',
        '    - port: 8000',
        '  selector:',
        '    app: query',
        `  sessionAffinity: ${affinity}`,
      ].join('\n'),
    );
  const routed =
    '2026-03-01T02:01:06.232Z WARN http_query_handlers: GET /v1/query/262be77c/page/1 404 route error: query 262be77c SHOULD be on server q7Hn, but current server is Vt3s, which started at 2026-02-28T15:02:09Z';
  const serverLog = log(ns, 'query-7c9d8b6f5-bhx6n', ['INFO Ready for connections.', routed, routed]);

  it('reads the Services, then the one whose endpoints include the refusing pod', () => {
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog]))).toEqual([
      { tool: 'list_pods', args: { namespace: ns } },
      { tool: 'list_services', args: { namespace: ns } },
    ]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog, podList, two]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Service', name: 'query', namespace: ns } },
    ]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog, podList, two, service('None')]))).toEqual([]);
  });

  it('names the Service and applies it back with sessionAffinity ClientIP', () => {
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, two, service('None')]));
    expect(f?.object).toBe('service query');
    expect(f?.cause).toContain('over its 2 pods (sessionAffinity None)');
    expect(f?.cause).toContain('SHOULD be on server q7Hn');
    expect(f?.cause).toContain('2 times in the log of query-7c9d8b6f5-bhx6n');
    expect(f?.fix?.tool).toBe('apply_manifest');
    const applied = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    expect(applied.spec['sessionAffinity']).toBe('ClientIP');
    expect(applied.spec['selector']).toEqual({ app: 'query' });
    expect(applied.metadata['uid']).toBeUndefined();
  });

  it('before the Service is read: the finding without a fix', () => {
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, two]));
    expect(f?.object).toBe('service query');
    expect(f?.fix).toBeUndefined();
  });

  it('a sticky Service, one pod behind it, a previous log or a line without a refusal is no finding', () => {
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, two, service('ClientIP')]))).toEqual(
      [],
    );
    const one = services('10.244.0.13:8000,10.244.0.13:3307');
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, one]))).toEqual([]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog, podList, one]))).toEqual([]);
    const previous = log(ns, 'query-7c9d8b6f5-bhx6n', [routed], { previous: true });
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [previous, podList, two]))).toEqual([]);
    const leader = log(ns, 'query-7c9d8b6f5-bhx6n', [
      'INFO raft: leader lives on another node, forwarding writes',
      'INFO shard 3 is owned by a different instance; rebalanced',
    ]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [leader]))).toEqual([]);
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [leader, podList, two]))).toEqual([]);
  });

  it('other wordings of a request for state another replica holds', () => {
    for (const line of [
      'ERROR upload 9f2c belongs to another node: 404 not found',
      'WARN session 41aa not on this server (unknown session), answered 410',
    ]) {
      const [f] = sessionAffinityAnalyzer.finds(
        ctx(ns, [log(ns, 'query-7c9d8b6f5-l2cqt', [line]), podList, two]),
      );
      expect(f?.object).toBe('service query');
    }
  });

  it('does bounded work on a hostile log line', () => {
    const hostile = `should be on server ${'x '.repeat(100_000)} 404`;
    const plain = 'y '.repeat(100_000);
    expectBounded(
      () =>
        sessionAffinityAnalyzer.finds(ctx(ns, [log(ns, 'query-7c9d8b6f5-bhx6n', [hostile]), podList, two])),
      () => sessionAffinityAnalyzer.finds(ctx(ns, [log(ns, 'query-7c9d8b6f5-bhx6n', [plain]), podList, two])),
    );
  });
});

// Set 89's RabbitMQ, a miss of the set before, fixed in the same session.
describe("a server whose pods are not named for its Service (the RabbitMQ operator's <cluster>-server-N)", () => {
  const client = 'order-events-worker-4ttnd5ngc-4cbml';
  const conn = 'conn 3 (rabbit@orders-bus-server-1.orders-bus-nodes.messaging)';
  const seen = [
    observed(
      'list_resources',
      { kind: 'Namespace' },
      table([
        ['NAME', 'STATUS', 'AGE'],
        ['orders', 'Active', '44d'],
        ['messaging', 'Active', '90d'],
      ]),
    ),
    pods('orders', [[client, '1/1', 'Running', '0', '44d']]),
    observed(
      'describe_pod',
      { namespace: 'orders', name: client },
      'Containers:\n  worker:\n    Image: w:4\n    Environment:\n      AMQP_HOST:  orders-bus.messaging.svc.cluster.local\n',
    ),
    log('orders', client, [
      `${conn}: channel closed: Exception (404) Reason: "NOT_FOUND - no queue 'orders.created' in vhost '/'"; reopening channel in 5s`,
      `${conn}: channel closed: Exception (404) Reason: "NOT_FOUND - no queue 'orders.created' in vhost '/'"; reopening channel in 5s`,
    ]),
  ];
  const serverPods = observed(
    'list_pods',
    { namespace: 'messaging' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      ['orders-bus-server-0', '1/1', 'Running', '0', '20d', '10.244.2.14', 'n2'],
      ['orders-bus-server-1', '1/1', 'Running', '0', '48m', '10.244.1.57', 'n1'],
      ['orders-bus-server-2', '1/1', 'Running', '0', '20d', '10.244.0.22', 'n0'],
      ['tools-5f6d7c8b9-x2k8p', '1/1', 'Running', '0', '20d', '10.244.0.30', 'n0'],
    ]),
  );
  const services = observed(
    'list_services',
    { namespace: 'messaging' },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
      [
        'orders-bus',
        'ClusterIP',
        '10.96.4.10',
        '5672/TCP',
        'app=orders-bus',
        '10.244.2.14:5672,10.244.1.57:5672,10.244.0.22:5672',
        '90d',
      ],
    ]),
  );
  const cut = observed(
    'get_pod_logs',
    { namespace: 'messaging', name: 'orders-bus-server-1' },
    [
      '[output cut: showing the last 8000 of 28200 characters; use tail]',
      ...Array.from(
        { length: 5 },
        () =>
          "[info] accepting AMQP connection 10.244.2.40 -> 10.244.1.57:5672; user 'u' granted access to vhost '/'",
      ),
    ].join('\n'),
  );
  const mnesia =
    "2026-11-05 10:22:43.862611+00:00 [error] <0.18879.0> Mnesia: node 'rabbit@orders-bus-server-0.orders-bus-nodes.messaging' thinks it's clustered with node 'rabbit@orders-bus-server-1.orders-bus-nodes.messaging', but 'rabbit@orders-bus-server-1.orders-bus-nodes.messaging' disagrees";
  const searched = observed(
    'search_pod_logs',
    { namespace: 'messaging', name: 'orders-bus-server-1', pattern: 'ERROR|WARN|FATAL|Exception|fail' },
    `1 line(s) match "ERROR|WARN|FATAL|Exception|fail" in the newest 553 line(s) read\n5:${mnesia}`,
  );

  it("lists the Service's namespace's Services, then reads the pod the client's lines name among those behind it", () => {
    expect(dependencySideAnalyzer.reads(ctx('orders', [...seen, serverPods]))).toEqual([
      { tool: 'list_services', args: { namespace: 'messaging' } },
    ]);
    expect(dependencySideAnalyzer.reads(ctx('orders', [...seen, serverPods, services]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'messaging', name: 'orders-bus-server-1' } },
    ]);
  });

  it('searches the cut log, then quotes its failure lines with what they mean', () => {
    const all = [...seen, serverPods, services, cut];
    expect(dependencySideAnalyzer.reads(ctx('orders', all))[0]?.tool).toBe('search_pod_logs');
    const [note] = dependencySideAnalyzer.notes!(ctx('orders', [...all, searched]));
    expect(note).toContain("thinks it's clustered with node");
    expect(note).toContain('came back with an empty or replaced data directory');
    expect(note).not.toContain('line(s) match');
    expect(note!.indexOf("thinks it's clustered")).toBeLessThan(note!.indexOf('accepting AMQP') >>> 0);
  });

  it("Mnesia's own line is glossed like peer discovery's inconsistent_cluster", () => {
    expect(glossOf(mnesia)?.means).toBe(
      glossOf(
        "{error,{inconsistent_cluster,\"Mnesia: node 'a' thinks it's clustered with node 'b', but 'b' disagrees\"}}",
      )?.means,
    );
    expect(glossOf("node 'a' thinks it's clustered with node 'b'")).toBeUndefined();
  });
});
