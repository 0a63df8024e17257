// Table tests of the general rules written after held-out set 78's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { publicTimeout } from '../baseline/signatures/containers/crash.js';
import { errorLines } from './app-errors.js';
import { envPathMissingAnalyzer } from './env-path-missing.js';
import { failedCreateAnalyzer } from './failed-create.js';
import { kanikoCleanupAnalyzer } from './kaniko-cleanup.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { productNamespaceAnalyzer } from './product-namespace.js';

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
    ).toContain('bootstrap check failed');
  });

  it("does not read MongoDB's startup warning as that check", () => {
    expect(
      glossOf(
        '{"t":{"$date":"2025-12-20T10:01:13.655+00:00"},"s":"W","c":"CONTROL","id":5123300,"msg":"vm.max_map_count is too low","tags":["startupWarnings"]}',
      ),
    ).toBeUndefined();
  });
});

// Second pass, after the review: the rules written for the misses left after the first pass.

describe('env-path-missing: a variable that names a path the image does not have', () => {
  const NS = 'fns';
  const POD = 'plate-reader-7d9c8b6f5-x2k4p';
  const missing =
    'Can\'t find Python exe {"error": "exec: \\"/opt/rt/python3\\": stat /opt/rt/python3: no such file or directory"}';
  const crashing = pods(NS, [[POD, '0/1', 'CrashLoopBackOff', '5', '3m']]);
  const described = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, env }).replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/plate-reader-7d9c8b6f5',
      ),
    );
  const deployments = (rows: string[][]) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ...rows]),
    );
  const manifest = (name: string, value: string) =>
    observed(
      'get_resource',
      { kind: 'Deployment', name, namespace: NS },
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/receipts:1.0\n          env:\n            - name: PY_EXE\n              value: ${value}\n`,
    );

  it('names the variable and sets it to the path a ready peer uses', () => {
    const seen = [
      crashing,
      described({ PY_EXE: '/opt/rt/python3', OTHER: 'x' }),
      log(NS, POD, ['starting', missing]),
      deployments([
        ['plate-reader', '0/2', '2', '0', '3m'],
        ['receipts', '1/1', '1', '1', '9d'],
      ]),
    ];
    expect(envPathMissingAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'get_resource', args: { kind: 'Deployment', name: 'receipts', namespace: NS } },
    ]);
    const [f] = envPathMissingAnalyzer.finds(
      ctx(NS, [...seen, manifest('receipts', '/usr/local/bin/python3')]),
    );
    expect(f?.cause).toContain('PY_EXE=/opt/rt/python3');
    expect(f?.cause).toContain('does not exist in its image');
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'plate-reader',
        container: 'app',
        set: [{ name: 'PY_EXE', value: '/usr/local/bin/python3' }],
      },
      text: expect.stringContaining('/usr/local/bin/python3'),
    });
  });

  it('without a ready peer that sets the variable, names it with no fix', () => {
    const seen = [
      crashing,
      described({ PY_EXE: '/opt/rt/python3' }),
      log(NS, POD, [missing]),
      deployments([
        ['plate-reader', '0/2', '2', '0', '3m'],
        ['receipts', '0/1', '1', '0', '9d'],
      ]),
    ];
    expect(envPathMissingAnalyzer.reads(ctx(NS, seen))).toEqual([]);
    const [f] = envPathMissingAnalyzer.finds(ctx(NS, seen));
    expect(f?.cause).toContain('PY_EXE=/opt/rt/python3');
    expect(f?.fix).toBeUndefined();
  });

  it('a missing path no variable holds, two variables holding it, or a pod that is not crashing: nothing', () => {
    const cases = [
      [crashing, described({ PY_EXE: '/usr/bin/python3' }), log(NS, POD, [missing])],
      [crashing, described({ A: '/opt/rt/python3', B: '/opt/rt/python3' }), log(NS, POD, [missing])],
      [
        pods(NS, [[POD, '1/1', 'Running', '0', '3m']]),
        described({ PY_EXE: '/opt/rt/python3' }),
        log(NS, POD, [missing]),
      ],
    ];
    for (const seen of cases) expect(envPathMissingAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  it('stays linear on a long line of slashes', () => {
    const line = (n: number) => `${'/a'.repeat(n)} no such file or directory`;
    expectBounded(
      () =>
        envPathMissingAnalyzer.finds(ctx(NS, [crashing, described({ X: '/b' }), log(NS, POD, [line(1900)])])),
      () =>
        envPathMissingAnalyzer.finds(
          ctx(NS, [crashing, described({ X: '/b' }), log(NS, POD, ['x'.repeat(3800)])]),
        ),
    );
  });
});

describe("product-namespace: a product's controller in its own namespace fails on the named namespace's objects", () => {
  const NS = 'ci';
  const healthy = pods(NS, [['dashboard-6b7c8d9f5-w6nvt', '1/1', 'Running', '0', '9d']]);
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['ci', 'Active', '9d'],
      ['tekton-chains', 'Active', '9d'],
      ['tekton-pipelines', 'Active', '9d'],
    ]),
  );
  const controller = pods('tekton-chains', [
    ['chains-controller-8xzb2jl5bd-b28nz', '1/1', 'Running', '0', '21d'],
  ]);
  const task = 'Release TaskRuns in namespace ci now end with chains.tekton.dev/signed=failed. Find out why.';
  const failing = log('tekton-chains', 'chains-controller-8xzb2jl5bd-b28nz', [
    '{"level":"info","msg":"Signing object","knative.dev/key":"ci/release-x7k2p"}',
    '{"level":"error","msg":"error storing payload for oci: POST https://reg.example/v2/a/blobs/uploads/: UNAUTHORIZED: authentication required","knative.dev/key":"ci/release-x7k2p"}',
  ]);

  it("reads the namespace the annotation prefix names, then its controller's log", () => {
    expect(productNamespaceAnalyzer.reads(ctx(NS, [healthy], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(productNamespaceAnalyzer.reads(ctx(NS, [healthy, namespaces], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'tekton-chains' } },
    ]);
    expect(productNamespaceAnalyzer.reads(ctx(NS, [healthy, namespaces, controller], task))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'tekton-chains', name: 'chains-controller-8xzb2jl5bd-b28nz' },
      },
    ]);
    const [f] = productNamespaceAnalyzer.finds(ctx(NS, [healthy, namespaces, controller, failing], task));
    expect(f?.object).toBe('deployment chains-controller (namespace tekton-chains)');
    expect(f?.cause).toContain('UNAUTHORIZED');
  });

  it('the product named in words finds the same namespace, among namespaces already listed', () => {
    const words = 'Since Monday Tekton Chains marks every TaskRun in ci as failed.';
    // Words alone do not list the namespaces (any two words would), nor does a URL's host.
    expect(productNamespaceAnalyzer.reads(ctx(NS, [healthy], words))).toEqual([]);
    const url =
      'https://chains.tekton.dev/orders returns 503 for ci; see http://x.io/a=1 and user@tekton.dev/x';
    expect(productNamespaceAnalyzer.reads(ctx(NS, [healthy], url))).toEqual([]);
    const [f] = productNamespaceAnalyzer.finds(ctx(NS, [healthy, namespaces, controller, failing], words));
    expect(f?.object).toBe('deployment chains-controller (namespace tekton-chains)');
  });

  it("errors about another namespace's objects, or a named namespace that is not healthy: nothing", () => {
    const other = log('tekton-chains', 'chains-controller-8xzb2jl5bd-b28nz', [
      '{"level":"error","msg":"error storing payload","knative.dev/key":"ml/train-1"}',
    ]);
    expect(productNamespaceAnalyzer.finds(ctx(NS, [healthy, namespaces, controller, other], task))).toEqual(
      [],
    );
    const broken = pods(NS, [['dashboard-6b7c8d9f5-w6nvt', '0/1', 'CrashLoopBackOff', '4', '9d']]);
    expect(productNamespaceAnalyzer.reads(ctx(NS, [broken, namespaces], task))).toEqual([]);
    expect(productNamespaceAnalyzer.finds(ctx(NS, [broken, namespaces, controller, failing], task))).toEqual(
      [],
    );
  });
});

describe('kaniko-cleanup: two kaniko builds in one container without --cleanup', () => {
  const NS = 'builds';
  const POD = 'release-1-abcde';
  const kanikoPod = (args: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Status:           Failed (Error)',
        'Controlled By:    Job/release-1',
        'Containers:',
        '  kaniko:',
        '    Image:          gcr.io/kaniko-project/executor:v1.23.2-debug',
        '    State:          Terminated',
        '      Exit Code:    1',
        '    Command:        /busybox/sh -c',
        `    Args:           ${args}`,
        '    Environment:    <none>',
        'Conditions:',
      ].join('\n'),
    );
  const pushed =
    'INFO[0016] Pushed registry.example/team/a@sha256:5f1c0a7e92d84b6c3e0f9d17a2b48c6e1d3f70a95c2e8b41d6f03a7c9e2b1d84';
  const failed =
    "error building image: error building stage: failed to take snapshot: couldn't eval /usr/bin/touch with link /usr/bin/touch";
  const twice =
    '/kaniko/executor --context=dir:///w/a --destination=r/a:1 && /kaniko/executor --context=dir:///w/b --destination=r/b:1';

  it('names the missing --cleanup when the second build fails after the first pushed', () => {
    const [f] = kanikoCleanupAnalyzer.finds(
      ctx(NS, [kanikoPod(twice), log(NS, POD, ['INFO[0009] snapshot', pushed, failed])]),
    );
    expect(f?.cause).toContain('without --cleanup');
    expect(f?.cause).toContain(failed.slice(0, 60));
  });

  it('with --cleanup, one build, or no image pushed before the failure: nothing', () => {
    for (const [args, lines] of [
      [twice.replace(' && ', ' --cleanup && '), [pushed, failed]],
      ['/kaniko/executor --context=dir:///w/a --destination=r/a:1', [pushed, failed]],
      [twice, ['INFO[0009] snapshot', failed]],
    ] as const)
      expect(kanikoCleanupAnalyzer.finds(ctx(NS, [kanikoPod(args), log(NS, POD, [...lines])]))).toEqual([]);
  });
});

describe('failure words: errno 28 in a JSON PathError, logrus levels', () => {
  it("glosses Go's PathError marshalled with errno 28 as a full disk", () => {
    const line =
      '[ERROR] failed to push the blob: 500 {"errors":[{"code":"UNKNOWN","detail":{"DriverName":"filesystem","Enclosed":{"Op":"write","Path":"/storage/x/startedat","Err":28}}}]}';
    expect(glossOf(line)?.means).toContain('ENOSPC');
    expect(glossOf(line.replace('"Err":28', '"Err":13'))?.means ?? '').not.toContain('ENOSPC');
  });

  it("reads logrus' short levels as failures, and its INFO and WARN as not", () => {
    expect(
      errorLines(
        ['INFO[0009] snapshot', 'WARN[0014] retrying', "ERRO[0025] couldn't eval", 'FATA[0026] stop'].join(
          '\n',
        ),
      ),
    ).toEqual(["ERRO[0025] couldn't eval", 'FATA[0026] stop']);
  });
});
