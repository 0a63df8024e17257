import { describe, expect, it } from 'vitest';
import { pointedSettings } from '../baseline/signatures/containers/crash.js';
import { glossedLine } from './log-glosses.js';
import { namedControllerAnalyzer, productWords, statusSubresourceAnalyzer } from './named-controller.js';
import { shortHosts } from './netpol-egress.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { portVariable, probeCause } from './probes.js';
import { rbacAnalyzer } from './rbac.js';
import { configuredFor, runtimeMismatchAnalyzer } from './runtime-mismatch.js';
import { socketOnNfsAnalyzer } from './socket-on-nfs.js';
import { readKey, unmadeReads } from './types.js';
import { describedPolicy, webhookIngressPolicyAnalyzer } from './webhook-ingress-policy.js';

// General rules written after held-out set 98's first contact (1 of 8), each with its table; the worlds'
// answers are in held-out-answers.test.ts.

// --- a probe refused on a port the program left ----------------------------------------------------------

describe('probeCause: the program listens on another port than the probed one', () => {
  const refused =
    'Readiness probe failed: Get "http://10.244.0.12:3001/api/server/ping": dial tcp 10.244.0.12:3001: connect: connection refused';
  it.each([
    ['a loopback banner on the new port', 'Immich Server is listening on http://[::1]:2283 [v1.118.2]', 2283],
    ['all interfaces', 'Listening at: http://0.0.0.0:2283 (9)', 2283],
    ['a bare port', 'server listening on :2283', 2283],
  ])('names the new port: %s', (_, line, port) => {
    const why = probeCause('readiness', refused, 'http-get :http/api/server/ping', line);
    expect(why.listens).toEqual({ port, probed: 3001 });
    expect(why.cause).toContain(`listens on port ${port}`);
  });

  it('keeps the loopback explanation when the loopback address is on the probed port', () => {
    const why = probeCause(
      'readiness',
      refused,
      'http-get :3001/',
      'Uvicorn running on http://127.0.0.1:3001',
    );
    expect(why.listens).toBeUndefined();
    expect(why.cause).toContain('loopback');
  });

  it('prefers a port on all interfaces over a loopback one', () => {
    const why = probeCause(
      'readiness',
      refused,
      'http-get :3001/',
      'admin listening on 127.0.0.1:9901\nserver listening on 0.0.0.0:8080',
    );
    expect(why.listens).toEqual({ port: 8080, probed: 3001 });
  });
});

describe('portVariable', () => {
  const body = (image: string, env: string[]) =>
    [
      `    Image:          ${image}`,
      '    Ports:          3001/TCP (http)',
      env.length ? '    Environment:' : '    Environment:    <none>',
      ...env.map((e) => `      ${e}`),
      '    Mounts:',
    ].join('\n');
  it.each([
    [
      "the image's prefix its variables carry",
      body('ghcr.io/immich-app/immich-server:v1.118.2', ['IMMICH_LOG_LEVEL:  log', 'DB_HOSTNAME:  db']),
      { name: 'IMMICH_PORT' },
    ],
    ['a bare PORT already set', body('example/app:1', ['PORT:  2283']), { name: 'PORT', value: '2283' }],
    [
      'a prefixed server port already set',
      body('example/grafana:1', ['GRAFANA_SERVER_PORT:  3000', 'GRAFANA_X:  y']),
      { name: 'GRAFANA_SERVER_PORT', value: '3000' },
    ],
    ['a digest', body('ghcr.io/acme/widget@sha256:abc', ['WIDGET_MODE:  fast']), { name: 'WIDGET_PORT' }],
  ])('%s', (_, text, want) => {
    expect(portVariable(text)).toEqual(want);
  });

  it.each([
    ['no variable carries the prefix', body('ghcr.io/immich-app/immich-server:v1', ['DB_HOSTNAME:  db'])],
    ['no variables', body('ghcr.io/immich-app/immich-server:v1', [])],
    ['a one-letter image name', body('x:1', ['X_A:  b'])],
  ])('guesses nothing: %s', (_, text) => {
    expect(portVariable(text)).toBeUndefined();
  });
});

// --- webhook-ingress-policy ---------------------------------------------------------------------------

