import { describe, expect, it } from 'vitest';
import type { Pod } from '../types.js';
import { inCidr } from './network.js';
import { createSimCluster } from './sim-cluster.js';

const app = (behavior: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'exporter',
  namespace: 'app',
  replicas: 1,
  containers: [{ name: 'exporter', image: 'acme/exporter:1', behavior: { logs: ['starting'], ...behavior } }],
  ...extra,
});
const pg = {
  name: 'pg',
  namespace: 'db',
  replicas: 1,
  containers: [{ name: 'postgres', image: 'postgres:16', ports: [5432], behavior: { logs: ['ready'] } }],
};
const pgSvc = {
  name: 'pg',
  namespace: 'db',
  selector: { app: 'pg' },
  ports: [5432],
  clusterIP: '10.96.7.12',
};
const policy = (name: string, ns: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const logsOf = async (c: ReturnType<typeof createSimCluster>, ns = 'app') => {
  const pod = (c.listNow({ kind: 'Pod', namespace: ns }) as unknown as Pod[])[0]!;
  return { pod, logs: await c.podLogs({ name: pod.metadata.name!, namespace: ns }) };
};
const dep = { dependencies: [{ service: 'pg', namespace: 'db', port: 5432 }] };

describe('NetworkPolicy decides whether a program reaches its dependencies', () => {
  it('no policy: the connection works and nothing is logged about it', async () => {
    const c = createSimCluster({ deployments: [app(dep), pg], services: [pgSvc] });
    expect((await logsOf(c)).logs).toBe('starting\n');
  });

  it('a default-deny egress that allows only DNS: the program logs an i/o timeout to the Service', async () => {
    const c = createSimCluster({
      deployments: [app(dep), pg],
      services: [pgSvc],
      objects: [
        policy('default-deny-egress', 'app', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              ports: [
                { port: 53, protocol: 'UDP' },
                { port: 53, protocol: 'TCP' },
              ],
            },
          ],
        }),
      ],
    });
    expect((await logsOf(c)).logs).toBe(
      'starting\nerror connecting to pg.db:5432: dial tcp 10.96.7.12:5432: i/o timeout\n',
    );
  });

  it('an egress rule to the database namespace lets it through; an ingress policy on the database can still drop it', async () => {
    const allow = policy('allow-db', 'app', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { ports: [{ port: 53, protocol: 'UDP' }] },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } } }],
          ports: [{ port: 5432 }],
        },
      ],
    });
    const open = createSimCluster({ deployments: [app(dep), pg], services: [pgSvc], objects: [allow] });
    expect((await logsOf(open)).logs).toBe('starting\n');
    const guarded = createSimCluster({
      deployments: [app(dep), pg],
      services: [pgSvc],
      objects: [
        allow,
        policy('db-only-from-api', 'db', {
          podSelector: { matchLabels: { app: 'pg' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
        }),
      ],
    });
    expect((await logsOf(guarded)).logs).toContain('i/o timeout');
  });

  it('egress without DNS: the name does not resolve; with exitCode the program crash-loops on it', async () => {
    const c = createSimCluster({
      deployments: [
        app({
          dependencies: [
            {
              service: 'pg',
              namespace: 'db',
              port: 5432,
              exitCode: 1,
              logs: ['FATAL could not reach database: {error}'],
            },
          ],
        }),
        pg,
      ],
      services: [pgSvc],
      objects: [policy('deny-all', 'app', { podSelector: {}, policyTypes: ['Egress'] })],
    });
    const { pod } = await logsOf(c);
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
    const previous = await c.podLogs({ name: pod.metadata.name!, namespace: 'app', previous: true });
    expect(previous).toMatch(
      /FATAL could not reach database: lookup pg\.db\.svc\.cluster\.local on 10\.96\.0\.10:53: read udp [\d.]+:40123->10\.96\.0\.10:53: i\/o timeout/,
    );
  });

  it('a program that exits when its dependency fails does not crash when the dependency is up', async () => {
    const c = createSimCluster({
      deployments: [app({ dependencies: [{ service: 'pg', namespace: 'db', port: 5432, exitCode: 1 }] }), pg],
      services: [pgSvc],
    });
    const { pod } = await logsOf(c);
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(
      c
        .listNow({ kind: 'Event', namespace: 'app' })
        .filter((e) => (e as { reason?: string }).reason === 'BackOff'),
    ).toEqual([]);
  });

  it('a Service without ready backends refuses the connection', async () => {
    const c = createSimCluster({ deployments: [app(dep)], services: [pgSvc] });
    expect((await logsOf(c)).logs).toContain('dial tcp 10.96.7.12:5432: connect: connection refused');
  });

  it("a Service whose target port the backend's program does not listen on refuses the connection; the right port works", async () => {
    const listening = {
      ...pg,
      containers: [{ ...pg.containers[0]!, behavior: { logs: ['ready'], listenPorts: [5432] } }],
    };
    const svc = (targetPort: number | string) => ({ ...pgSvc, ports: [{ port: 5432, targetPort }] });
    const wrong = createSimCluster({ deployments: [app(dep), listening], services: [svc(5433)] });
    expect((await logsOf(wrong)).logs).toBe(
      'starting\nerror connecting to pg.db:5432: dial tcp 10.96.7.12:5432: connect: connection refused\n',
    );
    const right = createSimCluster({ deployments: [app(dep), listening], services: [svc(5432)] });
    expect((await logsOf(right)).logs).toBe('starting\n');
    // A named target port no container declares makes no endpoint.
    const named = createSimCluster({ deployments: [app(dep), listening], services: [svc('postgres')] });
    expect((await logsOf(named)).logs).toContain('connect: connection refused');
    // A program whose behaviour does not say what it listens on is taken to listen on the target port.
    const silent = createSimCluster({ deployments: [app(dep), pg], services: [svc(5433)] });
    expect((await logsOf(silent)).logs).toBe('starting\n');
  });

  it('matches CIDR blocks', () => {
    expect(inCidr('10.244.1.7', '10.244.0.0/16')).toBe(true);
    expect(inCidr('10.245.1.7', '10.244.0.0/16')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });
});

