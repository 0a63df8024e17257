// Table tests of the general rules written after held-out set 78's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { publicTimeout } from '../baseline/signatures/containers/crash.js';
import { failedCreateAnalyzer } from './failed-create.js';
import { glossOf } from './log-glosses.js';
import { ctx, observed, table } from './observed.fixture.js';

describe('failed-create: pods the API server refuses, behind a release that timed out', () => {
  const NS = 'reports';
  const events = (rows: string[][]) =>
    observed(
      'get_events',
      { namespace: NS },
      table([['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...rows]),
    );
  const refused = [
    '3m32s (x23)',
    'Warning',
    'FailedCreate',
    'statefulset/reports-worker',
    'create Pod reports-worker-0 in StatefulSet reports-worker failed error: pods "reports-worker-0" is forbidden: error looking up service account reports/reports-worker: serviceaccount "reports-worker" not found',
  ];
  const timedOut = [
    '3m2s',
    'Warning',
    'UpgradeFailed',
    'helmrelease/reports',
    'Helm upgrade failed for release reports/reports with chart reports@4.0.0: context deadline exceeded',
  ];

  it('names the missing ServiceAccount, calls the timeout the symptom and creates the account', () => {
    const [f] = failedCreateAnalyzer.finds(ctx(NS, [events([timedOut, refused])]));
    expect(f?.object).toBe('statefulset reports-worker');
    expect(f?.cause).toContain(
      'the pods name the ServiceAccount reports-worker, which does not exist in reports',
    );
    expect(f?.cause).toContain('the timeout is the symptom');
    expect(f?.fix?.tool).toBe('apply_manifest');
    expect(String(f?.fix?.args['manifest'])).toContain(
      'kind: ServiceAccount\nmetadata:\n  name: reports-worker',
    );
  });

  it('a quota refusal behind a timed-out rollout is named, with no manifest to apply; without a timeout, left to the scan', () => {
    const quota = [
      '1m',
      'Warning',
      'FailedCreate',
      'replicaset/api-7d9c8b6f5',
      'Error creating: pods "api-7d9c8b6f5-x" is forbidden: exceeded quota: compute, requested: cpu=500m',
    ];
    const stalled = [
      '1m',
      'Warning',
      'ProgressDeadlineExceeded',
      'deployment/api',
      'progress deadline exceeded',
    ];
    const [f] = failedCreateAnalyzer.finds(ctx(NS, [events([quota, stalled])]));
    expect(f?.cause).toContain('exceeded quota');
    expect(f?.fix).toBeUndefined();
    expect(failedCreateAnalyzer.finds(ctx(NS, [events([quota])]))).toEqual([]);
  });

  it('says nothing without a refused create, and a ServiceAccount of another namespace is not created here', () => {
    expect(failedCreateAnalyzer.finds(ctx(NS, [events([timedOut])]))).toEqual([]);
    const other = [
      ...refused.slice(0, 4),
      refused[4]!.replace('reports/reports-worker', 'other/reports-worker'),
    ];
    const [f] = failedCreateAnalyzer.finds(ctx(NS, [events([other, timedOut])]));
    expect(f?.fix).toBeUndefined();
  });
});

describe('publicTimeout: a dial to the internet that gets no answer', () => {
  it.each([
    ['Get "https://api.ipify.org": dial tcp 104.26.12.205:443: i/o timeout', '104.26.12.205'],
    ['dial tcp 10.96.0.10:53: i/o timeout', undefined],
    ['dial tcp 172.20.1.4:5432: i/o timeout', undefined],
    ['dial tcp 100.64.3.2:443: i/o timeout', undefined],
    ['dial tcp 104.26.12.205:443: connect: connection refused', undefined],
  ])('%s', (line, want) => {
    expect(publicTimeout(line)).toBe(want);
  });
});

describe("log glosses: Elasticsearch's vm.max_map_count check, not another server's advice", () => {
  it('glosses the bootstrap check', () => {
    expect(
      glossOf(
        'bootstrap check failure [1] of [1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]',
      )?.means,
    ).toContain("Elasticsearch's bootstrap check failed");
  });

  it("does not read MongoDB's startup warning as that check", () => {
    expect(
      glossOf(
        '{"t":{"$date":"2025-12-20T10:01:13.655+00:00"},"s":"W","c":"CONTROL","id":5123300,"msg":"vm.max_map_count is too low","tags":["startupWarnings"]}',
      ),
    ).toBeUndefined();
  });
});