const WNS = 'volcano-system';
const panic =
  'panic: failed init default queue, with err: Internal error occurred: failed calling webhook "mutatequeue.volcano.sh": failed to call webhook: Post "https://volcano-admission-service.volcano-system.svc:443/queues/mutate?timeout=10s": context deadline exceeded';
const svc = (endpoints: string) =>
  observed(
    'describe_service',
    { namespace: WNS, name: 'volcano-admission-service' },
    `Name:              volcano-admission-service\nNamespace:         ${WNS}\nSelector:          app=volcano-admission\nType:              ClusterIP\nPort:              <unset>  443/TCP\nTargetPort:        8443/TCP\nEndpoints:         ${endpoints}\n`,
  );
const policy = (name: string, spec: string[]) =>
  observed(
    'describe_resource',
    { kind: 'NetworkPolicy', namespace: WNS, name },
    [
      `Name:         ${name}`,
      `Namespace:    ${WNS}`,
      'Spec:',
      ...spec.map((l) => `  ${l}`),
      'Events:  <none>',
    ].join('\n'),
  );
const denyAll = policy('baseline-deny-ingress', [
  'podSelector: {}',
  'policyTypes[0]: Ingress',
  'ingress[0].from[0].podSelector: {}',
  'ingress[1].from[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: monitoring',
  'ingress[1].ports[0].protocol: TCP',
  'ingress[1].ports[0].port: 8080',
]);
const listed = observed(
  'list_resources',
  { kind: 'NetworkPolicy', namespace: WNS },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['baseline-deny-ingress', '-', '27m'],
  ]),
);
const crashLog = log(WNS, 'volcano-scheduler-7d9c6b5f48-kq2wm', ['loading', panic], { previous: true });
const wctx = (seen: Parameters<typeof ctx>[1]) => ctx(WNS, seen);

describe('webhook-ingress-policy', () => {
  it("names the policy that admits only pods, the API server's call dropped", () => {
    const out = webhookIngressPolicyAnalyzer.finds(
      wctx([crashLog, svc('10.244.0.13:8443'), listed, denyAll]),
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.cause).toContain('baseline-deny-ingress');
    expect(out[0]!.cause).toContain('API server is not a pod');
    expect(out[0]!.advice).toContain('targetPort 8443');
  });

  it('reads the Service and the namespace policies first', () => {
    const reads = webhookIngressPolicyAnalyzer.reads(wctx([crashLog]));
    expect(reads).toContainEqual({
      tool: 'describe_service',
      args: { namespace: WNS, name: 'volcano-admission-service' },
    });
    expect(reads).toContainEqual({ tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: WNS } });
  });

  it.each([
    [
      'an ipBlock rule (the control plane range)',
      policy('allow-apiserver', [
        'podSelector: {}',
        'policyTypes[0]: Ingress',
        'ingress[0].from[0].ipBlock.cidr: 172.16.0.0/28',
      ]),
    ],
    [
      'a rule without from (any source on a port)',
      policy('allow-8443', [
        'podSelector: {}',
        'policyTypes[0]: Ingress',
        'ingress[0].ports[0].protocol: TCP',
        'ingress[0].ports[0].port: 8443',
      ]),
    ],
  ])('says nothing when another policy admits the API server: %s', (_, allow) => {
    expect(
      webhookIngressPolicyAnalyzer.finds(wctx([crashLog, svc('10.244.0.13:8443'), denyAll, allow])),
    ).toEqual([]);
  });

  it.each([
    ['the Service has no endpoints (another finding)', svc('<none>'), denyAll],
    [
      'the policy selects other pods',
      svc('10.244.0.13:8443'),
      policy('db-only', [
        'podSelector.matchLabels.app: db',
        'policyTypes[0]: Ingress',
        'ingress[0].from[0].podSelector: {}',
      ]),
    ],
    [
      'the policy governs egress only',
      svc('10.244.0.13:8443'),
      policy('egress', ['podSelector: {}', 'policyTypes[0]: Egress', 'egress[0].to[0].podSelector: {}']),
    ],
  ])('says nothing when %s', (_, service, p) => {
    expect(webhookIngressPolicyAnalyzer.finds(wctx([crashLog, service, p]))).toEqual([]);
  });

  it('says nothing of a refusal that is not a timeout', () => {
    const refusedLog = log(WNS, 'volcano-scheduler-x', [
      panic.replace('context deadline exceeded', 'connection refused'),
    ]);
    expect(webhookIngressPolicyAnalyzer.finds(wctx([refusedLog, svc('10.244.0.13:8443'), denyAll]))).toEqual(
      [],
    );
  });

  it('reads a policy without policyTypes as governing ingress', () => {
    const p = describedPolicy('Name: p\nSpec:\n  podSelector: {}\n  ingress[0].from[0].podSelector: {}\n');
    expect(p?.ingress).toBe(true);
    expect(p?.rules).toEqual([{ outside: false, ports: [], words: 'from podSelector {}' }]);
  });

  it('stays bounded on a hostile policy description', () => {
    const long = `Name: p\nSpec:\n${'  ingress[1].from[0].podSelector.matchLabels.a: b\n'.repeat(20_000)}`;
    expectBounded(
      () => describedPolicy(long),
      () => describedPolicy('Name: p\nSpec:\n  podSelector: {}\n'.repeat(200)),
    );
  });
});

