import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { appErrorsAnalyzer, recoveredRetries } from './app-errors.js';

const healthy = Array.from({ length: 8 }, (_, i) => `level=INFO msg="synced stock levels" n=${i}`);
const seen = (log: string[]): SeenObservation[] => [
  {
    step: 1,
    tool: 'list_pods',
    args: { namespace: 'inv' },
    status: 'ok',
    content:
      'NAME                  READY   STATUS    RESTARTS   AGE\nsync-5d9f7c8b6-x2x9z   1/1     Running   0          3d',
  },
  {
    step: 2,
    tool: 'get_pod_logs',
    args: { namespace: 'inv', name: 'sync-5d9f7c8b6-x2x9z' },
    status: 'ok',
    content: log.join('\n'),
  },
];
const ctx = (log: string[]) => ({ task: 't', ns: 'inv', hints: [], seen: seen(log) });

describe('app-errors: failures retried and recovered', () => {
  const retried = [
    'level=WARN msg="redis not ready, retrying in 2s" err="dial tcp 10.96.12.40:6379: connect: connection refused"',
    'level=WARN msg="redis not ready, retrying in 2s" err="dial tcp 10.96.12.40:6379: connect: connection refused"',
    'level=INFO msg="redis connected"',
  ];
  it.each([
    ['Go slog', retried],
    [
      'Node (pino)',
      [
        '{"level":"error","msg":"connect ECONNREFUSED 10.96.12.40:5432","retryInMs":2000}',
        '{"level":"info","msg":"database connected"}',
      ],
    ],
    [
      'Java (logback)',
      [
        'ERROR c.z.h.p.HikariPool - HikariPool-1 - Exception during pool initialization, will retry: java.net.ConnectException: Connection refused',
        'INFO  c.z.h.HikariDataSource - HikariPool-1 - Start completed.',
      ],
    ],
  ])('%s: no finding, a note instead', (_, lines) => {
    const log = [...lines, ...healthy];
    expect(recoveredRetries(log.join('\n'))).toBeDefined();
    expect(appErrorsAnalyzer.finds(ctx(log))).toEqual([]);
    expect(appErrorsAnalyzer.notes?.(ctx(log))[0]).toMatch(/retries that recovered/);
  });
  it('still finds failures that come back after the recovery', () => {
    const log = [...retried, ...healthy, 'level=ERROR msg="redis: connection refused"'];
    expect(recoveredRetries(log.join('\n'))).toBeUndefined();
    expect(appErrorsAnalyzer.finds(ctx(log))).toHaveLength(1);
  });
  it('still finds failures that are not retries, and retries with no recovery line', () => {
    expect(
      appErrorsAnalyzer.finds(ctx(['ERROR division by zero in /report', 'INFO connected', ...healthy])),
    ).toHaveLength(1);
    expect(appErrorsAnalyzer.finds(ctx([retried[0]!, ...healthy]))).toHaveLength(1);
  });
  it('needs some normal work after the recovery', () => {
    expect(recoveredRetries(retried.join('\n'))).toBeUndefined();
  });
});

describe('app-errors: a TLS failure sends for what the whole log says of the certificate', () => {
  const handshake = Array.from(
    { length: 3 },
    (_, i) => `[WRN] TLS handshake failed with 10.244.0.14:43${i}: remote error: tls: bad certificate`,
  );
  it('asks to search the log for the certificate dates, and takes the expiry line it finds', () => {
    const reads = appErrorsAnalyzer.reads(ctx(handshake));
    expect(reads).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'inv',
          name: 'sync-5d9f7c8b6-x2x9z',
          pattern: 'expire|NotAfter|not valid',
          context: 0,
          maxMatches: 5,
        },
      },
    ]);
    const found = appErrorsAnalyzer.finds!({
      ...ctx(handshake),
      seen: [
        ...seen(handshake),
        {
          step: 3,
          tool: 'search_pod_logs',
          args: reads[0]!.args,
          status: 'ok',
          content:
            '1 line(s) match\n3:[WRN] - Server certificate is expired ("-00:00:00.12"). Not scheduling renewal.',
        },
      ],
    });
    expect(found[0]?.cause).toMatch(/Server certificate is expired[\s\S]*own TLS certificate has expired/);
  });
  it('asks nothing when the log shows no TLS failure', () => {
    expect(appErrorsAnalyzer.reads(ctx(healthy))).toEqual([]);
  });
});

