import { errorLines } from './app-errors.js';
import { perSeen } from './memo.js';
import { BUILT_IN_GROUPS, kindCrdName, listedCrds } from './stale-crd.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clipAround,
  describedLabels,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * What client-go and controller-runtime log when an API group/version is not served: the discovery
 * error `unable to retrieve the complete list of server APIs: netbird.io/v1alpha1: no matches for
 * netbird.io/v1alpha1, Resource=`, and the REST mapper's `no matches for kind "X" in version "g/v"`.
 * Group and version bounded; the group must be dotted, as every custom resource's is.
 */
const NO_MATCH_GV =
  /no matches for ([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,6})\/(v\d{1,3}(?:(?:alpha|beta)\d{1,3})?)\b/;
const NO_MATCH_KIND =
  /no matches for kind \\?"([A-Z][A-Za-z0-9]{0,62})\\?" in version \\?"([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,6})\/(v\d{1,3}(?:(?:alpha|beta)\d{1,3})?)\\?"/;

/**
 * API groups served by an APIService (an aggregated API server such as metrics-server or a metrics adapter),
 * never by a CRD: their "no matches" means the adapter is missing or down (kubernetes.io, "Resource metrics
 * pipeline" and the custom and external metrics APIs).
 */
const AGGREGATED_GROUPS: ReadonlySet<string> = new Set([
  'metrics.k8s.io',
  'custom.metrics.k8s.io',
  'external.metrics.k8s.io',
]);

/** A log's error lines, and the lines a command-line tool starts with `error:` (kubectl's, cobra's). */
function failureLines(text: string): string[] {
  const errors = new Set(errorLines(text));
  return text.split('\n').filter((l) => errors.has(l) || /^(?:error|fatal):\s/i.test(l));
}

interface Unserved {
  readonly pod: string;
  readonly line: string;
  readonly group: string;
  readonly version: string;
  readonly kind?: string;
}

/** The first line of a log read in the namespace asking for a custom group/version the API does not serve. */
function unserved(ctx: AnalyzerContext): Unserved | undefined {
  return perSeen(ctx.seen, ['crdVersionUnserved', ctx.ns], () => {
    const logs = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns);
    // Error lines only: a warning about an optional integration's kind (the Prometheus Operator's
    // ServiceMonitor when it is not installed) is the program going on without it.
    for (const o of [
      ...logs.filter((x) => x.args['previous'] === true),
      ...logs.filter((x) => !x.args['previous']),
    ])
      for (const line of failureLines(o.content.slice(-100_000))) {
        if (line.length > 4000 || !line.includes('no matches for')) continue;
        const k = NO_MATCH_KIND.exec(line);
        const m = k ? undefined : NO_MATCH_GV.exec(line);
        const group = k?.[2] ?? m?.[1];
        const version = k?.[3] ?? m?.[2];
        if (!group || !version || BUILT_IN_GROUPS.has(group) || AGGREGATED_GROUPS.has(group)) continue;
        return {
          pod: String(o.args['name'] ?? ''),
          line: line.trim(),
          group,
          version,
          ...(k ? { kind: k[1]! } : {}),
        };
      }
    return undefined;
  });
}

/** The installed CRDs of a group, from the cluster's latest list of them (`<plural>.<group>`). */
function crdsOf(ctx: AnalyzerContext, group: string): string[] | undefined {
  return listedCrds(ctx.seen)?.filter((n) => n.endsWith(`.${group}`));
}

/** The CRD to read: the kind's own when the line names it, else the group's first. */
function crdToRead(u: Unserved, crds: readonly string[]): string | undefined {
  return (u.kind ? kindCrdName(crds, u.kind, u.group) : undefined) ?? crds[0];
}

/** The versions a described CRD serves (`versions[i].name` with `versions[i].served: true`). */
function servedVersions(text: string): string[] {
  const names = new Map<string, string>();
  const served = new Set<string>();
  for (const raw of text.slice(0, 200_000).split('\n')) {
    const line = raw.trim();
    const n = /^versions\[(\d{1,3})\]\.name: (v\d{1,3}(?:(?:alpha|beta)\d{1,3})?)$/.exec(line);
    if (n) names.set(n[1]!, n[2]!);
    const s = /^versions\[(\d{1,3})\]\.served: true$/.exec(line);
    if (s) served.add(s[1]!);
  }
  return [...names].filter(([i]) => served.has(i)).map(([, v]) => v);
}