describe('RBAC decides what a program may do with its ServiceAccount', () => {
  const role = (verbs: string[]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'config-reader', namespace: 'app' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs }],
  });
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'config-reader', namespace: 'app' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'config-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'exporter', namespace: 'app' }],
  };
  const calls = {
    apiCalls: [
      {
        verb: 'list',
        resource: 'configmaps',
        exitCode: 1,
        logs: ['E0115 failed to list *v1.ConfigMap: {error}'],
      },
    ],
  };

  it("a Role that grants only get: list is Forbidden in the API server's words, and the program crash-loops", async () => {
    const c = createSimCluster({
      deployments: [app(calls, { serviceAccountName: 'exporter' })],
      objects: [role(['get']), binding],
    });
    const { pod } = await logsOf(c);
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
    expect(await c.podLogs({ name: pod.metadata.name!, namespace: 'app', previous: true })).toContain(
      'E0115 failed to list *v1.ConfigMap: configmaps is forbidden: User "system:serviceaccount:app:exporter" cannot list resource "configmaps" in API group "" in the namespace "app"',
    );
  });

  it('with list granted it runs; another ServiceAccount is not bound; cluster-scoped calls name the cluster scope', async () => {
    const ok = createSimCluster({
      deployments: [app(calls, { serviceAccountName: 'exporter' })],
      objects: [role(['get', 'list', 'watch']), binding],
    });
    expect((await logsOf(ok)).pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    const other = createSimCluster({
      deployments: [app({ apiCalls: [{ verb: 'list', resource: 'nodes', namespace: '' }] })],
      objects: [role(['list']), binding],
    });
    expect((await logsOf(other)).logs).toContain(
      'nodes is forbidden: User "system:serviceaccount:app:default" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });

  it('a refused call outside the core group names the group-qualified resource, as the API server does', async () => {
    const c = createSimCluster({
      deployments: [
        app({
          apiCalls: [{ verb: 'create', resource: 'jobs', group: 'batch', exitCode: 1, logs: ['{error}'] }],
        }),
      ],
      objects: [role(['get']), binding],
    });
    expect((await logsOf(c)).logs).toContain(
      'jobs.batch is forbidden: User "system:serviceaccount:app:default" cannot create resource "jobs" in API group "batch" in the namespace "app"',
    );
    const sub = createSimCluster({
      deployments: [
        app({ apiCalls: [{ verb: 'get', resource: 'pods/log', name: 'web-0', logs: ['{error}'] }] }),
      ],
    });
    expect((await logsOf(sub)).logs).toContain(
      'pods "web-0" is forbidden: User "system:serviceaccount:app:default" cannot get resource "pods/log" in API group "" in the namespace "app"',
    );
  });

  it('a ClusterRoleBinding to a ClusterRole grants it everywhere', async () => {
    const c = createSimCluster({
      deployments: [app({ apiCalls: [{ verb: 'watch', resource: 'pods', namespace: 'db' }] })],
      objects: [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'pod-watcher' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'pod-watcher' },
          roleRef: { kind: 'ClusterRole', name: 'pod-watcher' },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'app' }],
        },
      ],
    });
    expect((await logsOf(c)).logs).toBe('starting\n');
  });
});

describe('an init container waiting on a dependency', () => {
  const waiting = (policies: unknown[]) =>
    createSimCluster({
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          replicas: 1,
          initContainers: [
            {
              name: 'wait-for-db',
              image: 'busybox:1.36',
              command: ['sh', '-c', 'until nc -z pg.db 5432; do sleep 2; done'],
              behavior: {
                dependencies: [
                  { service: 'pg', namespace: 'db', port: 5432, logs: ['waiting for pg.db:5432 ({error})'] },
                ],
              },
            },
          ],
          containers: [{ name: 'api', image: 'acme/api:1', behavior: { logs: ['api up'] } }],
        },
        pg,
      ],
      services: [pgSvc],
      objects: policies,
    });

  it('stays Init (running, the pod Pending) while it cannot connect, and finishes when it can', async () => {
    const blocked = waiting([
      policy('deny-egress', 'app', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
      }),
    ]);
    const pod = (blocked.listNow({ kind: 'Pod', namespace: 'app' }) as unknown as Pod[])[0]!;
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.initContainerStatuses?.[0]?.state?.running).toBeDefined();
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect(
      await blocked.podLogs({ name: pod.metadata.name!, namespace: 'app', container: 'wait-for-db' }),
    ).toContain('waiting for pg.db:5432 (dial tcp 10.96.7.12:5432: i/o timeout)');
    const open = waiting([]);
    const ok = (open.listNow({ kind: 'Pod', namespace: 'app' }) as unknown as Pod[])[0]!;
    expect(ok.status?.phase).toBe('Running');
    expect(ok.status?.initContainerStatuses?.[0]?.state?.terminated?.reason).toBe('Completed');
  });
});
