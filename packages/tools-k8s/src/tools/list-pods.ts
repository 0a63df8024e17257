import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Pod } from '../types.js';
import { podsTable } from './describe.js';
import { defineBuiltinTool, memoSchema, namespaceArg } from './tool-def.js';

/** `list_pods`: lists the pods of a namespace, optionally by label selector, as kubectl get pods -o wide does. */
export const listPods = defineBuiltinTool({
  name: 'list_pods',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'List pods in a namespace (like kubectl get pods -o wide): ready containers, status, restarts, age, node.',
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          labelSelector: z.string().optional().describe('e.g. app=checkout'),
        }),
      ),
      async execute({ namespace, labelSelector }, { signal }) {
        const k8s = ctx.on(signal);
        const pods = await k8s.list<Pod>('Pod', namespace, labelSelector);
        if (pods.length === 0)
          return `No resources found in ${namespace} namespace${labelSelector ? ` matching ${labelSelector}` : ''}.`;
        return k8s.out(podsTable(pods, await k8s.c.now()), 'use labelSelector');
      },
    }),
});
