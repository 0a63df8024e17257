import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Endpoints, Service } from '../types.js';
import { servicesTable } from './describe.js';
import { defineBuiltinTool, memoSchema, namespaceArg } from './tool-def.js';

/** `list_services`: lists the services of a namespace with their ports, selectors and ready endpoints. */
export const listServices = defineBuiltinTool({
  name: 'list_services',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'List services in a namespace with type, ports, selector and ready endpoints (<none> when nothing backs them).',
      input: memoSchema(self.name, () => z.strictObject({ namespace: namespaceArg })),
      async execute({ namespace }, { signal }) {
        const k8s = ctx.on(signal);
        const svcs = await k8s.list<Service>('Service', namespace);
        if (svcs.length === 0) return `No resources found in ${namespace} namespace.`;
        const eps = await k8s.list<Endpoints>('Endpoints', namespace);
        return k8s.out(servicesTable(svcs, eps, await k8s.c.now()));
      },
    }),
});
