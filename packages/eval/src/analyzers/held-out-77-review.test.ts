// Review of the general rules written after held-out set 77, by a reviewer who did not write them: each
// test preceded by a `// Found in review, fixed:` line was a bug, written as the correct behaviour and
// skipped until the rule was fixed; the others are attacks the rules withstood.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../core/src/index.js';
import { k8sTools } from '../../../tools-k8s/src/index.js';
import { createSimCluster } from '../../../tools-k8s/src/sim/index.js';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { recoveredRetries } from './app-errors.js';
import { clusterDomainAnalyzer } from './cluster-domain.js';
import { extensionNameAnalyzer } from './extension-name.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { nodeFirewallAnalyzer } from './node-firewall.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
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

describe('syscall-not-in-kernel', () => {
  const NS = 'vms';
  const list = widePods(NS, [
    ['launcher-a-k7f2q', '0/1', 'Error', '0', '19m', '10.244.0.15', 'old-1'],
    ['launcher-c-w2c8n', '1/1', 'Running', '0', '6d', '10.244.0.17', 'new-1'],
  ]);
  const node = (name: string, kernel: string) =>
    observed(
      'describe_node',
      { name },
      `Name: ${name}\nSystem Info:\n  Kernel Version:             ${kernel}\n  OS Image:  Linux`,
    );

  // Found in review, fixed: Go prints ENOSYS as "function not implemented" (lower case, syscall.Errno's text), and the rule only matches glibc's capitalised "Function not implemented", so a Go program's renameat2 refusal on a 3.10 kernel is missed.
  it("reads Go's lower-case ENOSYS text (syscall.Errno)", () => {
    const goLog = log(NS, 'launcher-a-k7f2q', [
      'level=fatal msg="cannot write pid file" error="renameat2 /var/run/d.pid.new /var/run/d.pid: function not implemented"',
    ]);
    const [f] = syscallNotInKernelAnalyzer.finds(
      ctx(NS, [list, goLog, node('old-1', '3.10.0-1160.el7.x86_64')]),
    );
    expect(f?.cause).toContain('renameat2 system call, which Linux added in 3.15');
  });

  // Found in review, fixed: an unnamed ENOSYS is blamed on the kernel whenever any ready pod of the namespace runs on a newer-kernel node, even one of an unrelated workload (a database), so "runs fine on" is claimed of work that is not the same.
  it('an unnamed call is not blamed on the kernel because an unrelated workload runs on a newer node', () => {
    const mixed = widePods(NS, [
      ['launcher-a-k7f2q', '0/1', 'Error', '0', '19m', '10.244.0.15', 'old-1'],
      ['postgres-0', '1/1', 'Running', '0', '6d', '10.244.0.17', 'new-1'],
    ]);
    const unnamed = log(NS, 'launcher-a-k7f2q', ['open_tree: Function not implemented']);
    expect(
      syscallNotInKernelAnalyzer.finds(
        ctx(NS, [mixed, unnamed, node('old-1', '5.10.0'), node('new-1', '6.1.0')]),
      ),
    ).toEqual([]);
  });

  it('a named call the node kernel has (a seccomp ENOSYS on a 6.x node) is left alone', () => {
    const seccomp = log(NS, 'launcher-a-k7f2q', ['clone3: Function not implemented']);
    expect(
      syscallNotInKernelAnalyzer.finds(ctx(NS, [list, seccomp, node('old-1', '6.1.0-18-amd64')])),
    ).toEqual([]);
  });
});

