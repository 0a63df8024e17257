import { describe, expect, it } from 'vitest';
import { missingVariableSaid } from '../baseline/reading.js';
import { forbidsRollback } from '../baseline-model.js';
import { crdVersionUnservedAnalyzer } from './crd-version-unserved.js';
import { ebpfNestedNodeAnalyzer } from './ebpf-nested-node.js';
import { nasSnapshotDirAnalyzer } from './nas-snapshot-dir.js';
import { netpolIngressPortAnalyzer } from './netpol-ingress-port.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { tlsOffSecretsAnalyzer } from './tls-off-secrets.js';
import { podOwnerObject } from './types.js';

// Review of set 95's rules (attacker's view), by a helper who had not written them: 34 tests, 17 bugs, each
// marked `// Found in review, fixed:` and fixed in the rule; no test was changed with the fixes.

// --- nas-snapshot-dir -------------------------------------------------------------------------------

const dbPod = (volume: string[] = []) =>
  observed(
    'describe_pod',
    { namespace: 'graph', name: 'graph-0' },
    [
      'Name:             graph-0',
      'Namespace:        graph',
      'Controlled By:    StatefulSet/graph',
      'Containers:',
      '  db:',
      '    Mounts:',
      '      /var/lib/memgraph from data (rw)',
      'Volumes:',
      '  data:',
      ...(volume.length
        ? volume
        : [
            '    Type:      PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
            '    ClaimName: graph-data',
            '    ReadOnly:  false',
          ]),
    ].join('\n'),
  );
const claimRead = (cls: string) =>
  observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'graph-data', namespace: 'graph' },
    `Name: graph-data\nSpec:\n  storageClassName: ${cls}\n  volumeName: pvc-1\n`,
  );
const classRead = (name: string, provisioner: string, params: string) =>
  observed(
    'describe_resource',
    { kind: 'StorageClass', name },
    `Name:         ${name}\nProvisioner:  ${provisioner}\nParameters:  ${params}\n`,
  );
const snapLog = (lines: string[]) => log('graph', 'graph-0', lines, { previous: true });
const ontap = [
  claimRead('ontap-nas'),
  classRead('ontap-nas', 'csi.trident.netapp.io', 'backendType=ontap-nas'),
];

describe('nas-snapshot-dir (review)', () => {
  it('names the directory on a NetApp class from a plain refusal', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapLog(['ERROR: data directory not empty: found "/var/lib/memgraph/.snapshot"']),
        dbPod(),
        ...ontap,
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.advice).toContain('Do not delete .snapshot');
  });

  // Found in review, fixed: a JSON log escapes the quote after the path (`.snapshot\"`), and SNAPSHOT_PATH's lookahead does not admit a backslash, so the refusal is missed; it should count `\` as an end of the segment.
  it('a JSON log with escaped quotes around the path', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapLog([
          '{"level":"error","msg":"cannot start: unexpected entry \\"/var/lib/memgraph/.snapshot\\" in data directory"}',
        ]),
        dbPod(),
        ...ontap,
      ]),
    );
    expect(f).toHaveLength(1);
  });

  // Found in review, fixed: an emptyDir volume cannot show a NAS snapshot directory, yet a non-PVC, non-NFS volume yields a finding blaming "a network volume"; it should find nothing (or only for network-backed volumes).
  it('not for a data directory on an emptyDir', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapLog(['ERROR: cannot open "/var/lib/memgraph/.snapshot": unexpected entry']),
        dbPod([
          "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
          '    Medium:     ',
        ]),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: a block-storage class (EBS CSI) cannot present a NAS's .snapshot, yet the rule still blames "the NAS's snapshot directory"; it should require a NAS/NFS-backed class or say nothing.
  it('not for a claim on block storage (a program’s own .snapshot directory)', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapLog(['ERROR: invalid file in "/var/lib/memgraph/.snapshot": corrupt header']),
        dbPod(),
        claimRead('gp3'),
        classRead('gp3', 'ebs.csi.aws.com', 'type=gp3'),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: in logs without timestamps any error line before a listing line counts as its record, so a backup tool's walk of .snapshot after an unrelated error is taken as a refusal; the preceding line should only join when it is the same record.
  it('not for a backup tool’s listing after an unrelated error line', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapLog(['upload to s3 failed, retrying', 'walking /var/lib/memgraph/.snapshot/hourly.0']),
        dbPod(),
        ...ontap,
      ]),
    );
    expect(f).toEqual([]);
  });

  it('bounded on a 4000-character line of `/.snapshot` fragments', () => {
    const bad = `ERROR ${'/.snapshotx'.repeat(360)}`;
    const ok = `ERROR ${'a.snapshotx'.repeat(360)}`;
    expectBounded(
      () => nasSnapshotDirAnalyzer.finds(ctx('graph', [snapLog(Array(200).fill(bad)), dbPod()])),
      () => nasSnapshotDirAnalyzer.finds(ctx('graph', [snapLog(Array(200).fill(ok)), dbPod()])),
    );
  });
});

