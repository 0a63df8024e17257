import { memoByText } from './memo.js';
import {
  type Analyzer,
  clip,
  cutNoticeAt,
  type Finding,
  outputs,
  type Read,
  runningPodNames,
  searchedLines,
} from './types.js';

/** The JVM's out-of-memory error and its kind: "java.lang.OutOfMemoryError: Java heap space". */
const OOM = /\bjava\.lang\.OutOfMemoryError\b(?::\s?([A-Za-z][\w ]{0,40}))?/;
/**
 * What died of it, named on the error's line or just before it: Guava's ServiceManager ("Service
 * JournalReader [FAILED] has failed in the RUNNING state"), the JVM's uncaught handler ("Exception in
 * thread "indexer-1" java.lang…"), or a thread said to have died ("thread output-2 died").
 */
const DIED = [
  /\bService (\w[\w.$-]{0,80}) \[FAILED\]/,
  /\bException in thread "([^"\n]{1,80})"/,
  /\bthread "?([\w.$-]{1,80})"? (?:died|terminated|exited|stopped)\b/i,
];
/** The first stack frame's class that runs a thread (`at org.x.JournalReader.run(JournalReader.java:141)`). */
const RUN_FRAME = /\bat ((?:[\w$]{1,80}\.){0,12})([\w$]{1,80})\.run\(/;
/** The JDK's own packages: their `run()` frames (a FutureTask, a pool's worker, Thread) name no part of the program. */
const JDK = /^(?:java|javax|jdk|sun|com\.sun)\./;
/** A stack trace's line, after a logger's prefix or not: a frame, a "Caused by:", a "... 5 more", a "Suppressed:". */
const STACK_LINE = /(?:^|\s)(?:at [\w$./]{1,200}\(|Caused by:|Suppressed:|\.\.\. \d{1,6} more\b)/;
/** A stack frame line (`\tat org.x.Y.read(Y.java:512)`, after a timestamp and level or not). */
const FRAME = /(?:^|\s)at [\w$.]{1,200}\([^()\n]{0,200}\)\s*$/;
/** What the search of a cut log looks for: the error the cut left out, and the line before it. */
const SEARCH = { pattern: 'OutOfMemoryError', context: 2, maxMatches: 3 } as const;
/** The heap the JVM was given (`-Xmx512m`). */
const XMX = /-Xmx(\d{1,6}[kmgKMG]?)\b/;

interface Died {
  readonly what: string;
  readonly line: string;
  readonly oom: string;
  readonly kind: string;
  /** Lines the log has after the error: the process went on without the part that died. */
  readonly after: number;
}

/** The part of a running JVM that died of an OutOfMemoryError, and how many lines the log has after it. */
export const diedIn: (log: string) => Died | undefined = memoByText((log) => {
  const lines = log
    .slice(-200_000)
    .split('\n')
    .filter((l) => l.length <= 4000);
  for (let i = 0; i < lines.length; i++) {
    const m = OOM.exec(lines[i]!);
    if (!m) continue;
    // The JVM exiting on it ("Terminating due to …", -XX:+ExitOnOutOfMemoryError) is a crash, not a part dying.
    if (lines.slice(i, i + 4).some((l) => /\bTerminating due to\b|\bExitOnOutOfMemoryError\b/i.test(l)))
      return undefined;
    let what: string | undefined;
    let line = lines[i]!;
    for (const l of lines.slice(Math.max(0, i - 2), i + 1).reverse()) {
      const d = DIED.map((re) => re.exec(l)).find((x) => x !== null);
      if (d) {
        what = d[1];
        line = l;
        break;
      }
    }
    // Else the thread's own class, the first `….run(` frame of the stack below the error.
    if (what === undefined) {
      // The stack right under the error only: it ends at the first line that is not a stack line.
      const stack: string[] = [];
      for (const l of lines.slice(i + 1, i + 60)) {
        if (!STACK_LINE.test(l)) break;
        stack.push(l);
      }
      const frame = stack.map((l) => RUN_FRAME.exec(l)).find((x) => x !== null && !JDK.test(x[1]!))?.[2];
      if (frame === undefined) continue;
      what = frame;
    }
    const after = lines.slice(i + 1).filter((l) => !STACK_LINE.test(l)).length;
    return { what, line: line.trim(), oom: lines[i]!.trim(), kind: m[1]?.trim() ?? 'out of memory', after };
  }
  return undefined;
});

/** Whether a log's output was cut and what is left starts inside a stack trace (its error line cut off). */
function startsMidStack(log: string): boolean {
  // kubectl's "Defaulted container …" line may come first, for a pod with several containers.
  const head = log.slice(0, 6000).split('\n');
  const cut = cutNoticeAt(head);
  if (cut < 0) return false;
  return head.slice(cut + 1, cut + 4).some((l) => FRAME.test(l) || STACK_LINE.test(l));
}

/** The lines of a log after its last stack frame, stack lines aside: the process went on. */
function linesAfterStack(log: string): number {
  const lines = log.slice(-200_000).split('\n');
  let last = -1;
  lines.forEach((l, i) => {
    if (l.length <= 4000 && (FRAME.test(l) || STACK_LINE.test(l))) last = i;
  });
  return lines.slice(last + 1).filter((l) => l.trim() !== '').length;
}

/**
 * One part of a running JVM dead of an OutOfMemoryError while the process lives on. A thread or service
 * (a journal reader, an indexer, an output) that dies of an OutOfMemoryError takes its work with it, but
 * the JVM keeps running: the pod stays Running and Ready, its probes pass, nothing restarts it, and what
 * that part did (reading a journal, sending on) has stopped since, so a backlog grows behind it. Found
 * from a Running pod's log: an OutOfMemoryError whose line, or one of the two before it, names the
 * thread or service that failed (or whose stack's first `run(` frame does), with the log going on after
 * it, and the JVM not exiting on it. Reads: when a Running pod's log was cut and what is left starts inside
 * a stack trace, a search of the whole log for the OutOfMemoryError (two lines of context). The heap (`-Xmx`)
 * is quoted from the pod's description when read.
 * A restart brings the part back; a larger heap (or a smaller input) keeps it from dying again.
 */
export const threadDiedOomAnalyzer: Analyzer = {
  name: 'thread-died-oom',
  reads({ seen }): Read[] {
    const running = runningPodNames(seen);
    const searched = new Set(
      outputs(seen, 'search_pod_logs', (x) => x.args['pattern'] === SEARCH.pattern).map(
        (x) => `${x.args['namespace']}/${x.args['name']}`,
      ),
    );
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      const key = `${o.args['namespace']}/${pod}`;
      if (!running.has(pod) || searched.has(key) || !startsMidStack(o.content)) continue;
      return [
        {
          tool: 'search_pod_logs',
          args: {
            namespace: o.args['namespace'],
            name: pod,
            ...(o.args['container'] ? { container: o.args['container'] } : {}),
            ...SEARCH,
          },
        },
      ];
    }
    return [];
  },
  finds({ seen }): Finding[] {
    const running = runningPodNames(seen);
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      if (!running.has(pod)) continue;
      let d = diedIn(o.content);
      let via = 'get_pod_logs';
      // The tail cut the error off: the search of the whole log has it, and the tail shows the process
      // going on after the stack.
      if (!d && startsMidStack(o.content)) {
        const found = searchedLines(
          seen,
          (x) =>
            x.args['name'] === pod &&
            x.args['namespace'] === o.args['namespace'] &&
            x.args['pattern'] === SEARCH.pattern,
        );
        const was = found.length > 0 ? diedIn(found.join('\n')) : undefined;
        if (was) {
          d = { ...was, after: linesAfterStack(o.content) };
          via = 'search_pod_logs';
        }
      }
      if (!d || d.after < 2) continue;
      const described = outputs(
        seen,
        'describe_pod',
        (x) => x.args['name'] === pod && x.args['namespace'] === o.args['namespace'],
      ).pop()?.content;
      const xmx = described ? XMX.exec(described.slice(0, 200_000))?.[1] : undefined;
      const heap = xmx ? ` (its heap is -Xmx${xmx})` : '';
      return [
        {
          weight: 88,
          object: `pod ${pod}`,
          cause: `${d.what} inside ${pod} died of a Java OutOfMemoryError, ${d.kind} ("${clip(d.line, 160)}"${d.line !== d.oom ? `, "${clip(d.oom, 120)}"` : ''}), but the JVM kept running${heap}: the pod stays Running and Ready and nothing restarts it, while the work ${d.what} did has stopped since and piles up behind it`,
          evidence: [
            `${via} ${pod}: "${clip(d.line, 200)}"`,
            ...(d.line !== d.oom ? [`${via} ${pod}: "${clip(d.oom, 160)}"`] : []),
          ],
          advice: `restart ${pod} to bring ${d.what} back, and raise its Java heap${xmx ? ` above -Xmx${xmx}` : ''} (or cut what it reads at once) so it does not die again; a liveness check on ${d.what}'s own state would restart it next time`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
