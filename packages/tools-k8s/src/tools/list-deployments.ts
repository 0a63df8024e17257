import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Deployment } from '../types.js';
import { deploymentsTable } from './describe.js';
import { defineBuiltinTool, memoSchema, namespaceArg } from './tool-def.js';

/** `list_deployments`: lists the deployments of a namespace with their readiness, age and images. */
export const listDeployments = defineBuiltinTool({
  name: 'list_deployments',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'List deployments in a namespace (like kubectl get deployments): ready, up-to-date, available, age, images.',
      input: memoSchema(self.name, () => z.strictObject({ namespace: namespaceArg })),
      async execute({ namespace }, { signal }) {
        const k8s = ctx.on(signal);
        const deps = await k8s.list<Deployment>('Deployment', namespace);
        if (deps.length === 0) return `No resources found in ${namespace} namespace.`;
        return k8s.out(deploymentsTable(deps, await k8s.c.now()));
      },
    }),
});
