import { type Analyzer, clip, type Finding, lineStamp, outputs } from './types.js';

/** Celery's worker log of a delivery: `[2026-12-01 12:02:11,040: INFO/MainProcess] Task reports.export_csv[3f1a-77c2] received`. */
const RECEIVED =
  /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[^\]]{0,30}\] Task ([\w.]{1,120})\[([\w-]{1,80})\] received/;
const REDIS_BROKER = /redis:\/\/|broker=redis|BROKER_URL:\s+rediss?:/i;

/**
 * Celery tasks delivered more than once by a Redis broker: Redis has no acknowledgements of its own,
 * so Celery's Redis transport hands a task to another worker when it was not acknowledged within
 * `visibility_timeout` (one hour by default; Celery's "Using Redis" guide, Visibility timeout). With
 * `acks_late` a task is acknowledged only when it finishes, so one that waits in a worker's prefetch or
 * runs past the timeout is received again, an hour later, and runs twice. Found from the same task id
 * received more than once in the workers' logs.
 */
export const celeryVisibilityTimeoutAnalyzer: Analyzer = {
  name: 'celery-visibility-timeout',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns);
    const times = new Map<string, { task: string; at: number[]; pod: string }>();
    for (const log of logs) {
      for (const line of log.content.slice(-200_000).split('\n')) {
        const m = line.length <= 2000 ? RECEIVED.exec(line) : null;
        const at = m ? lineStamp(line) : undefined;
        if (!m || at === undefined) continue;
        const entry = times.get(m[2]!) ?? { task: m[1]!, at: [], pod: String(log.args['name'] ?? '') };
        entry.at.push(at);
        times.set(m[2]!, entry);
      }
    }
    const [id, again] = [...times].find(([, e]) => e.at.length > 1) ?? [];
    if (!id || !again) return [];
    const gaps = again.at
      .sort((a, b) => a - b)
      .slice(1)
      .map((t, i) => Math.round((t - again.at[i]!) / 60_000));
    const text = logs.map((o) => o.content.slice(-200_000)).join('\n');
    const redis =
      REDIS_BROKER.test(text) || outputs(seen, 'describe_pod').some((o) => REDIS_BROKER.test(o.content));
    if (!redis) return [];
    const late = /acks_late\s*=\s*True|task_acks_late/i.test(text);
    const config = text.split('\n').find((l) => l.length <= 2000 && /visibility_timeout|acks_late/i.test(l));
    const out: Finding = {
      weight: 91,
      object: `celery workers (pod ${again.pod})`,
      cause: `the Redis broker redelivers tasks that were not acknowledged within Celery's visibility_timeout (one hour by default): task ${again.task}[${id}] was received ${again.at.length} times, ${gaps.join(' and ')} minutes apart, so it runs again each time${late ? ". With acks_late a task is acknowledged only when it finishes, so one that waits in a worker's prefetch queue or runs longer than the visibility timeout is handed out again to another worker" : ''}${config ? ` ("${clip(config.trim(), 160)}")` : ''}; the mailer does not retry, the task itself is delivered again`,
      evidence: [
        `get_pod_logs ${again.pod}: task ${again.task}[${id}] received ${again.at.length} times, ${gaps.join(', ')} min apart`,
      ],
      advice:
        'raise broker_transport_options visibility_timeout above the longest wait plus run time of a task, and set worker_prefetch_multiplier to 1 for long tasks (or make the task idempotent)',
      revisionSound: true,
    };
    return [out];
  },
};
