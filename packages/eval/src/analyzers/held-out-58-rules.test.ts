// Table tests of the general rules written after held-out set 58's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { clientPoolCapAnalyzer } from './client-pool-cap.js';
import { POOL_EXHAUSTED } from './db-pool-size.js';
import { loggedLimitAnalyzer } from './logged-limit.js';
import { ctx, describedPodText, log, observed, pods } from './observed.fixture.js';
import { pumaWorkerTimeoutAnalyzer } from './puma-worker-timeout.js';
import { staleRunClaimAnalyzer } from './stale-run-claim.js';
import { unreadPrefixedSettingAnalyzer } from './unread-prefixed-setting.js';

describe('puma-worker-timeout: workers killed past worker_timeout', () => {
  const NS = 'portal';
  const POD = 'web-6d9c8b7f5-a1b2c';
  const killed = '[1] ! Terminating timed out worker (Worker 2 failed to check in within 60 seconds): 22';
  const slow =
    'I, [2026-04-16T15:03:49.660 #14] INFO -- : Completed 200 OK in 97130ms (Views: 0.9ms) POST /api/v2/bundles/1189/publish';

  it('searches around a kill seen in a search of the log', () => {
    const searched = observed(
      'search_pod_logs',
      { namespace: NS, name: POD, pattern: 'ERROR|WARN|FATAL|Exception|fail' },
      `1 line(s) match\n3:${killed}`,
    );
    expect(pumaWorkerTimeoutAnalyzer.reads(ctx(NS, [searched]))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: NS,
          name: POD,
          pattern: 'Terminating timed out worker',
          context: 8,
          maxMatches: 3,
        },
      },
    ]);
  });

  it('names the timeout, the kills and the slowest request', () => {
    const [f] = pumaWorkerTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, ['[1] Puma starting', killed, slow])]));
    expect(f?.cause).toMatch(/worker timeout of 60 seconds .*1 worker was terminated/);
    expect(f?.cause).toMatch(/97 s\)/);
    expect(f?.cause).toMatch(/not memory/);
    expect(f?.advice).toMatch(/background job|worker_timeout/);
  });

  it('says nothing without a kill, and quotes no request shorter than the timeout', () => {
    expect(pumaWorkerTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, [slow])]))).toEqual([]);
    const [f] = pumaWorkerTimeoutAnalyzer.finds(
      ctx(NS, [log(NS, POD, [killed, slow.replace('97130ms', '3130ms')])]),
    );
    expect(f?.cause).not.toMatch(/Completed/);
  });
});

describe('client-pool-cap: a checkout of a pool connection that timed out', () => {
  const NS = 'cdc';
  const POD = 'streamer-6d9c8b7f5-a1b2c';
  const line =
    'WARN sink refunds: checkout of a database connection timed out after 5000ms (3 of 3 in use, 5 waiting)';

  it('takes the checkout timeout as the pool running out', () => {
    expect(POOL_EXHAUSTED.test(line)).toBe(true);
    expect(POOL_EXHAUSTED.test('timed out waiting for a database connection')).toBe(true);
  });

  it('raises the one pool cap tenfold when every connection was in use', () => {
    const described = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'streamer', env: { DB_POOL_SIZE: '3' } }).replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/streamer-6d9c8b7f5',
      ),
    );
    const seen = [pods(NS, [[POD, '1/1', 'Running', '0', '2d']]), log(NS, POD, [line]), described];
    const [f] = clientPoolCapAnalyzer.finds(ctx(NS, seen));
    expect(f?.cause).toMatch(/only 3 active connections \(DB_POOL_SIZE=3\)/);
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'DB_POOL_SIZE', value: '30' }] });
  });

  it('says nothing when fewer connections than the cap were in use', () => {
    const described = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, env: { DB_POOL_SIZE: '3' } }),
    );
    const seen = [log(NS, POD, [line.replace('3 of 3 in use', '1 of 3 in use')]), described];
    expect(clientPoolCapAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});

