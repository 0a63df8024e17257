// Rules written after held-out sets 118 (its remaining misses), 120 and 121, each general, tested here on
// inputs made up for the test: the names, hosts and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { subjectOf } from '../baseline/signatures/named-first.js';
import { expectedLine } from './expected-log-lines.js';

const node = (name: string, extra = '') => `{ name: ${name}, cpu: "8", memory: 32Gi${extra} }`;

describe('a DaemonSet kept off tainted nodes, and a Job held open by its sidecar', () => {
  it('names the taint the DaemonSet does not tolerate', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'ds-taint',
      'ops',
      'The metrics-agent DaemonSet in namespace ops sends nothing from the two new batch nodes. I guess the agents there crash.',
    )}cluster:
  namespaces: [ops]
  nodes:
    - ${node('w1')}
    - ${node('batch-1', ', taints: [{ key: dedicated, value: batch, effect: NoSchedule }]')}
    - ${node('batch-2', ', taints: [{ key: dedicated, value: batch, effect: NoSchedule }]')}
  objects:
    - apiVersion: apps/v1
      kind: DaemonSet
      metadata: { name: metrics-agent, namespace: ops, labels: { app: metrics-agent } }
      spec:
        selector: { matchLabels: { app: metrics-agent } }
        template:
          metadata: { labels: { app: metrics-agent } }
          spec:
            containers: [{ name: agent, image: "example/agent:2.0" }]
  behaviors:
    metrics-agent/agent:
      logs: ["INFO shipping metrics"]
  deployments:
    - name: report-mailer
      namespace: ops
      replicas: 1
      containers:
        - name: mailer
          image: "example/mailer:1.0"
          behavior: { crash: { exitCode: 1, logs: ["ERROR smtp auth failed"] } }
`);
    expect(answer).toMatch(/DaemonSet metrics-agent runs no pod on nodes batch-1, batch-2/);
    expect(answer).toMatch(/dedicated=batch:NoSchedule/);
  });
});

describe('pool-over-cpu: a worker pool far above the CPU limit', () => {
  it('sets the pool variable to one worker per CPU and names the dropped heartbeats', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'pool-over-cpu',
      'imaging',
      'The resize-worker backlog in namespace imaging keeps growing and its logs say the broker connection was lost. Fix it if it is safe.',
    )}cluster:
  namespaces: [imaging]
  nodes: [${node('n1')}]
  deployments:
    - name: resize-worker
      namespace: imaging
      replicas: 1
      containers:
        - name: worker
          image: "example/resize:5.1"
          env: { APP_WORKER_CONCURRENCY: "24" }
          resources: { requests: { cpu: "1" }, limits: { cpu: "2" } }
          behavior:
            cpu: { need: "10" }
            logs:
              - "[config] .> concurrency: 24 (prefork)"
              - "WARNING consumer: Connection to broker lost. Trying to re-establish the connection..."
grants:
  approve:
    - tool: set_env
      where: { namespace: imaging, deployment: resize-worker }
      reason: test
`);
    expect(answer).toMatch(/runs a pool of 24 worker processes or threads \(APP_WORKER_CONCURRENCY=24/);
    expect(answer).toMatch(/heartbeats/);
    expect(answer).toMatch(/APP_WORKER_CONCURRENCY=2 on container worker/);
  });
});

describe('traefik-provider-off: a Middleware of a provider Traefik does not run', () => {
  it('names the CRD provider and enables it by the variable the container uses', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'traefik-crd-off',
      'edge',
      'Since the docs site moved under /docs every page answers 404 page not found. Namespace edge. Fix it if safe.',
    )}cluster:
  namespaces: [edge]
  nodes: [${node('n1')}]
  deployments:
    - name: proxy
      namespace: edge
      replicas: 1
      containers:
        - name: traefik
          image: "example/traefik:3.1"
          env: { TRAEFIK_PROVIDERS_KUBERNETESINGRESS: "true", TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ":8000" }
          behavior:
            logs:
              - 'ERR error="middleware \\"edge-docs-strip@kubernetescrd\\" does not exist" entryPointName=web routerName=docs@kubernetes'
grants:
  approve:
    - tool: set_env
      where: { namespace: edge, deployment: proxy }
      reason: test
`);
    expect(answer).toMatch(/Kubernetes CRD provider \(kubernetesCRD\) is not enabled/);
    expect(answer).toMatch(/TRAEFIK_PROVIDERS_KUBERNETESCRD=true/);
  });
});

describe('clickhouse-small-inserts and jvm-processors: two products read by their own words', () => {
  it('reads tiny parts as tiny inserts', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'ch-parts',
      'warehouse',
      'Inserts into the events store in namespace warehouse fail since this morning. I think ClickHouse needs a faster disk.',
    )}cluster:
  namespaces: [warehouse]
  nodes: [${node('n1')}]
  deployments:
    - name: events-store
      namespace: warehouse
      replicas: 1
      containers:
        - name: clickhouse
          image: "example/clickhouse:24.1"
          behavior:
            logs:
              - "<Error> executeQuery: Code: 252. DB::Exception: Too many parts (3001 with average size of 12.50 KiB) in table 'ev.raw (uuid)'. Merges are processing significantly slower than inserts. (TOO_MANY_PARTS)"
`);
    expect(answer).toMatch(/3001 active parts averaging 12\.50 KiB/);
    expect(answer).toMatch(/tiny inserts/);
  });

  it('reads a small search pool beside a CPU request with no limit as the JVM counting shares', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'es-procs',
      'find',
      'Searches on the docs-index pods in namespace find get 429 rejected at peak although the nodes are idle.',
    )}cluster:
  namespaces: [find]
  nodes: [${node('n1')}]
  deployments:
    - name: docs-index
      namespace: find
      replicas: 1
      containers:
        - name: es
          image: "example/elasticsearch:7.17"
          resources: { requests: { cpu: "1" }, limits: { memory: 8Gi } }
          behavior:
            logs:
              - "org.elasticsearch.common.util.concurrent.EsRejectedExecutionException: rejected execution of x on QueueResizingEsThreadPoolExecutor[name = n1/search, queue capacity = 1000, pool size = 2, active threads = 2, queued tasks = 1000]"
