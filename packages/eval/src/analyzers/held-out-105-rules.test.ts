import { describe, expect, it } from 'vitest';
import { bareForbiddenAnalyzer } from './bare-forbidden.js';
import { droppedSidecarAnalyzer } from './dropped-sidecar.js';
import { hostPathMissingAnalyzer } from './hostpath-missing.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { podHostnameAnalyzer } from './pod-hostname.js';
import { serviceLinkValueAnalyzer } from './service-links.js';
import { userNamespaceEnospc, userNamespaceLimitAnalyzer } from './user-namespace-limit.js';
import { wrongNameserverAnalyzer } from './wrong-nameserver.js';

// General rules written after held-out sets 105 and 106's first contact (0 of 9, 1 of 7), each with its
// table; the worlds' answers are in held-out-answers.test.ts, the reorder toward the named workload in
// ../baseline/named-first.test.ts.

const podList = (ns: string, rows: string[][]) =>
  observed(
    'list_pods',
    { namespace: ns },
    table([['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'], ...rows]),
  );

// --- pod-hostname ------------------------------------------------------------------------------------------

describe('pod-hostname: a client cannot resolve the pod hostname a server registered', () => {
  const NS = 'apm';
  const list = podList(NS, [
    ['apm-collector-5f6b8d7c4-2qwnm', '1/1', 'Running', '0', '20h', '10.244.1.4', 'wk-3'],
    ['apm-hbase-7c5d9f8b6-q2xkt', '1/1', 'Running', '0', '20h', '10.244.2.31', 'wk-2'],
  ]);
  const line =
    '2026-04-21 09:31:07.552 WARN AsyncRequestFutureImpl -- table=TraceV2, last exception=java.net.UnknownHostException: apm-hbase-7c5d9f8b6-q2xkt on apm-hbase-7c5d9f8b6-q2xkt,16020,1776692473551';

  it("names the server's Deployment, the client, the lookup and the headless Service or subdomain it lacks", () => {
    const [f] = podHostnameAnalyzer.finds(
      ctx(NS, [list, log(NS, 'apm-collector-5f6b8d7c4-2qwnm', ['ok', line])]),
    );
    expect(f?.object).toBe('deployment apm-hbase (pod apm-hbase-7c5d9f8b6-q2xkt)');
    expect(f?.cause).toContain('apm-collector-5f6b8d7c4-2qwnm looks up apm-hbase-7c5d9f8b6-q2xkt');
    expect(f?.cause).toContain('2026-04-21 09:31:07.552');
    expect(f?.cause).toMatch(/headless Service/);
    expect(f?.advice).toMatch(/StatefulSet .*subdomain/);
  });

  it.each([
    ['a name that is no pod of the namespace', 'java.net.UnknownHostException: apm-hbase-0.apm-hbase'],
    ['a pod name without a failed lookup', 'connected to apm-hbase-7c5d9f8b6-q2xkt,16020'],
    ['a longer name that only contains the pod name', 'UnknownHostException: xapm-hbase-7c5d9f8b6-q2xkt'],
  ])('stays quiet on %s', (_name, l) => {
    expect(podHostnameAnalyzer.finds(ctx(NS, [list, log(NS, 'apm-collector-5f6b8d7c4-2qwnm', [l])]))).toEqual(
      [],
    );
  });

  it('leaves a pod that cannot resolve its own name, and a StatefulSet pod (it has a record under its Service)', () => {
    expect(podHostnameAnalyzer.finds(ctx(NS, [list, log(NS, 'apm-hbase-7c5d9f8b6-q2xkt', [line])]))).toEqual(
      [],
    );
    const sts = podList(NS, [['hbase-0', '1/1', 'Running', '0', '20h', '10.244.2.31', 'wk-2']]);
    expect(
      podHostnameAnalyzer.finds(
        ctx(NS, [sts, log(NS, 'apm-collector-5f6b8d7c4-2qwnm', ['UnknownHostException: hbase-0'])]),
      ),
    ).toEqual([]);
  });

  it('reads long lines in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () =>
        podHostnameAnalyzer.finds(
          ctx(NS, [list, log(NS, 'c', many(`UnknownHostException: ${'apm-hbase-'.repeat(390)}`))]),
        ),
      () => podHostnameAnalyzer.finds(ctx(NS, [list, log(NS, 'c', many('x'.repeat(3900)))])),
    );
  });
});

