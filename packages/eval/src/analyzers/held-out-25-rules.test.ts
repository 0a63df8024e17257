// Table tests of the rules written after held-out set 25's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { connectionLimitScaleoutAnalyzer } from './connection-limit-scaleout.js';
import { dnsFiveSecondAnalyzer, lookupSeconds } from './dns-five-second.js';
import { goMaxprocsAnalyzer } from './go-maxprocs.js';
import { grpcWrongPortAnalyzer, lengthAsText } from './grpc-wrong-port.js';
import { headlessJoinAnalyzer } from './headless-join.js';
import { hpaFlappingAnalyzer } from './hpa-flapping.js';
import { kafkaRetentionAnalyzer } from './kafka-retention.js';
import { logGloss } from './log-glosses.js';
import { logRotationPressureAnalyzer } from './log-rotation-pressure.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { nfsStaleHandleAnalyzer } from './nfs-stale-handle.js';
import { ctx, observed } from './observed.fixture.js';
import { orderedStartupAnalyzer } from './ordered-startup.js';
import { pullRecoveredAnalyzer } from './pull-recovered.js';
import { queueConsumersZeroAnalyzer } from './queue-consumers-zero.js';
import { tlsSanMismatchAnalyzer } from './tls-san-mismatch.js';
import type { AnalyzerContext } from './types.js';

type Seen = ReturnType<typeof observed>;

describe('nfs-stale-handle: a mount the recreated NFS server no longer knows', () => {
  const log = observed(
    'get_pod_logs',
    { namespace: 'media', name: 'indexer-7c6f9d8b54-lq8mz' },
    "INFO scan ok\nERROR healthz: root check failed: [Errno 116] Stale file handle: '/mnt/assets'",
  );
  const mount = observed(
    'search_pod_logs',
    { namespace: 'media', name: 'indexer-7c6f9d8b54-lq8mz', pattern: 'nfs' },
    '2:INFO share mounted: /mnt/assets (nfs4 nfs-server.storage.svc.cluster.local:/export/assets)',
  );
  const pods = (age: string) =>
    observed(
      'list_pods',
      { namespace: 'storage' },
      `NAME                         READY   STATUS    RESTARTS   AGE   IP           NODE\nnfs-server-7qlcqwf942-txnmt  1/1     Running   0          ${age.padEnd(5)} 10.244.3.9   worker-d4`,
    );
  const own = observed(
    'list_pods',
    { namespace: 'media' },
    'NAME                       READY   STATUS    RESTARTS   AGE   IP            NODE\nindexer-7c6f9d8b54-lq8mz   0/1     Running   0          9d    10.244.1.23   worker-a1',
  );
  it('searches the whole log for the mount, then reads the server', () => {
    expect(nfsStaleHandleAnalyzer.reads(ctx('media', [log]))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'media',
          name: 'indexer-7c6f9d8b54-lq8mz',
          pattern: 'nfs',
          context: 0,
          maxMatches: 3,
        },
      },
    ]);
    expect(nfsStaleHandleAnalyzer.reads(ctx('media', [log, mount]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'storage' } },
    ]);
    expect(nfsStaleHandleAnalyzer.reads(ctx('media', [log, mount, pods('4h')]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'storage', name: 'nfs-server-7qlcqwf942-txnmt' } },
    ]);
  });
  it('a server younger than the client: recreated after the mount, and a restart of the client fixes it', () => {
    const [f] = nfsStaleHandleAnalyzer.finds(ctx('media', [log, mount, pods('4h'), own]));
    expect(f?.weight).toBe(95);
    expect(f?.cause).toMatch(
      /NFS server nfs-server in storage was recreated after this pod mounted its share/,
    );
    expect(f?.fix).toMatchObject({
      tool: 'restart_deployment',
      args: { namespace: 'media', name: 'indexer' },
    });
  });
  it('an older server: still stale, said without a move', () => {
    const [f] = nfsStaleHandleAnalyzer.finds(ctx('media', [log, mount, pods('30d'), own]));
    expect(f?.weight).toBe(90);
    expect(f?.cause).toMatch(/was restarted or moved after this pod mounted/);
  });
  it('nothing without a stale handle in a log', () => {
    const fine = observed(
      'get_pod_logs',
      { namespace: 'media', name: 'indexer-7c6f9d8b54-lq8mz' },
      'INFO ok',
    );
    expect(nfsStaleHandleAnalyzer.finds(ctx('media', [fine, mount, pods('4h'), own]))).toEqual([]);
  });
});

