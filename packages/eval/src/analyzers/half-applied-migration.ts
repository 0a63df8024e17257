import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/**
 * A migration that creates what is already there, with its name: MySQL's and MariaDB's `SQLSTATE[42S01]:
 * Base table or view already exists: 1050 Table 'x' already exists`, PostgreSQL's `relation "x" already
 * exists` (42P07), SQLite's `table x already exists`. Bounded gaps: linear.
 */
const EXISTS =
  /\bTable '([^'\n]{1,128})' already exists\b|(?<!\bof )\brelation "([^"\n]{1,128})" already exists\b|\btable `?([A-Za-z0-9_]{1,128})`? already exists\b/i;

/**
 * The notes `CREATE TABLE IF NOT EXISTS` prints (PostgreSQL's `NOTICE: … already exists, skipping`, MySQL's
 * `Note 1050`): the statement went on, nothing failed.
 */
const NOTE = /\bNOTICE\b|\bNote\b|\bskipping\b|\bIF NOT EXISTS\b/i;

interface HalfApplied {
  readonly pod: string;
  readonly container: string;
  readonly table: string;
  /** MySQL and SQLite say table; PostgreSQL says relation of a table, an index, a sequence or a view alike. */
  readonly what: 'table' | 'relation';
  readonly line: string;
  readonly migration?: string;
  readonly killedBy: string;
  readonly killLine: string;
  readonly described: string;
}

/** A pod of the namespace whose migrations fail on a leftover object after its container was killed once. */
function halfApplied(ctx: AnalyzerContext): HalfApplied | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const lines = boundedLogLines(log.content, 2000);
    if (!lines.some((l) => /migrat/i.test(l.slice(0, 2000)))) continue;
    const at = lines.findIndex((l) => l.length <= 8000 && EXISTS.test(l) && !NOTE.test(l));
    if (at < 0) continue;
    const m = EXISTS.exec(lines[at]!)!;
    const pod = String(log.args['name'] ?? '');
    const d = outputs(
      ctx.seen,
      'describe_pod',
      (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
    ).pop()?.content;
    if (!d) continue;
    const sections = containerSections(d);
    const container =
      typeof log.args['container'] === 'string'
        ? log.args['container']
        : (sections.find((c) => !c.init)?.name ?? '');
    const section = sections.find((c) => c.name === container);
    const apps = sections.filter((c) => !c.init).length;
    // What is known of the migrating container: its own section, or the whole pod when it is the only one.
    const own = section?.body ?? (apps <= 1 ? d : '');
    // It stopped (not a run that went on): it waits or ended, its last run failed, or the log read is its
    // previous run's.
    const stopped =
      /^\s+State:\s+(?:Waiting|Terminated)\b/m.test(own) ||
      /Exit Code:\s+[1-9]/.test(own) ||
      log.args['previous'] === true;
    if (!stopped) continue;
    // And it was the one killed: the kubelet's `Container <name> failed liveness probe`, a probe failure of
    // a one-container pod, or its own last state OOMKilled.
    const killed = d
      .slice(0, 100_000)
      .split('\n')
      .find(
        (l) =>
          l.includes(`Container ${container} failed liveness probe`) ||
          (apps === 1 && /Liveness probe failed/.test(l)),
      );
    const oom = /Reason:\s+OOMKilled\b/.test(apps <= 1 ? d : own);
    if (!killed && !oom) continue;
    // The failing step of the migration tool's list (`2023_01_24_104625_refactor_… …… 4ms FAIL`).
    const migration = lines
      .slice(Math.max(0, at - 6), at)
      .map((l) => /^\s{0,8}(\d{4}_\d{2}_\d{2}_\d{6}_[a-z0-9_]{1,120})\b[^\n]{0,200}\bFAIL\b/.exec(l)?.[1])
      .find(Boolean);
    return {
      pod,
      container,
      table: (m[1] ?? m[2] ?? m[3])!,
      what: m[2] !== undefined ? 'relation' : 'table',
      line: lines[at]!.trim(),
      ...(migration ? { migration } : {}),
      killedBy: killed ? 'its liveness probe' : 'the kernel for memory (OOMKilled)',
      killLine:
        killed?.trim().replace(/\s{2,}/g, ' ') ??
        `container ${container}: Last State Terminated, Reason OOMKilled`,
      described: d,
    };
  }
  return undefined;
}

/**
 * A schema migration cut off part-way: the container was killed while its first start migrated the
 * database (its liveness probe, which gave the long migration too little time, or an OOM kill), so the
 * migration left objects created but was never recorded as done. Every later start runs it again and fails
 * on the leftover (`Table 'x' already exists`). The data is not corrupt; the leftover and the kill are.
 */
export const halfAppliedMigrationAnalyzer: Analyzer = {
  name: 'half-applied-migration',
  reads: () => [],
  finds(ctx): Finding[] {
    const h = halfApplied(ctx);
    if (!h) return [];
    const owner = ownerDeployment(h.described);
    const probe = /^\s+Liveness:\s+(.{1,200})$/m.exec(h.described)?.[1]?.trim();
    return [
      {
        weight: 89,
        object: podObject(owner, h.pod),
        cause: `an interrupted database migration: the container ${h.container} was killed by ${h.killedBy} during its first start while the migrations ran${probe ? ` (liveness: ${probe})` : ''}, so the migration${h.migration ? ` ${h.migration}` : ''} stopped part-way: it had created the ${h.what === 'table' ? 'table' : 'relation (a table, an index or a sequence)'} ${h.table} but was never recorded as done. Every later start runs that migration again and fails on the leftover ${h.what} ("${clip(h.line, 160)}"), so the container exits and restarts in a loop. The data is not corrupt; the half-applied migration is what fails`,
        evidence: [
          `logs of ${h.pod}: "${clip(h.line, 200)}"`,
          `describe_pod ${h.pod}: ${clip(h.killLine, 200)}`,
        ],
        advice: `drop the leftover ${h.what} ${h.table} (or restore the dump again) so the migration can run from the start, and give the first start the time its migrations need (a startupProbe, or a longer liveness delay) so the probe does not kill it again`,
        revisionSound: true,
      },
    ];
  },
};
