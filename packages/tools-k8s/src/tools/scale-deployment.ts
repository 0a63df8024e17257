import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Deployment } from '../types.js';
import {
  defineBuiltinTool,
  dryNote,
  dryRunArg,
  memoSchema,
  namespaceArg,
  objectNameArg,
  writeOptions,
} from './tool-def.js';

/** `scale_deployment`: sets a deployment's number of replicas. */
export const scaleDeployment = defineBuiltinTool({
  name: 'scale_deployment',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description: 'Set the number of replicas of a deployment.',
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          name: objectNameArg,
          replicas: z.number().int().min(0).max(1000),
          dryRun: dryRunArg,
        }),
      ),
      async execute({ namespace, name, replicas, dryRun }, { signal }) {
        const k8s = ctx.on(signal);
        const options = writeOptions(k8s.c, ctx, dryRun);
        const d = await k8s.get<Deployment>('Deployment', name, namespace);
        await k8s.c.patch(
          { kind: 'Deployment', apiVersion: 'apps/v1', name, namespace },
          { type: 'merge', body: { spec: { replicas } } },
          options,
        );
        return `deployment.apps/${name} ${options.dryRun ? 'would be scaled' : 'scaled'} from ${d.spec.replicas ?? 1} to ${replicas}${dryNote(options.dryRun)}`;
      },
    }),
});
