// Security contexts: runAsNonRoot refusals (the kubelet's CreateContainerConfigError) and writes that
// the user, the mounts and fsGroup decide, so "permission denied" and "read-only file system" crash
// loops follow from the spec and a fixed spec (an applied Deployment) ends them.
import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { k8sTools } from '../tools/k8s-tools.js';
import type { Container, Pod } from '../types.js';
import { bindError, nonRootRefusal, unprivilegedPortStart, writeError } from './security-context.js';
import { createSimCluster } from './sim-cluster.js';
import type { WorldInput } from './world-schema.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

function setup(world: WorldInput) {
  const cluster = createSimCluster(world);
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  const pods = (app: string) =>
    cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: `app=${app}` }) as unknown as Pod[];
  const state = (app: string) =>
    pods(app).map((p) => {
      const s = p.status?.containerStatuses?.[0]?.state ?? {};
      return s.waiting?.reason ?? Object.keys(s)[0];
    });
  return { cluster, call, pods, state };
}

const pod = (spec: Partial<Pod['spec']>, c: Partial<Container> = {}): { pod: Pod; c: Container } => {
  const container: Container = { name: 'app', image: 'x', ...c };
  return {
    c: container,
    pod: {
      metadata: { name: 'web-0', namespace: 'shop', uid: 'u1' },
      spec: { containers: [container], ...spec },
    } as Pod,
  };
};

describe('runAsNonRoot, as the kubelet verifies it', () => {
  const where = '(pod: "web-0_shop(u1)", container: app)';
  it.each([
    [
      'image root, pod runAsNonRoot',
      { securityContext: { runAsNonRoot: true } },
      {},
      undefined,
      `container has runAsNonRoot and image will run as root ${where}`,
    ],
    [
      'image USER 0',
      {},
      { securityContext: { runAsNonRoot: true } },
      '0:0',
      `container has runAsNonRoot and image will run as root ${where}`,
    ],
    [
      'runAsUser 0 in the spec',
      { securityContext: { runAsNonRoot: true, runAsUser: 0 } },
      {},
      1001,
      `container's runAsUser breaks non-root policy ${where}`,
    ],
    [
      'a named image user',
      { securityContext: { runAsNonRoot: true } },
      {},
      'app',
      `container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root ${where}`,
    ],
    [
      'a named user with runAsUser',
      { securityContext: { runAsNonRoot: true, runAsUser: 1000 } },
      {},
      'app',
      undefined,
    ],
    ['a numeric image user', { securityContext: { runAsNonRoot: true } }, {}, '1001:1001', undefined],
    [
      "the container's false wins over the pod's true",
      { securityContext: { runAsNonRoot: true } },
      { securityContext: { runAsNonRoot: false } },
      undefined,
      undefined,
    ],
    ['no runAsNonRoot', {}, {}, undefined, undefined],
  ] as const)('%s', (_name, spec, c, user, want) => {
    const p = pod(spec as Partial<Pod['spec']>, c as Partial<Container>);
    expect(nonRootRefusal(p.c, p.pod, user)).toBe(want);
  });
});

