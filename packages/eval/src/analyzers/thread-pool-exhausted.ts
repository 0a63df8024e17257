import { type Analyzer, clip, type Finding, loggedLines, outputs, ownerName } from './types.js';

/** A server saying every request thread is busy: Tomcat's ThreadPoolExecutor warning, or a pool named exhausted. */
const EXHAUSTED =
  /All threads \((\d{1,6})\) are currently busy|thread pool (?:is )?exhausted|no idle threads|maxThreads \(\d{1,6}\)/i;
/** A stack frame of the application's own code (not the JDK's) a thread dump shows a thread in. */
const OWN_FRAME = /\bat ((?!java\.|javax\.|jdk\.|sun\.|org\.apache\.)[a-z][\w$]*(?:\.[\w$]+){2,})\(/;
/** A line timing a slow call (`introspection took 27340 ms`). */
const SLOW_CALL = /\b([A-Za-z][\w-]{2,40}) took (\d{4,7}) ?ms\b/;

/**
 * A server whose request threads are all busy: Tomcat serves each request on a thread of its pool
 * (maxThreads, 200 by default; Apache Tomcat's HTTP connector reference) and logs when every one is
 * taken; new requests then wait, the health check among them, so the pod turns unready and the load
 * balancer answers 503 although memory and CPU are fine. Threads held that long are blocked on
 * something slow, usually a downstream call without a read timeout: the rule quotes what the thread
 * dump or the slow-call lines say they wait on.
 */
export const threadPoolExhaustedAnalyzer: Analyzer = {
  name: 'thread-pool-exhausted',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    const hit = loggedLines(seen, ns, (l) => l.length <= 2000 && EXHAUSTED.test(l))[0];
    if (!hit) return [];
    const pod = String(hit.log.args['name'] ?? '');
    const lines = hit.log.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 2000);
    const frame = lines.map((l) => OWN_FRAME.exec(l)).find(Boolean);
    const slow = lines
      .map((l) => ({ l, m: SLOW_CALL.exec(l) }))
      .filter((x) => x.m)
      .sort((a, b) => Number(b.m![2]) - Number(a.m![2]))[0];
    const waitsOn = frame?.[1] ?? slow?.m?.[1];
    const noTimeout = lines.some((l) =>
      /readTimeout=0\b|read timeout (?:of )?0\b|no (?:read )?timeout/i.test(l),
    );
    const workload = ownerName(pod);
    const described = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
    const target = described
      ? /^\s{2,}[A-Z0-9_]{0,40}(?:URL|URI|HOST|ENDPOINT)[A-Z0-9_]{0,20}:\s+(?:https?:\/\/)?([a-z0-9][a-z0-9.-]{0,200})/im.exec(
          described.content,
        )?.[1]
      : undefined;
    const out: Finding = {
      weight: 92,
      object: `${workload} (pod ${pod})`,
      cause: `${workload}'s request thread pool is exhausted: every request thread is busy ("${clip(hit.line.trim(), 150)}"), so new requests, the health check among them, wait in the queue, the pod turns unready and clients get 503s; memory and garbage collection are not the cause. The threads are held by a slow downstream call${waitsOn ? `: they wait in ${waitsOn}` : ''}${slow ? ` ("${clip(slow.l.trim(), 130)}")` : ''}${noTimeout ? ', which has no read timeout, so a slow dependency holds every thread' : ''}${target ? `; the service it calls is ${target}` : ''}`,
      evidence: [
        `get_pod_logs ${pod}: "${clip(hit.line.trim(), 160)}"`,
        ...(slow ? [`get_pod_logs ${pod}: "${clip(slow.l.trim(), 160)}"`] : []),
        ...(frame ? [`get_pod_logs ${pod}: thread dump in ${frame[1]}`] : []),
      ],
      advice: `find why the downstream call is slow${target ? ` (${target})` : ''} and bound the call with connect and read timeouts so a slow dependency cannot hold every thread; raising maxThreads only delays the same stall`,
      revisionSound: true,
    };
    return [out];
  },
};
