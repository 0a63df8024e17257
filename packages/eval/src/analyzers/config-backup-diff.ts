import { errorLines } from './app-errors.js';
import { isCopyOf, listedConfigMaps } from './config-copies.js';
import { latestRevision } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  configMapVolumes,
  crashingDescribed,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/** A file name in a change cause (`domain.xml`, `my.cnf`, `app.yaml`). */
const FILE = /\b[\w.-]{1,80}\.(?:xml|ya?ml|conf|cnf|ini|json|properties|toml|cfg)\b/gi;
/** How many lines a trimmed file may have lost for them to be named one by one. */
const MAX_REMOVED = 15;

/** The text of ConfigMap `name` in `ns` as read (`get_resource` or `describe_resource`), its data part. */
function mapText(ctx: AnalyzerContext, name: string): string | undefined {
  const o = [...outputs(ctx.seen, 'get_resource'), ...outputs(ctx.seen, 'describe_resource')].find(
    (x) =>
      /^(?:configmaps?|cm)$/i.test(String(x.args['kind'])) &&
      x.args['name'] === name &&
      x.args['namespace'] === ctx.ns,
  );
  if (!o) return undefined;
  // The data section only: from `data:` (get_resource's YAML) or `Data` (describe's) to the next
  // unindented key, so the object's own metadata (its name, its annotations) is not compared.
  const lines = o.content.slice(0, 200_000).split('\n');
  const at = lines.findIndex((l) => /^(?:data:|Data)\s*$/.test(l));
  if (at < 0) return o.content.slice(0, 200_000);
  const end = lines.findIndex((l, i) => i > at && /^(?:[A-Za-z][\w-]{0,60}:|BinaryData|Events:)/.test(l));
  return lines.slice(at + 1, end < 0 ? undefined : end).join('\n');
}

interface Case {
  readonly pod: string;
  readonly deployment: string;
  readonly map: string;
  readonly revision: number;
  readonly cause: string;
}

/**
 * Crashing pods of the namespace whose Deployment's latest change cause names a ConfigMap the pod mounts,
 * or a file name that the pod's description shows (a mount's path): the change was to that configuration.
 */
function cases(ctx: AnalyzerContext): Case[] {
  const out: Case[] = [];
  for (const { pod, owner: deployment, described } of crashingDescribed(ctx)) {
    const rev = latestRevision(ctx, deployment);
    if (!rev?.cause || rev.n < 2) continue;
    const cause = rev.cause;
    const files = (cause.match(FILE) ?? []).filter((f) => described.includes(f));
    const map = configMapVolumes(described).find((m) => cause.includes(m) || files.length > 0);
    if (map) out.push({ pod, deployment, map, revision: rev.n, cause });
  }
  return out.slice(0, 1);
}

/** The copies of ConfigMap `map` the namespace's ConfigMap list shows, newest name last. */
function copies(ctx: AnalyzerContext, map: string): string[] | undefined {
  return listedConfigMaps(ctx)?.filter((n) => isCopyOf(n, map));
}

/**
 * A configuration trimmed by a change and a program that now crashes on start: the Deployment's latest
 * rollout names the configuration it was for ("rollout restart to load the cleaned-up domain.xml"), the
 * crashing pod mounts that ConfigMap, and a copy kept from before the change (`payara-domain-backup-…`)
 * holds lines the ConfigMap no longer has: what the clean-up removed is what the program needed (a
 * resource it looks up at start). Found from the rollout's change cause, the pod's ConfigMap volumes, the
 * namespace's ConfigMaps and the two texts. The reads: the ConfigMap, the namespace's ConfigMap list and
 * the copy.
 */
export const configBackupDiffAnalyzer: Analyzer = {
  name: 'config-backup-diff',
  first: true,
  reads(ctx): Read[] {
    for (const c of cases(ctx)) {
      if (!mapText(ctx, c.map))
        return [{ tool: 'get_resource', args: { kind: 'ConfigMap', name: c.map, namespace: ctx.ns } }];
      const kept = copies(ctx, c.map);
      if (!kept) return [{ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ctx.ns } }];
      const copy = kept[kept.length - 1];
      if (copy && !mapText(ctx, copy))
        return [{ tool: 'get_resource', args: { kind: 'ConfigMap', name: copy, namespace: ctx.ns } }];
    }
    return [];
  },
  finds(ctx): Finding[] {
    for (const c of cases(ctx)) {
      const now = mapText(ctx, c.map);
      const copy = copies(ctx, c.map)?.pop();
      const before = copy ? mapText(ctx, copy) : undefined;
      if (!now || !copy || !before) continue;
      const kept = new Set(now.split('\n').map((l) => l.trim()));
      const removed = before
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 0 && l.length <= 400 && !kept.has(l))
        .filter((l, i, all) => all.indexOf(l) === i);
      if (removed.length === 0 || removed.length > MAX_REMOVED) continue;
      const log = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['name'] === c.pod && o.args['previous'] === true,
      ).pop();
      const failed = log ? errorLines(log.content.slice(-100_000))[0] : undefined;
      return [
        {
          weight: 88 + bonus(c.deployment, ctx.hints),
          object: `deployment ${c.deployment} (pod ${c.pod})`,
          cause: `the latest rollout of ${c.deployment} (revision ${c.revision}: "${clip(c.cause, 160)}") started it on ConfigMap ${c.map}, which, against ${copy} (the copy kept from before the change), no longer has ${removed.length} line${removed.length === 1 ? '' : 's'}: ${removed
            .slice(0, 4)
            .map((l) => `"${clip(l, 160)}"`)
            .join(
              ', ',
            )}${removed.length > 4 ? ', …' : ''}. What the clean-up removed is what the program needs at start${failed ? `: it now fails with "${clip(failed, 200)}"` : ''}; the image and the code are unchanged`,
          evidence: [
            `get_resource ConfigMap ${copy}: ${removed.length} line(s) ${c.map} no longer has`,
            `get_resource ConfigMap ${c.map}: without "${clip(removed[0]!, 120)}"`,
            ...(failed ? [`previous logs of ${c.pod}: "${clip(failed, 160)}"`] : []),
          ],
          advice: `put the removed line${removed.length === 1 ? '' : 's'} back into ConfigMap ${c.map} (from ${copy}), then restart ${c.deployment}; a rollback of the Deployment alone does not bring the file back, since the ConfigMap is not part of its revision`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
