// Table tests of the general rules written after held-out set 77's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { recoveredRetries } from './app-errors.js';
import { clusterDomainAnalyzer } from './cluster-domain.js';
import { extensionNameAnalyzer } from './extension-name.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { nodeFirewallAnalyzer } from './node-firewall.js';
import { ctx, describedPodText, log, observed, table } from './observed.fixture.js';
import { operatorReconcileErrorAnalyzer } from './operator-reconcile-error.js';
import { ownModuleMissingAnalyzer } from './own-module-missing.js';
import { probeCause } from './probes.js';
import { syscallNotInKernelAnalyzer } from './syscall-not-in-kernel.js';

/** `list_pods` with the wide columns the node rules read (IP, NODE). */
const widePods = (ns: string, rows: string[][]) =>
  observed(
    'list_pods',
    { namespace: ns },
    table([['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'], ...rows]),
  );

describe('syscall-not-in-kernel: a call the node kernel is too old to have', () => {
  const NS = 'vms';
  const list = widePods(NS, [
    ['launcher-a-k7f2q', '0/1', 'Error', '0', '19m', '10.244.0.15', 'old-1'],
    ['launcher-c-w2c8n', '1/1', 'Running', '0', '6d', '10.244.0.17', 'new-1'],
  ]);
  const failing = log(NS, 'launcher-a-k7f2q', [
    'starting the daemon',
    '{"level":"error","msg":"failed to start daemon","reason":"daemon exited: error: renameat2 /var/run/d.pid.new: Function not implemented"}',
  ]);
  const node = (name: string, kernel: string, form: 'label' | 'info') =>
    observed(
      'describe_node',
      { name },
      form === 'label'
        ? `Name: ${name}\nLabels:  feature.node.kubernetes.io/kernel-version.full=${kernel}\nSystem Info:\n  OS Image:  Linux`
        : `Name: ${name}\nSystem Info:\n  Kernel Version:             ${kernel}\n  OS Image:  Linux`,
    );

  it('reads the failing pod node and a ready pod node elsewhere', () => {
    expect(syscallNotInKernelAnalyzer.reads(ctx(NS, [list, failing]))).toEqual([
      { tool: 'describe_node', args: { name: 'old-1' } },
      { tool: 'describe_node', args: { name: 'new-1' } },
    ]);
  });

  it.each([['label' as const], ['info' as const]])(
    'names the old kernel and the release that added the call (%s)',
    (form) => {
      const [f] = syscallNotInKernelAnalyzer.finds(
        ctx(NS, [
          list,
          failing,
          node('old-1', '3.10.0-1160.el7.x86_64', form),
          node('new-1', '5.14.0-362.el9.x86_64', form),
        ]),
      );
      expect(f?.cause).toContain('renameat2 system call, which Linux added in 3.15');
      expect(f?.cause).toContain('kernel 3.10.0-1160.el7.x86_64, older than 3.15');
      expect(f?.cause).toContain(
        'launcher-c-w2c8n runs fine on new-1, whose kernel is 5.14.0-362.el9.x86_64',
      );
      expect(f?.cause).toContain('"…renameat2 /var/run/d.pid.new: Function not implemented"');
    },
  );

  it('says nothing when the kernel has the call (ENOSYS then comes from elsewhere, a seccomp profile)', () => {
    expect(
      syscallNotInKernelAnalyzer.finds(ctx(NS, [list, failing, node('old-1', '5.4.0-150-generic', 'info')])),
    ).toEqual([]);
  });

  it('an unnamed call counts only against a newer kernel where the same work runs', () => {
    const unnamed = log(NS, 'launcher-a-k7f2q', ['open_tree: Function not implemented']);
    expect(
      syscallNotInKernelAnalyzer.finds(ctx(NS, [list, unnamed, node('old-1', '4.18.0', 'info')])),
    ).toEqual([]);
    const [f] = syscallNotInKernelAnalyzer.finds(
      ctx(NS, [list, unnamed, node('old-1', '4.18.0', 'info'), node('new-1', '6.1.0', 'info')]),
    );
    expect(f?.cause).toContain('a system call the node kernel does not implement');
  });
});