describe("go-maxprocs: a Go runtime sized from the node's CPUs under a CPU limit", () => {
  const metrics = (pct: string) =>
    observed(
      'get_pod_metrics',
      { namespace: 'routing' },
      `planner-dllg79mg86-7mqg8  restarts: 0  oomKills: 0 known\n  planner: cpu 2 / request 1 / limit 2 (${pct}); memory 1200Mi / request 1Gi / limit 2Gi (59%)`,
    );
  const log = observed(
    'get_pod_logs',
    { namespace: 'routing', name: 'planner-dllg79mg86-7mqg8' },
    'level=INFO msg="request" path=/v1/route status=200 dur=412ms',
  );
  const found = (line: string) =>
    observed(
      'search_pod_logs',
      { namespace: 'routing', name: 'planner-dllg79mg86-7mqg8', pattern: 'gomaxprocs' },
      `1:${line}`,
    );
  it("searches a throttled pod's log for its GOMAXPROCS", () => {
    expect(goMaxprocsAnalyzer.reads(ctx('routing', [metrics('100%'), log]))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'routing',
          name: 'planner-dllg79mg86-7mqg8',
          container: 'planner',
          pattern: 'gomaxprocs',
          context: 0,
          maxMatches: 3,
        },
      },
    ]);
    expect(goMaxprocsAnalyzer.reads(ctx('routing', [metrics('40%'), log]))).toEqual([]);
  });
  it.each([
    ['level=INFO msg="starting" go=go1.22.5 gomaxprocs=64 numcpu=64', '2'],
    ['maxprocs: Leaving GOMAXPROCS=32: CPU quota undefined', '2'],
    ['{"msg":"boot","gomaxprocs":48}', '2'],
  ])('%s → set GOMAXPROCS=%s', (line, want) => {
    const [f] = goMaxprocsAnalyzer.finds(ctx('routing', [metrics('100%'), log, found(line)]));
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: { deployment: 'planner', container: 'planner', set: [{ name: 'GOMAXPROCS', value: want }] },
    });
  });
  it('nothing when GOMAXPROCS already fits the limit, or the pod is not throttled', () => {
    expect(goMaxprocsAnalyzer.finds(ctx('routing', [metrics('100%'), log, found('gomaxprocs=2')]))).toEqual(
      [],
    );
    expect(goMaxprocsAnalyzer.finds(ctx('routing', [metrics('50%'), log, found('gomaxprocs=64')]))).toEqual(
      [],
    );
  });
});

