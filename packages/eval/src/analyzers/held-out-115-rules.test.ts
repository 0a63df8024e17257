// Rules written after held-out set 115, each general, tested here on inputs made up for the test: the names,
// hosts and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { kindNamed } from '../baseline/signatures/named-first.js';
import { expectedLine } from './expected-log-lines.js';
import { logGloss } from './log-glosses.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { operatorHoldsBackAnalyzer } from './operator-holds-back.js';
import { proxyHttpVersionAnalyzer } from './proxy-http-version.js';
import { loopbackPort, serviceEnvOrderAnalyzer } from './service-env-order.js';

describe('glosses and routine lines: MySQL upgrade after a crash, Kafka clients unknown configuration', () => {
  it('says MySQL will not upgrade files the old version did not shut down cleanly', () => {
    const g = logGloss(
      '2026-01-05T08:00:01.123456Z 1 [ERROR] [MY-012526] [InnoDB] Upgrade after a crash is not supported. This redo log was created with MySQL 5.7.40.',
    );
    expect(g).toMatch(/shut down cleanly|shuts down cleanly/);
    expect(g).toMatch(/terminationGracePeriodSeconds/);
    expect(logGloss('[Note] [MY-013386] [Server] Running upgrade after the data dictionary')).toBeUndefined();
  });

  it("explains the Kafka client's unknown-configuration notice as harmless", () => {
    expect(
      expectedLine(
        "WARN 1 --- [main] o.a.k.clients.consumer.ConsumerConfig : The configuration 'orders.retry.topic' was supplied but isn't a known config.",
      ),
    ).toMatch(/ignores it/);
    expect(expectedLine('ERROR Invalid value foo for configuration acks')).toBeUndefined();
  });
});

describe('misconceptions: PodSecurityPolicy is gone since Kubernetes 1.25 (its wording)', () => {
  const NS = 'observe';
  const TASK = 'The chart upgrade warned that Pod Security Policy is now disabled. Is our stack unsafe now?';
  const healthy = pods(NS, [['exporter-abcde', '1/1', 'Running', '0', '3h']]);
  const nodes = (v: string) =>
    observed(
      'list_nodes',
      {},
      table([
        ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
        ['n1', 'Ready', '<none>', '90d', v],
      ]),
    );
  const notes = (seen: Parameters<typeof ctx>[1]) =>
    (misconceptionsAnalyzer.notes?.(ctx(NS, seen, TASK)) ?? []).join('\n');

  it('says the API was removed in 1.25 and Pod Security Admission replaces it', () => {
    const said = notes([healthy, nodes('v1.30.4')]);
    expect(said).toMatch(/removed in Kubernetes 1\.25/);
    expect(said).toMatch(/Pod Security Admission/);
    expect(said).not.toMatch(/turn pspEnabled back on|re-enable pspEnabled/i);
  });

  it('says nothing on a cluster older than 1.25, or while a pod is not ready', () => {
    expect(notes([healthy, nodes('v1.24.9')])).not.toMatch(/removed in Kubernetes 1\.25/);
    const failing = pods(NS, [['exporter-abcde', '0/1', 'CrashLoopBackOff', '7', '3h']]);
    expect(notes([failing])).not.toMatch(/removed in Kubernetes 1\.25/);
  });
});

