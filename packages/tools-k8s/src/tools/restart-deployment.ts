import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import type { Deployment } from '../types.js';
import {
  defineBuiltinTool,
  deploymentRef,
  dryNote,
  dryRunArg,
  memoSchema,
  namespaceArg,
  objectNameArg,
  revisionNote,
  writeOptions,
} from './tool-def.js';

/** The pod-template annotation `kubectl rollout restart` sets to the time of the restart. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/**
 * `restart_deployment`: restarts every pod of a deployment by a rolling update, as `kubectl rollout
 * restart` does: the pod template's `kubectl.kubernetes.io/restartedAt` annotation is set to the
 * cluster's time, so a new ReplicaSet starts pods under the deployment's strategy and the old ones go.
 */
export const restartDeployment = defineBuiltinTool({
  name: 'restart_deployment',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        "Restart every pod of a deployment by a rolling update (like kubectl rollout restart): new pods start under the deployment's strategy and read their ConfigMaps, Secrets and env afresh; the old ones go once the new are ready.",
      input: memoSchema(self.name, () =>
        z.strictObject({ namespace: namespaceArg, name: objectNameArg, dryRun: dryRunArg }),
      ),
      async execute({ namespace, name, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const d = await view.get<Deployment>('Deployment', name, namespace);
        // kubectl refuses the same way: a paused deployment would not roll, so the restart would wait unseen.
        if (d.spec.paused)
          throw new K8sError(
            'invalid',
            `deployment "${name}" is paused: a restart would not roll until it is resumed (kubectl rollout resume)`,
            { status: 422 },
          );
        const at = (await view.c.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
        // The annotation has one-second resolution: a second restart within the same second would
        // change nothing and roll nothing, yet be reported as a restart. kubectl refuses it too.
        if (d.spec.template.metadata?.annotations?.[RESTARTED_AT] === at)
          throw new K8sError(
            'conflict',
            `deployment "${name}" was already restarted at ${at}: a restart within the same second changes nothing; wait a second and try again`,
            { status: 409 },
          );
        const after = await view.c.patch(
          deploymentRef(name, namespace),
          {
            type: 'strategic',
            body: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } },
          },
          options,
        );
        return `${view.out(`deployment.apps/${name} ${options.dryRun ? 'would be restarted' : 'restarted'} (pod template annotated ${RESTARTED_AT}=${at})${options.dryRun ? '' : revisionNote(after)}`)}${dryNote(options.dryRun)}`;
      },
    }),
});
