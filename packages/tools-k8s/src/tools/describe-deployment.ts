import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Deployment, KubeEvent, ReplicaSet } from '../types.js';
import { describeDeployment } from './describe.js';
import { defineBuiltinTool, eventsFor, memoSchema, namespaceArg, objectNameArg } from './tool-def.js';

/** `describe_deployment`: describes a deployment with its pod template, conditions, ReplicaSets, history and events. */
export const describeDeploymentTool = defineBuiltinTool({
  name: 'describe_deployment',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Describe a deployment: replicas, selector, strategy, pod template (images, resources, env, probes), conditions, ReplicaSets, rollout history and events.',
      input: memoSchema(self.name, () => z.strictObject({ namespace: namespaceArg, name: objectNameArg })),
      async execute({ namespace, name }, { signal }) {
        const k8s = ctx.on(signal);
        const d = await k8s.get<Deployment>('Deployment', name, namespace);
        const rss = await k8s.list<ReplicaSet>('ReplicaSet', namespace);
        const evs = await k8s.list<KubeEvent>('Event', namespace);
        return k8s.out(describeDeployment(d, rss, eventsFor(evs, 'Deployment', name), await k8s.c.now()));
      },
    }),
});
