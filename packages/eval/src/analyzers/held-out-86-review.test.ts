// Attacker's review of held-out set 86's rules: the webhook that cannot be reached, the sandbox runtime
// whose parts changed version apart, the empty setting and the .wasm exec format error, serde's gloss and
// describe_pod's RuntimeClass line. Every bug it found is fixed (marked "Found in review, fixed"); the
// webhook tests give the Service's description, which the rule now reads to tell its server from other pods.
import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../../../tools-k8s/src/sim/sim-cluster.js';
import { k8sTools } from '../../../tools-k8s/src/tools/k8s-tools.js';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { emptyEntry } from '../baseline/signatures/containers/crash.js';
import type { SeenObservation } from '../observations.js';
import { glossOf } from './log-glosses.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { sandboxRuntimeAnalyzer } from './sandbox-runtime.js';
import { webhookNoEndpointsAnalyzer } from './webhook-no-endpoints.js';

const eventsIn = (ns: string, messages: string[]): SeenObservation =>
  observed(
    'get_events',
    { namespace: ns },
    table([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      ...messages.map((m, i) => [`${i + 1}m`, 'Warning', 'FailedCreate', `job/x-${i}`, m]),
    ]),
  );

describe('webhook-no-endpoints', () => {
  const call = (why: string, host = 'hnc-webhook-service.hnc-system.svc') =>
    `Error creating: Internal error occurred: failed calling webhook "objects.hnc.x-k8s.io": failed to call webhook: Post "https://${host}:443/validate-objects?timeout=2s": ${why}`;
  const manager = 'hnc-controller-manager-2jm6lzd4l4-8pgns';
  const system = pods('hnc-system', [[manager, '0/1', 'CrashLoopBackOff', '142', '15h']]);
  const finds = (seen: SeenObservation[]) => webhookNoEndpointsAnalyzer.finds(ctx('etl', seen));
  const reads = (seen: SeenObservation[]) => webhookNoEndpointsAnalyzer.reads(ctx('etl', seen));

  it('follows connection refused, context deadline exceeded and a .svc.cluster.local address', () => {
    for (const why of [
      'dial tcp 10.96.12.7:443: connect: connection refused',
      'context deadline exceeded',
      'dial tcp 10.96.12.7:443: i/o timeout',
    ])
      expect(reads([eventsIn('etl', [call(why)])])).toContainEqual({
        tool: 'list_pods',
        args: { namespace: 'hnc-system' },
      });
    expect(
      reads([
        eventsIn('etl', [call('no endpoints available for service "x"', 'x.hnc-system.svc.cluster.local')]),
      ]),
    ).toContainEqual({ tool: 'list_pods', args: { namespace: 'hnc-system' } });
  });

  it('a certificate the API server does not trust is not a down webhook', () => {
    const x509 = call('tls: failed to verify certificate: x509: certificate signed by unknown authority');
    expect(reads([eventsIn('etl', [x509]), system])).toEqual([]);
    expect(finds([eventsIn('etl', [x509]), system])).toEqual([]);
  });

  it("nothing when the webhook's pods are all Running and Ready (a timeout of the network)", () => {
    const fine = pods('hnc-system', [[manager, '1/1', 'Running', '0', '15h']]);
    expect(finds([eventsIn('etl', [call('context deadline exceeded')]), fine])).toEqual([]);
  });

  // Found in review, fixed: the Go 1.14+ wording of Kubernetes 1.18-1.21 (`failed calling webhook "x": Post "https://…": …`, without "failed to call webhook:") is not followed; it should be, as the newer one is.
  it('follows the older wording without "failed to call webhook:"', () => {
    const older =
      'Internal error occurred: failed calling webhook "objects.hnc.x-k8s.io": Post "https://hnc-webhook-service.hnc-system.svc:443/validate-objects?timeout=2s": no endpoints available for service "hnc-webhook-service"';
    expect(reads([eventsIn('etl', [older])])).toContainEqual({
      tool: 'list_pods',
      args: { namespace: 'hnc-system' },
    });
  });

  // Found in review, fixed: an unrelated crashing pod of the webhook's namespace (cert-manager's cainjector) is blamed as the webhook's server while the webhook's own pod is Running and Ready; it should pick the pod named after the webhook Service, or nothing.
  it("does not blame another pod of the webhook's namespace", () => {
    const ns = 'cert-manager';
    const ev = eventsIn('etl', [
      call('context deadline exceeded', 'cert-manager-webhook.cert-manager.svc').replace(
        'objects.hnc.x-k8s.io',
        'webhook.cert-manager.io',
      ),
    ]);
    const list = pods(ns, [
      ['cert-manager-7d9f8c5b4-abcde', '1/1', 'Running', '0', '30d'],
      ['cert-manager-cainjector-5c5695d979-xk2pq', '0/1', 'CrashLoopBackOff', '12', '30d'],
      ['cert-manager-webhook-6d9f7c8b6-q8w2n', '1/1', 'Running', '0', '30d'],
    ]);
    expect(finds([ev, list])).toEqual([]);
  });

  // The webhook Service whose selector names the server's pods (the rule reads it to tell them apart).
  const service = observed(
    'describe_service',
    { namespace: 'hnc-system', name: 'hnc-webhook-service' },
    'Name:              hnc-webhook-service\nSelector:          control-plane=controller-manager\nEndpoints:         <none>',
  );
  const twoContainers = observed(
    'describe_pod',
    { namespace: 'hnc-system', name: manager },
    [
      `Name:             ${manager}`,
      'Labels:           control-plane=controller-manager',
      'Controlled By:    ReplicaSet/hnc-controller-manager-2jm6lzd4l4',
      'Containers:',
      '  kube-rbac-proxy:',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Limits:',
      '      cpu:     500m',
      '      memory:  128Mi',
      '  manager:',
      '    State:          Waiting',
      '      Reason:       CrashLoopBackOff',
      '    Ready:          False',
      '    Restart Count:  142',
      '    Limits:',
      '      cpu:     50m',
      '      memory:  300Mi',
    ].join('\n'),
  );
  const refusedNoEndpoints = eventsIn('etl', [
    call('no endpoints available for service "hnc-webhook-service"'),
  ]);

  // Found in review, fixed: with a sidecar listed first (kube-rbac-proxy), the state and CPU limit reported are the sidecar's (Running, 500m), not the crashing manager's (CrashLoopBackOff, 50m); it should read the container that is not Ready.
  it("reports the crashing container's state and CPU limit, not its sidecar's", () => {
    const [f] = finds([refusedNoEndpoints, system, service, twoContainers]);
    expect(f?.cause).toContain('CrashLoopBackOff, 142 restarts');
    expect(f?.cause).toContain('its CPU limit is 50m');
    expect(f?.cause).not.toContain('500m');
  });

  it("takes the change cause of the webhook's own deployment, not another namespace's", () => {
    const single = observed(
      'describe_pod',
      { namespace: 'hnc-system', name: manager },
      twoContainers.content.replace(/ {2}kube-rbac-proxy:[\s\S]*?(?= {2}manager:)/, ''),
    );
    const other = observed(
      'describe_deployment',
      { namespace: 'etl', name: 'hnc-controller-manager' },
      'Annotations:  kubernetes.io/change-cause: etl rollout of its own copy',
    );
    const own = observed(
      'describe_deployment',
      { namespace: 'hnc-system', name: 'hnc-controller-manager' },
      'Annotations:  kubernetes.io/change-cause: HNC-12 cpu limit to 50m',
    );
    const [f] = finds([refusedNoEndpoints, system, service, single, own, other]);
    expect(f?.cause).toContain('HNC-12 cpu limit to 50m');
    expect(f?.cause).not.toContain('etl rollout');
  });

  it('bounded on long, many and regex-hostile event messages', () => {
    const hostile = `failed calling webhook "${'"'.repeat(3)}${'a'.repeat(300)}": failed to call webhook: Post "https://${'a-'.repeat(30)}.${'b'.repeat(60)}.svc${'/.'.repeat(149)}": ${'no endpoints available '.repeat(50)}`;
    const many = eventsIn(
      'etl',
      Array.from({ length: 2000 }, () => hostile),
    );
    const benign = eventsIn(
      'etl',
      Array.from({ length: 2000 }, () => 'Created pod: x'.padEnd(hostile.length, 'x')),
    );
    expectBounded(
      () => finds([many]),
      () => finds([benign]),
    );
  });
});

