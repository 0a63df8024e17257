// Table tests of the rules written after held-out set 40's first contact that held-out-40-rules does
// not cover (deleted-open-files, mongo-stale-index), and of the near misses a test writer found in
// the rules of sets 39 and 40, now silent.
import { describe, expect, it } from 'vitest';
import { deletedOpenFilesAnalyzer } from './deleted-open-files.js';
import { expiredSessionsAnalyzer } from './expired-sessions.js';
import { incompleteChainAnalyzer } from './incomplete-chain.js';
import { glossOf } from './log-glosses.js';
import { mongoStaleIndexAnalyzer } from './mongo-stale-index.js';
import { ctx, log, observed, pods } from './observed.fixture.js';
import { retriedAndRecoveredAnalyzer } from './retried-and-recovered.js';

describe('deleted-open-files: df far above du on a full volume', () => {
  const described = observed(
    'describe_pod',
    { namespace: 'cdn', name: 'media-cache-d8dg22d4dp-6sjfl' },
    'Containers:\n  nginx:\n    Image:  nginx:1.27\n  logrotate:\n    Image:  logrotate:3.21\n  disk-watch:\n    Image:  disk-watch:0.4\n',
  );
  const nginx = log('cdn', 'media-cache-d8dg22d4dp-6sjfl', [
    '2026/05/02 08:14:02 [crit] 29#29: *881902 pwrite() "/var/cache/nginx/media/a/3f/9c" failed (28: No space left on device)',
  ]);
  const watch = (du: string) =>
    log(
      'cdn',
      'media-cache-d8dg22d4dp-6sjfl',
      [
        '2026-05-02T08:15:00Z df /var/cache/nginx: size 50G used 50.0G avail 0 (100%)',
        `2026-05-02T08:15:00Z du -sh /var/cache/nginx: ${du} (media 15.0G, logs 0.4G)`,
      ],
      { container: 'disk-watch' },
    );
  it("reads the pod's other containers", () => {
    expect(deletedOpenFilesAnalyzer.reads(ctx('cdn', [nginx, described]))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'cdn', name: 'media-cache-d8dg22d4dp-6sjfl', container: 'logrotate' },
      },
      {
        tool: 'get_pod_logs',
        args: { namespace: 'cdn', name: 'media-cache-d8dg22d4dp-6sjfl', container: 'disk-watch' },
      },
    ]);
  });
  it('names deleted files still held open, and the rotation container', () => {
    const [f] = deletedOpenFilesAnalyzer.finds(ctx('cdn', [nginx, described, watch('15.6G')]));
    expect(f?.cause).toMatch(
      /deleted files that are still open.*34\.4G unaccounted for.*log rotation container, logrotate/,
    );
    expect(f?.cause).not.toMatch(/grow the volume/i);
  });
  it('silent when du accounts for the used space', () => {
    expect(deletedOpenFilesAnalyzer.finds(ctx('cdn', [nginx, described, watch('48.9G')]))).toEqual([]);
  });
});

describe('mongo-stale-index: E11000 on an index narrower than the one the program ensures', () => {
  const dup =
    '[2026-04-22T09:14:51.402Z] error: POST /v1/meetups 500 MongoServerError: E11000 duplicate key error collection: community.meetups index: slug_1 dup key: { slug: "intro-to-rust" }';
  const ensured = (fields: string) =>
    observed(
      'search_pod_logs',
      { namespace: 'community', name: 'events-api-ds4gglcx6f-p6bl5', pattern: 'unique' },
      `1 line(s) match "unique" in the newest 168 line(s) read\n3:[2026-04-20T10:12:04.260Z] info: autoIndex: meetups indexes ensured: ${fields} unique, { startsAt: 1 }`,
    );
  const tail = log('community', 'events-api-ds4gglcx6f-p6bl5', [dup]);
  it('searches the whole log for the indexes ensured at start', () => {
    expect(mongoStaleIndexAnalyzer.reads(ctx('community', [tail]))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'community',
          name: 'events-api-ds4gglcx6f-p6bl5',
          pattern: 'unique',
          context: 0,
          maxMatches: 5,
        },
      },
    ]);
  });
  it('names the leftover index and the fix that drops it', () => {
    const [f] = mongoStaleIndexAnalyzer.finds(ctx('community', [tail, ensured('{ city: 1, slug: 1 }')]));
    expect(f?.cause).toMatch(
      /leftover unique index.*slug_1.*\{ city: 1, slug: 1 \}.*never drops the old one/,
    );
    expect(f?.advice).toMatch(/dropIndex\("slug_1"\)/);
  });
  it('silent when the ensured unique index is the failing one', () => {
    expect(mongoStaleIndexAnalyzer.finds(ctx('community', [tail, ensured('{ slug: 1 }')]))).toEqual([]);
  });
});

describe('near misses found by the test writers, now silent', () => {
  it('incomplete-chain: an "edge gateway" is not a browser', () => {
    const task =
      'settlement-push in namespace payouts fails with "x509: certificate signed by unknown authority" when it calls the partner API through the edge gateway.';
    expect(incompleteChainAnalyzer.finds(ctx('payouts', [], task))).toEqual([]);
  });
  it('expired-sessions: a bad-signature count above zero is another reason, whatever follows it', () => {
    const seen = [
      pods('portal', [['account-portal-jdcrrqp62p-4mlhp', '1/1', 'Running', '0', '5d']]),
      log('portal', 'account-portal-jdcrrqp62p-4mlhp', [
        '2026-05-04T09:01:12Z INFO  GET /account/orders 401 3ms reason=session_expired -> redirect /login',
        '2026-05-04T09:05:00Z INFO  verify stats 5m: bad_signature=212 unknown_kid=0',
      ]),
    ];
    expect(expiredSessionsAnalyzer.notes?.(ctx('portal', seen))).toEqual([]);
  });
  it('glosses: a connection line that states channel_max is not the limit reached', () => {
    expect(
      glossOf(
        'info amqp connection open to rabbitmq.messaging.svc:5672 (channel_max=2047, frame_max=131072, heartbeat=60)',
      ),
    ).toBeUndefined();
  });
  it('retried-and-recovered: a failure that gave up is not transient', () => {
    const seen = [
      pods('billing', [['invoice-worker-52tl44gs49-kv526', '1/1', 'Running', '0', '5d']]),
      log('billing', 'invoice-worker-52tl44gs49-kv526', [
        '2026-05-05T08:44:00Z INFO  job invoice.render done in 400ms',
      ]),
      observed(
        'search_pod_logs',
        {
          namespace: 'billing',
          name: 'invoice-worker-52tl44gs49-kv526',
          pattern: 'ERROR|WARN|FATAL|Exception|fail',
        },
        '1 line(s) match\n42:2026-05-05T03:12:09Z ERROR db: connect ECONNREFUSED billing-pg.db.svc:5432; job invoice.send id=771203 failed after 5 attempts, giving up',
      ),
    ];
    expect(
      retriedAndRecoveredAnalyzer.notes?.(ctx('billing', seen, 'invoice-worker logged errors overnight')),
    ).toEqual([]);
  });
});
