// Review of the rules written after held-out sets 105 and 106 (named-first, the plan's `beside` read,
// pod-hostname, user-namespace-limit, hostpath-missing, wrong-nameserver, service-link-value), on inputs
// made up for the review by a helper who had not written them: 40 tests, 18 bugs found, 17 fixed in the
// same session (each marked "Found in review, fixed") and the last in the next. The wrong-nameserver tests give the pod's spec, which
// the rule reads since the review.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead as head } from '../__fixtures__/baseline-answer.js';
import { namedFirst } from '../baseline/signatures/named-first.js';
import type { SeenObservation } from '../observations.js';
import { hostPathMissingAnalyzer } from './hostpath-missing.js';
import type { Finding } from './index.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { podHostnameAnalyzer } from './pod-hostname.js';
import { serviceLinkValueAnalyzer } from './service-links.js';
import { userNamespaceEnospc, userNamespaceLimitAnalyzer } from './user-namespace-limit.js';
import { wrongNameserverAnalyzer } from './wrong-nameserver.js';

const podList = (ns: string, rows: string[][]) =>
  observed(
    'list_pods',
    { namespace: ns },
    table([['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'], ...rows]),
  );

// --- named-first -------------------------------------------------------------------------------------------

const finding = (weight: number, object: string, cause = 'it fails', evidence: string[] = []): Finding => ({
  weight,
  object,
  cause,
  evidence,
});
const obs = (tool: string, args: Record<string, unknown>, content: string): SeenObservation =>
  observed(tool, args, content);
const wordsOf = (t: string) => [...new Set(t.toLowerCase().match(/[a-z0-9][a-z0-9-]{2,}/g) ?? [])];
const first = (fs: Finding[], t: string, ns: string, seen: SeenObservation[] = []) =>
  namedFirst(fs, t, ns, wordsOf(t), seen)[0]!.object;

