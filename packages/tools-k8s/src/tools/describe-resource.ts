import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import type { KubeEvent, Pod } from '../types.js';
import { describeGeneric, describePod } from './describe.js';
import { defineBuiltinTool, eventsFor, genericNsArg, memoSchema, objectNameArg } from './tool-def.js';

/** `describe_resource`: describes any object with its metadata, spec and status fields and its events. */
export const describeResource = defineBuiltinTool({
  name: 'describe_resource',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Describe any object (like kubectl describe <kind> <name>): metadata, spec and status fields (Secret values as byte counts) and its events.',
      input: memoSchema(self.name, () =>
        z.strictObject({ kind: z.string().min(1), name: objectNameArg, namespace: genericNsArg }),
      ),
      async execute({ kind: k, name, namespace }, { signal }) {
        const k8s = ctx.on(signal);
        const info = await k8s.kind(k);
        ctx.checkScope(info);
        const nsName = info.namespaced ? namespace : undefined;
        const obj = await k8s.get<KubeObject>(info.kind, name, nsName);
        const now = await k8s.c.now();
        if (info.kind === 'Pod')
          return k8s.out(
            describePod(
              obj as unknown as Pod,
              eventsFor(await k8s.list<KubeEvent>('Event', nsName), 'Pod', name),
              now,
            ),
          );
        const evs = nsName ? await k8s.list<KubeEvent>('Event', nsName) : [];
        return k8s.out(describeGeneric(obj, eventsFor(evs, info.kind, name), now));
      },
    }),
});
