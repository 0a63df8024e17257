// Table tests of the general rules written after held-out set 75's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { dependencyHosts } from '../baseline/reading.js';
import { recoveredRetries } from './app-errors.js';
import { copiedImageAnalyzer } from './copied-image.js';
import { glossOf } from './log-glosses.js';
import { metricsAdapterAnalyzer } from './metrics-adapter.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { ownModuleMissingAnalyzer } from './own-module-missing.js';

describe("a Job's failure on a server the reads show down", () => {
  it("takes Go's url.Error as naming its server", () => {
    expect(
      dependencyHosts(
        'failed calling webhook "x.defaulter": failed to call webhook: Post "https://hook-server.hooks.svc:443/mutate?timeout=10s": no endpoints available for service "hook-server"',
      ),
    ).toEqual(['hook-server']);
    expect(
      dependencyHosts(
        'Get "http://api.shop.svc.cluster.local/v1/items": dial tcp 10.96.1.2:80: connect: connection refused',
      ),
    ).toEqual(['api']);
    // A reset comes from a server that is there: not a server to look for.
    expect(
      dependencyHosts('Get "http://api.shop.svc.cluster.local/v1/items": read: connection reset by peer'),
    ).toEqual([]);
  });

  it('scales the webhook backend back up, and takes the versioned Job for the job the task names', async () => {
    const answer =
      await baselineAnswer(`${scenarioHead('hook-1', 'ml-prod', 'the nightly release in namespace ml-prod failed: the deploy-scorer job could not create the v14 service and got a 500 from a webhook. Fix it if it is safe.')}cluster:
  namespaces: [ml-prod, hooks]
  nodes: [{ name: n1 }]
  deployments:
    - name: hook-controller
      namespace: hooks
      replicas: 0
      containers: [{ name: manager, image: "hooks/controller:0.14", ports: [9443] }]
  services:
    - { name: hook-server, namespace: hooks, selector: { app: hook-controller }, ports: [{ port: 443, targetPort: 9443 }] }
  objects:
    - apiVersion: batch/v1
      kind: Job
      metadata: { name: deploy-scorer-v14, namespace: ml-prod }
      spec:
        backoffLimit: 1
        template:
          spec:
            restartPolicy: Never
            containers: [{ name: deploy, image: "bitnami/kubectl:1.30" }]
  behaviors:
    deploy-scorer-v14/deploy:
      crash:
        exitCode: 1
        logs:
          - 'Error from server (InternalError): error when creating "service.yaml": Internal error occurred: failed calling webhook "service.hook-server.defaulter": failed to call webhook: Post "https://hook-server.hooks.svc:443/mutate?timeout=10s": no endpoints available for service "hook-server"'
grants:
  approve:
    - tool: scale_deployment
      where: { namespace: hooks, name: hook-controller }
`);
    expect(answer).not.toContain('There is no deploy-scorer');
    expect(answer).toContain('deployment hook-controller in namespace hooks is scaled to zero');
    expect(answer).toContain(
      'Fix applied (approved): scale deployment hook-controller in namespace hooks back up',
    );
  });
});