describe('named-first: the task’s workload before an unrelated one', () => {
  const TASK = 'checkout in namespace shop answers 500 on every order since noon. What is wrong?';
  const dbCrash = finding(
    92,
    'deployment ledger-db (pod ledger-db-6d8f7b9c5-x2k4q)',
    'the container postgres crashes on start: FATAL: data directory has wrong ownership',
  );
  const checkout = finding(
    75,
    'deployment checkout (pod checkout-7c9d8b6f4-p8z2m)',
    'pod checkout-7c9d8b6f4-p8z2m is Running but its program logs failures',
  );

  it('moves an unrelated crash behind the named workload, keeping every finding', () => {
    const out = namedFirst([dbCrash, checkout], TASK, 'shop', wordsOf(TASK), []);
    expect(out[0]).toBe(checkout);
    expect(out).toHaveLength(2);
  });

  it('keeps the order when the named pod’s log reaches the other through its Service’s DNS name', () => {
    const seen = [
      obs(
        'get_pod_logs',
        { namespace: 'shop', name: 'checkout-7c9d8b6f4-p8z2m' },
        'ERROR dial tcp ledger.shop.svc.cluster.local:5432: connect: connection refused',
      ),
      obs(
        'list_services',
        { namespace: 'shop' },
        table([
          ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR'],
          ['ledger', 'ClusterIP', '10.96.4.2', '5432/TCP', 'app.kubernetes.io/name=ledger-db'],
        ]),
      ),
    ];
    expect(first([dbCrash, checkout], TASK, 'shop', seen)).toBe(dbCrash.object);
  });

  // Found in review, fixed: a dependency reached through a Service with a short name (`db`, `pg`, `mq`) is not a tie, since namesWhole ignores names under three characters, so the named workload's symptom is moved ahead of the database crash it fails on.
  it('keeps the order when the named pod’s log reaches the other through a two-letter Service name', () => {
    const seen = [
      obs(
        'get_pod_logs',
        { namespace: 'shop', name: 'checkout-7c9d8b6f4-p8z2m' },
        'ERROR POST /orders: dial tcp db:5432: connect: connection refused',
      ),
      obs(
        'list_services',
        { namespace: 'shop' },
        table([
          ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR'],
          ['db', 'ClusterIP', '10.96.4.2', '5432/TCP', 'app=ledger-db'],
        ]),
      ),
    ];
    expect(first([dbCrash, checkout], TASK, 'shop', seen)).toBe(dbCrash.object);
  });

  // Found in review, fixed: a dependency the named pod reaches by the Service's cluster IP (a service-link variable, an IP in its config) is not a tie, so the database crash the named workload fails on loses the lead.
  it('keeps the order when the named pod’s log reaches the other by its Service’s cluster IP', () => {
    const seen = [
      obs(
        'get_pod_logs',
        { namespace: 'shop', name: 'checkout-7c9d8b6f4-p8z2m' },
        'ERROR POST /orders: dial tcp 10.96.4.2:5432: connect: connection refused',
      ),
      obs(
        'list_services',
        { namespace: 'shop' },
        table([
          ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR'],
          ['ledger-db', 'ClusterIP', '10.96.4.2', '5432/TCP', 'app=ledger-db'],
        ]),
      ),
    ];
    expect(first([dbCrash, checkout], TASK, 'shop', seen)).toBe(dbCrash.object);
  });

  // Found in review, fixed (the next session): the unnamed crash names the named workload only as the address it
  // cannot reach, so the named workload is upstream and leads.
  it('leads with the named workload when the unnamed crash is caused by it', () => {
    const worker = finding(
      90,
      'deployment order-mailer (pod order-mailer-6d8f7b9c5-x2k4q)',
      'the container crashes on start: dial tcp checkout:8080: connect: connection refused',
    );
    const oom = finding(
      88,
      'deployment checkout (pod checkout-7c9d8b6f4-p8z2m)',
      'the container api is OOMKilled at its 256Mi limit',
    );
    const t = 'checkout in namespace shop keeps restarting since noon. What is wrong?';
    expect(first([worker, oom], t, 'shop')).toBe(oom.object);
  });

  // Found in review, fixed: a workload name the person quotes ("checkout") is dropped with quoted messages, so the named workload is treated as unnamed and an unrelated crash keeps the lead.
  it('counts a quoted single workload name as named', () => {
    const t = 'The "checkout" service in namespace shop answers 500 since noon. What is wrong?';
    expect(first([dbCrash, checkout], t, 'shop')).toBe(checkout.object);
  });

  // Found in review, fixed: when the workload is named exactly like its namespace (checkout in namespace checkout, a common layout), the namespace filter drops its name and an unrelated crash keeps the lead.
  it('leads with a workload named exactly like its namespace', () => {
    const t = 'checkout in namespace checkout answers 500 on every order since noon. What is wrong?';
    expect(first([dbCrash, checkout], t, 'checkout')).toBe(checkout.object);
  });

  it('leaves a node or a finding in another namespace first', () => {
    for (const top of [
      finding(95, 'node pool-b-7', 'DiskPressure'),
      finding(95, 'deployment ledger-db (pod ledger-db-6d8f7b9c5-x2k4q) in data'),
    ])
      expect(first([top, checkout], TASK, 'shop')).toBe(top.object);
  });

  // Changed after the review (set 105's WSO2 world): a Pending claim that only an unnamed workload mounts is
  // moved aside like that workload's own failure; one the named pod mounts stays first.
  it('moves a claim aside unless the named pod mounts it', () => {
    const claim = finding(
      95,
      'persistentvolumeclaim ledger-data',
      'Pending: its StorageClass does not exist',
    );
    expect(first([claim, checkout], TASK, 'shop')).toBe(checkout.object);
    const mounts = obs(
      'describe_pod',
      { namespace: 'shop', name: 'checkout-7c9d8b6f4-p8z2m' },
      'Volumes:\n  data:\n    Type:       PersistentVolumeClaim\n    ClaimName:  ledger-data\n',
    );
    expect(first([claim, checkout], TASK, 'shop', [mounts])).toBe(claim.object);
  });

  it('survives empty lists, empty objects and odd observation arguments', () => {
    expect(namedFirst([], TASK, 'shop', wordsOf(TASK), [])).toEqual([]);
    const odd = [
      obs('get_pod_logs', { namespace: 'shop', name: 42 }, ''),
      obs('list_services', { namespace: 'shop' }, ''),
      obs('describe_pod', { namespace: 'shop' }, 'Name:'),
    ];
    const fs = [finding(90, 'pod '), finding(80, ''), checkout];
    expect(() => namedFirst(fs, TASK, 'shop', wordsOf(TASK), odd)).not.toThrow();
    expect(() => namedFirst([dbCrash, checkout], '', '', [], odd)).not.toThrow();
  });

  it('reads huge logs full of near-matches in bounded time', () => {
    const big = (s: string) => s.repeat(Math.floor(190_000 / s.length));
    const run = (content: string) => () =>
      namedFirst([dbCrash, checkout], TASK, 'shop', wordsOf(TASK), [
        obs('get_pod_logs', { namespace: 'shop', name: 'checkout-7c9d8b6f4-p8z2m' }, content),
        obs('get_pod_logs', { namespace: 'shop', name: 'ledger-db-6d8f7b9c5-x2k4q' }, content),
      ]);
    expectBounded(run(big('xledger-dbx xcheckoutx ')), run(big('a'.repeat(22) + ' ')));
  });
});