describe('tls-san-mismatch: a serving certificate without the Service name its clients dial', () => {
  const log = (line: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'payouts', name: 'payout-worker-bl2cqsmrq6-mxv8b', previous: true },
      line,
    );
  const GO =
    'level=ERROR err="Get \\"https://ledger-api.payments.svc:8443/healthz\\": tls: failed to verify certificate: x509: certificate is valid for ledger-api.internal.example.com, ledger-api, not ledger-api.payments.svc"';
  const JAVA =
    'javax.net.ssl.SSLHandshakeException: No subject alternative DNS name matching ledger-api.payments.svc.cluster.local found.';
  const list = observed(
    'list_resources',
    { kind: 'Certificate', namespace: 'payments' },
    'NAME         STATUS   AGE\nledger-api   Ready    24h',
  );
  const cert = (names: string[]) =>
    observed(
      'describe_resource',
      { kind: 'Certificate', name: 'ledger-api', namespace: 'payments' },
      `Name: ledger-api\nSpec:\n  secretName: ledger-api-tls\n${names.map((n, i) => `  dnsNames[${i}]: ${n}`).join('\n')}\n`,
    );
  it("lists and describes the Certificate in the server's namespace", () => {
    expect(tlsSanMismatchAnalyzer.reads(ctx('payouts', [log(GO)]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Certificate', namespace: 'payments' } },
    ]);
    expect(tlsSanMismatchAnalyzer.reads(ctx('payouts', [log(GO), list]))).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'Certificate', name: 'ledger-api', namespace: 'payments' },
    });
  });
  it.each([
    ['Go', GO],
    ['Java', JAVA],
  ])('%s: the dnsNames lack the host', (_, line) => {
    const [f] = tlsSanMismatchAnalyzer.finds(
      ctx('payouts', [log(line), list, cert(['ledger-api.internal.example.com', 'ledger-api'])]),
    );
    expect(f?.object).toBe('deployment payout-worker (pod payout-worker-bl2cqsmrq6-mxv8b)');
    expect(f?.cause).toMatch(/lists dnsNames ledger-api\.internal\.example\.com, ledger-api only/);
  });
  it('nothing when the certificate names the host', () => {
    expect(
      tlsSanMismatchAnalyzer.finds(
        ctx('payouts', [log(GO), list, cert(['ledger-api', 'ledger-api.payments.svc'])]),
      ),
    ).toEqual([]);
  });
});

