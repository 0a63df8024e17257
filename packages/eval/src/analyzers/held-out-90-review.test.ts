// Attacker's review of held-out set 90's baseline rules (and the session's other changes), by a helper who did
// not write them: 31 tests, 6 of them bugs the review found (each marked `// Found in review, fixed:`, written as
// skipped tests and unskipped once fixed), the rest behaviour that held. The scan's missing-claim tests of the
// review are in packages/tools-k8s/src/scan/pods-missing-claim.test.ts.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dependencySideAnalyzer } from './dependency-side.js';
import { glossOf } from './log-glosses.js';
import { appliedBack, parsedObject, readBack } from './manifest.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { operatorReconcileErrorAnalyzer } from './operator-reconcile-error.js';
import { sessionAffinityAnalyzer } from './session-affinity.js';
import { searchedLines } from './types.js';

describe('session-affinity', () => {
  const ns = 'lakehouse';
  const podList = (a = '10.244.0.13', b = '10.244.0.12') =>
    observed(
      'list_pods',
      { namespace: ns },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
        ['query-7c9d8b6f5-bhx6n', '1/1', 'Running', '0', '2d', a, 'pool-2'],
        ['query-7c9d8b6f5-l2cqt', '1/1', 'Running', '0', '12d', b, 'pool-1'],
      ]),
    );
  const services = (rows: string[][]) =>
    observed(
      'list_services',
      { namespace: ns },
      table([['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'], ...rows]),
    );
  const two = services([
    [
      'query',
      'ClusterIP',
      '10.96.88.40',
      '8000/TCP',
      'app=query',
      '10.244.0.13:8000,10.244.0.12:8000',
      '41d',
    ],
  ]);
  const service = (spec: string[], name = 'query') =>
    observed(
      'get_resource',
      { kind: 'Service', name, namespace: ns },
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        `  name: ${name}`,
        `  namespace: ${ns}`,
        '  uid: 5018ccea',
        '  resourceVersion: "88123"',
        '  creationTimestamp: "2026-01-01T00:00:00Z"',
        '  labels:',
        '    app: query',
        'spec:',
        ...spec,
        'status:',
        '  loadBalancer: {}',
      ].join('\n'),
    );
  const plainSpec = [
    '  clusterIP: 10.96.88.40',
    '  ports:',
    '    - name: http',
    '      port: 8000',
    '      targetPort: 8000',
    '    - name: mysql',
    '      port: 3307',
    '  selector:',
    '    app: query',
    '  sessionAffinity: None',
  ];
  const routed =
    'WARN GET /v1/query/262be77c/page/1 404 route error: query 262be77c SHOULD be on server q7Hn, but current server is Vt3s';
  const refusing = (line = routed) => log(ns, 'query-7c9d8b6f5-bhx6n', [line]);

  it('the applied-back Service keeps its ports and selector and drops uid, resourceVersion and status', () => {
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList(), two, service(plainSpec)]));
    const applied = parseYaml(String(f?.fix?.args['manifest'])) as Record<string, Record<string, unknown>>;
    expect(applied['spec']!['sessionAffinity']).toBe('ClientIP');
    expect(applied['spec']!['selector']).toEqual({ app: 'query' });
    expect((applied['spec']!['ports'] as unknown[]).length).toBe(2);
    expect(applied['metadata']).toEqual({ name: 'query', namespace: ns, labels: { app: 'query' } });
    expect(applied['status']).toBeUndefined();
    expect(String(f?.fix?.args['manifest'])).not.toMatch(/resourceVersion|uid|creationTimestamp|status/);
  });

  it('one pod on several ports, <none> endpoints, or a Service already sticky are no finding', () => {
    const onePod = services([
      [
        'query',
        'ClusterIP',
        '10.96.88.40',
        '8000/TCP',
        'app=query',
        '10.244.0.13:8000,10.244.0.13:3307',
        '41d',
      ],
    ]);
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList(), onePod]))).toEqual([]);
    const none = services([['query', 'ClusterIP', '10.96.88.40', '8000/TCP', 'app=query', '<none>', '41d']]);
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList(), none]))).toEqual([]);
    const sticky = plainSpec.map((l) => l.replace('sessionAffinity: None', 'sessionAffinity: ClientIP'));
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList(), two, service(sticky)]))).toEqual([]);
  });

  it('IPv6 endpoints as the tools print them (address:port, no brackets) are matched to the pods', () => {
    const v6 = services([
      ['query', 'ClusterIP', 'fd00:96::40', '8000/TCP', 'app=query', 'fd00::13:8000,fd00::12:8000', '41d'],
    ]);
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList('fd00::13', 'fd00::12'), v6]));
    expect(f?.object).toBe('service query');
  });

  it('a 404 for a missing object that says nothing of replicas is no finding', () => {
    const missing = refusing('WARN GET /v1/objects/abc 404 not found: no such object in bucket lake');
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [missing]))).toEqual([]);
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [missing, podList(), two]))).toEqual([]);
  });

  // Found in review, fixed: a shard-ownership line that forwards the request is taken for a refusal because a key number (404) or a lease word (expired) is on it; only a refusal of the request should count.
  it('a forwarding line whose key is 404 or whose lease expired is not a refusal', () => {
    for (const line of [
      'INFO key 404 belongs to another node, forwarding to query-7c9d8b6f5-l2cqt',
      'INFO partition 7 lease expired, now owned by a different instance; forwarding writes',
    ]) {
      expect(sessionAffinityAnalyzer.finds(ctx(ns, [refusing(line), podList(), two]))).toEqual([]);
    }
  });

  // Found in review, fixed: "session … not found on this instance", the most common wording of a request for state another replica holds, is not recognised; it should be read like "not on this instance".
  it('"session not found on this instance" is another wording of the same refusal', () => {
    const line = 'WARN 404: session 41aa9c not found on this instance';
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [refusing(line), podList(), two]));
    expect(f?.object).toBe('service query');
  });

  // Found in review, fixed: a headless Service (clusterIP: None) is not proxied, so sessionAffinity does nothing there; the rule still blames it and applies ClientIP to it instead of leaving it alone.
  it('a headless Service gets no sessionAffinity fix', () => {
    const headless = plainSpec.map((l) => l.replace('clusterIP: 10.96.88.40', 'clusterIP: None'));
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList(), two, service(headless)]));
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: the first Service whose endpoints include the pod wins, so a one-pod Service listed earlier (an admin port) hides the two-pod Service that spreads the sessions; every Service holding the pod should be considered.
  it('a one-pod Service listed before the spreading Service does not hide it', () => {
    const both = services([
      ['admin', 'ClusterIP', '10.96.88.9', '9090/TCP', 'app=query,role=admin', '10.244.0.13:9090', '41d'],
      [
        'query',
        'ClusterIP',
        '10.96.88.40',
        '8000/TCP',
        'app=query',
        '10.244.0.13:8000,10.244.0.12:8000',
        '41d',
      ],
    ]);
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList(), both]));
    expect(f?.object).toBe('service query');
  });

  // Found in review, fixed: before (or without) a successful get_resource of the Service, the cause asserts "sessionAffinity None", a value nobody read; it should not state the affinity until it was read.
  it('an unread Service is not said to have sessionAffinity None', () => {
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [refusing(), podList(), two]));
    expect(f?.object).toBe('service query');
    expect(f?.cause).not.toContain('sessionAffinity None');
  });

  it('does bounded work on a huge Service list and a regex-hostile log', () => {
    const many = services(
      Array.from({ length: 3000 }, (_, i) => [
        `svc-${i}`,
        'ClusterIP',
        '10.96.0.1',
        '80/TCP',
        'a=b',
        Array.from({ length: 600 }, (_, j) => `10.1.${i % 250}.${j % 250}:80`).join(','),
        '1d',
      ]),
    );
    const hostile = refusing(
      `belongs to ${'another '.repeat(400)} ${'should be on server '.repeat(150)} 404`,
    );
    expectBounded(
      () => sessionAffinityAnalyzer.finds(ctx(ns, [hostile, podList(), many])),
      () => sessionAffinityAnalyzer.finds(ctx(ns, [refusing('plain line'), podList(), many])),
    );
  });
});