// --- the plan: the named running workload's log beside an unrelated failure ------------------------------

const shopWorld = (ns: string, checkoutLog: string, other: string, service: string) => `cluster:
  namespaces: [${ns}]
  nodes: [{ name: n1 }]
  deployments:
    - name: checkout
      namespace: ${ns}
      replicas: 1
      containers:
        - name: api
          image: shop/checkout:3.1
          ports: [{ containerPort: 8080 }]
          behavior:
            listenPorts: [8080]
            logs:
              - "checkout 3.1 listening on :8080"
              - "${checkoutLog}"
              - "GET /healthz 200"
    - name: ${other}
      namespace: ${ns}
      replicas: 1
      containers:
        - name: main
          image: shop/${other}:1.2
          behavior:
            crash:
              exitCode: 1
              logs:
                - "${other} 1.2 starting"
                - "FATAL: SMTP_PASSWORD is not set"
  services:
    - { name: checkout, namespace: ${ns}, selector: { app: checkout }, ports: [8080] }
    - { name: ${service}, namespace: ${ns}, selector: { app: ${other} }, ports: [587] }
`;

describe('the baseline: the named workload beside an unrelated failure', () => {
  // Found in review, fixed: in a namespace named like the workload (checkout in namespace checkout), the plan's `beside` read and the reorder both drop the workload's own name, so the answer leads with the neighbour's crash.
  it('leads with the named workload’s logged failure when the namespace has its name', async () => {
    const text = await baselineAnswer(
      head(
        'review-named-ns',
        'checkout',
        'checkout in namespace checkout answers 500 on every order since noon. What is wrong?',
      ) +
        shopWorld(
          'checkout',
          'ERROR POST /orders failed: ledger rejected the order: column orders.currency does not exist',
          'mailer',
          'mail-out',
        ),
    );
    expect(text).toMatch(/^Root cause: [^\n]*checkout/m);
    expect(text).toMatch(/orders\.currency does not exist/);
  }, 60_000);

  it('keeps the neighbour first when the named workload’s log names its Service', async () => {
    const text = await baselineAnswer(
      head(
        'review-tied',
        'shop',
        'checkout in namespace shop answers 500 on every order since noon. What is wrong?',
      ) +
        shopWorld(
          'shop',
          'ERROR POST /orders failed: receipt: dial tcp smtp-relay:587: connect: connection refused',
          'mailer',
          'smtp-relay',
        ),
    );
    expect(text).toMatch(/^Root cause: deployment mailer/m);
  }, 60_000);
});

