// Table tests of the general rules written after held-out set 88's first contact.
import { describe, expect, it } from 'vitest';
import {
  errorLines,
  recoveredWarnings,
  recurringWarnings,
  warningsWithoutConsequence,
} from './app-errors.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedReplicaSet, log, observed, pods, table } from './observed.fixture.js';
import { operatorReconcileErrorAnalyzer } from './operator-reconcile-error.js';
import { webhookNoEndpointsAnalyzer } from './webhook-no-endpoints.js';

describe('a number before a word is a count, not an HTTP status', () => {
  it.each([
    ['INFO bulk flushed 500 docs took=41ms errors=false', 0],
    ['wrote 502 rows to the archive', 0],
    ['upstream answered 503 Service Unavailable', 1],
    ['"GET /x HTTP/1.1" 500 12ms', 1],
    ['request failed: 500 internal server error', 1],
    ['got 504 from upstream', 1],
  ])('%s', (line, n) => {
    expect(errorLines(line).length).toBe(n);
  });
});

describe("OpenSearch's open-shard limit", () => {
  it('is glossed as too many shards, not a full disk', () => {
    const g = glossOf(
      'ERROR create index msg-a-2026.11.26 failed: status=400 type=validation_exception reason="Validation Failed: 1: this action would add [2] total shards, but this cluster currently has [3000]/[3000] maximum shards open;"',
    );
    expect(g?.means).toContain('cluster.max_shards_per_node');
    expect(g?.means).toContain('the disks and the nodes are fine');
  });
});

describe('warnings the program got past', () => {
  const miss = (hash: string, path: string) => [
    `2026-12-03T16:18:41.551Z WARN loader-cache: file not found: /var/cache/loaders/${hash}.json`,
    `2026-12-03T16:18:41.612Z INFO GET ${path} 200 74ms cache=miss`,
  ];
  it('a cache miss each followed by the request served with 200 is not a fault', () => {
    const text = [
      ...miss('3f9a0c1e7b2d4e56', '/products/a'),
      ...miss('b81e44d09c3a7f12', '/collections/b'),
    ].join('\n');
    expect(warningsWithoutConsequence(text, recurringWarnings(text))).toBe(true);
  });
  it('one followed by a 500 is', () => {
    const text = [
      ...miss('3f9a0c1e7b2d4e56', '/products/a'),
      '2026-12-03T16:19:58.771Z WARN loader-cache: file not found: /var/cache/loaders/b81e44d09c3a7f12.json',
      '2026-12-03T16:19:58.840Z INFO GET /collections/b 500 66ms',
    ].join('\n');
    expect(warningsWithoutConsequence(text, recurringWarnings(text))).toBe(false);
  });

  const warn = (t: string) =>
    `time=${t} level=WARN msg="Unable to get remote cluster configuration" clusterName=eu-west-2 error="not found"`;
  const quiet = Array.from({ length: 6 }, () => 'level=INFO msg="Regenerated endpoints" count=14');
  it('start-up warnings that stop once their subject works are not a fault', () => {
    const text = [
      warn('07:26:33Z'),
      warn('07:26:36Z'),
      'time=07:26:41Z level=INFO msg="Connection to remote cluster established" clusterName=eu-west-2',
      ...quiet,
    ].join('\n');
    expect(recoveredWarnings(text, recurringWarnings(text))?.recovery).toContain('established');
  });
  it('another subject working, a recovery without quiet after it, or warnings after it are not that', () => {
    const other = [
      warn('07:26:33Z'),
      warn('07:26:36Z'),
      'time=07:26:41Z level=INFO msg="Connection to remote cluster established" clusterName=us-east-1',
      ...quiet,
    ].join('\n');
    expect(recoveredWarnings(other, recurringWarnings(other))).toBeUndefined();
    const short = [
      warn('07:26:33Z'),
      warn('07:26:36Z'),
      'time=07:26:41Z level=INFO msg="connected" clusterName=eu-west-2',
      ...quiet.slice(0, 2),
    ].join('\n');
    expect(recoveredWarnings(short, recurringWarnings(short))).toBeUndefined();
    const again = [
      warn('07:26:33Z'),
      'time=07:26:41Z level=INFO msg="connected" clusterName=eu-west-2',
      ...quiet,
      warn('08:00:00Z'),
    ].join('\n');
    expect(recoveredWarnings(again, recurringWarnings(again))).toBeUndefined();
  });
  it('a shared date is no shared subject', () => {
    const text = [
      '2026-12-04 WARN disk almost full on /data',
      '2026-12-04 WARN disk almost full on /data',
      '2026-12-04 INFO connected to upstream',
      ...quiet,
    ].join('\n');
    expect(recoveredWarnings(text, recurringWarnings(text))).toBeUndefined();
  });
});

