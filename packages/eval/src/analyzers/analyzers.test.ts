// One table row per failure family: a small world showing the family's signature, run through the
// baseline, and the words its answer must contain. These are the analyzers' own tests, written with
// them; the held-out measure lives in scenarios-held-out*/.
import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from '../baseline-model.js';
import { simEnvironment } from '../environment.js';
import { runEval } from '../runner.js';
import { parseScenario } from '../scenario-loader.js';
import { otherLines, warningLines } from './app-errors.js';
import { serviceOf, unresolvedHosts } from './external-name.js';
import { warningsAnalyzer } from './warnings.js';

const header = (id: string, ns: string, task: string) => `schemaVersion: 1
id: ${id}
title: analyzer table test
difficulty: medium
namespace: ${ns}
task: ${JSON.stringify(task)}
`;

const ROWS: { id: string; yaml: string; mentions: RegExp[]; absent?: RegExp[] }[] = [
  {
    id: 'storage-class-missing',
    mentions: [/PersistentVolumeClaim pg-data is Pending/, /StorageClass "fast-ssd" does not exist/],
    yaml: `${header('storage-class-missing', 'db', 'postgres in namespace db never starts')}cluster:
  namespaces: [db]
  nodes: [{ name: n1 }]
  pods:
    - name: postgres-0
      namespace: db
      phase: Pending
      containers: [{ name: pg, image: postgres:16 }]
      volumes: [{ name: data, persistentVolumeClaim: { claimName: pg-data } }]
  objects:
    - { apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: { name: standard }, provisioner: rancher.io/local-path }
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: { name: pg-data, namespace: db }
      spec: { storageClassName: fast-ssd, accessModes: [ReadWriteOnce], resources: { requests: { storage: 10Gi } } }
      status: { phase: Pending }
  events:
    - { namespace: db, object: PersistentVolumeClaim/pg-data, type: Warning, reason: ProvisioningFailed, message: 'storageclass.storage.k8s.io "fast-ssd" not found' }
expect:
  rootCause: { mustMention: [pg-data] }
`,
  },
  {
    id: 'job-backoff',
    mentions: [/job nightly-export failed/, /BackoffLimitExceeded/, /password authentication failed/],
    yaml: `${header('job-backoff', 'batch', 'why did the nightly export job fail in namespace batch?')}cluster:
  namespaces: [batch]
  nodes: [{ name: n1 }]
  pods:
    - name: nightly-export-x7k2p
      namespace: batch
      labels: { job-name: nightly-export }
      containers:
        - name: export
          image: tools/export:3
          behavior: { crash: { exitCode: 1, logs: ['connecting to warehouse', 'FATAL: password authentication failed for user "export"'] } }
  objects:
    - apiVersion: batch/v1
      kind: Job
      metadata: { name: nightly-export, namespace: batch }
      spec: { backoffLimit: 3, template: { spec: { containers: [{ name: export, image: tools/export:3 }], restartPolicy: Never } } }
      status: { failed: 4, conditions: [{ type: Failed, status: 'True', reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit }] }
expect:
  rootCause: { mustMention: [nightly-export] }
`,
  },
  {
    id: 'hpa-no-requests',
    mentions: [/HorizontalPodAutoscaler web cannot scale/, /missing request for cpu/],
    yaml: `${header('hpa-no-requests', 'shop', 'the web autoscaler in namespace shop is not scaling up under load')}cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments: [{ name: web, namespace: shop, replicas: 2, containers: [{ name: web, image: shop/web:1 }] }]
  objects:
    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: { name: web, namespace: shop }
      spec: { minReplicas: 2, maxReplicas: 10, scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web } }
      status:
        currentReplicas: 2
        conditions:
          - { type: ScalingActive, status: 'False', reason: FailedGetResourceMetric, message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container web of Pod web-1' }
expect:
  rootCause: { mustMention: [web] }
`,
  },
  {
    id: 'rbac-forbidden',
    mentions: [/ServiceAccount reporter .* not allowed to list configmaps/, /Role reporter-read/],
    yaml: `${header('rbac-forbidden', 'ops', 'reporter in namespace ops logs errors and produces no reports')}cluster:
  namespaces: [ops]
  nodes: [{ name: n1 }]
  deployments:
    - name: reporter
      namespace: ops
      containers:
        - name: reporter
          image: ops/reporter:2
          behavior: { logs: ['starting reporter', 'E1130 configmaps is forbidden: User "system:serviceaccount:ops:reporter" cannot list resource "configmaps" in API group "" in the namespace "ops"'] }
  objects:
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: { name: reporter-read, namespace: ops }, rules: [{ apiGroups: [''], resources: [configmaps], verbs: [get] }] }
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: { name: reporter, namespace: ops }
      roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reporter-read }
      subjects: [{ kind: ServiceAccount, name: reporter, namespace: ops }]
expect:
  rootCause: { mustMention: [reporter] }
`,
  },
  {
    id: 'netpol-egress',
    mentions: [/NetworkPolicy deny-egress/, /allows no egress/],
    yaml: `${header('netpol-egress', 'api', 'orders in namespace api cannot reach its database since this morning')}cluster:
  namespaces: [api]
  nodes: [{ name: n1 }]
  deployments:
    - name: orders
      namespace: api
      containers:
        - name: orders
          image: api/orders:5
          behavior: { logs: ['starting', 'dial tcp 10.96.0.40:5432: i/o timeout', 'retrying database connection'] }
  objects:
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny-egress, namespace: api }
      spec: { podSelector: {}, policyTypes: [Egress] }
expect:
  rootCause: { mustMention: [deny-egress] }
`,
  },
  {
    // Every replica logs the timeouts: the pods are the policy's symptom, not separate incidents.
    id: 'netpol-egress-symptom-pods-not-separate',
    mentions: [/NetworkPolicy deny-egress/],
    absent: [/Also seen/],
    yaml: `${header('netpol-egress-symptom-pods-not-separate', 'api', 'orders in namespace api cannot reach its database since this morning')}cluster:
  namespaces: [api]
  nodes: [{ name: n1 }]
  deployments:
    - name: orders
      namespace: api
      replicas: 3
      containers:
        - name: orders
          image: api/orders:5
          behavior: { logs: ['starting', 'ERROR dial tcp 10.96.0.40:5432: i/o timeout', 'ERROR database unreachable, retrying'] }
  objects:
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: deny-egress, namespace: api }
      spec: { podSelector: {}, policyTypes: [Egress] }
expect:
  rootCause: { mustMention: [deny-egress] }
`,
  },
  {
    // A liveness probe on a path that now needs credentials: 401, not a program that exits 0.
    id: 'liveness-401-auth',
    mentions: [/requires authentication \(the program answers it with HTTP 401 Unauthorized/, /\/healthz/],
    absent: [/exits with code 0/],
    yaml: `${header('liveness-401-auth', 'search', 'vector-store in search keeps restarting since we enabled API keys')}cluster:
  namespaces: [search]
  nodes: [{ name: n1 }]
  deployments:
    - name: vector-store
      namespace: search
      containers:
        - name: vecstore
          image: search/vecstore:1.9.2
          ports: [6333]
          livenessProbe: { httpGet: { path: /, port: 6333 }, periodSeconds: 10, failureThreshold: 3 }
          behavior:
            stopExitCode: 0
            http: [{ port: 6333, path: /, status: 401 }, { port: 6333, path: /healthz }]
            logs: ['INFO api key authentication enabled for REST', 'INFO "GET / HTTP/1.1" 401 0 "kube-probe/1.30"']
expect:
  rootCause: { mustMention: [liveness, '401'] }
`,
  },
  {
    // A memory limit nobody declared: the namespace's LimitRange default, named from the pod annotation.
    id: 'oom-limitrange-default',
    mentions: [
      /LimitRanger admission plugin wrote it into the pod from the namespace's LimitRange default \(LimitRange team-defaults\)/,
      /from 256Mi to 1Gi/,
    ],
    yaml: `${header('oom-limitrange-default', 'reports', 'the builder pods in reports restart all the time since yesterday')}cluster:
  namespaces: [reports]
  nodes: [{ name: n1 }]
  deployments:
    - name: builder
      namespace: reports
      containers:
        - name: builder
          image: reports/builder:5
          resources: { requests: { cpu: 500m } }
          behavior: { memory: { need: 700Mi }, failAfter: 3m, logs: ['rendering batch 1'] }
  objects:
    - apiVersion: v1
      kind: LimitRange
      metadata: { name: team-defaults, namespace: reports }
      spec: { limits: [{ type: Container, default: { memory: 256Mi } }] }
expect:
  rootCause: { mustMention: [team-defaults] }
`,
  },
  {
    // ENOSPC with bytes free: the program's own disk check shows the inodes used up.
    id: 'enospc-inodes',
    mentions: [/run out of inodes, not bytes/],
    yaml: `${header('enospc-inodes', 'mail', 'spooler in mail crash-loops with No space left on device but the volume is a third full')}cluster:
  namespaces: [mail]
  nodes: [{ name: n1 }]
  deployments:
    - name: spooler
      namespace: mail
      containers:
        - name: spooler
          image: mail/spooler:6
          behavior:
            crash:
              exitCode: 1
              logs:
                - 'INFO diskcheck /var/spool: size=19.6GiB used=6.1GiB (31%) inodes=1310720 iused=1310720 (100%) ifree=0'
                - "ERROR spool write failed: [Errno 28] No space left on device: '/var/spool/q/1.json'"
expect:
  rootCause: { mustMention: [inodes] }
`,
  },
  {
    id: 'ingress-no-class',
    mentions: [/ingress storefront names ingress class "nginx-public", which does not exist/],
    yaml: `${header('ingress-no-class', 'web', 'https://shop.example.com returns 404 from outside; namespace web')}cluster:
  namespaces: [web]
  nodes: [{ name: n1 }]
  deployments: [{ name: storefront, namespace: web, containers: [{ name: web, image: web/storefront:4, ports: [8080] }] }]
  services: [{ name: storefront, namespace: web, selector: { app: storefront }, ports: [{ port: 80, targetPort: 8080 }] }]
  objects:
    - { apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: { name: nginx }, spec: { controller: k8s.io/ingress-nginx } }
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: { name: storefront, namespace: web }
      spec:
        ingressClassName: nginx-public
        rules: [{ host: shop.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: storefront, port: { number: 80 } } } }] } }]
expect:
  rootCause: { mustMention: [storefront] }
`,
  },
  {
    id: 'node-not-ready',
    mentions: [/node worker-2 is NotReady/],
    yaml: `${header('node-not-ready', 'app', 'pods of api in namespace app show Unknown and traffic dropped')}cluster:
  namespaces: [app]
  nodes: [{ name: worker-1 }, { name: worker-2, ready: false }]
  deployments:
    - name: api
      namespace: app
      replicas: 1
      containers: [{ name: api, image: app/api:1 }]
      pods: [{ node: worker-2, phase: Unknown }]
  events:
    - { namespace: app, object: Pod/api, type: Warning, reason: NodeNotReady, message: Node is not ready }
expect:
  rootCause: { mustMention: [worker-2] }
`,
  },
  {
    id: 'image-repo-misspelled',
    mentions: [
      /repository name is misspelled/,
      /Fix applied \(approved\): set the image of cache\/redis to bitnami\/redis:7\.2/,
    ],
    yaml: `${header('image-repo-misspelled', 'default', 'the new cache deployment never starts')}cluster:
  namespaces: [default]
  nodes: [{ name: n1 }]
  registry: { images: ['bitnami/redis:7.2', 'bitnami/postgresql:16'] }
  deployments:
    - { name: cache, namespace: default, containers: [{ name: redis, image: 'bitnmai/redis:7.2' }] }
    - { name: db, namespace: default, containers: [{ name: pg, image: 'bitnami/postgresql:16' }] }
grants:
  approve:
    - { tool: set_image, where: { namespace: default, deployment: cache, image: bitnami/redis:7.2 } }
expect:
  rootCause: { mustMention: [cache, [misspelled, typo]] }
  endState:
    - { kind: Deployment, name: cache, path: spec.template.spec.containers.0.image, equals: bitnami/redis:7.2 }
`,
  },
  {
    id: 'exits-zero',
    mentions: [/exits with code 0/, /CrashLoopBackOff/],
    yaml: `${header('exits-zero', 'tools', 'the notifier in namespace tools keeps restarting')}cluster:
  namespaces: [tools]
  nodes: [{ name: n1 }]
  deployments:
    - name: notifier
      namespace: tools
      containers:
        - { name: notifier, image: tools/notifier:1, behavior: { crash: { exitCode: 0, logs: ['sent 12 notifications, done'] } } }
expect:
  rootCause: { mustMention: [notifier, exit code 0] }
`,
  },
  {
    id: 'asked-for-events',
    mentions: [/Warning events in shop \(newest first\):\n- .*BackOff/],
    yaml: `${header('asked-for-events', 'shop', 'list the warning events in namespace shop and say what is wrong')}cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments:
    - name: cart
      namespace: shop
      containers: [{ name: cart, image: shop/cart:2, behavior: { crash: { exitCode: 2, logs: ['panic: invalid config'] } } }]
expect:
  rootCause: { mustMention: [cart] }
`,
  },
  {
    id: 'sts-scaled-to-zero',
    mentions: [/statefulset cache-store is scaled to 0 replicas/i],
    yaml: `${header('sts-scaled-to-zero', 'web', 'logins fail in namespace web: the app cannot reach its cache')}cluster:
  namespaces: [web]
  nodes: [{ name: n1 }]
  deployments:
    - name: login
      namespace: web
      containers: [{ name: login, image: web/login:3, behavior: { logs: ['ERROR cache-store:6379 connection refused'] } }]
  services: [{ name: cache-store, namespace: web, selector: { app: cache-store }, ports: [{ port: 6379 }] }]
  objects:
    - apiVersion: apps/v1
      kind: StatefulSet
      metadata: { name: cache-store, namespace: web }
      spec: { replicas: 0, serviceName: cache-store, selector: { matchLabels: { app: cache-store } } }
      status: { replicas: 0 }
expect:
  rootCause: { mustMention: [cache-store, scaled to 0] }
`,
  },
  {
    id: 'pull-secret-elsewhere',
    mentions: [/imagePullSecret "regcred" does not exist in namespace prod \(it exists only in build/],
    yaml: `${header('pull-secret-elsewhere', 'prod', 'api pods in namespace prod never start')}cluster:
  namespaces: [prod, build]
  nodes: [{ name: n1 }]
  registry: { denied: [registry.corp.example/] }
  deployments:
    - name: api
      namespace: prod
      imagePullSecrets: [{ name: regcred }]
      containers: [{ name: api, image: registry.corp.example/team/api:4.1 }]
  objects:
    - { apiVersion: v1, kind: Secret, metadata: { name: regcred, namespace: build }, type: kubernetes.io/dockerconfigjson, data: { .dockerconfigjson: e30= } }
expect:
  rootCause: { mustMention: [regcred] }
`,
  },
  {
    id: 'running-but-erroring',
    mentions: [/is Running but its program logs failures/, /division by zero/],
    yaml: `${header('running-but-erroring', 'calc', 'the pricing service in namespace calc returns errors to users')}cluster:
  namespaces: [calc]
  nodes: [{ name: n1 }]
  deployments:
    - name: pricing
      namespace: calc
      containers:
        - name: pricing
          image: calc/pricing:9
          behavior: { logs: ['GET /quote 200', 'ERROR ZeroDivisionError: division by zero in discount()', 'GET /quote 500'] }
expect:
  rootCause: { mustMention: [pricing, division by zero] }
`,
  },
  {
    id: 'running-nginx-error-level',
    // nginx's error-log line says why; the access-log 504 beside it only counts the failure.
    mentions: [/is Running but its program logs failures/, /upstream timed out/],
    yaml: `${header('running-nginx-error-level', 'edge', 'checkout through the proxy in namespace edge answers 504')}cluster:
  namespaces: [edge]
  nodes: [{ name: n1 }]
  deployments:
    - name: proxy
      namespace: edge
      containers:
        - name: nginx
          image: nginx:1.27
          behavior:
            logs:
              - '2026/11/23 06:59:41 [error] 29#29: *188 upstream timed out (110: Connection timed out) while connecting to upstream, upstream: "http://10.96.1.7:80/pay"'
              - '10.244.3.8 - - [23/Nov/2026:06:59:41 +0000] "POST /pay HTTP/1.1" 504 167 "-" "curl"'
expect:
  rootCause: { mustMention: [proxy] }
`,
  },
  {
    id: 'running-warn-gloss',
    mentions: [/is Running but its program logs failures/, /max\.poll\.interval\.ms/, /rebalances/],
    // The task names the group in the plural; the search finds the deployment by the singular.
    yaml: `${header('running-warn-gloss', 'ledger', 'consumer lag keeps growing on the billing-consumers group; all pods are Running')}cluster:
  namespaces: [default, kafka, ledger]
  nodes: [{ name: n1 }]
  deployments:
    - name: billing-consumer
      namespace: ledger
      containers:
        - name: consumer
          image: billing/consumer:2
          behavior:
            logs:
              - 'INFO handled record 11'
              - 'WARN [Consumer clientId=c-1, groupId=billing-consumers] consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms'
              - 'INFO (Re-)joining group'
    - { name: kafka, namespace: kafka, containers: [{ name: kafka, image: kafka:3.7, behavior: { logs: ['INFO started'] } }] }
expect:
  rootCause: { mustMention: [billing-consumer] }
`,
  },
  {
    id: 'glossed-crash-over-hpa-at-max',
    mentions: [/crashes on start/, /max_connections/],
    yaml: `${header('glossed-crash-over-hpa-at-max', 'shop', 'checkout in namespace shop scaled out and now half its pods crash')}cluster:
  namespaces: [shop]
  nodes: [{ name: n1, cpu: '64', memory: 256Gi }]
  deployments:
    - name: checkout
      namespace: shop
      replicas: 4
      containers:
        - name: app
          image: shop/checkout:5
          behavior: { crash: { exitCode: 1, logs: ['starting pool', 'FATAL:  sorry, too many clients already'] } }
  objects:
    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: { name: checkout, namespace: shop }
      spec: { minReplicas: 2, maxReplicas: 4, scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: checkout } }
      status:
        currentReplicas: 4
        desiredReplicas: 4
        conditions:
          - { type: ScalingLimited, status: 'True', reason: TooManyReplicas, message: 'the desired replica count is more than the maximum replica count' }
expect:
  rootCause: { mustMention: [checkout] }
`,
  },
  {
    id: 'failing-node',
    mentions: [/only the pods on node n2 fail/, /KernelOops/, /api-[a-z0-9]+-[a-z0-9]{5} on n1/],
    yaml: `${header('failing-node', 'web', 'about a third of api requests in namespace web fail; the payments upstream must be flaky')}cluster:
  namespaces: [web, pay]
  nodes:
    - { name: n1 }
    - name: n2
      events:
        - { type: Warning, reason: KernelOops, message: 'kernel: BUG: soft lockup - CPU#3 stuck for 22s', count: 40, age: 1m, firstSeen: 50m, source: kernel-monitor }
    - { name: n3 }
  deployments:
    - name: api
      namespace: web
      replicas: 3
      containers:
        - name: api
          image: web/api:7
          behavior: { listenPorts: [8080], logs: ['GET /pay 200'] }
      pods:
        - { node: n1 }
        - { node: n2, logs: ['GET /pay 200', 'ERROR upstream payments: dial tcp 10.96.0.40:80: i/o timeout'] }
        - { node: n3 }
    - { name: payments, namespace: pay, containers: [{ name: p, image: pay/p:1, behavior: { listenPorts: [8080], logs: ['ok'] } }] }
expect:
  rootCause: { mustMention: [n2] }
`,
  },
  {
    id: 'metrics-pipeline',
    mentions: [/metrics-server, which serves the resource metrics API/, /kubelet-10250 timeout/],
    yaml: `${header('metrics-pipeline', 'shop', 'the web HPA in namespace shop shows <unknown> targets; did someone break its metric spec?')}cluster:
  namespaces: [shop, kube-system]
  nodes: [{ name: n1 }]
  deployments:
    - { name: web, namespace: shop, replicas: 2, containers: [{ name: web, image: shop/web:1, resources: { requests: { cpu: 100m } }, behavior: { logs: ['GET / 200'] } }] }
    - name: metrics-server
      namespace: kube-system
      containers:
        - name: metrics-server
          image: registry.k8s.io/metrics-server/metrics-server:v0.7.2
          behavior: { logs: ['I1130 10:00:00.000000 1 server.go:191] starting', 'E1130 10:00:15.000000 1 scraper.go:149] "Failed to scrape node" err="kubelet-10250 timeout" node="n1"'] }
  objects:
    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: { name: web, namespace: shop }
      spec: { minReplicas: 2, maxReplicas: 10, scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web } }
      status:
        currentReplicas: 2
        conditions:
          - { type: ScalingActive, status: 'False', reason: FailedGetResourceMetric, message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)' }
expect:
  rootCause: { mustMention: [metrics-server] }
`,
  },
  {
    id: 'node-memory-pressure-culprit',
    mentions: [
      /MemoryPressure because pod etl-[a-z0-9-]+ \(namespace batch\) uses 9000Mi/,
      /no memory limit/,
    ],
    yaml: `${header('node-memory-pressure-culprit', 'web', 'web pods in namespace web keep getting evicted on node n2; is n2 broken?')}cluster:
  namespaces: [web, batch]
  nodes:
    - { name: n1, memory: 16Gi }
    - { name: n2, memory: 16Gi, pressure: [MemoryPressure] }
  deployments:
    - name: web
      namespace: web
      replicas: 2
      containers: [{ name: web, image: web/web:3, behavior: { logs: ['GET / 200'] } }]
      pods: [{ node: n1 }, { node: n2 }]
    - name: etl
      namespace: batch
      containers: [{ name: etl, image: batch/etl:1, resources: { requests: { memory: 1Gi } }, behavior: { logs: ['loading'] } }]
      pods: [{ node: n2, usage: { memory: 9000Mi } }]
expect:
  rootCause: { mustMention: [etl] }
`,
  },
  {
    id: 'node-pid-pressure-culprit',
    mentions: [/PIDPressure because pod crawler-[a-z0-9-]+ \(namespace scrape\) leaks processes/, /tini/],
    yaml: `${header('node-pid-pressure-culprit', 'web', 'one web pod in namespace web fails with fork: Resource temporarily unavailable; is its image bad?')}cluster:
  namespaces: [web, scrape]
  nodes:
    - { name: n1 }
    - { name: n2, pressure: [PIDPressure] }
  deployments:
    - name: web
      namespace: web
      replicas: 2
      containers: [{ name: web, image: web/web:3, behavior: { logs: ['GET / 200'] } }]
      pods: [{ node: n1 }, { node: n2, logs: ['ERROR fork: Resource temporarily unavailable'] }]
    - name: crawler
      namespace: scrape
      containers: [{ name: c, image: scrape/crawler:2, behavior: { logs: ['crawl ok', 'warn: 20113 child processes <defunct>'] } }]
      pods: [{ node: n2 }]
expect:
  rootCause: { mustMention: [crawler] }
`,
  },
  {
    id: 'frozen-k8s-gcr-io',
    mentions: [/k8s\.gcr\.io is frozen/, /registry\.k8s\.io\/metrics-server\/metrics-server:v0\.7\.2/],
    yaml: `${header('frozen-k8s-gcr-io', 'kube-system', 'metrics-server in namespace kube-system does not start after the upgrade to v0.7.2')}cluster:
  namespaces: [kube-system]
  nodes: [{ name: n1 }]
  registry: { images: ['k8s.gcr.io/metrics-server/metrics-server:v0.6.4', 'registry.k8s.io/metrics-server/metrics-server:v0.7.2'] }
  deployments:
    - { name: metrics-server, namespace: kube-system, containers: [{ name: metrics-server, image: k8s.gcr.io/metrics-server/metrics-server:v0.7.2 }] }
expect:
  rootCause: { mustMention: [registry.k8s.io] }
`,
  },
  {
    id: 'volume-permissions',
    mentions: [/runAsUser 999/, /no fsGroup/],
    yaml: `${header('volume-permissions', 'db', 'postgres in namespace db crash-loops since the security review')}cluster:
  namespaces: [db]
  nodes: [{ name: n1 }]
  behaviors:
    postgres:
      crash: { exitCode: 1, logs: ['initdb: error: could not change permissions of directory "/var/lib/postgresql/data": Operation not permitted'] }
  objects:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: { name: pg-data, namespace: db }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 10Gi } } }
      status: { phase: Bound }
    - apiVersion: apps/v1
      kind: Deployment
      metadata: { name: postgres, namespace: db }
      spec:
        replicas: 1
        selector: { matchLabels: { app: postgres } }
        template:
          metadata: { labels: { app: postgres } }
          spec:
            securityContext: { runAsUser: 999, runAsNonRoot: true }
            containers:
              - name: postgres
                image: postgres:16
                volumeMounts: [{ name: data, mountPath: /var/lib/postgresql/data }]
            volumes: [{ name: data, persistentVolumeClaim: { claimName: pg-data } }]
expect:
  rootCause: { mustMention: [fsGroup] }
`,
  },
  {
    id: 'misconception-init-completed',
    mentions: [
      /init container seed of pod api-[a-z0-9-]+ shows State: Terminated, Reason: Completed, Exit Code: 0/,
    ],
    yaml: `${header('misconception-init-completed', 'app', 'kubectl describe on the api pods in app shows the seed container as Terminated. Did the seeding crash?')}cluster:
  namespaces: [app]
  nodes: [{ name: n1 }]
  deployments:
    - name: api
      namespace: app
      initContainers: [{ name: seed, image: app/api:3 }]
      containers: [{ name: api, image: app/api:3, behavior: { logs: ['ready'] } }]
expect:
  rootCause: { mustMention: [Completed] }
`,
  },
  {
    id: 'misconception-clusterip-external-ip',
    mentions: [/Service web is of type ClusterIP/, /Ingress \(here: web\)/],
    yaml: `${header('misconception-clusterip-external-ip', 'site', 'kubectl get svc in site shows EXTERNAL-IP <none> for web. Is web broken? Should it be a LoadBalancer?')}cluster:
  namespaces: [site]
  nodes: [{ name: n1 }]
  deployments: [{ name: web, namespace: site, containers: [{ name: web, image: site/web:1, ports: [8080], behavior: { listenPorts: [8080], logs: ['GET / 200'] } }] }]
  services: [{ name: web, namespace: site, selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }]
  objects:
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: { name: web, namespace: site }
      spec: { rules: [{ host: site.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }] }
expect:
  rootCause: { mustMention: [ClusterIP] }
`,
  },
  {
    id: 'misconception-sa-token',
    mentions: [/Since Kubernetes 1\.24 a ServiceAccount no longer gets a long-lived token Secret/],
    yaml: `${header('misconception-sa-token', 'ci', 'the runner service account in ci has no token secret any more. Is runner about to lose its API access?')}cluster:
  namespaces: [ci]
  nodes: [{ name: n1 }]
  deployments: [{ name: runner, namespace: ci, containers: [{ name: runner, image: ci/runner:4, behavior: { logs: ['job 12 done'] } }] }]
expect:
  rootCause: { mustMention: [projected] }
`,
  },
  {
    id: 'misconception-cpu-above-request',
    mentions: [/will not be killed or evicted for using CPU above their request/],
    yaml: `${header('misconception-cpu-above-request', 'calc', 'kubectl top shows the calc pods at 700m CPU while the cpu request is 100m. Will they get evicted?')}cluster:
  namespaces: [calc]
  nodes: [{ name: n1 }]
  deployments:
    - name: calc
      namespace: calc
      containers: [{ name: calc, image: calc/calc:2, resources: { requests: { cpu: 100m, memory: 128Mi } }, behavior: { logs: ['ok'] } }]
      pods: [{ usage: { cpu: 700m, memory: 100Mi } }]
expect:
  rootCause: { mustMention: [compressible] }
`,
  },
  {
    id: 'asked-state-usage',
    mentions: [
      /Observed on Pod\/cache-\S+: container cache Running[^\n]*usage cache: cpu 40m \/ request 100m \/ limit 500m \(8%\); memory 700Mi \/ request 512Mi \/ limit 1Gi/,
    ],
    yaml: `${header('asked-state-usage', 'kv', 'how much memory does the cache in kv use compared with what it asked for? just checking')}cluster:
  namespaces: [kv]
  nodes: [{ name: n1 }]
  deployments:
    - name: cache
      namespace: kv
      containers: [{ name: cache, image: kv/cache:7, resources: { requests: { cpu: 100m, memory: 512Mi }, limits: { cpu: 500m, memory: 1Gi } }, behavior: { logs: ['ready'] } }]
      pods: [{ usage: { cpu: 40m, memory: 700Mi } }]
expect:
  rootCause: { mustMention: [700Mi] }
`,
  },
  {
    id: 'misconception-secret-base64',
    mentions: [/base64-encoded/, /not encryption/],
    yaml: `${header('misconception-secret-base64', 'pay', 'the api-keys secret in pay looks garbled in kubectl get -o yaml. Is it corrupted?')}cluster:
  namespaces: [pay]
  nodes: [{ name: n1 }]
  deployments: [{ name: api, namespace: pay, containers: [{ name: api, image: pay/api:1, behavior: { logs: ['ok'] } }] }]
  objects:
    - { apiVersion: v1, kind: Secret, metadata: { name: api-keys, namespace: pay }, data: { key: c2VjcmV0 } }
expect:
  rootCause: { mustMention: [base64] }
`,
  },
  {
    id: 'misconception-clusterip-ping',
    mentions: [/nothing answers ICMP/],
    yaml: `${header('misconception-clusterip-ping', 'db', 'I cannot ping the cache service ClusterIP from a pod in db. Is cache down?')}cluster:
  namespaces: [db]
  nodes: [{ name: n1 }]
  deployments: [{ name: cache, namespace: db, containers: [{ name: cache, image: redis:7, ports: [6379], behavior: { listenPorts: [6379], logs: ['Ready to accept connections'] } }] }]
  services: [{ name: cache, namespace: db, selector: { app: cache }, ports: [6379] }]
expect:
  rootCause: { mustMention: [virtual IP] }
`,
  },
  {
    id: 'misconception-certificate-renewed',
    mentions: [/routine automatic renewal, not a compromise/],
    yaml: `${header('misconception-certificate-renewed', 'cert-manager', 'a new certificate was issued for shop.example.com today although ours is valid for 30 more days. Who issued it?')}cluster:
  namespaces: [cert-manager, shop]
  nodes: [{ name: n1 }]
  deployments: [{ name: cert-manager, namespace: cert-manager, containers: [{ name: cm, image: quay.io/jetstack/cert-manager-controller:v1.16.1, behavior: { logs: ['certificates-trigger: Certificate must be re-issued: Renewing certificate as renewal was scheduled'] } }] }]
expect:
  rootCause: { mustMention: [renewBefore] }
`,
  },
  {
    id: 'elsewhere-ingress-backend',
    mentions: [/Service docs-api lives in another namespace, docs/, /ExternalName Service docs-api in gw/],
    yaml: `${header('elsewhere-ingress-backend', 'gw', 'the /docs path of the gw ingress in namespace gw returns 503 since we consolidated the ingresses')}cluster:
  namespaces: [gw, docs]
  nodes: [{ name: n1 }]
  deployments: [{ name: docs-api, namespace: docs, containers: [{ name: d, image: docs/api:1, ports: [8080], behavior: { listenPorts: [8080], logs: ['ok'] } }] }]
  services: [{ name: docs-api, namespace: docs, selector: { app: docs-api }, ports: [{ port: 80, targetPort: 8080 }] }]
  objects:
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: { name: gw, namespace: gw }
      spec: { rules: [{ host: docs.example.com, http: { paths: [{ path: /docs, pathType: Prefix, backend: { service: { name: docs-api, port: { number: 80 } } } }] } }] }
expect:
  rootCause: { mustMention: [docs-api] }
`,
  },
  {
    id: 'elsewhere-service-left-behind',
    mentions: [
      /those pods now run in another namespace, billing-v2/,
      /billing\.billing-v2\.svc\.cluster\.local/,
    ],
    yaml: `${header('elsewhere-service-left-behind', 'shop', 'shop gets connection refused from the billing service in namespace shop since this morning')}cluster:
  namespaces: [shop, billing-v2]
  nodes: [{ name: n1 }]
  deployments: [{ name: billing, namespace: billing-v2, containers: [{ name: b, image: billing/api:2, ports: [8080], behavior: { listenPorts: [8080], logs: ['ok'] } }] }]
  services:
    - { name: billing, namespace: shop, selector: { app: billing }, ports: [{ port: 80, targetPort: 8080 }] }
    - { name: billing, namespace: billing-v2, selector: { app: billing }, ports: [{ port: 80, targetPort: 8080 }] }
expect:
  rootCause: { mustMention: [billing-v2] }
`,
  },
  {
    id: 'known-taint-uninitialized',
    mentions: [/taint node\.cloudprovider\.kubernetes\.io\/uninitialized/, /cloud-controller-manager/],
    yaml: `${header('known-taint-uninitialized', 'jobs', 'the new nodes are Ready but the worker pods in namespace jobs stay Pending')}cluster:
  namespaces: [jobs]
  nodes:
    - { name: old-1, cpu: '1' }
    - { name: new-1, cpu: '8', taints: [{ key: node.cloudprovider.kubernetes.io/uninitialized, value: 'true', effect: NoSchedule }] }
  deployments:
    - { name: worker, namespace: jobs, containers: [{ name: w, image: jobs/worker:1, resources: { requests: { cpu: '2' } } }] }
expect:
  rootCause: { mustMention: [uninitialized] }
`,
  },
  {
    id: 'node-not-ready-reason',
    mentions: [
      /node edge-node-2 is NotReady .* because of what its own events report: ContainerRuntimeDown/,
      /too many open files/,
    ],
    yaml: `${header('node-not-ready-reason', 'web', 'node edge-node-2 went NotReady and the web pods on it are gone; what happened?')}cluster:
  namespaces: [web]
  nodes:
    - { name: n1 }
    - name: edge-node-2
      ready: false
      events:
        - { type: Warning, reason: ContainerRuntimeDown, message: 'containerd: failed to start: too many open files', count: 12, age: 1m, firstSeen: 20m, source: node-problem-detector }
  deployments: [{ name: web, namespace: web, containers: [{ name: web, image: web/web:1, behavior: { logs: ['ok'] } }] }]
expect:
  rootCause: { mustMention: [edge-node-2] }
`,
  },
  {
    id: 'rbac-roleref-missing-role',
    mentions: [
      /roleRef names kind: Role reader, and no Role reader exists in ops/,
      /a ClusterRole reader exists/,
    ],
    yaml: `${header('rbac-roleref-missing-role', 'ops', 'reporter in namespace ops logs forbidden errors since the RBAC clean-up')}cluster:
  namespaces: [ops]
  nodes: [{ name: n1 }]
  deployments:
    - name: reporter
      namespace: ops
      serviceAccountName: reporter
      containers:
        - name: reporter
          image: ops/reporter:2
          behavior: { logs: ['ERROR configmaps is forbidden: User "system:serviceaccount:ops:reporter" cannot list resource "configmaps" in API group "" in the namespace "ops"'] }
  objects:
    - { apiVersion: v1, kind: ServiceAccount, metadata: { name: reporter, namespace: ops } }
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: { name: reader }
      rules: [{ apiGroups: [''], resources: [configmaps], verbs: [get, list, watch] }]
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: { name: reporter, namespace: ops }
      roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }
      subjects: [{ kind: ServiceAccount, name: reporter, namespace: ops }]
expect:
  rootCause: { mustMention: [roleRef] }
`,
  },
  {
    id: 'oom-tmpfs-emptydir',
    mentions: [/emptyDir volume scratch/, /medium: Memory/],
    yaml: `${header('oom-tmpfs-emptydir', 'media', 'transcoder in namespace media keeps restarting; its heap is small')}cluster:
  namespaces: [media, web]
  nodes: [{ name: n1 }]
  deployments:
    - name: transcoder
      namespace: media
      containers:
        - name: tc
          image: media/tc:2
          resources: { limits: { memory: 512Mi } }
          volumeMounts: [{ name: scratch, mountPath: /scratch }]
          behavior: { memory: { need: 900Mi } }
      volumes: [{ name: scratch, emptyDir: { medium: Memory } }]
    - name: shop
      namespace: web
      containers: [{ name: shop, image: web/shop:2 }]
expect:
  rootCause: { mustMention: [emptyDir] }
`,
  },
  {
    id: 'configmap-subpath',
    mentions: [/subPath/, /never receives ConfigMap updates/, /rollout restart deployment\/pricing/],
    yaml: `${header('configmap-subpath', 'calc', 'we changed the pricing-rules ConfigMap in calc an hour ago and pricing still uses the old rules')}cluster:
  namespaces: [calc, web]
  nodes: [{ name: n1 }]
  deployments:
    - name: pricing
      namespace: calc
      volumes: [{ name: rules, configMap: { name: pricing-rules } }]
      containers:
        - name: pricing
          image: calc/pricing:9
          volumeMounts: [{ name: rules, mountPath: /etc/pricing/rules.yaml, subPath: rules.yaml }]
    - name: shop
      namespace: web
      containers: [{ name: shop, image: web/shop:2 }]
  objects:
    - { apiVersion: v1, kind: ConfigMap, metadata: { name: pricing-rules, namespace: calc }, data: { rules.yaml: 'discount: 0.1' } }
expect:
  rootCause: { mustMention: [subPath] }
`,
  },
  {
    id: 'netpol-ingress-client-labels',
    mentions: [
      /NetworkPolicy billing-ingress in namespace billing admits ingress to billing-api only from pods labeled role=payer/,
      /carries app=shop/,
    ],
    yaml: `${header('netpol-ingress-client-labels', 'web', 'payments from shop in namespace web fail since this morning')}cluster:
  namespaces: [billing, web]
  nodes: [{ name: n1 }]
  deployments:
    - name: shop
      namespace: web
      labels: { app: shop }
      containers:
        - name: shop
          image: web/shop:3
          behavior:
            logs: ['shop ready']
            dependencies:
              - service: billing-api
                namespace: billing
                port: 8080
                logs: ['ERROR charge failed: Post "http://billing-api.billing.svc.cluster.local:8080/charge": {error}']
    - name: billing-api
      namespace: billing
      containers: [{ name: api, image: billing/api:1, ports: [8080], behavior: { listenPorts: [8080] } }]
  services:
    - { name: billing-api, namespace: billing, selector: { app: billing-api }, ports: [8080] }
  objects:
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: billing-ingress, namespace: billing }
      spec:
        podSelector: { matchLabels: { app: billing-api } }
        policyTypes: [Ingress]
        ingress:
          - from:
              - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: web } }
                podSelector: { matchLabels: { role: payer } }
expect:
  rootCause: { mustMention: [billing-ingress, role=payer] }
`,
  },
  {
    id: 'device-plugin-untolerated',
    mentions: [
      /node gpu-b advertises no example.com\/gpu/,
      /taint team=ml:NoSchedule/,
      /DaemonSet gpu-device-plugin/,
    ],
    yaml: `${header('device-plugin-untolerated', 'ml', 'train-0 in ml is Pending on Insufficient example.com/gpu although we added gpu-b')}cluster:
  namespaces: [kube-system, ml]
  nodes:
    - { name: gpu-a, extended: { example.com/gpu: 2 }, labels: { accelerator: example } }
    - { name: gpu-b, labels: { accelerator: example }, taints: [{ key: team, value: ml, effect: NoSchedule }] }
  pods:
    - name: gpu-plugin-x7k2p
      namespace: kube-system
      node: gpu-a
      labels: { name: gpu-plugin }
      containers: [{ name: plugin, image: example/gpu-plugin:1 }]
    - name: busy-0
      namespace: ml
      node: gpu-a
      containers: [{ name: t, image: ml/t:1, resources: { requests: { example.com/gpu: 2 }, limits: { example.com/gpu: 2 } } }]
    - name: train-0
      namespace: ml
      tolerations: [{ key: team, operator: Equal, value: ml, effect: NoSchedule }]
      containers: [{ name: t, image: ml/t:1, resources: { requests: { example.com/gpu: 1 }, limits: { example.com/gpu: 1 } } }]
  objects:
    - apiVersion: apps/v1
      kind: DaemonSet
      metadata: { name: gpu-device-plugin, namespace: kube-system }
      spec:
        selector: { matchLabels: { name: gpu-plugin } }
        template:
          metadata: { labels: { name: gpu-plugin } }
          spec:
            nodeSelector: { accelerator: example }
            containers: [{ name: plugin, image: example/gpu-plugin:1 }]
      status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1 }
expect:
  rootCause: { mustMention: [gpu-b, device plugin] }
`,
  },
  {
    id: 'optional-configmap-key',
    mentions: [
      /API_HOST comes from key 'api_host' of ConfigMap client-config with optional: true/,
      /its keys: API_URL/,
    ],
    yaml: `${header('optional-configmap-key', 'jobs', 'the poller in namespace jobs keeps crashing since the config cleanup')}cluster:
  namespaces: [jobs, web]
  nodes: [{ name: n1 }]
  deployments:
    - name: poller
      namespace: jobs
      containers:
        - name: poller
          image: jobs/poller:2
          env:
            API_HOST: { configMapKeyRef: { name: client-config, key: api_host, optional: true } }
          behavior:
            crash: { exitCode: 1, logs: ['starting poller', 'FATAL dial tcp 127.0.0.1:8080: connect: connection refused'] }
    - name: shop
      namespace: web
      containers: [{ name: shop, image: web/shop:2 }]
  objects:
    - { apiVersion: v1, kind: ConfigMap, metadata: { name: client-config, namespace: jobs }, data: { API_URL: 'http://api.web:8080' } }
expect:
  rootCause: { mustMention: [api_host, optional] }
`,
  },
  {
    id: 'nginx-body-size',
    mentions: [/ingress files \(host files\.example\.com\) is served by ingress-nginx/, /proxy-body-size/],
    yaml: `${header('nginx-body-size', 'docs', 'uploads over a megabyte to files in namespace docs fail with 413')}cluster:
  namespaces: [docs, web]
  nodes: [{ name: n1 }]
  deployments:
    - name: files
      namespace: docs
      containers: [{ name: files, image: docs/files:1, ports: [8080], behavior: { listenPorts: [8080] } }]
    - name: shop
      namespace: web
      containers: [{ name: shop, image: web/shop:2 }]
  services:
    - { name: files, namespace: docs, selector: { app: files }, ports: [{ port: 80, targetPort: 8080 }] }
  objects:
    - { apiVersion: networking.k8s.io/v1, kind: IngressClass, metadata: { name: nginx }, spec: { controller: k8s.io/ingress-nginx } }
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: { name: files, namespace: docs }
      spec:
        ingressClassName: nginx
        rules: [{ host: files.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: files, port: { number: 80 } } } }] } }]
expect:
  rootCause: { mustMention: [proxy-body-size] }
`,
  },
  {
    id: 'netpol-namespace-label',
    mentions: [/admits traffic from namespaces labeled team=obs/, /namespace obs does not carry that label/],
    yaml: `${header('netpol-namespace-label', 'pay', 'Prometheus cannot scrape the api in namespace pay since yesterday; TargetDown')}cluster:
  namespaces: [obs, pay]
  nodes: [{ name: n1 }]
  deployments:
    - name: api
      namespace: pay
      containers: [{ name: api, image: pay/api:1, ports: [9102], behavior: { listenPorts: [9102] } }]
    - name: prometheus
      namespace: obs
      containers: [{ name: prom, image: prom/prometheus:2 }]
  objects:
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: api-ingress, namespace: pay }
      spec:
        podSelector: { matchLabels: { app: api } }
        policyTypes: [Ingress]
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: obs } } }], ports: [{ port: 9102 }] }]
expect:
  rootCause: { mustMention: [api-ingress, team=obs] }
`,
  },
  {
    // No signature knows this reason: the Warning event itself is the answer, not "no root cause".
    id: 'unclassified-warning',
    mentions: [/FailedCreatePodSandBox/, /connection is unauthorized/, /ledger-7c9d8f6b5-x2k4p/],
    yaml: `${header('unclassified-warning', 'books', 'ledger in namespace books is stuck and never starts')}cluster:
  namespaces: [books, web]
  nodes: [{ name: n1 }]
  deployments:
    - name: ledger
      namespace: books
      podTemplateHash: 7c9d8f6b5
      containers: [{ name: ledger, image: books/ledger:4 }]
      pods:
        - name: ledger-7c9d8f6b5-x2k4p
          phase: Pending
          ready: false
          state: { waiting: { reason: ContainerCreating } }
          events:
            - { type: Warning, reason: FailedCreatePodSandBox, age: 3m, source: kubelet, message: 'Failed to create pod sandbox: plugin type="calico" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized' }
    - name: shop
      namespace: web
      containers: [{ name: shop, image: web/shop:2 }]
expect:
  rootCause: { mustMention: [sandbox, unauthorized] }
`,
  },
  {
    // A Job's pod whose work exited 0 while a sidecar keeps running: the Job never completes.
    id: 'job-sidecar-never-exits',
    mentions: [/export-20261101/, /fluent-bit is still running/, /exited 0/, /native sidecar/],
    yaml: `${header('job-sidecar-never-exits', 'reports', 'the export job in namespace reports has been running since yesterday, is it stuck?')}cluster:
  namespaces: [reports]
  nodes: [{ name: n1 }]
  pods:
    - name: export-20261101-7wq2d
      namespace: reports
      age: 1d2h
      restartPolicy: Never
      labels: { job-name: export-20261101 }
      containers:
        - { name: export, image: reports/export:3 }
        - { name: fluent-bit, image: fluent/fluent-bit:3.1 }
      containerFacts:
        export:
          state: { terminated: { reason: Completed, exitCode: 0, ago: 1d1h } }
          ready: false
          logs: ["export done: 18,204 rows written"]
        fluent-bit:
          state: { running: {} }
          ready: true
  objects:
    - apiVersion: batch/v1
      kind: Job
      metadata: { name: export-20261101, namespace: reports }
      spec: { template: { spec: { restartPolicy: Never, containers: [{ name: export, image: reports/export:3 }] } } }
      status: { active: 1 }
expect:
  rootCause: { mustMention: [fluent-bit, [still running, never exits]] }
`,
  },
  {
    // Threads sized from nproc: the node's CPUs, not the CPU limit; only the big node's pod is killed.
    id: 'oom-threads-from-node-cpus',
    mentions: [/\$\(nproc\)/, /node's CPUs/, /CPU limit \(1\)/, /threads 1 /],
    yaml: `${header('oom-threads-from-node-cpus', 'render', 'the renderer in namespace render keeps getting OOMKilled on one node')}cluster:
  namespaces: [render]
  nodes: [{ name: small, cpu: "2" }, { name: big, cpu: "48" }]
  deployments:
    - name: renderer
      namespace: render
      replicas: 2
      podTemplateHash: 5f6d7c8b9
      containers:
        - name: renderer
          image: render/renderer:7
          command: ["/bin/sh", "-c", "exec renderer --threads $(nproc) --cache 64m"]
          resources: { limits: { cpu: "1", memory: 1Gi } }
          behavior: { memory: { need: 300Mi } }
      pods:
        - { node: small }
        - name: renderer-5f6d7c8b9-zz9kq
          node: big
          restarts: 12
          state: { waiting: { reason: CrashLoopBackOff } }
          lastState: { terminated: { reason: OOMKilled, exitCode: 137, ago: 2m } }
expect:
  rootCause: { mustMention: [nproc, node's CPUs] }
`,
  },
  {
    // A Service named like the program's config prefix injects <NAME>_PORT=tcp://… into its pods.
    id: 'service-link-env-clash',
    mentions: [/SCHEMA_REGISTRY_PORT=tcp:\/\//, /service link/, /enableServiceLinks: false/],
    yaml: `${header('service-link-env-clash', 'data', 'the registry deployment in namespace data keeps crashing since this morning; nobody changed it')}cluster:
  namespaces: [data]
  nodes: [{ name: n1 }]
  deployments:
    - name: registry
      namespace: data
      podTemplateHash: 6b7c8d9f5
      containers: [{ name: registry, image: confluentinc/cp-schema-registry:7.6.0, ports: [8081] }]
      pods:
        - name: registry-6b7c8d9f5-q2w3e
          restarts: 9
          state: { waiting: { reason: CrashLoopBackOff } }
          lastState: { terminated: { reason: Error, exitCode: 1, ago: 1m } }
          previousLogs: ["===> Configuring ...", "SCHEMA_REGISTRY_PORT is deprecated. Please use SCHEMA_REGISTRY_LISTENERS instead."]
  services:
    - { name: schema-registry, namespace: data, age: 14h, selector: { app: registry }, ports: [{ port: 8081 }] }
    - { name: registry, namespace: data, age: 300d, selector: { app: registry }, ports: [{ port: 8081 }] }
expect:
  rootCause: { mustMention: [schema-registry, SCHEMA_REGISTRY_PORT] }
`,
  },
  {
    // Peers of a headless Service cannot resolve each other while none is Ready: a deadlock.
    id: 'headless-peers-unready',
    mentions: [/publishNotReadyAddresses/, /headless Service etcd/, /no such host/],
    yaml: `${header('headless-peers-unready', 'kv', 'etcd in namespace kv never becomes ready after the restart')}cluster:
  namespaces: [kv]
  nodes: [{ name: n1 }]
  pods:
    - name: etcd-0
      namespace: kv
      labels: { app: etcd }
      containers: [{ name: etcd, image: quay.io/coreos/etcd:v3.5.15, ports: [2379, 2380] }]
      containerFacts:
        etcd:
          state: { running: {} }
          ready: false
          logs: ['{"level":"warn","msg":"failed to resolve peer","host":"etcd-1.etcd.kv.svc.cluster.local","error":"lookup etcd-1.etcd.kv.svc.cluster.local on 10.96.0.10:53: no such host"}']
    - name: etcd-1
      namespace: kv
      labels: { app: etcd }
      containers: [{ name: etcd, image: quay.io/coreos/etcd:v3.5.15, ports: [2379, 2380] }]
      containerFacts: { etcd: { state: { running: {} }, ready: false } }
  services:
    - { name: etcd, namespace: kv, clusterIP: None, selector: { app: etcd }, ports: [{ port: 2380 }] }
expect:
  rootCause: { mustMention: [publishNotReadyAddresses] }
`,
  },
  {
    // A digest the registry deleted: cached on the old nodes, unpullable on the new one.
    id: 'image-digest-deleted',
    mentions: [/pinned to digest sha256:/, /cached/, /node n3/],
    yaml: `${header('image-digest-deleted', 'shop', 'one cart pod in namespace shop cannot start, the others are fine')}cluster:
  namespaces: [shop]
  registry: { images: ["reg.example/cart:5.1"] }
  nodes: [{ name: n1 }, { name: n2 }, { name: n3, age: 1h }]
  deployments:
    - name: cart
      namespace: shop
      replicas: 3
      podTemplateHash: 7f8e9d6c5
      containers:
        - name: cart
          image: reg.example/cart@sha256:1111111111111111111111111111111111111111111111111111111111111111
      pods:
        - { name: cart-7f8e9d6c5-aaaaa, node: n1, age: 20d, state: { running: {} }, ready: true }
        - { name: cart-7f8e9d6c5-bbbbb, node: n2, age: 20d, state: { running: {} }, ready: true }
        - { name: cart-7f8e9d6c5-ccccc, node: n3, age: 50m }
expect:
  rootCause: { mustMention: [digest, cached] }
`,
  },
  {
    // A crontab moved from a machine in local time: the CronJob runs in UTC and finds no data yet.
    id: 'cron-schedule-in-utc',
    mentions: [/no spec\.timeZone/, /Europe\/Paris/, /0 rows/],
    yaml: `${header('cron-schedule-in-utc', 'bi', 'the nightly sales digest in namespace bi mails an empty report every day; is cronjob/sales-digest failing?')}cluster:
  now: 2026-06-10T12:00:00Z
  namespaces: [bi]
  nodes: [{ name: n1 }]
  pods:
    - name: sales-digest-29600000-abcde
      namespace: bi
      age: 10h
      restartPolicy: Never
      labels: { job-name: sales-digest-29600000 }
      containers: [{ name: digest, image: bi/digest:2 }]
      containerFacts:
        digest:
          state: { terminated: { reason: Completed, exitCode: 0, ago: 10h } }
          logs:
            - "2026-06-10T01:00:02Z INFO digest for 2026-06-09 (Europe/Paris)"
            - "2026-06-10T01:00:04Z WARN sales_daily has 0 rows for 2026-06-09"
  objects:
    - apiVersion: batch/v1
      kind: CronJob
      metadata: { name: sales-digest, namespace: bi }
      spec: { schedule: "0 1 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: Never, containers: [{ name: digest, image: bi/digest:2 }] } } } } }
expect:
  rootCause: { mustMention: [timeZone, 0 rows] }
`,
  },
  {
    // One zone's names fail while CoreDNS runs: its server block forwards to resolvers that time out.
    id: 'dns-stub-domain-forwarder-dead',
    mentions: [/forwards the zone ad\.example\.corp/, /10\.9\.9\.9/, /Corefile/],
    yaml: `${header('dns-stub-domain-forwarder-dead', 'auth', 'the sso deployment in namespace auth cannot reach the directory; is DNS broken?')}cluster:
  namespaces: [auth, kube-system]
  nodes: [{ name: n1 }]
  deployments:
    - name: coredns
      namespace: kube-system
      labels: { k8s-app: kube-dns }
      containers:
        - name: coredns
          image: registry.k8s.io/coredns/coredns:v1.11.3
          behavior: { listenPorts: [53], logs: ["[ERROR] plugin/errors: 2 dc1.ad.example.corp. A: read udp 10.244.0.9:5353->10.9.9.9:53: i/o timeout"] }
    - name: sso
      namespace: auth
      containers:
        - name: sso
          image: auth/sso:3
          behavior: { logs: ['level=error msg="directory bind failed" err="dial tcp: lookup dc1.ad.example.corp on 10.96.0.10:53: server misbehaving"'] }
  objects:
    - apiVersion: v1
      kind: ConfigMap
      metadata: { name: coredns, namespace: kube-system }
      data:
        Corefile: |
          .:53 {
              errors
              forward . /etc/resolv.conf
          }
          ad.example.corp:53 {
              errors
              forward . 10.9.9.9
          }
expect:
  rootCause: { mustMention: [Corefile, 10.9.9.9] }
`,
  },
  {
    id: 'normal-events-explain-healthy',
    mentions: [/No fault found/, /EvictedByVPA on pod\/api-1/, /resource recommendation/],
    yaml: `${header('normal-events-explain-healthy', 'billing', 'why do the api pods in billing keep getting replaced?')}cluster:
  namespaces: [billing]
  nodes: [{ name: n1 }]
  deployments: [{ name: api, namespace: billing, replicas: 2, containers: [{ name: api, image: billing/api:1 }] }]
  events:
    - { namespace: billing, object: Pod/api-1, type: Normal, reason: EvictedByVPA, message: 'Pod was evicted by VPA Updater to apply resource recommendation.', age: 40m }
    - { namespace: billing, object: Pod/api-1, type: Normal, reason: Pulled, message: 'Container image already present on machine', age: 40m }
expect:
  rootCause: { mustMention: [VPA] }
`,
  },
  {
    id: 'cronjob-ttl-removes-finished-runs',
    mentions: [/ttlSecondsAfterFinished 600/, /succeeded at 2026-01-02T02:01:00Z/],
    yaml: `${header('cronjob-ttl-removes-finished-runs', 'ops', 'nightly-report in ops left no job and no pod from last night: did it even run?')}cluster:
  now: 2026-01-02T09:00:00Z
  namespaces: [ops]
  nodes: [{ name: n1 }]
  deployments: [{ name: web, namespace: ops, replicas: 1, containers: [{ name: web, image: ops/web:1 }] }]
  objects:
    - apiVersion: batch/v1
      kind: CronJob
      metadata: { name: nightly-report, namespace: ops }
      spec:
        schedule: '0 2 * * *'
        jobTemplate: { spec: { ttlSecondsAfterFinished: 600, template: { spec: { restartPolicy: Never, containers: [{ name: r, image: ops/report:1 }] } } } }
      status: { lastScheduleTime: '2026-01-02T02:00:00Z', lastSuccessfulTime: '2026-01-02T02:01:00Z' }
expect:
  rootCause: { mustMention: [ttlSecondsAfterFinished, lastSuccessfulTime] }
`,
  },
  {
    id: 'custom-resource-condition',
    mentions: [/externalsecret db-creds/i, /SecretSyncedError/, /AccessDeniedException/],
    yaml: `${header('custom-resource-condition', 'pay', 'the payments api in pay cannot log in to its database since this morning')}cluster:
  namespaces: [pay]
  nodes: [{ name: n1 }]
  deployments:
    - name: payments-api
      namespace: pay
      replicas: 1
      containers: [{ name: api, image: pay/api:1, behavior: { logs: ['ERROR db login failed: password authentication failed for user "pay"'] } }]
  objects:
    - apiVersion: external-secrets.io/v1beta1
      kind: ExternalSecret
      metadata: { name: db-creds, namespace: pay }
      spec: { refreshInterval: 1h, secretStoreRef: { name: vault, kind: ClusterSecretStore } }
      status:
        conditions:
          - { type: Ready, status: 'False', reason: SecretSyncedError, message: 'could not get secret data from provider: AccessDeniedException: not authorized' }
  events:
    - { namespace: pay, object: ExternalSecret/db-creds, type: Warning, reason: UpdateFailed, message: 'AccessDeniedException: not authorized', age: 5m }
expect:
  rootCause: { mustMention: [db-creds] }
`,
  },
  {
    id: 'external-name-target-gone',
    mentions: [
      /ExternalName Service/,
      /db-old\.example\.internal/,
      /cannot resolve db\.shop\.svc\.cluster\.local/,
    ],
    yaml: `${header('external-name-target-gone', 'shop', 'the api in shop crash-loops since the database move, is DNS broken?')}cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments:
    - name: api
      namespace: shop
      replicas: 1
      containers:
        - name: api
          image: shop/api:1
          behavior:
            crash:
              exitCode: 1
              logs: ['connecting to db.shop.svc.cluster.local', 'ERROR could not translate host name "db.shop.svc.cluster.local" to address: Name or service not known']
  objects:
    - { apiVersion: v1, kind: Service, metadata: { name: db, namespace: shop }, spec: { type: ExternalName, externalName: db-old.example.internal } }
expect:
  rootCause: { mustMention: [ExternalName] }
`,
  },
  {
    id: 'node-requests-not-usage',
    mentions: [
      /Node ip-10-0-1-5\.ec2\.internal is healthy/,
      /cpu requests are 3500m \(\d+% of allocatable\)/,
      /not what they use/,
    ],
    yaml: `${header('node-requests-not-usage', 'data', 'describe node on ip-10-0-1-5 says cpu requests are at 90%, is the node overloaded? should I cordon it?')}cluster:
  namespaces: [data]
  nodes: [{ name: ip-10-0-1-5.ec2.internal, cpu: '4', memory: 16Gi }]
  deployments:
    - name: worker
      namespace: data
      replicas: 1
      containers: [{ name: w, image: data/w:1, resources: { requests: { cpu: 3500m, memory: 1Gi } }, behavior: { cpu: { need: 200m } } }]
expect:
  rootCause: { mustMention: [requests] }
`,
  },
  {
    id: 'envfrom-prefix',
    mentions: [/with the prefix APP_/, /arrives as APP_SMTP_HOST/],
    yaml: `${header('envfrom-prefix', 'mail', 'notifier in mail crash-loops: SMTP_HOST is not set, but it is in the ConfigMap')}cluster:
  namespaces: [mail]
  nodes: [{ name: n1 }]
  deployments:
    - name: notifier
      namespace: mail
      replicas: 1
      containers:
        - name: notifier
          image: mail/notifier:2
          envFrom: [{ prefix: APP_, configMapRef: { name: notifier-config } }]
          behavior: { crash: { exitCode: 78, logs: ['config error: SMTP_HOST is required but not set'] } }
  objects:
    - { apiVersion: v1, kind: ConfigMap, metadata: { name: notifier-config, namespace: mail }, data: { SMTP_HOST: smtp.internal } }
expect:
  rootCause: { mustMention: [prefix] }
`,
  },
  {
    id: 'rbac-subresource',
    mentions: [/not allowed to get pods\/log/, /Forbidden/],
    yaml: `${header('rbac-subresource', 'ci', 'the log archiver in ci keeps restarting, could it be the S3 creds?')}cluster:
  namespaces: [ci]
  nodes: [{ name: n1 }]
  deployments:
    - name: archiver
      namespace: ci
      replicas: 1
      serviceAccountName: archiver
      containers:
        - name: archiver
          image: ci/archiver:1
          behavior:
            crash:
              exitCode: 1
              logs: ['level=ERROR msg="stream logs" err="pods/log "build-1" is forbidden: User "system:serviceaccount:ci:archiver" cannot get resource "pods/log" in API group "" in the namespace "ci""']
  objects:
    - { apiVersion: v1, kind: ServiceAccount, metadata: { name: archiver, namespace: ci } }
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: { name: archiver, namespace: ci }, rules: [{ apiGroups: [''], resources: [pods], verbs: [get, list, watch] }] }
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: { name: archiver, namespace: ci }, roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: archiver }, subjects: [{ kind: ServiceAccount, name: archiver, namespace: ci }] }
expect:
  rootCause: { mustMention: [pods/log] }
`,
  },
  {
    id: 'rbac-resource-names-list',
    mentions: [/only for the resourceNames flags/, /cannot grant list/],
    yaml: `${header('rbac-resource-names-list', 'ops', 'the relay in ops keeps restarting since its Role was narrowed')}cluster:
  namespaces: [ops]
  nodes: [{ name: n1 }]
  deployments:
    - name: relay
      namespace: ops
      replicas: 1
      serviceAccountName: relay
      containers:
        - name: relay
          image: ops/relay:1
          behavior:
            crash:
              exitCode: 1
              logs: ['E1130 informer: failed to list *v1.ConfigMap: configmaps is forbidden: User "system:serviceaccount:ops:relay" cannot list resource "configmaps" in API group "" in the namespace "ops"']
  objects:
    - { apiVersion: v1, kind: ServiceAccount, metadata: { name: relay, namespace: ops } }
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: { name: relay, namespace: ops }, rules: [{ apiGroups: [''], resources: [configmaps], resourceNames: [flags], verbs: [get, list, watch] }] }
    - { apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: { name: relay, namespace: ops }, roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: relay }, subjects: [{ kind: ServiceAccount, name: relay, namespace: ops }] }
expect:
  rootCause: { mustMention: [resourceNames] }
`,
  },
  {
    id: 'warnings-only',
    mentions: [/program logs warnings/, /connection pool exhausted/, /replica lag/],
    yaml: `${header('warnings-only', 'pay', 'checkout in namespace pay hangs for seconds on every order, all pods look fine')}cluster:
  namespaces: [pay]
  nodes: [{ name: n1 }]
  deployments:
    - name: checkout
      namespace: pay
      containers:
        - name: checkout
          image: pay/checkout:7
          behavior: { logs: ['INFO started on :8080', 'WARN connection pool exhausted (20 of 20 in use), request 4411 waited 2900 ms', 'WARN connection pool exhausted (20 of 20 in use), request 4412 waited 3100 ms', 'WARN replica lag 41 s on orders-ro, reads go to the primary'] }
expect:
  rootCause: { mustMention: [pool] }
`,
  },
  {
    id: 'warning-once-healthy',
    mentions: [/No fault found/],
    yaml: `${header('warning-once-healthy', 'shop', 'routine check before the freeze: is orders in namespace shop healthy? nothing is reported broken')}cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments:
    - name: orders
      namespace: shop
      replicas: 2
      containers:
        - name: orders
          image: shop/orders:4.2.0
          behavior: { logs: ['INFO Starting OrdersApplication v4.2.0', 'WARN spring.jpa.open-in-view is enabled by default, so database queries may be performed during view rendering', 'INFO Started OrdersApplication in 3.1 seconds', 'INFO GET /orders 200 12ms'] }
expect:
  rootCause: { mustMention: [healthy], mustNotClaim: [root cause, open-in-view] }
`,
  },
  {
    id: 'deprecation-notice-healthy',
    mentions: [/No fault found/],
    yaml: `${header('deprecation-notice-healthy', 'db', 'we upgraded mysql in namespace db to 8.0.36 this morning, is it ok?')}cluster:
  namespaces: [db]
  nodes: [{ name: n1 }]
  pods:
    - name: mysql-0
      namespace: db
      containers:
        - name: mysql
          image: mysql:8.0.36
          behavior: { logs: ["2026-11-30T06:00:01Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1", "2026-11-30T06:00:03Z 0 [Warning] [MY-013360] [Server] Plugin mysql_native_password reported: ''mysql_native_password' is deprecated and will be removed in a future release. Please use caching_sha2_password instead'", "2026-11-30T06:00:04Z 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.36'"] }
expect:
  rootCause: { mustMention: [healthy], mustNotClaim: [root cause, caching_sha2_password] }
`,
  },
  {
    id: 'crash-dependency-down-no-rollback',
    mentions: [/could not connect to postgres/, /restore the dependency/],
    yaml: `${header('crash-dependency-down-no-rollback', 'shop', 'api pods in namespace shop have been restarting for the last 20 minutes, what is wrong?')}cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments:
    - name: api
      namespace: shop
      replicas: 2
      age: 40d
      changeCause: release 3.1.0
      history: [{ image: shop/api:3.0.0, changeCause: release 3.0.0, age: 90d }]
      containers:
        - name: api
          image: shop/api:3.1.0
          behavior: { logs: ['INFO api 3.1.0 starting'], dependencies: [{ service: postgres, port: 5432, exitCode: 1, logs: ['FATAL could not connect to postgres at postgres.shop.svc:5432: {error}'] }] }
    - { name: postgres, namespace: shop, replicas: 0, age: 200d, containers: [{ name: postgres, image: 'postgres:16', ports: [5432] }] }
  services:
    - { name: postgres, namespace: shop, selector: { app: postgres }, ports: [5432] }
expect:
  rootCause: { mustMention: [postgres], mustNotClaim: [roll back, rollback, latest rollout] }
`,
  },
  {
    id: 'namespace-not-from-a-service-account',
    mentions: [/deployment checkout-api .*in namespace shop/, /config\.yaml/],
    yaml: `${header('namespace-not-from-a-service-account', 'shop', 'the checkout pods keep crashing since this morning, can you find out why?')}cluster:
  namespaces: [shop, ci]
  nodes: [{ name: n1 }]
  deployments:
    - name: checkout-api
      namespace: shop
      replicas: 2
      containers:
        - name: api
          image: shop/checkout-api:5
          behavior: { crash: { exitCode: 1, logs: ['starting checkout-api 5', 'FATAL: open /etc/checkout/config.yaml: no such file or directory'] } }
    - { name: runner, namespace: ci, replicas: 1, containers: [{ name: runner, image: 'ci/runner:2' }] }
  objects:
    - { apiVersion: v1, kind: ServiceAccount, metadata: { name: checkout, namespace: ci } }
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: { name: checkout, namespace: ci }
      roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
      subjects: [{ kind: ServiceAccount, name: checkout, namespace: ci }]
expect:
  rootCause: { mustMention: [config.yaml] }
`,
  },
  {
    id: 'asked-state',
    mentions: [
      /Observed on PodDisruptionBudget\/api-pdb: minAvailable: 2/,
      /Observed on Pod\/api-\S+: init container wait-db Terminated \(Completed, exit code 0\)/,
    ],
    yaml: `${header('asked-state', 'edge', 'is the api-pdb in edge set up right for the api pods? just checking before the node upgrade')}cluster:
  namespaces: [edge]
  nodes: [{ name: n1 }]
  deployments:
    - name: api
      namespace: edge
      replicas: 3
      initContainers: [{ name: wait-db, image: busybox:1.36 }]
      containers: [{ name: api, image: edge/api:3 }]
  objects:
    - apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: { name: api-pdb, namespace: edge }
      spec: { minAvailable: 2, selector: { matchLabels: { app: api } } }
      status: { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 }
expect:
  rootCause: { mustMention: [minAvailable] }
`,
  },
  {
    id: 'pvc-rounded-up',
    mentions: [/asked for 20Gi and is bound with a capacity of 100Gi/, /rounded the request up/],
    yaml: `${header('pvc-rounded-up', 'ml', 'the reports-share pvc in ml shows CAPACITY 100Gi but we asked for 20Gi, who resized it?')}cluster:
  namespaces: [ml]
  nodes: [{ name: n1 }]
  deployments: [{ name: reports, namespace: ml, containers: [{ name: reports, image: ml/reports:1 }] }]
  objects:
    - { apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: { name: nas }, provisioner: nas.csi.example.com }
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: { name: reports-share, namespace: ml, annotations: { volume.kubernetes.io/storage-provisioner: nas.csi.example.com } }
      spec: { storageClassName: nas, accessModes: [ReadWriteMany], resources: { requests: { storage: 20Gi } }, volumeName: pv-1 }
      status: { phase: Bound, capacity: { storage: 100Gi } }
expect:
  rootCause: { mustMention: [rounded] }
`,
  },
  {
    id: 'pvc-bound-to-bigger-volume',
    mentions: [/bound to the existing PersistentVolume pv-nfs-7 of 100Gi/],
    yaml: `${header('pvc-bound-to-bigger-volume', 'ml', 'the reports-share pvc in ml shows CAPACITY 100Gi but we asked for 20Gi, who resized it?')}cluster:
  namespaces: [ml]
  nodes: [{ name: n1 }]
  deployments: [{ name: reports, namespace: ml, containers: [{ name: reports, image: ml/reports:1 }] }]
  objects:
    - apiVersion: v1
      kind: PersistentVolume
      metadata: { name: pv-nfs-7 }
      spec: { capacity: { storage: 100Gi }, accessModes: [ReadWriteMany], nfs: { server: 10.0.0.9, path: /exports/7 }, claimRef: { name: reports-share, namespace: ml } }
      status: { phase: Bound }
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: { name: reports-share, namespace: ml }
      spec: { storageClassName: '', accessModes: [ReadWriteMany], resources: { requests: { storage: 20Gi } }, volumeName: pv-nfs-7 }
      status: { phase: Bound, capacity: { storage: 100Gi } }
expect:
  rootCause: { mustMention: [PersistentVolume], mustNotClaim: [rounded, provisioner (] }
`,
  },
  {
    id: 'jvm-memory-hpa',
    mentions: [/-Xms1g equal to -Xmx1g/, /never scales back in/],
    yaml: `${header('jvm-memory-hpa', 'shop', 'why does the hpa for billing in shop never scale billing back down at night?')}cluster:
  namespaces: [shop]
  nodes: [{ name: n1, cpu: "16", memory: 64Gi }]
  deployments:
    - name: billing
      namespace: shop
      replicas: 6
      containers:
        - name: billing
          image: shop/billing:9
          env: [{ name: JAVA_OPTS, value: "-Xms1g -Xmx1g -XX:+UseG1GC" }]
          resources: { requests: { cpu: 500m, memory: 1280Mi }, limits: { memory: 1536Mi } }
          behavior: { memory: { need: 1150Mi } }
  objects:
    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: { name: billing, namespace: shop }
      spec:
        scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: billing }
        minReplicas: 2
        maxReplicas: 6
        metrics: [{ type: Resource, resource: { name: memory, target: { type: Utilization, averageUtilization: 70 } } }]
expect:
  rootCause: { mustMention: [heap] }
`,
  },
  {
    id: 'min-ready-seconds',
    mentions: [/sets minReadySeconds 90/, /nothing needs a rollback/],
    yaml: `${header('min-ready-seconds', 'web', 'we just shipped portal in web: READY 2/2 but AVAILABLE 0, should I roll back?')}cluster:
  namespaces: [web]
  nodes: [{ name: n1 }]
  deployments: [{ name: portal, namespace: web, replicas: 2, minReadySeconds: 90, containers: [{ name: portal, image: web/portal:2 }] }]
expect:
  rootCause: { mustMention: [minReadySeconds] }
`,
  },
];

/**
 * The rows in which nothing is broken (a misconception, a healthy state the question is about): tagged
 * as negative controls, whose right answer is the all-clear (the eval fails the all-clear elsewhere).
 */
const NOTHING_BROKEN = new Set([
  'asked-state',
  'asked-state-usage',
  'cronjob-ttl-removes-finished-runs',
  'deprecation-notice-healthy',
  'min-ready-seconds',
  'misconception-clusterip-external-ip',
  'misconception-clusterip-ping',
  'misconception-cpu-above-request',
  'misconception-init-completed',
  'misconception-sa-token',
  'misconception-secret-base64',
  'node-requests-not-usage',
  'normal-events-explain-healthy',
  'pvc-bound-to-bigger-volume',
  'pvc-rounded-up',
  'warning-once-healthy',
]);

describe('failure-family analyzers, through the baseline', () => {
  it.each(ROWS.map((r) => [r.id, r] as const))('%s', async (_id, row) => {
    const yaml = NOTHING_BROKEN.has(row.id)
      ? row.yaml.replace(/^title: /m, 'tags: [negative-control]\ntitle: ')
      : row.yaml;
    const parsed = parseScenario(yaml, `${row.id}.yaml`);
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    const [run] = await runEval({
      scenarios: [parsed.loaded],
      models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
      environment: simEnvironment,
    });
    for (const re of row.mentions) expect(run!.answer ?? '', String(re)).toMatch(re);
    for (const re of row.absent ?? []) expect(run!.answer ?? '', String(re)).not.toMatch(re);
    const failed = [...run!.gates, ...run!.checks].filter((c) => !c.passed);
    expect(failed, run!.answer ?? '').toEqual([]);
    expect(run!.passed).toBe(true);
  });
});

describe('warnings analyzer', () => {
  it('says what a documented event message means', () => {
    const seen = [
      {
        step: 1,
        tool: 'list_pods',
        args: { namespace: 'shop' },
        status: 'ok',
        content: 'No resources found in shop namespace.',
      },
      {
        step: 2,
        tool: 'list_deployments',
        args: { namespace: 'shop' },
        status: 'ok',
        content: 'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\ncart   0/2     0            0            3d',
      },
      {
        step: 3,
        tool: 'get_events',
        args: { namespace: 'shop' },
        status: 'ok',
        content:
          'LAST SEEN   TYPE      REASON         OBJECT                     MESSAGE\n94s (x14)   Warning   FailedCreate   replicaset/cart-6f7c9d8b5   Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": no endpoints available for service "kyverno-svc"',
      },
    ];
    const [f] = warningsAnalyzer.finds({ task: 'cart has no pods', ns: 'shop', hints: ['cart'], seen });
    expect(f?.cause).toMatch(/failed calling webhook .*failurePolicy/);
    expect(f?.weight).toBeGreaterThanOrEqual(50);
  });
});

describe('log line helpers', () => {
  it('keeps the lines that say something the chosen one does not, once per message', () => {
    const lines = [
      'ERROR poll failed: offset 10 in shipments-7: unknown magic byte',
      'ERROR poll failed: offset 11 in shipments-7: unknown magic byte',
      'ERROR consumer stopped for partition shipments-7',
      'ERROR poll failed: offset 12 in shipments-7: unknown magic byte',
      'ERROR listener container stopped',
      'ERROR consumer stopped for partition shipments-7 again',
    ];
    expect(otherLines(lines, lines[0]!)).toEqual([lines[2], lines[4]]);
    expect(otherLines(lines, lines[0]!, 1)).toEqual([lines[2]]);
    expect(otherLines([lines[1]!], lines[0]!)).toEqual([]);
  });
  it('reads warning levels as loggers print them', () => {
    expect(
      warningLines(
        [
          '2026-11-24 13:19:41 [warning] <0.508.0> disk resource limit alarm set',
          'W1201 09:05:03.118201 1187 reflector.go:1] watch ended',
          '{"level":"warning","msg":"slow"}',
          'level=warn msg="retrying"',
          'INFO all good',
          '(no log lines in the last 1h)',
        ].join('\n'),
      ),
    ).toHaveLength(4);
  });
});

describe('external-name helpers', () => {
  it('reads the names programs could not resolve, and the Service a cluster name means', () => {
    expect(
      unresolvedHosts(
        [
          'could not translate host name "db.shop.svc.cluster.local" to address',
          'Error: getaddrinfo ENOTFOUND cache',
          'java.net.UnknownHostException: kafka.events',
          'dial tcp: lookup api.example.com on 10.96.0.10:53: no such host',
          'ping: mq.events: Name or service not known',
        ].join('\n'),
      ),
    ).toEqual(['db.shop.svc.cluster.local', 'cache', 'kafka.events', 'api.example.com', 'mq.events']);
    expect(serviceOf('db.shop.svc.cluster.local', 'x')).toEqual({ name: 'db', namespace: 'shop' });
    expect(serviceOf('cache', 'x')).toEqual({ name: 'cache', namespace: 'x' });
    expect(serviceOf('api.example.com', 'x')).toBeUndefined();
  });
});
