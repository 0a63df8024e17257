// Attacker's review of held-out set 87's baseline rules: completed-with-errors, csidriver-missing, cni-agent-on-node.
// Every bug it found is fixed (marked "Found in review, fixed").
import { describe, expect, it } from 'vitest';
import { cniAgentOnNodeAnalyzer } from './cni-agent-on-node.js';
import { completedWithErrorsAnalyzer } from './completed-with-errors.js';
import { csiDriverMissingAnalyzer } from './csidriver-missing.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';

describe('completed-with-errors', () => {
  const pod = 'backup-nightly-p2n9x-m6w4t';
  const listed = pods('handbook', [[pod, '0/1', 'Completed', '0', '1d']]);
  const run = (lines: string[], extra: ReturnType<typeof observed>[] = []) =>
    completedWithErrorsAnalyzer.finds(ctx('handbook', [listed, log('handbook', pod, lines), ...extra]));

  it('finds other spellings: EACCES, operation not permitted, a capitalised Permission denied', () => {
    for (const line of [
      'Error: failed to open /data/db.sqlite: EACCES',
      "tar: could not read '/data/keys': Operation not permitted",
      "cp: cannot open '/data/storage/.env' for reading: Permission denied",
      'rsync: [sender] send_files failed to open "/data/a.txt": Permission denied (13)',
    ])
      expect(run([line]), line).toHaveLength(1);
  });

  it('a permission error in a pod of another namespace, or a pod that is not Completed, is not this', () => {
    const other = log('elsewhere', pod, ["cp: cannot open '/data/x' for reading: Permission denied"]);
    expect(completedWithErrorsAnalyzer.finds(ctx('handbook', [listed, other]))).toEqual([]);
    const failed = pods('handbook', [[pod, '0/1', 'Error', '0', '1d']]);
    const denied = log('handbook', pod, ["cp: cannot open '/data/x' for reading: Permission denied"]);
    expect(completedWithErrorsAnalyzer.finds(ctx('handbook', [failed, denied]))).toEqual([]);
  });

  // Found in review, fixed: Go's own error text (`open /data/storage/.env: permission denied`, no "cannot/failed to" before it) is missed; it should count as an unreadable file.
  it("finds Go's bare `open <path>: permission denied`", () => {
    expect(
      run(['level=error msg="backup source" err="open /data/storage/.env: permission denied"']),
    ).toHaveLength(1);
  });

  // Found in review, fixed: a line that says it recovered (`…; using defaults`) is reported as a file the run lacks; a read the program fell back from is not this.
  it('a permission error the program fell back from is not this', () => {
    expect(
      run([
        'WARN could not read /home/app/.config/tool.yaml: permission denied; using defaults',
        'INFO backup finished {"errors": 0}',
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: the count is of log lines, not files: one file logged twice (a retry) is told as "2 files or directories"; it is one file.
  it('one file logged twice is one file', () => {
    const [f] = run([
      'ERROR could not open /data/storage/.env: permission denied (attempt 1/2)',
      'ERROR could not open /data/storage/.env: permission denied (attempt 2/2)',
    ]);
    expect(f?.cause).not.toContain('2 files');
  });

  // Found in review, fixed: on a long structured line the 200-character quote cuts off "permission denied", so the answer never states the error; the quote should keep it in view (clipAround).
  it('the quote of a long log line keeps "permission denied"', () => {
    const line = `2026-11-18T02:00:04.118Z\tERROR\tk8up.restic\terror cannot open on file /data/storage/${'nested/'.repeat(20)}.env\t{"component": "backup", "repository": "s3:https://s3.example.com/backups", "error": "open /data/storage/.env: permission denied"}`;
    const [f] = run([line]);
    expect(f?.cause.toLowerCase()).toContain('permission denied');
  });

  // Found in review, fixed: the user is the first runAsUser in the manifest, here a sidecar's (0), not the logged container's pod-level user (65532); it should be the user of the container whose log was read.
  it("names the logged container's user, not a sidecar's", () => {
    const manifest = observed(
      'get_resource',
      { kind: 'Pod', name: pod, namespace: 'handbook' },
      [
        'spec:',
        '  containers:',
        '  - name: metrics-sidecar',
        '    securityContext:',
        '      runAsUser: 0',
        '  - name: backup',
        '    image: k8up:2',
        '  securityContext:',
        '    runAsUser: 65532',
      ].join('\n'),
    );
    const [f] = completedWithErrorsAnalyzer.finds(
      ctx('handbook', [
        listed,
        log('handbook', pod, ["cp: cannot open '/data/x' for reading: Permission denied"], {
          container: 'backup',
        }),
        manifest,
      ]),
    );
    expect(f?.cause).toContain('65532');
  });

  it('stays bounded on long, many and regex-hostile lines', () => {
    const hostile = Array.from({ length: 2000 }, () => 'cannot open '.repeat(330).slice(0, 3990));
    const benign = Array.from({ length: 2000 }, () => 'x'.repeat(3990));
    expectBounded(
      () => run(hostile),
      () => run(benign),
    );
    expect(run(['error cannot open (.*+?[]{}|\\^$) file /d/(a|b): permission denied'])).toHaveLength(1);
  });
});

describe('csidriver-missing', () => {
  const wait =
    'AttachVolume.Attach failed for volume "pvc-6b1e" : timed out waiting for external-attacher of cephfs.csi.ceph.com CSI driver to attach volume 0001-0009';
  const drivers = (...names: string[]) =>
    observed(
      'list_resources',
      { kind: 'CSIDriver' },
      table([
        ['NAME', 'ATTACHREQUIRED', 'PODINFOONMOUNT', 'STORAGECAPACITY', 'MODES', 'AGE'],
        ...names.map((n) => [n, 'true', 'false', 'false', 'Persistent', '320d']),
      ]),
    );

  it('finds the wait in the events (not only in a pod description)', () => {
    const events = observed(
      'get_events',
      { namespace: 'research' },
      table([
        ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
        ['2m', 'Warning', 'FailedAttachVolume', 'pod/browser-1', wait],
      ]),
    );
    expect(csiDriverMissingAnalyzer.reads(ctx('research', [events]))).toEqual([
      { tool: 'list_resources', args: { kind: 'CSIDriver' } },
    ]);
    const [f] = csiDriverMissingAnalyzer.finds(ctx('research', [events, drivers('rbd.csi.ceph.com')]));
    expect(f?.object).toBe('csidriver cephfs.csi.ceph.com');
    expect(f?.cause).toContain('CSIDrivers: rbd.csi.ceph.com');
  });

  it("a wait in another namespace's events is not this namespace's", () => {
    const events = observed(
      'get_events',
      { namespace: 'other' },
      `2m Warning FailedAttachVolume pod/x ${wait}`,
    );
    expect(csiDriverMissingAnalyzer.reads(ctx('research', [events]))).toEqual([]);
    expect(csiDriverMissingAnalyzer.finds(ctx('research', [events, drivers()]))).toEqual([]);
  });

  it('an empty CSIDriver list names none; a similar name (rbd, or a prefix) does not count as the driver', () => {
    const described = observed(
      'describe_pod',
      { namespace: 'research', name: 'browser-1' },
      `Events:\n  ${wait}`,
    );
    const none = observed('list_resources', { kind: 'CSIDriver' }, 'No resources found');
    expect(csiDriverMissingAnalyzer.finds(ctx('research', [described, none]))[0]?.cause).toContain(
      'CSIDrivers: none',
    );
    expect(
      csiDriverMissingAnalyzer.finds(
        ctx('research', [described, drivers('cephfs.csi.ceph', 'rbd.csi.ceph.com')]),
      ),
    ).toHaveLength(1);
  });

  // Found in review, fixed: only the first waiting line is weighed: when it names a driver that has its CSIDriver, a second pod waiting on a driver without one is missed; every waiting driver should be checked.
  it('a second waiting driver without its CSIDriver is found', () => {
    const a = observed(
      'describe_pod',
      { namespace: 'research', name: 'db-0' },
      'Events:\n  Warning  FailedAttachVolume  5m  attachdetach-controller  AttachVolume.Attach failed for volume "pvc-1" : timed out waiting for external-attacher of rbd.csi.ceph.com CSI driver to attach volume 0001-0001',
    );
    const b = observed('describe_pod', { namespace: 'research', name: 'browser-1' }, `Events:\n  ${wait}`);
    const [f] = csiDriverMissingAnalyzer.finds(ctx('research', [a, b, drivers('rbd.csi.ceph.com')]));
    expect(f?.object).toBe('csidriver cephfs.csi.ceph.com');
  });

  it('stays bounded on many long, near-matching lines', () => {
    const near = `AttachVolume.Attach failed for volume "${'a'.repeat(250)}" : timed out waiting for external-attacher of ${'x'.repeat(1500)}`;
    const hostile = observed('get_events', { namespace: 'research' }, Array(100).fill(near).join('\n'));
    const benign = observed(
      'get_events',
      { namespace: 'research' },
      Array(100).fill('y'.repeat(near.length)).join('\n'),
    );
    expectBounded(
      () => csiDriverMissingAnalyzer.finds(ctx('research', [hostile, drivers()])),
      () => csiDriverMissingAnalyzer.finds(ctx('research', [benign, drivers()])),
    );
    expect(csiDriverMissingAnalyzer.finds(ctx('research', [hostile, drivers()]))).toEqual([]);
  });
});

describe('cni-agent-on-node', () => {
  const sandbox =
    'Warning  FailedCreatePodSandBox  1m  kubelet  Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "5a0c": plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory';
  const blocked = (node = 'worker-4') =>
    observed(
      'describe_pod',
      { namespace: 'ledger', name: 'renderer-xwmt54nwr-cj85s' },
      `Name:             renderer-xwmt54nwr-cj85s\nNode:             ${node}/10.0.0.4\nStatus:           Pending\nEvents:\n  ${sandbox}`,
    );
  const nodeWith = (node: string, podRows: [string, string][]) =>
    observed(
      'describe_node',
      { name: node },
      [
        `Name:               ${node}`,
        `Non-terminated Pods:          (${podRows.length} in total)`,
        '  Namespace                   Name                 CPU Requests',
        '  ---------                   ----                 ------------',
        ...podRows.map(([ns, n]) => `  ${ns.padEnd(28)}${n}   100m (2%)`),
        'Events:  <none>',
      ].join('\n'),
    );
  const fatal = (ns: string, name: string, extra: Record<string, unknown> = {}) =>
    log(
      ns,
      name,
      ['2026-11-18 14:17:11.402 [INFO] startup', '2026-11-18 14:17:11.406 [FATAL] calico/node is not ready'],
      extra,
    );

  it('follows calico-node, cilium, kube-flannel-ds and aws-node agents on the node', () => {
    for (const [ns, agent] of [
      ['calico-system', 'calico-node-7xq2p'],
      ['kube-system', 'cilium-4kz8d'],
      ['kube-flannel', 'kube-flannel-ds-9rj2c'],
      ['kube-system', 'aws-node-lm5tq'],
    ] as const) {
      const [f] = cniAgentOnNodeAnalyzer.finds(
        ctx('ledger', [blocked(), nodeWith('worker-4', [[ns, agent]]), fatal(ns, agent)]),
      );
      expect(f?.object, agent).toBe(`pod ${agent} (namespace ${ns})`);
      expect(f?.cause).toContain('node worker-4');
    }
  });

  it('an agent pod on another node is not read or blamed', () => {
    const seen = [
      blocked(),
      nodeWith('worker-5', [['calico-system', 'calico-node-7xq2p']]),
      fatal('calico-system', 'calico-node-7xq2p'),
    ];
    expect(cniAgentOnNodeAnalyzer.reads(ctx('ledger', seen))).toEqual([
      { tool: 'describe_node', args: { name: 'worker-4' } },
    ]);
    expect(cniAgentOnNodeAnalyzer.finds(ctx('ledger', seen))).toEqual([]);
  });

  it("a sandbox failure that is the runtime's (an image pull of the pause image) is not this", () => {
    const runtime = observed(
      'describe_pod',
      { namespace: 'ledger', name: 'renderer-xwmt54nwr-cj85s' },
      'Node:             worker-4\nEvents:\n  Warning  FailedCreatePodSandBox  1m  kubelet  Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "registry.k8s.io/pause:3.9": failed to pull image',
    );
    expect(cniAgentOnNodeAnalyzer.reads(ctx('ledger', [runtime]))).toEqual([]);
  });

  // Found in review, fixed: `calico-kube-controllers` (a Deployment, not the node's agent) matches the agent prefix `calico` and is blamed for the node's network; only the per-node agent (calico-node) should be.
  it('calico-kube-controllers on the node is not its network agent', () => {
    const seen = [
      blocked(),
      nodeWith('worker-4', [['calico-system', 'calico-kube-controllers-5f8b7d9c4-abcde']]),
      log('calico-system', 'calico-kube-controllers-5f8b7d9c4-abcde', [
        '[ERROR] failed to list *v1.Node: Unauthorized',
      ]),
    ];
    expect(cniAgentOnNodeAnalyzer.finds(ctx('ledger', seen))).toEqual([]);
  });

  // Found in review, fixed: `weave-scope-agent` (a monitoring tool) matches the agent prefix `weave` and is blamed for the sandbox's network; only weave-net should be.
  it('weave-scope-agent is not a network agent', () => {
    const seen = [
      blocked(),
      nodeWith('worker-4', [['weave', 'weave-scope-agent-h2k4x']]),
      log('weave', 'weave-scope-agent-h2k4x', ['ERROR: probe failed to connect to app']),
    ];
    expect(cniAgentOnNodeAnalyzer.finds(ctx('ledger', seen))).toEqual([]);
  });

  // Found in review, fixed: kind's kindnet (and kube-ovn-cni) agents are not in the agent list, so their failure is missed; they should be followed like calico-node.
  it('follows a kindnet agent', () => {
    const seen = [
      blocked(),
      nodeWith('worker-4', [['kube-system', 'kindnet-8mzq2']]),
      fatal('kube-system', 'kindnet-8mzq2'),
    ];
    expect(cniAgentOnNodeAnalyzer.finds(ctx('ledger', seen))).toHaveLength(1);
  });

  // Found in review, fixed: an error the agent recovered from (its log ends ready, its previous container's fatal is old) is quoted as why it "is not working there"; an agent whose current log ends healthy should not be blamed.
  it('an agent with an old error that runs fine now is not blamed', () => {
    const agent = 'calico-node-7xq2p';
    const seen = [
      blocked(),
      nodeWith('worker-4', [['calico-system', agent]]),
      log('calico-system', agent, ['[FATAL] failed to connect to datastore'], { previous: true }),
      log('calico-system', agent, [
        '2026-11-18 14:20:00.001 [ERROR] failed to connect to datastore, retrying',
        '2026-11-18 14:20:05.312 [INFO] Successfully connected to datastore',
        '2026-11-18 14:20:05.900 [INFO] Calico node started successfully',
      ]),
    ];
    expect(cniAgentOnNodeAnalyzer.finds(ctx('ledger', seen))).toEqual([]);
  });

  it('stays bounded on a long description and long agent logs', () => {
    const noisy = `FailedCreatePodSandBox ${'a'.repeat(190)} `.repeat(900);
    const hostile = observed('describe_pod', { namespace: 'ledger', name: 'p' }, `Node:  worker-4\n${noisy}`);
    const benign = observed(
      'describe_pod',
      { namespace: 'ledger', name: 'p' },
      `Node:  worker-4\n${'b'.repeat(noisy.length)}`,
    );
    expectBounded(
      () => cniAgentOnNodeAnalyzer.finds(ctx('ledger', [hostile])),
      () => cniAgentOnNodeAnalyzer.finds(ctx('ledger', [benign])),
    );
    expect(cniAgentOnNodeAnalyzer.reads(ctx('ledger', [hostile]))).toEqual([]);
  });
});