/**
 * A controller asking for a version of its own API group that the cluster's CustomResourceDefinitions do
 * not serve: the controller was upgraded to a release that speaks a newer (or older) version, while the
 * CRDs stayed at the one an earlier install put there (Helm installs a chart's `crds/` once and never
 * upgrades them; helm.sh, "Custom Resource Definitions"). Discovery then fails for that group/version
 * ("no matches for netbird.io/v1alpha1") and the controller exits. Reads the cluster's CRDs of the group
 * and the served versions of one of them. Either run the release that matches the CRDs (a rollback) or
 * apply the new release's CRDs before it.
 */
export const crdVersionUnservedAnalyzer: Analyzer = {
  name: 'crd-version-unserved',
  first: true,
  reads(ctx): Read[] {
    const u = unserved(ctx);
    if (!u) return [];
    const crds = crdsOf(ctx, u.group);
    if (!crds) return [{ tool: 'list_resources', args: { kind: 'CustomResourceDefinition' } }];
    const name = crdToRead(u, crds);
    if (!name) return [];
    const read = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'CustomResourceDefinition' && o.args['name'] === name,
    ).length;
    return read ? [] : [{ tool: 'describe_resource', args: { kind: 'CustomResourceDefinition', name } }];
  },
  finds(ctx): Finding[] {
    const u = unserved(ctx);
    if (!u) return [];
    const crds = crdsOf(ctx, u.group);
    if (!crds) return [];
    if (crds.length === 0)
      return [
        {
          weight: 90,
          object: `pod ${u.pod}`,
          cause: `${u.pod} asks the API server for ${u.group}/${u.version}, but no CustomResourceDefinition of the group ${u.group} is installed in the cluster, so the API is not served ("${clipAround(u.line, 'no matches for', 200)}"): the controller's CRDs were never applied (or were removed)`,
          evidence: [
            `logs of ${u.pod}: "${clipAround(u.line, 'no matches for', 160)}"`,
            `list_resources CustomResourceDefinition: none of group ${u.group}`,
          ],
          advice: `apply the CRDs of the controller's release (its chart's crds/ directory) before it starts`,
        },
      ];
    const name = crdToRead(u, crds)!;
    const d = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'CustomResourceDefinition' && o.args['name'] === name,
    ).pop();
    if (!d) return [];
    const served = servedVersions(d.content);
    if (served.length === 0 || served.includes(u.version)) return [];
    const labels = describedLabels(d.content);
    const chart = labels['helm.sh/chart'];
    const only = served.length === 1 ? `only ${served[0]}` : `only ${served.join(' and ')}`;
    return [
      {
        weight: 92,
        // The pod, so a rollout that replaced it is read as the cause (bad-release) and rolled back.
        object: `pod ${u.pod}`,
        cause: `${u.pod} asks for ${u.group}/${u.version}, but the installed CustomResourceDefinitions of ${u.group} (${crds.slice(0, 4).join(', ')}) serve ${only} (CRD ${name}: served version ${served.join(', ')}${chart ? `, installed by chart ${chart}` : ''}), so the API server has no ${u.version} of the group ("${clipAround(u.line, 'no matches for', 200)}"). The controller and the installed CRDs come from different releases: when a controller is upgraded with Helm, its CRDs stay at the first install's (Helm installs a chart's CRDs once and never upgrades them). For this release of the controller to run, apply the CRDs of the same release (serving ${u.version}) first`,
        evidence: [
          `logs of ${u.pod}: "${clipAround(u.line, 'no matches for', 160)}"`,
          `describe_resource CustomResourceDefinition ${name}: versions served ${served.join(', ')}${chart ? `; helm.sh/chart=${chart}` : ''}`,
        ],
        advice: `run the controller's release that matches the installed CRDs (${only}): roll it back if a rollout just changed it; or apply the CRDs of its own release (serving ${u.version}) before it starts; its credentials and configuration are not the cause`,
      },
    ];
  },
};