// --- user-namespace-limit ----------------------------------------------------------------------------------

describe('user-namespace-limit: ENOSPC from creating a user namespace is a node limit, not a disk', () => {
  const NS = 'ai-workspaces';
  const list = podList(NS, [
    [
      'agent-runner-5f9d7c6b8-h8r4t',
      '0/1',
      'CrashLoopBackOff',
      '231',
      '22h',
      '10.244.3.2',
      'pool-hard-8w4ns',
    ],
    [
      'agent-runner-5f9d7c6b8-m2x9c',
      '0/1',
      'CrashLoopBackOff',
      '230',
      '22h',
      '10.244.4.2',
      'pool-hard-p7c5x',
    ],
    ['agent-runner-5f9d7c6b8-q2xlm', '1/1', 'Running', '0', '64d', '10.244.1.2', 'pool-std-6d2kq'],
  ]);
  const nodes = observed(
    'list_nodes',
    {},
    table([
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      ['pool-hard-8w4ns', 'Ready', '<none>', '22h', 'v1.32.0'],
      ['pool-hard-p7c5x', 'Ready', '<none>', '22h', 'v1.32.0'],
      ['pool-std-6d2kq', 'Ready', '<none>', '120d', 'v1.32.0'],
    ]),
  );
  const crash = log(NS, 'agent-runner-5f9d7c6b8-h8r4t', [
    'agent-runner 1.6.0: starting worker',
    'boundary: failed to create jail: unshare(CLONE_NEWUSER|CLONE_NEWNET): no space left on device',
  ]);

  it('names the sysctl, says the disk is not it, and names the nodes it fails on (the new ones) and runs on', () => {
    const [f] = userNamespaceLimitAnalyzer.finds(ctx(NS, [list, nodes, crash]));
    expect(f?.object).toBe('deployment agent-runner (pod agent-runner-5f9d7c6b8-h8r4t)');
    expect(f?.cause).toContain('user.max_user_namespaces');
    expect(f?.cause).toContain('not the disk');
    expect(f?.cause).toContain(
      'fail on pool-hard-8w4ns, pool-hard-p7c5x, the new nodes and run on pool-std-6d2kq',
    );
    expect(f?.advice).toContain('bigger disks will not help');
  });

  it('says nothing of new nodes when the ages do not tell them apart, nor of nodes when every pod fails', () => {
    const same = observed(
      'list_nodes',
      {},
      table([
        ['NAME', 'AGE'],
        ['pool-hard-8w4ns', '100d'],
        ['pool-hard-p7c5x', '100d'],
        ['pool-std-6d2kq', '120d'],
      ]),
    );
    expect(userNamespaceLimitAnalyzer.finds(ctx(NS, [list, same, crash]))[0]?.cause).not.toContain(
      'new nodes',
    );
    const all = podList(NS, [
      [
        'agent-runner-5f9d7c6b8-h8r4t',
        '0/1',
        'CrashLoopBackOff',
        '231',
        '22h',
        '10.244.3.2',
        'pool-hard-8w4ns',
      ],
    ]);
    expect(userNamespaceLimitAnalyzer.finds(ctx(NS, [all, nodes, crash]))[0]?.cause).not.toContain('fail on');
  });

  it.each([
    ['unshare(CLONE_NEWUSER): no space left on device', true],
    ['bwrap: Creating new namespace failed: No space left on device', true],
    ['newuidmap: write to uid_map failed: No space left on device', true],
    ['write /data/wal/000001.log: no space left on device', false],
    ['inotify_add_watch: no space left on device', false],
    ['user namespaces are enabled', false],
  ])('userNamespaceEnospc(%j) is %s', (line, expected) => {
    expect(userNamespaceEnospc(line)).toBe(expected);
  });

  it('leaves a full volume to the crash signature', () => {
    expect(
      userNamespaceLimitAnalyzer.finds(
        ctx(NS, [list, log(NS, 'agent-runner-5f9d7c6b8-h8r4t', ['write /data/x: no space left on device'])]),
      ),
    ).toEqual([]);
  });
});

// --- hostpath-missing --------------------------------------------------------------------------------------

