import { loggedContainerEnv } from './env-values.js';
import { type Analyzer, clip, envFix, type Finding, outputs, textOf } from './types.js';

/**
 * PostgreSQL extensions often asked for by another name than the one `CREATE EXTENSION` takes, from each
 * project's install instructions: pgvector installs `vector` (its README: `CREATE EXTENSION vector;`),
 * TimescaleDB `timescaledb`, the uuid-ossp contrib module `"uuid-ossp"` (a hyphen), pg_stat_statements
 * with its final s (the PostgreSQL documentation, Appendix F).
 */
const REAL_NAME: Readonly<Record<string, string>> = {
  pgvector: 'vector',
  pg_vector: 'vector',
  timescale: 'timescaledb',
  uuid_ossp: 'uuid-ossp',
  pg_stat_statement: 'pg_stat_statements',
};

/**
 * PostgreSQL's refusal of an extension it has no control file for (`extension "pgvector" is not
 * available`, `could not open extension control file ".../pgvector.control"`): the name in group 1 or 2.
 */
const NOT_AVAILABLE =
  /extension "([a-z0-9_-]{1,63})" is not available|could not open extension control file "[^"\n]{0,200}\/([a-z0-9_-]{1,63})\.control"/i;

/**
 * A program that asks PostgreSQL for an extension by a name the extension does not install under
 * (`CREATE EXTENSION pgvector`, where pgvector's name is `vector`): the server has no control file by that
 * name, so it answers that the extension is not available, though the extension is there under its own
 * name. When one variable of the failing container lists the wrong name, the fix sets it to the real one.
 */
export const extensionNameAnalyzer: Analyzer = {
  name: 'extension-name',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const line = log.content
        .slice(-100_000)
        .split('\n')
        .find((l) => l.length <= 4000 && NOT_AVAILABLE.test(l));
      if (!line) continue;
      const m = NOT_AVAILABLE.exec(line)!;
      const asked = (m[1] ?? m[2])!.toLowerCase();
      const real = REAL_NAME[asked];
      if (!real) continue;
      // The variable whose list names the wrong extension (`DB_EXTENSIONS=pg_trgm,pgvector`).
      const items = (v: string) => v.split(/[,\s;]+/).map((x) => x.trim().replace(/^["']|["']$/g, ''));
      // A variable that lists extensions: named so (`DB_EXTENSIONS`), or a list holding the name; a
      // single value of another variable (`DB_HOST=pgvector`, a Service named after its image) is not one.
      const lists = (e: { name: string; value: string }) => /EXT/i.test(e.name) || items(e.value).length > 1;
      const hit = loggedContainerEnv(
        seen,
        ns,
        log,
        (e) => e.value.length <= 1000 && items(e.value).includes(asked) && lists(e),
      );
      const pod = String(log.args['name'] ?? '');
      // The database already serving the extension under its real name, when a read log shows it.
      const created = new RegExp(`CREATE EXTENSION (?:IF NOT EXISTS )?"?${real}"?(?![\\w-])`, 'i');
      const works = textOf(seen, 'get_pod_logs')
        .split('\n')
        .find((l) => l.length <= 2000 && created.test(l));
      const fixed = hit
        ? hit.value
            .split(/([,\s;]+)/)
            .map((x) => (x.trim().replace(/^["']|["']$/g, '') === asked ? real : x))
            .join('')
        : undefined;
      const out: Finding = {
        weight: 90,
        object: hit?.owner ? `deployment ${hit.owner} (pod ${pod})` : `pod ${pod}`,
        cause: `the program asks PostgreSQL for the extension "${asked}", but that extension is named ${real} (CREATE EXTENSION ${real}): the server has no control file called ${asked}, so it answers "${clip(line.trim(), 160)}", though the extension is installed under its own name${works ? ` (the database log shows it created as ${real}: "${clip(works.trim(), 120)}")` : ''}${hit ? `. The name comes from ${hit.variable}=${hit.value}` : ''}; the database image is not at fault`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(line.trim(), 200)}"`,
          ...(hit ? [`describe_pod ${pod}: ${hit.variable}: ${hit.value}`] : []),
          ...(works ? [`database log: "${clip(works.trim(), 160)}"`] : []),
        ],
        advice: hit
          ? `set ${hit.variable} to ${fixed} (the extension's name is ${real}); the pods then create it on start`
          : `ask for the extension by its name, ${real} (CREATE EXTENSION ${real}), where the program names ${asked}`,
        revisionSound: true,
        ...(hit && fixed
          ? envFix(
              ns,
              hit.owner,
              hit.container,
              [{ name: hit.variable, value: fixed }],
              `set ${hit.variable} of ${hit.owner}/${hit.container} to ${fixed}, the extension's real name`,
            )
          : {}),
      };
      return [out];
    }
    return [];
  },
};