describe('app-errors: tokens not valid yet by the clock of the pod’s node', () => {
  const log = ['INFO jwks refreshed', 'WARN token rejected sub=u-120: token is not valid yet'];
  const list: SeenObservation = {
    step: 1,
    tool: 'list_pods',
    args: { namespace: 'inv' },
    status: 'ok',
    content:
      'NAME                  READY   STATUS    RESTARTS   AGE   IP            NODE\nsync-5d9f7c8b6-x2x9z   1/1     Running   0          3d    10.244.0.12   worker-c\nsync-5d9f7c8b6-k8m2p   1/1     Running   0          3d    10.244.0.13   worker-a',
  };
  const logs: SeenObservation = { ...seen(log)[1]! };
  const node: SeenObservation = {
    step: 3,
    tool: 'describe_node',
    args: { name: 'worker-c' },
    status: 'ok',
    content:
      'Conditions:\n  PIDPressure   False   KubeletHasSufficientPID   kubelet has sufficient PID available\nEvents:\n  Warning  NTPIsDown  4m (x38 over 5h)  ntp-custom-plugin-monitor  NTP service is not running',
  };
  it("reads the pod's node, and names it with its time-sync warning", () => {
    const c = { task: 't', ns: 'inv', hints: [], seen: [list, logs] };
    expect(appErrorsAnalyzer.reads(c)).toEqual([{ tool: 'describe_node', args: { name: 'worker-c' } }]);
    const [found] = appErrorsAnalyzer.finds!({ ...c, seen: [list, logs, node] });
    expect(found?.cause).toMatch(/clock skew/);
    expect(found?.cause).toMatch(
      /runs on node worker-c, whose own events report its time sync down \("Warning NTPIsDown[\s\S]*pods on other nodes \(worker-a\)/,
    );
  });
});

describe("app-errors: a proxy's 5xx answers send for its own alert lines", () => {
  const access = ['10.12.4.90 - - [28/Nov/2026:19:58:12 +0000] "GET /v2/feed HTTP/1.1" 500 579 "-" "app/7"'];
  it('asks to search the whole log for [alert], [emerg] and [crit], and takes the glossed line it finds', () => {
    const reads = appErrorsAnalyzer.reads(ctx(access));
    expect(reads).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'inv',
          name: 'sync-5d9f7c8b6-x2x9z',
          pattern: '[alert]|[emerg]|[crit]',
          context: 0,
          maxMatches: 5,
        },
      },
    ]);
    const [found] = appErrorsAnalyzer.finds!({
      ...ctx(access),
      seen: [
        ...seen(access),
        {
          step: 3,
          tool: 'search_pod_logs',
          args: reads[0]!.args,
          status: 'ok',
          content:
            '1 line(s) match\n33:2026/11/28 19:58:12 [alert] 29#29: *7781042 512 worker_connections are not enough while connecting to upstream',
        },
      ],
    });
    expect(found?.cause).toMatch(/512 worker_connections are not enough[\s\S]*raise worker_connections/);
  });
});

describe('app-errors: a failure a search found above the tail, retried and recovered', () => {
  it('says the gRPC GOAWAY too_many_pings was a keepalive adjustment the client recovered from', () => {
    const tail = Array.from({ length: 8 }, (_, i) => `INFO GetStock batch=${i} ok (500 skus, 38ms)`);
    const found = {
      step: 3,
      tool: 'search_pod_logs',
      args: { namespace: 'inv', name: 'sync-5d9f7c8b6-x2x9z', pattern: 'error|exception|traceback' },
      status: 'ok' as const,
      content:
        '1 line(s) match\n1-INFO connected to stock:50051\n2:ERROR chttp2_transport.cc:1194] Received a GOAWAY with error code ENHANCE_YOUR_CALM and debug data equal to "too_many_pings"\n3-INFO channel reconnected to stock (keepalive now 40000ms)',
    };
    const notes = appErrorsAnalyzer.notes!({ ...ctx(tail), seen: [...seen(tail), found] }).join('\n');
    expect(notes).toMatch(
      /retries that recovered[\s\S]*no action is needed[\s\S]*too_many_pings[\s\S]*keepalive/,
    );
  });
});

describe('app-errors: restarts of a Ready pod whose previous instance could not reach a dependency', () => {
  const list: SeenObservation = {
    step: 1,
    tool: 'list_pods',
    args: { namespace: 'inv' },
    status: 'ok',
    content:
      'NAME                  READY   STATUS    RESTARTS      AGE\nsync-5d9f7c8b6-x2x9z   1/1     Running   2 (5h ago)    9d',
  };
  const log = (previous: boolean, content: string): SeenObservation => ({
    step: 2,
    tool: 'get_pod_logs',
    args: { namespace: 'inv', name: 'sync-5d9f7c8b6-x2x9z', ...(previous ? { previous: true } : {}) },
    status: 'ok',
    content,
  });
  it('reads the previous log, and says the dependency was back and nothing needs doing', () => {
    const c = { task: 't', ns: 'inv', hints: [], seen: [list] };
    expect(appErrorsAnalyzer.reads(c)).toContainEqual({
      tool: 'get_pod_logs',
      args: { namespace: 'inv', name: 'sync-5d9f7c8b6-x2x9z', previous: true },
    });
    const notes = appErrorsAnalyzer.notes!({
      ...c,
      seen: [
        list,
        log(
          true,
          'ERROR BrokerUnreachableException: Connection refused rabbitmq.messaging.svc.cluster.local:5672',
        ),
        log(
          false,
          'INFO connected to amqp://rabbitmq.messaging.svc.cluster.local:5672/orders\nINFO acked batch n=1',
        ),
      ],
    }).join('\n');
    expect(notes).toMatch(
      /restarts of sync-5d9f7c8b6-x2x9z \(2 \(5h ago\)\)[\s\S]*rabbitmq[\s\S]*no action is needed/,
    );
  });
});

describe('app-errors: a running, not-ready container of a pod of several', () => {
  it('reads that container’s own log', () => {
    const d: SeenObservation = {
      step: 1,
      tool: 'describe_pod',
      args: { namespace: 'inv', name: 'basket-1' },
      status: 'ok',
      content:
        'Name: basket-1\nContainers:\n  app:\n    State:          Running\n    Ready:          True\n    Restart Count:  0\n  istio-proxy:\n    State:          Running\n    Ready:          False\n    Restart Count:  0\nConditions:\n',
    };
    expect(appErrorsAnalyzer.reads({ task: 't', ns: 'inv', hints: [], seen: [d] })).toContainEqual({
      tool: 'get_pod_logs',
      args: { namespace: 'inv', name: 'basket-1', container: 'istio-proxy' },
    });
  });
});
