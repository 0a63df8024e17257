// Rules written after held-out sets 116 and 117, each general, tested here on inputs made up for the test:
// the names, hosts, addresses and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { errorLines } from './app-errors.js';
import { expectedLine } from './expected-log-lines.js';
import { gatewayUnroutedPathAnalyzer, routes } from './gateway-unrouted-path.js';
import { hpaAtMaxAnalyzer, unflatten } from './hpa-at-max.js';
import { ingressProxyAnalyzer } from './ingress-proxy.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { muslSearchListAnalyzer } from './musl-search-list.js';
import { nginxFastShutdownAnalyzer } from './nginx-fast-shutdown.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { probeCause } from './probes.js';
import { statefulSetLostNodeAnalyzer } from './statefulset-lost-node.js';

describe('named-first: a Service the task names leads over an unrelated crash', () => {
  it('answers with the Service whose selector matches no pod, not the OOM kill beside it', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'named-service-1',
      'wiki',
      'Since this morning the team wiki answers 503 through the ingress while its pods are Running and Ready. What is wrong in namespace wiki?',
    )}cluster:
  namespaces: [wiki]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: team-wiki
      namespace: wiki
      replicas: 2
      containers:
        - name: web
          image: "example/wiki:4.1"
          ports: [3000]
          behavior: { listenPorts: [3000] }
    - name: thumbnailer
      namespace: wiki
      replicas: 1
      containers:
        - name: thumbs
          image: "example/thumbs:2.0"
          resources: { limits: { memory: 64Mi } }
          behavior: { memory: { need: 300Mi } }
  services:
    - name: team-wiki
      namespace: wiki
      selector: { app: team-wiki, tier: frontend }
      ports: [{ port: 80, targetPort: 3000 }]
`);
    expect(answer).toMatch(/^Root cause: service team-wiki/);
    expect(answer).toMatch(/selector/);
  });
});

describe('statefulset-lost-node: the pod identity from Controlled By when the pod-name label is absent', () => {
  const NS = 'queues';
  const described = (status: string, controller = 'StatefulSet/mq') =>
    observed(
      'describe_pod',
      { namespace: NS, name: 'mq-2' },
      `Name:             mq-2\nNamespace:        ${NS}\nNode:             w-7\nLabels:           app=mq\nStatus:           ${status}\nControlled By:    ${controller}\n`,
    );
  const node = observed(
    'describe_node',
    { name: 'w-7' },
    'Name: w-7\nConditions:\n  Type   Status   Reason\n  Ready  Unknown  NodeStatusUnknown   Kubelet stopped posting node status.\n',
  );

  it('reads the node, then finds the pod held Terminating', () => {
    expect(statefulSetLostNodeAnalyzer.reads(ctx(NS, [described('Running (Terminating)')]))).toEqual([
      { tool: 'describe_node', args: { name: 'w-7' } },
    ]);
    const [f] = statefulSetLostNodeAnalyzer.finds(ctx(NS, [described('Running (Terminating)'), node]));
    expect(f?.object).toBe('statefulset mq (pod mq-2)');
    expect(f?.advice).toMatch(/--grace-period=0 --force/);
  });

  it('is quiet for a Deployment pod or a pod not terminating', () => {
    expect(statefulSetLostNodeAnalyzer.finds(ctx(NS, [described('Running'), node]))).toEqual([]);
    expect(
      statefulSetLostNodeAnalyzer.finds(
        ctx(NS, [described('Running (Terminating)', 'ReplicaSet/mq-7d9f'), node]),
      ),
    ).toEqual([]);
  });
});

describe('nginx-fast-shutdown: resets at every rollout of an nginx Deployment without a preStop hook', () => {
  const NS = 'docs';
  const TASK =
    'Every time we publish (a rollout restart of handbook-web) the uptime checker sees "connection reset by peer" for a few seconds. Is the readiness probe too slow?';
  const deployment = (command: string, image = 'registry.example.com/handbook-web:7') =>
    observed(
      'describe_deployment',
      { namespace: NS, name: 'handbook-web' },
      `Name:                   handbook-web\nPod Template:\n  Labels:  app=handbook-web\n  Containers:\n    web:\n      Image:          ${image}\n      Ports:          8080/TCP\n      Command:        ${command}\n`,
    );
  const yaml = (lifecycle = '') =>
    observed(
      'get_resource',
      { kind: 'Deployment', name: 'handbook-web', namespace: NS },
      `spec:\n  template:\n    spec:\n      containers:\n        - name: web\n${lifecycle}      terminationGracePeriodSeconds: 30\n`,
    );
  const c = (seen: Parameters<typeof ctx>[1], task = TASK) => ({
    ...ctx(NS, seen, task),
    hints: ['handbook-web'],
  });

  it('reads the manifest, then says nginx quits at once on SIGTERM and advises a preStop quit', () => {
    const d = deployment('nginx -g daemon off;');
    expect(nginxFastShutdownAnalyzer.reads(c([d]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Deployment', name: 'handbook-web', namespace: NS } },
    ]);
    const [f] = nginxFastShutdownAnalyzer.finds(c([d, yaml()]));
    expect(f?.cause).toMatch(/SIGTERM, which nginx treats as a fast shutdown/);
    expect(f?.advice).toMatch(/nginx -s quit/);
    expect(f?.cause).not.toMatch(/readiness probe is too slow/);
  });

  it('is quiet with a preStop hook, for the official nginx image, or without a rollout in the report', () => {
    const d = deployment('nginx -g daemon off;');
    expect(
      nginxFastShutdownAnalyzer.finds(
        c([d, yaml('          lifecycle:\n            preStop:\n              exec: {}\n')]),
      ),
    ).toEqual([]);
    expect(
      nginxFastShutdownAnalyzer.finds(c([deployment('nginx -g daemon off;', 'nginx:1.27.3'), yaml()])),
    ).toEqual([]);
    expect(nginxFastShutdownAnalyzer.finds(c([d, yaml()], 'The handbook is slow today.'))).toEqual([]);
    expect(nginxFastShutdownAnalyzer.finds(c([deployment('gunicorn app:app'), yaml()]))).toEqual([]);
  });
});

describe("routine lines: nginx's early error-log alert, the kubelet's unmanaged-container messages", () => {
  const ALERT =
    'nginx: [alert] could not open error log file: open() "/var/log/nginx/error.log" failed (2: No such file or directory)';

  it('does not count the early alert as a failure line, and explains it', () => {
    expect(errorLines([ALERT, '10.0.0.1 - - "GET / HTTP/1.1" 200 512'].join('\n'))).toEqual([]);
    expect(expectedLine(ALERT, true)).toMatch(/before it reads its configuration/);
    // nginx's own [emerg] for a configured log it cannot open stays a failure.
    expect(
      errorLines('nginx: [emerg] open() "/var/log/nginx/access.log" failed (13: Permission denied)'),
    ).toHaveLength(1);
  });

  it('explains "is not managed by kubelet" as verbose output when every pod is ready, not otherwise', () => {
    const NS = 'net';
    const TASK =
      'The kubelet logs "Docker container: /cni-agent is not managed by kubelet" ten times a second. Broken?';
    const ok = pods(NS, [['cni-agent-abcde', '1/1', 'Running', '0', '20d']]);
    const said = (seen: Parameters<typeof ctx>[1]) =>
      (misconceptionsAnalyzer.notes?.(ctx(NS, seen, TASK)) ?? []).join('\n');
    expect(said([ok])).toMatch(/high log verbosity/);
    expect(said([pods(NS, [['cni-agent-abcde', '0/1', 'CrashLoopBackOff', '9', '20d']])])).not.toMatch(
      /high log verbosity/,
    );
  });
});

describe('probes: a timed-out exec probe, a container at its CPU limit, a start judged by its last line', () => {
  const EXEC = 'Liveness:       exec [worker-ctl ping] delay=30s timeout=10s period=30s #failure=3';

  it('takes an exec probe that ran past its timeout for a timeout, not a missing executable', () => {
    const why = probeCause(
      'liveness',
      'Liveness probe errored: rpc error: code = DeadlineExceeded desc = failed to exec in container: timeout 10s exceeded: context deadline exceeded',
      EXEC,
      '',
    );
    expect(why.timedOut).toBe(true);
    expect(why.cause).not.toMatch(/not in the image/);
    const missing = probeCause(
      'liveness',
      'Liveness probe errored: rpc error: exec: "worker-ctl": executable file not found in $PATH',
      EXEC,
      '',
    );
    expect(missing.cause).toMatch(/not in the image/);
  });

  it('says a start is still under way when loading follows a "started" step', () => {
    const why = probeCause(
      'liveness',
      'Liveness probe failed: dial tcp 10.1.2.3:6379: connect: connection refused',
      'Liveness:       tcp-socket :6379 delay=15s timeout=1s period=5s #failure=3',
      [
        'Redis version=7.2.4, pid=1, just started',
        'MASTER <-> REPLICA sync started',
        'Loading DB in memory',
      ].join('\n'),
    );
    expect(why.slowStart).toBe(true);
    const ready = probeCause(
      'liveness',
      'Liveness probe failed: dial tcp 10.1.2.3:6379: connect: connection refused',
      'Liveness:       tcp-socket :6379 delay=15s timeout=1s period=5s #failure=3',
      ['Loading DB in memory', 'DB loaded from disk', 'Ready to accept connections tcp'].join('\n'),
    );
    expect(ready.slowStart).toBeUndefined();
  });

  it('names the CPU limit when a pod at its limit times out its probe', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'pinned-probe-1',
      'ci',
      'Since the redeploy the job-runner pods restart all the time and jobs wait. What is wrong in namespace ci?',
    )}cluster:
  namespaces: [ci]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: job-runner
      namespace: ci
      replicas: 1
      containers:
        - name: runner
          image: "example/runner:2.1"
          resources: { requests: { cpu: 250m }, limits: { cpu: 250m } }
          livenessProbe: { exec: { command: [runner-ctl, ping] }, timeoutSeconds: 5, periodSeconds: 20 }
          behavior: { executables: [runner-ctl], cpu: { need: 1500m } }
      pods:
        - restarts: 12
          lastState: { terminated: { reason: Error, exitCode: 137, ago: 5m } }
          usage: { cpu: 250m, memory: 200Mi }
          events:
            - { type: Warning, reason: Unhealthy, message: "Liveness probe errored: rpc error: code = DeadlineExceeded desc = failed to exec in container: timeout 5s exceeded: context deadline exceeded", count: 30, age: 5m }
`);
    expect(answer).not.toMatch(/not in the image/);
    expect(answer).toMatch(/runs at its CPU limit \(250m of 250m/);
  });
});

