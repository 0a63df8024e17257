import { describe, expect, it } from 'vitest';
import { missingVariableSaid } from '../baseline/reading.js';
import { forbidsRollback } from '../baseline-model.js';
import { errorLines, warningLines } from './app-errors.js';
import { clusterDomainAnalyzer } from './cluster-domain.js';
import { crdVersionUnservedAnalyzer } from './crd-version-unserved.js';
import { ebpfNestedNodeAnalyzer } from './ebpf-nested-node.js';
import { glossOf } from './log-glosses.js';
import { nasSnapshotDirAnalyzer } from './nas-snapshot-dir.js';
import { netpolIngressPortAnalyzer } from './netpol-ingress-port.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { shortNameNamespaceAnalyzer } from './short-name-namespace.js';
import { tlsOffSecretsAnalyzer } from './tls-off-secrets.js';

// Rules written for misses of set 94 (Memgraph, ZITADEL, Typesense) before set 95 was read, and for set 95's
// misses after its first contact; each general, each with its table here. The worlds' answers are in
// held-out-answers.test.ts.

// --- nas-snapshot-dir -------------------------------------------------------------------------------

const dbPod = (mount = '/var/lib/memgraph', claim = 'graph-data') =>
  observed(
    'describe_pod',
    { namespace: 'graph', name: 'graph-0' },
    [
      'Name:             graph-0',
      'Namespace:        graph',
      'Status:           Running',
      'Controlled By:    StatefulSet/graph',
      'Containers:',
      '  db:',
      '    Mounts:',
      `      ${mount} from data (rw)`,
      'Volumes:',
      '  data:',
      '    Type:      PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
      `    ClaimName: ${claim}`,
      '    ReadOnly:  false',
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
    `Name:         ${name}\nProvisioner:  ${provisioner}\nParameters:  ${params}\nMountOptions:  nfsvers=4.1\n`,
  );
const snapshotLog = (lines: string[]) => log('graph', 'graph-0', lines, { previous: true });
const MEMGRAPH = [
  '[2026-05-20 15:38:41.226] [memgraph_log] [critical] ',
  'Assertion failed in file  at line 550.',
  "        Message: 'Memgraph storage directory incompatible with new version.",
  'Please use a clean directory or remove "/var/lib/memgraph/databases/memgraph/.snapshot" and try again.\'',
];

describe('nas-snapshot-dir: a NAS snapshot directory inside a data directory', () => {
  it('reads the pod, then its claim, then the claim’s StorageClass', () => {
    const seen = [snapshotLog(MEMGRAPH)];
    expect(nasSnapshotDirAnalyzer.reads(ctx('graph', seen))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'graph', name: 'graph-0' } },
    ]);
    seen.push(dbPod());
    expect(nasSnapshotDirAnalyzer.reads(ctx('graph', seen))[0]!.args['kind']).toBe('PersistentVolumeClaim');
    seen.push(claimRead('ontap-nas'));
    expect(nasSnapshotDirAnalyzer.reads(ctx('graph', seen))).toEqual([
      { tool: 'describe_resource', args: { kind: 'StorageClass', name: 'ontap-nas' } },
    ]);
  });

  it('names NetApp ONTAP, the claim and the message with the line before it', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapshotLog(MEMGRAPH),
        dbPod(),
        claimRead('ontap-nas'),
        classRead('ontap-nas', 'csi.trident.netapp.io', 'backendType=ontap-nas,fsType=nfs'),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.object).toBe('statefulset graph');
    expect(f[0]!.cause).toContain("NetApp ONTAP's snapshot directory .snapshot");
    expect(f[0]!.cause).toContain(
      'claim graph-data, StorageClass ontap-nas, provisioner csi.trident.netapp.io',
    );
    expect(f[0]!.cause).toContain(
      'storage directory incompatible with new version. Please use a clean directory',
    );
    expect(f[0]!.advice).toContain('-snapdir-access false');
  });

  it('a generic NFS class is named as NFS, not NetApp', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapshotLog(MEMGRAPH),
        dbPod(),
        claimRead('nfs-client'),
        classRead('nfs-client', 'nfs.csi.k8s.io', 'server=nas1'),
      ]),
    );
    expect(f[0]!.cause).toContain('an NFS export shows inside it');
    expect(f[0]!.cause).not.toContain('NetApp');
  });

  it.each([
    [
      'a backup tool listing the directory',
      ['2026-05-20 info: walking /var/lib/memgraph/.snapshot/hourly.0'],
    ],
    ['a path outside every mount', ['ERROR: cannot remove "/opt/other/.snapshot"']],
    [
      'a longer name (.snapshots, the program’s own)',
      ['ERROR: cannot open "/var/lib/memgraph/.snapshots/x"'],
    ],
    ['.snapshot_old', ['ERROR: cannot open "/var/lib/memgraph/.snapshot_old"']],
  ])('not for %s', (_, lines) => {
    expect(
      nasSnapshotDirAnalyzer.finds(
        ctx('graph', [
          snapshotLog(lines),
          dbPod(),
          claimRead('ontap-nas'),
          classRead('ontap-nas', 'csi.trident.netapp.io', 'x=y'),
        ]),
      ),
    ).toEqual([]);
  });

  it('a ZFS share’s .zfs directory', () => {
    const f = nasSnapshotDirAnalyzer.finds(
      ctx('graph', [
        snapshotLog(['initdb: error: directory "/var/lib/memgraph/.zfs" exists but is not empty']),
        dbPod(),
        claimRead('zfs-nfs'),
        classRead('zfs-nfs', 'nfs.csi.k8s.io', 'server=truenas'),
      ]),
    );
    expect(f[0]!.cause).toContain('.zfs');
    expect(f[0]!.advice).toContain('snapdir=hidden');
  });

  it('bounded on a long line of slashes', () => {
    const bad = `ERROR ${'/a'.repeat(1990)}/.snapshot`;
    const ok = `ERROR ${'ab'.repeat(1990)}/.snapshot`;
    expectBounded(
      () => nasSnapshotDirAnalyzer.finds(ctx('graph', [snapshotLog([bad, bad, bad]), dbPod()])),
      () => nasSnapshotDirAnalyzer.finds(ctx('graph', [snapshotLog([ok, ok, ok]), dbPod()])),
    );
  });
});