describe('writes, as the mounts and the user decide them', () => {
  const vols = {
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'tmp', emptyDir: {} },
      { name: 'conf', configMap: { name: 'conf' } },
      { name: 'host', hostPath: { path: '/var/log' } },
    ],
  };
  const mounts = {
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'conf', mountPath: '/etc/app' },
      { name: 'host', mountPath: '/var/log/host' },
      { name: 'data', mountPath: '/data/ro', readOnly: true },
    ],
  };
  it.each([
    ['root writes a claim', {}, {}, undefined, '/data/x', undefined],
    [
      'non-root, claim without fsGroup',
      { securityContext: { runAsUser: 1000 } },
      {},
      undefined,
      '/data/x',
      'EACCES',
    ],
    [
      'non-root, claim with fsGroup',
      { securityContext: { runAsUser: 1000, fsGroup: 2000 } },
      {},
      undefined,
      '/data/x',
      undefined,
    ],
    ['image user non-root, claim without fsGroup', {}, {}, 'node', '/data/db', 'EACCES'],
    ['emptyDir is world-writable', {}, {}, 65534, '/tmp/cache', undefined],
    ['ConfigMap volume is read-only even for root', {}, {}, undefined, '/etc/app/state', 'EROFS'],
    [
      'hostPath ignores fsGroup',
      { securityContext: { fsGroup: 2000 } },
      {},
      1000,
      '/var/log/host/a.log',
      'EACCES',
    ],
    ['readOnly mount (the longest mountPath wins)', {}, {}, undefined, '/data/ro/x', 'EROFS'],
    [
      'readOnlyRootFilesystem',
      {},
      { securityContext: { readOnlyRootFilesystem: true } },
      undefined,
      '/app/cache',
      'EROFS',
    ],
    ["the image's user writes its own paths", {}, {}, 'app', '/app/cache', undefined],
    [
      'a runAsUser other than the owner',
      { securityContext: { runAsUser: 1000 } },
      {},
      1001,
      '/app/cache',
      'EACCES',
    ],
    ['a path the image left to root', {}, {}, 1001, '/var/run/app.pid', 'EACCES', 0],
    [
      'a prefix that is not a parent (/data2)',
      { securityContext: { runAsUser: 1000 } },
      {},
      1000,
      '/data2/x',
      undefined,
    ],
  ] as const)('%s', (_name, spec, c, user, path, want, owner?: number) => {
    const p = pod(
      { ...vols, ...(spec as Partial<Pod['spec']>) },
      { ...mounts, ...(c as Partial<Container>) },
    );
    expect(writeError(p.c, p.pod, user, path, owner)?.errno).toBe(want);
  });
});

