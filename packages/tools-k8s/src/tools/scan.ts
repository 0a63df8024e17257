import { defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { Cluster } from '../cluster.js';
import { K8sError } from '../errors.js';
import { findKind, type KindInfo, resolveKind } from '../kinds.js';
import { ANALYZERS, analyze, formatFindings, gatherFacts, kindsRead, scanKind } from '../scan/index.js';
import { cap } from './format.js';

/** What `scanTool` needs from the tool set it joins: its cap and its namespace scope. */
export interface ScanToolOptions {
  readonly maxOutputChars: number;
  /** Namespaces the tools may read; undefined for all. */
  readonly namespaces?: readonly string[] | undefined;
  /** Cluster-scoped kinds readable under a namespace scope. */
  readonly clusterKinds: ReadonlySet<string>;
  readonly extraKinds: readonly KindInfo[];
}

let schema: z.ZodType | undefined;
const names = ANALYZERS.map((a) => a.name);
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
      .describe(`Only these families; default all: ${names.join(', ')}`),
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
 * The read-only `scan` tool: runs the analyzers (src/scan/) over one namespace or every namespace
 * the tools may read, reading each kind once as typed objects, and returns their findings, most
 * likely root causes first.
 */
export function scanTool(cluster: Cluster, options: ScanToolOptions) {
  const allowed = options.namespaces;
  return defineTool({
    name: 'scan',
    description:
      'Scan a namespace (or every namespace you may read) for known failure signatures, like k8sgpt analyze: pods (crash loops with exit codes, OOMKilled, image pulls, missing ConfigMaps/Secrets, probes, init containers, scheduling), deployments, ReplicaSets (quota), PVCs, services (no endpoints, selectors, targetPorts), ingresses, StatefulSets, jobs/cronjobs, nodes, HPAs, NetworkPolicies, admission webhooks. Each finding names the object, the reason, the evidence and the next read or fix. Read the objects it names to confirm.',
    mutating: false,
    input: scanSchema() as z.ZodType<{ namespace?: string; analyzers?: string[]; maxFindings: number }>,
    async execute({ namespace, analyzers, maxFindings }, { signal }) {
      if (namespace !== undefined && allowed && !allowed.includes(namespace))
        throw new K8sError(
          'forbidden',
          `namespace "${namespace}" is outside this agent's scope; allowed: ${allowed.join(', ')}`,
          { status: 403 },
        );
      const chosen = analyzers ? ANALYZERS.filter((a) => analyzers.includes(a.name)) : ANALYZERS;
      const o = { signal };
      const gathered = await gatherFacts(
        {
          now: () => cluster.now(o),
          namespaces: allowed,
          mayReadClusterKind: (info) =>
            !allowed || options.clusterKinds.has(info.kind) || info.kind === 'Node',
          kind: async (k) => {
            const known = scanKind(k, options.extraKinds);
            if (known) return known;
            if (!cluster.kinds) return findKind(k, options.extraKinds);
            try {
              return resolveKind(k, [...options.extraKinds, ...(await cluster.kinds(o))]);
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
          maxChars: options.maxOutputChars,
        }),
        options.maxOutputChars,
        'scan one namespace, or pass analyzers',
      );
    },
  });
}
