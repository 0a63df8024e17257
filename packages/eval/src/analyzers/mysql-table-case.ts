import { escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  loggedLines,
  outputs,
  type Read,
} from './types.js';

/** MySQL's ER_NO_SUCH_TABLE (1146): `Table 'cms.Migrations' doesn't exist`. */
const NO_SUCH_TABLE = /Table '([A-Za-z0-9_$]{1,64})\.([A-Za-z0-9_$]{1,64})' doesn't exist/;
/** The server saying its table names are case-sensitive. */
const CASE_SENSITIVE = /lower_case_table_names\s?=\s?0\b/;

interface Missing {
  readonly pod: string;
  readonly line: string;
  readonly table: string;
}

/** A program's log line saying a table whose name has capitals does not exist. */
function missing({ seen, ns }: AnalyzerContext): Missing | undefined {
  for (const { log, line } of loggedLines(seen, ns, (l) => l.length <= 2000 && NO_SUCH_TABLE.test(l))) {
    const table = NO_SUCH_TABLE.exec(line)![2]!;
    if (table !== table.toLowerCase())
      return { pod: String(log.args['name'] ?? ''), line: line.trim(), table };
  }
  return undefined;
}

/** The pods a program's *_HOST variables name (`DB_HOST: cms-mysql` → cms-mysql-…). */
function databasePods(ctx: AnalyzerContext, pod: string): string[] {
  const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
  const hosts = [
    ...(d?.content ?? '').matchAll(
      /^\s{4,}[A-Z0-9_]{0,40}HOST[A-Z0-9_]{0,20}:\s+([a-z0-9][a-z0-9-]{0,62})/gm,
    ),
  ].map((m) => m[1]!);
  const rows = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).flatMap((o) =>
    parseTable(o.content).map((r) => r['NAME'] ?? ''),
  );
  return rows.filter((n) => hosts.some((h) => n.startsWith(`${h}-`)));
}

/**
 * A table MySQL says does not exist because its name differs in case: on Linux, with
 * lower_case_table_names=0 (the default there), table names are case-sensitive, while a database
 * created on Windows (lower_case_table_names=1) stored them in lower case, so code asking for
 * `Migrations` after such an import meets only `migrations` (dev.mysql.com, "Identifier Case
 * Sensitivity"; the setting can only be chosen when the server's data directory is initialized).
 * Found from the program's ER_NO_SUCH_TABLE line and the database server's own log, which the rule
 * reads (the pod its *_HOST variable names).
 */
export const mysqlTableCaseAnalyzer: Analyzer = {
  name: 'mysql-table-case',
  reads(ctx) {
    const m = missing(ctx);
    if (!m) return [];
    return databasePods(ctx, m.pod)
      .slice(0, 1)
      .map((name): Read => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx) {
    const m = missing(ctx);
    if (!m) return [];
    const lower = m.table.toLowerCase();
    const server = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] !== m.pod)
      .flatMap((o) => o.content.slice(-100_000).split('\n'))
      .filter((l) => l.length <= 2000);
    const sensitive = server.find((l) => CASE_SENSITIVE.test(l));
    const listed = server.find(
      (l) =>
        new RegExp(`(?<![A-Za-z0-9_$])${escapeRe(lower)}(?![A-Za-z0-9_$])`).test(l) && !l.includes(m.table),
    );
    if (!sensitive && !listed) return [];
    const out: Finding = {
      weight: 90,
      object: `pod ${m.pod}`,
      cause: `MySQL compares table names case-sensitively here and the table is named in another case: the program asks for \`${m.table}\` ("${clip(m.line, 150)}"), while the database holds \`${lower}\`${listed ? ` ("${clip(listed.trim(), 120)}")` : ''}${sensitive ? `, and the server runs with lower_case_table_names=0 ("${clip(sensitive.trim(), 110)}")` : ''}. A database created on Windows (lower_case_table_names=1) stores table names in lower case, and on Linux (0, case-sensitive) the code's \`${m.table}\` no longer matches; the data is there`,
      evidence: [
        `get_pod_logs ${m.pod}: "${clip(m.line, 150)}"`,
        ...[sensitive, listed]
          .filter((l): l is string => !!l)
          .map((l) => `database log: "${clip(l.trim(), 140)}"`),
      ],
      advice: `make the names agree: rename the table to \`${m.table}\` (RENAME TABLE ${lower} TO ${m.table}) or have the code use \`${lower}\`; lower_case_table_names can only be set when the server's data directory is initialized`,
    };
    return [out];
  },
};