describe("an operator in the task's own namespace", () => {
  const ns = 'storage';
  const listed = pods(ns, [
    ['store-nfs-share-a-7f9c8d6b5-x2k8p', '1/2', 'CrashLoopBackOff', '17', '1h'],
    ['store-operator-6d8f7c9b4-q4m2z', '1/1', 'Running', '0', '12d'],
    ['store-mon-a-5b6c7d8e9-abcde', '1/1', 'Running', '0', '12d'],
  ]);
  const opLog = log(ns, 'store-operator-6d8f7c9b4-q4m2z', [
    'I | nfs-controller: creating nfs "share"',
    `E | nfs-controller: failed to reconcile NFS "${ns}/share". failed to add "a" to grace db: exec: "grace-tool": executable file not found in $PATH`,
  ]);
  it('is read when a pod beside it fails, and its reconcile error names the object', () => {
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [listed]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: ns, name: 'store-operator-6d8f7c9b4-q4m2z' } },
    ]);
    const [f] = operatorReconcileErrorAnalyzer.finds(ctx(ns, [listed, opLog]));
    expect(f?.cause).toContain(`keeps failing to reconcile ${ns}/share`);
    expect(f?.cause).toContain(
      'failed to add "a" to grace db: exec: "grace-tool": executable file not found',
    );
    expect(f?.cause).not.toContain(': . failed');
  });
  it('nothing failing, or no operator, reads nothing', () => {
    const fine = pods(ns, [
      ['store-operator-6d8f7c9b4-q4m2z', '1/1', 'Running', '0', '12d'],
      ['store-mon-a-5b6c7d8e9-abcde', '1/1', 'Running', '0', '12d'],
    ]);
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [fine]))).toEqual([]);
    const none = pods(ns, [['store-nfs-share-a-7f9c8d6b5-x2k8p', '1/2', 'CrashLoopBackOff', '17', '1h']]);
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [none]))).toEqual([]);
  });
  it("another pod's log in the namespace is not the operator's", () => {
    const app = log(ns, 'store-mon-a-5b6c7d8e9-abcde', [`E | failed to reconcile NFS "${ns}/share": boom`]);
    expect(operatorReconcileErrorAnalyzer.finds(ctx(ns, [listed, app]))).toEqual([]);
  });
});