describe('cluster-domain: a Service dialled under a domain the cluster does not have', () => {
  const NS = 'kube-system';
  const relay = log(NS, 'relay-cxssxrlqs5-ttq5n', [
    'level=info msg="Starting server"',
    'level=warning msg="Failed to create peer client" error="context deadline exceeded" target="peer.kube-system.svc.cluster.local:443"',
  ]);
  const corefile = (zone: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'coredns', namespace: 'kube-system' },
      `Data\n====\nCorefile:\n----\n.:53 {\n    errors\n    kubernetes ${zone} in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    forward . /etc/resolv.conf\n}`,
    );
  const kubelet = (domain: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'kubelet-config', namespace: 'kube-system' },
      `Data\n====\nkubelet:\n----\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDomain: ${domain}\n`,
    );

  it('reads CoreDNS first, then the kubelet configuration when the zones differ', () => {
    expect(clusterDomainAnalyzer.reads(ctx(NS, [relay]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'coredns', namespace: 'kube-system' } },
    ]);
    expect(clusterDomainAnalyzer.reads(ctx(NS, [relay, corefile('corp.internal')]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', name: 'kubelet-config', namespace: 'kube-system' },
      },
    ]);
    expect(clusterDomainAnalyzer.reads(ctx(NS, [relay, corefile('cluster.local')]))).toEqual([]);
  });

  it('names both domains and the name that resolves when CoreDNS and the kubelet agree', () => {
    const [f] = clusterDomainAnalyzer.finds(
      ctx(NS, [relay, corefile('corp.internal'), kubelet('corp.internal')]),
    );
    expect(f?.cause).toContain('a name under the DNS domain cluster.local');
    expect(f?.cause).toContain("this cluster's DNS domain is corp.internal");
    expect(f?.advice).toContain('peer.kube-system.svc.corp.internal');
  });

  it.each([
    ['the zones agree', [corefile('cluster.local')]],
    [
      'the kubelet says otherwise (a typo in the Corefile: dns-forward)',
      [corefile('corp.internal'), kubelet('cluster.local')],
    ],
  ])('says nothing when %s', (_, extra) => {
    expect(clusterDomainAnalyzer.finds(ctx(NS, [relay, ...extra]))).toEqual([]);
  });

  it('leaves a dial that got an answer (refused, reset): the name resolved', () => {
    const refused = log(NS, 'relay-cxssxrlqs5-ttq5n', [
      'ERROR dial tcp: connect to peer.kube-system.svc.cluster.local:443: connection refused',
    ]);
    expect(clusterDomainAnalyzer.reads(ctx(NS, [refused]))).toEqual([]);
    expect(
      clusterDomainAnalyzer.finds(ctx(NS, [refused, corefile('corp.internal'), kubelet('corp.internal')])),
    ).toEqual([]);
  });
});

describe('extension-name: a PostgreSQL extension asked for by another name', () => {
  const NS = 'search';
  const POD = 'indexer-96x6gqghvd-68pvb';
  const crash = (name: string) =>
    log(NS, POD, [
      `migrations: CREATE EXTENSION IF NOT EXISTS ${name}`,
      `psycopg.errors.FeatureNotSupported: extension "${name}" is not available`,
      `DETAIL:  Could not open extension control file "/usr/share/postgresql/16/extension/${name}.control": No such file or directory.`,
    ]);
  const described = (value: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'indexer', env: { DB_EXTENSIONS: value } }).replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/indexer-96x6gqghvd',
      ),
    );

  it.each([
    ['pgvector', 'pg_trgm,pgvector', 'pg_trgm,vector'],
    ['pgvector', 'pgvector, pg_trgm', 'vector, pg_trgm'],
    ['uuid_ossp', 'uuid_ossp', 'uuid-ossp'],
  ])('%s in %s becomes %s', (name, value, fixed) => {
    const [f] = extensionNameAnalyzer.finds(ctx(NS, [crash(name), described(value)]));
    expect(f?.cause).toContain(`that extension is named ${fixed.includes('uuid') ? 'uuid-ossp' : 'vector'}`);
    expect(f?.advice).toContain(`set DB_EXTENSIONS to ${fixed}`);
  });

  it('says nothing for an extension whose name is its own', () => {
    expect(extensionNameAnalyzer.finds(ctx(NS, [crash('postgis'), described('postgis')]))).toEqual([]);
  });

  it('without a variable that lists it, advises the name and proposes no change', () => {
    const [f] = extensionNameAnalyzer.finds(ctx(NS, [crash('pgvector'), described('pg_trgm')]));
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).toContain('CREATE EXTENSION vector');
  });
});

