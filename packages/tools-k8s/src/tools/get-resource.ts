import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import { toYaml } from './format.js';
import { defineBuiltinTool, genericNsArg, memoSchema, objectNameArg } from './tool-def.js';

/** `get_resource`: shows any object as YAML, Secret values masked. */
export const getResource = defineBuiltinTool({
  name: 'get_resource',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Get any object as YAML (like kubectl get <kind> <name> -o yaml), e.g. kind ConfigMap, Secret (values masked), PersistentVolumeClaim, ResourceQuota, HorizontalPodAutoscaler, Ingress, NetworkPolicy, StatefulSet, Job.',
      input: memoSchema(self.name, () =>
        z.strictObject({ kind: z.string().min(1), name: objectNameArg, namespace: genericNsArg }),
      ),
      async execute({ kind: k, name, namespace }, { signal }) {
        const k8s = ctx.on(signal);
        const info = await k8s.kind(k);
        ctx.checkScope(info);
        const obj = await k8s.get<KubeObject>(info.kind, name, info.namespaced ? namespace : undefined);
        return k8s.out(toYaml(obj));
      },
    }),
});
