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

const argList = z.array(z.string().max(4096)).max(64);

const input = z.strictObject({
  namespace: nsArg,
  deployment: nameArg,
  container: nameArg.describe('Container (or init container) name'),
  command: argList
    .optional()
    .describe(
      "The container's command (the image's ENTRYPOINT is replaced); [] removes the override so the image's own ENTRYPOINT runs; left out, unchanged",
    ),
  args: argList
    .optional()
    .describe("The container's args (the image's CMD is replaced); [] removes them; left out, unchanged"),
  dryRun: dryRunArg,
});

/** `set_command`: sets or clears a container's command and/or args in a deployment's pod template. */
export const setCommand = defineBuiltinTool({
  name: 'set_command',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        "Set the command and/or args of one container (or init container) in a deployment, or clear them ([]) so the image's own ENTRYPOINT/CMD run; this starts a new rollout.",
      input,
      async execute({ namespace, deployment, container, command, args, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        if (command === undefined && args === undefined)
          throw new K8sError('invalid', 'command, args: give command and/or args to set ([] clears one)', {
            status: 422,
          });
        if (command?.length && command[0] === '')
          throw new K8sError('invalid', 'command[0]: the executable must not be empty', { status: 422 });
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const d = await view.get<Deployment>('Deployment', deployment, namespace);
        const at = containerAt(d, container);
        const base = `/spec/template/spec/${at.list}/${at.index}`;
        const changes: string[] = [];
        const ops: { op: 'test' | 'add' | 'remove'; path: string; value?: unknown }[] = [
          { op: 'test', path: `${base}/name`, value: container },
        ];
        for (const [field, value] of [
          ['command', command],
          ['args', args],
        ] as const) {
          if (value === undefined) continue;
          const before = at.container[field];
          const cleared = value.length === 0;
          if (cleared && before === undefined) {
            changes.push(`${field} ${show(before)} (unchanged)`);
            continue;
          }
          if (cleared) ops.push({ op: 'remove', path: `${base}/${field}` });
          else ops.push({ op: 'add', path: `${base}/${field}`, value });
          changes.push(
            `${field} ${show(before)} -> ${cleared ? (field === 'command' ? "<unset: the image's ENTRYPOINT>" : "<unset: the image's CMD>") : show(value)}`,
          );
        }
        if (ops.length === 1)
          return `${view.out(`deployment.apps/${deployment} unchanged: container ${container} ${changes.join(', ')}`)}${dryNote(options.dryRun)}`;
        const after = await view.c.patch(
          deploymentRef(deployment, namespace),
          { type: 'json', body: ops },
          options,
        );
        const kind = at.list === 'initContainers' ? 'init container' : 'container';
        return `${view.out(`deployment.apps/${deployment} ${options.dryRun ? 'would be updated' : 'updated'}: ${kind} ${container} ${changes.join(', ')}${options.dryRun ? '' : revisionNote(after)}`)}${dryNote(options.dryRun)}`;
      },
    }),
});