describe('node-firewall: dials between nodes dropped outside Kubernetes', () => {
  const NS = 'net';
  const list = widePods(NS, [
    ['agent-b2mwl', '0/1', 'Running', '0', '2h', '10.0.0.20', 'worker-1'],
    ['agent-4kq8d', '1/1', 'Running', '0', '2h', '10.0.0.18', 'infra-1'],
    ['hub-mb5bwwlsk-9hqdv', '1/1', 'Running', '0', '2h', '10.244.0.12', 'infra-1'],
  ]);
  const timedOut = log(NS, 'agent-b2mwl', [
    'Connecting to hub endpoint 10.244.0.12:5473',
    'WARNING Failed to connect to hub endpoint 10.244.0.12:5473. error=dial tcp 10.244.0.12:5473: i/o timeout',
  ]);
  const noPolicies = observed(
    'list_resources',
    { kind: 'NetworkPolicy', namespace: NS },
    'No resources found in net namespace.',
  );
  const maps = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: NS },
    table([
      ['NAME', 'DATA', 'AGE'],
      ['kube-root-ca.crt', '1', '90d'],
      ['node-firewall-rules', '2', '90d'],
    ]),
  );
  const rules = (extra: string) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'node-firewall-rules', namespace: NS },
      `apiVersion: v1\nkind: ConfigMap\ndata:\n  ingress-between-nodes: |\n    tcp 179    BGP\n    udp 4789   VXLAN\n    tcp 10250  kubelet\n    tcp 30000-32767 node ports\n${extra}`,
    );

  it('reads the policies, the ConfigMaps, then the rules', () => {
    expect(nodeFirewallAnalyzer.reads(ctx(NS, [list, timedOut]))).toEqual([
      { tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: NS } },
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: NS } },
    ]);
    expect(nodeFirewallAnalyzer.reads(ctx(NS, [list, timedOut, noPolicies, maps]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'node-firewall-rules', namespace: NS } },
    ]);
  });

  it('names the port, the nodes and the rules that leave it out', () => {
    const [f] = nodeFirewallAnalyzer.finds(ctx(NS, [list, timedOut, noPolicies, maps, rules('')]));
    expect(f?.cause).toContain('on TCP port 5473 is dropped outside Kubernetes');
    expect(f?.cause).toContain('agent-b2mwl on worker-1 times out dialling 10.244.0.12:5473');
    expect(f?.cause).toContain('179, 10250, 30000-32767; 5473 is not among them');
  });

  it.each([
    ['the rules allow the port', [noPolicies, maps, rules('    tcp 5473   hub\n')]],
    ['the port is in an allowed range', [noPolicies, maps, rules('    tcp 5000-6000 app\n')]],
    [
      'a NetworkPolicy exists (the policy rules decide)',
      [
        observed(
          'list_resources',
          { kind: 'NetworkPolicy', namespace: NS },
          table([
            ['NAME', 'POD-SELECTOR', 'AGE'],
            ['deny-all', '<none>', '1d'],
          ]),
        ),
      ],
    ],
    ['the policies were not read', []],
  ])('says nothing when %s', (_, extra) => {
    expect(nodeFirewallAnalyzer.finds(ctx(NS, [list, timedOut, ...extra]))).toEqual([]);
  });

  it('says nothing for a dial to a pod on the same node', () => {
    const sameNode = widePods(NS, [
      ['agent-b2mwl', '0/1', 'Running', '0', '2h', '10.0.0.20', 'infra-1'],
      ['hub-mb5bwwlsk-9hqdv', '1/1', 'Running', '0', '2h', '10.244.0.12', 'infra-1'],
    ]);
    expect(nodeFirewallAnalyzer.finds(ctx(NS, [sameNode, timedOut, noPolicies]))).toEqual([]);
  });
});

