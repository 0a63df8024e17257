// A program's behaviour that follows its configuration (`byConfig`): an environment variable or a
// ConfigMap or Secret key, read as the kubelet resolves them, so a config fault can be fixed through
// the tools (`set_env`, `apply_manifest`) and graded by the end state.
import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import type { CallOptions, Cluster, ObjectRef } from '../cluster.js';
import { k8sTools } from '../tools/k8s-tools.js';
import { expandEnvReferences } from './pod-state.js';
import { createSimCluster } from './sim-cluster.js';
import { parseWorld, type WorldInput } from './world-schema.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

function setup(world: WorldInput) {
  const cluster = createSimCluster(world);
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  const states = (app: string) =>
    (
      cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: `app=${app}` }) as unknown as {
        status: { containerStatuses: { state: Record<string, unknown> }[] };
      }[]
    ).map((p) => Object.keys(p.status.containerStatuses[0]!.state)[0]);
  return { cluster, call, states };
}

const CRASH = {
  crash: { exitCode: 1, logs: ['FATAL: cannot parse DATABASE_URL: scheme "redis" is not postgres'] },
};

const base: WorldInput = {
  namespaces: ['shop'],
  deployments: [
    {
      name: 'orders',
      namespace: 'shop',
      replicas: 2,
      containers: [
        {
          name: 'orders',
          image: 'shop/orders:3',
          env: { DATABASE_URL: 'redis://cache.shop:6379/0' },
          behavior: {
            logs: ['listening on :8080'],
            byConfig: [{ env: 'DATABASE_URL', notContains: 'postgres://', behavior: CRASH }],
          },
        },
      ],
    },
  ],
};

