// Table tests of the general rules written after held-out set 82's first contact: each reads what the tools
// print; a product is named only where its own message is the signal.
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer, outcomeSuperseded } from './app-errors.js';
import { glossOf } from './log-glosses.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { productNamespaceAnalyzer } from './product-namespace.js';
import { quotaRoomNow } from './quota-room.js';
import { ranksOverCpuAnalyzer } from './ranks-over-cpu.js';
import { replicasOverNodesAnalyzer } from './replicas-over-nodes.js';

describe('outcomeSuperseded: a failed run of an operation that a later run got through', () => {
  const failed = '{"level":"error","msg":"Update failed","name":"core-9qk4d"}';
  it.each([
    [[failed, '{"level":"info","msg":"Update succeeded","name":"core-r2m8w"}'], true],
    [[failed, 'backup started', 'INFO update completed in 4s'], true],
    [[failed], false],
    [[failed, '{"msg":"Update succeeded"}', '{"msg":"Update failed","name":"core-z1"}'], false],
    [[failed, '{"msg":"Sync succeeded"}'], false],
    [['request failed: 502', 'request succeeded'], false],
  ])('%j → %s', (lines, expected) => {
    expect(outcomeSuperseded(lines.join('\n'), lines[0]!)).toBe(expected);
  });

  it('app-errors finds nothing in a Ready pod whose only failure was redone successfully', () => {
    const NS = 'iac';
    const seen = [
      pods(NS, [['operator-b2lwpdh4g-mcl6t', '1/1', 'Running', '0', '20d']]),
      log(NS, 'operator-b2lwpdh4g-mcl6t', [
        '{"level":"info","ts":"2026-07-11T06:00:03Z","msg":"Reconciling Stack"}',
        '{"level":"error","ts":"2026-07-11T06:01:20Z","msg":"Update failed","Request.Name":"core-9qk4d"}',
        '{"level":"info","ts":"2026-07-11T06:20:41Z","msg":"Update succeeded","Request.Name":"core-r2m8w"}',
        '{"level":"info","ts":"2026-07-14T06:00:02Z","msg":"Update succeeded","Request.Name":"core-z6c1n"}',
      ]),
    ];
    expect(appErrorsAnalyzer.finds(ctx(NS, seen))).toEqual([]);
    const still = [
      seen[0]!,
      log(NS, 'operator-b2lwpdh4g-mcl6t', ['{"level":"error","msg":"Update failed"}']),
    ];
    expect(appErrorsAnalyzer.finds(ctx(NS, still))).toHaveLength(1);
  });
});

describe('glosses written for set 82', () => {
  it("Go SSH's 'no key found' and go-git's 'authentication required' for a repository", () => {
    expect(
      glossOf('error: unable to fetch references for repository git@github.com:x/y.git: ssh: no key found')
        ?.means,
    ).toContain('public key');
    expect(
      glossOf('unable to fetch references for repository https://github.com/x/y.git: authentication required')
        ?.means,
    ).toContain('personal access token');
    expect(glossOf('GET /api/v1/items: 401 authentication required')).toBeUndefined();
  });
});

describe('app-errors quotes a structured line whose error field lies past the cut with its end', () => {
  it('keeps the error field', () => {
    const NS = 'web';
    const line = `{"level":"error","ts":"2026-06-02T10:05:07.815Z","logger":"controller","caller":"controller/controller.go:566","msg":"Reconcile error","kind":"Widget","key":"web/w1","duration":"590.4ms","padding":"${'x'.repeat(200)}","error":"widget quota store rejected the write"}`;
    const [f] = appErrorsAnalyzer.finds(
      ctx(NS, [
        pods(NS, [['ctl-87bzkrgz6q-6zct8', '1/1', 'Running', '0', '2d']]),
        log(NS, 'ctl-87bzkrgz6q-6zct8', [line]),
      ]),
    );
    expect(f?.cause).toContain('widget quota store rejected the write');
  });
});

