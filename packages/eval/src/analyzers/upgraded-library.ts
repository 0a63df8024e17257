import { escapeRe } from '../baseline/reading.js';
import { errorLines } from './app-errors.js';
import { latestRevision } from './rollout-diff.js';
import { type Analyzer, type AnalyzerContext, clip, outputs, ownerName } from './types.js';

/**
 * A dependency's version change as release notes and change causes write it: `couchbase 3.2.4 ->
 * 4.0.0`, `pg 8.7.1 → 8.11.0`, `requests 2.31 to 2.32.3`. Group 1 the library, 2 the version before,
 * 3 the version after. Every part is bounded, so matching is linear.
 */
const BUMP =
  /(?<![\w@/.-])(@?[a-z][\w.@/-]{0,60}) v?(\d{1,4}(?:\.\d{1,6}){0,3}(?:-[\w.]{1,20})?) ?(?:->|→|=>| to ) ?v?(\d{1,4}(?:\.\d{1,6}){0,3}(?:-[\w.]{1,20})?)(?![\w.])/gi;
/** Dependabot's and Renovate's wording: `Bump couchbase from 3.2.4 to 4.0.0`, `update pg from 8.7 to 8.11`. */
const FROM_TO =
  /\b(?:bump|bumps|bumped|update|updates|updated|upgrade|upgrades|upgraded)\s(@?[a-z][\w.@/-]{0,60}) from v?(\d{1,4}(?:\.\d{1,6}){0,3}(?:-[\w.]{1,20})?) to v?(\d{1,4}(?:\.\d{1,6}){0,3}(?:-[\w.]{1,20})?)(?![\w.])/gi;
/** Words that stand before two versions without naming a library (`release 2.7 -> 2.8`, `from 1 to 2`). */
const NOT_A_LIBRARY = new Set([
  'from',
  'to',
  'version',
  'release',
  'revision',
  'v',
  'image',
  'tag',
  'chart',
  'app',
]);
/**
 * A stack frame, as runtimes print them: Node's and Java's `at …`, Python's `File "…", line N`, Ruby's
 * `…:N:in`, and any `file.ext:line` of a source file; an INFO line that names a path is not one.
 */
const FRAME =
  /^\s{0,12}at\s|^\s{0,12}File "|:\d{1,6}:in\s|\.(?:js|mjs|cjs|ts|py|rb|go|php|java|kt):\d{1,6}\b/;

/** How much of a log is read, and how long a line may be. */
const TAIL = 200_000;
const MAX_LINE = 2_000;

/** The libraries a change cause says were moved to another version. At most four. */
export function libraryBumps(cause: string): { library: string; before: string; after: string }[] {
  const out: { library: string; before: string; after: string }[] = [];
  const text = cause.slice(0, 600);
  for (const m of [...text.matchAll(FROM_TO), ...text.matchAll(BUMP)]) {
    if (out.length >= 4) break;
    if (m[2] === m[3] || NOT_A_LIBRARY.has(m[1]!.toLowerCase())) continue;
    if (out.some((b) => b.library === m[1])) continue;
    out.push({ library: m[1]!, before: m[2]!, after: m[3]! });
  }
  return out;
}

/**
 * A path inside the library's installed code: Node's `node_modules/<lib>/`, Python's
 * `site-packages/<lib>/`, Ruby's `gems/<lib>-<version>`, Go's and PHP's `vendor/…/<lib>/`.
 */
function insideLibrary(line: string, library: string): boolean {
  const lib = library.toLowerCase();
  const l = line.toLowerCase();
  return (
    l.includes(`node_modules/${lib}/`) ||
    l.includes(`site-packages/${lib}/`) ||
    new RegExp(`/gems/${escapeRe(lib)}-\\d`).test(l) ||
    (l.includes('vendor/') && l.includes(`/${lib}/`))
  );
}

/**
 * A release that upgraded a library the failures come from. When the latest rollout of the Deployment
 * of a pod whose log holds failure lines has a change cause that moves a library to another version
 * (`couchbase 3.2.4 -> 4.0.0`, `Bump couchbase from 3.2.4 to 4.0.0`, see `libraryBumps`), and a line of
 * that log is a stack frame (see `FRAME`) inside that
 * library's installed code (`node_modules/couchbase/dist/connection.js`), the answer says so: the
 * upgraded library (the SDK the program calls) is what fails, whatever the service behind it does,
 * and going back to the previous revision (or the previous version of the library) is the way back.
 * Notes only.
 */
export const upgradedLibraryAnalyzer: Analyzer = {
  name: 'upgraded-library',
  reads: () => [],
  finds: () => [],
  notes(ctx: AnalyzerContext): string[] {
    const said = new Set<string>();
    const out: string[] = [];
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      const log = o.content.slice(-TAIL);
      if (errorLines(log).length === 0) continue;
      const deployment = ownerName(String(o.args['name']));
      const cause = latestRevision(ctx, deployment)?.cause;
      if (!cause) continue;
      const lines = log.split('\n').filter((l) => l.length <= MAX_LINE);
      for (const b of libraryBumps(cause)) {
        const frame = lines.find((l) => FRAME.test(l) && insideLibrary(l, b.library));
        if (!frame || said.has(`${deployment}/${b.library}`)) continue;
        said.add(`${deployment}/${b.library}`);
        const major = b.before.split('.')[0] !== b.after.split('.')[0];
        out.push(
          `The latest rollout of deployment ${deployment} ("${clip(cause, 120)}") upgraded the ${b.library} library (the SDK the program calls it through) from ${b.before} to ${b.after}${major ? ', a new major version' : ''}, and the failures are raised inside that library ("${clip(frame.trim(), 140)}"): the upgrade is what fails, not the service behind it. Roll back to the previous revision (or pin ${b.library} ${b.before}), and read the library's notes on ${b.after} before upgrading again.`,
        );
      }
    }
    return out;
  },
};
