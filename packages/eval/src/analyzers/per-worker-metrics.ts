import { envOf } from './env-values.js';
import { type Analyzer, clip, containerSections, type Finding, outputs, type Read } from './types.js';

/**
 * A pre-fork server starting its worker processes, as each logs it: gunicorn's `Booting worker with pid:
 * 9`, uWSGI's `spawned uWSGI worker 2 (pid: 31, cores: 1)`, Puma's `- Worker 1 (PID: 23) booted`.
 */
const WORKER_BOOT =
  /Booting worker with pid:?\s{0,3}(\d{1,7})|spawned uWSGI worker \d{1,4} \(pid:\s{0,3}(\d{1,7})|Worker \d{1,4} \(PID:\s{0,3}(\d{1,7})\) booted/i;
/** The person says a counter went down or jumps between scrapes: what one registry per worker looks like. */
const COUNTER_SAID = /\b(?:counter|_total|rate\(|metric)/i;
const JUMPS =
  /\b(?:reset\w{0,3}|drop\w{0,3}|decreas\w{0,3}|goes down|went down|jump\w{0,3}|spikes?|sawtooth|zig-?zag|back to)\b/i;

/**
 * Metrics served by a pre-fork server's workers, each with its own registry: a Python service under
 * gunicorn (or uWSGI, or Ruby's Puma in cluster mode) runs several worker processes, and a Prometheus
 * client library without multiprocess mode keeps its counters in each process's memory, so every scrape
 * of /metrics reads the counters of whichever worker answers it. Consecutive scrapes then jump between
 * the workers' counts: rate() takes each drop for a counter reset and each jump for a spike, though the
 * traffic is steady (prometheus_client's documentation, "Multiprocess Mode (E.g. Gunicorn)"). Found when
 * the person reports a counter that goes down or jumps, a pod's log shows two or more workers booted,
 * and the container does not set PROMETHEUS_MULTIPROC_DIR.
 */
export const perWorkerMetricsAnalyzer: Analyzer = {
  name: 'per-worker-metrics',
  reads(ctx): Read[] {
    const w = workers(ctx);
    if (!w || outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === w.pod).length > 0) return [];
    return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: w.pod } }];
  },
  finds(ctx): Finding[] {
    const w = workers(ctx);
    if (!w) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === w.pod).pop()?.content;
    const env = containerSections(described ?? '').flatMap((c) => envOf(c.body));
    if (env.some((v) => /^prometheus_multiproc_dir$/i.test(v.name))) return [];
    const concurrency = env.find((v) =>
      /^(?:WEB_CONCURRENCY|GUNICORN_WORKERS|UWSGI_PROCESSES|WORKERS)$/.test(v.name),
    );
    return [
      {
        weight: 82,
        object: `pod ${w.pod}`,
        cause: `${w.pod} serves its metrics from ${w.pids.length} worker processes (${w.server}; ${w.pids.length} workers booted, pids ${w.pids.slice(0, 6).join(', ')}${concurrency ? `, ${concurrency.name}=${concurrency.value}` : ''}), and each worker keeps its own counters: without the Prometheus client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR ${described ? 'is not set in the container' : 'not set'}) every scrape of /metrics is answered by one worker with its per-process registry ("${clip(w.line, 120)}"), so consecutive scrapes read different workers' counts. rate() takes each drop for a counter reset and each jump back for a spike; the requests themselves are steady, and rate limiting would not change the graph`,
        evidence: [`get_pod_logs ${w.pod}: "${clip(w.line, 160)}"`],
        advice:
          "aggregate the workers' metrics: set PROMETHEUS_MULTIPROC_DIR to a writable emptyDir shared by the workers and serve /metrics with the client's MultiProcessCollector (with gunicorn's child_exit hook marking dead workers), or expose one metrics port per worker",
        revisionSound: true,
      },
    ];
  },
};

function workers(
  ctx: Parameters<Analyzer['finds']>[0],
): { pod: string; pids: string[]; server: string; line: string } | undefined {
  const asked = ctx.task.slice(0, 4000);
  if (!COUNTER_SAID.test(asked) || !JUMPS.test(asked)) return undefined;
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const pids: string[] = [];
    let line = '';
    for (const l of log.content.slice(-200_000).split('\n')) {
      if (l.length > 2000) continue;
      const m = WORKER_BOOT.exec(l);
      const pid = m?.[1] ?? m?.[2] ?? m?.[3];
      if (pid && !pids.includes(pid)) {
        pids.push(pid);
        line ||= l.trim();
      }
    }
    if (pids.length < 2) continue;
    const server = /uWSGI/i.test(line)
      ? 'uWSGI'
      : /Worker \d/i.test(line)
        ? 'Puma in cluster mode'
        : 'gunicorn';
    return { pod: String(log.args['name']), pids, server, line };
  }
  return undefined;
}