describe("log glosses: Elasticsearch's vm.max_map_count check, not Memgraph's warning", () => {
  it.each([
    ['max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]', true],
    [
      '[memgraph_log] [warning] Max virtual memory areas vm.max_map_count 65530 is too low, increase to at least 262144',
      false,
    ],
  ])('%s', (line, glossed) => {
    expect(glossOf(line)?.means.includes('bootstrap check') === true).toBe(glossed);
  });
});

describe('forbidsRollback: a rollback the person holds until the cause is confirmed', () => {
  it.each([
    [
      'I suspect the upgrade and we should roll back to 2.18.1. Can you confirm what is actually wrong before we do that?',
      true,
    ],
    ['Please check the logs before rolling back.', true],
    ['Could you verify the cause before we roll back the release?', true],
    // The plan comes after the request: "before we do that" is about something else.
    ['Can you confirm the cause before we do that migration? Roll back if the release broke it.', false],
    ['Check the logs and roll back if you must.', false],
    ['It crashed before the rollback finished.', false],
  ])('%s', (task, forbids) => {
    expect(forbidsRollback(task)).toBe(forbids);
  });
});

// --- tls-off-secrets --------------------------------------------------------------------------------

const waitingPod = (secret: string) =>
  observed(
    'describe_pod',
    { namespace: 'iam', name: 'zitadel-6b9f8c7d5-x2abc' },
    [
      'Name:             zitadel-6b9f8c7d5-x2abc',
      'Namespace:        iam',
      'Status:           Pending',
      'Controlled By:    ReplicaSet/zitadel-6b9f8c7d5',
      'Events:',
      `  Warning   FailedMount   2m (x13 over 25m)   kubelet   MountVolume.SetUp failed for volume "ca" : secret "${secret}" not found`,
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
const server = (command: string) =>
  observed(
    'describe_pod',
    { namespace: 'iam', name: 'crdb-0' },
    [
      'Name:             crdb-0',
      'Namespace:        iam',
      'Containers:',
      '  db:',
      `    Command:        ${command}`,
    ].join('\n'),
  );

describe('tls-off-secrets: certificate Secrets a server without TLS never makes', () => {
  it('reads the server’s pod named by the Secret', () => {
    expect(
      tlsOffSecretsAnalyzer.reads(
        ctx('iam', [waitingPod('crdb-ca-secret'), listed(['crdb-0', 'zitadel-6b9f8c7d5-x2abc'])]),
      ),
    ).toEqual([{ tool: 'describe_pod', args: { namespace: 'iam', name: 'crdb-0' } }]);
  });

  it.each([
    ['CockroachDB --insecure', '/cockroach/cockroach start --join=a,b --insecure --http-port=8080', true],
    ['--tls=false', '/bin/server --tls=false --port 5432', true],
    ['TLS on', '/cockroach/cockroach start --certs-dir=/cockroach/certs', false],
    ['a flag that only starts alike', '/bin/server --insecure-skip-verify', false],
  ])('%s', (_, command, fires) => {
    const f = tlsOffSecretsAnalyzer.finds(
      ctx('iam', [
        waitingPod('crdb-ca-secret'),
        listed(['crdb-0', 'zitadel-6b9f8c7d5-x2abc']),
        server(command),
      ]),
    );
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.object).toBe('deployment zitadel');
      expect(f[0]!.cause).toContain('the Secret crdb-ca-secret does not exist because crdb runs without TLS');
    }
  });

  it('a Secret not named for certificates is not this', () => {
    expect(
      tlsOffSecretsAnalyzer.reads(ctx('iam', [waitingPod('crdb-password'), listed(['crdb-0'])])),
    ).toEqual([]);
  });

  it('no pod named for the Secret’s prefix: nothing to read', () => {
    expect(tlsOffSecretsAnalyzer.reads(ctx('iam', [waitingPod('vault-tls'), listed(['crdb-0'])]))).toEqual(
      [],
    );
  });
});