describe('product-namespace: a product named in one word, failing on two objects of the namespace', () => {
  const NS = 'builds-ledger';
  const TASK = 'Since the ledger team onboarded to kpack yesterday, nothing of theirs has built. Why?';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['builds-ledger', 'Active', '30d'],
      ['kpack', 'Active', '300d'],
      ['default', 'Active', '900d'],
    ]),
  );
  const here = observed('list_pods', { namespace: NS }, `No resources found in ${NS} namespace.`);
  const there = pods('kpack', [['kpack-controller-87bzkrgz6q-6zct8', '1/1', 'Running', '0', '30d']]);
  const ctlLog = log('kpack', 'kpack-controller-87bzkrgz6q-6zct8', [
    '{"level":"error","msg":"Reconcile error","knative.dev/key":"builds-ledger/api-source","error":"unable to fetch references for repository git@github.com:c/api.git: ssh: no key found"}',
    '{"level":"error","msg":"Reconcile error","knative.dev/key":"builds-ledger/docs-source","error":"unable to fetch references for repository https://github.com/c/docs.git: authentication required"}',
  ]);

  it('reads the product namespace and quotes the failure of each object', () => {
    expect(productNamespaceAnalyzer.reads(ctx(NS, [namespaces, here], TASK))).toEqual([
      { tool: 'list_pods', args: { namespace: 'kpack' } },
    ]);
    const [f] = productNamespaceAnalyzer.finds(ctx(NS, [namespaces, here, there, ctlLog], TASK));
    expect(f?.cause).toContain('ssh: no key found');
    expect(f?.cause).toContain('and for another object');
    expect(f?.cause).toContain('authentication required');
  });

  it('a single word is not read as a product while the namespace has pods of its own', () => {
    const ownPods = pods(NS, [['ledger-api-d8j99kfgv4-nf7c7', '1/1', 'Running', '0', '2d']]);
    expect(productNamespaceAnalyzer.reads(ctx(NS, [namespaces, ownPods], TASK))).toEqual([]);
  });

  it('a word of the task that names no namespace reads nothing', () => {
    expect(
      productNamespaceAnalyzer.reads(ctx(NS, [namespaces, here], 'Nothing of theirs has built. Why?')),
    ).toEqual([]);
  });
});

describe('ranks-over-cpu: more processes per worker than the worker has CPUs', () => {
  const NS = 'ml';
  const TASK = 'The MPIJob train-0506 has been Running for three hours but has not finished a single epoch.';
  const job = (slots: number, cpu: string) =>
    observed(
      'describe_resource',
      { kind: 'MPIJob', name: 'train-0506', namespace: NS },
      [
        'Name:         train-0506',
        `Namespace:    ${NS}`,
        'Kind:         MPIJob (kubeflow.org/v2beta1)',
        'Spec:',
        `  slotsPerWorker: ${slots}`,
        '  mpiReplicaSpecs.Worker.replicas: 2',
        `  mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits.cpu: ${cpu}`,
      ].join('\n'),
    );
  const launcher = log(NS, 'train-0506-launcher-hx72f', [
    'world size 8 (2 hosts x 4 local ranks)',
    'epoch 1 step 20/1480 step_time=96.4s',
  ]);

  it('names the count, the limit and the pace', () => {
    const [f] = ranksOverCpuAnalyzer.finds(ctx(NS, [job(4, '2'), launcher], TASK));
    expect(f?.object).toBe('MPIJob train-0506');
    expect(f?.cause).toContain('starts 4 processes on each worker');
    expect(f?.cause).toContain('only 2 CPU(s)');
    expect(f?.cause).toContain('4 local ranks');
    expect(f?.advice).toContain('at most 2 process(es)');
  });

  it.each([
    ['as many processes as CPUs', [job(2, '2')], TASK],
    ['a limit in millicores above the count', [job(4, '4500m')], TASK],
    ['a task that reports no slowness', [job(4, '2')], 'Is the MPIJob train-0506 set up right?'],
  ])('finds nothing with %s', (_, seen, task) => {
    expect(ranksOverCpuAnalyzer.finds(ctx(NS, seen as never, task))).toEqual([]);
  });

  it("reads a hostfile's slots and a worker pod's own limit", () => {
    const hostfile = observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'train-0506-config', namespace: NS },
      ['Data', '====', 'hostfile:', '----', 'train-0506-worker-0.train-0506.ml.svc slots=4', ''].join('\n'),
    );
    const worker = observed(
      'describe_pod',
      { namespace: NS, name: 'train-0506-worker-0' },
      [
        'Name: train-0506-worker-0',
        'Containers:',
        '  worker:',
        '    Limits:',
        '      cpu:     2',
        '      memory:  8Gi',
        '    Requests:',
        '      cpu:     2',
      ].join('\n'),
    );
    const [f] = ranksOverCpuAnalyzer.finds(ctx(NS, [hostfile, worker], TASK));
    expect(f?.cause).toContain('slots=4');
    expect(f?.cause).toContain('pod train-0506-worker-0: CPU limit 2');
  });
});

