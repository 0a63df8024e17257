// Table tests of the general rules written after held-out set 79's first contact (and the last of set
// 78's misses): each reads what the tools print; a product is named only where its own message is the signal.
import { describe, expect, it } from 'vitest';
import { namedDetail } from '../baseline/signatures/containers/crash.js';
import { failedJobElsewhereAnalyzer } from './failed-job-elsewhere.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { offlineNodeAgentAnalyzer } from './offline-node-agent.js';
import { productNamespaceAnalyzer } from './product-namespace.js';
import { quietNamespaceLogsAnalyzer } from './quiet-namespace-logs.js';
import { versionedNameAnalyzer } from './versioned-name.js';
import { workflowArgumentNameAnalyzer } from './workflow-argument-name.js';

const namespaces = (...names: string[]) =>
  observed(
    'list_resources',
    { kind: 'Namespace' },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '9d'])]),
  );

describe('quiet-namespace-logs: more ways to report that work does not happen', () => {
  const NS = 'jobs';
  const healthy = pods(NS, [
    ['api-6b7c8d9f5-w6nvt', '1/1', 'Running', '0', '9d'],
    ['worker-5d8f7c9b4-q2w3e', '1/1', 'Running', '0', '9d'],
  ]);
  it.each([
    'The exports are not running since Friday. Why?',
    'The KafkaRebalance has been NotReady for an hour.',
    'The experiment still shows zero trials.',
    'No trials are being created.',
  ])("reads the workloads' logs for: %s", (task) => {
    expect(quietNamespaceLogsAnalyzer.reads(ctx(NS, [healthy], task)).length).toBe(2);
  });
  it('a question with no failure in it reads nothing', () => {
    expect(quietNamespaceLogsAnalyzer.reads(ctx(NS, [healthy], 'Is the running config sane?'))).toEqual([]);
  });
});