describe("hostpath-missing: a hostPath directory missing on the pod's node", () => {
  const NS = 'provenance';
  const POD = 'lineage-graph-jck2j6lvm-8ksvp';
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    `${describedPodText({ ns: NS, name: POD, claims: ['databases'] })
      .replace(
        'Status:           Running',
        'Node:             pool-b-4h8tq\nStatus:           Pending\nControlled By:    ReplicaSet/lineage-graph-jck2j6lvm',
      )
      .replace(
        '    State:          Running',
        '    State:          Waiting\n      Reason:       CreateContainerError\n      Message:      lstat /mnt/graphdata/lineage: no such file or directory',
      )
      .replace('ClaimName:  databases', 'ClaimName:  lineage-graph-databases')}`,
  );
  const pvc = observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'lineage-graph-databases', namespace: NS },
    'Name:         lineage-graph-databases\nSpec:\n  storageClassName: manual\n  volumeName: lineage-graph-pv\nStatus:\n  phase: Bound',
  );
  const pv = observed(
    'describe_resource',
    { kind: 'PersistentVolume', name: 'lineage-graph-pv' },
    'Name:         lineage-graph-pv\nSpec:\n  storageClassName: manual\n  hostPath.path: /mnt/graphdata/lineage\n  claimRef.name: lineage-graph-databases',
  );

  it('reads the claim, then its volume', () => {
    expect(hostPathMissingAnalyzer.reads(ctx(NS, [pod]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', name: 'lineage-graph-databases', namespace: NS },
      },
    ]);
    expect(hostPathMissingAnalyzer.reads(ctx(NS, [pod, pvc]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'PersistentVolume', name: 'lineage-graph-pv' } },
    ]);
    expect(hostPathMissingAnalyzer.reads(ctx(NS, [pod, pvc, pv]))).toEqual([]);
  });

  it('names the hostPath volume, the path, the node and the missing affinity; the claim is not the fault', () => {
    const [f] = hostPathMissingAnalyzer.finds(ctx(NS, [pod, pvc, pv]));
    expect(f?.object).toBe(`deployment lineage-graph (pod ${POD})`);
    expect(f?.weight).toBeGreaterThan(94);
    expect(f?.cause).toContain(
      'PersistentVolume lineage-graph-pv (claim lineage-graph-databases) is a hostPath volume',
    );
    expect(f?.cause).toContain('does not exist on node pool-b-4h8tq');
    expect(f?.cause).toContain('"lstat /mnt/graphdata/lineage: no such file or directory"');
    expect(f?.cause).toContain('no node affinity');
    expect(f?.cause).toContain('The claim is Bound');
  });

  it("a pod's own hostPath volume, and a path below it", () => {
    const own = observed(
      'describe_pod',
      { namespace: NS, name: 'agent-x' },
      'Name: agent-x\nNode:             n1\nContainers:\n  a:\n    State:          Waiting\n      Message:      lstat /var/lib/agent/cache: no such file or directory\nVolumes:\n  cache:\n    Type:          HostPath (bare host directory volume)\n    Path:          /var/lib/agent\n    HostPathType:  \n',
    );
    const [f] = hostPathMissingAnalyzer.finds(ctx(NS, [own]));
    expect(f?.cause).toContain('the volume cache is a hostPath volume, path /var/lib/agent');
  });

  it.each([
    ['a volume of another path', '/srv/other'],
    ['a path that only starts like it', '/mnt/graphdata/lineage2'],
  ])('stays quiet on %s', (_name, path) => {
    const other = observed(
      'describe_resource',
      { kind: 'PersistentVolume', name: 'lineage-graph-pv' },
      `Spec:\n  hostPath.path: ${path}`,
    );
    const p =
      path === '/srv/other'
        ? pod
        : observed(
            'describe_pod',
            { namespace: NS, name: POD },
            pod.content.replace('/mnt/graphdata/lineage:', '/mnt/graphdata/lineage2x:'),
          );
    expect(hostPathMissingAnalyzer.finds(ctx(NS, [p, pvc, other]))).toEqual([]);
  });
});

// --- wrong-nameserver --------------------------------------------------------------------------------------

