import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Deployment } from '../types.js';
import { revisionOf } from './describe.js';
import { containerOf, defineBuiltinTool, memoSchema, namespaceArg, objectNameArg } from './tool-def.js';

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
        }),
      ),
      async execute({ namespace, deployment, container, image }, { signal }) {
        const k8s = ctx.on(signal);
        const d = await k8s.get<Deployment>('Deployment', deployment, namespace);
        const before = containerOf(d, container).image;
        const after = (await k8s.c.patch(
          { kind: 'Deployment', apiVersion: 'apps/v1', name: deployment, namespace },
          {
            type: 'strategic',
            body: { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
          },
        )) as unknown as Deployment;
        return `deployment.apps/${deployment} image updated: container ${container} ${before} -> ${image} (revision ${revisionOf(after)})`;
      },
    }),
});