describe('operator-reconcile-error: a pod waiting for an object an operator was to make', () => {
  const ns = 'graph';
  const pod = 'social-graphd-1';
  const at = 'nebula-operator-system';
  const operator = 'nebula-operator-controller-manager-7c9d8b6f5-p8dx4';
  const namespaces = (names: string[]) =>
    observed(
      'list_resources',
      { kind: 'Namespace' },
      table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '160d'])]),
    );
  const events = (message: string) =>
    observed(
      'get_events',
      { namespace: ns },
      table([
        ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
        ['2m', 'Warning', 'FailedMount', `pod/${pod}`, message],
      ]),
    );
  const mountFailed = events(
    'MountVolume.SetUp failed for volume "conf" : configmap "graphd-conf" not found',
  );
  const opPods = pods(at, [[operator, '1/1', 'Running', '0', '44d']]);
  const opLog = (lines: string[]) => log(at, operator, lines);

  it('an events-only FailedMount line is a missing object: the namespaces are listed', () => {
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [mountFailed]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
  });

  // Found in review, fixed: an events-only FailedMount names the waiting pod in its OBJECT column (pod/social-graphd-1), yet the waited finding (weight 90, pod named) needs a describe_pod; the event's object should name the pod.
  it('an events-only missing ConfigMap the operator failed to make names the waiting pod', () => {
    const seen = [
      mountFailed,
      namespaces([ns, at]),
      opPods,
      opLog(['E1201 10:29:01.330971 1 graphd.go:240] sync graph/graphd-conf failed: template error']),
    ];
    const [f] = operatorReconcileErrorAnalyzer.finds(ctx(ns, seen));
    expect(f?.weight).toBeGreaterThanOrEqual(90);
    expect(f?.object).toContain(`pod ${pod}`);
  });

  it('a claim a user forgot, in a cluster with an unrelated operator whose log never names the namespace, is no finding', () => {
    const seen = [
      events('0/3 nodes are available: persistentvolumeclaim "data" not found.'),
      namespaces([ns, 'prometheus-operator']),
      pods('prometheus-operator', [['prometheus-operator-6b9d8c7f5-x2k8p', '1/1', 'Running', '0', '9d']]),
      log('prometheus-operator', 'prometheus-operator-6b9d8c7f5-x2k8p', [
        'level=error msg="sync failed" key=monitoring/k8s err="timeout"',
      ]),
    ];
    expect(operatorReconcileErrorAnalyzer.finds(ctx(ns, seen))).toEqual([]);
  });

  it('two operator namespaces, or a namespace that only contains the word, name no operator', () => {
    expect(
      operatorReconcileErrorAnalyzer.reads(
        ctx(ns, [mountFailed, namespaces([ns, at, 'openshift-operators'])]),
      ),
    ).toEqual([]);
    expect(
      operatorReconcileErrorAnalyzer.reads(
        ctx(ns, [mountFailed, namespaces([ns, 'cooperators', 'operatorhub'])]),
      ),
    ).toEqual([]);
  });

  it('an operator error about a namespace whose name ends like the task namespace is not about it', () => {
    const seen = [
      mountFailed,
      namespaces([ns, at]),
      opPods,
      opLog(['E1201 10:29:01.330971 1 graphd.go:240] sync nebula-graph/graphd-conf failed: template error']),
    ];
    expect(operatorReconcileErrorAnalyzer.finds(ctx(ns, seen))).toEqual([]);
  });

  it('a later success line for the same object withdraws the finding', () => {
    const seen = [
      mountFailed,
      namespaces([ns, at]),
      opPods,
      opLog([
        'E1201 10:29:01.330971 1 graphd.go:240] sync graph/graphd-conf failed: template error',
        "I1201 10:31:01.000000 1 controller.go:99] Successfully synced 'graph/graphd-conf'",
      ]),
    ];
    expect(operatorReconcileErrorAnalyzer.finds(ctx(ns, seen))).toEqual([]);
  });

  it('does bounded work on hostile events and an operator log of near-keys', () => {
    const hostile = events(`secret "${'a'.repeat(1990)}`);
    const bigEvents = observed(
      'get_events',
      { namespace: ns },
      Array.from({ length: 100 }, () => `configmap "${'a-'.repeat(900)}`).join('\n'),
    );
    const nearKeys = opLog(Array.from({ length: 2000 }, () => ` graph/${'a.'.repeat(1500)} error`));
    expectBounded(
      () =>
        operatorReconcileErrorAnalyzer.finds(
          ctx(ns, [hostile, bigEvents, namespaces([ns, at]), opPods, nearKeys]),
        ),
      () =>
        operatorReconcileErrorAnalyzer.finds(
          ctx(ns, [mountFailed, namespaces([ns, at]), opPods, opLog(Array(2000).fill('x'.repeat(3000)))]),
        ),
    );
  });
});