describe('wrong-nameserver: lookups sent to an address that is not the cluster DNS', () => {
  const NS = 'edge';
  const list = podList(NS, [
    ['edge-gateway-6f8d9c7b54-gqrkq', '1/1', 'Running', '0', '2d', '10.244.1.5', 'pool-a-2'],
    ['edge-gateway-6f8d9c7b54-r8m2w', '0/1', 'CrashLoopBackOff', '63', '6h', '10.244.7.12', 'pool-b-7'],
  ]);
  const lookup = log(NS, 'edge-gateway-6f8d9c7b54-r8m2w', [
    'level=warning msg="redis: attempt 1/5 failed: dial tcp: lookup edge-redis.edge.svc.cluster.local on 10.96.0.100:53: read udp 10.244.7.12:41873->10.96.0.100:53: i/o timeout"',
  ]);
  const dns = observed(
    'list_services',
    { namespace: 'kube-system' },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'],
      ['kube-dns', 'ClusterIP', '10.96.0.10', '53/UDP,53/TCP'],
    ]),
  );

  const spec = (policy: string, hostNetwork = false) =>
    observed(
      'get_resource',
      { kind: 'Pod', name: 'edge-gateway-6f8d9c7b54-r8m2w', namespace: NS },
      `spec:\n  dnsPolicy: ${policy}\n  hostNetwork: ${hostNetwork}\n  containers: []`,
    );

  it("reads kube-system's Services and the pod's spec when a lookup to a resolver failed", () => {
    expect(wrongNameserverAnalyzer.reads(ctx(NS, [list, lookup]))).toEqual([
      { tool: 'list_services', args: { namespace: 'kube-system' } },
    ]);
    expect(wrongNameserverAnalyzer.reads(ctx(NS, [list, lookup, dns]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Pod', name: 'edge-gateway-6f8d9c7b54-r8m2w', namespace: NS } },
    ]);
    expect(wrongNameserverAnalyzer.reads(ctx(NS, [list, lookup, dns, spec('ClusterFirst')]))).toEqual([]);
  });

  it.each([
    ['dnsPolicy Default (the node resolver)', spec('Default')],
    ['dnsPolicy None (its own dnsConfig)', spec('None')],
    ['host network with ClusterFirst (the node resolver)', spec('ClusterFirst', true)],
  ])('does not blame the kubelet for a pod with %s, nor before its spec is read', (_name, s) => {
    expect(wrongNameserverAnalyzer.finds(ctx(NS, [list, lookup, dns, s]))).toEqual([]);
    expect(wrongNameserverAnalyzer.finds(ctx(NS, [list, lookup, dns]))).toEqual([]);
  });

  it("names the wrong address, the DNS Service's, the node's kubelet and the replicas that resolve", () => {
    const [f] = wrongNameserverAnalyzer.finds(ctx(NS, [list, lookup, dns, spec('ClusterFirst')]));
    expect(f?.object).toBe('deployment edge-gateway (pod edge-gateway-6f8d9c7b54-r8m2w)');
    expect(f?.cause).toContain('on node pool-b-7 sends its DNS lookups to 10.96.0.100');
    expect(f?.cause).toContain('kube-dns in kube-system is at 10.96.0.10');
    expect(f?.cause).toContain("node pool-b-7's kubelet");
    expect(f?.cause).toContain('on pool-a-2 resolve');
  });

  it('stays quiet when the lookups go to the cluster DNS (CoreDNS itself is the question then)', () => {
    const right = log(NS, 'edge-gateway-6f8d9c7b54-r8m2w', [
      'lookup edge-redis on 10.96.0.10:53: i/o timeout',
    ]);
    expect(wrongNameserverAnalyzer.finds(ctx(NS, [list, right, dns, spec('ClusterFirst')]))).toEqual([]);
    expect(wrongNameserverAnalyzer.finds(ctx(NS, [list, lookup]))).toEqual([]);
  });
});

// --- service links: a value the program says "appears to be a URI" ------------------------------------------

describe('service-link-value: a value the program calls a URI was not taken', () => {
  it("reads the namespace's Services on vLLM's ValueError", () => {
    const NS = 'llm-serving';
    const l = log(NS, 'chat-engine-7khphjh5b-dvkn2', [
      "ValueError: VLLM_PORT 'tcp://10.96.140.23:8000' appears to be a URI. This may be caused by a Kubernetes service discovery issue",
    ]);
    expect(serviceLinkValueAnalyzer.reads(ctx(NS, [l]))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
    ]);
  });
});

// --- bare-forbidden ----------------------------------------------------------------------------------------