// --- cluster-domain and glog --------------------------------------------------------------------------

describe('glog headers with the year are error and warning lines', () => {
  it.each([
    ['E20260210 08:29:55.120410   104 raft_server.cpp:181] Unable to resolve host: a', 'error'],
    ['W20260210 08:29:45.118051   104 raft_server.cpp:574] Node is not ready', 'warning'],
    ['I20260210 08:29:45.118002   104 raft_server.cpp:565] Term: 6', 'none'],
    ['E1127 12:59:40.205114       1 reflector.go:138] failed', 'error'],
  ])('%s', (line, level) => {
    const got = errorLines(line).length ? 'error' : warningLines(line).length ? 'warning' : 'none';
    expect(got).toBe(level);
  });
});

describe('cluster-domain reads CoreDNS right after the failing pods (first)', () => {
  it('asks for the Corefile once a glog line fails to resolve a full Service name', () => {
    const seen = [
      log('search', 'typesense-0', [
        'E20260210 08:29:55.120410   104 raft_server.cpp:181] Unable to resolve host: typesense-0.ts.search.svc.cluster.local',
      ]),
    ];
    expect(clusterDomainAnalyzer.first).toBe(true);
    expect(clusterDomainAnalyzer.reads(ctx('search', seen))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'coredns', namespace: 'kube-system' } },
    ]);
  });
});

describe("short-name-namespace: NATS's 'lookup for host' does not name a host 'for'", () => {
  it('reads nothing for the word "for"', () => {
    const seen = [
      log('messaging', 'nats-0', [
        '[1] 2026/11/09 12:50:00.000000 [ERR] Error trying to connect to route (attempt 1): lookup for host "nats-1.nats.messaging.svc.cluster.local": lookup nats-1.nats.messaging.svc.cluster.local on 10.96.0.10:53: no such host',
      ]),
    ];
    const reads = shortNameNamespaceAnalyzer.reads(ctx('messaging', seen));
    expect(reads.some((r) => r.args['name'] === 'for')).toBe(false);
  });
});

