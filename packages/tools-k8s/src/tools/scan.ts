import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { K8sError } from '../errors.js';
import { findKind, resolveKind } from '../kinds.js';
import {
  ANALYZERS,
  analyze,
  formatFindings,
  gatherFacts,
  kindsRead,
  OPT_IN_ANALYZERS,
  scanKind,
} from '../scan/index.js';
import { cap } from './format.js';
import { defineBuiltinTool } from './tool-def.js';

let schema: z.ZodType | undefined;
const names = [...ANALYZERS, ...OPT_IN_ANALYZERS].map((a) => a.name);
function scanSchema() {
  schema ??= z.strictObject({
    namespace: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Namespace to scan; left out, every namespace these tools may read (and the cluster-scoped kinds)',
      ),
    analyzers: z
      .array(z.enum(names as [string, ...string[]]))
      .min(1)
      .max(names.length)
      .optional()
      .describe(
        `Only these families; default every one but the opt-in ${OPT_IN_ANALYZERS.map((a) => a.name).join(', ')}: ${names.join(', ')}`,
      ),
    maxFindings: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(40)
      .describe('Most findings shown; the rest are counted'),
  });
  return schema;
}

/**
 * `scan`: runs the analyzers (src/scan/) over one namespace or every namespace the tools may read,
 * reading each kind once as typed objects, and returns their findings, most likely root causes first.
 */
export const scan = defineBuiltinTool({
  name: 'scan',
  mutating: false,
  build: (ctx, self) => {
    // The cluster as given: each request below carries the call's signal itself.
    const cluster = ctx.cluster;
    const allowed = ctx.namespaces;
    return defineTool({
      ...self,
      description:
        'Scan a namespace (or every namespace you may read) for known failure signatures, like k8sgpt analyze: pods (crash loops with exit codes, OOMKilled, image pulls, missing ConfigMaps/Secrets, probes, init containers, scheduling), deployments, ReplicaSets (quota), PVCs, services (no endpoints, selectors, targetPorts), ingresses, StatefulSets, jobs/cronjobs, nodes, HPAs, NetworkPolicies, admission webhooks. Each finding names the object, the reason, the evidence and the next read or fix. Read the objects it names to confirm.',
      input: scanSchema() as z.ZodType<{ namespace?: string; analyzers?: string[]; maxFindings: number }>,
      async execute({ namespace, analyzers, maxFindings }, { signal }) {
        if (namespace !== undefined && allowed && !allowed.includes(namespace))
          throw new K8sError(
            'forbidden',
            `namespace "${namespace}" is outside this agent's scope; allowed: ${allowed.join(', ')}`,
            { status: 403 },
          );
        const chosen = analyzers
          ? [...ANALYZERS, ...OPT_IN_ANALYZERS].filter((a) => analyzers.includes(a.name))
          : ANALYZERS;
        const o = { signal };
        const gathered = await gatherFacts(
          {
            now: () => cluster.now(o),
            namespaces: allowed,
            mayReadClusterKind: (info) => !allowed || ctx.clusterKinds.has(info.kind) || info.kind === 'Node',
            kind: async (k) => {
              const known = scanKind(k, ctx.extraKinds);
              if (known) return known;
              if (!cluster.kinds) return findKind(k, ctx.extraKinds);
              try {
                return resolveKind(k, [...ctx.extraKinds, ...(await cluster.kinds(o))]);
              } catch {
                return undefined;
              }
            },
            list: async (info, space) => {
              const items = await cluster.list(
                { kind: info.kind, apiVersion: info.apiVersion, ...(space ? { namespace: space } : {}) },
                o,
              );
              return { items, cut: items.truncated !== undefined };
            },
          },
          kindsRead(chosen),
          namespace,
        );
        const findings = analyze(gathered.facts, chosen);
        const scope = namespace
          ? `namespace ${namespace}`
          : allowed
            ? `namespaces ${allowed.join(', ')}`
            : 'every namespace';
        return cap(
          formatFindings(findings, {
            scope,
            maxFindings,
            unread: gathered.unread,
            cut: gathered.cut,
            maxChars: ctx.maxOutputChars,
          }),
          ctx.maxOutputChars,
          'scan one namespace, or pass analyzers',
        );
      },
    });
  },
});
