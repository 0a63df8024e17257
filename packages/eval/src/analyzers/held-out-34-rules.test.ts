// Table tests of the rules written after held-out set 34's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { workerPool } from '../baseline/signatures/containers/oom-killed.js';
import { heapLevelled } from './expected-log-lines.js';
import { jvmHeapCapAnalyzer } from './jvm-heap-cap.js';
import { logGloss } from './log-glosses.js';
import { misplacedSettingAnalyzer } from './misplaced-setting.js';
import { ctx, log, observed, table } from './observed.fixture.js';
import { proxyNoServerAnalyzer } from './proxy-no-server.js';
import { readAfterWriteAnalyzer } from './read-after-write.js';

const env = (ns: string, name: string, lines: string[], limits = '') =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    `Controlled By:  ReplicaSet/${name.replace(/-[a-z0-9]{5}$/, '')}\nContainers:\n  app:\n    Image: a:1\n${limits}    Environment:\n${lines.map((l) => `      ${l}`).join('\n')}\n`,
  );
const POD = 'web-7c9f5d8b6d-bcdfg';

describe('glosses: source ports, Redis replication buffers, HAProxy without a server', () => {
  it.each([
    ['dial tcp 10.96.54.21:8000: connect: cannot assign requested address', /TIME_WAIT/],
    [
      '# Client id=9 flags=S omem=268698112 cmd=psync scheduled to be closed ASAP for overcoming of output buffer limits.',
      /client-output-buffer-limit/,
    ],
    ['* Unable to partial resync with replica 10.0.0.1:6379 for lack of backlog', /repl-backlog-size/],
    ['fe_https~ be_catalog/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC--', /no server/],
  ])('%s', (line, means) => {
    expect(logGloss(line)).toMatch(means);
  });
});

describe('Celery children never recycled', () => {
  it('says so when max tasks per child is unlimited', () => {
    const pool = workerPool('celery@w ready. concurrency: 8 (prefork), max tasks per child: unlimited', '');
    expect(pool?.said).toContain('a child is never recycled');
    expect(workerPool('celery@w ready. concurrency: 8 (prefork)', '')?.said).not.toContain('recycled');
  });
});

describe('jvm-heap-cap: GC overhead limit exceeded', () => {
  it('reads it as a full heap under a small -Xmx and replaces the flag', () => {
    const seen = [
      log('a', POD, ['ERROR export failed: java.lang.OutOfMemoryError: GC overhead limit exceeded'], {
        previous: true,
      }),
      env('a', POD, ['JAVA_OPTS:  -Xms256m -Xmx384m'], '    Limits:\n      memory:  4Gi\n'),
    ];
    const [f] = jvmHeapCapAnalyzer.finds(ctx('a', seen));
    expect(f?.fix?.args).toMatchObject({
      set: [{ name: 'JAVA_OPTS', value: '-Xms256m -XX:MaxRAMPercentage=75.0' }],
    });
  });
});

describe('heapLevelled', () => {
  const gc = (n: number, before: number, after: number) =>
    `[gc] GC(${n}) Pause Young (Normal) (G1 Evacuation Pause) ${before}M->${after}M(3072M) 18.2ms`;
  it('a heap that levels off after collections is warm-up, not a leak', () => {
    const text = [
      gc(1, 1210, 640),
      gc(2, 1540, 1010),
      gc(3, 1880, 1180),
      gc(4, 1790, 1190),
      gc(5, 1800, 1185),
    ];
    expect(heapLevelled(text.join('\n'))).toContain('no leak');
  });
  it('silent while the heap after collections keeps climbing', () => {
    const text = [
      gc(1, 1210, 640),
      gc(2, 1540, 1010),
      gc(3, 1880, 1400),
      gc(4, 2200, 1800),
      gc(5, 2600, 2300),
    ];
    expect(heapLevelled(text.join('\n'))).toBeUndefined();
  });
});

