import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Deployment, ReplicaSet } from '../types.js';
import { historyTable } from './describe.js';
import { defineBuiltinTool, memoSchema, namespaceArg, objectNameArg } from './tool-def.js';

/** `get_rollout_history`: lists a deployment's revisions with their change causes and images. */
export const getRolloutHistory = defineBuiltinTool({
  name: 'get_rollout_history',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Rollout history of a deployment (like kubectl rollout history): revision, change cause and images per revision.',
      input: memoSchema(self.name, () => z.strictObject({ namespace: namespaceArg, name: objectNameArg })),
      async execute({ namespace, name }, { signal }) {
        const k8s = ctx.on(signal);
        const d = await k8s.get<Deployment>('Deployment', name, namespace);
        const rss = await k8s.list<ReplicaSet>('ReplicaSet', namespace);
        return k8s.out(historyTable(d, rss));
      },
    }),
});