describe('replicas-over-nodes: a StorageClass asking for more replicas than its storage cluster has nodes', () => {
  const NS = 'analytics';
  const events = observed(
    'get_events',
    { namespace: NS },
    'Warning   ProvisioningFailed   persistentvolumeclaim/archive   failed to provision volume with StorageClass "fast-gluster": failed to create volume: Failed to allocate new volume: No space',
  );
  const sc = (params: string) =>
    observed(
      'describe_resource',
      { kind: 'StorageClass', name: 'fast-gluster' },
      ['Name:         fast-gluster', 'Provisioner:  example.com/heketi', `Parameters:  ${params}`].join('\n'),
    );
  const PARAMS = 'resturl=http://heketi.storage.svc:8080,clusterid=abc,volumetype=replicate:3';
  const storagePods = pods('storage', [
    ['heketi-provisioner-mx4cvntfd-kbnjx', '1/1', 'Running', '0', '8d'],
    ['heketi-s7ksq5m97w-bfcwt', '1/1', 'Running', '0', '8d'],
  ]);
  const heketiLog = (nodes: string[]) =>
    log('storage', 'heketi-s7ksq5m97w-bfcwt', [
      ...nodes.map((n) => `[heketi] INFO 2026/02/09 10:41:37 Adding node ${n}`),
      '[heketi] ERROR 2026/02/17 11:00:14 allocBricksInCluster: Minimum brick size limit reached.  Out of space.',
    ]);

  it('reads the class, the storage namespace and its manager, then names the shortfall', () => {
    expect(replicasOverNodesAnalyzer.reads(ctx(NS, [events]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'StorageClass', name: 'fast-gluster' } },
    ]);
    expect(replicasOverNodesAnalyzer.reads(ctx(NS, [events, sc(PARAMS)]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'storage' } },
    ]);
    expect(replicasOverNodesAnalyzer.reads(ctx(NS, [events, sc(PARAMS), storagePods]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'storage', name: 'heketi-s7ksq5m97w-bfcwt' } },
    ]);
    const [f] = replicasOverNodesAnalyzer.finds(
      ctx(NS, [events, sc(PARAMS), storagePods, heketiLog(['n-01', 'n-02'])]),
    );
    expect(f?.cause).toContain('asks for 3 replicas (volumetype=replicate:3)');
    expect(f?.cause).toContain('only 2 nodes (n-01, n-02');
    expect(f?.cause).toContain('Out of space');
  });

  it.each([
    ['as many nodes as replicas', PARAMS, ['n-01', 'n-02', 'n-03']],
    ['no replica count', 'resturl=http://heketi.storage.svc:8080', ['n-01']],
    ['no node added in the log read', PARAMS, []],
  ])('finds nothing with %s', (_, params, nodes) => {
    expect(
      replicasOverNodesAnalyzer.finds(ctx(NS, [events, sc(params), storagePods, heketiLog(nodes)])),
    ).toEqual([]);
  });
});