describe("product-namespace: a custom resource's API group names its controller's namespace", () => {
  const NS = 'ml-tuning';
  const healthy = pods(NS, [['tune-tpe-b2nrrktxbt-jb5nm', '1/1', 'Running', '0', '2h']]);
  const experiment = observed(
    'describe_resource',
    { kind: 'Experiment', name: 'tune', namespace: NS },
    'Name:         tune\nNamespace:    ml-tuning\nKind:         Experiment (kubeflow.org/v1beta1)\nStatus:\n  trials: 0',
  );
  const controller = pods('kubeflow', [['katib-controller-7d9c8b6f5-x2k4p', '1/1', 'Running', '0', '9d']]);
  const failing = log('kubeflow', 'katib-controller-7d9c8b6f5-x2k4p', [
    '{"level":"error","msg":"Create trial instance error","Experiment":"ml-tuning/tune","error":"Unable to find parameter: eta in parameter assignment map[--eta:0.2]"}',
  ]);
  const task = 'The tune experiment has zero trials after two hours.';

  it("lists the namespaces, then reads the controller of the described resource's group", () => {
    expect(productNamespaceAnalyzer.reads(ctx(NS, [healthy, experiment], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(
      productNamespaceAnalyzer.reads(
        ctx(NS, [healthy, experiment, namespaces('ml-tuning', 'kubeflow')], task),
      ),
    ).toEqual([{ tool: 'list_pods', args: { namespace: 'kubeflow' } }]);
    const [f] = productNamespaceAnalyzer.finds(
      ctx(NS, [healthy, experiment, namespaces('ml-tuning', 'kubeflow'), controller, failing], task),
    );
    expect(f?.object).toBe('deployment katib-controller (namespace kubeflow)');
    expect(f?.cause).toContain('trialParameters entry whose reference names a parameter');
  });

  it("a built-in group (apps, batch, *.k8s.io) names no product's namespace", () => {
    const job = observed(
      'describe_resource',
      { kind: 'Ingress', name: 'web', namespace: NS },
      'Name:  web\nKind:         Ingress (networking.k8s.io/v1)',
    );
    expect(productNamespaceAnalyzer.reads(ctx(NS, [healthy, job], task))).toEqual([]);
  });
});

describe('workflow-argument-name: a required parameter passed under another name', () => {
  const NS = 'events';
  const refusal =
    '{"level":"error","msg":"Failed to execute a trigger","error":"failed to execute submit operation for export: spec.arguments.account_id.value or spec.arguments.account_id.valueFrom is required"}';
  const sensor = (param: string) =>
    observed(
      'describe_resource',
      { kind: 'Sensor', name: 'export', namespace: NS },
      [
        'Name:         export',
        'Kind:         Sensor (argoproj.io/v1alpha1)',
        'Spec:',
        `  triggers[0].template.argoWorkflow.source.resource.spec.arguments.parameters[0].name: ${param}`,
        '  triggers[0].template.argoWorkflow.source.resource.spec.arguments.parameters[0].value: x',
      ].join('\n'),
    );

  it('names both names', () => {
    const [f] = workflowArgumentNameAnalyzer.finds(
      ctx(NS, [log(NS, 'export-sensor-abc12', [refusal]), sensor('customer_id')]),
    );
    expect(f?.object).toBe('sensor export');
    expect(f?.cause).toContain('requires the parameter account_id');
    expect(f?.cause).toContain('passes its arguments as customer_id');
  });

  it('reads the Sensors when none was described; a submitter that passes the name is not it', () => {
    expect(workflowArgumentNameAnalyzer.reads(ctx(NS, [log(NS, 'export-sensor-abc12', [refusal])]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Sensor', namespace: NS } },
      { tool: 'list_resources', args: { kind: 'CronWorkflow', namespace: NS } },
    ]);
    expect(
      workflowArgumentNameAnalyzer.finds(
        ctx(NS, [log(NS, 'export-sensor-abc12', [refusal]), sensor('account_id')]),
      ),
    ).toEqual([]);
  });
});

describe('offline-node-agent: an attach refused because the storage agent on the node is down', () => {
  const NS = 'payments';
  const events = observed(
    'get_events',
    { namespace: NS },
    table([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      [
        '3m (x41)',
        'Warning',
        'FailedAttachVolume',
        'pod/ledger-db-1',
        'AttachVolume.Attach failed for volume "pvc-1" : rpc error: code = Internal desc = ControllerPublishVolume failed: node stor-3 is not online in LINSTOR (satellite OFFLINE)',
      ],
    ]),
  );
  const node = observed(
    'describe_node',
    { name: 'stor-3' },
    'Name: stor-3\nNon-terminated Pods:          (2 in total)\n  Namespace   Name   CPU Requests\n  ---------   ----   ------------\n  storage     satellite-q7m2d   0 (0%)\n  payments    ledger-db-1       0 (0%)\nAllocated resources:',
  );
  const storagePods = pods('storage', [['satellite-q7m2d', '0/1', 'CrashLoopBackOff', '212', '19h']]);

  it("reads the node, the agent's namespace and its previous log, then names the agent's failure", () => {
    expect(offlineNodeAgentAnalyzer.reads(ctx(NS, [events]))).toEqual([
      { tool: 'describe_node', args: { name: 'stor-3' } },
    ]);
    expect(offlineNodeAgentAnalyzer.reads(ctx(NS, [events, node]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'storage' } },
    ]);
    expect(offlineNodeAgentAnalyzer.reads(ctx(NS, [events, node, storagePods]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'storage', name: 'satellite-q7m2d', previous: true } },
    ]);
    const agentLog = log(
      'storage',
      'satellite-q7m2d',
      ['ERROR Caused by: java.io.IOException: too many open files'],
      { previous: true },
    );
    const [f] = offlineNodeAgentAnalyzer.finds(ctx(NS, [events, node, storagePods, agentLog]));
    expect(f?.object).toBe('pod satellite-q7m2d (namespace storage, node stor-3)');
    expect(f?.cause).toContain('too many open files');
  });

  it('an agent that is running, or an attach failure that names no node, is not it', () => {
    const running = pods('storage', [['satellite-q7m2d', '1/1', 'Running', '0', '19h']]);
    expect(offlineNodeAgentAnalyzer.finds(ctx(NS, [events, node, running]))).toEqual([]);
    const plain = observed(
      'get_events',
      { namespace: NS },
      table([
        ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
        [
          '1m',
          'Warning',
          'FailedMount',
          'pod/x',
          'MountVolume.SetUp failed for volume "a" : configmap "a" not found',
        ],
      ]),
    );
    expect(offlineNodeAgentAnalyzer.reads(ctx(NS, [plain]))).toEqual([]);
  });
});

describe('failed-job-elsewhere: a job the person says failed in another namespace', () => {
  const NS = 'retail';
  const task = 'The pos pod in retail is Pending. The enrollment job in edge-ops failed this morning.';
  it('lists that namespace, reads the failed pod, and quotes its fatal line', () => {
    expect(failedJobElsewhereAnalyzer.reads(ctx(NS, [], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'edge-ops' } },
    ]);
    const listed = pods('edge-ops', [['enroll-gw-12-2cc2q', '0/1', 'Error', '0', '1h']]);
    expect(failedJobElsewhereAnalyzer.reads(ctx(NS, [listed], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'edge-ops', name: 'enroll-gw-12-2cc2q' } },
    ]);
    const jobLog = log('edge-ops', 'enroll-gw-12-2cc2q', [
      'Mar 10 07:52:14 gw-12 edgecore[2214]: F0310 07:52:14.331007    2214 server.go:77] Failed to check the running environment: Kubelet should not running on edge node',
      'enroll: ERROR node gw-12 did not register within 120s',
    ]);
    const [f] = failedJobElsewhereAnalyzer.finds(ctx(NS, [listed, jobLog], task));
    expect(f?.object).toBe('job enroll-gw-12 (namespace edge-ops)');
    expect(f?.cause).toContain('Kubelet should not running');
  });
  it('a job in the namespace itself, or none reported failed, is left to the other rules', () => {
    expect(failedJobElsewhereAnalyzer.reads(ctx(NS, [], 'The job in retail failed.'))).toEqual([]);
    expect(failedJobElsewhereAnalyzer.reads(ctx(NS, [], 'The job in edge-ops ran fine.'))).toEqual([]);
  });
});

