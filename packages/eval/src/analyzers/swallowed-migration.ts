import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  completedPods,
  containerSections,
  type Finding,
  outputs,
  type Read,
  schemaGloss,
} from './types.js';

/**
 * A migration tool saying it starts or runs a schema change: alembic's `Running upgrade A -> B, …`,
 * Superset's and Airflow's `Upgrading DB schema`, Django's `Applying app.0042_…`, Flyway's `Migrating
 * schema`, Rails' `== 20240101 AddX: migrating`, Laravel's `Migrating: …`, a script's own `db upgrade`.
 */
const MIGRATING =
  /\bRunning upgrade\b|\bUpgrading (?:DB|database)(?: schema)?\b|\bApplying [a-z_]{1,60}\.\d{4}_|\bMigrating (?:schema|to)\b|: migrating\b|^\s{0,8}Migrating: |\bdb upgrade\b|\bmigrate deploy\b/i;

/**
 * The line that says the change failed: a Python exception's last line (`sqlalchemy.exc.ProgrammingError:
 * (…) must be owner of table tables`), a level word, or a database's own `ERROR:`. Bounded.
 */
const FAILED =
  /^\s{0,8}(?:[A-Za-z_][\w.]{0,120}(?:Error|Exception)\b:? |(?:[a-z_][a-z0-9_]{0,40}\.){1,6}[A-Z][A-Za-z0-9]{2,80}: |ERROR\b|FATAL\b|Error: )|\b(?:ERROR|FATAL)\s{0,3}[:\]]/;

/** A traceback's own lines (its header, its frames, the chained-exception sentence). */
const TRACEBACK =
  /^\s{0,8}(?:Traceback \(most recent call last\)|File "|The above exception|During handling of|\(Background on this error|\[SQL: |\^)|^\s{2,}\S/;

/** Names of a run that prepares a release's database (`superset-init-db`, `app-migrate`, `db-upgrade`). */
const PREPARES = /(?:^|-)(?:init|migrate|migration|migrations|upgrade|db|schema|setup|bootstrap)(?:-|$)/;

interface Swallowed {
  readonly pod: string;
  readonly job: string | undefined;
  readonly started: string;
  readonly failed: string;
  readonly after: string;
}

/** A line of a running release's logs that says the schema lacks what it queries. */
function behind(
  ctx: AnalyzerContext,
  except: ReadonlySet<string>,
): { pod: string; line: string } | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    if (except.has(pod)) continue;
    const line = boundedLogLines(o.content).find((l) => schemaGloss(l) !== undefined);
    if (line) return { pod, line: line.trim() };
  }
  return undefined;
}

/**
 * A Completed run whose log shows a schema migration that failed and the run going on past it: the
 * exception's last line after the migration started, then lines of later steps that are not the
 * traceback's.
 */
function swallowed(ctx: AnalyzerContext): Swallowed | undefined {
  const completed = new Set(completedPods(ctx.seen, ctx.ns));
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    if (!completed.has(pod)) continue;
    const lines = boundedLogLines(o.content);
    const found = failedThenWentOn(lines);
    if (!found) continue;
    const d =
      outputs(ctx.seen, 'describe_pod', (x) => x.args['namespace'] === ctx.ns && x.args['name'] === pod).pop()
        ?.content ?? '';
    const job = /^Controlled By:\s{1,20}Job\/([a-z0-9][a-z0-9.-]{0,252})$/m.exec(d.slice(0, 20_000))?.[1];
    return {
      pod,
      job,
      started: lines[found.start]!.trim(),
      failed: lines[found.failed]!.trim(),
      after: lines[found.after]!.trim(),
    };
  }
  return undefined;
}

/** A line of the migration itself: the tool's own lines (alembic's, Django's), a schema word. */
const MIGRATION_LINE = /alembic|migrat|\bschema\b|Operations to perform/i;

/**
 * Where a log's last migration failed and the run went on: the migration's start, its failure (a failure
 * line among the migration's own lines and its traceback, before any other step), and the first line of a
 * later step. A migration run again after its failure (a retry) is judged by that later run. Undefined when
 * the last migration did not fail, or nothing ran after its failure.
 */
