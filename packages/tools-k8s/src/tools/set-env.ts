import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Deployment, EnvVar } from '../types.js';
import {
  containerAt,
  defineBuiltinTool,
  deploymentRef,
  dryNote,
  dryRunArg,
  hidden,
  invalidArg,
  nameArg,
  nsArg,
  revisionNote,
  SECRET_NAME,
  show,
  writeOptions,
} from './tool-def.js';

/**
 * An environment variable's name as the API server has long required it (a C identifier with `-` and
 * `.` allowed: Kubernetes' `IsEnvVarName`), which also keeps `=` and spaces out of a patch.
 */
const envName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[-._a-zA-Z][-._a-zA-Z0-9]*$/,
    'expected an environment variable name (letters, digits, "_", "-", ".", not starting with a digit)',
  );

const keyRef = z.strictObject({
  name: nameArg.describe('ConfigMap or Secret name, in the same namespace'),
  key: z.string().min(1).max(253).describe('Key within it'),
});

const entry = z.strictObject({
  name: envName,
  value: z.string().max(32_768).optional().describe('A literal value'),
  secretKeyRef: keyRef.optional().describe('Read the value from a Secret key'),
  configMapKeyRef: keyRef.optional().describe('Read the value from a ConfigMap key'),
});

const input = z.strictObject({
  namespace: nsArg,
  deployment: nameArg,
  container: nameArg.describe('Container (or init container) name'),
  set: z
    .array(entry)
    .max(64)
    .optional()
    .describe(
      'Variables to set, each with exactly one of value, secretKeyRef, configMapKeyRef (like kubectl set env NAME=value)',
    ),
  remove: z
    .array(envName)
    .max(64)
    .optional()
    .describe("Variables to remove from the container's env list (like kubectl set env NAME-)"),
  dryRun: dryRunArg,
});

type Entry = z.output<typeof entry>;

/** How a variable reads in a `before -> after` line; a secret-named one's literal value is hidden. */
function shown(v: EnvVar | undefined): string {
  if (v === undefined) return '<unset>';
  const from = v.valueFrom;
  if (from?.secretKeyRef) return `<secret ${from.secretKeyRef.name}/${from.secretKeyRef.key}>`;
  if (from?.configMapKeyRef) return `<configmap ${from.configMapKeyRef.name}/${from.configMapKeyRef.key}>`;
  if (from?.fieldRef) return `<field ${from.fieldRef.fieldPath}>`;
  return SECRET_NAME.test(v.name) ? hidden(v.value ?? '') : show(v.value ?? '');
}

function toEnvVar(e: Entry, at: string): EnvVar {
  const given = (['value', 'secretKeyRef', 'configMapKeyRef'] as const).filter((k) => e[k] !== undefined);
  if (given.length !== 1)
    throw invalidArg(
      at,
      `give exactly one of value, secretKeyRef or configMapKeyRef (got ${given.length ? given.join(', ') : 'none'})`,
    );
  if (e.secretKeyRef) return { name: e.name, valueFrom: { secretKeyRef: { ...e.secretKeyRef } } };
  if (e.configMapKeyRef) return { name: e.name, valueFrom: { configMapKeyRef: { ...e.configMapKeyRef } } };
  return { name: e.name, value: e.value ?? '' };
}

const same = (a: EnvVar | undefined, b: EnvVar): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `set_env`: sets or removes environment variables of one container in a deployment's pod template. */
export const setEnv = defineBuiltinTool({
  name: 'set_env',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Set environment variables of one container (or init container) in a deployment to a value or to a Secret or ConfigMap key, or remove them from its env list (like kubectl set env); this starts a new rollout.',
      input,
      async execute({ namespace, deployment, container, set = [], remove = [], dryRun }, { signal }) {
        ctx.checkNs(namespace);
        if (set.length === 0 && remove.length === 0)
          throw invalidArg('set, remove', 'give variables to set and/or to remove');
        const wanted = set.map((e, i) => toEnvVar(e, `set[${i}]`));
        const names = new Set<string>();
        for (const [i, e] of wanted.entries()) {
          if (names.has(e.name)) throw invalidArg(`set[${i}].name`, `"${e.name}" is set twice`);
          names.add(e.name);
        }
        for (const [i, n] of remove.entries())
          if (names.has(n)) throw invalidArg(`remove[${i}]`, `"${n}" is both set and removed`);
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const d = await view.get<Deployment>('Deployment', deployment, namespace);
        const at = containerAt(d, container);
        const before = at.container.env;
        const list: EnvVar[] = [...(before ?? [])];
        const changes: string[] = [];
        for (const n of remove) {
          const old = list.findLast((e) => e.name === n);
          if (old === undefined) {
            const fromSources = at.container.envFrom?.length ? '; envFrom may still set it' : '';
            changes.push(`${n} not in the env list (unchanged${fromSources})`);
            continue;
          }
          for (let i = list.length - 1; i >= 0; i--) if (list[i]!.name === n) list.splice(i, 1);
          changes.push(`${n} ${shown(old)} -> <removed>`);
        }
        for (const e of wanted) {
          const old = list.findLast((x) => x.name === e.name);
          if (old !== undefined && same(old, e) && list.filter((x) => x.name === e.name).length === 1) {
            changes.push(`${e.name} ${shown(old)} (unchanged)`);
            continue;
          }
          // The new entry takes the place of the first one of its name, so $(VAR) references keep their order.
          const first = list.findIndex((x) => x.name === e.name);
          const rest = list.filter((x) => x.name !== e.name);
          rest.splice(first < 0 ? rest.length : first, 0, e);
          list.splice(0, list.length, ...rest);
          changes.push(`${e.name} ${shown(old)} -> ${shown(e)}`);
        }
        const unchanged = JSON.stringify(list) === JSON.stringify(before ?? []);
        const kind = at.list === 'initContainers' ? 'init container' : 'container';
        if (unchanged)
          return `${view.out(`deployment.apps/${deployment} unchanged: ${kind} ${container} env ${changes.join(', ')}`)}${dryNote(options.dryRun)}`;
        const base = `/spec/template/spec/${at.list}/${at.index}`;
        const ops: { op: 'test' | 'add' | 'remove'; path: string; value?: unknown }[] = [
          { op: 'test', path: `${base}/name`, value: container },
          // What was read is what gets replaced: a change made since then fails the patch instead of being
          // lost. A JSON patch cannot test that a member is absent, so a container read without an env
          // list is tested whole (an `add` would otherwise replace a list someone added since).
          before === undefined
            ? { op: 'test', path: base, value: at.container }
            : { op: 'test', path: `${base}/env`, value: before },
          list.length === 0
            ? { op: 'remove', path: `${base}/env` }
            : { op: 'add', path: `${base}/env`, value: list },
        ];
        const after = await view.c.patch(
          deploymentRef(deployment, namespace),
          { type: 'json', body: ops },
          options,
        );
        return `${view.out(`deployment.apps/${deployment} ${options.dryRun ? 'would be updated' : 'updated'}: ${kind} ${container} env ${changes.join(', ')}${options.dryRun ? '' : revisionNote(after)}`)}${dryNote(options.dryRun)}`;
      },
    }),
});