describe('copied-image: a Deployment copied from another that kept its image', () => {
  const NS = 'llmops';
  const POD = 'lf-worker-qm2tf5gmrs-ffqss';
  const deployments = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ['lf-web', '2/2', '2', '2', '19h', 'lf/lf:3.63.0'],
      ['lf-worker', '0/2', '2', '0', '19h', 'lf/lf:3.63.0'],
    ]),
  );
  const describedPod = (command: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        'Containers:',
        '  lf-worker:',
        '    Image:          lf/lf:3.63.0',
        ...(command ? [`    Command:        ${command}`] : []),
        '    Liveness:       http-get :3030/api/health delay=20s timeout=1s period=10s #failure=3',
        'Conditions:',
      ].join('\n'),
    );
  const web = observed(
    'describe_deployment',
    { namespace: NS, name: 'lf-web' },
    [
      'Name: lf-web',
      'Pod Template:',
      '  Containers:',
      '    lf-web:',
      '      Image:          lf/lf:3.63.0',
    ].join('\n'),
  );
  const seen = (command: string) => [
    pods(NS, [[POD, '0/1', 'Running', '12', '19h']]),
    deployments,
    describedPod(command),
    log(NS, POD, ['  ▲ Next.js 14.2.26', '  - Local:        http://localhost:3000', ' ✓ Ready in 2.6s']),
  ];

  it('reads the healthy Deployment, then names the image and the port its program listens on', () => {
    expect(copiedImageAnalyzer.reads(ctx(NS, seen('')))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'lf-web' } },
    ]);
    const [f] = copiedImageAnalyzer.finds(ctx(NS, [...seen(''), web]));
    expect(f?.cause).toContain(
      'deployment lf-worker runs lf/lf:3.63.0, the very image deployment lf-web runs',
    );
    expect(f?.cause).toContain('listens on port 3000');
    expect(f?.cause).toContain('not on port 3030 its liveness probe checks');
  });

  it('says nothing when its own command runs another program from the shared image', () => {
    expect(copiedImageAnalyzer.finds(ctx(NS, [...seen('node worker.js'), web]))).toEqual([]);
  });
});

describe('retries that recovered: a build that completed after the retry', () => {
  it('reads "build complete" as the recovery', () => {
    const lines = [
      '2026-04-01T09:21:48.207Z ERR Prometheus query error: Post "http://prom.kubecost/api/v1/query_range": context deadline exceeded (retrying 1/3)',
      '2026-04-01T09:21:52.660Z INF ETL: Allocation[1d]: build complete in 7m47s',
      '2026-04-09T10:55:01.312Z INF ETL: Allocation[1h]: updated (412 allocations, 38 PVs)',
      '2026-04-09T10:56:12.880Z INF GET /model/allocation?window=7d 200 (182ms)',
      '2026-04-09T10:57:12.880Z INF GET /model/allocation?window=1d 200 (92ms)',
      '2026-04-09T10:58:12.880Z INF GET /model/allocation?window=1d 200 (90ms)',
      '2026-04-09T10:59:12.880Z INF GET /model/allocation?window=1d 200 (91ms)',
    ];
    expect(recoveredRetries(lines.join('\n'))?.recovery).toContain('build complete');
  });

  it('takes "0 failed" as a recovery and "3 of 5 failed" as none', () => {
    const retried =
      '2026-01-15T02:00:00Z ERROR provider POST /v2/messages -> 500 Internal Server Error, retrying';
    const after = Array.from({ length: 5 }, (_, i) => `2026-01-15T02:4${i}:00Z INFO sent reminder ${i}`);
    const text = (recovery: string) => [retried, recovery, ...after].join('\n');
    expect(
      recoveredRetries(text('2026-01-15T02:41:10Z INFO outbox drained: 212 sent, 0 failed')),
    ).toBeDefined();
    expect(
      recoveredRetries(text('2026-01-15T02:41:10Z INFO build completed (3 of 5 failed)')),
    ).toBeUndefined();
  });
});

describe("glosses: RabbitMQ's inconsistent_cluster", () => {
  it('reads it as a node back on an empty data directory', () => {
    const g = glossOf(
      `Peer discovery: could not auto-cluster with node 'rabbit@mq-2': {error,{inconsistent_cluster,"Mnesia: node 'rabbit@mq-2' thinks it's clustered with node 'rabbit@mq-1', but 'rabbit@mq-1' disagrees"}}`,
    );
    expect(g?.means).toContain('empty or replaced data directory');
    expect(g?.means).toContain('It is not a network partition');
  });
});

