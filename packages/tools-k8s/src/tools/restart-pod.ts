import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Pod } from '../types.js';
import { defineBuiltinTool, memoSchema, namespaceArg, objectNameArg } from './tool-def.js';

/** `restart_pod`: deletes a pod so that its controller replaces it, and names the replacement. */
export const restartPod = defineBuiltinTool({
  name: 'restart_pod',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Restart a pod by deleting it; its controller (ReplicaSet) creates a replacement with a new name. A pod without a controller does not come back.',
      input: memoSchema(self.name, () => z.strictObject({ namespace: namespaceArg, name: objectNameArg })),
      async execute({ namespace, name }, { signal }) {
        const k8s = ctx.on(signal);
        const pod = await k8s.get<Pod>('Pod', name, namespace);
        await k8s.c.delete({ kind: 'Pod', apiVersion: 'v1', name, namespace });
        const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
        if (!owner) return `pod "${name}" deleted; it had no controller, so nothing will replace it`;
        const hash = pod.metadata.labels?.['pod-template-hash'];
        const siblings = await k8s.list<Pod>(
          'Pod',
          namespace,
          hash ? `pod-template-hash=${hash}` : undefined,
        );
        const fresh = siblings.filter(
          (p) =>
            p.metadata.ownerReferences?.some((o) => o.name === owner.name) &&
            (p.metadata.creationTimestamp ?? '') > (pod.metadata.creationTimestamp ?? ''),
        );
        const names = fresh.map((p) => p.metadata.name).filter((n) => n !== name);
        return `pod "${name}" deleted; ${owner.kind} ${owner.name} replaces it${names.length ? ` (new pod: ${names.join(', ')})` : ''}`;
      },
    }),
});