describe('a host name in the task is not an object that does not exist', () => {
  it('does not answer "There is no" for a part of a DNS name', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'host-1',
      'mq',
      'Clients outside connect to broker-0/1/2.queue.example.org and time out; is the broker in namespace mq down?',
    )}cluster:
  namespaces: [mq]
  nodes: [{ name: n1 }]
  deployments:
    - name: broker
      namespace: mq
      replicas: 1
      containers: [{ name: broker, image: "mq/broker:3.2", ports: [5672] }]
`);
    expect(answer).not.toMatch(/There is no/);
  });
});

describe('service-env-order: pods created before the Service they reach through its variables', () => {
  const NS = 'permits';
  const POD = 'intake-web-6d5f8b7c9-kx2mp';
  const listed = pods(NS, [[POD, '0/1', 'Running', '0', '6h']]);
  const services = (age: string, endpoints = '10.244.1.9:5432') =>
    observed(
      'list_services',
      { namespace: NS },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
        ['records-db', 'ClusterIP', '10.96.1.2', '5432/TCP', 'app=records-db', endpoints, age],
        ['intake-web', 'ClusterIP', '10.96.1.3', '80/TCP', 'app=intake-web', '<none>', '6h'],
      ]),
    );
  const libpq = observed(
    'get_pod_logs',
    { namespace: NS, name: POD },
    [
      '[INFO] Booting worker with pid: 8',
      'psycopg2.OperationalError: could not connect to server: Connection refused',
      '\tIs the server running on host "127.0.0.1" and accepting',
      '\tTCP/IP connections on port 5432?',
    ].join('\n'),
  );
  const run = (seen: Parameters<typeof ctx>[1]) => serviceEnvOrderAnalyzer.finds(ctx(NS, seen));

  it("reads the loopback port from libpq's two lines and from host:port", () => {
    expect(loopbackPort(libpq.content)?.port).toBe(5432);
    expect(loopbackPort('Error: connect ECONNREFUSED 127.0.0.1:6379')?.port).toBe(6379);
    expect(loopbackPort('connected to 127.0.0.1:5432')).toBeUndefined();
  });

  it('finds a Service younger than the pod on the refused port, and restarts the deployment', () => {
    const [f] = run([listed, services('2h'), libpq]);
    expect(f?.object).toBe('deployment intake-web');
    expect(f?.cause).toMatch(/RECORDS_DB_SERVICE_HOST/);
    expect(f?.cause).toMatch(/predate Service records-db/);
    expect(f?.fix).toMatchObject({ tool: 'restart_deployment', args: { namespace: NS, name: 'intake-web' } });
  });

  it('finds nothing when the Service is older than the pod or has no endpoints, or the port differs', () => {
    expect(run([listed, services('7h'), libpq])).toEqual([]);
    expect(run([listed, services('2h', '<none>'), libpq])).toEqual([]);
    const other = observed(
      'get_pod_logs',
      { namespace: NS, name: POD },
      'connect ECONNREFUSED 127.0.0.1:6379',
    );
    expect(run([listed, services('2h'), other])).toEqual([]);
  });
});

describe('proxy-http-version: nginx proxies over HTTP/1.0 to a server that answers only HTTP/1.1', () => {
  const NS = 'shop-dev';
  const PROXY = 'front-6c8d9f7b5-q2w7z';
  const BACK = 'prices-mirror-x7k2p';
  const proxyPod = observed(
    'describe_pod',
    { namespace: NS, name: PROXY },
    describedPodText({ ns: NS, name: PROXY, container: 'nginx', configMaps: ['front-conf'] })
      .replace('registry.example.com/app:1.0.0', 'nginx:1.27.2')
      .concat('\nControlled By:  ReplicaSet/front-6c8d9f7b5'),
  );
  const proxyLog = log(NS, PROXY, [
    '2026/03/02 10:01:00 [error] 31#31: *90 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.1.0.4, server: , request: "GET /api/prices/P-1 HTTP/1.1", upstream: "http://10.96.7.7:9000/P-1", host: "shop.internal"',
  ]);
  const services = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
      ['prices', 'ClusterIP', '10.96.7.7', '9000/TCP', 'app=prices-mirror', '10.244.3.9:9000', '40d'],
    ]),
  );
  const listed = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      [PROXY, '1/1', 'Running', '0', '3d', '10.244.3.2', 'n1'],
      [BACK, '1/1', 'Running', '0', '2h', '10.244.3.9', 'n1'],
    ]),
  );
  const backLog = log(NS, BACK, [
    '10:00 INF proxied GET /P-1 HTTP/1.0 from 10.244.3.2: client closed the stream before an answer (60.0s)',
    '10:02 INF proxied GET /P-2 HTTP/1.1 from 10.244.3.2: 200 (12ms)',
  ]);
  const conf = (prices: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'front-conf', namespace: NS },
      `Data\n====\ndefault.conf:\n----\nserver {\n  location /api/cart/ {\n    proxy_http_version 1.1;\n    proxy_pass http://cart:8080/;\n  }\n  location /api/prices/ {\n${prices}    proxy_pass http://prices:9000/;\n  }\n}\n`,
    );

  it("follows the proxy's timed-out upstream to the pod behind the Service and reads its log", () => {
    expect(proxyHttpVersionAnalyzer.reads(ctx(NS, [proxyLog]))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
    ]);
    expect(proxyHttpVersionAnalyzer.reads(ctx(NS, [proxyLog, services, listed]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: BACK } },
    ]);
  });

  it('names the location without proxy_http_version 1.1 and the HTTP/1.0 requests left unanswered', () => {
    const [f] = proxyHttpVersionAnalyzer.finds(
      ctx(NS, [proxyLog, services, listed, backLog, proxyPod, conf('')]),
    );
    expect(f?.object).toMatch(/^deployment front /);
    expect(f?.cause).toMatch(/location \/api\/prices\/ upstream over HTTP\/1\.0/);
    expect(f?.cause).toMatch(/while \/api\/cart\/ set it/);
    expect(f?.cause).toMatch(/does not answer HTTP\/1\.0 requests/);
    expect(f?.cause).not.toMatch(/raise proxy_read_timeout|increase proxy_read_timeout/);
    expect(f?.advice).toMatch(/proxy_http_version 1\.1; .* to location \/api\/prices\//);
  });

  it('is quiet when the location, or the server it inherits from, sets HTTP/1.1', () => {
    const set = conf('    proxy_http_version 1.1;\n');
    expect(proxyHttpVersionAnalyzer.finds(ctx(NS, [proxyLog, backLog, proxyPod, set]))).toEqual([]);
    const inherited = observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'front-conf', namespace: NS },
      'server {\n  proxy_http_version 1.1;\n  location /api/prices/ {\n    proxy_pass http://prices:9000/;\n  }\n}\n',
    );
    expect(proxyHttpVersionAnalyzer.finds(ctx(NS, [proxyLog, backLog, proxyPod, inherited]))).toEqual([]);
  });

  it('is quiet without both an HTTP/1.0 request unanswered and an HTTP/1.1 one answered', () => {
    const only10 = log(NS, BACK, ['GET /P-1 HTTP/1.0: client closed the stream (60.0s)']);
    expect(proxyHttpVersionAnalyzer.finds(ctx(NS, [proxyLog, only10, proxyPod, conf('')]))).toEqual([]);
    const fine = log(NS, BACK, ['GET /P-1 HTTP/1.0 200 (3ms)', 'GET /P-2 HTTP/1.1 200 (2ms)']);
    expect(proxyHttpVersionAnalyzer.finds(ctx(NS, [proxyLog, fine, proxyPod, conf('')]))).toEqual([]);
  });
});

