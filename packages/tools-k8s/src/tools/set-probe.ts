import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import type { Deployment } from '../types.js';
import {
  containerAt,
  defineBuiltinTool,
  deploymentRef,
  dryNote,
  dryRunArg,
  nameArg,
  nsArg,
  revisionNote,
  show,
  writeOptions,
} from './tool-def.js';

/** A container port: a number, or the name of a declared port (an IANA service name, at most 15 characters). */
const port = z.union([
  z.number().int().min(1).max(65535),
  z
    .string()
    .regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, 'expected a port number or a named port'),
]);
const seconds = (max: number) => z.number().int().min(0).max(max);

const probeSpec = z
  .strictObject({
    httpGet: z
      .strictObject({
        path: z.string().startsWith('/').max(2048).optional(),
        port,
        scheme: z.enum(['HTTP', 'HTTPS']).optional(),
      })
      .optional(),
    tcpSocket: z.strictObject({ port }).optional(),
    exec: z.strictObject({ command: z.array(z.string().max(4096)).min(1).max(64) }).optional(),
    grpc: z
      .strictObject({ port: z.number().int().min(1).max(65535), service: z.string().max(253).optional() })
      .optional(),
    initialDelaySeconds: seconds(3600).optional(),
    periodSeconds: z.number().int().min(1).max(3600).optional(),
    timeoutSeconds: z.number().int().min(1).max(3600).optional(),
    successThreshold: z.number().int().min(1).max(100).optional(),
    failureThreshold: z.number().int().min(1).max(100).optional(),
    terminationGracePeriodSeconds: seconds(86_400).optional(),
  })
  .describe('A Kubernetes probe: exactly one of httpGet, tcpSocket, exec, grpc, and its timings');

const input = z.strictObject({
  namespace: nsArg,
  deployment: nameArg,
  container: nameArg.describe('Container name'),
  probe: z.enum(['readiness', 'liveness', 'startup']).describe('Which probe to set'),
  spec: probeSpec
    .nullable()
    .describe('The whole probe (it replaces the current one), or null to remove the probe'),
  dryRun: dryRunArg,
});

const HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'] as const;

/** `set_probe`: sets, replaces or removes one readiness, liveness or startup probe of a container. */
export const setProbe = defineBuiltinTool({
  name: 'set_probe',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Set, replace or remove (spec: null) the readiness, liveness or startup probe of one container in a deployment; this starts a new rollout. The probe must check something the program serves (a path and port it listens on, a command that exists in the image).',
      input,
      async execute({ namespace, deployment, container, probe, spec, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        if (spec) {
          const handlers = HANDLERS.filter((h) => spec[h] !== undefined);
          if (handlers.length !== 1)
            throw new K8sError(
              'invalid',
              `spec: give exactly one of ${HANDLERS.join(', ')}${handlers.length ? ` (got ${handlers.join(', ')})` : ''}`,
              { status: 422 },
            );
          if (probe !== 'readiness' && spec.successThreshold !== undefined && spec.successThreshold !== 1)
            throw new K8sError('invalid', `spec.successThreshold: must be 1 for a ${probe} probe`, {
              status: 422,
            });
          if (probe === 'readiness' && spec.terminationGracePeriodSeconds !== undefined)
            throw new K8sError(
              'invalid',
              'spec.terminationGracePeriodSeconds: only liveness and startup probes take it',
              { status: 422 },
            );
        }
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const d = await view.get<Deployment>('Deployment', deployment, namespace);
        const at = containerAt(d, container);
        if (at.list === 'initContainers')
          throw new K8sError(
            'invalid',
            `container: "${container}" is an init container; init containers take no probes`,
            {
              status: 422,
            },
          );
        const field = `${probe}Probe` as const;
        const before = at.container[field];
        const path = `/spec/template/spec/containers/${at.index}/${field}`;
        const test = {
          op: 'test' as const,
          path: `/spec/template/spec/containers/${at.index}/name`,
          value: container,
        };
        if (!spec && before === undefined)
          return `${view.out(`deployment.apps/${deployment} unchanged: container ${container} has no ${probe} probe`)}${dryNote(options.dryRun)}`;
        const ops = spec
          ? [test, { op: 'add' as const, path, value: spec }]
          : [test, { op: 'remove' as const, path }];
        const after = await view.c.patch(
          deploymentRef(deployment, namespace),
          { type: 'json', body: ops },
          options,
        );
        return `${view.out(`deployment.apps/${deployment} ${options.dryRun ? 'would be updated' : 'updated'}: container ${container} ${probe} probe ${show(before)} -> ${spec ? show(spec) : '<removed>'}${options.dryRun ? '' : revisionNote(after)}`)}${dryNote(options.dryRun)}`;
      },
    }),
});