describe('dependency-side: the endpoint fallback, the Service listing and the cut log search', () => {
  const client = 'order-events-worker-4ttnd5ngc-4cbml';
  const conn = 'conn 3 (rabbit@orders-bus-server-1.orders-bus-nodes.messaging)';
  const base = [
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
      `${conn}: channel closed: Exception (404) Reason: "NOT_FOUND - no queue 'orders.created' in vhost '/'"`,
      `${conn}: channel closed: Exception (404) Reason: "NOT_FOUND - no queue 'orders.created' in vhost '/'"`,
    ]),
  ];
  const serverPods = (ips: [string, string, string]) =>
    observed(
      'list_pods',
      { namespace: 'messaging' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
        ['orders-bus-server-0', '1/1', 'Running', '0', '20d', ips[0], 'n2'],
        ['orders-bus-server-1', '1/1', 'Running', '0', '48m', ips[1], 'n1'],
        ['tools-5f6d7c8b9-x2k8p', '1/1', 'Running', '0', '20d', ips[2], 'n0'],
      ]),
    );
  const services = (endpoints: string, extra: string[][] = []) =>
    observed(
      'list_services',
      { namespace: 'messaging' },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
        ['orders-bus', 'ClusterIP', '10.96.4.10', '5672/TCP', 'app=orders-bus', endpoints, '90d'],
        ...extra,
      ]),
    );

  it('IPv6 endpoints lead to the pod behind the Service', () => {
    const seen = [
      ...base,
      serverPods(['fd00::14', 'fd00::57', 'fd00::30']),
      services('fd00::14:5672,fd00::57:5672'),
    ];
    expect(dependencySideAnalyzer.reads(ctx('orders', seen))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'messaging', name: 'orders-bus-server-1' } },
    ]);
  });

  it('<none> endpoints read nothing more once the Services were listed', () => {
    const seen = [...base, serverPods(['10.0.0.14', '10.0.0.57', '10.0.0.30']), services('<none>')];
    expect(dependencySideAnalyzer.reads(ctx('orders', seen))).toEqual([]);
    expect(dependencySideAnalyzer.notes!(ctx('orders', seen))).toEqual([]);
  });

  it("a pod of another Service is not taken for the Service's own", () => {
    const seen = [
      ...base,
      serverPods(['10.0.0.14', '10.0.0.57', '10.0.0.30']),
      services('10.0.0.14:5672', [
        ['tools', 'ClusterIP', '10.96.4.11', '80/TCP', 'app=tools', '10.0.0.30:80', '9d'],
      ]),
    ];
    expect(dependencySideAnalyzer.reads(ctx('orders', seen))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'messaging', name: 'orders-bus-server-0' } },
    ]);
  });

  it("the note quotes the searched lines, never the search's header or cut notice", () => {
    const ips: [string, string, string] = ['10.0.0.14', '10.0.0.57', '10.0.0.30'];
    const cut = observed(
      'get_pod_logs',
      { namespace: 'messaging', name: 'orders-bus-server-1' },
      [
        '[output cut: showing the last 8000 of 28200 characters; use tail]',
        "[info] accepting AMQP connection 10.244.2.40 -> 10.0.0.57:5672; user 'u' granted access to vhost '/'",
      ].join('\n'),
    );
    const mnesia =
      "2026-11-05 10:22:43.862611+00:00 [error] <0.18879.0> Mnesia: node 'rabbit@orders-bus-server-0' thinks it's clustered with node 'rabbit@orders-bus-server-1', but 'rabbit@orders-bus-server-1' disagrees";
    const searched = observed(
      'search_pod_logs',
      { namespace: 'messaging', name: 'orders-bus-server-1', pattern: 'ERROR|error|fail' },
      [
        '2 line(s) match "ERROR|error|fail" in the newest 553 line(s) read; the newest 1 shown',
        '[output cut: older matches not shown; 900 characters left out; lower maxMatches or context]',
        `5:${mnesia}`,
        '--',
      ].join('\n'),
    );
    const [note] = dependencySideAnalyzer.notes!(
      ctx('orders', [...base, serverPods(ips), services('10.0.0.14:5672,10.0.0.57:5672'), cut, searched]),
    );
    expect(note).toContain("thinks it's clustered with node");
    expect(note).toContain('That means: the node and its peer disagree');
    expect(note).not.toMatch(/line\(s\) match|output cut|5:2026/);
  });
});

