import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.js';
import { K8sError } from '../errors.js';
import { createSimCluster, type SimCluster } from '../sim/sim-cluster.js';
import type { WorldInput } from '../sim/world-schema.js';
import { type K8sToolsOptions, k8sTools, TOOL_DEFS } from './k8s-tools.js';
import { dryNote } from './tool-def.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

const world: WorldInput = {
  namespaces: ['shop'],
  nodes: [{ name: 'node-1' }],
  deployments: [
    {
      name: 'web',
      namespace: 'shop',
      replicas: 2,
      containers: [
        {
          name: 'web',
          image: 'shop/web:1',
          ports: [8080],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        },
      ],
    },
  ],
};

/** The tools over a cluster, and a call that validates its arguments as the harness does. */
function tools(cluster: Cluster, options: K8sToolsOptions = {}) {
  const byName = new Map(k8sTools(cluster, options).map((t) => [t.name, t] as const));
  return async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = byName.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
}

/** The simulated world, with a second revision of `web` (shop/web:2) so a rollback has somewhere to go. */
async function setup(options: K8sToolsOptions = {}) {
  const cluster = createSimCluster(world);
  await tools(cluster)('set_image', {
    namespace: 'shop',
    deployment: 'web',
    container: 'web',
    image: 'shop/web:2',
  });
  cluster.settle();
  return { cluster, call: tools(cluster, options), audited: cluster.auditLog().length };
}

const podOf = (c: SimCluster): string =>
  (
    c.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=web' })[0] as {
      metadata: { name: string };
    }
  ).metadata.name;

