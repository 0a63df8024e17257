import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Deployment } from '../types.js';
import { revisionOf } from './describe.js';
import {
  containerOf,
  defineBuiltinTool,
  dryNote,
  dryRunArg,
  memoSchema,
  namespaceArg,
  objectNameArg,
  writeOptions,
} from './tool-def.js';

/** `set_image`: sets the image of one container in a deployment. */
export const setImage = defineBuiltinTool({
  name: 'set_image',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description: 'Set the image of one container in a deployment; this starts a new rollout.',
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          deployment: objectNameArg,
          container: objectNameArg,
          image: z.string().min(1),
          dryRun: dryRunArg,
        }),
      ),
      async execute({ namespace, deployment, container, image, dryRun }, { signal }) {
        const k8s = ctx.on(signal);
        const options = writeOptions(k8s.c, ctx, dryRun);
        const d = await k8s.get<Deployment>('Deployment', deployment, namespace);
        const before = containerOf(d, container).image;
        const after = (await k8s.c.patch(
          { kind: 'Deployment', apiVersion: 'apps/v1', name: deployment, namespace },
          {
            type: 'strategic',
            body: { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
          },
          options,
        )) as unknown as Deployment;
        // A dry run started no rollout, so it has no revision to name.
        if (options.dryRun)
          return `deployment.apps/${deployment} image would be updated: container ${container} ${before} -> ${image}${dryNote(true)}`;
        return `deployment.apps/${deployment} image updated: container ${container} ${before} -> ${image} (revision ${revisionOf(after)})`;
      },
    }),
});
