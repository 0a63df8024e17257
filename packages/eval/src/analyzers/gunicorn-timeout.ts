import { slowestRequest } from './probes.js';
import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  loggedLines,
  outputs,
  ownerDeployment,
} from './types.js';

/** Gunicorn's arbiter on a worker it killed: `[CRITICAL] WORKER TIMEOUT (pid:9)`. */
const WORKER_TIMEOUT = /\bWORKER TIMEOUT \(pid:\d{1,9}\)/;
const ENV = /^\s{4,}GUNICORN_CMD_ARGS:\s+(.{0,1000})$/m;

/**
 * Gunicorn killing workers whose request outlasts its timeout (30 s by default; docs.gunicorn.org,
 * "Settings": timeout): long requests fail with the worker, though the program is fine. When the
 * timeout is not set on the command line (which would win), the fix adds `--timeout` to
 * GUNICORN_CMD_ARGS, which Gunicorn reads at start (an approved `set_env`): twice the slowest request
 * the access log shows, at least 120 s.
 */
export const gunicornTimeoutAnalyzer: Analyzer = {
  name: 'gunicorn-timeout',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    for (const { log: o, line } of loggedLines(seen, ns, (l) => l.length <= 2000 && WORKER_TIMEOUT.test(l))) {
      const text = o.content.slice(-200_000);
      const pod = String(o.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!d) continue;
      const c = containerSections(d.content).find(
        (s) =>
          !s.init && /gunicorn/i.test(s.body) && (!o.args['container'] || s.name === o.args['container']),
      );
      if (!c) continue;
      const commandLine = c.body
        .split('\n')
        .filter(
          (l) =>
            /^\s{4,}(?:Command|Args):|^\s{6,}\S/.test(l) &&
            !/:\s{2,}/.test(l.replace(/^\s{4,}(?:Command|Args):/, '')),
        )
        .join(' ');
      const env = ENV.exec(c.body)?.[1]?.trim() ?? '';
      // A timeout already given on the command line or in the variable: raising it is a decision about
      // the program, not a default to lift.
      if (/--timeout\b|(?:^|\s)-t\s/.test(commandLine) || /--timeout\b|(?:^|\s)-t\s/.test(env)) continue;
      const slowest = slowestRequest(text);
      const timeout = Math.max(120, slowest !== undefined ? Math.ceil(slowest * 2) : 0);
      const owner = ownerDeployment(d.content);
      const out: Finding = {
        weight: 88,
        object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
        cause: `Gunicorn kills the workers of ${owner ?? pod} whose request outlasts its worker timeout ("${clip(line.trim(), 120)}"): no --timeout is set (neither on the command line nor in GUNICORN_CMD_ARGS${env ? ` "${clip(env, 80)}"` : ''}), so the default of 30 seconds applies${slowest !== undefined && slowest >= 25 ? `, and the access log shows requests taking up to ${slowest} s` : ''}; long requests die with their worker though the program is fine`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(line.trim(), 140)}"`,
          `describe_pod ${pod}: GUNICORN_CMD_ARGS: ${env || '<not set>'}`,
        ],
        advice: `raise Gunicorn's worker timeout for ${owner ?? pod} (--timeout ${timeout} in GUNICORN_CMD_ARGS), or move long work out of the request (a job queue)`,
        ...envFix(
          ns,
          owner,
          c.name,
          [{ name: 'GUNICORN_CMD_ARGS', value: `${env ? `${env} ` : ''}--timeout ${timeout}` }],
          `add --timeout ${timeout} to GUNICORN_CMD_ARGS of ${owner}/${c.name}, so workers may take longer than the default 30 seconds`,
        ),
      };
      return [out];
    }
    return [];
  },
};
