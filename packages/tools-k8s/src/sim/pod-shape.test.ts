// The list-typed fields of pod specs, checked in worlds and on writes as the API server checks them.
import { describe, expect, it } from 'vitest';
import { fieldPath, objectShapeIssues, podSpecShapeIssues } from './pod-shape.js';
import { createSimCluster } from './sim-cluster.js';
import { parseWorld } from './world-schema.js';

const cronJob = (env: unknown) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'sync', namespace: 'ops' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: {
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'sync', image: 'ops/sync:1', env }] },
        },
      },
    },
  },
});

describe('pod spec shapes', () => {
  it.each([
    [{ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] }, []],
    [{ containers: [{ name: 'a', env: { X: '1' } }] }, ['containers[0].env']],
    [{ containers: { a: {} } }, ['containers']],
    [{ containers: [{ name: 'a', args: ['--x', 3] }] }, ['containers[0].args[1]']],
    [{ containers: [], volumes: { data: {} }, tolerations: 'all' }, ['volumes', 'tolerations']],
    [{ initContainers: [{ name: 'i', ports: 8080 }], containers: [] }, ['initContainers[0].ports']],
  ])('%j', (spec, paths) => {
    expect(podSpecShapeIssues(spec).map((i) => fieldPath(i.path))).toEqual(paths);
  });

  it('finds a CronJob template with env written as a map, from the object root', () => {
    const [issue] = objectShapeIssues(cronJob({ KEY: 'v' }));
    expect(fieldPath(issue!.path)).toBe('spec.jobTemplate.spec.template.spec.containers[0].env');
    expect(issue!.message).toMatch(/expected a list of objects.* env: \[\{ name: KEY/);
    expect(objectShapeIssues(cronJob([{ name: 'KEY', value: 'v' }]))).toEqual([]);
    expect(objectShapeIssues({ kind: 'ConfigMap', data: { env: {} } })).toEqual([]);
  });

  it('refuses such a manifest in a world, naming the field', () => {
    expect(() => parseWorld({ namespaces: ['ops'], objects: [cronJob({ KEY: 'v' })] })).toThrow(
      /objects\[0\]\.spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.env: expected a list/,
    );
  });

  it('refuses it on a write, as the API server does (422 Invalid)', async () => {
    const c = createSimCluster({ namespaces: ['ops'] });
    await expect(c.create(cronJob({ KEY: 'v' }) as never)).rejects.toThrow(
      /CronJob\.batch "sync" is invalid: spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.env: Invalid value: expected a list/,
    );
    await expect(c.create(cronJob([{ name: 'KEY', value: 'v' }]) as never)).resolves.toBeDefined();
  });
});
