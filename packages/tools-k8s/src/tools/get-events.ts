import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeEvent } from '../types.js';
import { eventsTable } from './describe.js';
import { defineBuiltinTool, memoSchema, namespaceArg } from './tool-def.js';

/** `get_events`: lists a namespace's events, newest first, optionally only those about one object. */
export const getEvents = defineBuiltinTool({
  name: 'get_events',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'List events in a namespace, newest first (like kubectl get events); optionally only those about one object (kind and/or name).',
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          kind: z.string().optional().describe('e.g. Pod, Deployment, ReplicaSet'),
          name: z.string().optional(),
        }),
      ),
      async execute({ namespace, kind: k, name }, { signal }) {
        const k8s = ctx.on(signal);
        const all = await k8s.list<KubeEvent>('Event', namespace);
        const wantKind = k ? (await k8s.kind(k)).kind.toLowerCase() : undefined;
        const selected = all.filter(
          (e) =>
            (!wantKind || (e.involvedObject.kind ?? '').toLowerCase() === wantKind) &&
            (!name || e.involvedObject.name === name),
        );
        if (selected.length === 0)
          return `No events found in ${namespace} namespace${k || name ? ` for ${k ?? ''}${name ? `/${name}` : ''}` : ''}.`;
        return k8s.out(eventsTable(selected, await k8s.c.now()), 'filter by kind and name');
      },
    }),
});
