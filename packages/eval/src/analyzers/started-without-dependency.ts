import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { errorLines, warningLines } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  CUT_NOTICE,
  clip,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  podDeployment,
  podListOf,
  type Read,
  serviceHost,
} from './types.js';

/** The words a search for a program's start-up failures asks for (literal alternatives, any case). */
const START_FAILURES = 'ERROR|FATAL|SEVERE|Exception|unreachable|refused|could not';
/** A Service's cluster DNS name in a line (`lineage-scylla-client.scylla.svc`), bounded labels. */
const SERVICE_DNS = /(?<![\w.-])([a-z0-9][a-z0-9-]{0,62}\.[a-z0-9][a-z0-9-]{0,62}\.svc)(?![\w-])/;
/** What a failed attempt to reach a server says. */
const UNREACHED =
  /\b(?:error connecting|unreachable|connection refused|could not connect|can't connect|cannot connect|failed to connect|timed out|no route to host)\b/i;
/** A part the program gave up on at start: "could not be instantiated and will not be available". */
const GAVE_UP =
  /\bcould not be (?:instantiated|initiali[sz]ed|opened|loaded|started)\b|\bwill not be available\b|\bdisabled\b[^\n]{0,40}\bunavailable\b/i;
/** Suffixes a client Service's name carries beside its pods' names (`db-client`, `db-headless`, `db-rw`). */
const SERVICE_SUFFIX = /-(?:client|headless|svc|service|rw|ro|primary|lb|internal)$/;
/** A message that says a part of the program is not there: not configured, not available, not initialised. */
const MISSING_PART =
  /\bnot (?:configured|available|initiali[sz]ed|bound|loaded|ready|opened|open)\b|\bunavailable\b|\bdoes not exist\b|\bno such (?:graph|database|keyspace|index|backend|store)\b/i;
/** How much older than the program a server pod may look and still count as back after it started, in seconds. */
const AGE_SLACK = 600;
/** A log line without its numbers: a message repeated with a new count or time each time is one message. */
const message = (l: string) => l.replace(/\d+/g, '#').trim();

/**
 * Running pods of the namespace, never restarted, whose read log was cut and whose tail is one message
 * over and over (at least 20 lines, nine in ten the same): the start of such a log, above the tail, is
 * where the reason is.
 */
function stuckPods(ctx: AnalyzerContext): { pod: string; repeated: string; age: number }[] {
  const rows = namespacePods(ctx);
  const out: { pod: string; repeated: string; age: number }[] = [];
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const pod = String(o.args['name'] ?? '');
    const row = rows.find((r) => r['NAME'] === pod);
    const age = ageSeconds(row?.['AGE'] ?? '');
    if (row?.['STATUS'] !== 'Running' || !/^0(?:\s|$)/.test(row['RESTARTS'] ?? '') || age === undefined)
      continue;
    const lines = o.content.slice(-100_000).split('\n');
    if (!lines.slice(0, 2).some((l) => CUT_NOTICE.test(l))) continue;
    // The fragment the cut leaves after its notice is not a whole line.
    const whole = lines
      .slice(lines.findIndex((l) => CUT_NOTICE.test(l)) + 2)
      .filter((l) => l.trim() && l.length <= 4000);
    if (whole.length < 20) continue;
    const counts = new Map<string, number>();
    for (const l of whole) counts.set(message(l), (counts.get(message(l)) ?? 0) + 1);
    const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    if (n < whole.length * 0.9) continue;
    // The message said over and over is a failure or a warning that a part of the program is missing
    // ("… is not configured on the server"), not its routine (a health check answered) nor a failure of
    // its own work (a conflict, a full disk), which the tail itself explains.
    const line = whole.find((l) => message(l) === top)!;
    if (errorLines(line).length === 0 && warningLines(line).length === 0) continue;
    if (!MISSING_PART.test(line)) continue;
    if (out.some((x) => ownerName(x.pod) === ownerName(pod))) continue;
    out.push({ pod, repeated: line.trim(), age });
    if (out.length >= 2) break;
  }
  return out;
}

/** The start-up search of `pod` that was read, as lines without their numbers. */
function searched(ctx: AnalyzerContext, pod: string): string[] | undefined {
  const o = outputs(
    ctx.seen,
    'search_pod_logs',
    (x) => x.args['name'] === pod && x.args['namespace'] === ctx.ns && x.args['pattern'] === START_FAILURES,
  ).pop();
  if (!o) return undefined;
  return o.content
    .split('\n')
    .map((l) => /^\d{1,7}[:-](.*)$/.exec(l)?.[1] ?? '')
    .filter((l) => l.trim() && l.length <= 4000);
}

/** The Service a start-up failure line names as unreached, with the line. */
function unreached(
  lines: readonly string[],
): { service: string; namespace: string; line: string } | undefined {
  for (const line of lines) {
    if (!UNREACHED.test(line)) continue;
    const host = SERVICE_DNS.exec(line)?.[1];
    const s = host ? serviceHost(host) : undefined;
    if (s) return { ...s, line: line.trim() };
  }
  return undefined;
}

