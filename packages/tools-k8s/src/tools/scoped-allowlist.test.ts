import { createHarness, MemorySink } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.js';
import { createSimCluster } from '../sim/index.js';
import { k8sTools, MUTATING_TOOL_NAMES, READ_TOOL_NAMES } from './k8s-tools.js';
import { namespaceAllowlist } from './scoped-allowlist.js';

const world = {
  namespaces: ['shop', 'kube-system'],
  nodes: [{ name: 'node-1' }],
  objects: [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { p: 'eA==' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { p: 'eQ==' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin' },
      rules: [],
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast' },
      provisioner: 'x',
    },
  ],
  deployments: [
    { name: 'cart', namespace: 'shop', replicas: 1, containers: [{ name: 'app', image: 'cart:1.0' }] },
    {
      name: 'coredns',
      namespace: 'kube-system',
      replicas: 1,
      containers: [{ name: 'dns', image: 'coredns:1.11' }],
    },
  ],
};

/** Counts every call that reaches the cluster, to prove refused calls never do. */
function counting(cluster: Cluster): { cluster: Cluster; namespaces: string[]; reads: string[] } {
  const namespaces: string[] = [];
  const reads: string[] = [];
  const proxy = new Proxy(cluster, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const first = args[0] as { namespace?: unknown; kind?: unknown } | string | undefined;
        const ns = typeof first === 'string' ? first : first?.namespace;
        if (typeof ns === 'string') namespaces.push(ns);
        if (typeof first === 'object' && first !== null && typeof first.kind === 'string')
          reads.push(`${String(prop)} ${first.kind} ${typeof ns === 'string' ? ns : '*'}`);
        return value.apply(target, args);
      };
    },
  });
  return { cluster: proxy, namespaces, reads };
}

async function runConfined(calls: ReturnType<typeof callTool>[], allow = namespaceAllowlist(['shop'])) {
  const counted = counting(createSimCluster(world));
  const sink = new MemorySink();
  await createHarness({
    model: new ScriptedModel([...calls, finalAnswer('done')]),
    tools: k8sTools(counted.cluster),
    guardrails: { maxSteps: calls.length + 2, allow },
    trace: sink,
  }).run('look around');
  return { ...counted, sink };
}

describe('namespaceAllowlist', () => {
  it('covers every read tool, and the mutating ones only when asked', () => {
    const names = (rules: ReturnType<typeof namespaceAllowlist>) =>
      rules.map((r) => (typeof r === 'string' ? r : r.tool));
    const unique = (rules: ReturnType<typeof namespaceAllowlist>) => [...new Set(names(rules))];
    expect(unique(namespaceAllowlist(['shop']))).toEqual([...READ_TOOL_NAMES]);
    expect(unique(namespaceAllowlist(['shop'], { mutations: true }))).toEqual([
      ...READ_TOOL_NAMES,
      ...MUTATING_TOOL_NAMES,
    ]);
    expect(() => namespaceAllowlist([])).toThrow(/at least one namespace/);
  });

  it('refuses calls outside the namespaces before they reach the cluster', async () => {
    const { cluster, namespaces } = counting(createSimCluster(world));
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([
        callTool('list_pods', { namespace: 'shop' }),
        callTool('list_pods', { namespace: 'kube-system' }),
        callTool('get_resource', { kind: 'Deployment', name: 'coredns', namespace: 'kube-system' }),
        callTool('restart_pod', { namespace: 'kube-system', name: 'x' }),
        finalAnswer('done'),
      ]),
      tools: k8sTools(cluster),
      guardrails: { maxSteps: 6, allow: namespaceAllowlist(['shop']) },
      trace: sink,
    }).run('look around');
    expect(sink.ofKind('tool_result').map((e) => e.tool)).toEqual(['list_pods']);
    expect(sink.ofKind('tool_refused').map((e) => [e.tool, e.reason])).toEqual([
      ['list_pods', 'not_allowed'],
      ['get_resource', 'not_allowed'],
      ['restart_pod', 'not_allowed'],
    ]);
    expect(namespaces.filter((n) => n !== 'shop')).toEqual([]);
  });
});