describe('cluster-domain', () => {
  const NS = 'kube-system';
  const corefile = (zones: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'coredns', namespace: 'kube-system' },
      `Data\n====\nCorefile:\n----\n.:53 {\n    errors\n    kubernetes ${zones} in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    forward . /etc/resolv.conf\n}`,
    );
  const kubelet = (domain: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'kubelet-config', namespace: 'kube-system' },
      `Data\n====\nkubelet:\n----\nkind: KubeletConfiguration\nclusterDomain: ${domain}\n`,
    );
  const relay = log(NS, 'relay-cxssxrlqs5-ttq5n', [
    'level=warning msg="Failed to create peer client" error="context deadline exceeded" target="peer.kube-system.svc.cluster.local:443"',
  ]);

  // Found in review, fixed: CoreDNS's kubernetes plugin serves every zone on its line (`kubernetes corp.internal cluster.local …`), but only the first is read, so a cluster that serves cluster.local as a second zone is said not to resolve it.
  it('reads every zone the kubernetes plugin serves', () => {
    expect(
      clusterDomainAnalyzer.finds(
        ctx(NS, [relay, corefile('corp.internal cluster.local'), kubelet('corp.internal')]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a StatefulSet pod's own name (`db-0.db.data.svc.cluster.local`) is read from its second label, so the advice drops the pod and dials the Service `db.data.svc.corp.internal` instead.
  it("keeps a StatefulSet pod's host label in the corrected name", () => {
    const dial = log(NS, 'relay-cxssxrlqs5-ttq5n', [
      'ERROR dial tcp: lookup db-0.db.data.svc.cluster.local: i/o timeout',
    ]);
    const [f] = clusterDomainAnalyzer.finds(
      ctx(NS, [dial, corefile('corp.internal'), kubelet('corp.internal')]),
    );
    expect(f?.advice).toContain('db-0.db.data.svc.corp.internal');
  });

  it('stays linear on a long run of dotted labels', () => {
    const line = `ERROR timed out ${'a.'.repeat(1900)}svc`;
    expectBounded(
      () => clusterDomainAnalyzer.finds(ctx(NS, [log(NS, 'r', [line]), corefile('corp.internal')])),
      () =>
        clusterDomainAnalyzer.finds(ctx(NS, [log(NS, 'r', ['x'.repeat(3820)]), corefile('corp.internal')])),
    );
  });
});

describe('extension-name', () => {
  const NS = 'search';
  const POD = 'indexer-96x6gqghvd-68pvb';
  const crash = log(NS, POD, [
    'migrations: CREATE EXTENSION IF NOT EXISTS pgvector',
    'psycopg.errors.FeatureNotSupported: extension "pgvector" is not available',
  ]);
  const described = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'indexer', env }).replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/indexer-96x6gqghvd',
      ),
    );

  // Found in review, fixed: any variable whose value is the wrong name counts as the list of extensions, so the database host `DB_HOST=pgvector` (a Service named after its image) is "fixed" to `vector`, breaking the connection.
  it('does not rewrite a host variable that happens to hold the extension name', () => {
    const [f] = extensionNameAnalyzer.finds(
      ctx(NS, [crash, described({ DB_HOST: 'pgvector', DB_NAME: 'search' })]),
    );
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).not.toContain('set DB_HOST');
  });

  it('keeps the quoting and the other items of the list it fixes', () => {
    const [f] = extensionNameAnalyzer.finds(
      ctx(NS, [crash, described({ DB_EXTENSIONS: 'pg_trgm;pgvector;postgis' })]),
    );
    expect(f?.advice).toContain('set DB_EXTENSIONS to pg_trgm;vector;postgis');
  });
});

