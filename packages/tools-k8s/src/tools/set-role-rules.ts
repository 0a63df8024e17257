import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import { defineBuiltinTool, dryNote, dryRunArg, nameArg, nsArg, show, writeOptions } from './tool-def.js';

const word = z.string().min(1).max(253);
const rule = z.strictObject({
  apiGroups: z.array(z.string().max(253)).min(1).max(32).describe('API groups; "" is the core group'),
  resources: z.array(word).min(1).max(64).describe('Resources, e.g. pods, pods/log, configmaps'),
  verbs: z
    .array(
      z
        .string()
        .regex(/^(\*|[a-z]+)$/, 'expected a verb such as get, list, watch, create, update, patch, delete'),
    )
    .min(1)
    .max(16),
  resourceNames: z.array(word).max(64).optional().describe('Only these objects (left out: every object)'),
});

const input = z.strictObject({
  namespace: nsArg,
  name: nameArg.describe('Role name'),
  rules: z.array(rule).min(1).max(64).describe("The Role's whole rule list (it replaces the current one)"),
  dryRun: dryRunArg,
});

type Rule = z.output<typeof rule>;

const ruleText = (r: Rule) =>
  `${r.verbs.join(',')} ${r.resources.join(',')}${r.apiGroups.some((g) => g !== '') ? ` (${r.apiGroups.map((g) => g || 'core').join(',')})` : ''}${r.resourceNames?.length ? ` named ${r.resourceNames.join(',')}` : ''}`;

/** `set_role_rules`: replaces a namespaced Role's rules. */
export const setRoleRules = defineBuiltinTool({
  name: 'set_role_rules',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        'Replace the rules of a namespaced Role (what the ServiceAccounts bound to it may do); give the whole list. Grant only what the evidence (a Forbidden message) shows is missing.',
      input,
      async execute({ namespace, name, rules, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        rules.forEach((r, i) => {
          if (r.verbs.includes('*') && r.verbs.length > 1)
            throw new K8sError('invalid', `rules[${i}].verbs: "*" already means every verb; give it alone`, {
              status: 422,
            });
          if (r.resourceNames?.length && r.verbs.some((v) => v === 'list' || v === 'watch' || v === 'create'))
            throw new K8sError(
              'invalid',
              `rules[${i}].resourceNames: list, watch and create cannot be limited by resourceNames`,
              { status: 422 },
            );
        });
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const role = await view.get<KubeObject>('Role', name, namespace);
        const before = (role['rules'] as Rule[] | undefined) ?? [];
        const ops = [
          ...(role['rules'] !== undefined ? [{ op: 'test' as const, path: '/rules', value: before }] : []),
          { op: 'add' as const, path: '/rules', value: rules },
        ];
        await view.c.patch(
          { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', name, namespace },
          { type: 'json', body: ops },
          options,
        );
        const beforeText = before.length ? before.map(ruleText).join('; ') : '<none>';
        return `${view.out(`role.rbac.authorization.k8s.io/${name} ${options.dryRun ? 'would be updated' : 'updated'}: rules [${beforeText}] -> [${rules.map(ruleText).join('; ')}] (exactly: ${show(rules)})`)}${dryNote(options.dryRun)}`;
      },
    }),
});