// --- a source file and line is not a Service ----------------------------------------------------------------

describe('shortHosts: source file references', () => {
  it.each([
    'I1007 14:17:40.781552 1 scheduler.go:96] Loading scheduler configuration',
    'File "views.py:212", in handler',
    'at handler (app.js:40:12)',
  ])('reads no Service in %s', (line) => {
    expect(shortHosts(line, 'app')).toEqual([]);
  });

  it('still reads a Service of another namespace', () => {
    expect(shortHosts('dial tcp redis.cache:6379: i/o timeout', 'app')).toEqual([
      { service: 'redis', ns: 'cache', port: 6379 },
    ]);
  });
});

// --- rbac at the cluster scope -----------------------------------------------------------------------------

const RNS = 'kepler';
const forbidden =
  'W1107 09:07:22.120417 1 reflector.go:539] pkg/kubernetes/watcher.go:211: failed to list *v1.Pod: pods is forbidden: User "system:serviceaccount:kepler:kepler-sa" cannot list resource "pods" in API group "" at the cluster scope';
const klog = log(RNS, 'kepler-exporter-4ktzq', [forbidden], { previous: true });
const crbList = observed(
  'list_resources',
  { kind: 'ClusterRoleBinding' },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['kepler-clusterrole-binding', '-', '16h'],
    ['other', '-', '1d'],
  ]),
);
const crb = (sa: string) =>
  observed(
    'describe_resource',
    { kind: 'ClusterRoleBinding', name: 'kepler-clusterrole-binding' },
    `Name:         kepler-clusterrole-binding\nRoleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: kepler-clusterrole\nSubjects:\n  0.kind: ServiceAccount\n  0.name: ${sa}\n  0.namespace: kepler\n`,
  );
const clusterRole = (resources: string[], verbs: string[]) =>
  observed(
    'describe_resource',
    { kind: 'ClusterRole', name: 'kepler-clusterrole' },
    [
      'Name:         kepler-clusterrole',
      'Rules:',
      '  0.apiGroups[0]: ',
      ...resources.map((r, i) => `  0.resources[${i}]: ${r}`),
      ...verbs.map((v, i) => `  0.verbs[${i}]: ${v}`),
    ].join('\n'),
  );