describe('hpa-at-max: an autoscaler capped at maxReplicas over pods killed for memory', () => {
  const NS = 'obs';
  const hpa = (current: number, util: number, limited = true) =>
    observed(
      'describe_resource',
      { kind: 'HorizontalPodAutoscaler', name: 'collector', namespace: NS },
      [
        'Name:         collector',
        'Kind:         HorizontalPodAutoscaler (autoscaling/v2)',
        'Spec:',
        '  scaleTargetRef.apiVersion: apps/v1',
        '  scaleTargetRef.kind: Deployment',
        '  scaleTargetRef.name: collector',
        '  minReplicas: 2',
        '  maxReplicas: 6',
        '  metrics[0].type: Resource',
        '  metrics[0].resource.name: cpu',
        '  metrics[0].resource.target.type: Utilization',
        '  metrics[0].resource.target.averageUtilization: 60',
        'Status:',
        `  currentReplicas: ${current}`,
        '  currentMetrics[0].resource.name: cpu',
        `  currentMetrics[0].resource.current.averageUtilization: ${util}`,
        ...(limited
          ? [
              '  conditions[2].type: ScalingLimited',
              '  conditions[2].status: True',
              '  conditions[2].reason: TooManyReplicas',
            ]
          : []),
      ].join('\n'),
    );
  const oom = observed(
    'describe_pod',
    { namespace: NS, name: 'collector-6f7d8c9b5-abcde' },
    'Name: collector-6f7d8c9b5-abcde\nControlled By:  ReplicaSet/collector-6f7d8c9b5\n    Last State:     Terminated\n      Reason:       OOMKilled\n',
  );

  it('raises maxReplicas to what the controller asks for, applying the whole HPA', () => {
    const [f] = hpaAtMaxAnalyzer.finds(ctx(NS, [hpa(6, 150), oom]));
    expect(f?.cause).toMatch(/maxReplicas of 6/);
    expect(f?.fix?.tool).toBe('apply_manifest');
    const manifest = JSON.parse(String(f?.fix?.args['manifest']));
    expect(manifest.spec.maxReplicas).toBe(15);
    expect(manifest.spec.scaleTargetRef.name).toBe('collector');
    expect(manifest.spec.metrics[0].resource.target.averageUtilization).toBe(60);
  });

  it('is quiet below the maximum, without the limit condition, or without OOM kills', () => {
    expect(hpaAtMaxAnalyzer.finds(ctx(NS, [hpa(4, 150), oom]))).toEqual([]);
    expect(hpaAtMaxAnalyzer.finds(ctx(NS, [hpa(6, 150, false), oom]))).toEqual([]);
    expect(hpaAtMaxAnalyzer.finds(ctx(NS, [hpa(6, 150)]))).toEqual([]);
  });

  it('rebuilds nested objects and arrays from flattened paths, skipping prototype keys', () => {
    expect(
      unflatten([
        ['a.b[0].c', '1'],
        ['a.b[1].c', 'x'],
        ['__proto__.polluted', 'yes'],
      ]),
    ).toEqual({
      a: { b: [{ c: 1 }, { c: 'x' }] },
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe("ingress-proxy: a cloud gateway's request timeout against longer backend requests", () => {
  const NS = 'billing';
  const TASK =
    'Annual statement downloads through the gateway fail with 504 after about 30 seconds. Is statement-api overloaded?';
  const ingress = (annotations: string, cls = 'azure-application-gateway') =>
    observed(
      'describe_resource',
      { kind: 'Ingress', name: 'statement-api', namespace: NS },
      `Name:         statement-api\nAnnotations:  ${annotations}\nSpec:\n  ingressClassName: ${cls}\n  rules[0].http.paths[0].path: /statements\n  rules[0].http.paths[0].backend.service.name: statement-api\n`,
    );
  const backend = log(NS, 'statement-api-5d8f9c7b6-xk2lp', [
    'statement 2025 for account 991 finished in 47.2s',
    'request aborted: client disconnected',
  ]);
  const c = (seen: Parameters<typeof ctx>[1]) => ({ ...ctx(NS, seen, TASK), hints: ['statement-api'] });

  it("blames AGIC's default 30 s request timeout and quotes the longer request", () => {
    const [f] = ingressProxyAnalyzer.finds(
      c([ingress('appgw.ingress.kubernetes.io/ssl-redirect=true'), backend]),
    );
    expect(f?.object).toBe('ingress statement-api');
    expect(f?.cause).toMatch(/default request timeout of 30 seconds/);
    expect(f?.cause).toMatch(/47\.2 s/);
  });

  it('reads an annotation that raised the timeout, and is quiet when every request finished within it', () => {
    const raised = ingress('appgw.ingress.kubernetes.io/request-timeout=120');
    expect(
      ingressProxyAnalyzer.finds(
        c([raised, log(NS, 'statement-api-5d8f9c7b6-xk2lp', ['finished in 47.2s'])]),
      ),
    ).toEqual([]);
  });
});

describe('gateway-unrouted-path: a readiness path the gateway does not route', () => {
  const NS = 'siem';
  const GW = 'metrics-gateway';
  const client = log(NS, 'collector-7c9d8b6f4-p8z2m', [
    'level=info msg="waiting for backend to be ready" url="http://metrics-gateway.tsdb.svc.cluster.local/"',
    'level=fatal msg="init: backend is not ready: context deadline exceeded"',
  ]);
  const gwPods = observed(
    'list_pods',
    { namespace: 'tsdb' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP'],
      [`${GW}-6d5f8b7c9-kx2mp`, '1/1', 'Running', '0', '9d', '10.9.0.4'],
    ]),
  );
  const gwLog = log('tsdb', `${GW}-6d5f8b7c9-kx2mp`, [
    '10.9.1.7 - - [01/Jan/2026:10:00:00 +0000] "GET /ready HTTP/1.1" 404 153 "-" "Go-http-client/1.1"',
  ]);
  const gwPod = observed(
    'describe_pod',
    { namespace: 'tsdb', name: `${GW}-6d5f8b7c9-kx2mp` },
    describedPodText({
      ns: 'tsdb',
      name: `${GW}-6d5f8b7c9-kx2mp`,
      container: 'nginx',
      configMaps: ['gw-conf'],
    }),
  );
  const conf = (extra: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'gw-conf', namespace: 'tsdb' },
      `server {\n  location = / { return 200 'OK'; }\n  location ~ /api/v1/.* { proxy_pass http://tsdb:9090; }\n${extra}}\n`,
    );

  it('reads the gateway namespace, its pod log and description, then the ConfigMap', () => {
    expect(gatewayUnroutedPathAnalyzer.reads(ctx(NS, [client]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'tsdb' } },
    ]);
    expect(gatewayUnroutedPathAnalyzer.reads(ctx(NS, [client, gwPods]))).toHaveLength(2);
  });

  it('finds the 404 for /ready with no location for it', () => {
    const [f] = gatewayUnroutedPathAnalyzer.finds(ctx(NS, [client, gwPods, gwLog, gwPod, conf('')]));
    expect(f?.cause).toMatch(/no location for \/ready/);
  });

  it('is quiet when a location routes the path', () => {
    const routed = conf('  location = /ready { proxy_pass http://tsdb:9090; }\n');
    expect(gatewayUnroutedPathAnalyzer.finds(ctx(NS, [client, gwPods, gwLog, gwPod, routed]))).toEqual([]);
  });

  it('matches regular-expression locations by their literal start, never running them', () => {
    expect(routes('location ~ /api/v1/.* { }', '/api/v1/query')).toBe(true);
    expect(routes('location ~ /api/v1/.* { }', '/ready')).toBe(false);
    expect(routes('location ~* ^/(a+)+$ { }', '/ready')).toBe(true);
    expectBounded(
      () => routes(`location ~ ${'('.repeat(5000)} { }`, '/ready'),
      () => routes('location ~ /x { }', '/ready'),
    );
  });
});

describe('musl-search-list: an external name that stops resolving under added search domains on Alpine', () => {
  const NS = 'quotes';
  const POD = 'fx-feed-7c9d8b6f4-p8z2m';
  const failing = log(NS, POD, [
    'fx-feed 2.0 on node 22 (alpine 3.21) listening on 8080',
    'Error: getaddrinfo ENOTFOUND rates.provider.example.org',
  ]);
  const yaml = (dns: string) =>
    observed(
      'get_resource',
      { kind: 'Deployment', name: 'fx-feed', namespace: NS },
      `spec:\n  template:\n    spec:\n      containers:\n        - image: registry.example.com/fx-feed:2.0\n          name: app\n${dns}      restartPolicy: Always\n`,
    );
  const searches =
    '      dnsConfig:\n        searches:\n          - ad.example.net\n          - eu.ad.example.net\n';

  it('reads the manifest, then names the search list, ndots and musl', () => {
    expect(muslSearchListAnalyzer.reads(ctx(NS, [failing]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Deployment', name: 'fx-feed', namespace: NS } },
    ]);
    const [f] = muslSearchListAnalyzer.finds(ctx(NS, [failing, yaml(searches)]));
    expect(f?.cause).toMatch(/5 search domains with ndots:5/);
    expect(f?.cause).toMatch(/musl/);
    expect(f?.advice).toMatch(/ndots to 1/);
  });

  it('is quiet without added search domains, without musl, or for a name inside the cluster', () => {
    expect(muslSearchListAnalyzer.finds(ctx(NS, [failing, yaml('')]))).toEqual([]);
    const glibc = log(NS, POD, [
      'fx-feed 2.0 on debian',
      'Error: getaddrinfo ENOTFOUND rates.provider.example.org',
    ]);
    expect(muslSearchListAnalyzer.finds(ctx(NS, [glibc, yaml(searches)]))).toEqual([]);
    const inside = log(NS, POD, ['alpine', 'Error: getaddrinfo ENOTFOUND ledger.billing.svc.cluster.local']);
    expect(muslSearchListAnalyzer.finds(ctx(NS, [inside, yaml(searches)]))).toEqual([]);
  });
});
