import { envOf } from './env-values.js';
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
 * A database's refusal of a statement it cannot parse, with the text where parsing stopped in group 1 or
 * 2: PostgreSQL's `syntax error at or near "1904"`, MySQL's and MariaDB's `You have an error in your SQL
 * syntax; … near '1904!aud' WHERE …`, SQLite's `near "1904": syntax error`, SQL Server's `Incorrect syntax near
 * '1904'`.
 */
const SYNTAX_ERROR =
  /\bsyntax error at or near "([^"\n]{1,80})"|\berror in your SQL syntax\b[^\n]{0,200}? near '([^\n]{1,80})|\bnear "([^"\n]{1,80})": syntax error\b|\bIncorrect syntax near '([^'\n]{1,80})'/di;

/** PostgreSQL's echo of the statement (`LINE 1: ...E res_users SET password='Ledger'1904!aud' WHE...`). */
const ECHO = /^\s{0,20}LINE \d{1,6}: (.{1,300})$/;

interface Broken {
  readonly pod: string;
  readonly container: string;
  readonly variable: string;
  readonly line: string;
  readonly statement?: string;
}

/**
 * The variable whose literal value holds a single quote at the point where the database stopped
 * parsing: the text after one of its quotes starts where the refusal says ("1904" for `Ledger'1904!aud`).
 */
function quoted(value: string, near: string): boolean {
  // Up to the next quote: MySQL quotes the rest of the statement from there (`near 'Brien' WHERE …'`).
  const head = near.split("'")[0]!.slice(0, 6);
  if (head.length < 2) return false;
  for (let i = value.indexOf("'"); i >= 0 && i < value.length - 1; i = value.indexOf("'", i + 1))
    if (value.slice(i + 1).startsWith(head)) return true;
  return false;
}

function broken(ctx: AnalyzerContext): Broken | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const lines = boundedLogLines(o.content, 2000);
    const at = lines.findIndex((l) => l.length <= 4000 && SYNTAX_ERROR.test(l));
    if (at < 0) continue;
    const m = SYNTAX_ERROR.exec(lines[at]!)!;
    const near = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
    // The refusal up to where it quotes the statement: what follows is the value's remainder (a password).
    const group = [1, 2, 3, 4].find((k) => m[k] !== undefined) ?? 1;
    const start = m.indices?.[group]?.[0] ?? m.index;
    const said = `${lines[at]!.slice(0, start).trim()}…`;
    const pod = String(o.args['name'] ?? '');
    const d = outputs(
      ctx.seen,
      'describe_pod',
      (x) => x.args['namespace'] === ctx.ns && x.args['name'] === pod,
    ).pop();
    if (!d) continue;
    const asked = o.args['container'];
    for (const c of containerSections(d.content)) {
      if (typeof asked === 'string' && c.name !== asked) continue;
      const v = envOf(c.body).find((e) => e.value.includes("'") && quoted(e.value, near));
      if (!v) continue;
      const echo = lines
        .slice(at + 1, at + 3)
        .map((l) => ECHO.exec(l)?.[1])
        .find(Boolean);
      // The echoed statement up to its first quote: the value after it may be a password.
      const cut = echo?.indexOf("'") ?? -1;
      return {
        pod,
        container: c.name,
        variable: v.name,
        line: said,
        ...(echo && cut > 0 ? { statement: `${echo.slice(0, cut + 1).trim()}…` } : {}),
      };
    }
  }
  return undefined;
}

/**
 * A value with a single quote (a password, a display name) that a program writes into an SQL statement
 * without escaping it: the quote ends the SQL string early and the database refuses the statement as a
 * syntax error where the value goes on. The value is not wrong for what it is; the program does not quote
 * it. Such setup steps run at every start, so the container exits each time.
 */
export const quoteInSqlAnalyzer: Analyzer = {
  name: 'quote-in-sql',
  reads: () => [],
  finds(ctx): Finding[] {
    const b = broken(ctx);
    if (!b) return [];
    const d = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === b.pod).pop();
    const owner = d ? ownerDeployment(d.content) : undefined;
    return [
      {
        weight: 86,
        object: podObject(owner, b.pod),
        cause: `the value of the environment variable ${b.variable} (container ${b.container}) contains a single quote (an apostrophe), and the program puts that value into an SQL statement without escaping it: the quote ends the SQL string early, so the database rejects the statement ("${clip(b.line, 140)}")${b.statement ? ` in ${clip(b.statement, 120)}` : ''} and the container exits on every start; a value without a single quote (or the Secret it was read from before) lets it start, and the program's SQL is what should escape it`,
        evidence: [
          `logs of ${b.pod}: "${clip(b.line, 200)}"`,
          ...(b.statement ? [`logs of ${b.pod}: "LINE …: ${clip(b.statement, 160)}"`] : []),
          `describe_pod ${b.pod}: ${b.variable} is set to a literal value with a single quote where the statement failed`,
        ],
      },
    ];
  },
};