`);
    expect(answer).toMatch(/search thread pool has only 2 threads/);
    expect(answer).toMatch(/counts its processors from the CPU request/);
  });
});

describe('throttled-dependency: a client timing out on a throttled Service', () => {
  it('leads with the dependency the named client waits on', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'throttled-dep',
      'shipping',
      'The log forwarder pods in namespace shipping print buffer warnings and the dashboards lag. I think the buffer is too small.',
    )}cluster:
  namespaces: [shipping]
  nodes: [${node('n1')}]
  deployments:
    - name: forwarder
      namespace: shipping
      replicas: 1
      containers:
        - name: fwd
          image: "example/forwarder:1.2"
          behavior:
            logs:
              - '[warn] could not push logs to {:host=>"searchdb.shipping.svc", :port=>9200}: read timeout reached'
    - name: searchdb
      namespace: shipping
      replicas: 1
      containers:
        - name: db
          image: "example/searchdb:8.1"
          ports: [9200]
          resources: { limits: { cpu: "1" } }
          behavior: { listenPorts: [9200], cpu: { need: "3" }, logs: ["started"] }
  services:
    - { name: searchdb, namespace: shipping, selector: { app: searchdb }, ports: [{ port: 9200 }] }
`);
    expect(answer).toMatch(/^Root cause: deployment searchdb/);
    expect(answer).toMatch(/is CPU-throttled: container db uses 1 of its 1 CPU limit/);
  });

  it('takes the subject a cause opens with', () => {
    expect(subjectOf("fwd-1's requests to db time out")).toBe('fwd-1');
    expect(subjectOf('the pod is Pending')).toBe('');
  });
});

describe('routine lines: a namespaced Traefik that cannot list IngressClasses', () => {
  it('explains it as harmless', () => {
    expect(
      expectedLine(
        'WRN Failed to list ingress classes error="cluster factory not loaded" providerName=kubernetes',
      ),
    ).toMatch(/harmless/);
  });
});

describe('set 120: anti-affinity on too few nodes, an RBAC refusal behind a crash', () => {
  it('scales a Deployment whose pods anti-affinity allows one per allowed node to its ready count', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'anti-affinity-scale',
      'kv',
      'One consensus-db pod in namespace kv has been Pending since the node pool change. Fix it if that is safe.',
    )}cluster:
  namespaces: [kv]
  nodes:
    - ${node('db-a', ', labels: { pool: db }')}
    - ${node('db-b', ', labels: { pool: db }')}
    - ${node('app-1', ', labels: { pool: app }')}
  deployments:
    - name: consensus-db
      namespace: kv
      replicas: 3
      nodeSelector: { pool: db }
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: { matchLabels: { app: consensus-db } }
              topologyKey: kubernetes.io/hostname
      containers:
        - name: db
          image: "example/consensus:2.0"
          behavior: { logs: ["raft: follower"] }
      pods:
        - { node: db-a }
        - { node: db-b }
        - {}
grants:
  approve:
    - tool: scale_deployment
      where: { namespace: kv, name: consensus-db }
      reason: test
`);
    expect(answer).toMatch(/Fix applied \(approved\): scale consensus-db from 3 to 2 replicas/);
  });

  it('leads with the RBAC refusal of the named workload, not its crash or a neighbour', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'rbac-leads',
      'fleet2',
      'lease-keeper in namespace fleet2 keeps restarting since its upgrade. Find out what is wrong.',
    )}cluster:
  namespaces: [fleet2]
  nodes: [${node('n1')}]
  deployments:
    - name: lease-keeper
      namespace: fleet2
      replicas: 1
      serviceAccountName: lease-keeper
      containers:
        - name: keeper
          image: "example/keeper:2.0"
          behavior:
            crash:
              exitCode: 1
              logs:
                - 'level=error msg="startup failed" err="configmaps is forbidden: User \\"system:serviceaccount:fleet2:lease-keeper\\" cannot list resource \\"configmaps\\" in API group \\"\\" in the namespace \\"fleet2\\""'
    - name: aaa-ui
      namespace: fleet2
      replicas: 1
      containers:
        - name: ui
          image: "example/ui:1.0"
          resources: { limits: { memory: 64Mi } }
          behavior: { memory: { need: 300Mi }, logs: ["ui starting"] }
  objects:
    - { apiVersion: v1, kind: ServiceAccount, metadata: { name: lease-keeper, namespace: fleet2 } }
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: { name: lease-keeper, namespace: fleet2 }
      rules: [{ apiGroups: [""], resources: [configmaps], verbs: [get] }]
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: { name: lease-keeper, namespace: fleet2 }
      roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: lease-keeper }
      subjects: [{ kind: ServiceAccount, name: lease-keeper, namespace: fleet2 }]
`);
    expect(answer).toMatch(/^Root cause: serviceaccount lease-keeper/);
  });
});
