// Table tests of dependency-side: the server a failing client calls is found from an address or from
// the server its failure lines name, its log (every container) is read, and the lines that link to
// the client's failure are quoted, the two sides' own names not counting as a link.
import { describe, expect, it } from 'vitest';
import { dependencySideAnalyzer, wordsAround } from './dependency-side.js';
import { ctx, observed, pods, table } from './observed.fixture.js';

const CLIENT = 'stock-api-7c9f5d8b6d-bcdfg';
const namespaces = observed(
  'list_resources',
  { kind: 'Namespace' },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['inventory', 'Active', '9d'],
    ['db', 'Active', '9d'],
  ]),
);
const clientPods = pods('inventory', [[CLIENT, '1/1', 'Running', '0', '5d']]);
const failing = observed(
  'get_pod_logs',
  { namespace: 'inventory', name: CLIENT },
  [
    'INFO GET /stock 200 9ms',
    'ERROR POST /reservations 500 after 50012ms: java.sql.SQLTransactionRollbackException: Lock wait timeout exceeded; try restarting transaction',
  ].join('\n'),
);
const TASK = 'Reservations fail in stock-api (namespace inventory). Is MySQL (namespace db) overloaded?';

describe('dependency-side', () => {
  it('lists the namespace the task names when the failure names a server with no address here', () => {
    expect(dependencySideAnalyzer.reads(ctx('inventory', [namespaces, clientPods, failing], TASK))).toEqual([
      { tool: 'list_pods', args: { namespace: 'db' } },
    ]);
  });

  const dbPods = pods('db', [['mysql-0', '2/2', 'Running', '0', '90d']]);
  const defaulted = observed(
    'get_pod_logs',
    { namespace: 'db', name: 'mysql-0' },
    'Defaulted container "mysql" out of: mysql, lock-monitor; pass container to read another\n[Warning] IP address could not be resolved',
  );
  it('reads the server pod, then its other containers the defaulted line names', () => {
    const seen = [namespaces, clientPods, failing, dbPods];
    expect(dependencySideAnalyzer.reads(ctx('inventory', seen, TASK))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'db', name: 'mysql-0' } },
    ]);
    expect(dependencySideAnalyzer.reads(ctx('inventory', [...seen, defaulted], TASK))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'db', name: 'mysql-0', container: 'lock-monitor' } },
    ]);
  });

  it('quotes the lines that share the failure words, not the unrelated warning', () => {
    const monitor = observed(
      'get_pod_logs',
      { namespace: 'db', name: 'mysql-0', container: 'lock-monitor' },
      'INNODB_TRX: oldest trx age=3h user=price_import (idle in transaction)\nLOCK_WAITS: 2 waiting on lock',
    );
    const notes = dependencySideAnalyzer.notes!(
      ctx('inventory', [namespaces, clientPods, failing, dbPods, defaulted, monitor], TASK),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('Service mysql in namespace db');
    expect(notes[0]).toContain('user=price_import (idle in transaction)');
    expect(notes[0]).not.toContain('could not be resolved');
  });

  it('follows an address of the environment, and a line naming only the two sides is no link', () => {
    const web = 'checkout-7c9f5d8b6d-bcdfg';
    const seen = [
      pods('shop', [
        [web, '1/1', 'Running', '0', '5d'],
        ['cart-6c2tdfmqx-d6cpl', '1/1', 'Running', '0', '5d'],
      ]),
      observed('get_pod_logs', { namespace: 'shop', name: web }, 'ERROR POST /orders 502: cart timed out'),
      observed(
        'describe_pod',
        { namespace: 'shop', name: web },
        'Containers:\n  app:\n    Image: a:1\n    Environment:\n      CART_URL:  http://cart:8080\n',
      ),
    ];
    expect(dependencySideAnalyzer.reads(ctx('shop', seen))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'shop', name: 'cart-6c2tdfmqx-d6cpl' } },
    ]);
    const ready = observed(
      'get_pod_logs',
      { namespace: 'shop', name: 'cart-6c2tdfmqx-d6cpl' },
      'INFO cart 3.1 ready',
    );
    expect(dependencySideAnalyzer.notes!(ctx('shop', [...seen, ready]))).toEqual([]);
  });

  it("finds an operator's server pods by their zero-padded index (Couchbase's cb-cluster-0000)", () => {
    const gw = 'sync-gateway-gr5vdsl6s-tqcks';
    const seen = [
      observed(
        'list_resources',
        { kind: 'Namespace' },
        table([
          ['NAME', 'STATUS', 'AGE'],
          ['mobile', 'Active', '9d'],
          ['data', 'Active', '9d'],
        ]),
      ),
      pods('mobile', [[gw, '1/1', 'Running', '0', '9d']]),
      observed(
        'get_pod_logs',
        { namespace: 'mobile', name: gw },
        'ERROR PUT /db/doc 503 Database server is over capacity',
      ),
      observed(
        'describe_pod',
        { namespace: 'mobile', name: gw },
        'Containers:\n  gw:\n    Image: a:1\n    Environment:\n      CB_SERVER:  couchbases://cb-cluster.data.svc\n',
      ),
      pods('data', [
        ['couchbase-operator-kxqcjzf29t-wctqr', '1/1', 'Running', '0', '30d'],
        ['cb-cluster-0000', '1/1', 'Running', '0', '30d'],
        ['cb-cluster-0001', '1/1', 'Running', '0', '30d'],
      ]),
    ];
    expect(dependencySideAnalyzer.reads(ctx('mobile', seen))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'data', name: 'cb-cluster-0000' } },
    ]);
  });

  it('says so when the server logs a limit of its own reached, in the words around it', () => {
    const quota = observed(
      'get_pod_logs',
      { namespace: 'db', name: 'mysql-0' },
      [
        '2026-03-01T10:00:00Z INFO buffer pool 61% used',
        '2026-03-01T10:01:00Z ERROR Lock wait timeout exceeded for price_import: lock table quota reached, refusing new locks',
      ].join('\n'),
    );
    const [note] = dependencySideAnalyzer.notes!(
      ctx('inventory', [namespaces, clientPods, failing, dbPods, quota], TASK),
    );
    expect(note).toContain(
      'The server says it reached a limit of its own ("price_import: lock table quota reached, refusing new locks")',
    );
    expect(note).toContain('raise it');
    const calm = observed(
      'get_pod_logs',
      { namespace: 'db', name: 'mysql-0' },
      '2026-03-01T10:01:00Z ERROR Lock wait timeout exceeded for price_import',
    );
    const [plain] = dependencySideAnalyzer.notes!(
      ctx('inventory', [namespaces, clientPods, failing, dbPods, calm], TASK),
    );
    expect(plain).toContain('Lock wait timeout exceeded');
    expect(plain).not.toContain('limit of its own');
  });

  it.each([
    ['FATAL: sorry, too many clients already', 'too many', 'FATAL: sorry, too many clients already'],
    ['a b c d e f quota reached g h i j k', 'quota reached', 'd e f quota reached g h i'],
    ['quota reached', 'quota reached', 'quota reached'],
    ['x  y\tz  limit reached  p   q', 'limit reached', 'x y z limit reached p q'],
    ['DB::Exception: Too many parts (300)', 'Too many', 'DB::Exception: Too many parts (300)'],
  ])('wordsAround(%j) keeps three whole words each side', (line, match, want) => {
    expect(wordsAround(line, line.indexOf(match), match.length)).toBe(want);
  });

  it("follows a crash-looping client's previous log, not a Running pod's old one", () => {
    const crashing = pods('inventory', [[CLIENT, '0/1', 'CrashLoopBackOff', '7', '5d']]);
    const previous = observed(
      'get_pod_logs',
      { namespace: 'inventory', name: CLIENT, previous: true },
      'FATAL java.sql.SQLTransactionRollbackException: Lock wait timeout exceeded',
    );
    expect(dependencySideAnalyzer.reads(ctx('inventory', [namespaces, crashing, previous], TASK))).toEqual([
      { tool: 'list_pods', args: { namespace: 'db' } },
    ]);
    const running = pods('inventory', [[CLIENT, '1/1', 'Running', '1', '5d']]);
    expect(dependencySideAnalyzer.reads(ctx('inventory', [namespaces, running, previous], TASK))).toEqual([]);
  });

  it('silent when no Running client logs a failure', () => {
    const quiet = observed(
      'get_pod_logs',
      { namespace: 'inventory', name: CLIENT },
      'INFO GET /stock 200 9ms',
    );
    expect(dependencySideAnalyzer.reads(ctx('inventory', [namespaces, clientPods, quiet], TASK))).toEqual([]);
    expect(dependencySideAnalyzer.notes!(ctx('inventory', [namespaces, clientPods, quiet], TASK))).toEqual(
      [],
    );
  });
  it("passes over a host with no pod behind it (a topic URI's tenant) for the address of the environment", () => {
    const app = 'order-publisher-r84jwlj4xs-nkmqn';
    const seen = [
      observed(
        'list_resources',
        { kind: 'Namespace' },
        table([
          ['NAME', 'STATUS', 'AGE'],
          ['orders', 'Active', '9d'],
          ['messaging', 'Active', '9d'],
        ]),
      ),
      pods('orders', [[app, '1/1', 'Running', '0', '5d']]),
      observed(
        'get_pod_logs',
        { namespace: 'orders', name: app },
        'WARN send still pending after 30000ms (topic persistent://shop/orders/order-events)\nERROR POST /orders 504 publish timeout',
      ),
      observed(
        'describe_pod',
        { namespace: 'orders', name: app },
        'Containers:\n  app:\n    Image: a:1\n    Environment:\n      BROKER_URL:  pulsar://pulsar-broker.messaging.svc.cluster.local:6650\n',
      ),
    ];
    // The broker's namespace not listed yet: listed first, as before.
    expect(dependencySideAnalyzer.reads(ctx('orders', seen))).toEqual([
      { tool: 'list_pods', args: { namespace: 'messaging' } },
    ]);
    const broker = pods('messaging', [['pulsar-broker-0', '1/1', 'Running', '0', '60d']]);
    expect(dependencySideAnalyzer.reads(ctx('orders', [...seen, broker]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'messaging', name: 'pulsar-broker-0' } },
    ]);
  });
});
