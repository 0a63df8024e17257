import { describe, expect, it } from 'vitest';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { shortNameNamespaceAnalyzer } from './short-name-namespace.js';

const HEAD = ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'];
const search = (name: string, rows: string[][]) => observed('find_objects', { name }, table([HEAD, ...rows]));
const storageIn = (...namespaces: string[]) =>
  search(
    'storage',
    namespaces.flatMap((ns) => [
      ['Deployment', ns, 'storage', 'Available', '9d'],
      ['Service', ns, 'storage', '-', '9d'],
    ]),
  );
const RELAYED =
  'job 12 client-fd: Error: gethostbyname() for host "storage" failed: Temporary failure in name resolution';

describe('short-name-namespace', () => {
  it('finds a client in another namespace that a relaying daemon names', () => {
    const seen = [
      log('backup', 'director-6d9f7c8b4-x2k9p', ['started', RELAYED]),
      storageIn('backup'),
      search('client-fd', [['Deployment', 'erp', 'client-fd', 'Available', '1d']]),
    ];
    const [f] = shortNameNamespaceAnalyzer.finds(ctx('backup', seen));
    expect(f?.object).toBe('deployment client-fd in erp');
    expect(f?.cause).toContain('storage.erp.svc.cluster.local');
    expect(f?.cause).toContain('exists only in namespace backup');
    expect(f?.advice).toContain('storage.backup.svc.cluster.local');
  });

  it('finds a pod of another namespace that looks the name up itself (Go, Node.js)', () => {
    for (const line of [
      'dial tcp: lookup storage on 10.96.0.10:53: no such host',
      'Error: getaddrinfo ENOTFOUND storage',
    ]) {
      const seen = [log('erp', 'uploader-6d9f7c8b4-x2k9p', [line]), storageIn('backup')];
      const [f] = shortNameNamespaceAnalyzer.finds(ctx('backup', seen));
      expect(f?.object).toBe('pod uploader-6d9f7c8b4-x2k9p in erp');
    }
  });

  it("leaves a crashing pod's lookup to the crash signature, which gives the exit code", () => {
    const line = 'dial tcp: lookup storage on 10.96.0.10:53: no such host';
    const pod = 'uploader-6d9f7c8b4-x2k9p';
    for (const seen of [
      [log('erp', pod, [line], { previous: true }), storageIn('backup')],
      [
        log('erp', pod, [line]),
        storageIn('backup'),
        pods('erp', [[pod, '0/1', 'CrashLoopBackOff', '7', '1h']]),
      ],
      [
        log('erp', pod, [line]),
        storageIn('backup'),
        pods('erp', [[pod, '1/1', 'Running', '3 (2m ago)', '1h']]),
      ],
    ])
      expect(shortNameNamespaceAnalyzer.finds(ctx('backup', seen))).toEqual([]);
  });

  it('asks for the searches it needs: the name, and the client a relayed line names', () => {
    const seen = [log('backup', 'director-6d9f7c8b4-x2k9p', [RELAYED])];
    expect(shortNameNamespaceAnalyzer.reads(ctx('backup', seen))).toEqual([
      { tool: 'find_objects', args: { name: 'storage' } },
      { tool: 'find_objects', args: { name: 'client-fd' } },
    ]);
  });

  it.each([
    {
      what: 'a fully qualified name',
      line: 'lookup storage.backup.svc.cluster.local on 10.96.0.10:53: no such host',
      found: [storageIn('backup')],
    },
    { what: 'a Service in two namespaces', line: RELAYED, found: [storageIn('backup', 'erp')] },
    { what: 'no Service of that name anywhere', line: RELAYED, found: [search('storage', [])] },
    {
      what: 'a relayed client in the same namespace as the Service',
      line: RELAYED,
      found: [
        storageIn('backup'),
        search('client-fd', [['Deployment', 'backup', 'client-fd', 'Available', '1d']]),
      ],
    },
    {
      what: 'a line that is no failed lookup',
      line: 'connected to host "storage" on 9103',
      found: [storageIn('backup')],
    },
  ])('finds nothing for $what', ({ line, found }) => {
    const seen = [log('backup', 'director-6d9f7c8b4-x2k9p', [line]), ...found];
    expect(shortNameNamespaceAnalyzer.finds(ctx('backup', seen))).toEqual([]);
  });

  it('does bounded work on long lines of hyphenated words', () => {
    const bad = Array.from({ length: 400 }, () => `${'a-b-c-d-e-f-g-'.repeat(140)} no such host`);
    const benign = Array.from({ length: 400 }, () => 'x'.repeat(1960));
    expectBounded(
      () => shortNameNamespaceAnalyzer.finds(ctx('backup', [log('backup', 'p-6d9f7c8b4-x2k9p', bad)])),
      () => shortNameNamespaceAnalyzer.finds(ctx('backup', [log('backup', 'p-6d9f7c8b4-x2k9p', benign)])),
    );
  });
});