// --- pod-hostname ------------------------------------------------------------------------------------------

describe('pod-hostname (review)', () => {
  const NS = 'apm';
  const SERVER = 'apm-hbase-7c5d9f8b6-q2xkt';
  const CLIENT = 'apm-collector-5f6b8d7c4-2qwnm';
  const list = podList(NS, [
    [CLIENT, '1/1', 'Running', '0', '20h', '10.244.1.4', 'wk-3'],
    [SERVER, '1/1', 'Running', '0', '20h', '10.244.2.31', 'wk-2'],
  ]);
  const run = (lines: string[]) => podHostnameAnalyzer.finds(ctx(NS, [list, log(NS, CLIENT, lines)]));

  it.each([
    ['Go', `dial tcp: lookup ${SERVER} on 10.96.0.10:53: no such host`],
    ['glibc via Python', `socket.gaierror: [Errno -2] Name or service not known: '${SERVER}'`],
    ['librdkafka', `${SERVER}:9092/1: Failed to resolve '${SERVER}:9092': Name or service not known`],
    ['the FQDN', `UnknownHostException: ${SERVER}.apm.svc.cluster.local`],
  ])('finds the lookup as %s prints it', (_n, line) => {
    expect(run([line])[0]?.object).toBe(`deployment apm-hbase (pod ${SERVER})`);
  });

  // Found in review, fixed: musl's "Name does not resolve" (Alpine images, libpq's "could not translate host name") and nginx's "could not be resolved (3: Host not found)" are not in UNRESOLVED, so the same fault is missed.
  it.each([
    ['musl / libpq', `could not translate host name "${SERVER}" to address: Name does not resolve`],
    ['nginx', `[error] 7#7: *1 ${SERVER} could not be resolved (3: Host not found)`],
  ])('finds the lookup as %s prints it', (_n, line) => {
    expect(run([line])[0]?.object).toBe(`deployment apm-hbase (pod ${SERVER})`);
  });

  // Found in review, fixed: a failed lookup of another name on a line that merely mentions the server pod (the region it was talking to, a log shipper's source pod) is taken as a lookup of the pod's hostname.
  it('stays quiet when the name that does not resolve is another one on the same line', () => {
    expect(
      run([
        `region=TraceV2 on ${SERVER},16020 failed, last exception=java.net.UnknownHostException: zookeeper.apm.svc: Name or service not known`,
      ]),
    ).toEqual([]);
  });

  it('survives an empty log, a list without a NAME column and non-string names', () => {
    expect(podHostnameAnalyzer.finds(ctx(NS, [list, log(NS, CLIENT, [])]))).toEqual([]);
    expect(
      podHostnameAnalyzer.finds(ctx(NS, [observed('list_pods', { namespace: NS }, 'X  Y\n1  2')])),
    ).toEqual([]);
    const odd = observed('get_pod_logs', { namespace: NS, name: 7 }, `UnknownHostException: ${SERVER}`);
    expect(() => podHostnameAnalyzer.finds(ctx(NS, [list, odd]))).not.toThrow();
  });
});

// --- user-namespace-limit ----------------------------------------------------------------------------------