describe("connection-limit-scaleout: another workload's scale-out uses the database's connections up", () => {
  const log = (line: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'workflows', name: 'workflow-api-5cmsk6k29-jf2cc', previous: true },
      line,
    );
  const events = (message: string) =>
    observed(
      'get_events',
      { namespace: 'workflows' },
      `LAST SEEN   TYPE     REASON              OBJECT                    MESSAGE\n27m         Normal   ScalingReplicaSet   deployment/compute-unit   ${message}`,
    );
  it.each([
    'org.postgresql.util.PSQLException: FATAL: sorry, too many clients already',
    'FATAL: remaining connection slots are reserved for non-replication superuser connections',
    'ERROR 1040 (08004): Too many connections',
  ])('%s', (line) => {
    const [f] = connectionLimitScaleoutAnalyzer.finds(
      ctx('workflows', [log(line), events('Scaled up replica set compute-unit-5d8c7b9f4d to 30 from 6')]),
    );
    expect(f?.cause).toMatch(/compute-unit was scaled out from 6 to 30 replicas/);
  });
  it('nothing for a small scale-up, or without the refusal', () => {
    const tooMany = log('FATAL: sorry, too many clients already');
    expect(
      connectionLimitScaleoutAnalyzer.finds(
        ctx('workflows', [tooMany, events('Scaled up replica set compute-unit-5d8c7b9f4d to 3 from 2')]),
      ),
    ).toEqual([]);
    expect(
      connectionLimitScaleoutAnalyzer.finds(
        ctx('workflows', [
          log('INFO ready'),
          events('Scaled up replica set compute-unit-5d8c7b9f4d to 30 from 6'),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('queue-consumers-zero: a full broker whose consumers are scaled to zero', () => {
  const full = observed(
    'get_pod_logs',
    { namespace: 'telemetry', name: 'ingest-api-nsc8cdddh-fcmbp' },
    "ERROR: enqueue failed: OperationalError: OOM command not allowed when used memory > 'maxmemory'.",
  );
  const list = observed(
    'list_deployments',
    { namespace: 'telemetry' },
    'NAME           READY   UP-TO-DATE   AVAILABLE   AGE    IMAGES\ningest-api     3/3     3            3           240d   a:1\ntrace-worker   0/0     0            0           240d   b:1',
  );
  const worker = (spec: string) =>
    observed(
      'describe_deployment',
      { namespace: 'telemetry', name: 'trace-worker' },
      `Name: trace-worker\nAnnotations:  ops/scaled-down=INC-4410 migration, scale back to 6 when done\nReplicas: 0 desired\n${spec}`,
    );
  it('describes the zero-replica deployments once the broker is full', () => {
    expect(queueConsumersZeroAnalyzer.reads(ctx('telemetry', [full, list]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: 'telemetry', name: 'trace-worker' } },
    ]);
    expect(queueConsumersZeroAnalyzer.reads(ctx('telemetry', [list]))).toEqual([]);
  });
  it('a consumer at zero: nothing consumes the queue, scale it back to the number its note gives', () => {
    const [f] = queueConsumersZeroAnalyzer.finds(
      ctx('telemetry', [full, list, worker('      Args: celery -A ingest.worker worker -Q traces')]),
    );
    expect(f?.cause).toMatch(/nothing consumes the queue: deployment trace-worker/);
    expect(f?.fix).toMatchObject({ tool: 'scale_deployment', args: { name: 'trace-worker', replicas: 6 } });
  });
  it('nothing when the zero-replica deployment is not a consumer', () => {
    expect(
      queueConsumersZeroAnalyzer.finds(
        ctx('telemetry', [full, list, worker('      Args: serve --port 8080')]),
      ),
    ).toEqual([]);
  });
});

describe('kafka-retention: a topic that keeps every message fills the brokers', () => {
  const log = observed(
    'get_pod_logs',
    { namespace: 'events', name: 'kafka-1', previous: true },
    [
      '[2026-02-25 07:39:04,551] INFO [LogLoader partition=clickstream-raw-11, dir=/data] Recovering unflushed segment (kafka.log.LogLoader)',
      'java.io.IOException: No space left on device',
      '[2026-02-25 07:39:05,020] ERROR Shutdown broker because all log dirs have failed (kafka.log.LogManager)',
    ].join('\n'),
  );
  const list = observed(
    'list_resources',
    { kind: 'KafkaTopic', namespace: 'events' },
    'NAME              STATUS   AGE\nclickstream-raw   -        20d\norders            -        298d\npayments          -        2d',
  );
  const topic = (name: string, ms: string) =>
    observed(
      'describe_resource',
      { kind: 'KafkaTopic', name, namespace: 'events' },
      `Name: ${name}\nAge:          20d\nSpec:\n  config.retention.ms: ${ms}\n  config.retention.bytes: -1\n`,
    );
  it('lists the topics, then describes the one the log names and the youngest', () => {
    expect(kafkaRetentionAnalyzer.reads(ctx('events', [log]))).toEqual([
      { tool: 'list_resources', args: { kind: 'KafkaTopic', namespace: 'events' } },
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: 'events' } },
    ]);
    expect(kafkaRetentionAnalyzer.reads(ctx('events', [log, list]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'KafkaTopic', name: 'clickstream-raw', namespace: 'events' },
      },
      { tool: 'describe_resource', args: { kind: 'KafkaTopic', name: 'payments', namespace: 'events' } },
    ]);
  });
  it('a topic with retention.ms -1 is what filled the volume', () => {
    const [f] = kafkaRetentionAnalyzer.finds(ctx('events', [log, list, topic('clickstream-raw', '-1')]));
    expect(f?.cause).toMatch(
      /topic clickstream-raw keeps every message forever \(retention\.ms -1, retention\.bytes -1/,
    );
  });
  it('nothing with a finite retention, or without a full disk', () => {
    expect(
      kafkaRetentionAnalyzer.finds(ctx('events', [log, list, topic('clickstream-raw', '604800000')])),
    ).toEqual([]);
    const fine = observed(
      'get_pod_logs',
      { namespace: 'events', name: 'kafka-1' },
      'INFO started (kafka.server.KafkaRaftServer)',
    );
    expect(kafkaRetentionAnalyzer.finds(ctx('events', [fine, list, topic('clickstream-raw', '-1')]))).toEqual(
      [],
    );
  });
});

describe('glosses from set 25', () => {
  it.each([
    [
      'WARN Request failed error="status 503" body="upstream connect error or disconnect/reset before headers. reset reason: overflow"',
      /circuit breaker[\s\S]*UO, upstream overflow/,
    ],
    [
      'HTTP/1.1 503 Service Unavailable x-envoy-overloaded: true',
      /circuit breaker[\s\S]*max_pending_requests/,
    ],
    [
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      /could not get a response from the backend/,
    ],
  ])('%s', (line, want) => {
    expect(logGloss(line)).toMatch(want);
  });
});

describe('dns-five-second: lookups that sometimes wait out the resolver timeout', () => {
  it.each([
    ['INFO quote ok fx: dns=5.004s connect=0.010s', 5.004],
    ['dns_ms=5012 connect_ms=11', 5.012],
    ['WARN DNS lookup took 5.01s for api.example.com', 5.01],
    ['resolving rates.example.com took 3ms', 0.003],
    ['GET /v1/rate 200 5.0s', undefined],
  ])('%s → %s', (line, want) => {
    expect(lookupSeconds(line)).toBe(want);
  });
  const log = (slow: number) =>
    observed(
      'get_pod_logs',
      { namespace: 'pricing', name: 'quote-aggregator-7b7x79j7j-2ngjt' },
      [
        ...Array.from({ length: 10 }, () => 'INFO quote ok fx: dns=0.002s connect=0.011s total=0.091s'),
        ...Array.from({ length: slow }, () => 'INFO quote ok fx: dns=5.004s connect=0.010s total=5.087s'),
      ].join('\n'),
    );
  it('a few lookups at 5 s among fast ones: a lost query', () => {
    const [f] = dnsFiveSecondAnalyzer.finds(ctx('pricing', [log(1)]));
    expect(f?.cause).toMatch(/just over 5 seconds[\s\S]*A and AAAA/);
    expect(f?.advice).toMatch(/single-request-reopen/);
  });
  it('nothing when every lookup is slow (a slow server), or none is', () => {
    expect(dnsFiveSecondAnalyzer.finds(ctx('pricing', [log(8)]))).toEqual([]);
    expect(dnsFiveSecondAnalyzer.finds(ctx('pricing', [log(0)]))).toEqual([]);
  });
});

describe('grpc-wrong-port: a gRPC client reading a text reply as a frame', () => {
  it.each([
    [576941924, '"cod'],
    [1414811695, 'TTP/'],
    [4194305, undefined],
    [2147483648, undefined],
  ])('%s → %s', (n, want) => {
    expect(lengthAsText(n)).toBe(want);
  });
  const log = observed(
    'get_pod_logs',
    { namespace: 'reporting', name: 'statement-builder-5ltxlxv44-hxfzd', previous: true },
    [
      'info: connecting to ledger at ledger-core.ledger.svc:8080 (grpc-js 1.10.9)',
      'error: StreamEntries failed: Error: 8 RESOURCE_EXHAUSTED: Received message larger than max (576941924 vs 4194304)',
    ].join('\n'),
  );
  const pod = observed(
    'describe_pod',
    { namespace: 'reporting', name: 'statement-builder-5ltxlxv44-hxfzd' },
    'Controlled By:  ReplicaSet/statement-builder-5ltxlxv44\nContainers:\n  builder:\n    Environment:\n      LEDGER_ADDR:  ledger-core.ledger.svc:8080\n',
  );
  const svc = observed(
    'describe_service',
    { namespace: 'ledger', name: 'ledger-core' },
    'Name:              ledger-core\nPort:              grpc  9090/TCP\nPort:              http  8080/TCP\n',
  );
  it('reads the Service it dials, and points the variable at the gRPC port', () => {
    expect(grpcWrongPortAnalyzer.reads(ctx('reporting', [log]))).toEqual([
      { tool: 'describe_service', args: { namespace: 'ledger', name: 'ledger-core' } },
    ]);
    const [f] = grpcWrongPortAnalyzer.finds(ctx('reporting', [log, pod, svc]));
    expect(f?.cause).toMatch(
      /port 8080 \(the Service's "http" port\), set by LEDGER_ADDR[\s\S]*gRPC port is 9090/,
    );
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        deployment: 'statement-builder',
        container: 'builder',
        set: [{ name: 'LEDGER_ADDR', value: 'ledger-core.ledger.svc:9090' }],
      },
    });
  });
  it('nothing for a real size over the limit', () => {
    const real = observed(
      'get_pod_logs',
      { namespace: 'reporting', name: 'statement-builder-5ltxlxv44-hxfzd' },
      'connecting to ledger-core.ledger.svc:9090\nRESOURCE_EXHAUSTED: Received message larger than max (5242880 vs 4194304)',
    );
    expect(grpcWrongPortAnalyzer.finds(ctx('reporting', [real, pod, svc]))).toEqual([]);
  });
});

describe('hpa-flapping: an HPA with no scale-down stabilization window', () => {
  const events = observed(
    'get_events',
    { namespace: 'claims' },
    [
      'LAST SEEN   TYPE     REASON              OBJECT                                  MESSAGE',
      '96s (x9)    Normal   SuccessfulRescale   horizontalpodautoscaler/claims-portal   New size: 7; reason: cpu resource utilization (percentage of request) above target',
      '5m6s (x8)   Normal   SuccessfulRescale   horizontalpodautoscaler/claims-portal   New size: 5; reason: All metrics below target',
    ].join('\n'),
  );
  const hpa = (window: string) =>
    observed(
      'describe_resource',
      { kind: 'HorizontalPodAutoscaler', name: 'claims-portal', namespace: 'claims' },
      `Spec:\n  scaleTargetRef.name: claims-portal\n  behavior.scaleDown.stabilizationWindowSeconds: ${window}\n`,
    );
  it('describes the HPA that rescales up and down', () => {
    expect(hpaFlappingAnalyzer.reads(ctx('claims', [events]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'HorizontalPodAutoscaler', name: 'claims-portal', namespace: 'claims' },
      },
    ]);
  });
  it('a zero window: flapping', () => {
    const [f] = hpaFlappingAnalyzer.finds(ctx('claims', [events, hpa('0')]));
    expect(f?.cause).toMatch(
      /is flapping: it scaled deployment claims-portal up 9 times and down 8 times[\s\S]*stabilizationWindowSeconds is 0/,
    );
  });
  it('nothing with the default window', () => {
    expect(hpaFlappingAnalyzer.finds(ctx('claims', [events, hpa('300')]))).toEqual([]);
  });
});

describe('expected states from set 25', () => {
  it('CPUThrottlingHigh on a container far below its limit: bursts, nothing to fix', () => {
    const metrics = observed(
      'get_pod_metrics',
      { namespace: 'listings' },
      'court-listing-sync-vwsqlmf9bk-d6bph  restarts: 0  oomKills: 0 known\n  sync: cpu 20m / request 180m / limit 500m (4%); memory 96Mi / request 128Mi / limit 256Mi (38%)',
    );
    const at = (task: string, seen = [metrics]): AnalyzerContext => ({
      task,
      ns: 'listings',
      hints: ['court-listing-sync'],
      seen,
    });
    const [note] = misconceptionsAnalyzer.notes!(
      at('CPUThrottlingHigh has been firing for court-listing-sync'),
    );
    expect(note).toMatch(/uses 20m of its 500m limit \(4%\), so it is mostly idle[\s\S]*no action is needed/);
    const busy = observed(
      'get_pod_metrics',
      { namespace: 'listings' },
      'court-listing-sync-vwsqlmf9bk-d6bph  restarts: 0  oomKills: 0 known\n  sync: cpu 480m / request 180m / limit 500m (96%)',
    );
    expect(
      misconceptionsAnalyzer.notes!(at('CPUThrottlingHigh has been firing for court-listing-sync', [busy])),
    ).toEqual([]);
  });
  it('image pulls that failed on new nodes and then went through: over', () => {
    const events = observed(
      'get_events',
      { namespace: 'functions' },
      [
        'LAST SEEN   TYPE      REASON   OBJECT                        MESSAGE',
        '37m         Normal    Pulled   pod/run-8813-jvt2j            Successfully pulled image "r.internal:5000/t:1.3.0" in 1.1s',
        '39m (x3)    Warning   Failed   pod/run-8813-jvt2j            Failed to pull image "r.internal:5000/t:1.3.0": dial tcp: lookup r.internal on 10.40.0.2:53: no such host',
      ].join('\n'),
    );
    const pods = (status: string) =>
      observed(
        'list_pods',
        { namespace: 'functions' },
        `NAME             READY   STATUS      RESTARTS   AGE   IP            NODE\nrun-8813-jvt2j   0/1     ${status.padEnd(11)} 0          42m   10.244.0.13   fn-node-4`,
      );
    const nodes = observed(
      'list_nodes',
      {},
      'NAME        STATUS   ROLES    AGE   VERSION\nfn-node-1   Ready    <none>   90d   v1.32.0\nfn-node-4   Ready    <none>   46m   v1.32.0',
    );
    const at = (seen: Seen[]): AnalyzerContext => ({
      task: 'We were paged for ImagePullBackOff in functions',
      ns: 'functions',
      hints: [],
      seen,
    });
    expect(pullRecoveredAnalyzer.reads(at([events]))).toEqual([{ tool: 'list_nodes', args: {} }]);
    const [note] = pullRecoveredAnalyzer.notes!(at([events, pods('Completed'), nodes]));
    expect(note).toMatch(
      /The image pull failures are over[\s\S]*new nodes \(fn-node-4, 46m old\)[\s\S]*no change is needed now/,
    );
    expect(pullRecoveredAnalyzer.notes!(at([events, pods('ErrImagePull'), nodes]))).toEqual([]);
  });
});

describe('ordered-startup: an OrderedReady StatefulSet still bringing its pods up', () => {
  const pods = (rows: string[]) =>
    observed(
      'list_pods',
      { namespace: 'logging' },
      ['NAME             READY   STATUS    RESTARTS   AGE   IP            NODE', ...rows].join('\n'),
    );
  const sts = (policy: string) =>
    observed(
      'describe_resource',
      { kind: 'StatefulSet', name: 'log-ingester', namespace: 'logging' },
      `Name: log-ingester\nSpec:\n  replicas: 3\n${policy ? `  podManagementPolicy: ${policy}\n` : ''}`,
    );
  const at = (seen: Seen[]) =>
    ctx('logging', seen, 'there is only log-ingester-0 and no -1 or -2: is the StatefulSet broken?');
  const starting = [
    'log-ingester-0   1/1     Running   0          2m    10.244.0.17   n1',
    'log-ingester-1   0/1     Running   0          50s   10.244.0.18   n1',
  ];
  it('describes the StatefulSet its pods belong to', () => {
    expect(orderedStartupAnalyzer.reads(at([pods(starting)]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'StatefulSet', name: 'log-ingester', namespace: 'logging' },
      },
    ]);
  });
  it.each(['OrderedReady', ''])('policy "%s": expected, wait', (policy) => {
    const [f] = orderedStartupAnalyzer.finds(at([pods(starting), sts(policy)]));
    expect(f?.cause).toMatch(
      /is not broken: it is still starting its pods in order[\s\S]*log-ingester-2 does not exist yet/,
    );
  });
  it('nothing with Parallel, a restarting pod, or an old unready one', () => {
    expect(orderedStartupAnalyzer.finds(at([pods(starting), sts('Parallel')]))).toEqual([]);
    const crashing = [
      starting[0]!,
      'log-ingester-1   0/1     CrashLoopBackOff   4          3m    10.244.0.18   n1',
    ];
    expect(orderedStartupAnalyzer.finds(at([pods(crashing), sts('OrderedReady')]))).toEqual([]);
    const stuck = [starting[0]!, 'log-ingester-1   0/1     Running   0          2h    10.244.0.18   n1'];
    expect(orderedStartupAnalyzer.finds(at([pods(stuck), sts('OrderedReady')]))).toEqual([]);
  });
});

