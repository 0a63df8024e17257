import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import type { Deployment } from '../types.js';
import { revisionOf } from './describe.js';
import {
  containerOf,
  defineBuiltinTool,
  dryNote,
  dryRunArg,
  memoSchema,
  namespaceArg,
  objectNameArg,
  writeOptions,
} from './tool-def.js';

const quantityText = z
  .string()
  .regex(/^[0-9.]+(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'expected a quantity such as 512Mi, 1Gi, 250m or 2');
const resourcePair = z.strictObject({ cpu: quantityText.optional(), memory: quantityText.optional() });

/** `set_resources`: sets the CPU and memory requests and limits of one container in a deployment. */
export const setResources = defineBuiltinTool({
  name: 'set_resources',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Set CPU/memory requests and/or limits of one container in a deployment; this starts a new rollout.',
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          deployment: objectNameArg,
          container: objectNameArg,
          requests: resourcePair.optional(),
          limits: resourcePair.optional(),
          dryRun: dryRunArg,
        }),
      ),
      async execute({ namespace, deployment, container, requests, limits, dryRun }, { signal }) {
        const k8s = ctx.on(signal);
        if (!requests && !limits)
          throw new K8sError('invalid', 'give requests and/or limits to set', { status: 422 });
        const options = writeOptions(k8s.c, ctx, dryRun);
        const d = await k8s.get<Deployment>('Deployment', deployment, namespace);
        const before = containerOf(d, container).resources ?? {};
        const resources: Record<string, Record<string, string>> = {};
        if (requests)
          resources.requests = Object.fromEntries(
            Object.entries(requests).filter(([, v]) => v !== undefined),
          ) as Record<string, string>;
        if (limits)
          resources.limits = Object.fromEntries(
            Object.entries(limits).filter(([, v]) => v !== undefined),
          ) as Record<string, string>;
        const after = (await k8s.c.patch(
          { kind: 'Deployment', apiVersion: 'apps/v1', name: deployment, namespace },
          {
            type: 'strategic',
            body: { spec: { template: { spec: { containers: [{ name: container, resources }] } } } },
          },
          options,
        )) as unknown as Deployment;
        const changes: string[] = [];
        for (const side of ['requests', 'limits'] as const) {
          for (const [res, v] of Object.entries(resources[side] ?? {}))
            changes.push(`${side}.${res} ${before[side]?.[res] ?? '<unset>'} -> ${v}`);
        }
        // A dry run started no rollout, so it has no revision to name.
        if (options.dryRun)
          return `deployment.apps/${deployment} resource requirements would be updated: container ${container} ${changes.join(', ')}${dryNote(true)}`;
        return `deployment.apps/${deployment} resource requirements updated: container ${container} ${changes.join(', ')} (revision ${revisionOf(after)})`;
      },
    }),
});