describe("bare-forbidden: a bare 403 from the API while the account's Role lacks a resource the log names", () => {
  const NS = 'storefront';
  const POD = 'shop-router-b8zk2dc49-v6qsw';
  const logLines = [
    'level=info msg="Kubernetes: restricting to namespace storefront, ingress class shop, routegroups enabled"',
    'level=error msg="failed to load all: request failed, status: 403, 403 Forbidden"',
  ];
  const deployment = observed(
    'get_resource',
    { kind: 'Deployment', name: 'shop-router', namespace: NS },
    'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: shop-router\n      containers: []',
  );
  const bindings = observed(
    'list_resources',
    { kind: 'RoleBinding', namespace: NS },
    'NAME          STATUS   AGE\nshop-router   -        160d',
  );
  const crds = observed(
    'list_resources',
    { kind: 'CustomResourceDefinition' },
    'NAME                      STATUS   AGE\nroutegroups.zalando.org   -        29h',
  );
  const binding = observed(
    'describe_resource',
    { kind: 'RoleBinding', name: 'shop-router', namespace: NS },
    'Name:         shop-router\nRoleRef:\n  kind: Role\n  name: shop-router\nSubjects:\n  0.kind: ServiceAccount\n  0.name: shop-router',
  );
  const role = (extra = '') =>
    observed(
      'describe_resource',
      { kind: 'Role', name: 'shop-router', namespace: NS },
      `Name:         shop-router\nRules:\n  0.apiGroups[0]: networking.k8s.io\n  0.resources[0]: ingresses\n  0.verbs[0]: get\n  0.verbs[1]: list\n  0.verbs[2]: watch\n  1.apiGroups[0]: \n  1.resources[0]: services\n  1.verbs[0]: list\n${extra}`,
    );
  const all = (l = logLines, r = role()) => [log(NS, POD, l), deployment, bindings, crds, binding, r];

  it("reads the Deployment's account, the bindings and the custom resources, then the bound Role", () => {
    expect(bareForbiddenAnalyzer.reads(ctx(NS, [log(NS, POD, logLines)]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Deployment', name: 'shop-router', namespace: NS } },
      { tool: 'list_resources', args: { kind: 'RoleBinding', namespace: NS } },
      { tool: 'list_resources', args: { kind: 'CustomResourceDefinition' } },
    ]);
    expect(
      bareForbiddenAnalyzer.reads(ctx(NS, [log(NS, POD, logLines), deployment, bindings, crds, binding])),
    ).toEqual([{ tool: 'describe_resource', args: { kind: 'Role', name: 'shop-router', namespace: NS } }]);
  });

  it('names the account, the Role, what it grants and the resource it lacks, and adds a read-only rule for it', () => {
    const [f] = bareForbiddenAnalyzer.finds(ctx(NS, all()));
    expect(f?.object).toBe(`deployment shop-router (pod ${POD})`);
    expect(f?.cause).toContain(
      'ServiceAccount shop-router, whose Role shop-router (RoleBinding shop-router) grants only ingresses; services',
    );
    expect(f?.cause).toContain('lacks any rule for routegroups (API group zalando.org)');
    expect(f?.fix?.tool).toBe('set_role_rules');
    const rules = (f?.fix?.args['rules'] ?? []) as {
      resources: string[];
      apiGroups: string[];
      verbs: string[];
    }[];
    expect(rules).toHaveLength(3);
    expect(rules[0]?.resources).toEqual(['ingresses']);
    expect(rules[2]).toEqual({
      apiGroups: ['zalando.org'],
      resources: ['routegroups'],
      verbs: ['get', 'list', 'watch'],
    });
  });

  it.each([
    [
      'the Role already grants the resource',
      all(
        logLines,
        role('  2.apiGroups[0]: zalando.org\n  2.resources[0]: routegroups\n  2.verbs[0]: list\n'),
      ),
    ],
    [
      'the log holds the API server sentence (the rbac analyzer reads it)',
      all([
        ...logLines,
        'E1 reflector.go: routegroups.zalando.org is forbidden: User \\"system:serviceaccount:storefront:shop-router\\" cannot list resource \\"routegroups\\"',
      ]),
    ],
    [
      'the program says nothing of Kubernetes (a 403 from some web API)',
      all(['GET https://api.vendor.example/routegroups status: 403 Forbidden']),
    ],
    [
      'the log names no resource the Role lacks',
      all(['Kubernetes client started', 'status: 403, 403 Forbidden']),
    ],
  ])('stays quiet when %s', (_name, seen) => {
    expect(bareForbiddenAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  it('reads long logs in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () => bareForbiddenAnalyzer.finds(ctx(NS, all(many(`kubernetes 403 ${'forbidden 403 '.repeat(260)}`)))),
      () => bareForbiddenAnalyzer.finds(ctx(NS, all(many('x'.repeat(3900))))),
    );
  });
});

// --- bare-forbidden: the binding names another account (set 105's WSO2 world) ----------------------------

describe('bare-forbidden: a 403 for an API URL while the only binding names another ServiceAccount', () => {
  const NS = 'idp';
  const POD = 'keyring-7d9c5b8f6-q2w8e';
  const logLines = [
    'INFO kubernetes membership: [api-server] https://10.96.0.1:443 [namespace] idp [services] keyring-peers',
    'Caused by: java.io.IOException: Server returned HTTP response code: 403 for URL: https://10.96.0.1:443/api/v1/namespaces/idp/endpoints/keyring-peers',
  ];
  const deployment = observed(
    'get_resource',
    { kind: 'Deployment', name: 'keyring', namespace: NS },
    'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: keyring-runtime\n      containers: []',
  );
  const bindings = observed(
    'list_resources',
    { kind: 'RoleBinding', namespace: NS },
    'NAME          STATUS   AGE\npeer-lookup   -        90d',
  );
  const crds = observed('list_resources', { kind: 'CustomResourceDefinition' }, 'No resources found');
  const binding = (account = 'keyring-legacy') =>
    observed(
      'describe_resource',
      { kind: 'RoleBinding', name: 'peer-lookup', namespace: NS },
      `Name:         peer-lookup\nRoleRef:\n  kind: Role\n  name: endpoint-reader\nSubjects:\n  0.kind: ServiceAccount\n  0.name: ${account}`,
    );
  const role = (resource = 'endpoints') =>
    observed(
      'describe_resource',
      { kind: 'Role', name: 'endpoint-reader', namespace: NS },
      `Name:         endpoint-reader\nRules:\n  0.apiGroups[0]: \n  0.resources[0]: ${resource}\n  0.verbs[0]: get\n  0.verbs[1]: list\n`,
    );
  const all = (l = logLines, b = binding(), r = role()) => [
    log(NS, POD, l),
    deployment,
    bindings,
    crds,
    b,
    r,
  ];

  it('reads the Role of each binding when none names the account', () => {
    expect(
      bareForbiddenAnalyzer.reads(ctx(NS, [log(NS, POD, logLines), deployment, bindings, crds, binding()])),
    ).toEqual([
      { tool: 'describe_resource', args: { kind: 'Role', name: 'endpoint-reader', namespace: NS } },
    ]);
  });

  it('names the binding, the account it binds and the account the pods run as, on the pod', () => {
    const [f] = bareForbiddenAnalyzer.finds(ctx(NS, all()));
    expect(f?.object).toBe(`deployment keyring (pod ${POD})`);
    expect(f?.cause).toContain(
      'the RoleBinding peer-lookup binds the Role endpoint-reader, which grants get on endpoints, to the ServiceAccount idp/keyring-legacy, not to keyring-runtime',
    );
    expect(f?.advice).toContain(
      'add the ServiceAccount keyring-runtime (namespace idp) to the subjects of RoleBinding peer-lookup',
    );
  });

  it.each([
    [
      'the binding names the account (the Role lacks the resource instead)',
      all(logLines, binding('keyring-runtime')),
    ],
    ['the bound Role grants something else', all(logLines, binding(), role('configmaps'))],
    [
      'the 403 is for a URL outside the API',
      all(['kubernetes peer lookup', 'HTTP response code: 403 for URL: https://auth.example.com/login']),
    ],
  ])('stays quiet when %s', (_name, seen) => {
    expect(bareForbiddenAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});

// --- dropped-sidecar: the server moved into a Deployment of the same namespace -----------------------------

describe('dropped-sidecar: a sidecar moved into its own Deployment beside the pod', () => {
  const NS = 'identity';
  const POD = 'oathkeeper-74hs66nsj8-cvq6j';
  const failure = log(NS, POD, [
    'level=error msg=An error occurred error=map[message:Post "http://localhost:4445/admin/oauth2/introspect": dial tcp [::1]:4445: connect: connection refused]',
  ]);
  const history = observed(
    'get_rollout_history',
    { namespace: NS, name: 'oathkeeper' },
    table([
      ['REVISION', 'CHANGE-CAUSE', 'IMAGES'],
      ['1', 'IAM-2114 with hydra sidecar', 'oathkeeper=oryd/oathkeeper:v0.40.1,hydra=oryd/hydra:v2.2.0'],
      [
        '2 (current)',
        'IAM-2207 hydra runs as its own deployment; sidecar removed',
        'oathkeeper=oryd/oathkeeper:v0.40.1',
      ],
    ]),
  );
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({
      ns: NS,
      name: POD,
      container: 'oathkeeper',
      env: {
        AUTHENTICATORS_OAUTH2_INTROSPECTION_CONFIG_INTROSPECTION_URL:
          'http://localhost:4445/admin/oauth2/introspect',
      },
    }),
  );
  const services = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'],
      ['hydra-admin', 'ClusterIP', '10.96.233.116', '4445/TCP'],
      ['hydra-public', 'ClusterIP', '10.96.105.128', '4444/TCP'],
    ]),
  );
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME       STATUS   AGE\nidentity   Active   30d',
  );

  it("ties the failure on the pod's own port to the one container the rollout removed, and reads the namespace's Services", () => {
    expect(droppedSidecarAnalyzer.reads(ctx(NS, [failure, history, namespaces]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
      { tool: 'list_services', args: { namespace: NS } },
    ]);
  });

  it('points the loopback variable at the Service of the same namespace that serves the port', () => {
    const [f] = droppedSidecarAnalyzer.finds(ctx(NS, [failure, history, pod, services, namespaces]));
    expect(f?.cause).toContain('removed its hydra container');
    expect(f?.fix?.args['set']).toEqual([
      {
        name: 'AUTHENTICATORS_OAUTH2_INTROSPECTION_CONFIG_INTROSPECTION_URL',
        value: 'http://hydra-admin.identity.svc:4445/admin/oauth2/introspect',
      },
    ]);
  });

  it('ties nothing when the rollout removed two containers and the line names neither', () => {
    const two = observed(
      'get_rollout_history',
      { namespace: NS, name: 'oathkeeper' },
      table([
        ['REVISION', 'CHANGE-CAUSE', 'IMAGES'],
        [
          '1',
          'x',
          'oathkeeper=oryd/oathkeeper:v0.40.1,hydra=oryd/hydra:v2.2.0,statsd=prom/statsd-exporter:v0.26',
        ],
        ['2 (current)', 'y', 'oathkeeper=oryd/oathkeeper:v0.40.1'],
      ]),
    );
    expect(droppedSidecarAnalyzer.finds(ctx(NS, [failure, two, pod, services, namespaces]))).toEqual([]);
  });
});

// --- service links: a Service whose name extends the program's own settings prefix (set 107) ---------------

describe("service-link-value: a Service named like the program's settings prefix plus a word", () => {
  const NS = 'ml-studio';
  const POD = 'langflow-qf5ldrd72t-6kh94';
  const services = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
      [
        'langflow-runtime',
        'ClusterIP',
        '10.96.143.27',
        '7865/TCP',
        'app=langflow-runtime',
        '10.244.1.9:7865',
        '20d',
      ],
    ]),
  );
  const crash = log(
    NS,
    POD,
    [
      'pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings',
      'runtime_port',
      "  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='tcp://10.96.143.27:7865', input_type=str]",
    ],
    { previous: true },
  );

  it("takes LANGFLOW_RUNTIME_PORT for langflow's own setting (its LANGFLOW_ prefix)", () => {
    const [f] = serviceLinkValueAnalyzer.finds(ctx(NS, [services, crash]));
    expect(f?.object).toBe(`deployment langflow (pod ${POD})`);
    expect(f?.cause).toContain('that is the value of LANGFLOW_RUNTIME_PORT');
    expect(f?.cause).toContain('the Service langflow-runtime');
    expect(f?.cause).toContain('the program reads its own port from');
  });

  it('leaves a Service whose name only shares a first word with another program', () => {
    const other = log(NS, 'langfuse-7c9d8b6f4-p8z2m', crash.content.split('\n'), { previous: true });
    expect(serviceLinkValueAnalyzer.finds(ctx(NS, [services, other]))).toEqual([]);
  });
});
