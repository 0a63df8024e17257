// Table tests of the general rules written after held-out set 60's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { livenessKill } from '../baseline/signatures/containers/crash.js';
import { amqpVhostAnalyzer } from './amqp-vhost.js';
import { ctx, describedPodText, log, observed, pods } from './observed.fixture.js';

describe('livenessKill: the health check timed by the program itself', () => {
  const body =
    '    Liveness:       http-get http://:8080/healthz/deep delay=0s timeout=1s period=10s #success=1 #failure=3';
  it("prefers the program's own total over a request the probe aborted at its timeout", () => {
    const logs = [
      'INFO  health/deep: stock_items ok (0.31s), reservations ok (2.08s), total 2.39s',
      'WARN  client aborted request GET /healthz/deep after 1000ms',
    ].join('\n');
    const k = livenessKill(137, 'Error', body, logs);
    expect(k?.latency).toBe(2.39);
    expect(k?.line).toMatch(/total 2.39s/);
    expect(k?.timeout).toBe(8);
  });
  it('still reads a request timing alone, and nothing for an OOM kill', () => {
    const logs = 'GET /healthz/deep 200 1580ms';
    expect(livenessKill(137, 'Error', body, logs)?.latency).toBe(1.58);
    expect(livenessKill(137, 'OOMKilled', body, logs)).toBeUndefined();
  });
});

describe('amqp-vhost: a URL that names a virtual host the broker does not have', () => {
  const NS = 'boards';
  const POD = 'events-6d9c8b7f5-a1b2c';
  const described = (url: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      `${describedPodText({ ns: NS, name: POD, container: 'events', env: { EVENTS_AMQP_URL: url } })}\nControlled By:  ReplicaSet/events-6d9c8b7f5`,
    );
  const crash = log(
    NS,
    POD,
    ['Unhandled rejection Error: Expected ConnectionOpenOk; got <ConnectionClose channel:0>'],
    {
      previous: true,
    },
  );
  const broker = log('queue', 'mq-0', [
    "2026-11-24 10:58:01.131 [error] <0.1388.0> vhost '/' not found",
    "2026-11-24 10:58:01.140 [info] <0.1390.0> connection <0.1390.0>: user 'kanban-events' authenticated and granted access to vhost 'kanban'",
  ]);

  it("reads the broker's pods in the URL's namespace", () => {
    const first = [described('amqp://kanban-events@mq.queue.svc:5672/'), crash];
    expect(amqpVhostAnalyzer.reads(ctx(NS, first))).toEqual([
      { tool: 'list_pods', args: { namespace: 'queue' } },
    ]);
    const listed = pods('queue', [['mq-0', '1/1', 'Running', '0', '30d']]);
    expect(amqpVhostAnalyzer.reads(ctx(NS, [...first, listed]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'queue', name: 'mq-0' } },
    ]);
  });

  it('names the vhost asked for and sets the one the broker granted the user', () => {
    const [f] = amqpVhostAnalyzer.finds(
      ctx(NS, [described('amqp://kanban-events@mq.queue.svc:5672/'), crash, broker]),
    );
    expect(f?.cause).toMatch(
      /virtual host \(vhost\) '\/', the default one, and the broker has no such vhost/,
    );
    expect(f?.fix?.args['set']).toEqual([
      { name: 'EVENTS_AMQP_URL', value: 'amqp://kanban-events@mq.queue.svc:5672/kanban' },
    ]);
  });

  it('writes no URL whose password the tools masked, and stays quiet when the broker has the vhost', () => {
    const [f] = amqpVhostAnalyzer.finds(
      ctx(NS, [described('amqp://kanban-events:<redacted>@mq.queue.svc:5672/'), crash, broker]),
    );
    expect(f?.fix).toBeUndefined();
    expect(
      amqpVhostAnalyzer.finds(
        ctx(NS, [described('amqp://kanban-events@mq.queue.svc:5672/kanban'), crash, broker]),
      ),
    ).toEqual([]);
  });
});
