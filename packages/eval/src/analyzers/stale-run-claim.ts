import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, cronRunOf, type Finding, outputs, tableOf } from './types.js';

/**
 * A run skipping work because another run holds it: "state is 'working' since … (set by run X) …; another run
 * holds it, skipping", "locked by job X since …, skipped". Bounded: each gap at most 160 characters.
 */
const SKIPPED_HELD =
  /\b(?:another (?:run|process|instance|job)|held by|locked by|is (?:locked|held))\b[^\n]{0,160}?\b(?:skipp(?:ing|ed)|exiting without|exits without|giving up|not starting)\b|\bskipp(?:ing|ed)\b[^\n]{0,160}?\b(?:held by|locked by|still running|in progress)\b/i;
/** Who set the claim: `set by run shop-indexer-29540345`, `held by job …`, `locked by pod …`. */
const HOLDER =
  /\b(?:set|held|locked|owned|taken) by (?:run|job|pod|process|worker|instance)?\s?([a-z0-9][a-z0-9.-]{2,100}[a-z0-9])\b/i;
/** What was left claimed: the quoted state or the view/index/lock the line names. */
const WHAT = /\b(?:view|index|indexer|lock|lease|job|task|table|partition|queue)\s["'`]?([\w.:-]{1,80})/gi;
/**
 * A run skipping work whose own state still says running: "Skipping task x: state is Running since …, not
 * finished". Bounded: each gap at most 160 characters.
 */
const SKIPPED_RUNNING =
  /\bskipp(?:ing|ed)\b[^\n]{0,160}?\b(?:state|status)(?: is)? ["'`]?running["'`]? since\b|\b(?:state|status)(?: is)? ["'`]?running["'`]? since\b[^\n]{0,160}?\bskipp(?:ing|ed)\b/i;
/** The Job conditions of a run the Job controller ended before it finished (Kubernetes' Job reasons). */
const JOB_KILLED = /^(?:DeadlineExceeded|BackoffLimitExceeded)$/;
/** What a skip line names first: `Skipping task x`, `Skipping the job x`, `Skipping x:`. */
const SKIPPED_NAME = /\bskipp(?:ing|ed)\s(?:(?:the\s)?(?:task|job|action)\s)?["'`]?([A-Za-z][\w.:-]{0,79})/i;
/** Words a skip line uses that name no task. */
const NOT_A_TASK = /^(?:the|a|an|this|that|it|task|job|action|state|status|run|is|because|since|as)$/i;
/** A CronJob's Job: `<cronjob>-<scheduled time in minutes since the epoch>` (as `cronRunOf` reads a pod's). */
const CRON_JOB = /^(.{1,52})-(\d{8,10})$/;
/** A pod still at work (a retry of the same run): the claim may be its. */
const AT_WORK = /^(?:Running|Pending|ContainerCreating|PodInitializing|Init:)/;
/** A run's pod that ended without finishing: killed for memory, failed. */
const ENDED_BADLY = /^(?:OOMKilled|Error|Failed|DeadlineExceeded|Evicted)$/;

/**
 * A claim left by a run that was killed. Jobs that mark what they work on (a view's state set to
 * "working", a lock row, a lease) before they start and clear the mark when they finish leave it set
 * when they are killed mid-run (OOM-killed, evicted, deadline): every later run sees the mark, takes it
 * for a run still going and skips the work, so the runs look green while that part never updates. Found
 * from a log line saying the work is skipped because another run holds it, naming the run that set the
 * mark, and that run's pod in a pod list read ending OOMKilled, Error, Failed or Evicted. The mark must be
 * cleared by hand (the tool's reset or unlock command) and the run given what it needs to finish.
 */
export const staleRunClaimAnalyzer: Analyzer = {
  name: 'stale-run-claim',
  reads: () => [],
  finds({ seen }): Finding[] {
    const rows = tableOf(seen, 'list_pods');
    for (const o of outputs(seen, 'get_pod_logs')) {
      // The newest skip line whose holder ended badly (an older one may name a run that went on).
      const candidates = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000 && SKIPPED_HELD.test(l) && HOLDER.test(l))
        .reverse();
      let found: { line: string; holder: string; dead: Record<string, string> } | undefined;
      for (const line of candidates) {
        const holder = HOLDER.exec(line)![1]!;
        // The pods of that one run (`<run>-<x>`): a holder that names only a CronJob names no run.
        const ofRun = rows.filter((r) => {
          const name = r['NAME'] ?? '';
          return name.startsWith(`${holder}-`) && /^[a-z0-9]{1,10}$/.test(name.slice(holder.length + 1));
        });
        const dead = ofRun.find((r) => ENDED_BADLY.test(r['STATUS'] ?? ''));
        // A retry of the same run still at work may hold the claim itself.
        if (!dead || ofRun.some((r) => AT_WORK.test(r['STATUS'] ?? ''))) continue;
        found = { line, holder, dead };
        break;
      }
      if (!found) {
        const killed = killedRun(
          seen,
          String(o.args['name'] ?? ''),
          String(o.args['namespace'] ?? ''),
          o.content,
        );
        if (killed) return [killed];
        continue;
      }
      const { line, holder, dead } = found;
      // What was claimed: the first thing the line names that is not the holding run itself.
      const what = [...line.matchAll(WHAT)]
        .map((m) => m[1]!.replace(/[:.-]+$/, ''))
        .find((w) => w !== holder && !w.startsWith(`${holder}`));
      const pod = String(o.args['name'] ?? '');
      return [
        {
          // Above the killed run's own OOM finding (90, with the task's hint 95): it says what the kill left.
          weight: 97,
          object: what ? `${what} (claimed by ${holder})` : `the claim of ${holder}`,
          cause: `${what ? `${what} is` : 'the work is'} stuck: run ${holder} marked it as being worked on and was killed before it finished (its pod ${dead['NAME']} ended ${dead['STATUS']}), so the mark was never cleared, and every later run takes it for a run still going and skips it ("${clip(line.trim(), 240)}", ${pod}). The runs look green, but ${what ?? 'that work'} has not been updated since`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(line.trim(), 240)}"`,
            `list_pods: ${dead['NAME']} ${dead['STATUS']}`,
          ],
          advice: `clear the stale mark on ${what ?? 'the work'} (the tool's own reset or unlock command for it) so the next run processes it, and give the run what it was killed for lacking (memory, time) so it can finish the backlog`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};

/**
 * The second form of a claim left by a killed run, read from a CronJob run's own log: the newest line
 * that skips a task whose state still says running since some time, and a Warning event that the Job
 * controller ended another run of the same CronJob before it finished (DeadlineExceeded: the Job's
 * activeDeadlineSeconds passed; BackoffLimitExceeded). The killed run had set the state and never reset it.
 */
function killedRun(
  seen: Parameters<typeof outputs>[0],
  pod: string,
  ns: string,
  content: string,
): Finding | undefined {
  const run = cronRunOf(pod);
  if (!run) return undefined;
  const line = content
    .slice(-200_000)
    .split('\n')
    .filter((l) => l.length <= 4000 && SKIPPED_RUNNING.test(l))
    .pop();
  if (!line) return undefined;
  // A run of the same CronJob, in the same namespace, scheduled before the run that skips: only an earlier
  // run can have left the state this one meets.
  const event = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns)
    .flatMap((o) => parseTable(o.content))
    .find((r) => {
      const [kind, name] = (r['OBJECT'] ?? '').split('/');
      const job = name === undefined ? undefined : CRON_JOB.exec(name);
      return (
        r['TYPE'] === 'Warning' &&
        JOB_KILLED.test(r['REASON'] ?? '') &&
        /^job$/i.test(kind ?? '') &&
        job?.[1] === run.cronJob &&
        Number(job[2]) < run.minute
      );
    });
  if (!event) return undefined;
  const job = (event['OBJECT'] ?? '').split('/')[1]!;
  // The task the line skips ("Skipping task x", "Skipping x:"), else the first thing it names.
  const what = [SKIPPED_NAME.exec(line)?.[1], ...[...line.matchAll(WHAT)].map((m) => m[1])]
    .map((w) => w?.replace(/[:.,;)-]+$/, ''))
    .find((w) => w && !NOT_A_TASK.test(w));
  const since = /running["'`]? since ([^,;\n]{1,40})/i.exec(line)?.[1]?.trim();
  const said = `"${clip(line.trim(), 240)}"`;
  const killed = `${event['REASON']} on job ${job}${event['LAST SEEN'] ? ` ${event['LAST SEEN']} ago` : ''}: "${clip(event['MESSAGE'] ?? '', 120)}"`;
  return {
    weight: 97,
    object: `${what ?? 'the task'} (state left running by job ${job})`,
    cause: `${what ? `${what} is` : 'the task is'} stuck: its state says running${since ? ` since ${since}` : ''}, though no run is working on it; run ${job} of CronJob ${run.cronJob} was killed before it finished (${killed}), so the state it had set was never reset, and every later run takes the task for one still going and skips it (${said}, ${pod}). The CronJob's runs complete, but ${what ?? 'that task'} has not run since`,
    evidence: [`get_pod_logs ${pod}: ${said}`, `get_events: ${killed}`],
    advice: `reset ${what ?? 'the task'}'s state (the program's own unlock or reset for it, or mark it finished), so the next run starts it again, and give the runs the time they need (activeDeadlineSeconds) so a kill does not leave it set again`,
    revisionSound: true,
  };
}
