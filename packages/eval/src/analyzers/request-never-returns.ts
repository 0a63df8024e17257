import { type Analyzer, clip, cronRunOf, type Finding, outputs } from './types.js';

/** A progress line naming a request still in flight with no answer (`in flight: GET http://… (… no response yet)`). */
const IN_FLIGHT =
  /in[ -]flight:? (?:GET|POST|PUT|HEAD|PATCH|DELETE) (\S{1,300})[^\n]{0,200}?(?:no response|waiting for (?:a )?response|not returned)/i;

/**
 * A program stuck on one request that never returns: its log repeats that a request is still in
 * flight with no response, run after run of its progress report. A client without a timeout waits for
 * ever on a server that accepted the connection and never answers (Go's http.Client has no timeout
 * unless Timeout is set; net/http documents "a Timeout of zero means no timeout"), so the job never
 * ends, and a CronJob with concurrencyPolicy Forbid skips every later run while it runs.
 */
export const requestNeverReturnsAnalyzer: Analyzer = {
  name: 'request-never-returns',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = log.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 2000);
      const stuck = lines.filter((l) => IN_FLIGHT.test(l));
      if (stuck.length < 3) continue;
      const url = IN_FLIGHT.exec(stuck[stuck.length - 1]!)![1]!;
      if (!stuck.every((l) => IN_FLIGHT.exec(l)![1] === url)) continue;
      const pod = String(log.args['name'] ?? '');
      const go = lines.some((l) => /\bgo1\.\d{1,2}/.test(l));
      const cron = cronRunOf(pod)?.cronJob;
      const out: Finding = {
        weight: 90,
        object: cron ? `cronjob ${cron} (pod ${pod})` : `pod ${pod}`,
        cause: `${cron ? `the ${cron} run` : `pod ${pod}`} hangs on one request that never returns: its log repeats ${stuck.length} times that ${url} is still in flight with no response ("${clip(stuck[stuck.length - 1]!.trim(), 150)}"). The server accepted the connection and never answered, and the request was made without a timeout${go ? " (Go's http.Client waits for ever unless its Timeout is set)" : ''}, so the run never ends${cron ? `; while it runs, a CronJob with concurrencyPolicy Forbid skips every later run, so nothing new is produced` : ''}. The job did not fail and the consumers of its output are not at fault`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(stuck[stuck.length - 1]!.trim(), 160)}" (${stuck.length} times)`,
        ],
        advice: `give the client a timeout (per request, and for the whole run), so one unresponsive server (${url}) fails that fetch instead of the run; delete the stuck Job so the next scheduled run can start`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
