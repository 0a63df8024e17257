// Rules written after held-out set 119's remaining misses, each general, tested here on inputs made up for
// the test: the names, hosts and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { watermark } from './rabbitmq-watermark.js';

describe("watermark: RabbitMQ's information units", () => {
  it.each([
    ['268435456', { bytes: 268435456 }],
    ['256MiB', { bytes: 256 * 1024 ** 2 }],
    ['256M', { bytes: 256 * 1024 ** 2 }],
    ['1GB', { bytes: 1e9 }],
    ['2GiB', { bytes: 2 * 1024 ** 3 }],
    ['512kB', { bytes: 512_000 }],
    ['0.4', { share: 0.4 }],
    ['lots', undefined],
    ['1.5', undefined],
  ])('%s', (value, want) => {
    expect(watermark(value)).toEqual(want);
  });
});

/** A broker whose memory alarm is set at `watermark`, with a 2Gi limit, beside a failing neighbour. */
const broker = (mark: string) => `${scenarioHead(
  `broker-${mark.toLowerCase()}`,
  'dispatch',
  'Nothing new reaches the parcel-router workers in namespace dispatch and the publishers time out. Fix it if it is safe.',
)}cluster:
  namespaces: [dispatch]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: mq
      namespace: dispatch
      replicas: 1
      containers:
        - name: broker
          image: "example/rabbitmq:3.13"
          ports: [5672, 15672]
          env: { RABBITMQ_VM_MEMORY_HIGH_WATERMARK: "${mark}" }
          readinessProbe: { httpGet: { path: /api/health/checks/alarms, port: 15672 }, periodSeconds: 10 }
          resources: { limits: { memory: 2Gi } }
          behavior:
            listenPorts: [5672, 15672]
            http: [{ port: 15672, path: /api/health/checks/alarms, status: 503 }]
            logs:
              - "2026-01-05 10:00:00.000000+00:00 [info] <0.1.0> Server startup complete; 3 plugins started."
              - "2026-01-05 10:05:00.000000+00:00 [info] <0.2.0> vm_memory_high_watermark set. Memory used:330000000 allowed:314572800"
              - "2026-01-05 10:05:00.000100+00:00 [warning] <0.2.0> memory resource limit alarm set on node 'rabbit@mq-0'."
    - name: parcel-router
      namespace: dispatch
      replicas: 1
      containers:
        - name: router
          image: "example/router:1.0"
          behavior:
            logs: ["INFO waiting for deliveries on parcels.new"]
grants:
  approve:
    - tool: set_env
      where: { namespace: dispatch, deployment: mq }
      reason: test
`;

describe('rabbitmq-watermark: a memory alarm under a watermark far below the container limit', () => {
  it('names the low watermark and sets it to 40 % of the limit', async () => {
    const answer = await baselineAnswer(broker('300MiB'));
    expect(answer).toMatch(
      /RABBITMQ_VM_MEMORY_HIGH_WATERMARK=300MiB on container broker allows 300MiB, 15 %/,
    );
    expect(answer).toMatch(/819MiB/);
  });

  it('says nothing of the watermark when it is a fair share of the limit', async () => {
    // The alarm's own line gives the allowed figure (300 MiB); with no limit set, nothing to compare with.
    const answer = await baselineAnswer(
      broker('900MiB').replace('resources: { limits: { memory: 2Gi } }', ''),
    );
    expect(answer).not.toMatch(/watermark is set far too low/);
  });
});

describe('beside a failing neighbour, the workload the person reports on is read before the one they guess at', () => {
  it('reads the reported API before the guessed database', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'guess-after-report',
      'books',
      'Since noon some requests to records-api in namespace books fail with 500s. I guess postgres is just overloaded and needs more CPU.',
    )}cluster:
  namespaces: [books]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: records-api
      namespace: books
      replicas: 1
      containers:
        - name: api
          image: "example/invoice:3.1"
          behavior:
            logs:
              - "INFO GET /invoices/7 200"
              - "ERROR pq: remaining connection slots are reserved for non-replication superuser connections"
              - "INFO GET /invoices/8 500"
    - name: postgres
      namespace: books
      replicas: 1
      containers:
        - name: db
          image: "example/postgres:16"
          behavior:
            logs: ["LOG:  database system is ready to accept connections"]
    - name: rates-sync
      namespace: books
      replicas: 1
      containers:
        - name: sync
          image: "example/rates:1.0"
          behavior:
            crash: { exitCode: 1, logs: ["ERROR rates provider answered 401"] }
`);
    expect(answer).toMatch(/remaining connection slots are reserved/);
  });
});
