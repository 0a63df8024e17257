import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import type { Endpoints, KubeEvent, Service } from '../types.js';
import { describeService } from './describe.js';
import { defineBuiltinTool, eventsFor, memoSchema, namespaceArg, objectNameArg } from './tool-def.js';

/** `describe_service`: describes a service with its selector, ports, endpoints and events. */
export const describeServiceTool = defineBuiltinTool({
  name: 'describe_service',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Describe a service: type, selector, ports with targetPort, endpoints (addresses or <none>, and not-ready ones) and events.',
      input: memoSchema(self.name, () => z.strictObject({ namespace: namespaceArg, name: objectNameArg })),
      async execute({ namespace, name }, { signal }) {
        const k8s = ctx.on(signal);
        const svc = await k8s.get<Service>('Service', name, namespace);
        let ep: Endpoints | undefined;
        try {
          ep = (await k8s.c.get({
            kind: 'Endpoints',
            apiVersion: 'v1',
            name,
            namespace,
          })) as unknown as Endpoints;
        } catch (error) {
          if (!K8sError.isInstance(error) || error.code !== 'not_found') throw error;
        }
        const evs = await k8s.list<KubeEvent>('Event', namespace);
        return k8s.out(describeService(svc, ep, eventsFor(evs, 'Service', name), await k8s.c.now()));
      },
    }),
});
