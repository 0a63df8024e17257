// Table tests of the general rules written after held-out set 91's first contact.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { doubleSchemeAnalyzer } from './double-scheme.js';
import { envFromLacksVariableAnalyzer } from './envfrom-lacks-variable.js';
import { glossOf } from './log-glosses.js';
import { movedWorkloadBindingsAnalyzer } from './moved-workload-bindings.js';
import { ctx, describedPodText, log, observed, type PodSpecText, table } from './observed.fixture.js';
import { operatorReconcileErrorAnalyzer } from './operator-reconcile-error.js';
import { webhookServiceElsewhereAnalyzer } from './webhook-service-elsewhere.js';

const described = (ns: string, name: string, extra: Partial<PodSpecText>) =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    `${describedPodText({ ns, name, ...extra })}\nControlled By:  ReplicaSet/${name.replace(/-[a-z0-9]{5}$/, '')}`,
  );

describe('double-scheme: a URL setting with two schemes', () => {
  const ns = 'inference';
  const pod = 'triton-7c6f9d8b5-4kx8p';
  const url = 's3://https://minio.ml-store.svc:9000/triton-model-repository';
  const crash = log(ns, pod, [`error: creating server: Internal - failed to stat file  ${url}`], {
    previous: true,
  });

  it('sets the variable the failure line quotes to the URL with its outer scheme', () => {
    const d = described(ns, pod, { container: 'triton', env: { MODEL_REPOSITORY: url } });
    const [f] = doubleSchemeAnalyzer.finds(ctx(ns, [d, crash]));
    expect(f?.cause).toContain('MODEL_REPOSITORY of container triton is a URL written with two schemes');
    expect(JSON.stringify(f?.fix?.args)).toContain('s3://minio.ml-store.svc:9000/triton-model-repository');
  });

  it('one scheme, or a value no variable holds, is no finding', () => {
    const one = log(ns, pod, ['error: failed to stat file s3://minio.ml-store.svc:9000/x'], {
      previous: true,
    });
    const d = described(ns, pod, { env: { MODEL_REPOSITORY: 's3://minio.ml-store.svc:9000/x' } });
    expect(doubleSchemeAnalyzer.finds(ctx(ns, [d, one]))).toEqual([]);
    const other = described(ns, pod, { env: { MODEL_REPOSITORY: '/models' } });
    expect(doubleSchemeAnalyzer.finds(ctx(ns, [other, crash]))).toEqual([]);
  });
});

describe("webhook-service-elsewhere: a webhook's Service not where its configuration says", () => {
  const ns = 'models';
  const refused = log(ns, 'deploy-fraud-model-20261020-1302-22zk4', [
    'Error from server (InternalError): error when creating "sdep.yaml": Internal error occurred: failed calling webhook "mseldondeployment.kb.io": failed to call webhook: Post "https://seldon-webhook-service.seldon-system.svc:443/mutate?timeout=30s": service "seldon-webhook-service" not found',
  ]);
  const found = (rows: string[][]) =>
    observed(
      'find_objects',
      { name: 'seldon-webhook-service' },
      table([['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'], ...rows]),
    );

  it('searches the Service by name, then says which namespace it runs in', () => {
    expect(webhookServiceElsewhereAnalyzer.reads(ctx(ns, [refused]))).toEqual([
      { tool: 'find_objects', args: { name: 'seldon-webhook-service' } },
    ]);
    const [f] = webhookServiceElsewhereAnalyzer.finds(
      ctx(ns, [refused, found([['Service', 'seldon', 'seldon-webhook-service', '-', '25h']])]),
    );
    expect(f?.cause).toContain('Service seldon-webhook-service runs in namespace seldon, another namespace');
    expect(f?.object).toBe(
      'webhook mseldondeployment.kb.io for service seldon-webhook-service in seldon-system',
    );
  });

  it('a Service that is where the configuration says, or no refusal, is no finding', () => {
    const there = found([['Service', 'seldon-system', 'seldon-webhook-service', '-', '25h']]);
    expect(webhookServiceElsewhereAnalyzer.finds(ctx(ns, [refused, there]))).toEqual([]);
    const noEndpoints = log(ns, 'job-abcde', [
      'failed calling webhook "x.kb.io": failed to call webhook: Post "https://svc.ops.svc:443/": no endpoints available for service "svc"',
    ]);
    expect(webhookServiceElsewhereAnalyzer.reads(ctx(ns, [noEndpoints]))).toEqual([]);
  });
});

