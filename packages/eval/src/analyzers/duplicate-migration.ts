import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
} from './types.js';

/** A CREATE TABLE statement's table (`CREATE TABLE "note_draft" (`, `` CREATE TABLE `orders` ``). */
const CREATE_TABLE = /\bCREATE TABLE (?:IF NOT EXISTS )?["`[]?([A-Za-z_][\w.]{0,127})["`\]]?\s?\(/i;
/** A database's refusal of a table that exists: PostgreSQL's `relation "x" already exists`, MySQL's `Table 'x' already exists`. */
const EXISTS = /\b(?:relation "([A-Za-z_][\w.]{0,127})"|Table '([A-Za-z_][\w.]{0,127})') already exists\b/;
/** A migration's class in a stack frame (`at async NoteDraftSync1744300000000.up (file:///…/migration/1744300000000-note-draft-sync.js:9:9)`). */
const FRAME = /\bat (?:async )?([A-Za-z_]\w{0,127})\.up \(([^\s()]{0,300}?\/migrations?\/[^\s():]{1,200})/;
/** A migration a runner reports done (TypeORM: `Migration NoteDraft1744100261027 has been  executed successfully.`). */
const DONE = /\bMigration ([A-Za-z_]\w{0,127}) has been\s{1,3}executed successfully\b/;

/**
 * One migration run that creates the same table twice: an earlier migration of the run created it
 * (its statement went through, no error or rollback before the next), and a later one of the same run
 * is refused because the table already exists. Two migration files of the image create one table, so
 * one of them does not belong to the release: a stale file left in the build's workspace by another
 * branch or an earlier build (a checkout keeps untracked files unless the workspace is cleaned), or a
 * migration shipped under two names. The database is not at fault: the run's transaction rolled back.
 * Reads nothing of its own: the failing pod's logs (an init container's previous log) are read already.
 */
export const duplicateMigrationAnalyzer: Analyzer = {
  name: 'duplicate-migration',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content).map((l) => l.slice(0, 4000));
      // A refusal, not PostgreSQL's notice for CREATE TABLE IF NOT EXISTS ("already exists, skipping").
      const at = lines.findIndex((l) => EXISTS.test(l) && !/already exists, skipping/i.test(l));
      if (at < 0) continue;
      const m = EXISTS.exec(lines[at]!)!;
      const table = (m[1] ?? m[2])!;
      // The statements of that table before the refusal that were run, not reported as failed.
      const creates: number[] = [];
      for (let i = 0; i < at; i++) {
        const l = lines[i]!;
        // Not the failing statement's echo (`query failed: …`, PostgreSQL's `STATEMENT:`), nor a database
        // server's own statement log (`LOG:  statement: …`), which spans every run of every client.
        if (/query failed|\bSTATEMENT:|\bLOG:\s{1,4}statement:/i.test(l)) continue;
        if (CREATE_TABLE.exec(l)?.[1] === table) creates.push(i);
      }
      if (creates.length < 2) continue;
      const [first, second] = [creates[0]!, creates[creates.length - 1]!];
      // The first went through: no refusal or rollback between the two.
      const between = lines.slice(first + 1, second);
      // Nor any failure between them: a migration that failed after its CREATE (MySQL commits DDL at once)
      // and is retried in the same log is one migration, not two.
      if (
        between.some(
          (l) =>
            /already exists|\bROLLBACK\b/i.test(l) ||
            (!CREATE_TABLE.test(l) && /\b(?:error|failed|exception)\b/i.test(l)),
        )
      )
        continue;
      const done = between.map((l) => DONE.exec(l)?.[1]).filter((x): x is string => !!x);
      const frame = lines
        .slice(at)
        .map((l) => FRAME.exec(l))
        .find((x) => x);
      const pod = String(o.args['name'] ?? '');
      const deployment = podDeployment(pod);
      const earlier = done[0];
      const later = frame ? `${frame[1]} (${frame[2]!.slice(frame[2]!.lastIndexOf('/') + 1)})` : undefined;
      return [
        {
          weight: 90 + bonus(deployment ?? pod, ctx.hints),
          object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
          cause: `its migration run creates table ${table} twice: ${earlier ? `migration ${earlier}` : 'an earlier migration of the same run'} created it (the statement went through), and ${later ? `migration ${later}` : 'a later one'} is refused because it already exists ("${clip(lines[at]!.trim(), 120)}"). Two migration files of this image create the same table, so one of them does not belong to the release: a stale, untracked file left in the build's workspace by another branch or an earlier build (a checkout keeps untracked files unless the workspace is cleaned, git clean), or one migration shipped under two names. The database is not corrupt: the run's transaction rolled back, and a restore changes nothing`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(lines[first]!.trim(), 140)}"`,
            `get_pod_logs ${pod}: "${clip(lines[second]!.trim(), 140)}"`,
            `get_pod_logs ${pod}: "${clip(lines[at]!.trim(), 140)}"`,
          ],
          advice: `rebuild the image from a clean checkout of the release (a fresh workspace, or git clean -fdx before the build) so only its own migration files are in it, then roll it out again; until then run the previous image`,
        },
      ];
    }
    return [];
  },
};
