import { type Analyzer, clip, outputs } from './types.js';

/**
 * A line saying a component stopped something because it sat idle: JupyterHub's idle culler's
 * "Culling server for user ana (inactive for 01:04:12)", and the like ("reaping idle session …",
 * "stopping idle workspace … (idle for 45m)", "shutting down inactive kernel", an SSO portal's "Session
 * for user … was reset: inactivity period of 5m0s exceeded"). The thing stopped, and
 * how long it was idle when it was.
 */
const CULLED =
  /\b(?:cull(?:ing|ed)|reap(?:ing|ed)|stopp(?:ing|ed)|shutting down|shut down|evict(?:ing|ed)|hibernat(?:ing|ed)|was reset|expired|ended|logged out)\b[^\n]{0,120}?\b(?:idle|inactive|inactivity)\b/i;
/** A user or account that is inactive: disabled, not idle. */
const ACCOUNT_INACTIVE = /\b(?:account|user) (?:is )?(?:inactive|disabled)\b|\bdisabled in\b/i;
/** The idle timeout a component was started with: `--timeout=3600`, `idle_timeout: 30m`, `--cull-idle-timeout 600`. */
const IDLE_TIMEOUT =
  /(?:--(?:cull-)?(?:idle-)?timeout|idle[_-]?timeout|cull[_-]?idle[_-]?timeout|inactivity[_-]?timeout)['"]?\s{0,3}[=:]?\s{0,3}['"]?(\d{1,7})\s{0,2}(s|m|h|seconds?|minutes?|hours?)?\b/i;

/** The person's words for something that stopped on them. */
const STOPPED =
  /\b(?:dying|dies|died|die|stopp\w*|stops|killed|gone|disappear\w*|shut\w* down|restart\w*|lost|vanish\w*|terminat\w*|logged out|kicked out)\b/i;

function humanSeconds(n: number, unit: string | undefined): string {
  const u = (unit ?? 's').toLowerCase();
  const s = u.startsWith('h') ? n * 3600 : u.startsWith('m') ? n * 60 : n;
  if (s % 3600 === 0) return `${s / 3600} hour${s === 3600 ? '' : 's'}`;
  if (s % 60 === 0) return `${s / 60} minutes`;
  return `${s} seconds`;
}

/**
 * Servers, sessions or workspaces stopped by an idle culler that was configured to stop them: a log
 * that says, more than once, that it stops something idle or inactive (and, when it says so too, the
 * idle timeout it was started with). What the person sees as their work "dying" after a break is the
 * culler doing what it is set to do: expected, and nothing is broken. Said as a note; it is a finding
 * only where something else fails, and only when the person says something stopped or died on them.
 */
export const idleCullerAnalyzer: Analyzer = {
  name: 'idle-culler',
  reads: () => [],
  finds: () => [],
  notes({ seen, task }) {
    if (!STOPPED.test(task.slice(0, 4000))) return [];
    for (const o of outputs(seen, 'get_pod_logs')) {
      const lines = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000);
      // An account that is inactive (disabled in a directory) is not a session left idle.
      const culled = lines.filter((l) => CULLED.test(l) && !ACCOUNT_INACTIVE.test(l));
      if (culled.length < 2) continue;
      const started = lines.map((l) => ({ l, m: IDLE_TIMEOUT.exec(l) })).find((x) => x.m);
      const timeout = started?.m ? humanSeconds(Number(started.m[1]), started.m[2]) : undefined;
      const pod = String(o.args['name'] ?? '');
      const session = culled.some((l) => /\bsession/i.test(l));
      return [
        session
          ? `What ends them is the session's inactivity limit, as configured: ${pod}'s log shows sessions ended after a period without activity (${culled.length} times, e.g. "${clip(culled[0]!.trim(), 160)}"). A page that keeps open a stream or polls in the background without counting as activity loses its session when that period passes, and the next full page load shows the login: that is expected, by design, and nothing is broken; if people need longer, raise the inactivity period in the session settings (or make the page's requests count as activity) rather than fix anything.`
          : `What stops them is the idle culler, by design: ${pod}'s log shows it culling what sat idle (${culled.length} times, e.g. "${clip(culled[0]!.trim(), 140)}")${timeout ? `, as it was configured to: it stops anything inactive for longer than ${timeout} ("${clip(started!.l.trim(), 200)}")` : ''}. Nothing crashed and nothing is out of memory: servers left idle past the timeout are stopped and start again when their user comes back. That is expected and harmless; if people need longer breaks, raise the culler's idle timeout (or exempt their servers) rather than fix anything.`,
      ];
    }
    return [];
  },
};