const world = (podSecurity?: Record<string, unknown>): WorldInput => ({
  namespaces: ['shop'],
  deployments: [
    {
      name: 'search',
      namespace: 'shop',
      replicas: 1,
      ...(podSecurity ? { securityContext: podSecurity } : {}),
      volumes: [{ name: 'index', persistentVolumeClaim: { claimName: 'index' } }],
      containers: [
        {
          name: 'search',
          image: 'shop/search:2',
          volumeMounts: [{ name: 'index', mountPath: '/var/lib/search' }],
          behavior: {
            user: 1001,
            logs: ['index opened'],
            writes: [
              {
                path: '/var/lib/search/segments',
                exitCode: 1,
                logs: ["Error: EACCES: {strerror}, mkdir '{path}'", 'errno: {errno} {error}'],
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
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'index', namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Bound' },
    },
  ],
});

describe('a claim bound to an NFS share', () => {
  it('is never chowned for fsGroup: a non-root user is refused even with fsGroup; root writes', () => {
    const p = pod(
      {
        securityContext: { runAsUser: 1000, fsGroup: 1000 },
        volumes: [{ name: 'up', persistentVolumeClaim: { claimName: 'uploads' } }],
      },
      { volumeMounts: [{ name: 'up', mountPath: '/srv/uploads' }] },
    );
    const nfs = (claim: string) =>
      claim === 'uploads' ? { nfs: { server: 'nas01', path: '/export/uploads' } } : undefined;
    expect(writeError(p.c, p.pod, undefined, '/srv/uploads/x', undefined, nfs)?.errno).toBe('EACCES');
    expect(
      writeError(p.c, p.pod, undefined, '/srv/uploads/x', undefined, () => ({
        csi: { driver: 'ebs.csi.aws.com' },
      })),
    ).toBeUndefined();
    const root = pod(
      { volumes: [{ name: 'up', persistentVolumeClaim: { claimName: 'uploads' } }] },
      { volumeMounts: [{ name: 'up', mountPath: '/srv/uploads' }] },
    );
    expect(writeError(root.c, root.pod, undefined, '/srv/uploads/x', undefined, nfs)).toBeUndefined();
  });
});

describe('security contexts in a simulated world', () => {
  it('a non-root image on a root-owned claim crash-loops with its own words; an applied fsGroup ends it', async () => {
    const { call, cluster, pods, state } = setup(world());
    expect(state('search')).not.toContain('running');
    const name = pods('search')[0]!.metadata.name!;
    const logs = await call('get_pod_logs', { namespace: 'shop', name, previous: true });
    expect(logs).toContain("Error: EACCES: Permission denied, mkdir '/var/lib/search/segments'");
    expect(logs).toContain('errno: EACCES permission denied');
    const fixed = `apiVersion: apps/v1
kind: Deployment
metadata: {name: search}
spec:
  replicas: 1
  selector: {matchLabels: {app: search}}
  template:
    metadata: {labels: {app: search}}
    spec:
      securityContext: {fsGroup: 1001}
      volumes: [{name: index, persistentVolumeClaim: {claimName: index}}]
      containers:
        - name: search
          image: shop/search:2
          volumeMounts: [{name: index, mountPath: /var/lib/search}]
`;
    expect(await call('apply_manifest', { namespace: 'shop', manifest: fixed })).toMatch(/configured/);
    cluster.settle();
    expect(state('search')).toEqual(['running']);
  });

  it('runAsNonRoot on a root image is CreateContainerConfigError with the kubelet message in describe and events', async () => {
    const w = world({ runAsNonRoot: true });
    const c = w.deployments![0]!.containers[0]!;
    (c.behavior as { user?: unknown }).user = undefined;
    const { call, state, pods } = setup(w);
    expect(state('search')).toEqual(['CreateContainerConfigError']);
    const name = pods('search')[0]!.metadata.name!;
    expect(await call('describe_pod', { namespace: 'shop', name })).toContain(
      'Error: container has runAsNonRoot and image will run as root (pod: "',
    );
  });

  it('a world with a bad securityContext field is refused naming it', () => {
    const w = world({ fsGroup: -1 });
    expect(() => createSimCluster(w)).toThrow(/securityContext.*fsGroup|fsGroup/);
  });
});

describe('ports below 1024, as the kernel and the runtime decide them', () => {
  const c1 = 'containerd://1.7.24';
  const c2 = 'containerd://2.0.4';
  it.each([
    ['a non-root image user on containerd 1.7', {}, {}, 101, c1, 'EACCES'],
    [
      'runAsUser 1000 on containerd 1.7',
      { securityContext: { runAsUser: 1000 } },
      {},
      undefined,
      c1,
      'EACCES',
    ],
    ['a named image user (not root)', {}, {}, 'nginx', c1, 'EACCES'],
    [
      'non-root with NET_BIND_SERVICE added (no ambient capabilities)',
      {},
      { securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } },
      101,
      c1,
      'EACCES',
    ],
    ['root', {}, {}, undefined, c1, undefined],
    [
      'root with drop ALL',
      {},
      { securityContext: { capabilities: { drop: ['ALL'] } } },
      undefined,
      c1,
      'EACCES',
    ],
    [
      'root with drop ALL and add NET_BIND_SERVICE',
      {},
      { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } },
      undefined,
      c1,
      undefined,
    ],
    [
      'root with CAP_NET_BIND_SERVICE both added and dropped',
      {},
      { securityContext: { capabilities: { drop: ['cap_net_bind_service'], add: ['NET_BIND_SERVICE'] } } },
      undefined,
      c1,
      'EACCES',
    ],
    [
      'root with drop ALL, privileged',
      {},
      { securityContext: { privileged: true, capabilities: { drop: ['ALL'] } } },
      undefined,
      c1,
      undefined,
    ],
    ['non-root on containerd 2.0', {}, {}, 101, c2, undefined],
    [
      'non-root with the sysctl at 0',
      { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } },
      {},
      101,
      c1,
      undefined,
    ],
    [
      'non-root with the sysctl at 100 (above the port)',
      { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '100' }] } },
      {},
      101,
      c2,
      'EACCES',
    ],
    ['non-root on the host network of a containerd 2.0 node', { hostNetwork: true }, {}, 101, c2, 'EACCES'],
  ] as const)('%s', (_label, spec, container, image, runtime, want) => {
    const { pod: p, c } = pod(spec as Partial<Pod['spec']>, container as Partial<Container>);
    expect(bindError(c, p, image, 80, runtime)?.errno).toBe(want);
    // A port at or above the start is free to anyone.
    expect(bindError(c, p, image, 8080, runtime)).toBeUndefined();
  });

  it('reads the start from the sysctl, then the runtime, then the kernel default', () => {
    expect(unprivilegedPortStart(pod({}).pod, undefined)).toBe(1024);
    expect(unprivilegedPortStart(pod({}).pod, 'containerd://2.1.0')).toBe(0);
    expect(unprivilegedPortStart(pod({}).pod, 'containerd://1.6.9')).toBe(1024);
    expect(unprivilegedPortStart(pod({}).pod, 'cri-o://1.30.0')).toBe(1024);
    const bad = pod({
      securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: 'x' }] },
    });
    expect(unprivilegedPortStart(bad.pod, undefined)).toBe(1024);
  });

  const edge = (over: { runtime?: string; sysctl?: string; drop?: string[] } = {}): WorldInput => ({
    namespaces: ['shop'],
    nodes: [{ name: 'node-a', ...(over.runtime ? { containerRuntime: over.runtime } : {}) }],
    deployments: [
      {
        name: 'edge',
        namespace: 'shop',
        replicas: 1,
        ...(over.sysctl
          ? {
              securityContext: {
                sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: over.sysctl }],
              },
            }
          : {}),
        containers: [
          {
            name: 'nginx',
            image: 'shop/edge:1.4',
            ...(over.drop ? { securityContext: { capabilities: { drop: over.drop } } } : {}),
            readinessProbe: { httpGet: { path: '/healthz', port: 80 } },
            behavior: {
              ...(over.drop ? {} : { user: 101 }),
              logs: ['edge starting'],
              http: [{ port: 80, path: '/healthz' }],
              bindError: { logs: ['nginx: [emerg] bind() to 0.0.0.0:{port} failed (13: {strerror})'] },
            },
          },
        ],
      },
    ],
  });

  it('a non-root server on port 80 crash-loops with its own words; on a containerd 2 node or with the sysctl it serves', async () => {
    const { call, pods, state } = setup(edge());
    expect(state('edge')).not.toContain('running');
    const name = pods('edge')[0]!.metadata.name!;
    const logs = await call('get_pod_logs', { namespace: 'shop', name, previous: true });
    expect(logs).toContain('nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)');
    expect(await call('describe_pod', { namespace: 'shop', name })).toContain('Exit Code:    1');
    expect(setup(edge({ runtime: 'containerd://2.0.4' })).state('edge')).toEqual(['running']);
    expect(setup(edge({ sysctl: '0' })).state('edge')).toEqual(['running']);
    expect(
      await setup(edge({ runtime: 'containerd://2.0.4' })).call('describe_node', { name: 'node-a' }),
    ).toContain('containerd://2.0.4');
  });

  it('root with every capability dropped cannot bind port 80 either', () => {
    expect(setup(edge({ drop: ['ALL'] })).state('edge')).not.toContain('running');
  });

  it('a malformed runtime or sysctl is refused naming the field', () => {
    expect(() => createSimCluster(edge({ runtime: 'containerd 2' }))).toThrow(/containerRuntime/);
    const w = edge();
    (w.deployments![0] as { securityContext?: unknown }).securityContext = { sysctls: [{ name: 'x' }] };
    expect(() => createSimCluster(w)).toThrow(/sysctls/);
  });
});