describe('named-first: a workload the task names with its kind outranks one a task word only prefixes', () => {
  it('reads deployment, statefulset and daemonset names, with a space or a slash', () => {
    expect([...kindNamed('the catalog database (deployment catalog-db in namespace shop) is down')]).toEqual([
      'catalog-db',
    ]);
    expect([...kindNamed('statefulset/orders-pg and daemonset node-agent')]).toEqual([
      'orders-pg',
      'node-agent',
    ]);
    // Any word after the kind is taken; it counts only when a finding's object has that name.
    expect([...kindNamed('all deployments are slow')]).toEqual([]);
  });

  it('leads with the crash of the deployment named by kind over a pending pod a word prefixes', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'kind-named-1',
      'shop',
      'We moved the stock database (deployment stock-db in namespace shop) to a new major version an hour ago and it has not come up; the report pages error since. What is wrong?',
    )}cluster:
  namespaces: [shop]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: stock-db
      namespace: shop
      replicas: 1
      containers:
        - name: db
          image: "example/db:9.0"
          behavior:
            crash: { exitCode: 1, logs: ["FATAL: data directory was written by version 8 and cannot be read by this version"] }
    - name: report-indexer
      namespace: shop
      replicas: 1
      containers:
        - name: indexer
          image: "example/indexer:1.2"
          resources: { limits: { nvidia.com/gpu: "1" } }
`);
    expect(answer).toMatch(/^Root cause: deployment stock-db/);
  });
});

describe('operator-holds-back: an operator that holds a change back on purpose, and why', () => {
  const NS = 'search';
  const TASK =
    'I bumped spec.version of our Elasticsearch cluster "docs" in namespace search an hour ago and the operator has not restarted anything since. Is ECK too old for the new version?';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['search', 'Active', '90d'],
      ['elastic-system', 'Active', '90d'],
      ['kube-system', 'Active', '90d'],
    ]),
  );
  const opPods = observed(
    'list_pods',
    { namespace: 'elastic-system' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['elastic-operator-0', '1/1', 'Running', '0', '20d'],
    ]),
  );
  const held = (predicate: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'elastic-system', name: 'elastic-operator-0' },
      [
        '{"log.level":"info","message":"Starting reconciliation run","namespace":"search","es_name":"docs"}',
        `{"log.level":"info","log.logger":"driver","message":"Cannot restart some nodes for upgrade at this time","namespace":"search","es_name":"docs","failed_predicates":{"${predicate}":["docs-es-data-0"]}}`,
      ].join('\n'),
    );
  const esLog = log(NS, 'docs-es-data-0', [
    '{"message":"Cluster health status changed from [YELLOW] to [RED] (reason: [shards failed [[books-v3][0]]])."}',
    '{"message":"[books-v3][0] failing shard","error.type":"org.apache.lucene.index.CorruptIndexException","error.message":"checksum failed (hardware problem?)"}',
  ]);

  it('lists the namespaces, then the operator namespace named for the product, then reads its log', () => {
    expect(operatorHoldsBackAnalyzer.reads(ctx(NS, [], TASK))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(operatorHoldsBackAnalyzer.reads(ctx(NS, [namespaces], TASK))).toEqual([
      { tool: 'list_pods', args: { namespace: 'elastic-system' } },
    ]);
    expect(operatorHoldsBackAnalyzer.reads(ctx(NS, [namespaces, opPods], TASK))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'elastic-system', name: 'elastic-operator-0' } },
    ]);
  });

  it('says the operator waits for a green or yellow cluster, and what keeps it red', () => {
    const [f] = operatorHoldsBackAnalyzer.finds(
      ctx(NS, [namespaces, opPods, held('only_restart_healthy_node_if_green_or_yellow'), esLog], TASK),
    );
    expect(f?.cause).toMatch(/will not restart a node for the upgrade until the cluster is green or yellow/);
    expect(f?.cause).toMatch(/The cluster is red/);
    expect(f?.cause).toMatch(/index books-v3/);
    expect(f?.cause).toMatch(/corrupted/);
    expect(f?.cause).not.toMatch(/too old|does not support the/);
  });

  it('names another predicate without blaming health', () => {
    const [f] = operatorHoldsBackAnalyzer.finds(
      ctx(NS, [namespaces, opPods, held('require_started_replica'), esLog], TASK),
    );
    expect(f?.cause).toMatch(/every primary on it has a started replica/);
    expect(f?.cause).not.toMatch(/The cluster is red/);
  });

  it('stays quiet when the task does not wait on an operator, or the log holds nothing back', () => {
    expect(
      operatorHoldsBackAnalyzer.finds(
        ctx(NS, [namespaces, opPods, held('only_restart_healthy_node_if_green_or_yellow')], 'search is slow'),
      ),
    ).toEqual([]);
    const fine = observed(
      'get_pod_logs',
      { namespace: 'elastic-system', name: 'elastic-operator-0' },
      '{"log.level":"info","message":"Ending reconciliation run","namespace":"search","es_name":"docs"}',
    );
    expect(operatorHoldsBackAnalyzer.finds(ctx(NS, [namespaces, opPods, fine], TASK))).toEqual([]);
  });
});