describe('missingVariableSaid: configuration from variables that will not be applied is not a missing variable', () => {
  it.each([
    [
      "mariadb 11:29:02.69 WARN  ==> The mariadb configuration file '/opt/bitnami/mariadb/conf/my.cnf' is not writable. Configurations based on environment variables will not be applied for this file.",
      false,
    ],
    ['Environment variables are ignored when a config file is given', false],
    ['ERROR: environment variable DATABASE_URL must be set', true],
  ])('%s', (line, missing) => {
    expect(missingVariableSaid(line) !== undefined).toBe(missing);
  });
});

// --- netpol-ingress-port ------------------------------------------------------------------------------

const NS = 'runbooks';
const runner = log(
  NS,
  'st2actionrunner-7d-abcde',
  [
    '2026-03-24 11:02:41,190 INFO [-] Using coordination driver: redis',
    '2026-03-24 11:03:10,412 ERROR [-] (PID=1) Worker quit due to exception.',
    'tooz.coordination.ToozConnectionError: Timeout connecting to server',
  ],
  { previous: true },
);
const services = observed(
  'list_services',
  { namespace: NS },
  table([
    ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
    [
      'st2-mongodb',
      'ClusterIP',
      '10.96.0.2',
      '27017/TCP',
      'app.kubernetes.io/name=mongodb',
      '10.244.0.22:27017',
      '96d',
    ],
    [
      'st2-redis',
      'ClusterIP',
      '10.96.0.3',
      '6379/TCP',
      'app.kubernetes.io/name=redis',
      '10.244.0.23:6379',
      '96d',
    ],
  ]),
);
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
const allowPorts = (
  ports: string[],
  selector = 'podSelector.matchLabels.app.kubernetes.io/part-of: stackstorm',
) =>
  policy('allow', [
    selector,
    'policyTypes[0]: Ingress',
    'ingress[0].from[0].podSelector.matchLabels.app.kubernetes.io/part-of: stackstorm',
    ...ports.map((p, i) => `ingress[0].ports[${i}].port: ${p}`),
  ]);
const redisService = (target = '6379/TCP') =>
  observed(
    'describe_service',
    { namespace: NS, name: 'st2-redis' },
    `Name: st2-redis\nPort:              redis  6379/TCP\nTargetPort:        ${target}\n`,
  );