describe('envfrom-lacks-variable: the ConfigMap a container loads lacks the variable', () => {
  const ns = 'elt';
  const pod = 'airbyte-worker-5b7f9c6d48-p9w2m';
  const d = described(ns, pod, { container: 'worker', envFrom: ['airbyte-worker-env'] });
  const crash = log(
    ns,
    pod,
    ["java.lang.IllegalArgumentException: 'WEBAPP_URL' environment variable cannot be null"],
    {
      previous: true,
    },
  );
  const cm = (name: string, data: Record<string, string>) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name, namespace: ns },
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  uid: 1234\ndata:\n${Object.entries(
        data,
      )
        .map(([k, v]) => `  ${k}: "${v}"`)
        .join('\n')}\n`,
    );
  const listed = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: ns },
    table([
      ['NAME', 'DATA', 'AGE'],
      ['airbyte-env', '12', '90d'],
      ['airbyte-worker-env', '10', '1d'],
      ['kube-root-ca.crt', '1', '90d'],
      ['grafana', '1', '90d'],
    ]),
  );

  it('reads the loaded ConfigMap, the list, then the one named like it', () => {
    expect(envFromLacksVariableAnalyzer.reads(ctx(ns, [d, crash]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'airbyte-worker-env', namespace: ns } },
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ns } },
    ]);
    expect(
      envFromLacksVariableAnalyzer.reads(ctx(ns, [d, crash, listed, cm('airbyte-worker-env', { A: '1' })])),
    ).toEqual([{ tool: 'get_resource', args: { kind: 'ConfigMap', name: 'airbyte-env', namespace: ns } }]);
  });

  it("adds the key, with the other ConfigMap's value, to the loaded one", () => {
    const seen = [
      d,
      crash,
      listed,
      cm('airbyte-worker-env', { TEMPORAL_HOST: 'airbyte-temporal:7233' }),
      cm('airbyte-env', {
        WEBAPP_URL: 'http://airbyte-webapp.elt.svc:80/',
        TEMPORAL_HOST: 'airbyte-temporal:7233',
      }),
    ];
    const [f] = envFromLacksVariableAnalyzer.finds(ctx(ns, seen));
    expect(f?.cause).toContain('ConfigMap airbyte-worker-env (envFrom), which does not have WEBAPP_URL');
    const applied = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      data: Record<string, string>;
    };
    expect(applied.data).toEqual({
      TEMPORAL_HOST: 'airbyte-temporal:7233',
      WEBAPP_URL: 'http://airbyte-webapp.elt.svc:80/',
    });
    expect(applied.metadata['uid']).toBeUndefined();
  });

  it('a loaded ConfigMap that has the key, or no ConfigMap named like it holding it, is no finding', () => {
    const has = [
      d,
      crash,
      listed,
      cm('airbyte-worker-env', { WEBAPP_URL: 'x' }),
      cm('airbyte-env', { WEBAPP_URL: 'y' }),
    ];
    expect(envFromLacksVariableAnalyzer.finds(ctx(ns, has))).toEqual([]);
    const none = [d, crash, listed, cm('airbyte-worker-env', { A: '1' }), cm('airbyte-env', { B: '2' })];
    expect(envFromLacksVariableAnalyzer.finds(ctx(ns, none))).toEqual([]);
  });
});

describe('log-glosses: a host on the internet that cannot be reached', () => {
  it.each([
    [
      "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /pypi/x/json (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object>: Failed to establish a new connection: [Errno 101] Network is unreachable'))",
      true,
    ],
    ['Error: getaddrinfo ENOTFOUND registry.npmjs.org', true],
    ['dial tcp: lookup api.github.com on 10.96.0.10:53: no such host', true],
    [
      "HTTPSConnectionPool(host='minio.store.svc', port=9000): Max retries exceeded (Caused by NewConnectionError('x'))",
      false,
    ],
    ['Error: getaddrinfo ENOTFOUND orders-db', false],
  ])('%s', (line, outside) => {
    expect(glossOf(line)?.means.includes('a host on the internet outside the cluster') ?? false).toBe(
      outside,
    );
  });

  it("minio-go's empty endpoint and a malformed host are told apart", () => {
    expect(
      glossOf(
        'failed to create file store client: Endpoint:  does not follow ip address or domain name standards.',
      )?.means,
    ).toContain('was given an empty endpoint');
    expect(
      glossOf('Endpoint: minio_store:9000 does not follow ip address or domain name standards.')?.means,
    ).toContain('it takes a host or host:port only');
  });
});

describe('operator-reconcile-error: the operator of the product the task names', () => {
  const ns = 'collab';
  const at = 'mattermost-operator';
  const operator = 'mattermost-operator-6d8b5c7f9-q4tzk';
  const task =
    'We applied the Mattermost manifest for teamchat in namespace collab; it still shows as reconciling.';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [ns, 'Active', '9d'],
      [at, 'Active', '90d'],
      ['support-chat', 'Active', '90d'],
    ]),
  );
  const opPods = observed(
    'list_pods',
    { namespace: at },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [operator, '1/1', 'Running', '1 (5d ago)', '34d'],
    ]),
  );
  const current = log(at, operator, ['{"level":"info","msg":"starting manager"}']);
  const previous = log(
    at,
    operator,
    [
      '{"level":"error","logger":"controller","msg":"Reconciler error","reconciler kind":"Mattermost","name":"teamchat","namespace":"collab","error":"failed to create file store client: Endpoint:  does not follow ip address or domain name standards."}',
    ],
    { previous: true },
  );

  it("reads the operator's pods, its log, then its previous instance's log", () => {
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [namespaces], task))).toEqual([
      { tool: 'list_pods', args: { namespace: at } },
    ]);
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [namespaces, opPods, current], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: at, name: operator, previous: true } },
    ]);
  });

  it('names the object of a Reconciler error written name first, and says what its error means', () => {
    const [f] = operatorReconcileErrorAnalyzer.finds(ctx(ns, [namespaces, opPods, current, previous], task));
    expect(f?.object).toBe(`teamchat (managed by the operator in namespace ${at})`);
    expect(f?.cause).toContain('was given an empty endpoint');
  });

  it('a task that does not name the product reads no operator', () => {
    expect(
      operatorReconcileErrorAnalyzer.reads(ctx(ns, [namespaces], 'teamchat in collab is stuck')),
    ).toEqual([]);
  });
});

describe('moved-workload-bindings: the bindings of a workload that moved namespaces', () => {
  const task =
    'Since we moved the Grafana Agent from namespace observability to monitoring on Sunday, the dashboards are empty.';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['monitoring', 'Active', '2d'],
      ['observability', 'Active', '90d'],
    ]),
  );
  const scanned = observed(
    'scan',
    { namespace: 'monitoring', analyzers: ['rbac-subjects'] },
    [
      'scan of namespace monitoring: 1 finding(s)',
      'ServiceAccount monitoring/grafana-agent  BindingNamesOtherNamespace',
      '    next: get_resource kind=ClusterRoleBinding name=grafana-agent',
    ].join('\n'),
  );

  it('asks the opt-in scan in the namespace it moved to, then reads the binding it names', () => {
    expect(movedWorkloadBindingsAnalyzer.reads(ctx('observability', [namespaces], task))).toEqual([
      { tool: 'scan', args: { namespace: 'monitoring', analyzers: ['rbac-subjects'] } },
    ]);
    expect(movedWorkloadBindingsAnalyzer.reads(ctx('observability', [namespaces, scanned], task))).toEqual([
      { tool: 'get_resource', args: { kind: 'ClusterRoleBinding', name: 'grafana-agent' } },
    ]);
  });

  it('no move, or a namespace the cluster does not have, asks nothing', () => {
    expect(
      movedWorkloadBindingsAnalyzer.reads(ctx('monitoring', [namespaces], 'the agent in monitoring is slow')),
    ).toEqual([]);
    expect(
      movedWorkloadBindingsAnalyzer.reads(
        ctx('monitoring', [namespaces], 'we moved it from namespace legacy to monitoring'),
      ),
    ).toEqual([]);
  });
});