describe('user-namespace-limit (review)', () => {
  const NS = 'ci';
  const POD = 'sandbox-runner-5f9d7c6b8-h8r4t';

  // Found in review, fixed: util-linux unshare(1)'s own message ("unshare: unshare failed: No space left on device") has no `unshare(`, so the command-line form of the same call is left to the disk reading.
  it('takes util-linux unshare(1)’s message as the user-namespace limit', () => {
    expect(userNamespaceEnospc('unshare: unshare failed: No space left on device')).toBe(true);
  });

  // Found in review, fixed: podman/crun print ENOSPC and the user-namespace hint on two lines ("cannot clone: No space left on device" / "user namespaces are not enabled in /proc/sys/user/max_user_namespaces"), and the per-line test misses it.
  it('reads podman’s two-line message as the user-namespace limit', () => {
    const [f] = userNamespaceLimitAnalyzer.finds(
      ctx(NS, [
        log(NS, POD, [
          'cannot clone: No space left on device',
          'user namespaces are not enabled in /proc/sys/user/max_user_namespaces',
          'Error: cannot re-exec process',
        ]),
      ]),
    );
    expect(f?.cause ?? '').toContain('user.max_user_namespaces');
  });

  // Found in review, fixed: a write to a file path that fills the disk is taken as the user-namespace limit whenever the same line names user namespaces (a rootless build tool's context), telling the person the disk is not it.
  it('leaves a write to a full filesystem on a line that also names user namespaces', () => {
    expect(
      userNamespaceEnospc(
        'buildah (rootless, user namespaces): Error: committing container: write /var/tmp/buildah123/layer.tar: no space left on device',
      ),
    ).toBe(false);
  });

  // Found in review, fixed: a pod of the Deployment that is Pending and unscheduled (NODE <none>) is listed as a node it "fails on".
  it('names no "<none>" node among the nodes it fails on', () => {
    const list = podList(NS, [
      [POD, '0/1', 'CrashLoopBackOff', '9', '1h', '10.244.3.2', 'pool-new-1'],
      ['sandbox-runner-5f9d7c6b8-zz9kq', '0/1', 'Pending', '0', '1h', '<none>', '<none>'],
      ['sandbox-runner-5f9d7c6b8-q2xlm', '1/1', 'Running', '0', '60d', '10.244.1.2', 'pool-old-1'],
    ]);
    const [f] = userNamespaceLimitAnalyzer.finds(
      ctx(NS, [list, log(NS, POD, ['unshare(CLONE_NEWUSER): no space left on device'])]),
    );
    expect(f?.cause).toContain('fail on pool-new-1 and run on pool-old-1');
    expect(f?.cause).not.toContain('<none>');
  });

  it('stays quiet on a crash of a StatefulSet pod with a full volume, and names the pod when it is no Deployment’s', () => {
    expect(
      userNamespaceLimitAnalyzer.finds(
        ctx(NS, [log(NS, 'runner-0', ['write /data/x: no space left on device'])]),
      ),
    ).toEqual([]);
    const [f] = userNamespaceLimitAnalyzer.finds(
      ctx(NS, [log(NS, 'runner-0', ['clone(CLONE_NEWUSER) failed: ENOSPC'])]),
    );
    expect(f?.object).toBe('pod runner-0');
    expect(f?.advice).toContain('the workload');
  });

  it('reads many long near-matching lines in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () =>
        userNamespaceLimitAnalyzer.finds(
          ctx(NS, [log(NS, POD, many(`${'user namespace unshare( '.repeat(160)}no space left on devic`))]),
        ),
      () => userNamespaceLimitAnalyzer.finds(ctx(NS, [log(NS, POD, many('x'.repeat(3900)))])),
    );
  });
});

// --- hostpath-missing --------------------------------------------------------------------------------------

const hostPod = (name: string, message: string, volumes: string[]) =>
  observed(
    'describe_pod',
    { namespace: 'obs', name },
    [
      `Name:             ${name}`,
      'Namespace:        obs',
      'Node:             pool-b-4h8tq/10.0.3.7',
      'Status:           Pending',
      'Controlled By:    DaemonSet/node-agent',
      'Containers:',
      '  agent:',
      '    State:          Waiting',
      '      Reason:       CreateContainerError',
      `      Message:      ${message}`,
      'Volumes:',
      ...volumes,
      'QoS Class:        BestEffort',
      'Events:  <none>',
    ].join('\n'),
  );