describe('rbac: a refusal at the cluster scope', () => {
  it('reads the ClusterRoleBindings named like the account, then its ClusterRole', () => {
    expect(rbacAnalyzer.reads(ctx(RNS, [klog]))).toEqual([
      { tool: 'list_resources', args: { kind: 'ClusterRoleBinding' } },
    ]);
    const reads = rbacAnalyzer.reads(ctx(RNS, [klog, crbList, crb('kepler-sa')]));
    expect(reads).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'ClusterRoleBinding', name: 'kepler-clusterrole-binding' },
    });
    expect(reads).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'ClusterRole', name: 'kepler-clusterrole' },
    });
    expect(reads.some((r) => r.args['name'] === 'other')).toBe(false);
  });

  it('names the ClusterRole that grants nothing on the resource', () => {
    const out = rbacAnalyzer.finds(
      ctx(RNS, [
        klog,
        crbList,
        crb('kepler-sa'),
        clusterRole(['nodes/metrics', 'nodes/proxy'], ['get', 'list']),
      ]),
    );
    expect(out[0]!.object).toBe('clusterrole kepler-clusterrole');
    expect(out[0]!.cause).toContain('nothing on pods');
    expect(out[0]!.advice).toContain('list, watch on pods');
  });

  it('says no ClusterRoleBinding names the account when none does', () => {
    const out = rbacAnalyzer.finds(ctx(RNS, [klog, crbList, crb('someone-else')]));
    // One of the two listed was read: the answer says which.
    expect(out[0]!.cause).toContain(
      'none of the ClusterRoleBindings read (kepler-clusterrole-binding, of 2) names system:serviceaccount:kepler:kepler-sa',
    );
    const other = observed(
      'describe_resource',
      { kind: 'ClusterRoleBinding', name: 'other' },
      'Name: other\n',
    );
    const all = rbacAnalyzer.finds(ctx(RNS, [klog, crbList, crb('someone-else'), other]));
    expect(all[0]!.cause).toContain('no ClusterRoleBinding names system:serviceaccount:kepler:kepler-sa');
  });

  it('says nothing when the ClusterRole does grant it', () => {
    expect(
      rbacAnalyzer.finds(
        ctx(RNS, [klog, crbList, crb('kepler-sa'), clusterRole(['pods'], ['list', 'watch'])]),
      ),
    ).toEqual([]);
  });

  it('names a RoleBinding that grants it only inside its namespace', () => {
    const rbList = observed(
      'list_resources',
      { kind: 'RoleBinding', namespace: RNS },
      table([
        ['NAME', 'STATUS', 'AGE'],
        ['kepler-sa', '-', '1d'],
      ]),
    );
    const rb = observed(
      'describe_resource',
      { kind: 'RoleBinding', name: 'kepler-sa', namespace: RNS },
      'Name: kepler-sa\nRoleRef:\n  kind: ClusterRole\n  name: kepler-clusterrole\nSubjects:\n  0.kind: ServiceAccount\n  0.name: kepler-sa\n  0.namespace: kepler\n',
    );
    const out = rbacAnalyzer.finds(ctx(RNS, [klog, crbList, rbList, rb, clusterRole(['pods'], ['list'])]));
    expect(out[0]!.object).toBe('rolebinding kepler-sa');
    expect(out[0]!.cause).toContain('only inside its own namespace');
    expect(out[0]!.advice).toContain('ClusterRoleBinding');
  });
});

// --- klog's Info level -------------------------------------------------------------------------------------

describe('glossedLine: a glossed klog Info line the program went past', () => {
  const nvml =
    'I1107 09:07:21.402118       1 gpu.go:46] Failed to init nvml, err: could not init nvml: error opening libnvidia-ml.so.1: libnvidia-ml.so.1: cannot open shared object file: No such file or directory';
  it('is not the failure when errors or a fatal line follow', () => {
    expect(
      glossedLine([nvml, 'E1107 09:07:22.120488       1 reflector.go:147] Failed to watch'].join('\n'))?.line,
    ).not.toBe(nvml);
    expect(
      glossedLine([nvml, 'F1107 09:07:52.120977       1 watcher.go:116] timed out'].join('\n'))?.line,
    ).not.toBe(nvml);
  });

  it('is still glossed when nothing worse follows', () => {
    expect(glossedLine([nvml, 'I1107 09:07:22.1 1 main.go:1] started'].join('\n'))?.line).toBe(nvml);
  });

  it('a glossed Error-level line stays the failure', () => {
    const e = nvml.replace(/^I/, 'E');
    expect(glossedLine([e, 'F1107 09:07:52.120977       1 watcher.go:116] timed out'].join('\n'))?.line).toBe(
      e,
    );
  });
});

// --- a validator's caret lines ---------------------------------------------------------------------------------