/** Each of the five older mutating tools: a call, what it answers, what a dry run of it answers. */
const CASES: {
  tool: string;
  args: (c: SimCluster) => Record<string, unknown>;
  done: RegExp;
  would: RegExp;
}[] = [
  {
    tool: 'restart_pod',
    args: (c) => ({ namespace: 'shop', name: podOf(c) }),
    done: /^pod "web-\S+" deleted; ReplicaSet web-\S+ replaces it/,
    would: /^pod "web-\S+" would be deleted; ReplicaSet web-\S+ would replace it \[dry run/,
  },
  {
    tool: 'scale_deployment',
    args: () => ({ namespace: 'shop', name: 'web', replicas: 3 }),
    done: /^deployment\.apps\/web scaled from 2 to 3$/,
    would: /^deployment\.apps\/web would be scaled from 2 to 3 \[dry run/,
  },
  {
    tool: 'set_image',
    args: () => ({ namespace: 'shop', deployment: 'web', container: 'web', image: 'shop/web:3' }),
    done: /^deployment\.apps\/web image updated: container web shop\/web:2 -> shop\/web:3 \(revision 3\)$/,
    would:
      /^deployment\.apps\/web image would be updated: container web shop\/web:2 -> shop\/web:3 \[dry run/,
  },
  {
    tool: 'set_resources',
    args: () => ({ namespace: 'shop', deployment: 'web', container: 'web', limits: { memory: '512Mi' } }),
    done: /^deployment\.apps\/web resource requirements updated: container web limits\.memory 256Mi -> 512Mi \(revision 3\)$/,
    would:
      /^deployment\.apps\/web resource requirements would be updated: container web limits\.memory 256Mi -> 512Mi \[dry run/,
  },
  {
    tool: 'rollback_deployment',
    args: () => ({ namespace: 'shop', name: 'web' }),
    done: /^deployment\.apps\/web rolled back to revision 1 \(web=shop\/web:1\); now revision 3$/,
    would: /^deployment\.apps\/web would be rolled back to revision 1 \(web=shop\/web:1\) \[dry run/,
  },
];

/** The cluster as a connection that does not say it honours dry runs (writes passed on without options). */
function withoutDryRun(sim: SimCluster): Cluster {
  return {
    now: (o) => sim.now(o),
    list: (q, o) => sim.list(q, o),
    get: (r, o) => sim.get(r, o),
    podLogs: (q, o) => sim.podLogs(q, o),
    podMetrics: (n, o) => sim.podMetrics(n, o),
    delete: (r) => sim.delete(r),
    patch: (r, p) => sim.patch(r, p),
  };
}

describe('the older mutating tools honour dryRun', () => {
  for (const c of CASES) {
    describe(c.tool, () => {
      it('without dryRun: makes the change and answers as before', async () => {
        const { cluster, call, audited } = await setup();
        const whole = JSON.stringify(cluster.snapshot().objects);
        const out = await call(c.tool, c.args(cluster));
        expect(out).toMatch(c.done);
        expect(out).not.toMatch(/dry run|would/);
        expect(cluster.auditLog().length).toBeGreaterThan(audited);
        expect(JSON.stringify(cluster.snapshot().objects)).not.toBe(whole);
      });

      it('dryRun: true changes nothing (a deleted pod still exists) and ends with the dry-run note', async () => {
        const { cluster, call, audited } = await setup();
        const args = c.args(cluster);
        const whole = JSON.stringify(cluster.snapshot().objects);
        const out = await call(c.tool, { ...args, dryRun: true });
        expect(out).toMatch(c.would);
        expect(out.endsWith(dryNote(true))).toBe(true);
        expect(JSON.stringify(cluster.snapshot().objects)).toBe(whole);
        cluster.settle();
        expect(JSON.stringify(cluster.snapshot().objects)).toBe(whole);
        expect(cluster.auditLog()).toHaveLength(audited);
        if (c.tool === 'restart_pod')
          expect(cluster.find('Pod', args['name'] as string, 'shop')).toBeDefined();
      });

      it('the dryRun option of k8sTools forces a dry run even with dryRun: false', async () => {
        const { cluster, call, audited } = await setup({ dryRun: true });
        const whole = JSON.stringify(cluster.snapshot().objects);
        const out = await call(c.tool, { ...c.args(cluster), dryRun: false });
        expect(out).toMatch(c.would);
        expect(out.endsWith(dryNote(true))).toBe(true);
        cluster.settle();
        expect(JSON.stringify(cluster.snapshot().objects)).toBe(whole);
        expect(cluster.auditLog()).toHaveLength(audited);
      });

      it('a cluster without supportsDryRun refuses a dry run (bad_request) instead of writing', async () => {
        const { cluster, audited } = await setup();
        const whole = JSON.stringify(cluster.snapshot().objects);
        const plain = withoutDryRun(cluster);
        for (const [options, dryRun] of [
          [{}, true],
          [{ dryRun: true }, false],
        ] as const) {
          const error = await tools(plain, options)(c.tool, { ...c.args(cluster), dryRun }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(K8sError.isInstance(error)).toBe(true);
          expect(error).toMatchObject({ code: 'bad_request', status: 400 });
          expect((error as Error).message).toMatch(/dryRun: this cluster connection does not support/);
        }
        cluster.settle();
        expect(JSON.stringify(cluster.snapshot().objects)).toBe(whole);
        expect(cluster.auditLog()).toHaveLength(audited);
      });
    });
  }

  it('a dry-run restart_pod of a pod without a controller says nothing would replace it', async () => {
    const cluster = createSimCluster({
      ...world,
      deployments: [],
      pods: [{ name: 'lone', namespace: 'shop', containers: [{ name: 'lone', image: 'x:1' }] }],
    } as WorldInput);
    const out = await tools(cluster)('restart_pod', { namespace: 'shop', name: 'lone', dryRun: true });
    expect(out).toBe(
      `pod "lone" would be deleted; it has no controller, so nothing would replace it${dryNote(true)}`,
    );
    expect(cluster.find('Pod', 'lone', 'shop')).toBeDefined();
    expect(cluster.auditLog()).toHaveLength(0);
  });

  it('a dry-run rollback to the current revision is skipped, with the note', async () => {
    const { call } = await setup();
    expect(
      await call('rollback_deployment', { namespace: 'shop', name: 'web', toRevision: 2, dryRun: true }),
    ).toBe(
      `deployment.apps/web skipped rollback (current template already matches revision 2)${dryNote(true)}`,
    );
  });
});

describe('every mutating tool takes dryRun', () => {
  it('each definition of TOOL_DEFS with mutating: true has a dryRun argument, false by default', () => {
    const built = k8sTools(createSimCluster(world));
    const mutating = TOOL_DEFS.filter((d) => d.mutating);
    expect(mutating.length).toBeGreaterThan(0);
    for (const def of mutating) {
      const tool = built.find((t) => t.name === def.name)!;
      const properties = (tool.jsonSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      expect({ tool: def.name, dryRun: properties['dryRun'] }).toEqual({
        tool: def.name,
        dryRun: expect.objectContaining({ type: 'boolean', default: false }),
      });
      expect((tool.jsonSchema['required'] as string[] | undefined) ?? []).not.toContain('dryRun');
    }
  });
});