describe('node-firewall', () => {
  const NS = 'net';
  const list = widePods(NS, [
    ['agent-b2mwl', '0/1', 'Running', '0', '2h', '10.0.0.20', 'worker-1'],
    ['hub-mb5bwwlsk-9hqdv', '1/1', 'Running', '0', '2h', '10.244.0.12', 'infra-1'],
  ]);
  const timedOut = log(NS, 'agent-b2mwl', [
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
      ['node-firewall-rules', '1', '90d'],
    ]),
  );
  const rules = (body: string) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'node-firewall-rules', namespace: NS },
      `apiVersion: v1\nkind: ConfigMap\ndata:\n  ingress-between-nodes: |\n${body}`,
    );

  // Found in review, fixed: a rules line that lists several ports (`tcp 179,5473,10250`) is read as its first port only, so the finding says 5473 is not among the allowed ports when the line allows it.
  it('reads every port of a comma-separated rules line', () => {
    expect(
      nodeFirewallAnalyzer.finds(
        ctx(NS, [list, timedOut, noPolicies, maps, rules('    tcp 179,5473,10250   calico\n')]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a UDP rule for the port counts as allowing the TCP dial that times out, so a firewall that opens only `udp 5473` hides the finding.
  it('a UDP rule for the port does not allow the TCP dial', () => {
    const [f] = nodeFirewallAnalyzer.finds(
      ctx(NS, [list, timedOut, noPolicies, maps, rules('    tcp 179    BGP\n    udp 5473   hub\n')]),
    );
    expect(f?.cause).toContain('on TCP port 5473 is dropped outside Kubernetes');
  });

  // Found in review, fixed: only IPv4 dials are read, so the same timeout on an IPv6 (or dual-stack) cluster, `dial tcp [fd00:10:244::c]:5473: i/o timeout`, is missed.
  it('reads an IPv6 dial that times out', () => {
    const v6 = widePods(NS, [
      ['agent-b2mwl', '0/1', 'Running', '0', '2h', 'fd00:10:244::14', 'worker-1'],
      ['hub-mb5bwwlsk-9hqdv', '1/1', 'Running', '0', '2h', 'fd00:10:244::c', 'infra-1'],
    ]);
    const dial = log(NS, 'agent-b2mwl', [
      'WARNING Failed to connect to hub endpoint [fd00:10:244::c]:5473. error=dial tcp [fd00:10:244::c]:5473: i/o timeout',
    ]);
    const [f] = nodeFirewallAnalyzer.finds(ctx(NS, [v6, dial, noPolicies]));
    expect(f?.cause).toContain('port 5473');
  });

  it('a CIDR line in the rules is not read as an allowed port', () => {
    const [f] = nodeFirewallAnalyzer.finds(
      ctx(NS, [list, timedOut, noPolicies, maps, rules('    tcp 179 BGP\n    10.0.0.0/8 sources\n')]),
    );
    expect(f?.cause).toContain('5473 is not among them');
  });
});

describe('operator-reconcile-error', () => {
  const NS = 'datalake';
  const OP = 'minio-operator';
  const POD = 'minio-operator-6f776kn5m5-xl9pm';
  const task = 'The tenant in namespace datalake is stuck provisioning. The operator runs in minio-operator.';
  const opPods = observed(
    'list_pods',
    { namespace: OP },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [POD, '1/1', 'Running', '0', '9d'],
    ]),
  );
  const err = (
    key: string,
    what = 'console user creation failed: the user cannot have the same name as the access key',
  ) => `E0528 14:59:13.518204       1 main-controller.go:325] error syncing '${key}': ${what}`;

  // Found in review, fixed: the count "N times in its log" adds up the error lines of every object of the namespace, so one error for datalake/b is reported as datalake/b failing 4 times.
  it('counts only the lines of the object it names', () => {
    const seen = [
      opPods,
      log(OP, POD, [
        err('datalake/a'),
        err('datalake/a'),
        err('datalake/a'),
        err('datalake/b', 'pool not ready'),
      ]),
    ];
    const [f] = operatorReconcileErrorAnalyzer.finds(ctx(NS, seen, task));
    expect(f?.cause).not.toContain('4 times');
  });

  // Found in review, fixed: an error the operator later got past (`Successfully synced 'datalake/lake'` after it) is still reported as the operator "keeps failing", a false positive on a healthy tenant.
  it('an error followed by a successful sync of the same object is not a finding', () => {
    const seen = [
      opPods,
      log(OP, POD, [
        err(
          'datalake/lake',
          'Operation cannot be fulfilled on tenants.minio.min.io "lake": the object has been modified',
        ),
        "I0528 15:00:02.118204       1 main-controller.go:320] Successfully synced 'datalake/lake'",
        "I0528 15:05:02.118204       1 main-controller.go:320] Successfully synced 'datalake/lake'",
      ]),
    ];
    expect(operatorReconcileErrorAnalyzer.finds(ctx(NS, seen, task))).toEqual([]);
  });

  // Found in review, fixed: controller-runtime's "Reconciler error" line names the object as JSON fields (`"namespace": "datalake", "name": "lake"`), not as a `ns/name` key, so the commonest operator log shape is missed.
  it("reads controller-runtime's Reconciler error with the object as fields", () => {
    const seen = [
      opPods,
      log(OP, POD, [
        '2024-05-28T14:59:13Z\tERROR\tReconciler error\t{"controller": "tenant", "Tenant": {"name":"lake","namespace":"datalake"}, "namespace": "datalake", "name": "lake", "reconcileID": "5d1f", "error": "console user creation failed: the user cannot have the same name as the access key"}',
      ]),
    ];
    const [f] = operatorReconcileErrorAnalyzer.finds(ctx(NS, seen, task));
    expect(f?.cause).toContain('datalake/lake');
  });

  // Found in review, fixed: a word after "in" that holds "operator" is taken for the operator's namespace though it is no place ("in the operator-managed tenant"), so its pods are listed in a namespace that does not exist instead of minio-operator, named next.
  it('takes the namespace the operator runs in, not "in the operator-managed tenant"', () => {
    const t =
      'The console user is missing in the operator-managed tenant of datalake. The operator runs in minio-operator.';
    expect(operatorReconcileErrorAnalyzer.reads(ctx(NS, [], t))).toEqual([
      { tool: 'list_pods', args: { namespace: OP } },
    ]);
  });

  it('a key of a namespace whose name ends like this one is not read as this one', () => {
    const seen = [opPods, log(OP, POD, [err('old-datalake/lake'), err('datalake-x/lake')])];
    expect(operatorReconcileErrorAnalyzer.finds(ctx(NS, seen, task))).toEqual([]);
  });
});

describe('own-module-missing', () => {
  const NS = 'ml';
  const POD = 'deploy-scorer-q7x2m4sfwe-7j5qf';
  const crash = (banner: string, module = 'bentoml.saved_bundle') =>
    log(NS, POD, [banner, `ModuleNotFoundError: No module named '${module}'`]);

  // Found in review, fixed: pip's own line `Successfully installed bentoml-1.0.0a3` (name-version joined by a hyphen) is not read as the installed release, so the commonest statement of it is missed.
  it("reads pip's `Successfully installed <pkg>-<version>`", () => {
    const [f] = ownModuleMissingAnalyzer.finds(
      ctx(NS, [crash('Successfully installed bentoml-1.0.0a3 numpy-1.26.4')]),
    );
    expect(f?.cause).toContain('the installed bentoml 1.0.0a3');
  });

  // Found in review, fixed: a version the log names as a requirement (`requires bentoml==1.2.4 (installed: 1.0.0a3)`) is taken for the installed release.
  it('a required version is not taken for the installed one', () => {
    const [f] = ownModuleMissingAnalyzer.finds(
      ctx(NS, [crash('WARNING plugin scorer requires bentoml==1.2.4 (installed: 1.0.0a3)')]),
    );
    expect(f?.cause).not.toContain('the installed bentoml 1.2.4');
  });

  // Found in review, fixed: a module missing from the .0 of a major release is always said to come from older code and the advice pins the package below that major, though it is as often newer code (torch.compiler came in torch 2.1, after torch 2.0.0).
  it('does not claim the code predates a .0 release from the version alone', () => {
    const [f] = ownModuleMissingAnalyzer.finds(ctx(NS, [crash('torch 2.0.0 (cuda 11.8)', 'torch.compiler')]));
    expect(f?.advice).not.toContain('pin torch to the last release before 2.0');
  });

  it("another package's stated version is not the module's package", () => {
    expect(
      ownModuleMissingAnalyzer.finds(ctx(NS, [crash('torchvision 0.15.2 loaded, python 3.10')])),
    ).toEqual([]);
  });
});

describe('misconceptions: benchmark-manual-warnings', () => {
  const NS = 'audit';
  const task =
    'The dashboard shows 21 WARN results from the kube-bench run; are we failing the CIS benchmark?';
  const report = (lines: string[]) => log(NS, 'bench-28806120-7jw9h', lines);

  // Found in review, fixed: kube-bench prints a summary per section before `== Summary total ==`, and the first section's counts are quoted as the report's (40 PASS and 10 WARN where the totals are 62 and 21).
  it("quotes the report's totals, not its first section's", () => {
    const notes = misconceptionsAnalyzer.notes!(
      ctx(
        NS,
        [
          report([
            '[INFO] 1 Control Plane Security Configuration',
            '[PASS] 1.1.1 Ensure that the API server pod specification file permissions are set (Automated)',
            '[WARN] 1.1.9 Ensure that the Container Network Interface file permissions are set to 600 (Manual)',
            '== Summary master ==',
            '40 checks PASS',
            '0 checks FAIL',
            '10 checks WARN',
            '0 checks INFO',
            '[INFO] 4 Worker Node Security Configuration',
            '[WARN] 4.2.9 Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture (Manual)',
            '== Summary node ==',
            '22 checks PASS',
            '0 checks FAIL',
            '11 checks WARN',
            '0 checks INFO',
            '== Summary total ==',
            '62 checks PASS',
            '0 checks FAIL',
            '21 checks WARN',
            '0 checks INFO',
          ]),
        ],
        task,
      ),
    ).join(' ');
    expect(notes).toContain('(62 checks PASS)');
    expect(notes).toContain('21 WARN in all');
  });
});

describe('recoveredRetries and inStampOrder', () => {
  // Found in review, fixed: `imported` in RECOVERED also matches a line that says nothing was imported (`report r1 not imported, upload pending`), so a retried failure that never recovered is called recovered.
  it('a line saying the report was not imported is no recovery', () => {
    expect(
      recoveredRetries(
        [
          '2024-10-06T06:01:40Z WARN upload to dashboard failed: 502 Bad Gateway, retry 3/3',
          '2024-10-06T06:01:45Z INFO report r1 not imported, upload pending',
          '2024-10-06T06:02:45Z INFO scan finished',
          '2024-10-06T06:03:45Z INFO scan finished',
          '2024-10-06T06:04:45Z INFO scan finished',
          '2024-10-06T06:05:45Z INFO scan finished',
        ].join('\n'),
      ),
    ).toBeUndefined();
  });

  // Found in review, fixed: the stamps' UTC offsets are dropped, so lines merged from sources in two zones are put in the wrong order and a failure that came before its recovery is read as the newest line.
  it('orders lines by their instant, offsets included', () => {
    const r = recoveredRetries(
      [
        '2024-10-06T08:01:40+02:00 WARN upload to dashboard failed: 502 Bad Gateway, retry 1/3',
        '2024-10-06T06:01:45Z INFO imported report r1',
        '2024-10-06T06:01:46Z INFO imported report r2',
        '2024-10-06T06:01:47Z INFO imported report r3',
        '2024-10-06T06:01:48Z INFO imported report r4',
        '2024-10-06T06:01:49Z INFO imported report r5',
        '2024-10-06T05:59:00Z INFO starting',
      ].join('\n'),
    );
    expect(r?.failures).toHaveLength(1);
  });

  it('keeps log order when a line has no stamp (a stack trace)', () => {
    const r = recoveredRetries(
      [
        '2024-10-08T06:01:12Z INFO imported report r3',
        '2024-10-06T06:01:40Z WARN upload failed: connection refused, retry 1/3',
        '    at Upload.send (upload.js:12)',
        '2024-10-06T06:01:45Z INFO imported report r1',
      ].join('\n'),
    );
    expect(r).toBeUndefined();
  });
});

describe('probeCause: exec probes that report not ready', () => {
  const probe =
    'Readiness:  exec [/bin/calico-node -felix-ready -bird-ready] delay=0s timeout=10s period=10s';

  // Found in review, fixed: calico's own not-ready answer "BIRD is not ready: … dial unix /var/run/calico/bird.ctl: connect: no such file or directory" is read as the probe's executable missing from the image.
  it("a socket path missing in the probe's own output is not a missing executable", () => {
    const why = probeCause(
      'readiness',
      'Readiness probe failed: calico/node is not ready: BIRD is not ready: Error querying BIRD: unable to connect to BIRDv4 socket: dial unix /var/run/calico/bird.ctl: connect: no such file or directory',
      probe,
      '',
      undefined,
    );
    expect(why.cause).not.toContain('not in the image');
  });

  // Found in review, fixed: an i/o timeout to a host in the 5xx branch is said to mean "that dependency is down" and the advice is to bring it back, though a dial with no answer at all says nothing about the peer (a dropped connection: the peer is up).
  it('an i/o timeout to the dependency is not said to show it is down', () => {
    const why = probeCause(
      'readiness',
      'Readiness probe failed: calico/node is not ready: felix is not ready: readiness probe reporting 503',
      probe,
      'WARNING Failed to connect to typha endpoint calico-typha.calico-system.svc:5473. error=dial tcp calico-typha.calico-system.svc:5473: i/o timeout',
      undefined,
    );
    expect(why.cause).not.toContain('dependency is down');
  });

  it('reads "liveness probe reporting 503" as the status 503 and quotes the dial', () => {
    const why = probeCause(
      'liveness',
      'Liveness probe failed: calico/node is not live: Felix is not live: liveness probe reporting 503',
      'Liveness:  exec [/bin/calico-node -felix-live] delay=10s timeout=10s period=10s',
      'WARNING Failed to connect to typha endpoint 10.244.0.13:5473. error=dial tcp 10.244.0.13:5473: i/o timeout',
      undefined,
    );
    expect(why.cause).toContain('HTTP 503');
    expect(why.cause).toContain('i/o timeout');
  });
});

describe('redactSecrets: Go type names and quoted names after a kind', () => {
  it.each([
    ['failed to list *v1.Secret: secrets is forbidden: User "system:serviceaccount:x:y" cannot list'],
    ['MountVolume.SetUp failed for volume "db-password" : secret "db-password" not found'],
  ])('keeps the diagnostic words of %s', (line) => {
    expect(redactSecrets(line)).toBe(line);
  });

  it.each([
    ['secret "db-password": hunter2hunter2'],
    ['*db.password: hunter2hunter2'],
    ['config.Password: hunter2hunter2'],
  ])('still masks the value of %s', (line) => {
    expect(redactSecrets(line)).not.toContain('hunter2hunter2');
  });

  // Found in review, fixed: the kubelet's projected-token failure `failed to fetch token: serviceaccounts "default" not found` loses its cause: "fetch token:" is read as a key and the next word masked.
  it("keeps the kubelet's `failed to fetch token:` error", () => {
    const line =
      'MountVolume.SetUp failed for volume "kube-api-access-8x2lq" : failed to fetch token: serviceaccounts "default" not found';
    expect(redactSecrets(line)).toBe(line);
  });

  // Found in review, fixed: the kubelet's secret volume error `Couldn't get secret default/db-password: secret "db-password" not found` masks its first word: a namespace/name after the kind `secret` is read as a key.
  it("keeps the kubelet's `Couldn't get secret <ns>/<name>:` error", () => {
    const line = `Couldn't get secret default/db-password: secret "db-password" not found`;
    expect(redactSecrets(line)).toBe(line);
  });

  // Found in review, fixed: a kind word before a secret's label in prose (`Using service token: …`, `node token: K10…`) lets the value through unmasked.
  it('masks a token named after a kind word in prose', () => {
    expect(redactSecrets('Using service token: 3f8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c')).not.toContain(
      '3f8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c',
    );
  });
});

describe('sim pod-state: a declared readiness without a declared state', () => {
  const world = {
    now: '2024-09-10T11:00:00Z',
    namespaces: ['a'],
    nodes: [{ name: 'n1', memory: '8Gi' }],
    pods: [
      {
        name: 'web-1',
        namespace: 'a',
        node: 'n1',
        labels: { app: 'web' },
        ready: false,
        containers: [{ name: 'web', image: 'nginx:1', ports: [80], behavior: { listenPorts: [80] } }],
      },
      {
        name: 'crash-1',
        namespace: 'a',
        node: 'n1',
        labels: { app: 'crash' },
        ready: true,
        containers: [{ name: 'c', image: 'busybox:1', behavior: { crash: { exitCode: 1, logs: ['boom'] } } }],
      },
    ],
    services: [{ name: 'web', namespace: 'a', selector: { app: 'web' }, ports: [{ port: 80 }] }],
  };
  const run = async (tool: string, args: Record<string, unknown>) => {
    const t = k8sTools(createSimCluster(world as never)).find((x) => x.name === tool)!;
    return String(
      await t.execute(t.input.parse(args) as never, {
        signal: new AbortController().signal,
        runId: 'r',
        callId: 'c',
      }),
    );
  };

  it('ready: false on a running container: 0/1 Running, and its address not ready', async () => {
    expect(await run('list_pods', { namespace: 'a' })).toMatch(/web-1\s+0\/1\s+Running/);
    expect(await run('describe_resource', { kind: 'Endpoints', namespace: 'a', name: 'web' })).toContain(
      'notReadyAddresses[0].ip',
    );
  });

  // Found in review, fixed: `ready: true` without a state is applied to a container that is not running, so a crash-looping pod shows "1/1 CrashLoopBackOff" with Ready True (Kubernetes never reports a waiting container ready).
  it('ready: true does not make a crash-looping container ready', async () => {
    expect(await run('list_pods', { namespace: 'a' })).toMatch(/crash-1\s+0\/1\s+CrashLoopBackOff/);
  });
});

describe('baseline: the namespace a failure is reported in beats one named only in a guess', () => {
  const cluster = `cluster:
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

  it('with the guess voiced by "my guess is"', async () => {
    const answer = await baselineAnswer(
      `${scenarioHead(
        'ns-guess-r1',
        'knowledge',
        'Nobody can upload documents to the knowledge assistant since yesterday: the page says "Error processing PDF". My guess is the vector server in vector-db is out of disk. Please check.',
      )}${cluster}`,
    );
    expect(answer).toContain('list_collections only returns collection names');
  });

  // Found in review, fixed: a guess that names its namespace in the next, plain sentence ("I think the vector server is out of disk. It runs in vector-db.") counts that namespace as named outside the guess, so the branch never gives way to the namespace the failure is reported in.
  it('with the guessed namespace in the sentence after the guess', async () => {
    const answer = await baselineAnswer(
      `${scenarioHead(
        'ns-guess-r2',
        'knowledge',
        'Since yesterday nobody can upload documents to the knowledge assistant: the page says "Error processing PDF". I think the vector server is out of disk. It runs in vector-db. Find out what is going on.',
      )}${cluster}`,
    );
    expect(answer).toContain('list_collections only returns collection names');
  });
});
