// Table tests of netpol-missing-namespace: an egress rule that names, by its name label, a namespace the
// cluster no longer has.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { netpolMissingNamespaceAnalyzer as analyzer } from './netpol-missing-namespace.js';
import { ctx, log, observed, table } from './observed.fixture.js';

const NS = 'automation';
const POD = 'flows-7d9c6b5f4-x2k8p';
const described = observed(
  'describe_pod',
  { namespace: NS, name: POD },
  [
    `Name:             ${POD}`,
    `Namespace:        ${NS}`,
    'Labels:           app=flows',
    '                  pod-template-hash=7d9c6b5f4',
    'Controlled By:    ReplicaSet/flows-7d9c6b5f4',
    'Status:           Running',
  ].join('\n'),
);
const timeout = log(NS, POD, [
  '{"level":30,"msg":"listening on 0.0.0.0:80"}',
  '{"level":50,"errors":[{"cause":{"name":"ConnectTimeoutError","code":"UND_ERR_CONNECT_TIMEOUT","message":"Connect Timeout Error"},"url":"https://flows.example.org/api/v1/proxy"}]}',
]);
const policy = (namespace: string, selector = 'app: flows') =>
  observed(
    'get_resource',
    { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
    [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: flows-egress',
      `  namespace: ${NS}`,
      '  uid: 0b6e1c2a',
      '  creationTimestamp: 2026-07-23T08:40:00Z',
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      `      ${selector}`,
      '  policyTypes: [Egress]',
      '  egress:',
      '    - to:',
      '        - namespaceSelector:',
      '            matchLabels:',
      '              kubernetes.io/metadata.name: kube-system',
      '      ports: [{ port: 53, protocol: UDP }]',
      '    - to:',
      '        - namespaceSelector:',
      '            matchLabels:',
      `              kubernetes.io/metadata.name: ${namespace}`,
      '          podSelector:',
      '            matchLabels:',
      '              app.kubernetes.io/name: ingress-nginx',
      '      ports: [{ port: 443, protocol: TCP }]',
    ].join('\n'),
  );
/** The same policy as `describe_resource` prints it (its spec flattened). */
const describedPolicy = (namespace: string, selector = 'app: flows') =>
  observed(
    'describe_resource',
    { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
    [
      'Name:         flows-egress',
      `Namespace:    ${NS}`,
      'Kind:         NetworkPolicy (networking.k8s.io/v1)',
      'Spec:',
      `  podSelector.matchLabels.${selector.replace(': ', ': ')}`,
      '  policyTypes[0]: Egress',
      '  egress[0].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: kube-system',
      '  egress[0].ports[0].port: 53',
      `  egress[1].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: ${namespace}`,
      '  egress[1].to[0].podSelector.matchLabels.app.kubernetes.io/name: ingress-nginx',
      '  egress[1].ports[0].port: 443',
      'Events:  <none>',
    ].join('\n'),
  );
const listed = observed(
  'list_resources',
  { kind: 'NetworkPolicy', namespace: NS },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['flows-egress', '-', '120d'],
  ]),
);
const namespaces = observed(
  'list_resources',
  { kind: 'Namespace' },
  table([
    ['NAME', 'STATUS', 'AGE'],
    [NS, 'Active', '30d'],
    ['ingress-nginx', 'Active', '6d'],
    ['kube-system', 'Active', '300d'],
  ]),
);
const controllers = (n: number) =>
  observed(
    'list_pods',
    { namespace: 'ingress-nginx', labelSelector: 'app.kubernetes.io/name=ingress-nginx' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ...Array.from({ length: n }, (_, i) => [
        `ingress-nginx-controller-5c8d-${i}`,
        '1/1',
        'Running',
        '0',
        '6d',
      ]),
    ]),
  );