describe('netpol-ingress-port: an allowlist of ports that leaves a dependency’s out', () => {
  it('reads the policies, then the Services, then the policies’ descriptions and the Service the log names', () => {
    const seen = [runner];
    expect(netpolIngressPortAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: NS } },
    ]);
    seen.push(policyList(['allow', 'deny']));
    expect(netpolIngressPortAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
    ]);
    seen.push(services);
    expect(netpolIngressPortAnalyzer.reads(ctx(NS, seen))[0]!.tool).toBe('describe_resource');
    seen.push(allowPorts(['27017', '5672']), denyAll);
    expect(netpolIngressPortAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'describe_service', args: { namespace: NS, name: 'st2-redis' } },
    ]);
  });

  it('no policy in the namespace: nothing more to read', () => {
    expect(netpolIngressPortAnalyzer.reads(ctx(NS, [runner, policyList([])]))).toEqual([]);
  });

  it('names the port left out and the ports let in', () => {
    const f = netpolIngressPortAnalyzer.finds(
      ctx(NS, [
        runner,
        services,
        policyList(['allow', 'deny']),
        allowPorts(['27017', '5672']),
        denyAll,
        redisService(),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('admit only ports 27017, 5672: port 6379');
    expect(f[0]!.advice).toContain('add TCP 6379 to the ingress rule of allow');
  });

  it.each([
    ['the port is allowed', [allowPorts(['27017', '6379']), denyAll], '6379/TCP'],
    ['a named port in a rule (it may be the one)', [allowPorts(['27017', 'redis']), denyAll], '6379/TCP'],
    [
      'no policy selects the server',
      [allowPorts(['27017'], 'podSelector.matchLabels.app.kubernetes.io/name: st2web')],
      '6379/TCP',
    ],
    ['the Service targets a named port', [allowPorts(['27017']), denyAll], 'redis/TCP'],
  ])('nothing when %s', (_, policies, target) => {
    const names = policies.map((p) => String(p.args['name']));
    expect(
      netpolIngressPortAnalyzer.finds(
        ctx(NS, [runner, services, policyList(names), ...policies, redisService(target)]),
      ),
    ).toEqual([]);
  });

  it('a Service the log does not name is not blamed', () => {
    const other = log(NS, 'st2actionrunner-7d-abcde', ['ERROR: Timeout connecting to server'], {
      previous: true,
    });
    expect(
      netpolIngressPortAnalyzer.finds(
        ctx(NS, [
          other,
          services,
          policyList(['allow', 'deny']),
          allowPorts(['27017']),
          denyAll,
          redisService(),
        ]),
      ),
    ).toEqual([]);
  });
});

// --- crd-version-unserved -----------------------------------------------------------------------------

const operatorLog = (line: string) => log('mesh', 'netbird-operator-7f-abcde', [line], { previous: true });
const NETBIRD_LINE =
  '2026-04-07T14:05:53Z\tERROR\tsetup\tFailed to create controller\t{"controller": "NetworkResource", "error": "unable to retrieve the complete list of server APIs: netbird.io/v1alpha1: no matches for netbird.io/v1alpha1, Resource="}';
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
      'Labels:       app.kubernetes.io/managed-by=Helm,helm.sh/chart=kubernetes-operator-0.2.3',
      'Spec:',
      ...versions.flatMap(([v, served], i) => [
        `  versions[${i}].name: ${v}`,
        `  versions[${i}].served: ${served}`,
      ]),
    ].join('\n'),
  );

describe('crd-version-unserved: a controller newer than its CRDs', () => {
  it('reads the CRDs, then one of the group', () => {
    const seen = [operatorLog(NETBIRD_LINE)];
    expect(crdVersionUnservedAnalyzer.reads(ctx('mesh', seen))).toEqual([
      { tool: 'list_resources', args: { kind: 'CustomResourceDefinition' } },
    ]);
    seen.push(crdList(['certificates.cert-manager.io', 'nbresources.netbird.io']));
    expect(crdVersionUnservedAnalyzer.reads(ctx('mesh', seen))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'CustomResourceDefinition', name: 'nbresources.netbird.io' },
      },
    ]);
  });

  it.each([
    ['only v1 served', [['v1', true]] as [string, boolean][], 'serve only v1'],
    [
      'v1alpha1 defined but not served',
      [
        ['v1alpha1', false],
        ['v1', true],
      ] as [string, boolean][],
      'serve only v1',
    ],
    ['v1alpha1 served', [['v1alpha1', true]] as [string, boolean][], undefined],
  ])('%s', (_, versions, says) => {
    const f = crdVersionUnservedAnalyzer.finds(
      ctx('mesh', [
        operatorLog(NETBIRD_LINE),
        crdList(['nbresources.netbird.io']),
        crd('nbresources.netbird.io', versions),
      ]),
    );
    expect(f.length).toBe(says ? 1 : 0);
    if (says) {
      expect(f[0]!.cause).toContain(says);
      expect(f[0]!.cause).toContain('installed by chart kubernetes-operator-0.2.3');
    }
  });

  it('the REST mapper’s wording names the kind, whose CRD is read', () => {
    const line = 'error: no matches for kind "NBSetupKey" in version "netbird.io/v1alpha1"';
    expect(
      crdVersionUnservedAnalyzer.reads(
        ctx('mesh', [operatorLog(line), crdList(['nbresources.netbird.io', 'nbsetupkeys.netbird.io'])]),
      ),
    ).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'CustomResourceDefinition', name: 'nbsetupkeys.netbird.io' },
      },
    ]);
  });

  it('no CRD of the group at all', () => {
    const f = crdVersionUnservedAnalyzer.finds(
      ctx('mesh', [operatorLog(NETBIRD_LINE), crdList(['certificates.cert-manager.io'])]),
    );
    expect(f[0]!.cause).toContain('no CustomResourceDefinition of the group netbird.io is installed');
  });

  it('a built-in group removed by a Kubernetes upgrade is not this', () => {
    const line = 'error: no matches for kind "Ingress" in version "networking.k8s.io/v1beta1"';
    expect(crdVersionUnservedAnalyzer.reads(ctx('mesh', [operatorLog(line)]))).toEqual([]);
  });
});