describe('operator-reconcile-error: the operator cannot make what an object needs', () => {
  const NS = 'datalake';
  const OP = 'minio-operator';
  const task = 'The tenant in namespace datalake is stuck provisioning. The operator runs in minio-operator.';
  const opPods = observed(
    'list_pods',
    { namespace: OP },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['minio-operator-6f776kn5m5-xl9pm', '1/1', 'Running', '0', '9d'],
    ]),
  );
  const line = (key: string) =>
    `E0528 14:59:13.518204       1 main-controller.go:325] error syncing '${key}': console user creation failed: the user cannot have the same name as the access key`;

  it('reads the operator namespace pods, then the first one log', () => {
    expect(operatorReconcileErrorAnalyzer.reads(ctx(NS, [], task))).toEqual([
      { tool: 'list_pods', args: { namespace: OP } },
    ]);
    expect(operatorReconcileErrorAnalyzer.reads(ctx(NS, [opPods], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: OP, name: 'minio-operator-6f776kn5m5-xl9pm' } },
    ]);
  });

  it('quotes what the operator could not do for the object here', () => {
    const seen = [
      opPods,
      log(OP, 'minio-operator-6f776kn5m5-xl9pm', [line('datalake/lake'), line('datalake/lake')]),
    ];
    const [f] = operatorReconcileErrorAnalyzer.finds(ctx(NS, seen, task));
    expect(f?.cause).toContain('keeps failing to reconcile datalake/lake (2 times in its log)');
    expect(f?.cause).toContain(
      'console user creation failed: the user cannot have the same name as the access key',
    );
  });

  it.each([
    ['an object of another namespace', [line('other/lake')]],
    [
      'a line that is not an error',
      ["I0528 12:01:12.774410       1 main-controller.go:320] Successfully synced 'datalake/lake'"],
    ],
  ])('says nothing for %s', (_, lines) => {
    expect(
      operatorReconcileErrorAnalyzer.finds(
        ctx(NS, [opPods, log(OP, 'minio-operator-6f776kn5m5-xl9pm', lines)], task),
      ),
    ).toEqual([]);
  });

  it('needs an operator namespace the task names as a place ("runs in", "namespace")', () => {
    expect(operatorReconcileErrorAnalyzer.reads(ctx(NS, [], 'The tenant is stuck.'))).toEqual([]);
    // A product named like an operator is not a place, and the operator's own namespace is not another one.
    expect(
      operatorReconcileErrorAnalyzer.reads(
        ctx('operators', [], 'We bumped pg-operator to 1.8.0 (ns operators).'),
      ),
    ).toEqual([]);
  });
});

describe('own-module-missing: a module the stated release of its package lacks', () => {
  const NS = 'ml';
  const POD = 'deploy-scorer-q7x2m4sfwe-7j5qf';
  const crash = (banner: string) =>
    log(NS, POD, [
      banner,
      '  File "/opt/deploy/utils.py", line 6, in <module>',
      '    from bentoml.saved_bundle import load_bento_service_metadata',
      "ModuleNotFoundError: No module named 'bentoml.saved_bundle'",
    ]);

  it('reads a first release of a major version as code from before it', () => {
    const [f] = ownModuleMissingAnalyzer.finds(
      ctx(NS, [crash('deployer 2024.05.2 (python 3.10.14, bentoml 1.0.0a3)')]),
    );
    expect(f?.cause).toContain('the installed bentoml 1.0.0a3, a pre-release');
    expect(f?.cause).toContain('written for bentoml before 1.0 (pre-1.0)');
    expect(f?.advice).toContain('pin bentoml to the last release before 1.0');
  });

  it('says only "another release" for a release within a major version', () => {
    const [f] = ownModuleMissingAnalyzer.finds(ctx(NS, [crash('bentoml==1.2.4')]));
    expect(f?.cause).toContain('written for another release of bentoml');
    expect(f?.cause).not.toContain('pre-1');
  });

  it('says nothing when the log states another package version only', () => {
    expect(ownModuleMissingAnalyzer.finds(ctx(NS, [crash('python 3.10.14, numpy 1.26.4')]))).toEqual([]);
  });
});