describe('pointedSettings', () => {
  const ory = [
    'time=2026-10-21T10:13:02Z level=error msg=The provided configuration is invalid and could not be loaded.',
    '',
    'identity: <nil>',
    '          ^-- one or more required properties are missing',
    '',
    'courier.smtp.connection_uri: <nil>',
    '                             ^-- one or more required properties are missing',
    'serve.public.port: "eighty"',
    '                   ^-- expected integer, but got string',
    'time=2026-10-21T10:13:02Z level=fatal msg=The services failed to start',
  ].join('\n');
  it('reads each setting and what its caret line says', () => {
    expect(pointedSettings(ory)).toEqual([
      { path: 'identity', value: '<nil>', message: 'one or more required properties are missing' },
      {
        path: 'courier.smtp.connection_uri',
        value: '<nil>',
        message: 'one or more required properties are missing',
      },
      { path: 'serve.public.port', value: '"eighty"', message: 'expected integer, but got string' },
    ]);
  });

  it('reads nothing without caret lines, or a caret under a line that is no setting', () => {
    expect(pointedSettings('error: invalid\nsomething went wrong')).toEqual([]);
    expect(pointedSettings('---- some banner ----\n  ^-- not a setting')).toEqual([]);
  });

  it('stays bounded on many caret lines', () => {
    const many = 'a: b\n^-- x\n'.repeat(50_000);
    expect(pointedSettings(many)).toHaveLength(1);
    expectBounded(
      () => pointedSettings(many),
      () => pointedSettings('a: b\nplain\n'.repeat(50_000)),
    );
  });
});

// --- socket-on-nfs -------------------------------------------------------------------------------------------

const SNS = 'vc-dataplat';
const kine =
  'time="2026-09-03T10:58:42Z" level=fatal msg="starting kubernetes: preparing server: creating storage endpoint: chmod kine.sock: no such file or directory"';
const sockPod = observed(
  'describe_pod',
  { namespace: SNS, name: 'dataplat-0' },
  describedPodText({ ns: SNS, name: 'dataplat-0', container: 'vcluster', claims: ['data'] }).replace(
    'Conditions:',
    '    Mounts:\n      /data from data (rw)\nConditions:',
  ),
);
const claim = (cls: string) =>
  observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'data', namespace: SNS },
    `Name: data\nSpec:\n  storageClassName: ${cls}\n  volumeName: pvc-1\n`,
  );
const sockLog = log(SNS, 'dataplat-0', [kine], { container: 'vcluster', previous: true });

describe('socket-on-nfs', () => {
  it('reads the pod, then its claim', () => {
    expect(socketOnNfsAnalyzer.reads(ctx(SNS, [sockLog]))).toEqual([
      { tool: 'describe_pod', args: { namespace: SNS, name: 'dataplat-0' } },
    ]);
    expect(socketOnNfsAnalyzer.reads(ctx(SNS, [sockLog, sockPod]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'PersistentVolumeClaim', name: 'data', namespace: SNS } },
    ]);
  });

  it('names the NFS class the socket lands on', () => {
    const out = socketOnNfsAnalyzer.finds(ctx(SNS, [sockLog, sockPod, claim('nfs-client')]));
    expect(out[0]!.cause).toContain('unix socket kine.sock');
    expect(out[0]!.cause).toContain('StorageClass nfs-client');
  });

  it.each([
    ['a block class', [sockLog, sockPod, claim('ceph-rbd')]],
    [
      'a socket failure off the volume',
      [
        log(SNS, 'dataplat-0', ['listen unix /tmp/x.sock: bind: permission denied'], {
          container: 'vcluster',
        }),
        sockPod,
        claim('nfs-client'),
      ],
    ],
    [
      'no socket',
      [log(SNS, 'dataplat-0', ['chmod data.db: no such file or directory']), sockPod, claim('nfs-client')],
    ],
  ])('says nothing for %s', (_, seen) => {
    expect(socketOnNfsAnalyzer.finds(ctx(SNS, seen))).toEqual([]);
  });
});

// --- runtime-mismatch --------------------------------------------------------------------------------------

const CNS = 'chaos-mesh';
const TASK =
  'Every StressChaos experiment against payments-staging fails. Chaos Mesh lives in namespace chaos-mesh. What is the root cause?';
