import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeEvent, Node, Pod } from '../types.js';
import { describeNode } from './describe.js';
import { defineBuiltinTool, memoSchema, objectNameArg } from './tool-def.js';

/** `describe_node`: describes a node with its conditions, capacity, the requests of its pods, taints and labels. */
export const describeNodeTool = defineBuiltinTool({
  name: 'describe_node',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Describe a node: conditions (pressure, ready), capacity and allocatable, requests allocated by its pods, taints and labels.',
      input: memoSchema(self.name, () =>
        z.strictObject({
          name: objectNameArg,
          namespace: z
            .string()
            .min(1)
            .optional()
            .describe('Show only the pods of this namespace; pods of every namespace when left out'),
        }),
      ),
      async execute({ name, namespace }, { signal }) {
        const k8s = ctx.on(signal);
        const node = await k8s.get<Node>('Node', name);
        const pods = await k8s.list<Pod>('Pod', namespace);
        const evs = (await k8s.list<KubeEvent>('Event')).filter(
          (e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === name,
        );
        const allowedNs = ctx.namespaces;
        const visible = allowedNs ? pods.filter((p) => allowedNs.includes(p.metadata.namespace ?? '')) : pods;
        return k8s.out(describeNode(node, visible, evs, await k8s.c.now()));
      },
    }),
});
