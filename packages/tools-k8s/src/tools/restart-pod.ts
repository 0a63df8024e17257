import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Pod } from '../types.js';
import {
  defineBuiltinTool,
  dryNote,
  dryRunArg,
  memoSchema,
  namespaceArg,
  objectNameArg,
  writeOptions,
} from './tool-def.js';

/** `restart_pod`: deletes a pod so that its controller replaces it, and names the replacement. */
export const restartPod = defineBuiltinTool({
  name: 'restart_pod',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Restart a pod by deleting it; its controller (ReplicaSet) creates a replacement with a new name. A pod without a controller does not come back.',
      input: memoSchema(self.name, () =>
        z.strictObject({ namespace: namespaceArg, name: objectNameArg, dryRun: dryRunArg }),
      ),
      async execute({ namespace, name, dryRun }, { signal }) {
        const k8s = ctx.on(signal);
        const options = writeOptions(k8s.c, ctx, dryRun);
        const pod = await k8s.get<Pod>('Pod', name, namespace);
        await k8s.c.delete({ kind: 'Pod', apiVersion: 'v1', name, namespace }, options);
        const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
        // A dry run deleted nothing, so there is no replacement to look for.
        if (options.dryRun)
          return `pod "${name}" would be deleted; ${owner ? `${owner.kind} ${owner.name} would replace it` : 'it has no controller, so nothing would replace it'}${dryNote(true)}`;
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