describe('hostpath-missing (review)', () => {
  // Found in review, fixed: a missing subPath directory the kubelet prepares under /var/lib/kubelet/pods (a ConfigMap's subPath) is blamed on a hostPath volume that mounts /var/lib/kubelet/pods, and the advice is to restore that node directory.
  it('leaves a kubelet subPath path under a hostPath mount of the kubelet’s own directory', () => {
    const d = hostPod(
      'node-agent-x7k2p',
      'lstat /var/lib/kubelet/pods/3f1c2a9e-7b7d-4d8e-9d1a-2c1b0f6e5a41/volume-subpaths/config/agent/0: no such file or directory',
      [
        '  config:',
        '    Type:      ConfigMap (a volume populated by a ConfigMap)',
        '    Name:      agent-config',
        '  pods:',
        '    Type:          HostPath (bare host directory volume)',
        '    Path:          /var/lib/kubelet/pods',
        '    HostPathType:  ',
      ],
    );
    expect(hostPathMissingAnalyzer.finds(ctx('obs', [d]))).toEqual([]);
  });

  // Found in review, fixed: the kubelet's type check for a socket or device ("hostPath type check failed: /var/run/docker.sock is not a socket file", a runtime socket missing on containerd nodes) is not matched.
  it('finds a hostPath socket missing on the node', () => {
    const d = hostPod(
      'node-agent-x7k2p',
      'MountVolume.SetUp failed for volume "docker-sock" : hostPath type check failed: /var/run/docker.sock is not a socket file',
      [
        '  docker-sock:',
        '    Type:          HostPath (bare host directory volume)',
        '    Path:          /var/run/docker.sock',
        '    HostPathType:  Socket',
      ],
    );
    expect(hostPathMissingAnalyzer.finds(ctx('obs', [d]))[0]?.cause).toContain('/var/run/docker.sock');
  });

  it('names the DaemonSet pod as a pod and the node from `Node: name/ip`', () => {
    const d = hostPod('node-agent-x7k2p', 'lstat /srv/agent/spool: no such file or directory', [
      '  spool:',
      '    Type:          HostPath (bare host directory volume)',
      '    Path:          /srv/agent',
      '    HostPathType:  ',
    ]);
    const [f] = hostPathMissingAnalyzer.finds(ctx('obs', [d]));
    expect(f?.object).toBe('pod node-agent-x7k2p');
    expect(f?.cause).toContain('on node pool-b-4h8tq, the node the pod was scheduled to');
    expect(f?.cause).not.toContain('10.0.3.7');
  });

  it('stays quiet on a description of another namespace, and survives one without volumes', () => {
    const other = observed(
      'describe_pod',
      { namespace: 'other', name: 'x' },
      'Node: n1\n  Message: lstat /srv/agent/spool: no such file or directory\nVolumes:\n  s:\n    Type: HostPath\n    Path: /srv/agent',
    );
    expect(hostPathMissingAnalyzer.finds(ctx('obs', [other]))).toEqual([]);
    const bare = observed(
      'describe_pod',
      { namespace: 'obs', name: 'x' },
      'lstat /a: no such file or directory',
    );
    expect(hostPathMissingAnalyzer.finds(ctx('obs', [bare]))).toEqual([]);
    expect(hostPathMissingAnalyzer.reads(ctx('obs', [bare]))).toEqual([]);
  });

  it('reads a description of long near-matching lines in bounded time', () => {
    const body = (l: string) => Array.from({ length: 100 }, () => l).join('\n');
    const run = (l: string) => () =>
      hostPathMissingAnalyzer.finds(
        ctx('obs', [observed('describe_pod', { namespace: 'obs', name: 'x' }, body(l))]),
      );
    expectBounded(run(`lstat /${'a/'.repeat(990)}: no such fil`), run('x'.repeat(1990)));
  });
});