describe('namespaceAllowlist judges the request that runs (schema defaults applied first)', () => {
  it('refuses a generic read with no namespace, which the tool would aim at "default"', async () => {
    const { sink, namespaces } = await runConfined([
      callTool('get_resource', { kind: 'Secret', name: 'db' }),
      callTool('describe_resource', { kind: 'Secret', name: 'db' }),
      callTool('list_resources', { kind: 'secrets' }),
      callTool('get_resource', { kind: 'Secret', name: 'db', namespace: 'shop' }),
    ]);
    expect(sink.ofKind('tool_refused').map((e) => [e.tool, e.reason])).toEqual([
      ['get_resource', 'not_allowed'],
      ['describe_resource', 'not_allowed'],
      ['list_resources', 'not_allowed'],
    ]);
    expect(sink.ofKind('tool_refused')[0]?.detail).toContain('namespace="default"');
    expect(sink.ofKind('tool_result').map((e) => e.tool)).toEqual(['get_resource']);
    expect(sink.ofKind('tool_result')[0]?.output).toContain('namespace: shop');
    expect(namespaces).toEqual(['shop']);
  });

  it('refuses cluster-scoped kinds under confinement unless named in clusterKinds', async () => {
    const calls = [
      callTool('list_resources', { kind: 'namespaces' }),
      callTool('get_resource', { kind: 'ClusterRole', name: 'cluster-admin' }),
      callTool('list_resources', { kind: 'ClusterRole', namespace: 'shop' }),
      callTool('describe_resource', { kind: 'sc', name: 'fast' }),
      callTool('get_resource', { kind: 'Widget', name: 'w', namespace: 'shop' }),
    ];
    const denied = await runConfined(calls);
    expect(denied.sink.ofKind('tool_refused').map((e) => e.reason)).toEqual(Array(5).fill('not_allowed'));
    expect(denied.reads).toEqual([]);

    const named = await runConfined(calls, namespaceAllowlist(['shop'], { clusterKinds: ['StorageClass'] }));
    expect(named.sink.ofKind('tool_result').map((e) => e.tool)).toEqual(['describe_resource']);
    expect(named.reads.filter((r) => !r.startsWith('list Event'))).toEqual(['get StorageClass *']);
    expect(() => namespaceAllowlist(['shop'], { clusterKinds: ['Secret'] })).toThrow(/namespaced/);
  });

  it('lets describe_node list only the pods of an allowed namespace', async () => {
    const { sink, reads } = await runConfined([
      callTool('describe_node', { name: 'node-1' }),
      callTool('describe_node', { name: 'node-1', namespace: 'kube-system' }),
      callTool('describe_node', { name: 'node-1', namespace: 'shop' }),
    ]);
    expect(sink.ofKind('tool_refused').map((e) => e.reason)).toEqual(['not_allowed', 'not_allowed']);
    const [shown] = sink.ofKind('tool_result');
    expect(shown?.output).toContain('cart-');
    expect(shown?.output).not.toContain('coredns');
    expect(reads.filter((r) => r.startsWith('list Pod'))).toEqual(['list Pod shop']);
  });

  it('the adapter scope refuses cluster-scoped kinds in the generic tools too', async () => {
    const tools = k8sTools(createSimCluster(world), { namespaces: ['shop'] });
    const get = tools.find((t) => t.name === 'get_resource');
    const ctx = { signal: new AbortController().signal, runId: 'r', callId: 'c' };
    await expect(
      get?.execute(get.input.parse({ kind: 'ClusterRole', name: 'cluster-admin' }), ctx),
    ).rejects.toThrow(/cluster-scoped/);
    await expect(get?.execute(get.input.parse({ kind: 'Secret', name: 'db' }), ctx)).rejects.toThrow(
      /outside this agent's scope/,
    );
  });

  it('puts every default a tool applies into its schema, so validated arguments are what runs', () => {
    const tools = new Map(k8sTools(createSimCluster(world), { defaultLogTail: 50 }).map((t) => [t.name, t]));
    expect(tools.get('get_pod_logs')?.input.parse({ namespace: 'shop', name: 'p' })).toEqual({
      namespace: 'shop',
      name: 'p',
      tail: 50,
    });
    for (const name of ['get_resource', 'describe_resource'])
      expect(tools.get(name)?.input.parse({ kind: 'Secret', name: 'db' })).toMatchObject({
        namespace: 'default',
      });
    expect(tools.get('list_resources')?.input.parse({ kind: 'Secret' })).toEqual({
      kind: 'Secret',
      namespace: 'default',
    });
  });
});

describe('namespaceAllowlist and scan', () => {
  it('lets scan read an allowed namespace and refuses one without a namespace or outside', async () => {
    const { sink, namespaces } = await runConfined([
      callTool('scan', { namespace: 'shop' }),
      callTool('scan', {}),
      callTool('scan', { namespace: 'kube-system' }),
    ]);
    expect(sink.ofKind('tool_result').map((e) => e.tool)).toEqual(['scan']);
    expect(sink.ofKind('tool_refused').map((e) => [e.tool, e.reason])).toEqual([
      ['scan', 'not_allowed'],
      ['scan', 'not_allowed'],
    ]);
    expect(namespaces.filter((n) => n !== 'shop')).toEqual([]);
  });
});

describe('find_objects under namespace confinement', () => {
  it('runs when it names allowed namespaces only, and then searches only those', async () => {
    const { sink, reads } = await runConfined([
      callTool('find_objects', { name: 'db' }),
      callTool('find_objects', { name: 'db', namespaces: ['shop', 'kube-system'] }),
      callTool('find_objects', { name: 'db', kinds: ['Secret', 'Node', 'Namespace'], namespaces: ['shop'] }),
    ]);
    expect(sink.ofKind('tool_refused').map((e) => [e.tool, e.reason])).toEqual([
      ['find_objects', 'not_allowed'],
      ['find_objects', 'not_allowed'],
    ]);
    const [result] = sink.ofKind('tool_result');
    expect(result!.output).toMatch(/Secret\s+shop\s+db/);
    expect(result!.output).not.toMatch(/default/);
    expect(result!.output).toMatch(/Node: cluster-scoped, outside the namespaces searched/);
    expect(reads.filter((r) => !r.endsWith(' shop') && !r.startsWith('list Namespace'))).toEqual([]);
  });

  it('refuses, as the other tools do, a namespace outside the tools’ own scope', async () => {
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([
        callTool('find_objects', { name: 'coredns', namespaces: ['kube-system'] }),
        finalAnswer('done'),
      ]),
      tools: k8sTools(createSimCluster(world), { namespaces: ['shop'] }),
      guardrails: { maxSteps: 3, allow: ['find_objects'] },
      trace: sink,
    }).run('look around');
    expect(sink.ofKind('tool_error')[0]!.error).toMatch(
      /namespace "kube-system" is outside this agent's scope/,
    );
  });
});
