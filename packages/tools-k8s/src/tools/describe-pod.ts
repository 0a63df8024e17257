import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeEvent, Pod } from '../types.js';
import { describePod } from './describe.js';
import { defineBuiltinTool, eventsFor, memoSchema, namespaceArg, objectNameArg } from './tool-def.js';

/** `describe_pod`: describes one pod with its containers' states, probes, conditions and events. */
export const describePodTool = defineBuiltinTool({
  name: 'describe_pod',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Describe one pod (like kubectl describe pod): containers with image, state and last state (reason, exit code), ready, restart count, limits/requests, env names, mounts, probes, conditions and recent events.',
      input: memoSchema(self.name, () => z.strictObject({ namespace: namespaceArg, name: objectNameArg })),
      async execute({ namespace, name }, { signal }) {
        const k8s = ctx.on(signal);
        const pod = await k8s.get<Pod>('Pod', name, namespace);
        const events = await k8s.list<KubeEvent>('Event', namespace);
        return k8s.out(describePod(pod, eventsFor(events, 'Pod', name), await k8s.c.now()));
      },
    }),
});