// --- wrong-nameserver --------------------------------------------------------------------------------------

describe('wrong-nameserver (review)', () => {
  const NS = 'edge';
  const POD = 'edge-gateway-6f8d9c7b54-r8m2w';
  const list = podList(NS, [
    ['edge-gateway-6f8d9c7b54-gqrkq', '1/1', 'Running', '0', '2d', '10.244.1.5', 'pool-a-2'],
    [POD, '0/1', 'CrashLoopBackOff', '63', '6h', '10.244.7.12', 'pool-b-7'],
  ]);
  const dns = observed(
    'list_services',
    { namespace: 'kube-system' },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'],
      ['kube-dns', 'ClusterIP', '10.96.0.10', '53/UDP,53/TCP'],
    ]),
  );
  // The pod's spec, read since the review: the kubelet gives the resolver only with dnsPolicy ClusterFirst.
  const clusterFirst = observed(
    'get_resource',
    { kind: 'Pod', namespace: NS, name: POD },
    `metadata:\n  name: ${POD}\nspec:\n  dnsPolicy: ClusterFirst`,
  );
  const run = (line: string) =>
    wrongNameserverAnalyzer.finds(ctx(NS, [list, dns, clusterFirst, log(NS, POD, [line])]));

  // Found in review, fixed: with NodeLocal DNSCache the kubelet's clusterDNS is the link-local 169.254.20.10 by design; a timeout there is the node's node-local-dns pod, and the advice to point clusterDNS at kube-dns is wrong.
  it('does not blame the kubelet for lookups to the NodeLocal DNSCache address', () => {
    const [f] = run(
      'dial tcp: lookup edge-redis.edge.svc.cluster.local on 169.254.20.10:53: read udp 10.244.7.12:41873->169.254.20.10:53: i/o timeout',
    );
    expect(f?.advice ?? '').not.toMatch(/set the kubelet's clusterDNS/);
  });

  // Found in review, fixed: a pod with dnsPolicy Default (or None, or hostNetwork) takes its resolver from the node or its own dnsConfig, not the kubelet's clusterDNS; the rule reads no pod spec and still tells the person to change the kubelet.
  it('does not blame the kubelet for a pod whose own spec sets dnsPolicy Default', () => {
    const spec = observed(
      'get_resource',
      { kind: 'Pod', namespace: NS, name: POD },
      `metadata:\n  name: ${POD}\nspec:\n  dnsPolicy: Default\n  hostNetwork: false`,
    );
    const [f] = wrongNameserverAnalyzer.finds(
      ctx(NS, [
        list,
        dns,
        spec,
        log(NS, POD, [
          'dial tcp: lookup api.stripe.com on 10.0.0.2:53: read udp 10.244.7.12:5353->10.0.0.2:53: i/o timeout',
        ]),
      ]),
    );
    expect(f?.advice ?? '').not.toMatch(/set the kubelet's clusterDNS/);
  });

  // Found in review, fixed: a clusterDNS pointing at the VPC resolver answers NXDOMAIN for cluster names ("lookup x.svc.cluster.local on 10.0.0.2:53: no such host"), and NO_ANSWER leaves that common form of the same fault out.
  it('finds lookups of cluster names answered "no such host" by a resolver that is not the cluster DNS', () => {
    const [f] = run('dial tcp: lookup edge-redis.edge.svc.cluster.local on 10.0.0.2:53: no such host');
    expect(f?.cause).toContain('sends its DNS lookups to 10.0.0.2');
  });

  it('uses the newest kube-system listing and survives one without a CLUSTER-IP column', () => {
    const line = 'lookup edge-redis on 10.96.0.100:53: i/o timeout';
    const bad = observed('list_services', { namespace: 'kube-system' }, 'NAME  TYPE\nkube-dns  ClusterIP');
    expect(wrongNameserverAnalyzer.finds(ctx(NS, [list, bad, log(NS, POD, [line])]))).toEqual([]);
    const moved = observed(
      'list_services',
      { namespace: 'kube-system' },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'],
        ['kube-dns', 'ClusterIP', '10.96.0.100', '53/UDP'],
      ]),
    );
    expect(wrongNameserverAnalyzer.finds(ctx(NS, [list, dns, moved, log(NS, POD, [line])]))).toEqual([]);
  });

  it('does not count a running pod of the Deployment on the same node as one that resolves elsewhere', () => {
    const same = podList(NS, [
      ['edge-gateway-6f8d9c7b54-gqrkq', '1/1', 'Running', '0', '2d', '10.244.7.5', 'pool-b-7'],
      [POD, '0/1', 'CrashLoopBackOff', '63', '6h', '10.244.7.12', 'pool-b-7'],
    ]);
    const [f] = wrongNameserverAnalyzer.finds(
      ctx(NS, [same, dns, clusterFirst, log(NS, POD, ['lookup edge-redis on 10.96.0.100:53: i/o timeout'])]),
    );
    expect(f?.cause).toContain('sends its DNS lookups to 10.96.0.100');
    expect(f?.cause).not.toContain('resolve and run');
  });

  it('reads long near-matching lines in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    const run2 = (s: string) => () =>
      wrongNameserverAnalyzer.finds(ctx(NS, [list, dns, log(NS, POD, many(s))]));
    expectBounded(run2(`${'lookup a on 1.2.3.4:5 '.repeat(170)} i/o timeou`), run2('x'.repeat(3900)));
  });
});