describe('searchedLines', () => {
  const search = (content: string) =>
    observed('search_pod_logs', { namespace: 'ns', name: 'p', pattern: 'x' }, content);

  it('keeps only numbered lines, strips one number prefix, and keeps a log line that starts with digits', () => {
    const out = searchedLines(
      [
        search(
          [
            'Defaulted container "app" out of: app, sidecar',
            '3 line(s) match "x" in the newest 10 line(s) read',
            '4-2026-03-01 context before',
            '5:12:00:01 error x',
            '--',
            '9:',
          ].join('\n'),
        ),
      ],
      () => true,
    );
    expect(out).toEqual(['2026-03-01 context before', '12:00:01 error x', '']);
  });

  it('does bounded work on a huge search output', () => {
    const big = search(Array.from({ length: 200_000 }, (_, i) => `${i}:${'9'.repeat(20)}`).join('\n'));
    const plain = search(Array.from({ length: 200_000 }, () => 'y'.repeat(22)).join('\n'));
    expectBounded(
      () => searchedLines([big], () => true),
      () => searchedLines([plain], () => true),
    );
  });
});

describe('manifest: parsedObject and readBack', () => {
  it('malformed YAML, a list, a scalar, several documents or an over-long text give undefined, never a throw', () => {
    for (const text of ['a: [1, 2', '- a\n- b', 'just text', 'a: 1\n---\nb: 2', `a: ${'x'.repeat(300_000)}`])
      expect(parsedObject(text)).toBeUndefined();
  });

  it('a YAML alias bomb is refused quickly', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    const t0 = performance.now();
    expect(parsedObject(bomb)).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('readBack takes the last successful read of that object and ignores other kinds and namespaces', () => {
    const seen = [
      observed('get_resource', { kind: 'Service', name: 'q', namespace: 'a' }, 'metadata:\n  name: q\nv: 1'),
      observed(
        'get_resource',
        { kind: 'ConfigMap', name: 'q', namespace: 'a' },
        'metadata:\n  name: q\nv: 2',
      ),
      observed('get_resource', { kind: 'Service', name: 'q', namespace: 'b' }, 'metadata:\n  name: q\nv: 3'),
      {
        ...observed('get_resource', { kind: 'Service', name: 'q', namespace: 'a' }, 'v: 4'),
        status: 'error' as const,
      },
    ];
    expect(readBack<{ v: number }>(seen, { kind: 'Service', name: 'q', namespace: 'a' })?.v).toBe(1);
    expect(readBack<{ v: number }>(seen, { name: 'q' })?.v).toBe(3);
  });

  it('appliedBack keeps spec, drops status and server metadata', () => {
    const doc = parsedObject<object>(
      'metadata:\n  name: q\n  namespace: a\n  uid: u\n  resourceVersion: "1"\n  managedFields: []\nspec:\n  ports: [{port: 80}]\nstatus:\n  x: 1',
    )!;
    expect(parseYaml(appliedBack(doc))).toEqual({
      metadata: { name: 'q', namespace: 'a' },
      spec: { ports: [{ port: 80 }] },
    });
  });
});

describe('log-glosses: INCONSISTENT_CLUSTER', () => {
  it("RabbitMQ's boot failure and Mnesia's own line are glossed, case-insensitively", () => {
    expect(glossOf('BOOT FAILED: {error,{inconsistent_cluster,"Node x thinks ..."}}')?.means).toContain(
      'disagree on who is in the cluster',
    );
    expect(
      glossOf("MNESIA: NODE 'A' THINKS IT'S CLUSTERED WITH NODE 'B', BUT 'B' DISAGREES")?.means,
    ).toContain('disagree on who is in the cluster');
  });

  it('a line that disagrees about something else is not glossed as a cluster split', () => {
    expect(glossOf('the replica disagrees with the leader on term 4')?.means ?? '').not.toContain(
      'disagree on who is in the cluster',
    );
  });
});