describe("a controller that cannot list a kind the task names (set 80's Spark operator)", () => {
  const LINE =
    'E0320 19:52:18.202146 10 reflector.go:138] pkg/mod/k8s.io/client-go@v0.19.6/tools/cache/reflector.go:167: Failed to watch *v1beta2.SparkApplication: failed to list *v1beta2.SparkApplication: v1beta2.SparkApplicationList.Items: []v1beta2.SparkApplication: v1beta2.SparkApplication.Spec: v1beta2.SparkApplicationSpec.Arguments: []string: decode slice: expect [ or n, but found ", error found in #10 byte of ...|rguments":"--ledger-|..., bigger context ...|{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","metadata":{"name":"ledger-compaction"|...';

  it("glosses json-iterator's decode slice error with the object and the field", () => {
    const means = glossOf(LINE)?.means ?? '';
    expect(means).toContain('SparkApplication object (ledger-compaction) stores spec.arguments as a string');
    expect(means).toContain('[]string');
    expect(glossOf('decode slice: expect [ or n, but found "')).toBeUndefined();
  });

  const NS = 'spark-jobs';
  const TASK =
    'No Spark job in namespace spark-jobs has started since yesterday: the SparkApplications get no driver pod.';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['spark-jobs', 'Active', '30d'],
      ['spark-operator', 'Active', '30d'],
    ]),
  );
  const here = pods(NS, [['sessionize-clicks-20260320-driver', '0/1', 'Completed', '0', '12h']]);
  const there = pods('spark-operator', [['spark-operator-h5dw4pjsg-q77zk', '1/1', 'Running', '0', '30d']]);

  it("reads the operator's namespace named for the kind's first word, and takes its list failure as this namespace's", () => {
    expect(productNamespaceAnalyzer.reads(ctx(NS, [namespaces, here], TASK))).toEqual([
      { tool: 'list_pods', args: { namespace: 'spark-operator' } },
    ]);
    const operatorLog = log('spark-operator', 'spark-operator-h5dw4pjsg-q77zk', [LINE]);
    const [f] = productNamespaceAnalyzer.finds(ctx(NS, [namespaces, here, there, operatorLog], TASK));
    expect(f?.cause).toContain('spec.arguments as a string');
    // A list failure of a kind the task does not name is not this namespace's.
    const other = productNamespaceAnalyzer.finds(
      ctx(NS, [namespaces, here, there, operatorLog], TASK.replace('SparkApplications', 'applications')),
    );
    expect(other).toEqual([]);
  });
});

describe('quotaRoomNow: a quota refusal that the quota would admit today', () => {
  const refusal =
    'Error creating: pods "x-exec-5" is forbidden: exceeded quota: jobs-quota, requested: requests.memory=6758Mi, used: requests.memory=189Gi, limited: requests.memory=192Gi';
  const quota = (used: string) =>
    observed(
      'describe_resource',
      { kind: 'resourcequota', name: 'jobs-quota', namespace: 'jobs' },
      [
        'Name:         jobs-quota',
        'Status:',
        '  hard.requests.memory: 192Gi',
        `  used.requests.memory: ${used}`,
      ].join('\n'),
    );
  const f = { kind: 'ResourceQuota', name: 'jobs-quota', message: refusal };
  it.each([
    ['0Ki', true],
    ['180Gi', true],
    ['189Gi', false],
  ])('used %s → %s', (used, expected) => {
    expect(quotaRoomNow(f, [quota(used)])).toBe(expected);
  });
  it('is false without the quota read, or for another refusal', () => {
    expect(quotaRoomNow(f, [])).toBe(false);
    expect(
      quotaRoomNow({ ...f, message: 'Error creating: pods "x" is forbidden: unable to validate' }, [
        quota('0Ki'),
      ]),
    ).toBe(false);
  });
});