/**
 * The pods behind Service `service` of `ns` in the namespace's newest pod list: those named after it (its
 * name without a client suffix), else every pod there; with their ages in seconds.
 */
function backing(ctx: AnalyzerContext, ns: string, service: string) {
  const list = podListOf(ctx.seen, ns);
  if (!list) return undefined;
  const rows = parseTable(list.content);
  const stem = service.replace(SERVICE_SUFFIX, '');
  const named = rows.filter((r) => (r['NAME'] ?? '').startsWith(`${stem}-`));
  return (named.length > 0 ? named : rows).map((r) => ({
    name: r['NAME'] ?? '',
    ready: /^(\d{1,3})\/\1$/.test(r['READY'] ?? '') && r['STATUS'] === 'Running',
    age: ageSeconds(r['AGE'] ?? ''),
  }));
}

/**
 * A program that started while a server it needs was down, gave that part up, and has run without it
 * since: its start-up lines say it could not reach the server (`Could not open CQL session: All contact
 * points are unreachable`) and gave the part up (`Graph [graph] … could not be instantiated and will not
 * be available`), it never restarted, and every request since fails the same way (the log's tail, one
 * message over and over). The server's pods are all Running and Ready now and younger than the program's
 * pod: they came back after it had started, and a program that gave up at start does not open the part
 * later. Restarting it, now that the server answers, is the fix; the clients and their settings are not at
 * fault. The reads: a search of the log for its start-up failures, then the server's namespace's pods.
 */
export const startedWithoutDependencyAnalyzer: Analyzer = {
  name: 'started-without-dependency',
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const s of stuckPods(ctx)) {
      const lines = searched(ctx, s.pod);
      if (!lines) {
        reads.push({
          tool: 'search_pod_logs',
          args: { namespace: ctx.ns, name: s.pod, pattern: START_FAILURES, context: 0, maxMatches: 10 },
        });
        continue;
      }
      const u = unreached(lines);
      if (u && !outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === u.namespace).length)
        reads.push({ tool: 'list_pods', args: { namespace: u.namespace } });
    }
    return reads.slice(0, 2);
  },
  finds(ctx): Finding[] {
    for (const s of stuckPods(ctx)) {
      const lines = searched(ctx, s.pod);
      const u = lines ? unreached(lines) : undefined;
      const deployment = podDeployment(s.pod);
      if (!lines || !u || !deployment) continue;
      const pods = backing(ctx, u.namespace, u.service);
      if (!pods || pods.length === 0) continue;
      // Every server pod answers now, and came back around or after the program's start (the two lists
      // were read at different steps of the run, a few simulated or real minutes apart: ten minutes of slack).
      if (!pods.every((p) => p.ready && p.age !== undefined && p.age <= s.age + AGE_SLACK)) continue;
      const gaveUp = lines.find((l) => GAVE_UP.test(l))?.trim();
      const oldest = Math.max(...pods.map((p) => p.age ?? 0));
      return [
        {
          weight: 88 + bonus(deployment, ctx.hints),
          object: `deployment ${deployment} (pod ${s.pod})`,
          cause: `${s.pod} started while ${u.service} in namespace ${u.namespace}, a server it needs, was unreachable: at start it logged "${clip(u.line, 200)}"${gaveUp ? ` and gave that part up ("${clip(gaveUp, 200)}")` : ''}, then went on running without it. It has not restarted since, so every request still fails the same way ("${clip(s.repeated, 160)}"). The pods behind ${u.service} (${pods
            .slice(0, 3)
            .map((p) => p.name)
            .join(
              ', ',
            )}) are all Running and Ready and came back around the time ${s.pod} started or later (the oldest ${Math.round(oldest / 60)} minutes old, ${s.pod} ${Math.round(s.age / 60)}), so the server is back, but a program that gave a part up at start does not open it later`,
          evidence: [
            `search_pod_logs ${s.pod}: "${clip(u.line, 200)}"`,
            ...(gaveUp ? [`search_pod_logs ${s.pod}: "${clip(gaveUp, 200)}"`] : []),
            `get_pod_logs ${s.pod}: "${clip(s.repeated, 160)}" over and over`,
            `list_pods ${u.namespace}: ${pods.map((p) => p.name).join(', ')} Running and Ready, no older than ${s.pod}`,
          ],
          advice: `restart deployment ${deployment} now that ${u.service} answers, so it opens what it gave up at start; the clients and their settings are not at fault (to stop it happening again, make the program wait for or retry its server at start, or fail its readiness until it has it)`,
          fix: {
            tool: 'restart_deployment',
            args: { namespace: ctx.ns, name: deployment },
            text: `restart deployment ${deployment} so it opens its connection to ${u.service} again, now that the server is back`,
          },
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