describe('behaviour that follows configuration (byConfig)', () => {
  it('an env value the program cannot use crash-loops it; set_env fixes it through a rollout', async () => {
    const { call, cluster, states } = setup(base);
    expect(states('orders')).not.toContain('running');
    expect(await call('list_pods', { namespace: 'shop' })).toMatch(/CrashLoopBackOff|Error/);
    const pod = (await call('list_pods', { namespace: 'shop' })).match(/orders-[a-z0-9]+-[a-z0-9]+/)![0];
    expect(await call('get_pod_logs', { namespace: 'shop', name: pod, previous: true })).toContain(
      'cannot parse DATABASE_URL',
    );
    const out = await call('set_env', {
      namespace: 'shop',
      deployment: 'orders',
      container: 'orders',
      set: [{ name: 'DATABASE_URL', value: 'postgres://orders-db.shop:5432/orders' }],
    });
    expect(out).toMatch(
      /updated: container orders env DATABASE_URL "redis:\/\/cache\.shop:6379\/0" -> "postgres:\/\/orders-db\.shop:5432\/orders" \(revision 2\)$/,
    );
    cluster.settle();
    expect(states('orders')).toEqual(['running', 'running']);
  });

  it('a ConfigMap key read as a config file: the crash follows its text, and an applied fix ends it', async () => {
    const { call, cluster, states } = setup({
      namespaces: ['shop'],
      deployments: [
        {
          name: 'geo',
          namespace: 'shop',
          replicas: 1,
          containers: [
            {
              name: 'geo',
              image: 'shop/geo:1',
              behavior: {
                logs: ['ready'],
                byConfig: [
                  {
                    configMap: { name: 'geo-config', key: 'settings.yaml' },
                    contains: 'country: NO',
                    behavior: {
                      crash: {
                        exitCode: 1,
                        logs: ['ValidationError: country: Input should be a valid string'],
                      },
                    },
                  },
                  {
                    configMap: { name: 'geo-config', key: 'settings.yaml' },
                    missing: true,
                    behavior: { crash: { exitCode: 2, logs: ['settings.yaml: no such file'] } },
                  },
                ],
              },
            },
          ],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'geo-config', namespace: 'shop' },
          data: { 'settings.yaml': 'region: eu\ncountry: NO\n' },
        },
      ],
    });
    expect(states('geo')).not.toContain('running');
    const fixed = `apiVersion: v1
kind: ConfigMap
metadata:
  name: geo-config
data:
  settings.yaml: |
    region: eu
    country: "NO"
`;
    expect(await call('apply_manifest', { namespace: 'shop', manifest: fixed })).toMatch(/configured/);
    cluster.settle();
    expect(states('geo')).toEqual(['running']);
  });

  it('a running program keeps the configuration it started with; a restart (or reloadsConfig) reads the new one', async () => {
    const world = (reloadsConfig?: boolean): WorldInput => ({
      namespaces: ['shop'],
      deployments: [
        {
          name: 'geo',
          namespace: 'shop',
          replicas: 1,
          containers: [
            {
              name: 'geo',
              image: 'shop/geo:1',
              behavior: {
                logs: ['ready'],
                ...(reloadsConfig ? { reloadsConfig } : {}),
                byConfig: [
                  {
                    configMap: { name: 'geo-config', key: 'settings.yaml' },
                    contains: 'country: NO',
                    behavior: { crash: { exitCode: 1, logs: ['ValidationError: country'] } },
                  },
                ],
              },
            },
          ],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'geo-config', namespace: 'shop' },
          data: { 'settings.yaml': 'country: "NO"\n' },
        },
      ],
    });
    const broken =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: geo-config\ndata:\n  settings.yaml: |\n    country: NO\n';
    const { call, cluster, states } = setup(world());
    expect(states('geo')).toEqual(['running']);
    await call('apply_manifest', { namespace: 'shop', manifest: broken });
    cluster.settle();
    // Still running with what it read at start: a ConfigMap change does not restart anything.
    expect(states('geo')).toEqual(['running']);
    await call('restart_deployment', { namespace: 'shop', name: 'geo' });
    cluster.settle();
    // The new pod reads the broken file and crash-loops (with no readiness probe it counted as available
    // while it ran, so the rollout went on and the old pod is gone).
    expect(states('geo')).not.toContain('running');
    // A program that watches its files follows the change at once.
    const watching = setup(world(true));
    await watching.call('apply_manifest', { namespace: 'shop', manifest: broken });
    watching.cluster.settle();
    expect(watching.states('geo')).not.toContain('running');
  });

  it('resolves env as the kubelet does: secretKeyRef (base64 data), envFrom with a prefix, env over envFrom, missing', async () => {
    const world: WorldInput = {
      namespaces: ['shop'],
      deployments: [
        {
          name: 'a',
          namespace: 'shop',
          replicas: 1,
          containers: [
            {
              name: 'a',
              image: 'a:1',
              env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }],
              behavior: { byConfig: [{ env: 'TOKEN', equals: 'expired-1', behavior: CRASH }] },
            },
          ],
        },
        {
          name: 'b',
          namespace: 'shop',
          replicas: 1,
          containers: [
            {
              name: 'b',
              image: 'b:1',
              envFrom: [{ configMapRef: { name: 'flags' }, prefix: 'APP_' }],
              behavior: { byConfig: [{ env: 'APP_MODE', equals: 'broken', behavior: CRASH }] },
            },
          ],
        },
        {
          name: 'c',
          namespace: 'shop',
          replicas: 1,
          containers: [
            {
              name: 'c',
              image: 'c:1',
              envFrom: [{ configMapRef: { name: 'flags' }, prefix: 'APP_' }],
              env: { APP_MODE: 'ok' },
              behavior: { byConfig: [{ env: 'APP_MODE', equals: 'broken', behavior: CRASH }] },
            },
          ],
        },
        {
          name: 'd',
          namespace: 'shop',
          replicas: 1,
          containers: [
            {
              name: 'd',
              image: 'd:1',
              behavior: { byConfig: [{ env: 'REGION', missing: true, behavior: CRASH }] },
            },
          ],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'creds', namespace: 'shop' },
          data: { token: Buffer.from('expired-1').toString('base64') },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'flags', namespace: 'shop' },
          data: { MODE: 'broken' },
        },
      ],
    };
    const { states } = setup(world);
    expect(states('a')).not.toContain('running');
    expect(states('b')).not.toContain('running');
    expect(states('c')).toEqual(['running']);
    expect(states('d')).not.toContain('running');
  });

  // The first version read a literal value as written (`$(DB_USER)` unexpanded), took a reference to
  // a missing optional key as unsetting the variable (the kubelet passes over it, so an earlier entry
  // or an envFrom source still holds), and gave a ConfigMap's binaryData to env (the kubelet does not).
  it('resolves env as the kubelet does: $(VAR) references, a missing optional reference passed over, no binaryData', async () => {
    type Deployment = NonNullable<WorldInput['deployments']>[number];
    type Container = Deployment['containers'][number];
    const deployment = (
      name: string,
      container: Omit<Container, 'name' | 'image'>,
      byConfig: NonNullable<NonNullable<Container['behavior']>['byConfig']>,
    ): Deployment => ({
      name,
      namespace: 'shop',
      replicas: 1,
      containers: [{ name, image: `${name}:1`, ...container, behavior: { byConfig } }],
    });
    const world: WorldInput = {
      namespaces: ['shop'],
      deployments: [
        deployment(
          'expands',
          {
            envFrom: [{ configMapRef: { name: 'db' } }],
            env: [
              { name: 'DB_USER', value: 'app' },
              {
                name: 'DATABASE_URL',
                value: 'postgres://$(DB_USER)@$(DB_HOST):$(DB_PORT)/$$(LITERAL)$(LATER)',
              },
              { name: 'LATER', value: 'x' },
            ],
          },
          [
            {
              env: 'DATABASE_URL',
              equals: 'postgres://app@db.shop:5432/$(LITERAL)$(LATER)',
              behavior: CRASH,
            },
          ],
        ),
        deployment(
          'keeps',
          {
            env: [
              { name: 'MODE', value: 'broken' },
              { name: 'MODE', valueFrom: { secretKeyRef: { name: 'absent', key: 'mode', optional: true } } },
            ],
          },
          [{ env: 'MODE', equals: 'broken', behavior: CRASH }],
        ),
        deployment(
          'keeps-source',
          {
            envFrom: [{ configMapRef: { name: 'db' } }],
            env: [
              {
                name: 'DB_HOST',
                valueFrom: { configMapKeyRef: { name: 'db', key: 'nope', optional: true } },
              },
            ],
          },
          [{ env: 'DB_HOST', missing: true, behavior: CRASH }],
        ),
        deployment(
          'binary',
          {
            env: [
              { name: 'BLOB', valueFrom: { configMapKeyRef: { name: 'db', key: 'blob', optional: true } } },
            ],
          },
          [{ env: 'BLOB', equals: 'hi', behavior: CRASH }],
        ),
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'db', namespace: 'shop' },
          data: { DB_HOST: 'db.shop', DB_PORT: '5432' },
          binaryData: { blob: Buffer.from('hi').toString('base64') },
        },
      ],
    };
    const { states } = setup(world);
    expect(states('expands')).not.toContain('running');
    expect(states('keeps')).not.toContain('running');
    expect(states('keeps-source')).toEqual(['running']);
    expect(states('binary')).toEqual(['running']);
  });

  it('expands $(VAR) as Kubernetes does, in time linear in the value', () => {
    const vars: Record<string, string> = { A: 'a', '': 'empty-name' };
    const lookup = (n: string) => vars[n];
    expect(expandEnvReferences('$(A)-$$(A)-$(B)-$x-$-$$-$()-$(A', lookup)).toBe(
      'a-$(A)-$(B)-$x-$-$-empty-name-$(A',
    );
    expect(expandEnvReferences('tail$', lookup)).toBe('tail$');
    // Unclosed openers: each one scanned to the end was quadratic (the original's way).
    const long = '$('.repeat(50_000);
    expect(expandEnvReferences(long, lookup)).toBe(long);
  });

  it('a condition names exactly one value and one test, and the world error says where', () => {
    const world = (o: Record<string, unknown>) => ({
      deployments: [
        {
          name: 'x',
          containers: [{ name: 'x', image: 'x:1', behavior: { byConfig: [{ ...o, behavior: CRASH }] } }],
        },
      ],
    });
    expect(() => parseWorld(world({ env: 'A', configMap: { name: 'c', key: 'k' }, equals: '1' }))).toThrow(
      /deployments\[0\]\.containers\[0\]\.behavior\.byConfig\[0\]: give exactly one of env, configMap or secret \(got env, configMap\)/,
    );
    expect(() => parseWorld(world({ env: 'A' }))).toThrow(
      /give exactly one of equals, contains, notContains or missing \(got none\)/,
    );
    expect(() => parseWorld(world({ env: 'A', contains: '' }))).toThrow(/byConfig\[0\]\.contains/);
    expect(parseWorld(world({ env: 'A', equals: '' }))).toBeDefined();
  });
});