describe('a webhook refusal the task quotes', () => {
  const task =
    'Every JobSet submission fails with "Internal error occurred: failed calling webhook "mjobset.kb.io"". The controller lives in jobset-system.';
  const ns = 'ml-train';
  const at = 'jobset-system';
  const configs = observed(
    'list_resources',
    { kind: 'MutatingWebhookConfiguration' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['jobset-mutating-webhook-configuration', '-', '142d'],
    ]),
  );
  const config = (json: string) =>
    observed(
      'describe_resource',
      { kind: 'MutatingWebhookConfiguration', name: 'jobset-mutating-webhook-configuration' },
      [
        'Name:         jobset-mutating-webhook-configuration',
        'Kind:         MutatingWebhookConfiguration (admissionregistration.k8s.io/v1)',
        `Webhooks:  ${json}`,
        'Events:  <none>',
      ].join('\n'),
    );
  const hook =
    '{"name":"vother.kb.io","clientConfig":{"service":{"name":"other","namespace":"elsewhere"}}}, {"name":"mjobset.kb.io","failurePolicy":"Fail","clientConfig":{"service":{"name":"jobset-webhook-service","namespace":"jobset-system","path":"/mutate"}}}';
  const service = observed(
    'describe_service',
    { namespace: at, name: 'jobset-webhook-service' },
    'Name:              jobset-webhook-service\nSelector:          control-plane=controller-manager\nEndpoints:         <none>',
  );
  const pod = 'jobset-controller-manager-cp99jpdnmm-9854w';
  const listed = pods(at, [[pod, '0/1', 'Pending', '0', '11h']]);
  const described = observed(
    'describe_pod',
    { namespace: at, name: pod },
    [
      `Name:             ${pod}`,
      'Labels:           control-plane=controller-manager',
      'Status:           Pending',
      'Controlled By:    ReplicaSet/jobset-controller-manager-cp99jpdnmm',
      'Containers:',
      '  manager:',
      '    Image:          jobset/jobset:v0.8.1',
      '    Limits:',
      '      cpu: 4',
      '    Requests:',
      '      cpu: 2',
      '      memory: 512Mi',
      'Events:',
      '  Type      Reason             Age                  From                Message',
      '  Warning   FailedScheduling   4s (x701 over 11h)   default-scheduler   0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {nvidia.com/gpu: present}.',
    ].join('\n'),
  );
  const sets = observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: at },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['jobset-controller-manager-cp99jpdnmm', '0/1 ready', '11h'],
      ['jobset-controller-manager-vgb8mkjzz8', '0/0 ready', '58d'],
    ]),
  );
  const rs = (name: string, revision: number, cpu: string) =>
    describedReplicaSet(at, name, revision, [
      'containers[0].name: manager',
      `containers[0].resources.requests.cpu: ${cpu}`,
    ]);
  const before = rs('jobset-controller-manager-vgb8mkjzz8', 1, '250m');
  const after = rs('jobset-controller-manager-cp99jpdnmm', 2, '2');

  it('reads the webhook configurations, then follows the one that registers it', () => {
    expect(webhookNoEndpointsAnalyzer.reads(ctx(ns, [], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'MutatingWebhookConfiguration' } },
      { tool: 'list_resources', args: { kind: 'ValidatingWebhookConfiguration' } },
    ]);
    expect(webhookNoEndpointsAnalyzer.reads(ctx(ns, [configs, config(hook)], task))).toContainEqual({
      tool: 'describe_service',
      args: { namespace: at, name: 'jobset-webhook-service' },
    });
  });

  it('a Pending server gets no log read; its ReplicaSets are compared for its CPU request', () => {
    const reads = webhookNoEndpointsAnalyzer.reads(
      ctx(ns, [configs, config(hook), service, listed, described], task),
    );
    expect(reads.some((r) => r.tool === 'get_pod_logs')).toBe(false);
    expect(reads).toContainEqual({ tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: at } });
  });

  it('names the Pending server and sets its CPU request back to the previous revision', () => {
    const [f] = webhookNoEndpointsAnalyzer.finds(
      ctx(ns, [configs, config(hook), service, listed, described, sets, before, after], task),
    );
    expect(f?.object).toBe('webhook mjobset.kb.io');
    expect(f?.cause).toContain('Pending, FailedScheduling');
    expect(f?.cause).toContain('Insufficient cpu');
    expect(f?.cause).toContain('it requests 2 CPU');
    expect(f?.fix).toEqual({
      tool: 'set_resources',
      args: {
        namespace: at,
        deployment: 'jobset-controller-manager',
        container: 'manager',
        requests: { cpu: '250m' },
      },
      text: expect.stringContaining('back to 250m'),
    });
  });

  it('a request the rollout did not raise gets no change', () => {
    const same = rs('jobset-controller-manager-vgb8mkjzz8', 1, '2');
    const [f] = webhookNoEndpointsAnalyzer.finds(
      ctx(ns, [configs, config(hook), service, listed, described, sets, same, after], task),
    );
    expect(f?.cause).toContain('Pending');
    expect(f?.fix).toBeUndefined();
  });

  it('a configuration cut short still names its Service; a webhook it does not register, or no quote, is not followed', () => {
    const cut = `${hook.slice(0, hook.indexOf('"path"'))}…`;
    expect(webhookNoEndpointsAnalyzer.reads(ctx(ns, [configs, config(cut)], task))).toContainEqual({
      tool: 'describe_service',
      args: { namespace: at, name: 'jobset-webhook-service' },
    });
    const other = task.replace('mjobset.kb.io', 'mnothing.kb.io');
    expect(
      webhookNoEndpointsAnalyzer
        .reads(ctx(ns, [configs, config(hook)], other))
        .some((r) => r.tool === 'describe_service'),
    ).toBe(false);
    expect(webhookNoEndpointsAnalyzer.reads(ctx(ns, [configs, config(hook)], 'JobSets fail.'))).toEqual([]);
  });
});

