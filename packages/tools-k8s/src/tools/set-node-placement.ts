import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import type { Deployment } from '../types.js';
import {
  defineBuiltinTool,
  deploymentRef,
  dryNote,
  dryRunArg,
  labelKey,
  labelValue,
  nameArg,
  nsArg,
  revisionNote,
  show,
  writeOptions,
} from './tool-def.js';

const requirement = z.strictObject({
  key: labelKey,
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
  values: z.array(labelValue).max(64).optional(),
});
const term = z.strictObject({ matchExpressions: z.array(requirement).min(1).max(32) });

const input = z.strictObject({
  namespace: nsArg,
  deployment: nameArg,
  nodeSelector: z
    .record(labelKey, labelValue)
    .refine((o) => Object.keys(o).length <= 64, { message: 'at most 64 labels' })
    .optional()
    .describe('The whole nodeSelector (it replaces the current one); {} removes it; left out, unchanged'),
  requiredNodeAffinity: z
    .array(term)
    .max(16)
    .optional()
    .describe(
      'The node selector terms of requiredDuringSchedulingIgnoredDuringExecution (ORed; the expressions of a term are ANDed), replacing the current ones; [] removes the required node affinity; left out, unchanged',
    ),
  dryRun: dryRunArg,
});

type Affinity = {
  nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: unknown; [k: string]: unknown };
  [k: string]: unknown;
};

/** Checks each expression's values against its operator, naming the one at fault. */
function checkTerms(terms: readonly z.output<typeof term>[]): void {
  terms.forEach((t, i) => {
    t.matchExpressions.forEach((e, j) => {
      const at = `requiredNodeAffinity[${i}].matchExpressions[${j}].values`;
      const n = e.values?.length ?? 0;
      if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0)
        throw new K8sError('invalid', `${at}: operator ${e.operator} needs at least one value`, {
          status: 422,
        });
      if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0)
        throw new K8sError('invalid', `${at}: operator ${e.operator} takes no values`, { status: 422 });
      if ((e.operator === 'Gt' || e.operator === 'Lt') && (n !== 1 || !/^-?\d+$/.test(e.values?.[0] ?? '')))
        throw new K8sError('invalid', `${at}: operator ${e.operator} takes exactly one integer value`, {
          status: 422,
        });
    });
  });
}

/** `set_node_placement`: sets or clears a deployment's nodeSelector and required node affinity. */
export const setNodePlacement = defineBuiltinTool({
  name: 'set_node_placement',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        "Set or clear where a deployment's pods may be scheduled: its nodeSelector and/or its required node affinity (each replaced whole); this starts a new rollout. Compare with the labels of the nodes (list_nodes, describe_node) first.",
      input,
      async execute({ namespace, deployment, nodeSelector, requiredNodeAffinity, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        if (nodeSelector === undefined && requiredNodeAffinity === undefined)
          throw new K8sError(
            'invalid',
            'nodeSelector, requiredNodeAffinity: give one or both to set ({} or [] clears one)',
            { status: 422 },
          );
        if (requiredNodeAffinity) checkTerms(requiredNodeAffinity);
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const d = await view.get<Deployment>('Deployment', deployment, namespace);
        const spec = d.spec.template.spec as Deployment['spec']['template']['spec'] & { affinity?: Affinity };
        const ops: { op: 'test' | 'add' | 'remove'; path: string; value?: unknown }[] = [];
        const changes: string[] = [];
        if (nodeSelector !== undefined) {
          const before = spec.nodeSelector;
          const clear = Object.keys(nodeSelector).length === 0;
          if (before !== undefined)
            ops.push({ op: 'test', path: '/spec/template/spec/nodeSelector', value: before });
          if (clear && before !== undefined)
            ops.push({ op: 'remove', path: '/spec/template/spec/nodeSelector' });
          else if (!clear)
            ops.push({ op: 'add', path: '/spec/template/spec/nodeSelector', value: nodeSelector });
          changes.push(`nodeSelector ${show(before)} -> ${clear ? '<unset>' : show(nodeSelector)}`);
        }
        if (requiredNodeAffinity !== undefined) {
          const before = spec.affinity;
          const required = before?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
          const next: Affinity = JSON.parse(JSON.stringify(before ?? {})) as Affinity;
          if (requiredNodeAffinity.length === 0) {
            if (next.nodeAffinity) {
              delete next.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
              if (Object.keys(next.nodeAffinity).length === 0) delete next.nodeAffinity;
            }
          } else {
            next.nodeAffinity = {
              ...next.nodeAffinity,
              requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: requiredNodeAffinity },
            };
          }
          if (before !== undefined)
            ops.push({ op: 'test', path: '/spec/template/spec/affinity', value: before });
          if (Object.keys(next).length === 0) {
            if (before !== undefined) ops.push({ op: 'remove', path: '/spec/template/spec/affinity' });
          } else ops.push({ op: 'add', path: '/spec/template/spec/affinity', value: next });
          changes.push(
            `required node affinity ${show((required as { nodeSelectorTerms?: unknown } | undefined)?.nodeSelectorTerms)} -> ${requiredNodeAffinity.length ? show(requiredNodeAffinity) : '<unset>'}`,
          );
        }
        if (!ops.some((o) => o.op !== 'test'))
          return `${view.out(`deployment.apps/${deployment} unchanged: ${changes.join(', ')}`)}${dryNote(options.dryRun)}`;
        const after = await view.c.patch(
          deploymentRef(deployment, namespace),
          { type: 'json', body: ops },
          options,
        );
        return `${view.out(`deployment.apps/${deployment} ${options.dryRun ? 'would be updated' : 'updated'}: ${changes.join(', ')}${options.dryRun ? '' : revisionNote(after)}`)}${dryNote(options.dryRun)}`;
      },
    }),
});