describe('headless-join: a member waiting for peers a headless Service publishes only when Ready', () => {
  const pods = (row: string) =>
    observed(
      'list_pods',
      { namespace: 'vulnscan' },
      `NAME                               READY   STATUS    RESTARTS   AGE    IP            NODE\n${row}`,
    );
  const waiting =
    'guard-controller-6d9f7c5b8-q2wxk   0/1     Running   0          2d7h   10.244.0.12   edge-node-1';
  const log = observed(
    'get_pod_logs',
    { namespace: 'vulnscan', name: 'guard-controller-6d9f7c5b8-q2wxk' },
    [
      '|ERRO|CTL|resolve - error=lookup guard-controller-cluster.vulnscan on 10.96.0.10:53: connect: no route to host retry=0',
      '|INFO|CTL|cluster.FillClusterAddrs: resolve - join=guard-controller-cluster.vulnscan addrs=[] retry=9',
      '|WARN|CTL|cluster: cannot join a cluster, no peer address to join - waiting',
    ].join('\n'),
  );
  const svc = (ip: string) =>
    observed(
      'describe_service',
      { namespace: 'vulnscan', name: 'guard-controller-cluster' },
      `Name:              guard-controller-cluster\nIP:                ${ip}\nEndpoints:         <none>\n`,
    );
  it('describes the Service the lookups use, then restarts the stuck pod', () => {
    expect(headlessJoinAnalyzer.reads(ctx('vulnscan', [pods(waiting), log]))).toEqual([
      { tool: 'describe_service', args: { namespace: 'vulnscan', name: 'guard-controller-cluster' } },
    ]);
    const [f] = headlessJoinAnalyzer.finds(ctx('vulnscan', [pods(waiting), log, svc('None')]));
    expect(f?.cause).toMatch(/headless Service guard-controller-cluster[\s\S]*its first lookup failed/);
    expect(f?.fix).toMatchObject({ tool: 'restart_pod', args: { name: 'guard-controller-6d9f7c5b8-q2wxk' } });
  });
  it('nothing for a ClusterIP Service, or a pod that is Ready or restarting', () => {
    expect(headlessJoinAnalyzer.finds(ctx('vulnscan', [pods(waiting), log, svc('10.96.4.4')]))).toEqual([]);
    const ready = waiting.replace('0/1', '1/1');
    expect(headlessJoinAnalyzer.finds(ctx('vulnscan', [pods(ready), log, svc('None')]))).toEqual([]);
  });
});