describe('a claim a pod waits for that an operator was to create', () => {
  const ns = 'graph';
  const pod = 'social-graphd-1';
  const described = observed(
    'describe_pod',
    { namespace: ns, name: pod },
    [
      `Name:         ${pod}`,
      `Namespace:    ${ns}`,
      'Status:       Pending',
      'Controlled By:  StatefulSet/social-graphd',
      'Events:',
      '  Type     Reason            Age                  From               Message',
      '  Warning  FailedScheduling  2m (x42 over 40m)    default-scheduler  0/3 nodes are available: persistentvolumeclaim "graphd-log" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    ].join('\n'),
  );
  const namespaces = (names: string[]) =>
    observed(
      'list_resources',
      { kind: 'Namespace' },
      table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '160d'])]),
    );
  const at = 'nebula-operator-system';
  const operator = 'nebula-operator-controller-manager-7c9d8b6f5-p8dx4';
  const opPods = pods(at, [[operator, '1/1', 'Running', '0', '44d']]);
  const opLog = log(at, operator, [
    'I1201 09:48:59.402337       1 nebula_cluster_controller.go:172] Start to reconcile NebulaCluster [graph/social]',
    'E1201 10:29:01.330971       1 graphd_cluster.go:240] sync graphd log volume claim graph/graphd-log failed: logVolumeClaim has no storageClassName and the cluster has no default StorageClass, claim not created',
  ]);
  const task = `${pod} has been Pending since I added a log volume to the NebulaCluster social in graph.`;

  it("lists the namespaces, then reads the one operator namespace's pod and log", () => {
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [described], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    const listed = namespaces([ns, at, 'feed', 'ceph-csi']);
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [described, listed], task))).toEqual([
      { tool: 'list_pods', args: { namespace: at } },
    ]);
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [described, listed, opPods], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: at, name: operator } },
    ]);
  });

  it('names the waiting pod and quotes what the operator could not do', () => {
    const seen = [described, namespaces([ns, at]), opPods, opLog];
    const [f] = operatorReconcileErrorAnalyzer.finds(ctx(ns, seen, task));
    expect(f?.object).toMatch(/^pod social-graphd-1 \(its PersistentVolumeClaim graphd-log/);
    expect(f?.cause).toContain('logVolumeClaim has no storageClassName');
    expect(f?.weight).toBeGreaterThanOrEqual(90);
  });

  it('two operator namespaces, or nothing missing, read no operator', () => {
    const two = namespaces([ns, at, 'minio-operator']);
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [described, two], task))).toEqual([]);
    const bound = observed(
      'describe_pod',
      { namespace: ns, name: pod },
      `Name: ${pod}\nEvents:\n  Warning  FailedScheduling  2m  default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.`,
    );
    expect(operatorReconcileErrorAnalyzer.reads(ctx(ns, [bound], task))).toEqual([]);
  });

  it('an operator error about another object is no reason for the waiting pod', () => {
    const other = log(at, operator, [
      'E1201 10:29:01.330971       1 metad_cluster.go:99] sync graph/metad-config failed: timeout',
    ]);
    const [f] = operatorReconcileErrorAnalyzer.finds(
      ctx(ns, [described, namespaces([ns, at]), opPods, other], task),
    );
    expect(f?.object).toBe('metad-config (managed by the operator in namespace nebula-operator-system)');
    expect(f?.weight).toBe(88);
  });
});
