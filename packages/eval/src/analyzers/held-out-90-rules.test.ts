// Table tests of the general rules written after held-out set 90's first contact.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { sessionAffinityAnalyzer } from './session-affinity.js';

describe('a session request that reached another replica', () => {
  const ns = 'lakehouse';
  const podList = observed(
    'list_pods',
    { namespace: ns },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      ['query-7c9d8b6f5-bhx6n', '1/1', 'Running', '0', '2d', '10.244.0.13', 'pool-2'],
      ['query-7c9d8b6f5-l2cqt', '1/1', 'Running', '1 (3d ago)', '12d', '10.244.0.12', 'pool-1'],
      ['meta-0', '1/1', 'Running', '0', '12d', '10.244.0.18', 'pool-1'],
    ]),
  );
  const services = (endpoints: string) =>
    observed(
      'list_services',
      { namespace: ns },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
        ['meta', 'ClusterIP', '10.96.90.100', '9191/TCP', 'app=meta', '10.244.0.18:9191', '41d'],
        ['query', 'ClusterIP', '10.96.88.40', '8000/TCP', 'app=query', endpoints, '41d'],
      ]),
    );
  const two = services('10.244.0.13:8000,10.244.0.13:3307,10.244.0.12:8000,10.244.0.12:3307');
  const service = (affinity: string) =>
    observed(
      'get_resource',
      { kind: 'Service', name: 'query', namespace: ns },
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: query',
        `  namespace: ${ns}`,
        '  uid: 5018ccea',
        'spec:',
        '  clusterIP: 10.96.88.40',
        '  ports:',
        '    - port: 8000',
        '  selector:',
        '    app: query',
        `  sessionAffinity: ${affinity}`,
      ].join('\n'),
    );
  const routed =
    '2026-03-01T02:01:06.232Z WARN http_query_handlers: GET /v1/query/262be77c/page/1 404 route error: query 262be77c SHOULD be on server q7Hn, but current server is Vt3s, which started at 2026-02-28T15:02:09Z';
  const serverLog = log(ns, 'query-7c9d8b6f5-bhx6n', ['INFO Ready for connections.', routed, routed]);

  it('reads the Services, then the one whose endpoints include the refusing pod', () => {
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog]))).toEqual([
      { tool: 'list_pods', args: { namespace: ns } },
      { tool: 'list_services', args: { namespace: ns } },
    ]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog, podList, two]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Service', name: 'query', namespace: ns } },
    ]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog, podList, two, service('None')]))).toEqual([]);
  });

  it('names the Service and applies it back with sessionAffinity ClientIP', () => {
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, two, service('None')]));
    expect(f?.object).toBe('service query');
    expect(f?.cause).toContain('over its 2 pods (sessionAffinity None)');
    expect(f?.cause).toContain('SHOULD be on server q7Hn');
    expect(f?.cause).toContain('2 times in the log of query-7c9d8b6f5-bhx6n');
    expect(f?.fix?.tool).toBe('apply_manifest');
    const applied = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    expect(applied.spec['sessionAffinity']).toBe('ClientIP');
    expect(applied.spec['selector']).toEqual({ app: 'query' });
    expect(applied.metadata['uid']).toBeUndefined();
  });

  it('before the Service is read: the finding without a fix', () => {
    const [f] = sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, two]));
    expect(f?.object).toBe('service query');
    expect(f?.fix).toBeUndefined();
  });

  it('a sticky Service, one pod behind it, a previous log or a line without a refusal is no finding', () => {
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, two, service('ClientIP')]))).toEqual(
      [],
    );
    const one = services('10.244.0.13:8000,10.244.0.13:3307');
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [serverLog, podList, one]))).toEqual([]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [serverLog, podList, one]))).toEqual([]);
    const previous = log(ns, 'query-7c9d8b6f5-bhx6n', [routed], { previous: true });
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [previous, podList, two]))).toEqual([]);
    const leader = log(ns, 'query-7c9d8b6f5-bhx6n', [
      'INFO raft: leader lives on another node, forwarding writes',
      'INFO shard 3 is owned by a different instance; rebalanced',
    ]);
    expect(sessionAffinityAnalyzer.reads(ctx(ns, [leader]))).toEqual([]);
    expect(sessionAffinityAnalyzer.finds(ctx(ns, [leader, podList, two]))).toEqual([]);
  });

  it('other wordings of a request for state another replica holds', () => {
    for (const line of [
      'ERROR upload 9f2c belongs to another node: 404 not found',
      'WARN session 41aa not on this server (unknown session), answered 410',
    ]) {
      const [f] = sessionAffinityAnalyzer.finds(
        ctx(ns, [log(ns, 'query-7c9d8b6f5-l2cqt', [line]), podList, two]),
      );
      expect(f?.object).toBe('service query');
    }
  });

  it('does bounded work on a hostile log line', () => {
    const hostile = `should be on server ${'x '.repeat(100_000)} 404`;
    const plain = 'y '.repeat(100_000);
    expectBounded(
      () =>
        sessionAffinityAnalyzer.finds(ctx(ns, [log(ns, 'query-7c9d8b6f5-bhx6n', [hostile]), podList, two])),
      () => sessionAffinityAnalyzer.finds(ctx(ns, [log(ns, 'query-7c9d8b6f5-bhx6n', [plain]), podList, two])),
    );
  });
});
