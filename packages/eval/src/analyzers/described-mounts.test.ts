import { k8sTools } from '@sre-harness/tools-k8s';
import { createSimCluster } from '@sre-harness/tools-k8s/sim';
import { describe, expect, it } from 'vitest';
import { containerSections, describedMounts } from './types.js';

const ns = 'mounts';

/** `describe_pod` of a simulated pod with a whole-volume mount, a subPath mount and a read-only one. */
async function describedPod(): Promise<string> {
  const cluster = createSimCluster({
    now: '2026-03-18T10:00:00Z',
    objects: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: ns },
        data: { a: '1' },
      },
    ],
    deployments: [
      {
        name: 'web',
        namespace: ns,
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            volumeMounts: [
              { name: 'conf', mountPath: '/etc/app' },
              { name: 'conf', mountPath: '/app/config.yaml', subPath: 'config.yaml', readOnly: true },
            ],
          },
          {
            name: 'sidecar',
            image: 'busybox:1.36',
            volumeMounts: [{ name: 'scratch', mountPath: '/tmp/x' }],
          },
        ],
        volumes: [
          { name: 'conf', configMap: { name: 'settings' } },
          { name: 'scratch', emptyDir: {} },
        ],
      },
    ],
  });
  const tools = k8sTools(cluster);
  const opts = { signal: AbortSignal.timeout(5000), runId: 'r', callId: 'c' };
  const listed = String(await tools.find((t) => t.name === 'list_pods')!.execute({ namespace: ns }, opts));
  const name = /web-\S+/.exec(listed)?.[0];
  return String(await tools.find((t) => t.name === 'describe_pod')!.execute({ namespace: ns, name }, opts));
}

describe('describedMounts: the Mounts lines describe_pod prints', () => {
  it('reads every mount of the description, with its subPath and read-only flag', async () => {
    const text = await describedPod();
    expect(describedMounts(text).map(({ line, ...m }) => m)).toEqual([
      { path: '/etc/app', volume: 'conf', readOnly: false },
      { path: '/app/config.yaml', volume: 'conf', readOnly: true, subPath: 'config.yaml' },
      { path: '/tmp/x', volume: 'scratch', readOnly: false },
    ]);
  });

  it("reads one container's mounts from its section", async () => {
    const side = containerSections(await describedPod()).find((c) => c.name === 'sidecar')!;
    expect(describedMounts(side.body).map((m) => m.line)).toEqual(['/tmp/x from scratch (rw)']);
  });

  it('takes no other line for a mount, a long one included', () => {
    const text = [
      '    Args:  /bin/run from source (fast)',
      '      /etc/app from conf (ro,path="a"',
      'Events:  /etc/x from y (rw)',
      `      /${'a'.repeat(50_000)} from${' '.repeat(50_000)}`,
    ].join('\n');
    expect(describedMounts(text)).toEqual([]);
  });
});