describe('netpol-missing-namespace', () => {
  it('reads the policies, the namespaces, then the pods the stale peer meant', () => {
    expect(analyzer.reads(ctx(NS, [timeout]))).toEqual([
      { tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: NS } },
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    const reads = analyzer.reads(
      ctx(NS, [timeout, described, listed, describedPolicy('ingress'), policy('ingress'), namespaces]),
    );
    expect(reads).toContainEqual({ tool: 'list_resources', args: { kind: 'Namespace' } });
    expect(reads).toContainEqual({
      tool: 'get_resource',
      args: { kind: 'NetworkPolicy', name: 'flows-egress', namespace: NS },
    });
    expect(reads).toContainEqual({
      tool: 'list_pods',
      args: { namespace: 'ingress-nginx', labelSelector: 'app.kubernetes.io/name=ingress-nginx' },
    });
  });

  it('a client timing out on a Service of the cluster is left to netpol-egress: no early reads', () => {
    const svc = log(NS, POD, ['dial tcp: lookup ledger.payments.svc.cluster.local: i/o timeout']);
    expect(analyzer.reads(ctx(NS, [svc]))).toEqual([]);
  });

  it('names the missing namespace and applies the policy back with the one its pods run in', () => {
    const [f] = analyzer.finds(
      ctx(NS, [
        timeout,
        described,
        listed,
        describedPolicy('ingress'),
        policy('ingress'),
        namespaces,
        controllers(2),
      ]),
    );
    expect(f?.object).toBe(`networkpolicy flows-egress (namespace ${NS})`);
    expect(f?.cause).toContain('the cluster has no namespace ingress');
    expect(f?.cause).toContain('now run in namespace ingress-nginx (2 found)');
    expect(f?.cause).toContain('UND_ERR_CONNECT_TIMEOUT');
    expect(f?.fix?.tool).toBe('apply_manifest');
    const applied = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      spec: { egress: { to: { namespaceSelector: { matchLabels: Record<string, string> } }[] }[] };
    };
    expect(applied.spec.egress[1]!.to[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(
      'ingress-nginx',
    );
    // The other rules are kept, and what the server set is left out.
    expect(applied.spec.egress[0]!.to[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(
      'kube-system',
    );
    expect(applied.metadata['uid']).toBeUndefined();
  });

  it('no fix before the pods are found where it points, nor when none run there', () => {
    const [f] = analyzer.finds(
      ctx(NS, [timeout, described, listed, describedPolicy('ingress'), policy('ingress'), namespaces]),
    );
    expect(f?.cause).toContain('the cluster has no namespace ingress');
    expect(f?.fix).toBeUndefined();
    const [g] = analyzer.finds(
      ctx(NS, [
        timeout,
        described,
        listed,
        describedPolicy('ingress'),
        policy('ingress'),
        namespaces,
        controllers(0),
      ]),
    );
    expect(g?.fix).toBeUndefined();
  });

  it('a namespace that exists, a policy that does not select the client, or no timeout is not this', () => {
    expect(
      analyzer.finds(
        ctx(NS, [timeout, described, listed, describedPolicy('ingress-nginx'), namespaces, controllers(2)]),
      ),
    ).toEqual([]);
    expect(
      analyzer.finds(
        ctx(NS, [timeout, described, listed, describedPolicy('ingress', 'app: other'), namespaces]),
      ),
    ).toEqual([]);
    const fine = log(NS, POD, ['{"level":30,"msg":"flow run finished"}']);
    expect(
      analyzer.finds(
        ctx(NS, [fine, described, listed, describedPolicy('ingress'), policy('ingress'), namespaces]),
      ),
    ).toEqual([]);
    // Before the namespaces are listed nothing is claimed.
    expect(analyzer.finds(ctx(NS, [timeout, described, listed, describedPolicy('ingress')]))).toEqual([]);
  });

  it('a policy read back that is not YAML, or too large, gives the diagnosis without a fix', () => {
    const broken = observed(
      'get_resource',
      { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
      'spec: [unclosed',
    );
    const huge = observed(
      'get_resource',
      { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
      `spec:\n  x: "${'a'.repeat(70_000)}"`,
    );
    for (const back of [broken, huge]) {
      const [f] = analyzer.finds(
        ctx(NS, [timeout, described, listed, describedPolicy('ingress'), back, namespaces, controllers(2)]),
      );
      expect(f?.cause).toContain('the cluster has no namespace ingress');
      expect(f?.fix).toBeUndefined();
    }
  });

  it('a namespace known to exist (an initial one, or one a read found objects in) is not listed again', () => {
    const known = describedPolicy('payments');
    const inPayments = observed(
      'list_pods',
      { namespace: 'payments' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['ledger-0', '1/1', 'Running', '0', '2d'],
      ]),
    );
    const reads = analyzer.reads(ctx(NS, [timeout, described, listed, known, inPayments]));
    expect(reads).not.toContainEqual({ tool: 'list_resources', args: { kind: 'Namespace' } });
    expect(analyzer.reads(ctx(NS, [timeout, described, listed, known]))).toContainEqual({
      tool: 'list_resources',
      args: { kind: 'Namespace' },
    });
  });
});
