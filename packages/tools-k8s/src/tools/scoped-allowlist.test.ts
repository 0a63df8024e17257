import { createHarness, MemorySink } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.js';
import { createSimCluster } from '../sim/index.js';
import { k8sTools, MUTATING_TOOL_NAMES, READ_TOOL_NAMES } from './k8s-tools.js';
import { namespaceAllowlist } from './scoped-allowlist.js';

const world = {
  namespaces: ['shop', 'kube-system'],
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
function counting(cluster: Cluster): { cluster: Cluster; namespaces: string[] } {
  const namespaces: string[] = [];
  const proxy = new Proxy(cluster, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const ns = (args[0] as { namespace?: unknown } | undefined)?.namespace;
        if (typeof ns === 'string') namespaces.push(ns);
        return value.apply(target, args);
      };
    },
  });
  return { cluster: proxy, namespaces };
}

describe('namespaceAllowlist', () => {
  it('covers every read tool, and the mutating ones only when asked', () => {
    const names = (rules: ReturnType<typeof namespaceAllowlist>) =>
      rules.map((r) => (typeof r === 'string' ? r : r.tool));
    expect(names(namespaceAllowlist(['shop']))).toEqual([...READ_TOOL_NAMES]);
    expect(names(namespaceAllowlist(['shop'], { mutations: true }))).toEqual([
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
