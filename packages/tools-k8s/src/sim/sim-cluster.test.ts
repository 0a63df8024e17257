import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { K8sError } from '../errors.js';
import { k8sTools, MUTATING_TOOL_NAMES, READ_TOOL_NAMES, readOnlyK8sTools } from '../tools/k8s-tools.js';
import { createSimCluster, type SimCluster } from './sim-cluster.js';
import { checkoutOomWorld } from './worlds.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };
const POD = 'checkout-7f9c8d6b5-x2k4p';

function setup(world = checkoutOomWorld()) {
  const cluster = createSimCluster(world);
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  return { cluster, call };
}

function checkoutPods(cluster: SimCluster) {
  return cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=checkout' });
}

describe('tool set', () => {
  it('declares the contract names, with exactly the mutating ones marked mutating', () => {
    const cluster = createSimCluster(checkoutOomWorld());
    const tools = k8sTools(cluster);
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOL_NAMES, ...MUTATING_TOOL_NAMES].sort());
    for (const t of tools)
      expect(t.mutating).toBe((MUTATING_TOOL_NAMES as readonly string[]).includes(t.name));
    expect(readOnlyK8sTools(cluster).every((t) => !t.mutating)).toBe(true);
  });
});

describe('the OOM world, read-only', () => {
  it('shows the evidence: 97% of a 512Mi limit, three OOM kills, a heap OutOfMemoryError', async () => {
    const { call } = setup();
    expect(await call('list_pods', { namespace: 'shop' })).toMatch(
      new RegExp(`${POD}\\s+1/1\\s+Running\\s+3 \\(`),
    );
    const metrics = await call('get_pod_metrics', { namespace: 'shop', name: POD });
    expect(metrics).toContain('memory 497Mi / request 256Mi / limit 512Mi (97%)');
    expect(metrics).toContain('oomKills: 3');
    const logs = await call('get_pod_logs', { namespace: 'shop', name: POD, previous: true });
    expect(logs).toContain('java.lang.OutOfMemoryError: Java heap space');
    const current = await call('get_pod_logs', { namespace: 'shop', name: POD, tail: 2 });
    expect(current.split('\n')).toHaveLength(2);
    const described = await call('describe_pod', { namespace: 'shop', name: POD });
    expect(described).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137/);
    expect(described).toContain('memory: 512Mi');
    expect(described).toContain('Restart Count:  3');
  });

  it('answers a missing pod like Kubernetes, naming close matches', async () => {
    const { call } = setup();
    const err = await call('describe_pod', { namespace: 'shop', name: 'checkout-7f9c' }).catch(
      (e: unknown) => e,
    );
    expect(K8sError.isInstance(err)).toBe(true);
    expect((err as K8sError).code).toBe('not_found');
    expect((err as Error).message).toBe(
      `pods "checkout-7f9c" not found in namespace "shop"; did you mean: ${POD}?`,
    );
    expect((err as Error).name).toBe('Error from server (NotFound)');
    await expect(call('get_pod_logs', { namespace: 'shop', name: 'nope' })).rejects.toThrow(
      /pods "nope" not found/,
    );
  });

  it('never prints Secret values', async () => {
    const { call } = setup();
    for (const [tool, args] of [
      ['get_resource', { kind: 'secret', name: 'payments-api', namespace: 'shop' }],
      ['describe_resource', { kind: 'Secret', name: 'payments-api', namespace: 'shop' }],
    ] as const) {
      const text = await call(tool, args);
      expect(text).not.toContain('c2stbGl2ZS1kby1ub3Qtc2hvdw==');
      expect(text).not.toContain('sk-live');
      expect(text).toMatch(/19 bytes/);
    }
  });

  it('is deterministic: the same calls on the same world give the same text', async () => {
    const a = setup();
    const b = setup();
    for (const [tool, args] of [
      ['list_pods', { namespace: 'shop' }],
      ['get_events', { namespace: 'shop' }],
      ['describe_deployment', { namespace: 'shop', name: 'checkout' }],
      ['restart_pod', { namespace: 'shop', name: POD }],
      ['list_pods', { namespace: 'shop' }],
    ] as const) {
      expect(await a.call(tool, args)).toBe(await b.call(tool, args));
    }
  });

  it('names the pods a change creates the same whether or not anything was read first', async () => {
    const names = async (readFirst: boolean) => {
      const { cluster, call } = setup();
      if (readFirst) {
        await call('get_events', { namespace: 'shop' });
        await call('describe_pod', { namespace: 'shop', name: POD });
      }
      await call('restart_pod', { namespace: 'shop', name: POD });
      cluster.settle();
      return checkoutPods(cluster)
        .map((p) => p.metadata?.name)
        .sort();
    };
    expect(await names(true)).toEqual(await names(false));
  });

  it('caps long output with a note', async () => {
    const cluster = createSimCluster(checkoutOomWorld());
    const tool = k8sTools(cluster, { maxOutputChars: 200 }).find((t) => t.name === 'describe_deployment')!;
    const text = String(await tool.execute({ namespace: 'shop', name: 'checkout' }, ctx));
    // At most 200; fewer when the cut would fall inside a word (which is then dropped whole).
    const shown = Number(/\[output cut: showing (\d+) of \d+ characters/.exec(text)?.[1]);
    expect(shown).toBeLessThanOrEqual(200);
    expect(shown).toBeGreaterThan(150);
  });

  // A lone surrogate (half an emoji) is invalid UTF-16: a model API may reject the whole request.
  const LONE_SURROGATE = /\p{Cs}/u;
  const EMOJI = '😀';

  it('never cuts long output inside an emoji, wherever the cut falls', async () => {
    const world = checkoutOomWorld();
    world.deployments![0]!.changeCause = `ship ${EMOJI.repeat(120)}`;
    const run = async (max: number) => {
      const tool = k8sTools(createSimCluster(world), { maxOutputChars: max }).find(
        (t) => t.name === 'describe_deployment',
      )!;
      return String(await tool.execute({ namespace: 'shop', name: 'checkout' }, ctx));
    };
    const full = await run(1_000_000);
    const start = full.indexOf(EMOJI);
    expect(start).toBeGreaterThan(0);
    for (let max = start; max <= start + 6; max++) {
      const text = await run(max);
      expect(text, `max ${max}`).not.toMatch(LONE_SURROGATE);
      expect(text).toMatch(/\[output cut: showing \d+ of \d+ characters/);
    }
    // The loop did cut inside a pair: one of those limits falls after a pair's first half.
    expect(full.slice(0, start + 1)).toMatch(LONE_SURROGATE);
  });

  it('never starts a cut log tail inside an emoji, wherever the cut falls', async () => {
    const world = checkoutOomWorld();
    world.deployments![0]!.pods![0]!.logs = ['INFO start', `WARN ${EMOJI.repeat(40)}`, 'ERROR boom'];
    const run = async (max: number) => {
      const tool = k8sTools(createSimCluster(world), { maxOutputChars: max }).find(
        (t) => t.name === 'get_pod_logs',
      )!;
      return String(await tool.execute(tool.input.parse({ namespace: 'shop', name: POD }), ctx));
    };
    const full = await run(1_000_000);
    expect(full).toContain(EMOJI);
    for (let max = 12; max <= 20; max++) {
      const text = await run(max);
      expect(text, `max ${max}`).not.toMatch(LONE_SURROGATE);
      expect(text).toMatch(/^\[output cut: showing the last (\d+) of \d+ characters; use tail\]\n/);
      expect(text.trimEnd().endsWith('ERROR boom')).toBe(true);
      const shown = Number(/showing the last (\d+)/.exec(text)![1]);
      expect(shown === max || shown === max - 1).toBe(true);
      expect(text.length - text.indexOf('\n') - 1).toBe(shown);
    }
  });
});

describe('reactions to mutations', () => {
  it('restart gives a new pod name that OOMs again after a while', async () => {
    const { cluster, call } = setup();
    const out = await call('restart_pod', { namespace: 'shop', name: POD });
    const pods = checkoutPods(cluster);
    expect(pods).toHaveLength(1);
    const fresh = pods[0]!.metadata!.name!;
    expect(fresh).not.toBe(POD);
    expect(fresh).toMatch(/^checkout-7f9c8d6b5-[a-z0-9]{5}$/);
    expect(out).toContain(`new pod: ${fresh}`);
    cluster.advance(120);
    const described = await call('describe_pod', { namespace: 'shop', name: fresh });
    expect(described).toMatch(/Reason:\s+OOMKilled/);
    expect(cluster.snapshot().deleted.map((d) => d.name)).toContain(POD);
  });

  it('a memory limit above the need makes the replacement healthy; one below it does not', async () => {
    const { cluster, call } = setup();
    await call('set_resources', {
      namespace: 'shop',
      deployment: 'checkout',
      container: 'checkout',
      limits: { memory: '1Gi' },
    });
    cluster.advance(600);
    const healthy = checkoutPods(cluster);
    expect(healthy).toHaveLength(1);
    const status = (healthy[0]!.status as { containerStatuses: { restartCount: number; ready: boolean }[] })
      .containerStatuses[0]!;
    expect(status).toMatchObject({ restartCount: 0, ready: true });

    const second = setup();
    await second.call('set_resources', {
      namespace: 'shop',
      deployment: 'checkout',
      container: 'checkout',
      limits: { memory: '600Mi' },
    });
    second.cluster.advance(600);
    const still = checkoutPods(second.cluster)[0]!.status as {
      containerStatuses: { restartCount: number; lastState?: { terminated?: { reason: string } } }[];
    };
    expect(still.containerStatuses[0]!.restartCount).toBeGreaterThan(0);
    expect(still.containerStatuses[0]!.lastState?.terminated?.reason).toBe('OOMKilled');
  });

  it('scaling changes the replica set and its pods', async () => {
    const { cluster, call } = setup();
    expect(await call('scale_deployment', { namespace: 'shop', name: 'cart', replicas: 4 })).toBe(
      'deployment.apps/cart scaled from 2 to 4',
    );
    expect(cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=cart' })).toHaveLength(4);
    await call('scale_deployment', { namespace: 'shop', name: 'cart', replicas: 1 });
    expect(cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=cart' })).toHaveLength(1);
    expect(cluster.find('Deployment', 'cart', 'shop')?.spec).toMatchObject({ replicas: 1 });
  });

  it('rollback restores the previous template', async () => {
    const { cluster, call } = setup();
    const out = await call('rollback_deployment', { namespace: 'shop', name: 'checkout' });
    expect(out).toContain('rolled back to revision 1');
    const d = cluster.find('Deployment', 'checkout', 'shop') as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(d.spec.template.spec.containers[0]!.image).toBe('registry.example.com/shop/checkout:2.13.1');
    const history = await call('get_rollout_history', { namespace: 'shop', name: 'checkout' });
    expect(history).toMatch(/3 \(current\)\s+release 2\.13\.1/);
    expect(checkoutPods(cluster)[0]!.metadata!.name).not.toMatch(/^checkout-7f9c8d6b5-/);
  });

  it('rejects an invalid change with a 422 Invalid', async () => {
    const { call } = setup();
    const err = await call('set_resources', {
      namespace: 'shop',
      deployment: 'checkout',
      container: 'checkout',
      requests: { memory: '2Gi' },
    }).catch((e: unknown) => e);
    expect(K8sError.isInstance(err) && err.code === 'invalid' && err.status === 422).toBe(true);
    expect((err as Error).message).toContain('must be less than or equal to memory limit of 512Mi');
    await expect(
      call('set_image', { namespace: 'shop', deployment: 'checkout', container: 'app', image: 'x:1' }),
    ).rejects.toThrow(/container "app" not found in deployment "checkout"; its containers: checkout/);
  });
});

describe('world validation', () => {
  it('rejects a malformed world with the path of the offending field', () => {
    const world = checkoutOomWorld() as {
      deployments: { containers: { resources: { limits: Record<string, unknown> } }[] }[];
    };
    world.deployments[0]!.containers[0]!.resources.limits.memory = 'lots';
    const err = (() => {
      try {
        createSimCluster(world);
      } catch (e) {
        return e;
      }
    })();
    expect(K8sError.isInstance(err) && err.code === 'invalid_world').toBe(true);
    expect((err as K8sError).issues[0]!.path).toBe('deployments[0].containers[0].resources.limits.memory');
    expect(() =>
      createSimCluster({ pods: [{ name: 'Bad_Name', containers: [{ name: 'a', image: 'x' }] }] }),
    ).toThrow(/pods\[0\]\.name/);
  });
});

describe('through the harness', () => {
  it('a call for a pod that does not exist is observed as a NotFound naming close matches', async () => {
    const { createHarness } = await import('@sre-harness/core');
    const { ScriptedModel, callTool, finalAnswer } = await import('@sre-harness/core/testing');
    const cluster = createSimCluster(checkoutOomWorld());
    const model = new ScriptedModel([
      callTool('describe_pod', { namespace: 'shop', name: 'checkout-7f9c' }),
      finalAnswer('done'),
    ]);
    const harness = createHarness({
      model,
      tools: k8sTools(cluster),
      guardrails: { maxSteps: 4, allow: ['describe_pod'] },
    });
    const result = await harness.run('look at checkout-7f9c');
    const error = result.trace.find((e) => e.kind === 'tool_error');
    expect(error).toMatchObject({ tool: 'describe_pod', reason: 'threw' });
    expect((error as { error: string }).error).toBe(
      `Error from server (NotFound): pods "checkout-7f9c" not found in namespace "shop"; did you mean: ${POD}?`,
    );
    expect(model.requests[1]!.context).toContain('did you mean: checkout-7f9c8d6b5-x2k4p?');
  });
});

describe('many clusters of one world object', () => {
  it('builds each alike and apart: the third on is a copy of a built one, and changes to one stay in it', async () => {
    const world = checkoutOomWorld();
    const script = async (cluster: SimCluster) => {
      const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
      const call = async (name: string, args: Record<string, unknown>) => {
        const tool = tools.get(name) as AnyTool;
        return String(await tool.execute(tool.input.parse(args), ctx));
      };
      const out = [
        await call('list_pods', { namespace: 'shop' }),
        await call('describe_pod', { namespace: 'shop', name: POD }),
        await call('scale_deployment', { namespace: 'shop', name: 'checkout', replicas: 3 }),
        await call('list_pods', { namespace: 'shop' }),
        await call('get_events', { namespace: 'shop' }),
      ];
      cluster.settle();
      return JSON.stringify([out, cluster.snapshot()]);
    };
    const first = await script(createSimCluster(world));
    const clusters = [createSimCluster(world), createSimCluster(world), createSimCluster(world)];
    const before = JSON.stringify(clusters[2]!.snapshot());
    for (const c of clusters.slice(0, 2)) expect(await script(c)).toBe(first);
    expect(JSON.stringify(clusters[2]!.snapshot())).toBe(before);
    expect(await script(clusters[2]!)).toBe(first);
    // A fresh parse of the same world (another object) gives the same too.
    expect(await script(createSimCluster(JSON.parse(JSON.stringify(world))))).toBe(first);
  });
});