describe('logged-limit: a limit found by a search of a cut log', () => {
  it('reads PHP’s memory_limit from the lines a search showed', () => {
    const NS = 'stats';
    const POD = 'web-6d9c8b7f5-a1b2c';
    const searched = observed(
      'search_pod_logs',
      { namespace: NS, name: POD, pattern: 'ERROR|WARN|FATAL|Exception|fail' },
      '1 line(s) match\n44:[10-Feb-2026 13:00:41] WARNING: [pool www] child 212 said into stderr: "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 2097160 bytes)"',
    );
    const [f] = loggedLimitAnalyzer.finds(ctx(NS, [searched]));
    expect(f?.cause).toMatch(/PHP's own memory_limit .* 134217728 bytes \(128M\)/);
    expect(f?.object).toBe(`pod ${POD}`);
  });
});

describe('unread-prefixed-setting: old per-feature variables a release no longer reads', () => {
  const NS = 'cms';
  const POD = 'cms-9d78w8fds-fpl7h';
  const refused = 'WARN: [cache] Error: connect ECONNREFUSED 127.0.0.1:6379';
  const described = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'cms', env }).replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/cms-9d78w8fds',
      ),
    );

  it('sets the one variable the old ones share, to the address they hold', () => {
    const seen = [
      log(NS, POD, [refused]),
      described({
        CACHE_REDIS_URL: 'redis://cms-redis:6379/0',
        RATE_LIMITER_REDIS_URL: 'redis://cms-redis:6379/0',
      }),
    ];
    const [f] = unreadPrefixedSettingAnalyzer.finds(ctx(NS, seen));
    expect(f?.cause).toMatch(
      /CACHE_REDIS_URL and RATE_LIMITER_REDIS_URL point at redis:\/\/cms-redis:6379\/0/,
    );
    expect(f?.cause).toMatch(/finds REDIS_URL unset/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'cms',
      set: [{ name: 'REDIS_URL', value: 'redis://cms-redis:6379/0' }],
    });
  });

  it.each([
    ['the shared name already set', { CACHE_REDIS_URL: 'redis://a:6379', REDIS_URL: 'redis://a:6379' }],
    ['old variables that disagree', { CACHE_REDIS_URL: 'redis://a:6379', QUEUE_REDIS_URL: 'redis://b:6379' }],
    ['another port', { CACHE_REDIS_URL: 'redis://a:6380' }],
    ['a variable at localhost', { CACHE_REDIS_URL: 'redis://localhost:6379' }],
  ])('says nothing with %s', (_, env) => {
    expect(unreadPrefixedSettingAnalyzer.finds(ctx(NS, [log(NS, POD, [refused]), described(env)]))).toEqual(
      [],
    );
  });
});

describe('stale-run-claim: a mark left by a run that was killed', () => {
  const NS = 'shop';
  const skip =
    "indexer.NOTICE: view product_search: state is 'working' since 2026-03-02 03:05:03 (set by run indexer-29540345), 66140 rows pending; another run holds it, skipping";
  const listed = (status: string) =>
    pods(NS, [
      ['indexer-29540345-x7k2q', '0/1', status, '0', '2d'],
      ['indexer-29543600-rpg7q', '0/1', 'Completed', '0', '10m'],
    ]);

  it('names the view, the killed run and its end', () => {
    const [f] = staleRunClaimAnalyzer.finds(
      ctx(NS, [listed('OOMKilled'), log(NS, 'indexer-29543600-rpg7q', [skip])]),
    );
    expect(f?.object).toBe('product_search (claimed by indexer-29540345)');
    expect(f?.cause).toMatch(/its pod indexer-29540345-x7k2q ended OOMKilled/);
    expect(f?.advice).toMatch(/clear the stale mark on product_search/);
  });

  it('says nothing while the holder still runs or finished', () => {
    for (const status of ['Running', 'Completed'])
      expect(
        staleRunClaimAnalyzer.finds(ctx(NS, [listed(status), log(NS, 'indexer-29543600-rpg7q', [skip])])),
      ).toEqual([]);
  });
});