describe('set_env', () => {
  const world: WorldInput = {
    namespaces: ['shop'],
    deployments: [
      {
        name: 'api',
        namespace: 'shop',
        replicas: 1,
        containers: [
          {
            name: 'api',
            image: 'api:1',
            envFrom: [{ configMapRef: { name: 'api-env' } }],
            env: [
              { name: 'LOG_LEVEL', value: 'info' },
              { name: 'API_TOKEN', value: 'tok-123456789' },
            ],
          },
        ],
      },
    ],
    objects: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'api-env', namespace: 'shop' },
        data: { X: '1' },
      },
    ],
  };
  const args = { namespace: 'shop', deployment: 'api', container: 'api' };

  it("hides a secret-named variable's values and shows a reference by name", async () => {
    const { call } = setup(world);
    const out = await call('set_env', {
      ...args,
      set: [
        { name: 'API_TOKEN', value: 'tok-abcdefghijk' },
        { name: 'DB_PASSWORD', secretKeyRef: { name: 'db', key: 'password' } },
      ],
    });
    expect(out).not.toMatch(/tok-/);
    expect(out).toContain(
      "API_TOKEN <hidden: 13 characters under a secret's name> -> <hidden: 15 characters",
    );
    expect(out).toContain('DB_PASSWORD <unset> -> <secret db/password>');
  });

  it('says what did not change, and refuses contradictions naming the argument', async () => {
    const { call, cluster } = setup(world);
    expect(await call('set_env', { ...args, set: [{ name: 'LOG_LEVEL', value: 'info' }] })).toMatch(
      /^deployment\.apps\/api unchanged: container api env LOG_LEVEL "info" \(unchanged\)$/,
    );
    expect(await call('set_env', { ...args, remove: ['X'] })).toMatch(
      /X not in the env list \(unchanged; envFrom may still set it\)/,
    );
    expect(cluster.auditLog()).toHaveLength(0);
    await expect(call('set_env', args)).rejects.toThrow(
      /^set, remove: give variables to set and\/or to remove/,
    );
    await expect(
      call('set_env', { ...args, set: [{ name: 'A', value: '1' }], remove: ['A'] }),
    ).rejects.toThrow(/^remove\[0\]: "A" is both set and removed/);
    await expect(
      call('set_env', {
        ...args,
        set: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      }),
    ).rejects.toThrow(/^set\[1\]\.name: "A" is set twice/);
    const tool = k8sTools(cluster).find((t) => t.name === 'set_env')!;
    expect(tool.input.safeParse({ ...args, set: [{ name: 'A=B', value: '1' }] }).success).toBe(false);
    expect(tool.input.safeParse({ ...args, set: [{ name: '9LIVES', value: '1' }] }).success).toBe(false);
  });

  // A JSON patch cannot test that the env list is absent: with no test at all, the `add` replaced a
  // list someone added between the read and the patch, and their variables were lost unseen.
  it('a change made between the read and the patch fails the patch, also when the container had no env list', async () => {
    for (const env of [undefined, [{ name: 'LOG_LEVEL', value: 'info' }]]) {
      const sim = createSimCluster({
        namespaces: ['shop'],
        deployments: [
          {
            name: 'api',
            namespace: 'shop',
            replicas: 1,
            containers: [{ name: 'api', image: 'api:1', ...(env ? { env } : {}) }],
          },
        ],
      });
      const ref = { kind: 'Deployment', apiVersion: 'apps/v1', name: 'api', namespace: 'shop' };
      const theirs = [{ name: 'OTHER', value: 'keep-me' }];
      let raced = false;
      // Someone else sets the env list right after set_env has read the deployment.
      const racing = new Proxy(sim as Cluster, {
        get(target, key) {
          const v = Reflect.get(target, key, target);
          if (key !== 'get') return typeof v === 'function' ? v.bind(target) : v;
          return async (r: ObjectRef, o?: CallOptions) => {
            const read = await target.get(r, o);
            if (!raced && r.kind === 'Deployment') {
              raced = true;
              await sim.patch(ref, {
                type: 'json',
                body: [{ op: 'add', path: '/spec/template/spec/containers/0/env', value: theirs }],
              });
            }
            return read;
          };
        },
      });
      const tool = k8sTools(racing).find((t) => t.name === 'set_env') as AnyTool;
      await expect(
        tool.execute(
          tool.input.parse({
            namespace: 'shop',
            deployment: 'api',
            container: 'api',
            set: [{ name: 'A', value: '1' }],
          }),
          ctx,
        ),
      ).rejects.toThrow(/test failed/);
      const spec = sim.getNow({ kind: 'Deployment', name: 'api', namespace: 'shop' }).spec as {
        template: { spec: { containers: { env?: unknown }[] } };
      };
      expect(spec.template.spec.containers[0]!.env).toEqual(theirs);
    }
  });

  it('removing the last variable removes the env list, and the order of the others is kept', async () => {
    const { call, cluster } = setup(world);
    await call('set_env', { ...args, set: [{ name: 'LOG_LEVEL', value: 'debug' }] });
    const env = () =>
      (
        cluster.getNow({ kind: 'Deployment', name: 'api', namespace: 'shop' }).spec as {
          template: { spec: { containers: { env?: { name: string }[] }[] } };
        }
      ).template.spec.containers[0]!.env;
    expect(env()?.map((e) => e.name)).toEqual(['LOG_LEVEL', 'API_TOKEN']);
    await call('set_env', { ...args, remove: ['LOG_LEVEL', 'API_TOKEN'] });
    expect(env()).toBeUndefined();
  });
});

