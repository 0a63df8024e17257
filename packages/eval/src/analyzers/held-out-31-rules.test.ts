// Table tests of the rules written after held-out set 31's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { recoveredRetries } from './app-errors.js';
import { forwardedSchemeLoopAnalyzer } from './forwarded-scheme-loop.js';
import { frontingProxyAnalyzer } from './fronting-proxy.js';
import { jwksStaleKeysAnalyzer } from './jwks-stale-keys.js';
import { logGloss } from './log-glosses.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { pollLoopStuckCallAnalyzer } from './poll-loop-stuck-call.js';
import { quietTailSearchAnalyzer } from './quiet-tail-search.js';
import { releaseDuringPastAlertAnalyzer } from './release-during-past-alert.js';

describe('quiet-tail-search: a whole log searched when its tail shows nothing wrong', () => {
  const seen = (tail: string[]) => [
    pods('notify', [['sender-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '13d']]),
    log('notify', 'sender-7c9f5d8b6d-bcdfg', tail),
  ];
  const task = 'The alert NotifySendErrors fired at 02:06 and resolved at 02:44.';
  it('searches the one quiet pod for failure lines', () => {
    const reads = quietTailSearchAnalyzer.reads(ctx('notify', seen(['INFO GET /healthz 200']), task));
    expect(reads).toEqual([
      expect.objectContaining({
        tool: 'search_pod_logs',
        args: expect.objectContaining({ pattern: 'ERROR|WARN|FATAL|Exception|fail' }),
      }),
    ]);
  });
  it('silent when the tail already shows a failure, or nothing is reported', () => {
    expect(quietTailSearchAnalyzer.reads(ctx('notify', seen(['ERROR boom']), task))).toEqual([]);
    expect(quietTailSearchAnalyzer.reads(ctx('notify', seen(['INFO ok']), 'How many replicas run?'))).toEqual(
      [],
    );
  });
  it("a provider's scheduled maintenance, retried until it drained, reads as recovered retries", () => {
    const r = recoveredRetries(
      [
        'WARN textwave POST /v2/messages -> 500 Internal Server Error (body: scheduled maintenance in progress), retrying',
        '2026-01-15T02:41:10Z INFO outbox drained: 212 delayed messages sent, 0 failed',
        ...Array.from({ length: 6 }, () => 'INFO GET /healthz 200 (1 ms)'),
      ].join('\n'),
    );
    expect(r?.recovery).toMatch(/outbox drained/);
  });
});

describe('release-during-past-alert: what changed at the time of a resolved alert', () => {
  const describePod = observed(
    'describe_pod',
    { namespace: 'orders', name: 'web-7c9f5d8b6d-bcdfg' },
    'Start Time:       2026-01-15T07:15:00Z\nControlled By:  ReplicaSet/web-7c9f5d8b6d\n',
  );
  const describeDeploy = observed(
    'describe_deployment',
    { namespace: 'orders', name: 'web' },
    'Annotations:            deployment.kubernetes.io/revision=2\n                        kubernetes.io/change-cause=hotfix 4.8.1 (CHG-3310, window 07:00-07:20 UTC)\n',
  );
  const list = pods('orders', [['web-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '166m']]);
  const task = 'Paged OrderWebDown at 07:03; it resolved on its own at 07:19.';
  it('reads the young pod and its deployment', () => {
    const reads = releaseDuringPastAlertAnalyzer.reads(ctx('orders', [list, describePod], task));
    expect(reads.map((r) => r.tool)).toEqual(['describe_deployment']);
  });
  it('names the rollout and its change cause inside the reported times', () => {
    const [note] = releaseDuringPastAlertAnalyzer.notes!(
      ctx('orders', [list, describePod, describeDeploy], task),
    );
    expect(note).toMatch(/deployment web rolled out revision 2 at 07:15 UTC/);
    expect(note).toContain('CHG-3310');
  });
  it('silent when the rollout is hours away from the reported times', () => {
    expect(
      releaseDuringPastAlertAnalyzer.notes!(
        ctx('orders', [list, describePod, describeDeploy], 'It fired at 01:00 and resolved at 01:10.'),
      ),
    ).toEqual([]);
  });
});

describe('jwks-stale-keys: a key set cached at start, missing the rotated key', () => {
  const refused =
    'WARN token rejected: Signed JWT rejected: no matching key(s) found (kid=k-2026, alg=RS256)';
  const search = (loaded: string) =>
    observed(
      'search_pod_logs',
      { namespace: 'a', name: 'api-7c9f5d8b6d-bcdfg', pattern: 'JWKS|key set|keyset' },
      `1 line(s) match\n2:${loaded}`,
    );
  it('restarts the deployment when the loaded set lacks the kid', () => {
    const [f] = jwksStaleKeysAnalyzer.finds(
      ctx('a', [
        log('a', 'api-7c9f5d8b6d-bcdfg', [refused]),
        search('INFO fetched JWKS: 1 key (kid=k-2025 RS256)'),
      ]),
    );
    expect(f?.fix).toMatchObject({ tool: 'restart_deployment', args: { namespace: 'a', name: 'api' } });
    expect(f?.cause).toContain('holds only k-2025');
  });
  it('silent when the loaded set holds the kid', () => {
    expect(
      jwksStaleKeysAnalyzer.finds(
        ctx('a', [
          log('a', 'api-7c9f5d8b6d-bcdfg', [refused]),
          search('INFO fetched JWKS: 2 keys (kid=k-2025, kid=k-2026)'),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('fronting-proxy: the proxy in front of a healthy service', () => {
  const task = 'Some members get a bare "400 Bad Request" page; the support lead blames the front door.';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['portal', 'Active', '1y'],
      ['frontdoor', 'Active', '1y'],
    ]),
  );
  const portal = pods('portal', [['member-portal-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '20h']]);
  const door = pods('frontdoor', [['frontdoor-6d9f7c5b8-bcdfg', '1/1', 'Running', '0', '8d']]);
  const access = log('frontdoor', 'frontdoor-6d9f7c5b8-bcdfg', [
    '1.2.3.4 - - [x] "GET / HTTP/2.0" 400 233 "-"',
  ]);
  const found = observed(
    'search_pod_logs',
    { namespace: 'frontdoor', name: 'frontdoor-6d9f7c5b8-bcdfg' },
    '1 line(s) match\n901:2026/01/15 09:52:08 [info] 29#29: *1 client sent too long header line: "Cookie: exp_assign=eyJ..."',
  );
  it('lists, reads and searches the namespace the task names by its words', () => {
    expect(frontingProxyAnalyzer.reads(ctx('portal', [namespaces, portal], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'frontdoor' } },
    ]);
    expect(
      frontingProxyAnalyzer.reads(ctx('portal', [namespaces, portal, door, access], task))[0]?.tool,
    ).toBe('search_pod_logs');
  });
  it("names the proxy's refusal with its meaning", () => {
    const [f] = frontingProxyAnalyzer.finds(ctx('portal', [namespaces, portal, door, access, found], task));
    expect(f?.cause).toContain('large_client_header_buffers');
  });
  it('silent when the task names no other namespace', () => {
    expect(
      frontingProxyAnalyzer.finds(
        ctx('portal', [namespaces, portal, door, access, found], 'Users get 400 Bad Request.'),
      ),
    ).toEqual([]);
  });
});

describe('poll-loop-stuck-call: a consumer stuck in a call without a read timeout', () => {
  const lines = [
    '2026-01-15T09:19:55Z INFO label created for order 1 (parcelhub 1.9 s)',
    '2026-01-15T09:20:31Z INFO CarrierClient POST /parcelhub/v2/labels order=2',
    '2026-01-15T09:25:31Z WARN [Consumer clientId=s-1] consumer poll timeout has expired. max.poll.interval.ms',
    "2026-01-15T09:40:00Z WARN thread dump (poll thread 'l-0'): RUNNABLE at java.net.SocketInputStream.socketRead0(Native Method) at com.acme.carrier.CarrierClient.createLabel(CarrierClient.java:88)",
  ];
  it('names the call that never returned', () => {
    const [f] = pollLoopStuckCallAnalyzer.finds(ctx('f', [log('f', 'consumer-7c9f5d8b6d-bcdfg', lines)]));
    expect(f?.cause).toMatch(/CarrierClient call \(\/parcelhub\/v2\/labels\).*no read timeout/);
  });
  it('silent when the call was answered before the expiry', () => {
    const answered = [
      lines[1]!,
      '2026-01-15T09:20:32Z INFO label created for order 2 (parcelhub 0.4 s)',
      lines[2]!,
    ];
    expect(
      pollLoopStuckCallAnalyzer.finds(ctx('f', [log('f', 'consumer-7c9f5d8b6d-bcdfg', answered)])),
    ).toEqual([]);
  });
});

describe('forwarded-scheme-loop: the trusted scheme header the proxy never sends', () => {
  const task = 'Customers report "ERR_TOO_MANY_REDIRECTS" since the HTTPS-only change.';
  const line =
    'INFO GET / 301 -> https://shop.example/ (scheme=http, x-forwarded-proto=https, x-cluster-client-https=-)';
  const describe = (value: string) =>
    observed(
      'describe_pod',
      { namespace: 'shop', name: 'web-7c9f5d8b6d-bcdfg' },
      `Controlled By:  ReplicaSet/web-7c9f5d8b6d\nContainers:\n  web:\n    Image: a:1\n    Environment:\n      TRUSTED_HTTPS_HEADER:  ${value}\n`,
    );
  it('sets the variable to X-Forwarded-Proto', () => {
    const [f] = forwardedSchemeLoopAnalyzer.finds(
      ctx('shop', [log('shop', 'web-7c9f5d8b6d-bcdfg', [line]), describe('X-Cluster-Client-Https')], task),
    );
    expect(f?.fix?.args).toMatchObject({
      deployment: 'web',
      set: [{ name: 'TRUSTED_HTTPS_HEADER', value: 'X-Forwarded-Proto' }],
    });
  });
  it('silent when the trusted header is the one sent', () => {
    const sent = line.replace('x-cluster-client-https=-', 'x-cluster-client-https=https');
    expect(
      forwardedSchemeLoopAnalyzer.finds(
        ctx('shop', [log('shop', 'web-7c9f5d8b6d-bcdfg', [sent]), describe('X-Cluster-Client-Https')], task),
      ),
    ).toEqual([]);
  });
});

describe('glosses: PgBouncer max_client_conn', () => {
  it('says the clients outnumber max_client_conn, not Postgres', () => {
    expect(logGloss('WARN pool grow failed: FATAL:  no more connections allowed (max_client_conn)')).toMatch(
      /max_client_conn.*replicas × pool size/,
    );
  });
});