describe('versioned-name: a name asked for, served with a version appended', () => {
  const NS = 'argocd';
  const POD = 'repo-server-l8lx6pl42-qb2jw';
  const asked = log(NS, POD, [
    'level=error msg="finished unary call" error="plugin sidecar failed. couldn\'t find cmp-server plugin with name kustomize-sops supporting the given repository"',
  ]);
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    `${describedPodText({ ns: NS, name: POD, container: 'repo-server' })}`.replace(
      'Conditions:',
      '  kustomize-sops:\n    Image:          cmp:1.4.0\n    State:          Running\nConditions:',
    ),
  );
  it("reads the pod's other containers, then names the versioned name", () => {
    expect(versionedNameAnalyzer.reads(ctx(NS, [asked, described]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: POD, container: 'kustomize-sops' } },
    ]);
    const sidecar = log(
      NS,
      POD,
      ['msg="argocd-cmp-server serving on /home/argocd/cmp-server/plugins/kustomize-sops-v1.0.sock"'],
      {
        container: 'kustomize-sops',
      },
    );
    const [f] = versionedNameAnalyzer.finds(ctx(NS, [asked, described, sidecar]));
    expect(f?.cause).toContain('served under the versioned name kustomize-sops-v1.0');
  });
  it('another name with a suffix that is not a version is not it', () => {
    const other = log(NS, POD, ['serving on /plugins/kustomize-sops-legacy.sock'], {
      container: 'kustomize-sops',
    });
    expect(versionedNameAnalyzer.finds(ctx(NS, [asked, described, other]))).toEqual([]);
  });
});

describe('a summary line gives way to the failure line about what it names', () => {
  const text = [
    'INFO policies download status="init"',
    'ERROR policy download failed policy="disallow-host-paths" error="manifest unknown"',
    'Error: could not download all the policies: disallow-host-paths',
  ].join('\n');
  it('picks the detailed line', () => {
    expect(namedDetail(text, 'Error: could not download all the policies: disallow-host-paths')).toContain(
      'manifest unknown',
    );
  });
  it('a summary that names nothing another line fails on keeps itself', () => {
    expect(namedDetail(text, 'Error: exit status 1')).toBeUndefined();
  });
  it('stays linear', () => {
    const many = (line: string) => Array.from({ length: 1500 }, () => line).join('\n');
    expectBounded(
      () => namedDetail(many('ERROR x disallow-host-paths'), 'Error: all: disallow-host-paths'),
      () => namedDetail(many('INFO y'), 'Error: all: disallow-host-paths'),
    );
  });
});

describe('glosses written for set 79', () => {
  it.each([
    ['Unable to find parameter: eta in parameter assignment map[--eta:0.2131]', 'trialParameters'],
    [
      'OptimizationFailureException: [RackAwareGoal] Insufficient number of racks to distribute each replica (Current: 1, Needed: 3).',
      'one rack',
    ],
    ['Caused by: NotFoundException: /mnt/disk4/worker/241 (Input/output error)', 'EIO'],
    ['the active site has not configured endpoints yet', 'link access'],
  ])('%s', (line, word) => {
    expect(glossOf(line)?.means).toContain(word);
  });
});