const event = observed(
  'get_events',
  { namespace: 'payments-staging' },
  'LAST SEEN   TYPE      REASON   OBJECT                           MESSAGE\n3m   Warning   Failed   stresschaos/soak   Failed to apply chaos: rpc error: code = Unknown desc = getting PID: expected docker:// but got container',
);
const nodeList = observed(
  'list_nodes',
  {},
  table([
    ['NAME', 'STATUS', 'VERSION'],
    ['stg-n1', 'Ready', 'v1.32.0'],
  ]),
);
const node = (runtime: string) =>
  observed(
    'describe_node',
    { name: 'stg-n1' },
    `Name:               stg-n1\nSystem Info:\n  Container Runtime Version:  ${runtime}\n  Kubelet Version:            v1.32.0\n`,
  );
const dsList = observed(
  'list_resources',
  { kind: 'DaemonSet', namespace: CNS },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['chaos-daemon', '2/2 ready', '210d'],
  ]),
);
const ds = observed(
  'describe_resource',
  { kind: 'DaemonSet', name: 'chaos-daemon', namespace: CNS },
  [
    'Name:         chaos-daemon',
    'Spec:',
    '  template.spec.containers[0].command[0]: /usr/local/bin/chaos-daemon',
    '  template.spec.containers[0].command[1]: --runtime',
    '  template.spec.containers[0].command[2]: docker',
    '  template.spec.containers[0].volumeMounts[0].mountPath: /var/run/docker.sock',
  ].join('\n'),
);

describe('runtime-mismatch', () => {
  it('reads a node, then the DaemonSets of the namespace the task names', () => {
    const c = ctx('payments-staging', [event], TASK);
    expect(runtimeMismatchAnalyzer.reads(c)).toContainEqual({ tool: 'list_nodes', args: {} });
    const later = runtimeMismatchAnalyzer.reads(ctx('payments-staging', [event, nodeList, dsList], TASK));
    expect(later).toContainEqual({ tool: 'describe_node', args: { name: 'stg-n1' } });
    expect(later).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'DaemonSet', name: 'chaos-daemon', namespace: CNS },
    });
  });

  it('names the agent set up for Docker on containerd nodes', () => {
    const out = runtimeMismatchAnalyzer.finds(
      ctx('payments-staging', [event, nodeList, node('containerd://1.7.22'), dsList, ds], TASK),
    );
    expect(out[0]!.object).toBe('daemonset chaos-daemon in chaos-mesh');
    expect(out[0]!.cause).toContain('"--runtime docker", mounts /var/run/docker.sock');
    expect(out[0]!.advice).toContain('/run/containerd/containerd.sock');
  });

  it('says nothing when the node runs the runtime expected', () => {
    expect(
      runtimeMismatchAnalyzer.finds(
        ctx('payments-staging', [event, nodeList, node('docker://24.0.7'), dsList, ds], TASK),
      ),
    ).toEqual([]);
  });

  it.each([
    ['--runtime=containerd', 'containerd', '"--runtime=containerd"'],
    ['--container-runtime cri-o', 'cri-o', '"--container-runtime cri-o"'],
  ])('reads the flag %s', (flag, runtime, said) => {
    const [name, value] = flag.includes('=') ? [flag, undefined] : flag.split(' ');
    const text = [
      `  template.spec.containers[0].args[0]: ${name}`,
      ...(value ? [`  template.spec.containers[0].args[1]: ${value}`] : []),
    ].join('\n');
    expect(configuredFor(text, runtime)).toBe(said);
  });
});

// --- named-controller and status-subresource ------------------------------------------------------------

describe('productWords', () => {
  it.each([
    ['We installed Flagger on the legacy cluster; Flagger created checkout-primary.', ['flagger']],
    ['Flagger created it, at the start of a sentence only.', []],
    ['we run Argo and Flux side by side; Argo synced the app and Flux pruned it', ['argo', 'flux']],
    ['The traffic reports in Tally (namespace webstats) have not moved', []],
    ['the API is down', []],
  ])('%s', (task, want) => {
    expect(productWords(task)).toEqual(want);
  });
});

