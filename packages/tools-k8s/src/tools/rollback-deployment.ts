import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import type { Deployment, ReplicaSet } from '../types.js';
import { ownedReplicaSets, revisionOf } from './describe.js';
import {
  defineBuiltinTool,
  dryNote,
  dryRunArg,
  memoSchema,
  namespaceArg,
  objectNameArg,
  writeOptions,
} from './tool-def.js';

/** `rollback_deployment`: rolls a deployment's pod template back to an earlier revision, the previous one by default. */
export const rollbackDeployment = defineBuiltinTool({
  name: 'rollback_deployment',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Roll a deployment back to an earlier revision of its pod template (like kubectl rollout undo); default: the previous revision.',
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          name: objectNameArg,
          toRevision: z.number().int().min(1).optional(),
          dryRun: dryRunArg,
        }),
      ),
      async execute({ namespace, name, toRevision, dryRun }, { signal }) {
        const k8s = ctx.on(signal);
        const options = writeOptions(k8s.c, ctx, dryRun);
        const d = await k8s.get<Deployment>('Deployment', name, namespace);
        const owned = ownedReplicaSets(d, await k8s.list<ReplicaSet>('ReplicaSet', namespace));
        const current = revisionOf(d);
        const target = toRevision
          ? owned.find((rs) => revisionOf(rs) === toRevision)
          : [...owned].reverse().find((rs) => revisionOf(rs) < current);
        if (!target) {
          const have = owned.map((rs) => revisionOf(rs)).join(', ') || 'none';
          throw new K8sError(
            'not_found',
            toRevision
              ? `unable to find specified revision ${toRevision} in history of deployment "${name}" (revisions: ${have})`
              : `no rollout history found for deployment "${name}" (revisions: ${have})`,
            { status: 404 },
          );
        }
        if (revisionOf(target) === current)
          return `deployment.apps/${name} skipped rollback (current template already matches revision ${current})${dryNote(options.dryRun)}`;
        const template = JSON.parse(JSON.stringify(target.spec.template)) as Deployment['spec']['template'];
        if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
        const after = (await k8s.c.patch(
          { kind: 'Deployment', apiVersion: 'apps/v1', name, namespace },
          { type: 'json', body: [{ op: 'replace', path: '/spec/template', value: template }] },
          options,
        )) as unknown as Deployment;
        const images = template.spec.containers.map((c) => `${c.name}=${c.image}`).join(', ');
        // A dry run started no rollout, so there is no new revision to name.
        if (options.dryRun)
          return `deployment.apps/${name} would be rolled back to revision ${revisionOf(target)} (${images})${dryNote(true)}`;
        return `deployment.apps/${name} rolled back to revision ${revisionOf(target)} (${images}); now revision ${revisionOf(after)}`;
      },
    }),
});