describe('a world is held to the pod counts the API server allows', () => {
  const dep = (replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'big', namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'big' } },
      template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } },
    },
  });
  it.each([
    [
      { deployments: [{ name: 'x', replicas: 100_000_000, containers: [{ name: 'x', image: 'x:1' }] }] },
      /deployments\[0\]\.replicas/,
    ],
    [{ objects: [dep(100_000_000)] }, /objects\[0\]\.spec\.replicas: expected a whole number from 0 to 1000/],
    [{ objects: [dep(1.5)] }, /objects\[0\]\.spec\.replicas/],
    [
      {
        objects: [
          { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { parallelism: 5000 } },
        ],
      },
      /objects\[0\]\.spec\.parallelism/,
    ],
    [
      {
        objects: [
          {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            metadata: { name: 'c' },
            spec: { jobTemplate: { spec: { completions: 1e9 } } },
          },
        ],
      },
      /objects\[0\]\.spec\.jobTemplate\.spec\.completions/,
    ],
    [
      {
        objects: [
          {
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            metadata: { name: 'h' },
            spec: { maxReplicas: 1e8 },
          },
        ],
      },
      /objects\[0\]\.spec\.maxReplicas/,
    ],
    [
      {
        objects: [
          dep(1000),
          { ...dep(1000), metadata: { name: 'b2', namespace: 'shop' } },
          { ...dep(1), metadata: { name: 'b3', namespace: 'shop' } },
        ],
      },
      /at most 2000 replicas across all deployments \(2001 declared\)/,
    ],
  ])('refused, naming the field: %#', (world, message) => {
    expect(() => parseWorld(world)).toThrow(message);
  });

  it('a world at the limits loads', () => {
    expect(parseWorld({ objects: [dep(1000)] })).toBeDefined();
  });
});

describe('ConfigMap and Secret data in a world', () => {
  it('refuses a value that is not a string, naming the key (YAML reads port: 8080 as a number)', () => {
    expect(() =>
      parseWorld({
        objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { port: 8080 } }],
      }),
    ).toThrow(/objects\[0\]\.data\.port: expected a string \(quote it: "8080"\)/);
    expect(() =>
      parseWorld({
        objects: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { debug: true } }],
      }),
    ).toThrow(/objects\[0\]\.stringData\.debug: expected a string/);
    expect(
      parseWorld({
        objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { port: '8080' } }],
      }),
    ).toBeDefined();
  });
});