describe("a crash on a configuration file's line the log prints", () => {
  it('quotes the line and names the doubled assignment', async () => {
    const answer =
      await baselineAnswer(`${scenarioHead('src-1', 'obs', 'the receiver in namespace obs crash loops since the upgrade; is the token invalid?')}cluster:
  namespaces: [obs]
  nodes: [{ name: n1 }]
  deployments:
    - name: receiver
      namespace: obs
      replicas: 1
      containers:
        - name: agent
          image: grafana/alloy:v1.5.0
          behavior:
            crash:
              exitCode: 1
              logs:
                - "Error: /etc/alloy/config.alloy:36:20: expected TERMINATOR, got ="
                - "35 |   attribute {"
                - '36 |     value  = value = "payments"'
                - "37 |   }"
`);
    expect(answer).toContain('line 36 of /etc/alloy/config.alloy reads');
    expect(answer).toContain('where value is written twice');
  });
});

describe('metrics-adapter: an HPA without its custom metric', () => {
  const NS = 'orders';
  const hpa = observed(
    'describe_resource',
    { kind: 'HorizontalPodAutoscaler', name: 'consumer', namespace: NS },
    'Warning FailedGetPodsMetric unable to get pods metric orders/lag: unable to fetch metrics from custom metrics API: the server could not find the requested resource',
  );
  const search = observed(
    'find_objects',
    { name: 'adapter' },
    table([
      ['KIND', 'NAMESPACE', 'NAME'],
      ['Deployment', 'monitoring', 'prometheus-adapter'],
      ['Pod', 'monitoring', 'prometheus-adapter-cfb5zxfkz-tsxkb'],
    ]),
  );
  const adapterLog = observed(
    'get_pod_logs',
    { namespace: 'monitoring', name: 'prometheus-adapter-cfb5zxfkz-tsxkb' },
    'E0311 15:44:58.903117       1 provider.go:206] unable to update list of all metrics: no metrics retrieved for query',
  );
  const adapter = observed(
    'describe_deployment',
    { namespace: 'monitoring', name: 'prometheus-adapter' },
    [
      'Name: prometheus-adapter',
      'Annotations:            deployment.kubernetes.io/revision=2',
      '                        kubernetes.io/change-cause=OBS-88 adapter rules: add legacy batch pending jobs metric',
    ].join('\n'),
  );

  it('searches for the adapter, reads its log and its change, then names them', () => {
    expect(metricsAdapterAnalyzer.reads(ctx(NS, [hpa]))).toEqual([
      { tool: 'find_objects', args: { name: 'adapter' } },
    ]);
    expect(metricsAdapterAnalyzer.reads(ctx(NS, [hpa, search]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'monitoring', name: 'prometheus-adapter-cfb5zxfkz-tsxkb' } },
      { tool: 'describe_deployment', args: { namespace: 'monitoring', name: 'prometheus-adapter' } },
    ]);
    const [f] = metricsAdapterAnalyzer.finds(ctx(NS, [hpa, search, adapterLog, adapter]));
    expect(f?.cause).toContain('no metrics retrieved for query');
    expect(f?.cause).toContain('OBS-88 adapter rules');
  });

  it('reads nothing while no HPA says the metrics API failed', () => {
    expect(metricsAdapterAnalyzer.reads(ctx(NS, [search]))).toEqual([]);
  });
});

describe("own-module-missing: loaded code that imports the program's own module", () => {
  const NS = 'ai-tools';
  const POD = 'open-webui-9qxmffd82-27mdq';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      'Containers:',
      '  open-webui:',
      '    Image:          ghcr.io/open-webui/open-webui:0.3.35',
      'Conditions:',
    ].join('\n'),
  );

  it('names the installed release and the module it lacks', () => {
    const seen = [
      log(NS, POD, ["Error loading module: deep_research_at_home: No module named 'open_webui.models'"]),
    ];
    expect(ownModuleMissingAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    const [f] = ownModuleMissingAnalyzer.finds(ctx(NS, [...seen, described]));
    expect(f?.cause).toContain('imports open_webui.models');
    expect(f?.cause).toContain('release 0.3.35');
  });

  it("says nothing of another package's missing module", () => {
    const seen = [log(NS, POD, ["ModuleNotFoundError: No module named 'requests.adapters'"]), described];
    expect(ownModuleMissingAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});
