import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, clip, type Finding, outputs, type Read } from './types.js';

// Helm's refusal while a release has a revision in a pending state.
const IN_PROGRESS = 'another operation (install/upgrade/rollback) is in progress';
// `helm upgrade --install <release> <chart> -n <namespace>` as a CI log echoes it.
const COMMAND =
  /\bhelm (?:upgrade|install)(?: --install)? ([a-z0-9][a-z0-9-]{0,52})\b.{0,200}?(?:-n|--namespace)[ =]([a-z0-9][a-z0-9-]{0,62})/;
// A release Secret: sh.helm.release.v1.<release>.v<revision>.
const RELEASE_SECRET = /^sh\.helm\.release\.v1\.([a-z0-9][a-z0-9-]{0,52})\.v(\d{1,6})$/;

/** The release and namespace a log's helm command names, when the log shows Helm's refusal. */
function stuckRelease(ctx: AnalyzerContext): { release: string; ns: string; pod: string } | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs')) {
    if (!o.content.includes(IN_PROGRESS)) continue;
    const m = COMMAND.exec(o.content);
    if (m) return { release: m[1]!, ns: m[2]!, pod: String(o.args['name'] ?? '') };
  }
  return undefined;
}

/** The release Secrets of a release seen listed, newest revision first. */
function releaseSecrets(
  ctx: AnalyzerContext,
  release: string,
  ns: string,
): { name: string; revision: number }[] {
  const out: { name: string; revision: number }[] = [];
  for (const o of outputs(
    ctx.seen,
    'list_resources',
    (x) => x.args['namespace'] === ns && /^secrets?$/i.test(String(x.args['kind'])),
  )) {
    for (const r of parseTable(o.content)) {
      const m = RELEASE_SECRET.exec(r['NAME'] ?? '');
      if (m && m[1] === release) out.push({ name: r['NAME']!, revision: Number(m[2]) });
    }
  }
  return out.sort((a, b) => b.revision - a.revision);
}

/**
 * A Helm release stuck with a revision in `pending-upgrade` (or `pending-install`, `pending-rollback`):
 * Helm writes each revision as a Secret (`sh.helm.release.v1.<release>.v<n>`, label `status`) and
 * refuses every later upgrade with "another operation (install/upgrade/rollback) is in progress" while
 * one is pending, which happens when an upgrade was interrupted or failed part-way (an object the API
 * server refused). The earlier run's own error says what the upgrade could not apply. Source: Helm's
 * storage driver (helm.sh/helm/v3/pkg/storage/driver, Secret labels) and `helm rollback`.
 */
export const helmReleaseAnalyzer: Analyzer = {
  name: 'helm-release',
  reads(ctx): Read[] {
    const stuck = stuckRelease(ctx);
    if (!stuck) return [];
    const secrets = releaseSecrets(ctx, stuck.release, stuck.ns);
    if (secrets.length === 0)
      return [{ tool: 'list_resources', args: { kind: 'Secret', namespace: stuck.ns } }];
    return [
      { tool: 'describe_resource', args: { kind: 'Secret', name: secrets[0]!.name, namespace: stuck.ns } },
    ];
  },
  finds(ctx) {
    const stuck = stuckRelease(ctx);
    if (!stuck) return [];
    const newest = releaseSecrets(ctx, stuck.release, stuck.ns)[0];
    const d = newest
      ? outputs(ctx.seen, 'describe_resource', (o) => o.args['name'] === newest.name).pop()
      : undefined;
    // The generic describe prints labels on one line, comma-separated.
    const labels = d ? /^Labels:\s+(\S{1,1000})$/m.exec(d.content)?.[1] : undefined;
    const status = labels
      ?.split(',')
      .find((kv) => kv.startsWith('status='))
      ?.slice('status='.length);
    if (!newest || !status?.startsWith('pending')) return [];
    // The run that left it pending: another log's Helm error that is not the refusal.
    const earlier = outputs(ctx.seen, 'get_pod_logs')
      .flatMap((o) => o.content.split('\n').map((l) => ({ pod: String(o.args['name'] ?? ''), l })))
      .find((x) => /(UPGRADE|INSTALL) FAILED|Error: /.test(x.l) && !x.l.includes(IN_PROGRESS));
    const previous = releaseSecrets(ctx, stuck.release, stuck.ns)[1];
    const out: Finding = {
      weight: 93,
      object: `Helm release ${stuck.release} (namespace ${stuck.ns})`,
      cause: `Helm release ${stuck.release} is stuck in ${status}: its revision ${newest.revision} (Secret ${newest.name}, label status=${status}) never finished${
        earlier
          ? `, because that upgrade failed part-way ("${clip(earlier.l.trim(), 240)}", in ${earlier.pod})`
          : ''
      }; while a revision is pending, Helm refuses every later upgrade with "${IN_PROGRESS}" (${stuck.pod}). The deploy credentials are not the cause: Helm read the release state and stopped on it`,
      evidence: [
        `describe_resource Secret ${newest.name}: status=${status}`,
        ...(earlier ? [`get_pod_logs ${earlier.pod}: "${clip(earlier.l.trim(), 160)}"`] : []),
      ],
      advice: `first undo what the stuck upgrade could not apply${earlier ? ' (the error above)' : ''}, then clear the pending revision: helm rollback ${stuck.release}${previous ? ` ${previous.revision}` : ''} -n ${stuck.ns} (or mark revision ${newest.revision} failed), and deploy again`,
    };
    return [out];
  },
};