// --- tls-off-secrets --------------------------------------------------------------------------------

const waiting = (secrets: string[]) =>
  observed(
    'describe_pod',
    { namespace: 'iam', name: 'zitadel-6b9f8c7d5-x2abc' },
    [
      'Name:             zitadel-6b9f8c7d5-x2abc',
      'Namespace:        iam',
      'Status:           Pending',
      'Controlled By:    ReplicaSet/zitadel-6b9f8c7d5',
      'Events:',
      ...secrets.map(
        (s) =>
          `  Warning   FailedMount   2m (x13 over 25m)   kubelet   MountVolume.SetUp failed for volume "v" : secret "${s}" not found`,
      ),
    ].join('\n'),
  );
const listed = (names: string[]) =>
  observed(
    'list_pods',
    { namespace: 'iam' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ...names.map((n) => [n, '1/1', 'Running', '0', '2h']),
    ]),
  );
const serverPod = (name: string, containers: [string, string][]) =>
  observed(
    'describe_pod',
    { namespace: 'iam', name },
    [
      `Name:             ${name}`,
      'Namespace:        iam',
      'Containers:',
      ...containers.flatMap(([c, cmd]) => [`  ${c}:`, `    Command:        ${cmd}`]),
    ].join('\n'),
  );

describe('tls-off-secrets (review)', () => {
  it('two missing Secrets are named together, in the plural', () => {
    const f = tlsOffSecretsAnalyzer.finds(
      ctx('iam', [
        waiting(['crdb-ca-secret', 'crdb-client-secret']),
        listed(['crdb-0', 'zitadel-6b9f8c7d5-x2abc']),
        serverPod('crdb-0', [['db', '/cockroach/cockroach start --insecure']]),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('the Secrets crdb-ca-secret and crdb-client-secret do not exist');
  });

  it('not when the server runs with TLS (--insecure=false)', () => {
    const f = tlsOffSecretsAnalyzer.finds(
      ctx('iam', [
        waiting(['crdb-ca-secret']),
        listed(['crdb-0', 'zitadel-6b9f8c7d5-x2abc']),
        serverPod('crdb-0', [['db', '/cockroach/cockroach start --insecure=false --certs-dir=/certs']]),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: only the first pod named for the prefix is read, so a helper pod listed before the server (`crdb-init-…`) hides the server's --insecure for good; the rule should go on to the next candidate pod.
  it('reads the next pod of the prefix when the first has no TLS flag', () => {
    const seen = [
      waiting(['crdb-ca-secret']),
      listed(['crdb-init-x7k2p', 'crdb-0', 'zitadel-6b9f8c7d5-x2abc']),
      serverPod('crdb-init-x7k2p', [['init', '/cockroach/cockroach init --host=crdb-0']]),
    ];
    expect(tlsOffSecretsAnalyzer.reads(ctx('iam', seen))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'iam', name: 'crdb-0' } },
    ]);
  });

  // Found in review, fixed: the TLS flag is taken from any container of the server's pod, so a sidecar exporter's own `--no-tls` is read as the database running without TLS; only the server container's flags should count.
  it('a sidecar’s --no-tls is not the server’s', () => {
    const f = tlsOffSecretsAnalyzer.finds(
      ctx('iam', [
        waiting(['crdb-ca-secret']),
        listed(['crdb-0', 'zitadel-6b9f8c7d5-x2abc']),
        serverPod('crdb-0', [
          ['db', '/cockroach/cockroach start --certs-dir=/cockroach/certs'],
          ['exporter', '/bin/exporter --no-tls --port 9187'],
        ]),
      ]),
    );
    expect(f).toEqual([]);
  });
});

// --- netpol-ingress-port ------------------------------------------------------------------------------

const NS = 'runbooks';
const runner = (lines: string[]) => log(NS, 'st2actionrunner-7d-abcde', lines, { previous: true });
const REDIS_LOG = [
  '2026-03-24 11:02:41,190 INFO [-] Using coordination driver: redis',
  'tooz.coordination.ToozConnectionError: Timeout connecting to server',
];
const svcList = (rows: [string, string, string][]) =>
  observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
      ...rows.map(([n, p, s]) => [n, 'ClusterIP', '10.96.0.9', p, s, '10.244.0.9:1', '9d']),
    ]),
  );
const REDIS_ROW: [string, string, string] = ['st2-redis', '6379/TCP', 'app.kubernetes.io/name=redis'];
const policyList = (names: string[]) =>
  observed(
    'list_resources',
    { kind: 'NetworkPolicy', namespace: NS },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, '-', '2h'])]),
  );
