import { parseTable } from '../k8s-text.js';
import { type Analyzer, bonus, clip, type Finding, outputs, type Read } from './types.js';

// A backup tool waiting for PostgreSQL to archive a WAL segment it switched (pg_rman: "switched WAL
// could not be archived in 10 seconds"; pg_basebackup and others word it alike).
const WAITED =
  /WAL could not be archived|could not be archived in \d{1,4} seconds|timed out waiting for WAL|WAL segment \S{1,64} (?:was )?not archived/i;
// ConfigMaps that may hold PostgreSQL's or a backup tool's settings.
const CONFIG_NAME = /pg|postgres|rman|backup|wal|archive|barman|pgbackrest/i;
// Where a backup tool expects archived WAL: pg_rman's ARCLOG_PATH, and the usual key names of others.
const TOOL_PATH =
  /^[ \t]*(ARCLOG_PATH|arclog[_-]path|wal[_-]archive[_-](?:path|dir)|archive[_-](?:path|dir|directory))[ \t]*[=:][ \t]*['"]?([^'"\s]{1,300})/im;
// PostgreSQL's archive_command (https://www.postgresql.org/docs/current/continuous-archiving.html).
const ARCHIVE_COMMAND = /^[ \t]*archive_command[ \t]*=[ \t]*'([^'\n]{1,1000})'/m;

/** The directories an archive_command writes into: every absolute path's folder before `%f`. */
export function archiveDirs(command: string): string[] {
  const dirs = new Set<string>();
  for (const m of command.matchAll(/(\/[\w./-]{1,300}?)\/%f\b/g)) dirs.add(m[1]!.replace(/\/+$/, ''));
  return [...dirs];
}

/**
 * A backup tool that waits for a switched WAL segment to appear in its archive directory while
 * PostgreSQL's archive_command copies segments somewhere else (pg_rman's ARCLOG_PATH differing from
 * archive_command's target, ossc-db/pg_rman#104): the segment is archived, just not where the tool
 * looks, so every backup times out. Read the ConfigMaps of the namespace that hold the two settings
 * and compare them.
 */
export const walArchivePathAnalyzer: Analyzer = {
  name: 'wal-archive-path',
  // Its reads follow from a failing pod's own log line.
  first: true,
  reads(ctx): Read[] {
    const waited = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).some((o) =>
      WAITED.test(o.content.slice(-100_000)),
    );
    if (!waited) return [];
    const listed = outputs(
      ctx.seen,
      'list_resources',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === ctx.ns,
    );
    if (listed.length === 0)
      return [{ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ctx.ns } }];
    return listed
      .flatMap((o) => parseTable(o.content))
      .map((r) => r['NAME'] ?? '')
      .filter((n) => CONFIG_NAME.test(n))
      .slice(0, 4)
      .map((name) => ({ tool: 'describe_resource', args: { kind: 'ConfigMap', name, namespace: ctx.ns } }));
  },
  finds(ctx) {
    const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).find((o) =>
      WAITED.test(o.content.slice(-100_000)),
    );
    if (!log) return [];
    const line = log.content
      .slice(-100_000)
      .split('\n')
      .find((l) => WAITED.test(l))!;
    const configs = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === ctx.ns,
    );
    const tool = configs
      .map((o) => ({ name: String(o.args['name']), m: TOOL_PATH.exec(o.content.slice(0, 50_000)) }))
      .find((x) => x.m);
    const pg = configs
      .map((o) => ({ name: String(o.args['name']), m: ARCHIVE_COMMAND.exec(o.content.slice(0, 50_000)) }))
      .find((x) => x.m);
    if (!tool?.m || !pg?.m) return [];
    const key = tool.m[1]!;
    const path = tool.m[2]!.replace(/\/+$/, '');
    const dirs = archiveDirs(pg.m[1]!);
    if (dirs.length === 0 || dirs.includes(path)) return [];
    const finding: Finding = {
      // Above the failed Job's own finding (86 and the name's bonus): this says why its pods fail.
      weight: 93 + bonus(String(log.args['name']), ctx.hints),
      object: `configmap ${tool.name} in ${ctx.ns}`,
      cause: `the backup waits for a WAL segment that PostgreSQL archives somewhere else: its log says "${clip(line.trim(), 120)}" because the backup tool looks for archived WAL in ${key}=${path} (ConfigMap ${tool.name}), while PostgreSQL's archive_command copies segments to ${dirs.join(', ')} (ConfigMap ${pg.name}: archive_command = '${clip(pg.m[1]!, 120)}'). The segment is archived, just not where the backup looks, so every run times out; the WAL volume is not full and growing it changes nothing`,
      evidence: [
        `get_pod_logs ${String(log.args['name'])}: "${clip(line.trim(), 160)}"`,
        `describe_resource ConfigMap ${tool.name}: ${key}='${path}'`,
        `describe_resource ConfigMap ${pg.name}: archive_command = '${clip(pg.m[1]!, 120)}'`,
      ],
      advice: `make the two agree: set ${key} back to ${dirs[0]} in ${tool.name} (or point archive_command at ${path} and reload PostgreSQL), then run the backup again`,
    };
    return [finding];
  },
};