describe('named-controller', () => {
  const TASKF =
    'We installed Flagger today; Flagger created checkout-primary. I suspect flagger-loadtester fails.';
  const found = (name: string, rows: string[][]) =>
    observed('find_objects', { name }, table([['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'], ...rows]));
  const loadtester = found('flagger-loadtester', [
    ['Deployment', 'shop', 'flagger-loadtester', 'Available', '3h'],
  ]);
  const flagger = found('flagger', [
    ['Deployment', 'flagger-system', 'flagger', 'Available', '58m'],
    ['Pod', 'flagger-system', 'flagger-th2lnkczn-5ls2z', 'Running', '58m'],
  ]);

  it('searches the product a found part belongs to, then reads its controller elsewhere', () => {
    expect(namedControllerAnalyzer.reads(ctx('shop', [loadtester], TASKF))).toEqual([
      { tool: 'find_objects', args: { name: 'flagger' } },
    ]);
    expect(namedControllerAnalyzer.reads(ctx('shop', [loadtester, flagger], TASKF))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'flagger-system', name: 'flagger-th2lnkczn-5ls2z' } },
    ]);
  });

  it('leaves a controller of the same namespace to the usual walk', () => {
    const here = found('flagger', [
      ['Deployment', 'shop', 'flagger', 'Available', '58m'],
      ['Pod', 'shop', 'flagger-th2lnkczn-5ls2z', 'Running', '58m'],
    ]);
    expect(namedControllerAnalyzer.reads(ctx('shop', [loadtester, here], TASKF))).toEqual([]);
  });

  it('searches nothing when the task names no product on its own', () => {
    expect(
      namedControllerAnalyzer.reads(
        ctx('shop', [loadtester], 'checkout is stuck. flagger-loadtester fails?'),
      ),
    ).toEqual([]);
  });
});

describe('status-subresource', () => {
  const line =
    '{"level":"info","msg":"canary checkout.shop status update error the server could not find the requested resource (put canaries.flagger.app checkout)"}';
  const flog = log('flagger-system', 'flagger-x', [line]);
  const nodesAt = (v: string) =>
    observed(
      'list_nodes',
      {},
      table([
        ['NAME', 'STATUS', 'VERSION'],
        ['n1', 'Ready', v],
      ]),
    );

  it('reads the node list for the version', () => {
    expect(statusSubresourceAnalyzer.reads(ctx('shop', [flog]))).toEqual([{ tool: 'list_nodes', args: {} }]);
  });

  it('says the cluster is older than 1.11', () => {
    const out = statusSubresourceAnalyzer.finds(ctx('shop', [flog, nodesAt('v1.9.1+a0ce1bc657')]));
    expect(out[0]!.object).toBe('canaries.flagger.app checkout');
    expect(out[0]!.cause).toContain('only from Kubernetes 1.11');
    expect(out[0]!.advice).toContain('upgrade the cluster');
  });

  it('says the CRD lacks the subresource on a newer cluster', () => {
    const out = statusSubresourceAnalyzer.finds(ctx('shop', [flog, nodesAt('v1.30.2')]));
    expect(out[0]!.cause).toContain('does not declare subresources.status');
  });

  it('says nothing of a not-found write that is no status update', () => {
    const other = log('flagger-system', 'flagger-x', [
      'create failed: the server could not find the requested resource (post widgets.example.com w)',
    ]);
    expect(statusSubresourceAnalyzer.finds(ctx('shop', [other, nodesAt('v1.9.1')]))).toEqual([]);
  });
});

// --- a read's kind without case ------------------------------------------------------------------------------

describe('readKey', () => {
  it('takes the same arguments in any order for one read, and a kind as written', () => {
    expect(readKey('describe_resource', { kind: 'StressChaos', name: 'a' })).toBe(
      readKey('describe_resource', { name: 'a', kind: 'StressChaos' }),
    );
    // Analyzers find their outputs by the kind they asked for: another spelling is another read.
    expect(readKey('describe_resource', { kind: 'StressChaos', name: 'a' })).not.toBe(
      readKey('describe_resource', { kind: 'stresschaos', name: 'a' }),
    );
    const seen = [observed('describe_resource', { kind: 'StressChaos', name: 'a' }, 'Name: a')];
    expect(
      unmadeReads(seen, [{ tool: 'describe_resource', args: { name: 'a', kind: 'StressChaos' } }]),
    ).toEqual([]);
  });
});
