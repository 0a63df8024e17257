import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import { ageOf } from '../duration.js';
import { podStatusColumn } from '../pod-status.js';
import type { Pod } from '../types.js';
import { genericStatus } from './describe.js';
import { table } from './format.js';
import { defineBuiltinTool, memoSchema } from './tool-def.js';

/** The kinds `find_objects` searches when the model names none. */
const FIND_KINDS = [
  'Namespace',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'Service',
  'Ingress',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'PersistentVolume',
  'StorageClass',
  'Node',
];

/** At most this many custom-resource kinds are searched by default (a cluster may serve hundreds). */
const MAX_EXTRA_KINDS = 40;

/**
 * Whether an apiVersion belongs to an API group outside Kubernetes' own: its built-in groups are the
 * core group (`v1`), the unqualified ones (apps, batch, policy, autoscaling) and `*.k8s.io`, except
 * the groups of projects served as custom resources under that suffix (`*.x-k8s.io`, the Gateway API).
 */
function customGroup(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (!group.includes('.')) return false;
  if (group.endsWith('.x-k8s.io') || group === 'gateway.networking.k8s.io') return true;
  return !group.endsWith('.k8s.io');
}

/** `find_objects`: finds objects by part of their name across the namespaces the tools may read, exact names first. */
export const findObjects = defineBuiltinTool({
  name: 'find_objects',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Find objects by name across all namespaces (workloads, pods, services, ingresses, config, claims and volumes, autoscalers, disruption budgets, network policies, service accounts and RBAC, namespaces, nodes, and the custom resources the cluster serves): kind, namespace, name, status, age; exact names first. Use it when the task names something and you do not know its namespace or kind.',
      input: memoSchema(self.name, () =>
        z.strictObject({
          name: z.string().min(2).max(253).describe('The name, or part of it (case-insensitive)'),
          kinds: z
            .array(z.string().min(1))
            .min(1)
            .max(30)
            .optional()
            .describe(
              `Kinds to search; default ${FIND_KINDS.join(', ')}, then up to ${MAX_EXTRA_KINDS} custom resource kinds the cluster serves`,
            ),
          namespaces: z
            .array(z.string().min(1).max(63))
            .min(1)
            .max(50)
            .optional()
            .describe(
              'Search only these namespaces (cluster-scoped kinds other than Namespace are then skipped); default every namespace the tools may read',
            ),
        }),
      ),
      async execute({ name, kinds, namespaces }, { signal }) {
        const k8s = ctx.on(signal);
        const wanted = name.toLowerCase();
        const rows: { exact: boolean; cells: string[] }[] = [];
        const notes: string[] = [];
        const now = await k8s.c.now();
        const searched = new Set<string>();
        // Each namespace asked for must be one the tools may read.
        for (const space of namespaces ?? []) ctx.checkNs(space);
        // Without a list of kinds: the well-known ones, then the custom resources the cluster serves
        // (from discovery: a ServiceMonitor, a Certificate, a VirtualService), at most MAX_EXTRA_KINDS.
        let extra: string[] = [];
        if (!kinds && k8s.c.kinds) {
          try {
            extra = (await k8s.c.kinds({ signal }))
              .filter((i) => customGroup(i.apiVersion))
              .map((i) => i.kind)
              .filter((x) => !FIND_KINDS.includes(x))
              .slice(0, MAX_EXTRA_KINDS);
          } catch (error) {
            notes.push(`custom resources: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        for (const k of kinds ?? [...FIND_KINDS, ...extra]) {
          try {
            const info = await k8s.kind(k);
            // One kind under several names is searched once.
            if (searched.has(info.kind)) continue;
            searched.add(info.kind);
            if ((ctx.namespaces || namespaces) && !info.namespaced && info.kind !== 'Namespace') {
              if (namespaces || !ctx.clusterKinds.has(info.kind)) {
                if (kinds) notes.push(`${k}: cluster-scoped, outside the namespaces searched`);
                continue;
              }
            }
            // The namespaces searched: those asked for (each must be one the tools may read), else all.
            const scope = namespaces ?? ctx.namespaces;
            const spaces = info.namespaced ? (scope ?? [undefined]) : [undefined];
            for (const space of spaces) {
              for (const o of await k8s.list<KubeObject>(info.kind, space)) {
                const n = o.metadata?.name ?? '';
                if (!n.toLowerCase().includes(wanted)) continue;
                if (info.kind === 'Namespace' && scope && !scope.includes(n)) continue;
                rows.push({
                  exact: n.toLowerCase() === wanted,
                  cells: [
                    info.kind,
                    o.metadata?.namespace ?? '-',
                    n,
                    (info.kind === 'Pod' ? podStatusColumn(o as unknown as Pod) : genericStatus(o)) || '-',
                    ageOf(o.metadata?.creationTimestamp, now),
                  ],
                });
              }
            }
          } catch (error) {
            // One kind the cluster does not serve, or may not be listed, does not hide the others.
            notes.push(`${k}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        const skipped = notes.length ? `\n[not searched: ${notes.join('; ')}]` : '';
        if (rows.length === 0) return `no object whose name contains "${name}"${skipped}`;
        rows.sort((a, b) => Number(b.exact) - Number(a.exact));
        const shown = rows.slice(0, 50);
        const more =
          rows.length > shown.length
            ? `\n[${rows.length - shown.length} more not shown; use a longer name]`
            : '';
        return k8s.out(
          `${table(
            ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
            shown.map((r) => r.cells),
          )}${more}${skipped}`,
        );
      },
    }),
});