// --- ebpf-nested-node ---------------------------------------------------------------------------------

const agentLog = log(
  'profiling',
  'parca-agent-5jh5b',
  [
    'level=error name=parca-agent ts=2026-02-10T15:37:36.061Z caller=main.go:188 msg="failed to run" err="failed to start profiler: failed to load eBPF tracer: loading BPF programs: map .rodata: operation not permitted"',
  ],
  { previous: true },
);
const agentPod = observed(
  'describe_pod',
  { namespace: 'profiling', name: 'parca-agent-5jh5b' },
  'Name:             parca-agent-5jh5b\nNode:             lab-worker\nControlled By:    DaemonSet/parca-agent\n',
);
const nodeWith = (pods: string[]) =>
  observed(
    'describe_node',
    { name: 'lab-worker' },
    [
      'Name:               lab-worker',
      `Non-terminated Pods: (${pods.length} in total)`,
      '  Namespace     Name     CPU Requests',
      ...pods.map((p) => `  ${p}   100m`),
      'Allocated resources:',
    ].join('\n'),
  );
const daemonSet = (privileged: boolean) =>
  observed(
    'describe_resource',
    { kind: 'DaemonSet', name: 'parca-agent', namespace: 'profiling' },
    `Name: parca-agent\nSpec:\n  template.spec.containers[0].securityContext.privileged: ${privileged}\n`,
  );

describe('ebpf-nested-node: eBPF refused to a privileged pod on kind nodes', () => {
  it('reads the node, then the owner', () => {
    expect(ebpfNestedNodeAnalyzer.reads(ctx('profiling', [agentLog, agentPod]))).toEqual([
      { tool: 'describe_node', args: { name: 'lab-worker' } },
    ]);
    expect(
      ebpfNestedNodeAnalyzer.reads(
        ctx('profiling', [agentLog, agentPod, nodeWith(['kube-system   kindnet-gd4l4'])]),
      ),
    ).toEqual([
      { tool: 'describe_resource', args: { kind: 'DaemonSet', name: 'parca-agent', namespace: 'profiling' } },
    ]);
  });

  it.each([
    ['kind node, privileged', ['kube-system   kindnet-gd4l4'], true, true],
    ['kind node, not privileged (capabilities are missing)', ['kube-system   kindnet-gd4l4'], false, false],
    ['a real node (no kindnet)', ['kube-system   calico-node-x7k2p'], true, false],
  ])('%s', (_, pods, privileged, fires) => {
    const f = ebpfNestedNodeAnalyzer.finds(
      ctx('profiling', [agentLog, agentPod, nodeWith(pods), daemonSet(privileged)]),
    );
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.object).toBe('daemonset parca-agent');
      expect(f[0]!.cause).toContain('kind node');
      expect(f[0]!.cause).toContain('user namespace');
    }
  });

  it('an EPERM that is not about BPF is not this', () => {
    const other = log(
      'profiling',
      'parca-agent-5jh5b',
      ['level=error msg="open /data/x: operation not permitted"'],
      { previous: true },
    );
    expect(ebpfNestedNodeAnalyzer.reads(ctx('profiling', [other, agentPod]))).toEqual([]);
  });
});