describe('proxy-no-server', () => {
  const nosrv = log('edge', 'haproxy-6d9f7c8b54-kq2xw', [
    '1.2.3.4:5 [16/Nov] fe~ be_catalog/<NOSRV> 0/-1 503 217 - - SC--',
  ]);
  const found = observed(
    'find_objects',
    { name: 'catalog' },
    table([
      ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
      ['Deployment', 'shop', 'catalog-web', 'Progressing', '300d'],
    ]),
  );
  const deployments = (ready: string) =>
    observed(
      'list_deployments',
      { namespace: 'shop' },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        ['catalog-web', ready, '1', '0', '300d'],
      ]),
    );
  it('searches the backend, lists its namespace, then scales it out', () => {
    expect(proxyNoServerAnalyzer.reads(ctx('edge', [nosrv]))).toEqual([
      { tool: 'find_objects', args: { name: 'catalog' } },
    ]);
    expect(proxyNoServerAnalyzer.reads(ctx('edge', [nosrv, found]))).toEqual([
      { tool: 'list_deployments', args: { namespace: 'shop' } },
    ]);
    const [f] = proxyNoServerAnalyzer.finds(ctx('edge', [nosrv, found, deployments('0/1')]));
    expect(f?.fix).toMatchObject({
      tool: 'scale_deployment',
      args: { namespace: 'shop', name: 'catalog-web', replicas: 3 },
    });
  });
  it('silent when the backend runs several ready replicas', () => {
    expect(proxyNoServerAnalyzer.finds(ctx('edge', [nosrv, found, deployments('4/4')]))).toEqual([]);
  });
});

describe('read-after-write', () => {
  const lines = [
    '2026-05-21T09:21:14.160Z INFO PUT /k1.narinfo 201 pool=write',
    '2026-05-21T09:21:14.231Z WARN GET /k1.narinfo 404 not found pool=read',
    '2026-05-21T09:21:19.410Z INFO GET /k1.narinfo 200 pool=read',
  ];
  it('describes the pod, then names the read replica its reads go to', () => {
    expect(readAfterWriteAnalyzer.reads(ctx('b', [log('b', POD, lines)]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'b', name: POD } },
    ]);
    const d = env('b', POD, [
      'DB_WRITE_URL:  postgres://n@db-rw.data.svc:5432/c',
      'DB_READ_URL:   postgres://n@db-ro.data.svc:5432/c',
    ]);
    const [f] = readAfterWriteAnalyzer.finds(ctx('b', [log('b', POD, lines), d]));
    expect(f?.cause).toContain('lags behind the primary');
  });
  it('silent for a 404 long after the write, or with one database URL', () => {
    const late = [lines[0]!, '2026-05-21T09:25:14.231Z WARN GET /k1.narinfo 404 not found'];
    expect(readAfterWriteAnalyzer.reads(ctx('b', [log('b', POD, late)]))).toEqual([]);
    const d = env('b', POD, ['DATABASE_URL:  postgres://n@db.data.svc:5432/c']);
    expect(readAfterWriteAnalyzer.finds(ctx('b', [log('b', POD, lines), d]))).toEqual([]);
  });
});

describe('misplaced-setting', () => {
  const effective = log('c', POD, ['INFO effective index.mapping.total_fields.limit=1000']);
  const cm = (yaml: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'index-config', namespace: 'c' },
      `Name: index-config\n\nData\n====\nindex.yaml:\n----\n${yaml}\n\nBinaryData\n====\n\nEvents:  <none>\n`,
    );
  it('names the block the setting is nested under', () => {
    const nested =
      'index:\n  settings:\n    analysis:\n      mapping:\n        total_fields:\n          limit: 4000';
    const [f] = misplacedSettingAnalyzer.finds(ctx('c', [effective, cm(nested)]));
    expect(f?.cause).toContain('nested under "analysis"');
  });
  it('silent when the setting sits under settings, or holds the logged value', () => {
    const placed = 'index:\n  settings:\n    mapping:\n      total_fields:\n        limit: 4000';
    expect(misplacedSettingAnalyzer.finds(ctx('c', [effective, cm(placed)]))).toEqual([]);
    const same = 'index:\n  analysis:\n    mapping:\n      total_fields:\n        limit: 1000';
    expect(misplacedSettingAnalyzer.finds(ctx('c', [effective, cm(same)]))).toEqual([]);
  });
});
