// Table tests of logContext: the settings line and the line just before a quoted failure.
import { describe, expect, it } from 'vitest';
import { logContext } from './log-context.js';
import { log } from './observed.fixture.js';

const pod = 'thumbnail-worker-v2tjrskzj-bqw4m';
const start =
  '2026-06-21T22:58:10Z INFO  worker 2.14.1 started; redis=redis-main.svc:6379 socket_timeout=5.0 socket_connect_timeout=2.0';
const waiting = '2026-06-23T23:04:08Z INFO  waiting for jobs: BRPOP thumbs:pending timeout=30';
const failure =
  '2026-06-23T23:04:13Z ERROR queue read failed: redis.exceptions.TimeoutError: Timeout reading from socket';
const quote = (line: string, tool = 'get_pod_logs') => `${tool} ${pod}: "${line}"`;

describe('logContext', () => {
  it('quotes the start-up settings and the wait before the failure, and compares the two', () => {
    const seen = [
      log('media', pod, [start, '2026-06-23T23:00:00Z INFO  thumb 88 done 200ms', waiting, failure]),
    ];
    const said = logContext(seen, [quote(failure)]);
    expect(said).toContain('socket_timeout=5.0');
    expect(said).toContain('BRPOP thumbs:pending timeout=30');
    expect(said).toContain('(timeout=30) is longer than its own socket_timeout=5.0');
  });

  it.each([
    [
      'a start line with one pair only',
      '2026-06-21T22:58:10Z INFO  worker started; socket_timeout=5.0',
      false,
    ],
    [
      'pairs none of which names a limit',
      '2026-06-21T22:58:10Z INFO  started; region=eu-west-1 zone=b',
      false,
    ],
    ['two pairs, one a limit', '2026-06-21T22:58:10Z INFO  started; host=db pool.max=40', true],
  ])('reads %s as settings: %s', (_, line, expected) => {
    const seen = [log('media', pod, [line, failure])];
    expect(logContext(seen, [quote(failure)])?.includes('its settings at start') === true).toBe(expected);
  });

  it('does not compare a wait with a connect timeout, nor a shorter wait with a longer timeout', () => {
    const connectOnly = start.replace('socket_timeout=5.0 ', '');
    const a = logContext([log('media', pod, [connectOnly, waiting, failure])], [quote(failure)]);
    expect(a).toContain('BRPOP');
    expect(a).not.toContain('is longer than');
    const shortWait = waiting.replace('timeout=30', 'timeout=2');
    const b = logContext([log('media', pod, [start, shortWait, failure])], [quote(failure)]);
    expect(b).not.toContain('is longer than');
  });

  it('takes a warning that states a limit as what came just before, never an error line or a quoted one', () => {
    const warned = '2026-06-23T23:04:10Z WARN  slow reply after 4.9s';
    expect(logContext([log('media', pod, [warned, failure])], [quote(failure)])).toBeUndefined();
    const limit =
      '[2026-02-12 09:15:00,124: WARNING/MainProcess] Soft time limit (900s) exceeded for reports.export';
    expect(logContext([log('media', pod, [limit, failure])], [quote(failure)])).toContain(
      'Soft time limit (900s)',
    );
    const earlier = '2026-06-23T23:04:10Z ERROR read failed after waiting 30s';
    expect(logContext([log('media', pod, [earlier, failure])], [quote(failure)])).toBeUndefined();
    const both = logContext([log('media', pod, [start, failure])], [quote(failure), quote(start)]);
    expect(both).toBeUndefined();
  });

  it('takes no kin of the failure as settings, and no request timing as what it was doing', () => {
    const fragment =
      '30 component=client host=loki:3100 msg="final error sending batch, dropping it" status=429 batch=1146';
    const timing =
      '2026-06-23T23:04:10Z INFO  [gc][241930] overhead, spent [284ms] collecting in the last [1s]';
    expect(logContext([log('media', pod, [fragment, timing, failure])], [quote(failure)])).toBeUndefined();
    const waited = '2026-06-23T23:04:10Z INFO  waiting 30s for the lock';
    expect(logContext([log('media', pod, [waited, failure])], [quote(failure)])).toContain('waiting 30s');
  });

  it('reads only the three lines before the failure for what it was doing', () => {
    const filler = Array.from({ length: 3 }, (_, i) => `2026-06-23T23:04:1${i}Z INFO  tick`);
    const said = logContext([log('media', pod, [waiting, ...filler, failure])], [quote(failure)]);
    expect(said).toBeUndefined();
  });

  it('finds a clipped quote, one marked as previous, and says nothing for a line no log read holds', () => {
    const seen = [log('media', pod, [start, waiting, failure])];
    expect(logContext(seen, [`get_pod_logs ${pod} (previous): "${failure.slice(0, 60)} …"`])).toContain(
      'socket_timeout',
    );
    expect(logContext(seen, [quote('2026-06-23 something else')])).toBeUndefined();
    expect(logContext(seen, ['describe_pod x: Last State Terminated'])).toBeUndefined();
  });

  it("places a finding's `logs of <pod>` quote (a Job's pod) as it places a get_pod_logs one", () => {
    const seen = [log('media', pod, [start, waiting, failure])];
    expect(logContext(seen, [`logs of ${pod}: "${failure}"`])).toContain('socket_timeout=5.0');
    expect(logContext(seen, [`logs of ${pod}/worker: "${failure}"`])).toBeUndefined();
  });

  it('stays bounded on a hostile line (long runs of key characters without a value)', () => {
    const hostile = `${'a'.repeat(1_999)}=`;
    const long = `x_timeout=1 ${'k'.repeat(5_000)}=1 y=2`;
    const said = logContext([log('media', pod, [hostile, long, failure])], [quote(failure)]);
    expect(said).toBeUndefined();
  });

  describe('a run that outlived the wait the log states', () => {
    const wpod = 'billing-worker-7c9d2-x2kq';
    const wait =
      '2026-03-31 09:00:00.530 INF Jobs: recurring job export, cron */5 * * * *, concurrency lock wait 600s';
    const ran = '2026-03-31 09:18:51.877 INF Jobs: job 412 finished: 52,904 rows exported in 13m51s';
    const timeout =
      'LockTimeoutException: Timeout expired. The timeout elapsed prior to obtaining a distributed lock';
    // Four lines between the wait and the failure: the wait is not what the program did just before.
    const gap = Array.from({ length: 4 }, (_, i) => `2026-03-31 09:0${i}:00.000 INF Jobs: tick ${i}`);
    const said = (lines: string[], quoted = timeout) =>
      logContext(
        [log('billing', wpod, [lines[0]!, ...gap, ...lines.slice(1)])],
        [`get_pod_logs ${wpod}: "${quoted}"`],
      );

    it('quotes the wait and the longer run beside a timeout', () => {
      const text = said([wait, ran, timeout]);
      expect(text).toContain(`In the log of ${wpod}`);
      expect(text).toContain('a wait of 600s');
      expect(text).toContain('took 13m51s');
      expect(text).toContain('longer than that wait');
    });

    it.each([
      ['took 12 minutes', 'job done; took 12 minutes', true],
      ['ran for 700 seconds', 'batch ran for 700 seconds', true],
      ['in 9m59s (shorter than the wait)', 'exported in 9m59s', false],
      ['a duration not said of a finished run', 'next run scheduled 15m from now', false],
      ['a run that failed after a long time', 'export failed after 14m', false],
      ['a bare number', 'exported 900 rows in 700', false],
    ])('reads %s', (_, line, expected) => {
      expect(
        said([wait, `2026-03-31 09:20:00.000 INF ${line}`, timeout])?.includes('longer than that wait') ===
          true,
      ).toBe(expected);
    });

    it('needs a timeout as the failure, a stated wait, and a run in the same log', () => {
      const refused = 'ConnectionRefused: could not reach db:5432';
      expect(said([wait, ran, refused], refused)).toBeUndefined();
      expect(
        said(['2026-03-31 09:00:00.530 INF Jobs: export every 5 minutes', ran, timeout]),
      ).toBeUndefined();
      const other = logContext(
        [log('billing', wpod, [wait, ...gap, timeout]), log('billing', 'other-pod', [ran])],
        [`get_pod_logs ${wpod}: "${timeout}"`],
      );
      expect(other).toBeUndefined();
    });

    it('takes no warning, error or quoted line as the wait or the run', () => {
      const warnWait = wait.replace(' INF ', ' WARN ');
      expect(said([warnWait, ran, timeout])).toBeUndefined();
      const quotedRun = logContext(
        [log('billing', wpod, [wait, ...gap, ran, timeout])],
        [`get_pod_logs ${wpod}: "${timeout}"`, `get_pod_logs ${wpod}: "${ran}"`],
      );
      expect(quotedRun).toBeUndefined();
    });

    it('stays bounded on long digit runs and reads at most 2,000 lines', () => {
      const hostile = `${'1'.repeat(1_990)}h wait`;
      const filler = Array.from({ length: 2_000 }, (_, i) => `2026-03-31 09:00:00.000 INF tick ${i}`);
      expect(said([hostile, ran, timeout])).toBeUndefined();
      expect(said([filler[0]!, ...filler.slice(1), wait, ...gap, ran, timeout]) ?? '').not.toContain(
        'longer than',
      );
    });
  });
});
