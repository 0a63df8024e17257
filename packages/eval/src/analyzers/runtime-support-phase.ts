import { quietLogs } from './app-errors.js';
import type { Analyzer } from './types.js';

/**
 * The support phases of language runtimes' release lines: the end of active support (bug fixes) and the
 * end of life (the last security fix), as the projects publish them: PHP from php.net "Supported
 * Versions" (two years of active support, then security fixes to the end of the fourth year's December),
 * Node.js from its release schedule (github.com/nodejs/Release), Python from the devguide's "Status of
 * Python versions". Dates are ISO days.
 */
const PHASES: Readonly<Record<string, Readonly<Record<string, { active: string; eol: string }>>>> = {
  PHP: {
    '8.1': { active: '2023-11-25', eol: '2025-12-31' },
    '8.2': { active: '2024-12-31', eol: '2026-12-31' },
    '8.3': { active: '2025-12-31', eol: '2027-12-31' },
    '8.4': { active: '2026-12-31', eol: '2028-12-31' },
    '8.5': { active: '2027-12-31', eol: '2029-12-31' },
  },
  'Node.js': {
    '18': { active: '2023-10-18', eol: '2025-04-30' },
    '20': { active: '2024-10-22', eol: '2026-04-30' },
    '22': { active: '2025-10-21', eol: '2027-04-30' },
    '24': { active: '2026-10-20', eol: '2028-04-30' },
  },
  Python: {
    '3.9': { active: '2022-05-17', eol: '2025-10-31' },
    '3.10': { active: '2023-04-05', eol: '2026-10-31' },
    '3.11': { active: '2024-04-02', eol: '2027-10-31' },
    '3.12': { active: '2025-04-08', eol: '2028-10-31' },
    '3.13': { active: '2026-10-01', eol: '2029-10-31' },
  },
};

/** A notice about a runtime's support phase, in a person's or a program's words. */
const SUPPORT_NOTICE =
  /\bonly receiving security fixes\b|\bsecurity fixes only\b|\bsecurity[- ]only\b|\bno longer (?:be )?supported\b|\bend[- ]of[- ]life\b|\bend of (?:active )?support\b|\bsoon (?:be )?unsupported\b/i;

/**
 * A runtime and, when given, its version where a task or a log names them (`PHP version, 8.3.14`,
 * `PHP/8.3.14`, `Node.js v20.11.1`, `Node.js 20`, `Python 3.11`).
 */
const RUNTIME = /\b(PHP|Node(?:\.js)?|Python)(?:(?: version)?(?:,|:)?[ /]v?(\d{1,2}(?:\.\d{1,2}){0,2})\b)?/gi;

const canonical = (name: string) =>
  /^php$/i.test(name) ? 'PHP' : /^node/i.test(name) ? 'Node.js' : 'Python';

/** A runtime's release line from a version: PHP's and Python's `8.3`, Node's major `20`; undefined when too short. */
function lineOf(runtime: string, version: string): string | undefined {
  const parts = version.split('.');
  if (runtime === 'Node.js') return parts[0];
  return parts.length >= 2 ? parts.slice(0, 2).join('.') : undefined;
}

/** Release lines compared as numbers part by part (`3.10` after `3.9`). */
function newer(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/**
 * The latest day the logs read are dated (ISO `2026-10-12`, the access log's `12/Oct/2026`, Apache's
 * `Mon Oct 12 08:51:03.021 2026`), as an ISO day: what "today" is for the cluster; undefined when no
 * line is dated.
 */
function latestDay(texts: readonly string[]): string | undefined {
  let latest: string | undefined;
  const keep = (y: string, m: number, d: string) => {
    const day = `${y}-${String(m).padStart(2, '0')}-${d.padStart(2, '0')}`;
    if (m >= 1 && m <= 12 && (!latest || day > latest)) latest = day;
  };
  for (const t of texts)
    for (const line of t.split('\n').slice(-5000)) {
      if (line.length > 4000) continue;
      const iso = /\b(20\d\d)-(\d\d)-(\d\d)\b/.exec(line);
      if (iso) keep(iso[1]!, Number(iso[2]), iso[3]!);
      const clf = /\b(\d{1,2})\/([A-Z][a-z]{2})\/(20\d\d)\b/.exec(line);
      if (clf) keep(clf[3]!, MONTHS.indexOf(clf[2]!) + 1, clf[1]!);
      const apache = /\b([A-Z][a-z]{2}) (\d{1,2}) [\d:.]{8,15} (20\d\d)\b/.exec(line);
      if (apache) keep(apache[3]!, MONTHS.indexOf(apache[1]!) + 1, apache[2]!);
    }
  return latest;
}

/**
 * A healthy namespace and a person who asks about a notice that their runtime version is "only receiving
 * security fixes" or "will soon no longer be supported" (Joomla's and WordPress's PHP notices, a
 * framework's warning about Node.js or Python): which phase the release line is in and until when it gets
 * security fixes (see `PHASES`), so the notice reads as what it is, a reminder to plan an upgrade, not a
 * fault. The runtime is the one the task names nearest the notice; its version the task's, else the one a
 * log read gives for that same runtime. Past the line's end of life by the logs' own dates, the note says
 * so instead. A note only, only where nothing fails.
 */
export const runtimeSupportPhaseAnalyzer: Analyzer = {
  name: 'runtime-support-phase',
  reads: () => [],
  finds: () => [],
  notes({ task, ns, seen }): string[] {
    const asked = task.slice(0, 4000);
    const notice = SUPPORT_NOTICE.exec(asked);
    if (!notice) return [];
    const logs = quietLogs(seen, ns);
    if (!logs) return [];
    // The runtime the notice is about: the one the task names nearest to it.
    const named = [...asked.matchAll(RUNTIME)].sort(
      (a, b) => Math.abs(a.index - notice.index) - Math.abs(b.index - notice.index),
    )[0];
    if (!named) return [];
    const runtime = canonical(named[1]!);
    const texts = logs.map((o) => o.content.slice(-200_000));
    const version =
      named[2] ??
      texts.flatMap((t) => [...t.matchAll(RUNTIME)]).find((m) => m[2] && canonical(m[1]!) === runtime)?.[2];
    const line = version ? lineOf(runtime, version) : undefined;
    const phase = line ? PHASES[runtime]?.[line] : undefined;
    if (!line || !phase) return [];
    const next = Object.keys(PHASES[runtime]!).find((v) => newer(v, line));
    const today = latestDay(texts);
    if (today && today > phase.eol)
      return [
        `The notice is right: ${runtime} ${line} (${version} here) reached its end of life on ${phase.eol}, and the logs are dated as late as ${today}, so it gets no security fixes any more. Nothing fails now, but it is a risk to plan for: move to a supported ${runtime}${next ? ` (${runtime} ${next} or later)` : ''}, for instance with an image that ships it`,
      ];
    return [
      `The notice is about ${runtime} ${line} (${version} here), not about a fault: its project ended active support (bug fixes) on ${phase.active} and gives it security fixes only until its end of life on ${phase.eol}; until that date it is still supported and still gets security fixes. Nothing is broken; plan the move to a newer ${runtime}${next ? ` (${runtime} ${next})` : ''} before ${phase.eol}, for instance with the next image that ships it`,
    ];
  },
};