describe("log-rotation-pressure: one container's logs fill its node's disk", () => {
  const node = (pressure: string) =>
    observed(
      'describe_node',
      { name: 'worker-7' },
      [
        'Conditions:',
        '  Type             Status   Reason                       Message',
        `  DiskPressure     ${pressure.padEnd(8)} KubeletHasDiskPressure       kubelet has disk pressure`,
        'Events:',
        '  Warning   ContainerLogRotationFailed   36s (x31 over 47m)   kubelet   Failed to rotate log for container "taskmanager" in pod "scorer-tm-7f8d6c9b47-m2xkq": failed to compress log "/var/log/pods/streaming_scorer-tm-7f8d6c9b47-m2xkq_1c2e/taskmanager/0.log.1": no space left on device',
      ].join('\n'),
    );
  const log = (level: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'streaming', name: 'scorer-tm-7f8d6c9b47-m2xkq', container: 'taskmanager' },
      Array.from(
        { length: 20 },
        (_, i) => `${level} org.example.Fetch - built fetch session epoch=${i}`,
      ).join('\n'),
    );
  it("reads the container's log the kubelet cannot rotate", () => {
    expect(logRotationPressureAnalyzer.reads(ctx('reports', [node('True')]))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'streaming', name: 'scorer-tm-7f8d6c9b47-m2xkq', container: 'taskmanager' },
      },
    ]);
  });
  it('under DiskPressure, with a DEBUG log: the log level fills the disk', () => {
    const [f] = logRotationPressureAnalyzer.finds(ctx('reports', [node('True'), log('DEBUG')]));
    expect(f?.object).toBe('deployment scorer-tm (pod scorer-tm-7f8d6c9b47-m2xkq) in streaming');
    expect(f?.cause).toMatch(
      /fill node worker-7's root disk[\s\S]*Its log is at DEBUG level: 20 of the 20 lines/,
    );
    const [quiet] = logRotationPressureAnalyzer.finds(ctx('reports', [node('True'), log('INFO')]));
    expect(quiet?.cause).not.toMatch(/DEBUG level/);
  });
  it('nothing without DiskPressure', () => {
    expect(logRotationPressureAnalyzer.finds(ctx('reports', [node('False'), log('DEBUG')]))).toEqual([]);
  });
});
