import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import type { Pod, Service } from '../types.js';
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

const input = z.strictObject({
  namespace: nsArg,
  name: nameArg.describe('Service name'),
  selector: z
    .record(labelKey, labelValue)
    .refine((o) => Object.keys(o).length <= 64, { message: 'at most 64 labels' })
    .describe(
      'The whole selector (it replaces the current one): the labels of the pods the service sends traffic to',
    ),
  dryRun: dryRunArg,
});

/** `set_service_selector`: replaces a Service's selector, and says which pods it selects afterwards. */
export const setServiceSelector = defineBuiltinTool({
  name: 'set_service_selector',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        "Replace a service's selector (the labels of the pods it sends traffic to); the answer says which pods the new selector matches.",
      input,
      async execute({ namespace, name, selector, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        if (Object.keys(selector).length === 0)
          throw new K8sError(
            'invalid',
            'selector: an empty selector would select no pods by itself (Kubernetes leaves its endpoints to be managed by hand); give at least one label',
            { status: 422 },
          );
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const svc = await view.get<Service>('Service', name, namespace);
        if (svc.spec.type === 'ExternalName')
          throw new K8sError(
            'invalid',
            `name: service "${name}" is of type ExternalName, which has no selector`,
            {
              status: 422,
            },
          );
        const before = svc.spec.selector;
        const ops = [
          ...(before !== undefined ? [{ op: 'test' as const, path: '/spec/selector', value: before }] : []),
          { op: 'add' as const, path: '/spec/selector', value: selector },
        ];
        await view.c.patch(
          { kind: 'Service', apiVersion: 'v1', name, namespace },
          { type: 'json', body: ops },
          options,
        );
        const query = Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const pods = await view.list<Pod>('Pod', namespace, query);
        const matched = pods.map((p) => p.metadata.name ?? '').filter(Boolean);
        const shown = `${matched.slice(0, 8).join(', ')}${matched.length > 8 ? `, … (${matched.length} in all)` : ''}`;
        const selects =
          matched.length === 0 ? 'no pod in the namespace' : `${matched.length} pod(s): ${shown}`;
        const text = `service/${name} ${options.dryRun ? 'would be updated' : 'updated'}: selector ${show(before)} -> ${show(selector)}; it ${options.dryRun ? 'would select' : 'selects'} ${selects}`;
        return `${view.out(text)}${dryNote(options.dryRun)}`;
      },
    }),
});
