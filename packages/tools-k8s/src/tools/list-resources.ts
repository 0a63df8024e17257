import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import { ageOf } from '../duration.js';
import { genericStatus } from './describe.js';
import { table } from './format.js';
import { defineBuiltinTool, genericNsArg, memoSchema } from './tool-def.js';

/** `list_resources`: lists the objects of any kind with their status and age. */
export const listResources = defineBuiltinTool({
  name: 'list_resources',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'List objects of any kind (like kubectl get <kind>), in a namespace for namespaced kinds: name, status where meaningful, age.',
      input: memoSchema(self.name, () =>
        z.strictObject({ kind: z.string().min(1), namespace: genericNsArg }),
      ),
      async execute({ kind: k, namespace }, { signal }) {
        const k8s = ctx.on(signal);
        const info = await k8s.kind(k);
        ctx.checkScope(info);
        const items = await k8s.list<KubeObject>(info.kind, info.namespaced ? namespace : undefined);
        if (items.length === 0)
          return `No ${info.plural} found${info.namespaced ? ` in ${namespace} namespace` : ''}.`;
        const now = await k8s.c.now();
        return k8s.out(
          table(
            ['NAME', 'STATUS', 'AGE'],
            items.map((o) => [
              o.metadata?.name ?? '',
              genericStatus(o) || '-',
              ageOf(o.metadata?.creationTimestamp, now),
            ]),
          ),
        );
      },
    }),
});
