// Table tests of other-clients: another client of the failing client's server, changed within the day.
import { describe, expect, it } from 'vitest';
import { ctx, log, observed, pods } from './observed.fixture.js';
import { otherClientsAnalyzer } from './other-clients.js';

const client = 'checkout-web-wqnhxdmhzl-fbddm';
const admin = 'flag-admin-fjm8dhgf5-h9xwq';
const failure =
  '2026-04-27T08:15:00Z error flag refresh failed key=flags:checkout: ReplyError: WRONGTYPE Operation against a key holding the wrong kind of value (command: GET)';
const described = observed(
  'describe_pod',
  { namespace: 'storefront', name: client },
  'Containers:\n  web:\n    Image:  checkout-web:12.7.2\n    Environment:\n      FLAGS_REDIS_URL:  redis://redis.platform.svc:6379/2\n',
);
const clientPods = pods('storefront', [[client, '1/1', 'Running', '0', '120d']]);
const clientLog = log('storefront', client, [
  '2026-04-27T08:14:55Z info GET /checkout/v1/cart 200 31ms',
  failure,
]);
const namespaces = observed(
  'list_resources',
  { kind: 'Namespace' },
  'NAME          STATUS   AGE\nstorefront    Active   200d\nplatform      Active   200d\nsearch        Active   200d\nkube-system   Active   300d',
);
const platform = (adminAge: string) =>
  pods('platform', [
    ['redis-0', '1/1', 'Running', '0', '61d'],
    [admin, '1/1', 'Running', '0', adminAge],
  ]);
const redisLog = log('platform', 'redis-0', [
  '1:M 27 Apr 2026 07:00:02.118 * 100 changes in 300 seconds. Saving...',
]);
const adminLog = (line: string) =>
  log('platform', admin, [
    '2026-04-27T07:25:12Z INFO flag-admin 2.0.0 starting',
    line,
    '2026-04-27T07:25:14Z INFO admin UI listening on :9000',
  ]);
const migrated =
  '2026-04-27T07:25:13Z INFO migrated flags:checkout (string, 412 bytes) -> hash (9 fields) via DEL + HSET';
const history = observed(
  'get_rollout_history',
  { namespace: 'platform', name: 'flag-admin' },
  'REVISION  IMAGES                      CHANGE-CAUSE\n1         admin=flag-admin:1.9.4      1.9.4\n2         admin=flag-admin:2.0.0      2.0.0: store flag sets as Redis hashes',
);
const base = [namespaces, clientPods, described, clientLog, platform('55m'), redisLog];

describe('other-clients: another client of the same server, changed within the day', () => {
  it("reads the log of a recent pod of the server's namespace, then its rollout history", () => {
    expect(otherClientsAnalyzer.reads(ctx('storefront', base))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'platform', name: admin } },
    ]);
    expect(otherClientsAnalyzer.reads(ctx('storefront', [...base, adminLog(migrated)]))).toEqual([
      { tool: 'get_rollout_history', args: { namespace: 'platform', name: 'flag-admin' } },
    ]);
  });
  it('names the other client, what it did to the shared key and its change cause', () => {
    const [f] = otherClientsAnalyzer.finds(ctx('storefront', [...base, adminLog(migrated), history]));
    expect(f?.object).toBe('deployment flag-admin in platform');
    expect(f?.cause).toContain('flags:checkout (string, 412 bytes) -> hash');
    expect(f?.cause).toContain('revision 2 ("2.0.0: store flag sets as Redis hashes")');
    expect(f?.revisionSound).toBe(true);
    expect(f?.fix).toBeUndefined();
  });
  it('lists one namespace more when no pod listed so far is a candidate', () => {
    const seen = [namespaces, clientPods, described, clientLog, platform('40d'), redisLog];
    expect(otherClientsAnalyzer.reads(ctx('storefront', seen))).toEqual([
      { tool: 'list_pods', args: { namespace: 'search' } },
    ]);
  });
  it('silent when the other pod started more than a day ago', () => {
    const seen = [namespaces, clientPods, described, clientLog, platform('3d'), redisLog, adminLog(migrated)];
    expect(otherClientsAnalyzer.finds(ctx('storefront', seen))).toEqual([]);
  });
  it('silent when its log names only one record both programs passed along', () => {
    const item = log('storefront', client, [
      '2026-01-15T09:58:07Z ERROR store failed for clm-2026-118204/scan-1.pdf: could not execute statement',
    ]);
    const gateway = log('platform', admin, [
      '2026-01-14T22:10:44Z INFO published clm-2026-118204/scan-1.pdf (9.0 MB)',
    ]);
    const seen = [namespaces, clientPods, described, item, platform('55m'), redisLog, gateway];
    expect(otherClientsAnalyzer.finds(ctx('storefront', seen))).toEqual([]);
  });
  it('silent when the other pod only fails the same way (a fellow victim, not a cause)', () => {
    const same = log('platform', admin, [
      '2026-04-27T08:15:02Z error flag refresh failed key=flags:checkout: ReplyError: WRONGTYPE Operation against a key holding the wrong kind of value (command: GET)',
    ]);
    const seen = [...base, same];
    expect(otherClientsAnalyzer.finds(ctx('storefront', seen))).toEqual([]);
  });
});