describe('sandbox-runtime', () => {
  const vsock =
    'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: [PUT /vsocks/{id}][400] putGuestVsockByIdBadRequest &{FaultMessage:unknown field `id`, expected one of `vsock_id`, `guest_cid`, `uds_path`}';
  const podWith = (message: string, runtimeClass = 'kata-fc') =>
    observed(
      'describe_pod',
      { namespace: 'ci', name: 'build-1-abcde' },
      `Name:             build-1-abcde\nRuntime Class Name:  ${runtimeClass}\nEvents:\n  Warning   FailedCreatePodSandBox   64s (x19 over 74m)   kubelet   ${message}`,
    );
  const rcOf = (name: string, handler: string) =>
    observed(
      'describe_resource',
      { kind: 'RuntimeClass', name },
      `Name:         ${name}\nHandler:  ${handler}`,
    );
  const nsList = (...names: string[]) =>
    observed(
      'list_resources',
      { kind: 'Namespace' },
      table([['NAME', 'STATUS', 'AGE'], ...['ci', ...names].map((n) => [n, 'Active', '1d'])]),
    );
  const installers = (ns: string, name: string) => pods(ns, [[name, '1/1', 'Running', '0', '1d']]);
  const kata = (lines: string[]) => [
    rcOf('kata-fc', 'kata-fc'),
    nsList('kata-system'),
    installers('kata-system', 'kata-deploy-7lmvd'),
    log('kata-system', 'kata-deploy-7lmvd', lines),
  ];
  const finds = (seen: SeenObservation[]) => sandboxRuntimeAnalyzer.finds(ctx('ci', seen));

  it('says which version replaced which on a downgrade too', () => {
    const [f] = finds([
      podWith(vsock),
      ...kata([
        'kata-runtime 1.9.0-alpha0 already installed at /opt/kata/bin/kata-runtime, keeping it',
        'installing firecracker v0.16.0 to /usr/bin/firecracker (was v0.17.1)',
      ]),
    ]);
    expect(f?.cause).toContain('replaced firecracker 0.17.1 with 0.16.0');
    expect(f?.cause).not.toContain('replaced firecracker 0.16.0');
  });

  it("a CNI failure in newer containerd wording is the network's", () => {
    const cni =
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "9f2c": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container';
    expect(
      finds([
        podWith(cni),
        ...kata(['installing firecracker v0.18.0 to /usr/bin/firecracker (was v0.17.1)']),
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: a sandbox failure that is not a refused call between the runtime's parts (no runtime configured for the handler on this node) is still blamed on a version the installer replaced; it should need the mismatch's signs (a 400, an unknown field).
  it('a handler the node does not have configured is not a version skew', () => {
    const missing =
      'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "kata-fc" is configured';
    expect(
      finds([
        podWith(missing),
        ...kata(['installing firecracker v0.18.0 to /usr/bin/firecracker (was v0.17.1)']),
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: the installer's replacement of a component the failing handler does not use (QEMU, under the Firecracker handler kata-fc) is named as the cause; it should only name a replaced component the failing runtime uses, or say nothing.
  it('an installer that replaced a component kata-fc does not use is not the cause', () => {
    const f = finds([
      podWith(vsock),
      ...kata([
        'kata-runtime 1.9.0-alpha0 already installed at /opt/kata/bin/kata-runtime, keeping it',
        'installing qemu v8.0.0 to /opt/kata/bin/qemu-system-x86_64 (was v7.2.0)',
      ]),
    ]);
    expect(f.map((x) => x.cause).join(' ')).not.toContain('replaced qemu');
  });

  it("a namespace whose name merely contains the handler's word is not its installer", () => {
    const seen = [podWith(vsock), rcOf('kata-fc', 'kata-fc'), nsList('akata-labs', 'kata-system')];
    expect(sandboxRuntimeAnalyzer.reads(ctx('ci', seen))).toEqual([
      { tool: 'list_pods', args: { namespace: 'kata-system' } },
    ]);
  });

  // Found in review, fixed: a namespace of workloads that shares the handler's first word (kata-demo, listed before kata-system) is taken for the installer's, so the installer is never read; it should prefer a -system/-deploy namespace or one whose pods install.
  it('a workload namespace sharing the word is not taken for the installer', () => {
    const seen = [podWith(vsock), rcOf('kata-fc', 'kata-fc'), nsList('kata-demo', 'kata-system')];
    expect(sandboxRuntimeAnalyzer.reads(ctx('ci', seen))).toEqual([
      { tool: 'list_pods', args: { namespace: 'kata-system' } },
    ]);
  });

  // Found in review, fixed: a RuntimeClass gvisor with handler runsc never finds its installer in gvisor-system, since only the handler's first word is tried; the RuntimeClass's own name should be tried too.
  it('finds the installer of handler runsc by its RuntimeClass name gvisor', () => {
    const seen = [podWith(vsock, 'gvisor'), rcOf('gvisor', 'runsc'), nsList('gvisor-system')];
    expect(sandboxRuntimeAnalyzer.reads(ctx('ci', seen))).toEqual([
      { tool: 'list_pods', args: { namespace: 'gvisor-system' } },
    ]);
  });

  it('bounded on a long log of many regex-hostile install lines', () => {
    const hostile =
      `installing a${'1.'.repeat(15)} ${'installing x 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1 '.repeat(80)}`.slice(
        0,
        3990,
      );
    const benign = 'x'.repeat(hostile.length);
    const seenWith = (line: string) => [podWith(vsock), ...kata(Array.from({ length: 2000 }, () => line))];
    const bad = seenWith(hostile);
    const good = seenWith(benign);
    expectBounded(
      () => finds(bad),
      () => finds(good),
    );
  });
});

describe('crash.ts: emptyEntry and the .wasm exec format error', () => {
  it('reads YAML\'s key: "" and key: [""] for the setting the error names', () => {
    expect(emptyEntry('Invalid disk configuration', 'logDir: /cfs/logs\ndisks: ""\n')?.key).toBe('disks');
    expect(emptyEntry('Invalid disk configuration', "disks: ['']\n")?.value).toBe("['']");
  });

  // Found in review, fixed: a YAML block list with one empty item (`disks:` then `  - ""`) is not read as an empty entry; it should give disks as the flow form [""] does.
  it('reads a YAML block list whose item is empty', () => {
    expect(emptyEntry('Invalid disk configuration', 'disks:\n  - ""\nraftDir: /cfs/raft\n')?.key).toBe(
      'disks',
    );
  });

  // Found in review, fixed: a DNS failure for the database is tied to an empty metrics_host (bind on all interfaces) because "host" is a word of the error; the key's last word alone is too broad a match, it should need the setting the error is about.
  it('an empty setting the error is not about is not named', () => {
    const config = '{\n  "metrics_host": "",\n  "db_host": "postgres"\n}';
    expect(emptyEntry('dial tcp: lookup postgres on 10.96.0.10:53: no such host', config)).toBeUndefined();
  });

  it('bounded on many long and regex-hostile lines', () => {
    const hostile = Array.from({ length: 5000 }, () => `"${'a'.repeat(60)}${'- '.repeat(150)}": [ "" ,`).join(
      '\n',
    );
    const benign = Array.from({ length: 5000 }, () => 'x'.repeat(363)).join('\n');
    const error = `Invalid ${'disk '.repeat(800)}configuration`;
    expectBounded(
      () => emptyEntry(error, hostile),
      () => emptyEntry(error, benign),
    );
  });

  const scenario = (
    line: string,
  ) => `${scenarioHead('wasm-opt-arch', 'build', 'The site-builder pods in namespace build crash since the rollout. Why?')}cluster:
  now: 2026-04-07T10:20:00Z
  seed: r86
  namespaces: [build]
  nodes:
    - { name: arm-1, cpu: "8", memory: 16Gi, age: 4d, labels: { kubernetes.io/arch: arm64 } }
  deployments:
    - name: site-builder
      namespace: build
      replicas: 1
      age: 30d
      revisionAge: 1h
      history:
        - { image: registry.example.com/site-builder:1.4.0 }
      rollout: { startedAgo: 1h }
      containers:
        - name: builder
          image: registry.example.com/site-builder:1.5.0
          ports: [8080]
          behavior:
            listenPorts: [8080]
            logs: ["builder ready"]
            byImage:
              registry.example.com/site-builder:1.5.0:
                ready: false
                crash:
                  exitCode: 1
                  logs: [${JSON.stringify(line)}]
      pods:
        - { node: arm-1 }
`;

  it('a native wasm-opt binary that cannot run is called an architecture mismatch', async () => {
    const answer = await baselineAnswer(scenario('exec /usr/local/bin/wasm-opt: exec format error'));
    expect(answer).toContain('another CPU architecture');
    expect(answer).not.toContain('module.wasm.image/variant');
  }, 60_000);

  // Found in review, fixed: a .wasm path that is only the native tool's input ("failed to run /usr/local/bin/wasm-opt on /build/out/app.wasm: exec format error") is called a WebAssembly module run as a native executable; it should take the .wasm path only when it is what was executed (exec "….wasm").
  it('a .wasm path that is not what was executed does not make the error a Wasm one', async () => {
    const answer = await baselineAnswer(
      scenario('Error: failed to run /usr/local/bin/wasm-opt on /build/out/app.wasm: exec format error'),
    );
    expect(answer).not.toContain('is a WebAssembly module');
    expect(answer).toContain('another CPU architecture');
  }, 60_000);
});

describe("log-glosses: serde's unknown field", () => {
  it("glosses serde's wording, in a JSON log too", () => {
    expect(
      glossOf(
        '{"level":"error","msg":"bad config: unknown field `listen_adress`, expected one of `listen_address`, `port`"}',
      )?.means,
    ).toContain('another version');
  });

  it("another parser's unknown field (protobuf, no backticks) is not serde's", () => {
    expect(glossOf('proto: unknown field "x" in message y')?.means ?? '').not.toContain('serde');
    expect(glossOf('unknown field `x` in struct')?.means ?? '').not.toContain('serde');
  });

  it('bounded, and nothing when the words lie past what is read of a long line', () => {
    const far = `${'x'.repeat(5000)} unknown field \`a\`, expected one of \`b\``;
    expect(glossOf(far)).toBeUndefined();
    const hostile = '`unknown field `expected one of `'.repeat(3000);
    expectBounded(
      () => glossOf(hostile),
      () => glossOf('y'.repeat(hostile.length)),
    );
  });
});

describe("describe_pod's Runtime Class Name line", () => {
  const read = async (spec: Record<string, unknown>) => {
    const cluster = createSimCluster({
      namespaces: ['ci'],
      nodes: [{ name: 'w-1' }],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'ci' },
          spec: { nodeName: 'w-1', containers: [{ name: 'b', image: 'b:1' }], ...spec },
        },
      ],
    } as never);
    const tool = k8sTools(cluster).find((t) => t.name === 'describe_pod')!;
    return String(
      await tool.execute(tool.input.parse({ namespace: 'ci', name: 'p' }) as never, {
        signal: new AbortController().signal,
        runId: 'r',
        callId: 'c',
      }),
    );
  };

  it('prints nothing for an empty RuntimeClass name, as kubectl does', async () => {
    expect(await read({ runtimeClassName: '' })).not.toContain('Runtime Class Name');
  });

  it('comes after the priority class, name and value on one line', async () => {
    const text = await read({ runtimeClassName: 'gvisor', priorityClassName: 'batch-low' });
    expect(text.indexOf('Priority Class Name')).toBeLessThan(text.indexOf('Runtime Class Name'));
    expect(text).toMatch(/^Runtime Class Name: {2}gvisor$/m);
  });
});
