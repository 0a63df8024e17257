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

/** A runtime and its version where a task or a log names them (`PHP version, 8.3.14`, `PHP/8.3.14`, `Node.js v20.11.1`). */
const RUNTIME =
  /\b(PHP|Node(?:\.js)?|Python)(?: version)?(?:,|:)?[ /]v?(\d{1,2}(?:\.\d{1,2})(?:\.\d{1,3})?|\d{2}(?=\.\d{1,3}\.\d{1,3}\b))/i;

const canonical = (name: string) =>
  /^php$/i.test(name) ? 'PHP' : /^node/i.test(name) ? 'Node.js' : 'Python';

/** A runtime's release line from a full version: PHP's and Python's `8.3`, Node's major `20`. */
function lineOf(runtime: string, version: string): string {
  const parts = version.split('.');
  return runtime === 'Node.js' ? parts[0]! : parts.slice(0, 2).join('.');
}

/**
 * A healthy namespace and a person who asks about a notice that their runtime version is "only receiving
 * security fixes" or "will soon no longer be supported" (Joomla's and WordPress's PHP notices, a
 * framework's warning about Node.js or Python): which phase the release line is in and until when it gets
 * security fixes (see `PHASES`), so the notice reads as what it is, a reminder to plan an upgrade, not a
 * fault. The version is the one the task or a log read names. A note only, only where nothing fails.
 */
export const runtimeSupportPhaseAnalyzer: Analyzer = {
  name: 'runtime-support-phase',
  reads: () => [],
  finds: () => [],
  notes({ task, ns, seen }): string[] {
    const asked = task.slice(0, 4000);
    if (!SUPPORT_NOTICE.test(asked)) return [];
    const logs = quietLogs(seen, ns);
    if (!logs) return [];
    const sources = [asked, ...logs.map((o) => o.content.slice(-200_000))];
    for (const text of sources) {
      const m = RUNTIME.exec(text);
      if (!m) continue;
      const runtime = canonical(m[1]!);
      const line = lineOf(runtime, m[2]!);
      const phase = PHASES[runtime]?.[line];
      if (!phase) continue;
      const next = Object.keys(PHASES[runtime]!).find((v) => Number.parseFloat(v) > Number.parseFloat(line));
      return [
        `The notice is about ${runtime} ${line} (${m[2]} here), not about a fault: its project ended active support (bug fixes) on ${phase.active} and gives it security fixes only until its end of life on ${phase.eol}, so it is still supported and still gets security fixes until then. Nothing is broken and the site is not at risk today; plan the move to a newer ${runtime}${next ? ` (${runtime} ${next})` : ''} before ${phase.eol}, for instance with the next image that ships it`,
      ];
    }
    return [];
  },
};
