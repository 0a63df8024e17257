// Table tests of reconnect-storm: clients that all reconnect at once, found from a server's own statistics.
import { describe, expect, it } from 'vitest';
import { ctx, log, pods } from './observed.fixture.js';
import { reconnectStormAnalyzer, stormIn } from './reconnect-storm.js';

const NS = 'iot';
const POD = 'broker-6c9f7d8b5-k2x9q';
const running = pods(NS, [[POD, '1/1', 'Running', '0', '19d']]);
const stats = (connects: number, t: string) =>
  `2026-05-02T${t}.000+00:00 [info] stats: connections.count=9000 packets.connect.received(1m)=${connects}`;
const storm = [
  '2026-05-02T07:00:00.000+00:00 [notice] broker 5.1 is running now!',
  stats(52, '08:00:00'),
  stats(47, '09:00:00'),
  ...Array.from(
    { length: 6 },
    (_, i) =>
      `2026-05-02T09:04:0${i}.101+00:00 [info] msg: client_disconnected, clientid: dev-${i}, reason: tcp_closed (peer 10.1.4.20)`,
  ),
  '2026-05-02T09:04:09.900+00:00 [info] msg: client_connected, clientid: dev-3, keepalive: 60 (4th CONNECT from this clientid in 3s)',
  '2026-05-02T09:04:10.400+00:00 [warning] msg: high connection rate, listener: tcp:default, rate: 4100/s, max_conn_rate: infinity',
  stats(240311, '09:05:00'),
];

describe('reconnect-storm: clients that reconnect at once', () => {
  it('names the storm, the drop that set it off, its one peer, the clients connecting again and no rate limit', () => {
    const [f] = reconnectStormAnalyzer.finds(ctx(NS, [running, log(NS, POD, storm)]));
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toMatch(/reconnect storm.*grew 5113 times, from 47 to 240311/);
    expect(f?.cause).toMatch(/6 client connections were dropped together/);
    expect(f?.cause).toMatch(/same peer address 10\.1\.4\.20, the load balancer or proxy/);
    expect(f?.cause).toMatch(/4th CONNECT from this clientid/);
    expect(f?.cause).toMatch(/Nothing caps the rate: .*max_conn_rate: infinity/);
    expect(f?.advice).toMatch(/backoff with random jitter/);
    expect(f?.weight).toBeGreaterThan(80);
  });

  it('names no peer when the dropped connections come from several', () => {
    const mixed = storm.map((l, i) => l.replace('10.1.4.20', `10.1.4.${20 + i}`));
    const [f] = reconnectStormAnalyzer.finds(ctx(NS, [running, log(NS, POD, mixed)]));
    expect(f?.cause).toMatch(/reconnect storm/);
    expect(f?.cause).not.toMatch(/peer address/);
  });

  it.each([
    ['a connect count that only doubles', [stats(52, '08:00:00'), stats(104, '09:00:00')]],
    ['a fiftyfold growth that stays under a thousand', [stats(2, '08:00:00'), stats(400, '09:00:00')]],
    ['a count that falls', [stats(240311, '08:00:00'), stats(47, '09:00:00')]],
    [
      'disconnects counted, not connects',
      ['stats: clients_disconnected=3', 'stats: clients_disconnected=90000'],
    ],
    ['a single sample', [stats(240311, '09:05:00')]],
  ])('says nothing for %s', (_, lines) => {
    expect(reconnectStormAnalyzer.finds(ctx(NS, [running, log(NS, POD, lines)]))).toEqual([]);
  });

  it('reads only Running pods’ current logs', () => {
    const crashing = pods(NS, [[POD, '0/1', 'CrashLoopBackOff', '5', '19d']]);
    expect(reconnectStormAnalyzer.finds(ctx(NS, [crashing, log(NS, POD, storm)]))).toEqual([]);
    expect(reconnectStormAnalyzer.finds(ctx(NS, [running, log(NS, POD, storm, { previous: true })]))).toEqual(
      [],
    );
  });

  it('does bounded work on a long line of connect words', () => {
    const line = `${'connect connect.y '.repeat(200)}connect.x=1`;
    expect(stormIn([line, line.replace(/=1$/, '=99999')].join('\n'))?.after).toBe(99999);
    expect(stormIn('x'.repeat(5000))).toBeUndefined();
  });
});