// --- service-link-value: "appears to be a URI" -----------------------------------------------------------

describe('service-link-value: vLLM’s ValueError (review)', () => {
  const NS = 'llm-serving';
  const POD = 'chat-engine-7khphjh5b-dvkn2';
  const line =
    "ValueError: VLLM_PORT 'tcp://10.96.140.23:8000' appears to be a URI. This may be caused by a Kubernetes service discovery issue";
  const svcs = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
      ['vllm', 'ClusterIP', '10.96.140.23', '8000/TCP', '3d'],
    ]),
  );
  const desc = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      `Name:             ${POD}`,
      'Controlled By:    ReplicaSet/chat-engine-7khphjh5b',
      'Containers:',
      '  engine:',
      '    Port:           8000/TCP',
      '    State:          Waiting',
    ].join('\n'),
  );

  it('blames the vllm Service’s injected VLLM_PORT', () => {
    const [f] = serviceLinkValueAnalyzer.finds(
      ctx(NS, [svcs, desc, log(NS, POD, [line], { previous: true })]),
    );
    expect(f?.object).toBe(`deployment chat-engine (pod ${POD})`);
    expect(f?.cause).toContain('VLLM_PORT');
    expect(f?.advice).toMatch(/enableServiceLinks: false|rename the Service vllm/);
  });

  // Found in review, fixed: VLLM_PORT is vLLM's own internal port, not the port of a Service it connects to; the finding says so and its fix sets VLLM_PORT to the Service's port 8000, the API server's own port, which vLLM's documentation warns against.
  it('does not call VLLM_PORT the port of a Service the program connects to, nor set it to the API port', () => {
    const [f] = serviceLinkValueAnalyzer.finds(
      ctx(NS, [svcs, desc, log(NS, POD, [line], { previous: true })]),
    );
    expect(f?.cause).not.toContain('the Service it connects to');
    expect(f?.fix?.text ?? '').not.toContain('VLLM_PORT=8000');
  });

  it('stays quiet when the URI-like value is no Service’s address', () => {
    const other = line.replace('10.96.140.23', '10.96.9.9');
    expect(serviceLinkValueAnalyzer.finds(ctx(NS, [svcs, desc, log(NS, POD, [other])]))).toEqual([]);
  });
});