const policy = (name: string, spec: string[]) =>
  observed(
    'describe_resource',
    { kind: 'NetworkPolicy', name, namespace: NS },
    [`Name: ${name}`, 'Spec:', ...spec.map((l) => `  ${l}`)].join('\n'),
  );
const denyAll = policy('deny', ['podSelector: {}', 'policyTypes[0]: Ingress']);
const allow = (rule: string[]) => policy('allow', ['podSelector: {}', 'policyTypes[0]: Ingress', ...rule]);
const svcDescribed = (name: string, target: string) =>
  observed('describe_service', { namespace: NS, name }, `Name: ${name}\nTargetPort:        ${target}\n`);
const netpolFinds = (
  lines: string[],
  rows: [string, string, string][],
  policies: ReturnType<typeof policy>[],
) =>
  netpolIngressPortAnalyzer.finds(
    ctx(NS, [
      runner(lines),
      svcList(rows),
      policyList(policies.map((p) => String(p.args['name']))),
      ...policies,
      ...rows.map(([n, p]) => svcDescribed(n, p)),
    ]),
  );

describe('netpol-ingress-port (review)', () => {
  it('a port left out of the allowlist is named', () => {
    const f = netpolFinds(REDIS_LOG, [REDIS_ROW], [allow(['ingress[0].ports[0].port: 27017']), denyAll]);
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('port 6379');
  });

  it('a policy in another namespace is not read', () => {
    const other = observed(
      'describe_resource',
      { kind: 'NetworkPolicy', name: 'deny', namespace: 'elsewhere' },
      'Name: deny\nSpec:\n  podSelector: {}\n  policyTypes[0]: Ingress',
    );
    expect(
      netpolIngressPortAnalyzer.finds(
        ctx(NS, [
          runner(REDIS_LOG),
          svcList([REDIS_ROW]),
          policyList([]),
          other,
          svcDescribed('st2-redis', '6379/TCP'),
        ]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a port range (`port: 6000` with `endPort: 7000`) is read as the single port 6000, so 6379 inside the range is reported as blocked; endPort should widen the rule's ports.
  it('a port range that covers the port admits it', () => {
    const f = netpolFinds(
      REDIS_LOG,
      [REDIS_ROW],
      [allow(['ingress[0].ports[0].port: 6000', 'ingress[0].ports[0].endPort: 7000']), denyAll],
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: `mentions` matches any 4-letter part of a Service name as a word, so "Timeout connecting to server" names a Service `web-server`; generic words (server, data, main…) should not name a Service.
  it('a generic word in the log does not name a Service', () => {
    const f = netpolFinds(
      ['ERROR Timeout connecting to server'],
      [['web-server', '8080/TCP', 'app=web']],
      [allow(['ingress[0].ports[0].port: 443']), denyAll],
    );
    expect(f).toEqual([]);
  });

  it('a port listed only for other peers: no cause that denies the listing', () => {
    const f = netpolFinds(
      REDIS_LOG,
      [REDIS_ROW],
      [
        allow([
          'ingress[0].from[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: monitoring',
          'ingress[0].ports[0].port: 6379',
        ]),
        denyAll,
      ],
    );
    for (const x of f) expect(x.cause).not.toContain('no ingress rule lists it');
  });

  it('bounded on a policy of 5000 ports', () => {
    const many = (p: string) =>
      allow(Array.from({ length: 5000 }, (_, i) => `ingress[${i % 999}].ports[${i % 999}].port: ${p}`));
    expectBounded(
      () => netpolFinds(REDIS_LOG, [REDIS_ROW], [many('1'), denyAll]),
      () => netpolFinds(REDIS_LOG, [REDIS_ROW], [allow(['ingress[0].ports[0].port: 1']), denyAll]),
    );
  });
});

// --- crd-version-unserved -----------------------------------------------------------------------------

const opLog = (line: string) => log('mesh', 'op-7f9c8d6b5-abcde', [line], { previous: true });
const crdList = (names: string[]) =>
  observed(
    'list_resources',
    { kind: 'CustomResourceDefinition' },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, '-', '47d'])]),
  );
const crd = (name: string, versions: [string, boolean][]) =>
  observed(
    'describe_resource',
    { kind: 'CustomResourceDefinition', name },
    [
      `Name:         ${name}`,
      'Spec:',
      ...versions.flatMap(([v, s], i) => [`  versions[${i}].name: ${v}`, `  versions[${i}].served: ${s}`]),
    ].join('\n'),
  );

describe('crd-version-unserved (review)', () => {
  it('a JSON log with escaped quotes in the REST mapper’s wording', () => {
    const line =
      '{"level":"error","msg":"no matches for kind \\"Route\\" in version \\"gw.example.io/v2\\""}';
    expect(
      crdVersionUnservedAnalyzer.reads(ctx('mesh', [opLog(line), crdList(['routes.gw.example.io'])])),
    ).toEqual([
      { tool: 'describe_resource', args: { kind: 'CustomResourceDefinition', name: 'routes.gw.example.io' } },
    ]);
  });

  // Found in review, fixed: the kind's CRD is found by prefix, so kind Route reads `routegroups.gw.example.io` listed before `routes.gw.example.io`; it should match the kind's plural exactly (`routes.`, `policies.`).
  it('the kind’s own CRD, not one whose name begins alike', () => {
    const line = 'error: no matches for kind "Route" in version "gw.example.io/v2"';
    expect(
      crdVersionUnservedAnalyzer.reads(
        ctx('mesh', [opLog(line), crdList(['routegroups.gw.example.io', 'routes.gw.example.io'])]),
      ),
    ).toEqual([
      { tool: 'describe_resource', args: { kind: 'CustomResourceDefinition', name: 'routes.gw.example.io' } },
    ]);
  });

  // Found in review, fixed: an aggregated API group (metrics.k8s.io, served by metrics-server's APIService, never by a CRD) is not built in, so its "no matches" is blamed on uninstalled CRDs; *.k8s.io APIService groups should be excluded.
  it('metrics.k8s.io is an APIService, not a CRD', () => {
    const line =
      'E0407 14:05:53.000000       1 main.go:88] unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: no matches for metrics.k8s.io/v1beta1, Resource=';
    expect(
      crdVersionUnservedAnalyzer.finds(ctx('mesh', [opLog(line), crdList(['routes.gw.example.io'])])),
    ).toEqual([]);
  });

  // Found in review, fixed: when the controller asks for an older version (v1alpha1) than the CRDs serve (v1), the cause still says "The controller runs a release newer than its CRDs"; the direction should follow the versions (here the CRDs are newer).
  it('an older version asked for is not called a newer release', () => {
    const line =
      'E0407 14:05:53.000000 1 main.go:88] no matches for kind "Thing" in version "x.example.io/v1alpha1"';
    const f = crdVersionUnservedAnalyzer.finds(
      ctx('mesh', [
        opLog(line),
        crdList(['things.x.example.io']),
        crd('things.x.example.io', [['v1', true]]),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).not.toContain('newer than its CRDs');
  });

  it('a served version is not reported', () => {
    const line =
      'E0407 14:05:53.000000 1 main.go:88] no matches for kind "Thing" in version "x.example.io/v1"';
    expect(
      crdVersionUnservedAnalyzer.finds(
        ctx('mesh', [
          opLog(line),
          crdList(['things.x.example.io']),
          crd('things.x.example.io', [
            ['v1alpha1', false],
            ['v1', true],
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  it('bounded on thousands of CRDs and a hostile line', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `r${i}.x.example.io`);
    const bad = `error: no matches for ${'a.'.repeat(1900)}/v1`;
    const ok = `error: no matches for ${'ab'.repeat(1900)}/v1`;
    expectBounded(
      () => crdVersionUnservedAnalyzer.reads(ctx('mesh', [opLog(bad), crdList(names)])),
      () => crdVersionUnservedAnalyzer.reads(ctx('mesh', [opLog(ok), crdList(names)])),
    );
  });
});

// --- ebpf-nested-node ---------------------------------------------------------------------------------

const agentLog = log(
  'profiling',
  'parca-agent-5jh5b',
  ['level=error msg="failed to run" err="loading BPF programs: map .rodata: operation not permitted"'],
  { previous: true },
);
const agentPod = observed(
  'describe_pod',
  { namespace: 'profiling', name: 'parca-agent-5jh5b' },
  'Name:             parca-agent-5jh5b\nNode:             lab-worker\nControlled By:    DaemonSet/parca-agent\n',
);
const node = (extra: string[], pods: string[]) =>
  observed(
    'describe_node',
    { name: 'lab-worker' },
    [
      'Name:               lab-worker',
      ...extra,
      `Non-terminated Pods: (${pods.length} in total)`,
      '  Namespace     Name     CPU Requests',
      ...pods.map((p) => `  ${p}   100m`),
      'Allocated resources:',
    ].join('\n'),
  );
const ds = (lines: string[]) =>
  observed(
    'describe_resource',
    { kind: 'DaemonSet', name: 'parca-agent', namespace: 'profiling' },
    `Name: parca-agent\nSpec:\n${lines.map((l) => `  ${l}`).join('\n')}\n`,
  );

describe('ebpf-nested-node (review)', () => {
  // Found in review, fixed: a privileged init container satisfies the privileged check though the agent container is not privileged (then missing capabilities are the cause); only the failing container's securityContext should count.
  it('a privileged init container does not make the agent privileged', () => {
    const f = ebpfNestedNodeAnalyzer.finds(
      ctx('profiling', [
        agentLog,
        agentPod,
        node([], ['kube-system   kindnet-gd4l4']),
        ds([
          'template.spec.initContainers[0].securityContext.privileged: true',
          'template.spec.containers[0].securityContext.privileged: false',
        ]),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: a kind node is recognised only by kindnet, so a kind cluster with another CNI (ProviderID kind://…) is missed; the node's kind:// ProviderID should also mark it.
  it('a kind node with Calico, known by its ProviderID', () => {
    const f = ebpfNestedNodeAnalyzer.finds(
      ctx('profiling', [
        agentLog,
        agentPod,
        node(
          ['ProviderID:                   kind://docker/lab/lab-worker'],
          ['kube-system   calico-node-x7k2p'],
        ),
        ds(['template.spec.containers[0].securityContext.privileged: true']),
      ]),
    );
    expect(f).toHaveLength(1);
  });

  it('a privileged pod on a kind node: advice is real nodes, not more privileges', () => {
    const f = ebpfNestedNodeAnalyzer.finds(
      ctx('profiling', [
        agentLog,
        agentPod,
        node([], ['kube-system   kindnet-gd4l4']),
        ds(['template.spec.containers[0].securityContext.privileged: true']),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.advice).toContain('real nodes');
  });
});

// --- podOwnerObject -------------------------------------------------------------------------------------

describe('podOwnerObject (review)', () => {
  it.each([
    [
      'Controlled By:    ReplicaSet/web-frontend-5d8f7c9b6',
      'web-frontend-5d8f7c9b6-abcde',
      'deployment web-frontend',
    ],
    ['Controlled By:    StatefulSet/graph', 'graph-0', 'statefulset graph'],
    ['Controlled By:    Job/backup-29012345', 'backup-29012345-x7k2p', 'job backup-29012345'],
  ])('%s', (line, pod, object) => {
    expect(podOwnerObject(`Name: ${pod}\n${line}\n`, pod)).toBe(object);
  });

  // Found in review, fixed: a ReplicaSet with no pod-template hash (a bare ReplicaSet `cache-replica`) is called `deployment cache` because ownerDeployment strips any 5-10 character last part; it should be `replicaset cache-replica`.
  it('a bare ReplicaSet is not cut into a Deployment', () => {
    expect(
      podOwnerObject(
        'Name: cache-replica-x7k2p\nControlled By:    ReplicaSet/cache-replica\n',
        'cache-replica-x7k2p',
      ),
    ).toBe('replicaset cache-replica');
  });
});

// --- reading and baseline-model ----------------------------------------------------------------------------

describe('missingVariableSaid (review)', () => {
  it('a variable that is ignored is not missing', () => {
    expect(
      missingVariableSaid('WARN: environment variable LEGACY_MODE is ignored since 3.0'),
    ).toBeUndefined();
  });

  // Found in review, fixed: DEFAULTED's new "are ignored" dismisses a line that reports a required variable missing because another clause says other variables are ignored; the missing variable should still be read.
  it('a required variable missing, other variables ignored', () => {
    expect(
      missingVariableSaid(
        'FATAL: environment variable DATABASE_URL is required; DB_HOST and DB_PORT are ignored',
      ),
    ).toBeDefined();
  });
});

describe('forbidsRollback (review)', () => {
  it('the plan held until the cause is confirmed', () => {
    expect(forbidsRollback('We want to roll back to 1.4. Please verify the cause before we do that.')).toBe(
      true,
    );
  });

  // Found in review, fixed: "before we do it" after any mention of a rollback counts, so a report of a past automatic rollback followed by a question about doing the deploy again reads as a held rollback; the held thing should be the person's own plan to roll back.
  it('a past rollback and "before we do it again" about the deploy', () => {
    expect(
      forbidsRollback(
        'Argo did a rollback last night. Can you check what broke the deploy before we do it again?',
      ),
    ).toBe(false);
  });

  // Found in review, fixed: the hold is only read when the request comes before "before" ("confirm … before we do that"), so "Before we do that, can you confirm the cause?" after a plan to roll back is missed; either order should count.
  it('"Before we do that, can you confirm …" after the plan', () => {
    expect(
      forbidsRollback(
        'I think we should roll back to 2.18.1. Before we do that, can you confirm what is wrong?',
      ),
    ).toBe(true);
  });
});
