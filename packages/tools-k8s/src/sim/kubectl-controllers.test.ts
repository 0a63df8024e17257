import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, serveCluster } from './api-server.js';
import { createSimCluster } from './sim-cluster.js';

function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const kubectl = findKubectl();

/** `kubectl get` of what the controllers derive: kubectl's columns, printed by the served API. */
describe.skipIf(!kubectl)(
  'kubectl get of derived Jobs, claims, HPAs and Ingresses',
  { timeout: 90_000 },
  () => {
    let server: ApiServer;
    const cluster = createSimCluster({
      now: '2026-01-15T10:00:00Z',
      namespaces: ['batch'],
      behaviors: {
        exporter: { crash: { exitCode: 1, logs: ['FATAL: password authentication failed'] } },
        web: { cpu: { need: '100m' } },
      },
      deployments: [
        { name: 'web', namespace: 'batch', replicas: 1, containers: [{ name: 'web', image: 'nginx:1.27' }] },
      ],
      objects: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'export', namespace: 'batch', creationTimestamp: '2026-01-15T09:50:00Z' },
          spec: {
            backoffLimit: 1,
            template: {
              spec: { restartPolicy: 'Never', containers: [{ name: 'exporter', image: 'acme/exporter:1' }] },
            },
          },
        },
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'nightly', namespace: 'batch', creationTimestamp: '2026-01-01T00:00:00Z' },
          spec: {
            schedule: '0 2 * * *',
            suspend: true,
            jobTemplate: {
              spec: {
                template: {
                  spec: {
                    restartPolicy: 'Never',
                    containers: [{ name: 'exporter', image: 'acme/exporter:1' }],
                  },
                },
              },
            },
          },
        },
        {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
          provisioner: 'ebs.csi.aws.com',
          volumeBindingMode: 'WaitForFirstConsumer',
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', namespace: 'batch' },
          spec: {
            storageClassName: 'gp2-encrypted',
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '20Gi' } },
          },
        },
        {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'web', namespace: 'batch' },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
            minReplicas: 1,
            maxReplicas: 4,
            metrics: [
              {
                type: 'Resource',
                resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
              },
            ],
          },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: 'batch' },
          spec: { ingressClassName: 'nginx', rules: [{ host: 'web.example.com' }] },
        },
      ],
    });
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          kubectl!,
          ['--kubeconfig', server.kubeconfigPath, ...args],
          { timeout: 30_000 },
          (error, stdout, stderr) => {
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
          },
        );
      });
    const lines = (s: string) =>
      s
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s{2,}/));

    beforeAll(async () => {
      server = await serveCluster(cluster, { namespace: 'batch' });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('jobs: STATUS, COMPLETIONS and DURATION; the failed pods: Error, no restarts', async () => {
      const jobs = lines((await run('get', 'jobs')).stdout);
      expect(jobs[0]).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
      expect(jobs[1]?.slice(0, 3)).toEqual(['export', 'Failed', '0/1']);
      const pods = lines((await run('get', 'pods', '-l', 'job-name=export')).stdout);
      expect(pods.slice(1).map((p) => p.slice(1, 4))).toEqual([
        ['0/1', 'Error', '0'],
        ['0/1', 'Error', '0'],
      ]);
      const cron = lines((await run('get', 'cronjobs')).stdout);
      expect(cron[1]?.slice(0, 6)).toEqual(['nightly', '0 2 * * *', '<none>', 'True', '0', '<none>']);
    });

    it('pvc, storageclass, hpa and ingress show the derived state', async () => {
      const pvc = lines((await run('get', 'pvc')).stdout);
      expect(pvc[1]?.slice(0, 2)).toEqual(['data', 'Pending']);
      expect(pvc[1]).toContain('gp2-encrypted');
      const sc = lines((await run('get', 'storageclass')).stdout);
      expect(sc[1]?.slice(0, 4)).toEqual([
        'gp3 (default)',
        'ebs.csi.aws.com',
        'Delete',
        'WaitForFirstConsumer',
      ]);
      const hpa = lines((await run('get', 'hpa')).stdout);
      expect(hpa[0]).toEqual(['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
      expect(hpa[1]?.slice(0, 3)).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/80%']);
      const ing = lines((await run('get', 'ingress')).stdout);
      expect(ing[1]?.slice(0, 4)).toEqual(['web', 'nginx', 'web.example.com', '80']);
    });
  },
);