describe("misconceptions: a benchmark's WARN results that are its manual checks", () => {
  const NS = 'audit';
  const task =
    'The dashboard shows 21 WARN results from the kube-bench run; are we failing the CIS benchmark?';
  const report = (lines: string[]) => log(NS, 'bench-28806120-7jw9h', lines);
  const manual = [
    '[PASS] 1.1.1 Ensure that the API server pod specification file permissions are set (Automated)',
    '[WARN] 1.1.9 Ensure that the Container Network Interface file permissions are set to 600 (Manual)',
    '[WARN] 5.1.2 Minimize access to secrets (Manual)',
    '== Summary total ==',
    '62 checks PASS',
    '0 checks FAIL',
    '21 checks WARN',
  ];

  it('says the WARNs are manual checks and nothing fails', () => {
    const notes = misconceptionsAnalyzer.notes!(ctx(NS, [report(manual)], task));
    expect(notes.join(' ')).toContain('has 0 FAIL results (62 checks PASS)');
    expect(notes.join(' ')).toContain('a check the benchmark marks Manual');
  });

  it.each([
    ['a check fails', [...manual.slice(0, 5), '1 checks FAIL']],
    [
      'a WARN is an automated check',
      [...manual, '[WARN] 4.2.1 Ensure that anonymous auth is false (Automated)'],
    ],
  ])('says nothing when %s', (_, lines) => {
    expect(misconceptionsAnalyzer.notes!(ctx(NS, [report(lines)], task)).join(' ')).not.toContain(
      'marks Manual',
    );
  });
});

describe('recoveredRetries: lines read in the order of their stamps', () => {
  it('a retried failure older than the success lines after it, logged newest first, recovered', () => {
    const r = recoveredRetries(
      [
        '2024-10-08T06:01:12Z INFO imported report r3: pass=62 fail=0',
        '2024-10-07T06:01:09Z INFO imported report r2: pass=62 fail=0',
        '2024-10-06T06:01:40Z WARN upload to dashboard failed: 502 Bad Gateway, retry 1/3',
        '2024-10-06T06:01:45Z INFO imported report r1: pass=62 fail=0',
      ].join('\n'),
    );
    expect(r?.failures).toEqual([
      '2024-10-06T06:01:40Z WARN upload to dashboard failed: 502 Bad Gateway, retry 1/3',
    ]);
  });

  it('the newest line a failure: not recovered, whatever the order it is logged in', () => {
    expect(
      recoveredRetries(
        [
          '2024-10-08T06:01:40Z WARN upload to dashboard failed: 502 Bad Gateway, retry 1/3',
          '2024-10-07T06:01:09Z INFO imported report r2',
          '2024-10-06T06:01:45Z INFO imported report r1',
        ].join('\n'),
      ),
    ).toBeUndefined();
  });
});

describe("probeCause: an exec probe's own not-ready answer, explained by the log", () => {
  it('quotes the dial the program cannot make', () => {
    const why = probeCause(
      'readiness',
      'Readiness probe failed: calico/node is not ready: felix is not ready: readiness probe reporting 503',
      'Readiness:  exec [/bin/calico-node -felix-ready] delay=0s timeout=10s period=10s',
      'WARNING Failed to connect to endpoint 10.244.0.13:5473. error=dial tcp 10.244.0.13:5473: i/o timeout',
      undefined,
    );
    expect(why.cause).toContain('answers the readiness probe with HTTP 503');
    expect(why.cause).toContain('dial tcp 10.244.0.13:5473: i/o timeout');
    expect(why.cause).not.toContain('wrong port or path');
  });
});

describe('the namespace a failure is reported in beats one named only in a guess', () => {
  const world = `${scenarioHead(
    'ns-guess-1',
    'knowledge',
    'Since yesterday nobody can upload documents to the knowledge assistant: the page says "Error processing PDF". I think the vector server in vector-db is out of disk. Find out what is going on.',
  )}cluster:
  namespaces: [knowledge, vector-db]
  nodes: [{ name: n1, memory: 32Gi }]
  deployments:
    - name: store
      namespace: vector-db
      replicas: 1
      containers:
        - name: store
          image: store/server:0.6.3
          ports: [8000]
          behavior: { listenPorts: [8000], logs: ["store 0.6.3 listening on :8000", "GET /api/heartbeat 200"] }
    - name: rag-api
      namespace: knowledge
      replicas: 1
      containers:
        - name: api
          image: corp/rag-api:2.8.0
          ports: [8080]
          behavior:
            listenPorts: [8080]
            logs:
              - "INFO rag-api 2.8.0 started"
              - "ERROR Error processing PDF: In client v0.6.0, list_collections only returns collection names"
              - "INFO POST /v1/documents 500"
  services:
    - { name: store, namespace: vector-db, selector: { app: store }, ports: [{ port: 8000 }] }
`;

  it('looks at the assistant namespace, not only at the guessed one', async () => {
    const answer = await baselineAnswer(world);
    expect(answer).toContain('rag-api');
    expect(answer).toContain('list_collections only returns collection names');
  });
});