function failedThenWentOn(
  lines: readonly string[],
): { start: number; failed: number; after: number } | undefined {
  const nextStart = (from: number) => {
    for (let k = from; k < lines.length; k++) if (MIGRATING.test(lines[k]!)) return k;
    return -1;
  };
  for (let start = nextStart(0); start >= 0; ) {
    let failed = -1;
    let after = -1;
    for (let i = start + 1; i < lines.length && after < 0; i++) {
      const l = lines[i]!;
      if (FAILED.test(l)) failed = i;
      else if (TRACEBACK.test(l) || !l.trim() || (failed < 0 && MIGRATION_LINE.test(l))) continue;
      else if (failed < 0)
        break; // another step began: this migration did not fail
      else after = i;
    }
    // A migration started again at or after that point (a retry, a second one): the later run decides.
    const again = nextStart(Math.max(after, start + 1));
    if (failed >= 0 && after >= 0 && again < 0) return { start, failed, after };
    if (again < 0) return undefined;
    start = again;
  }
  return undefined;
}

/** What the database's refusal means, when it is one of the common ones (PostgreSQL's wording). */
function refusalGloss(line: string, user: string | undefined): string {
  const owner = /must be owner of (?:table|relation|sequence|schema) ([\w."]{1,120})/i.exec(line)?.[1];
  if (owner)
    return `: PostgreSQL lets only a table's owner alter it, and the table ${owner} belongs to another role than the user the migration connects as${user ? ` (${user})` : ''}`;
  if (/permission denied for (?:table|relation|schema|database)/i.test(line))
    return `: the user the migration connects as${user ? ` (${user})` : ''} lacks the privilege the change needs`;
  return '';
}

/**
 * A release's schema migration that failed inside a run that still completed: the init or migration Job's
 * script went on to its next steps after the migration's exception (no `set -e`, an `|| true`), so the pod
 * exited 0 and the Job reports success, while the schema was never upgraded. The new release then queries
 * what the migration would have added (`column tables.catalog does not exist`) and fails. Reads the log of
 * such a run when a release's log says the schema is behind.
 */
export const swallowedMigrationAnalyzer: Analyzer = {
  name: 'swallowed-migration',
  reads(ctx): Read[] {
    const completed = completedPods(ctx.seen, ctx.ns);
    if (completed.length === 0) return [];
    if (!behind(ctx, new Set(completed))) return [];
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns).map((x) =>
        String(x.args['name']),
      ),
    );
    return completed
      .filter((p) => !read.has(p) && PREPARES.test(p.replace(/-[a-z0-9]{5}$/, '')))
      .slice(0, 2)
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    const s = swallowed(ctx);
    if (!s) return [];
    const late = behind(ctx, new Set([s.pod]));
    const d = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === s.pod).pop()?.content ?? '';
    const user = containerSections(d)
      .flatMap((c) => envOf(c.body))
      .find((e) => /(?:^|_)(?:DB|DATABASE|POSTGRES|PG|MYSQL)_?USER(?:NAME)?$/i.test(e.name));
    const run = s.job ? `the Job ${s.job} (pod ${s.pod})` : `pod ${s.pod}`;
    return [
      {
        weight: 90,
        object: s.job ? `job ${s.job} (pod ${s.pod})` : `pod ${s.pod}`,
        cause: `the database migration in ${run} failed ("${clip(s.failed, 200)}")${refusalGloss(s.failed, user ? `${user.name}=${user.value}` : undefined)}; yet the run carried on with its next steps ("${clip(s.after, 100)}") and exited 0, so the Job still completed and reported success although the schema was never upgraded${late ? `. The release now queries what that migration adds and fails: "${clip(late.line, 200)}" (${late.pod})` : ''}`,
        evidence: [
          `get_pod_logs ${s.pod}: "${clip(s.started, 160)}"`,
          `get_pod_logs ${s.pod}: "${clip(s.failed, 200)}"`,
          `get_pod_logs ${s.pod}: "${clip(s.after, 120)}" (after the failure), and the pod Completed`,
          ...(late ? [`get_pod_logs ${late.pod}: "${clip(late.line, 200)}"`] : []),
        ],
        advice: `fix what the migration's error says${/must be owner/i.test(s.failed) ? ' (make the migration user the owner of the tables: ALTER TABLE … OWNER TO it, or run the migration as their owner)' : ''}, then run the migration again; and make the script stop at a failed step (set -e, no || true) so the Job fails instead of completing. A rollback of the image does not repair the schema`,
        revisionSound: true,
      },
    ];
  },
};
