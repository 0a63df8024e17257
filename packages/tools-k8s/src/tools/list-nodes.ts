import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Node } from '../types.js';
import { nodesTable } from './describe.js';
import { defineBuiltinTool, memoSchema } from './tool-def.js';

/** `list_nodes`: lists the cluster's nodes with their status, roles, version and allocatable resources. */
export const listNodes = defineBuiltinTool({
  name: 'list_nodes',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'List nodes (like kubectl get nodes): status, roles, age, version, allocatable cpu and memory.',
      input: memoSchema(self.name, () => z.strictObject({})),
      async execute(_args, { signal }) {
        const k8s = ctx.on(signal);
        const nodes = await k8s.list<Node>('Node');
        if (nodes.length === 0) return 'No resources found.';
        return k8s.out(nodesTable(nodes, await k8s.c.now()));
      },
    }),
});
