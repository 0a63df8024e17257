import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import {
  defineBuiltinTool,
  dryNote,
  dryRunArg,
  labelKey,
  labelValue,
  nameArg,
  nsArg,
  show,
  writeOptions,
} from './tool-def.js';

/** Workloads whose pod template labels this tool may change (the selector must still match them). */
const TEMPLATED = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

const input = z.strictObject({
  namespace: nsArg,
  kind: z
    .string()
    .min(1)
    .max(63)
    .describe('Kind of a namespaced object, e.g. Deployment, Service, Pod, ConfigMap'),
  name: nameArg,
  labels: z
    .record(labelKey, labelValue.nullable())
    .refine((o) => Object.keys(o).length <= 64, { message: 'at most 64 labels' })
    .describe(
      'Labels to set (key: value) or remove (key: null); labels not named are kept (kubectl label --overwrite)',
    ),
  target: z
    .enum(['object', 'podTemplate'])
    .default('object')
    .describe(
      "object: the object's own metadata.labels (kubectl label); podTemplate: the labels of the pods a Deployment, StatefulSet or DaemonSet creates (spec.template.metadata.labels; starts a rollout, and the workload's selector must still match)",
    ),
  dryRun: dryRunArg,
});

/**
 * `set_labels`: sets or removes labels on a namespaced object (its own `metadata.labels`, as
 * `kubectl label` does), or on a workload's pod template, the labels its future pods carry: labelling
 * a pod directly would not survive its replacement.
 */
export const setLabels = defineBuiltinTool({
  name: 'set_labels',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        "Set or remove labels of a namespaced object (kubectl label), or of a Deployment/StatefulSet/DaemonSet's pod template (target podTemplate: the labels its pods carry; starts a rollout; labels the workload's selector uses cannot change).",
      input,
      async execute({ namespace, kind: k, name, labels, target, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        const keys = Object.keys(labels);
        if (keys.length === 0)
          throw new K8sError('invalid', 'labels: give at least one label to set or remove', { status: 422 });
        if (keys.includes('pod-template-hash'))
          throw new K8sError(
            'invalid',
            'labels.pod-template-hash: the deployment controller owns this label',
            {
              status: 422,
            },
          );
        const view = ctx.on(signal);
        const info = await view.kind(k);
        if (!info.namespaced)
          throw new K8sError(
            'invalid',
            `kind: ${info.kind} is cluster-scoped; this tool labels namespaced objects only`,
            {
              status: 422,
            },
          );
        if (target === 'podTemplate' && !TEMPLATED.has(info.kind))
          throw new K8sError(
            'invalid',
            `target: ${info.kind} has no pod template this tool changes (Deployment, StatefulSet or DaemonSet)`,
            { status: 422 },
          );
        const options = writeOptions(view.c, ctx, dryRun);
        const obj = await view.get<KubeObject>(info.kind, name, namespace);
        const spec = obj.spec as
          | {
              selector?: { matchLabels?: Record<string, string> };
              template?: { metadata?: { labels?: Record<string, string> } };
            }
          | undefined;
        const current =
          target === 'podTemplate' ? (spec?.template?.metadata?.labels ?? {}) : (obj.metadata?.labels ?? {});
        if (target === 'podTemplate') {
          const selected = spec?.selector?.matchLabels ?? {};
          const broken = keys.filter((key) => key in selected && labels[key] !== selected[key]);
          if (broken.length > 0)
            throw new K8sError(
              'invalid',
              `labels.${broken[0]}: the ${info.kind}'s selector (spec.selector.matchLabels) uses it with the value ${show(selected[broken[0]!])}, which is immutable; its pods must keep it`,
              { status: 422 },
            );
        }
        const changes = keys
          .filter((key) => (current[key] ?? null) !== labels[key])
          .map(
            (key) =>
              `${key} ${show(current[key])} -> ${labels[key] === null ? '<removed>' : show(labels[key])}`,
          );
        const where = target === 'podTemplate' ? 'pod template labels' : 'labels';
        const ref = `${info.plural}/${name}`;
        if (changes.length === 0)
          return `${view.out(`${ref} unchanged: its ${where} already hold these values`)}${dryNote(options.dryRun)}`;
        const body =
          target === 'podTemplate'
            ? { spec: { template: { metadata: { labels } } } }
            : { metadata: { labels } };
        await view.c.patch(
          { kind: info.kind, apiVersion: info.apiVersion, name, namespace },
          { type: 'merge', body },
          options,
        );
        return `${view.out(`${ref} ${where} ${options.dryRun ? 'would be updated' : 'updated'}: ${changes.join(', ')}`)}${dryNote(options.dryRun)}`;
      },
    }),
});
