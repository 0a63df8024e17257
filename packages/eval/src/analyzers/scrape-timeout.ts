import { parse } from 'yaml';
import { type Analyzer, clip, type Finding, outputs, podsOf, type Read, serviceHost } from './types.js';

// A scrape that ran out of time, as Prometheus's targets page or its log says it.
const DEADLINE = /context deadline exceeded|scrape timed out|deadline exceeded/i;
// A question about Prometheus targets that are down or metrics that are not scraped.
const ASKED =
  /\bTargetDown\b|\bscrap(?:e|ed|ing)\b|\btargets? (?:are |is )?down\b|\btargets? page\b|\bshows? DOWN\b|\bup ?== ?0\b/i;
/** Prometheus's default scrape_timeout (prometheus.io, "Configuration", global). */
const DEFAULT_TIMEOUT_S = 10;
/** Prometheus's default scrape_interval. */
const DEFAULT_INTERVAL_S = 60;
/** At most this many characters of a configuration are parsed. */
const MAX_CONFIG = 200_000;
// A line where a program says how long one collection of its metrics took.
const COLLECTION = /collect|scrape|gather|metrics|export/i;
// `duration=7.38s`, `took 7.4s`, `elapsed: 7400ms` (Go's time.Duration as logged), `finished in 7.4s`, and the
// exporter toolkit's `duration_seconds=14.2`. Not a bare `in 60s` (a next refresh, an interval).
const TOOK =
  /(?:duration|took|elapsed|time_taken)["']?[=: ]\s?["']?(\d{1,6}(?:\.\d{1,6})?)(ms|s)\b|\b(?:finished|done|completed|collected|scraped|gathered) in (\d{1,6}(?:\.\d{1,6})?)(ms|s)\b|\bduration_seconds["']?[=:]\s?["']?(\d{1,6}(?:\.\d{1,6})?)\b/;

/** One scrape job of a Prometheus configuration, with the timeout and interval that apply to it. */
export interface ScrapeJob {
  job: string;
  timeoutS: number;
  intervalS: number;
  /** Whether the timeout is the job's own (`false`: the global one or Prometheus's default). */
  ownTimeout: boolean;
  targets: string[];
}

/** Seconds in a Prometheus duration (`5s`, `1m30s`, `500ms`), or undefined. */
export function promSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 30) return undefined;
  const parts = [...value.matchAll(/(\d{1,9})(ms|[ywdhms])/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== value) return undefined;
  const unit: Record<string, number> = {
    y: 31_536_000,
    w: 604_800,
    d: 86_400,
    h: 3600,
    m: 60,
    s: 1,
    ms: 0.001,
  };
  return parts.reduce((sum, m) => sum + Number(m[1]) * unit[m[2]!]!, 0);
}

/**
 * The data entries of a ConfigMap as `describe_resource` prints them (`key:`, a `----` line, the value up to
 * the next entry or `BinaryData` / `Events:`).
 */
export function describedData(text: string): [string, string][] {
  const lines = text.slice(0, MAX_CONFIG).split('\n');
  const out: [string, string][] = [];
  let key: string | undefined;
  let value: string[] = [];
  const flush = () => {
    if (key !== undefined) out.push([key, value.join('\n').replace(/\n+$/, '')]);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (lines[i + 1] === '----' && /^[\w.-]{1,253}:$/.test(line)) {
      flush();
      key = line.slice(0, -1);
      value = [];
      i++;
      continue;
    }
    if (key !== undefined && (/^BinaryData\b/.test(line) || /^Events:/.test(line))) {
      flush();
      key = undefined;
      continue;
    }
    if (key !== undefined) value.push(line);
  }
  flush();
  return out;
}

/** The scrape jobs of a Prometheus configuration's text (`prometheus.yml`), or [] when it is no such YAML. */
export function scrapeJobs(yamlText: string): ScrapeJob[] {
  if (yamlText.length > MAX_CONFIG) return [];
  let doc: unknown;
  try {
    doc = parse(yamlText, { maxAliasCount: 0 });
  } catch {
    return [];
  }
  if (!doc || typeof doc !== 'object') return [];
  const d = doc as { global?: Record<string, unknown>; scrape_configs?: unknown };
  if (!Array.isArray(d.scrape_configs)) return [];
  const globalTimeout = promSeconds(d.global?.['scrape_timeout']);
  const globalInterval = promSeconds(d.global?.['scrape_interval']) ?? DEFAULT_INTERVAL_S;
  const jobs: ScrapeJob[] = [];
  for (const c of d.scrape_configs.slice(0, 500)) {
    if (!c || typeof c !== 'object') continue;
    const j = c as Record<string, unknown>;
    if (typeof j['job_name'] !== 'string') continue;
    const own = promSeconds(j['scrape_timeout']);
    const intervalS = promSeconds(j['scrape_interval']) ?? globalInterval;
    const targets = (Array.isArray(j['static_configs']) ? j['static_configs'] : []).flatMap((s: unknown) =>
      s && typeof s === 'object' && Array.isArray((s as { targets?: unknown }).targets)
        ? ((s as { targets: unknown[] }).targets.filter((t) => typeof t === 'string') as string[])
        : [],
    );
    jobs.push({
      job: j['job_name'],
      // An unset timeout is the global one, and never above the job's interval (Prometheus's rule).
      timeoutS: own ?? Math.min(globalTimeout ?? DEFAULT_TIMEOUT_S, intervalS),
      intervalS,
      ownTimeout: own !== undefined,
      targets,
    });
  }
  return jobs;
}

/** Whether `word` stands in `text` as a whole name (no letter, digit, `-` or `_` beside it). */
function named(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    if (!/[\w-]/.test(text[at - 1] ?? '') && !/[\w-]/.test(text[at + word.length] ?? '')) return true;
  }
  return false;
}

/** The Service a static target names (`invoice-exporter.billing.svc:9187`), with its namespace when given. */
function targetService(target: string, ns: string): { service: string; namespace: string } | undefined {
  const host = target.replace(/:\d{1,5}$/, '');
  const svc = serviceHost(host, true);
  if (svc) return svc;
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(host) ? { service: host, namespace: ns } : undefined;
}

/** The jobs of every Prometheus configuration read whose name or target the task names. */
function askedJobs(ctx: Parameters<Analyzer['reads']>[0]): { job: ScrapeJob; map: string; ns: string }[] {
  const task = ctx.task.slice(0, 4000);
  const out: { job: ScrapeJob; map: string; ns: string }[] = [];
  for (const cm of outputs(ctx.seen, 'describe_resource', (o) => o.args['kind'] === 'ConfigMap')) {
    for (const [key, value] of describedData(cm.content)) {
      if (
        !/prometheus|scrape/i.test(`${String(cm.args['name'])} ${key}`) ||
        !value.includes('scrape_configs')
      )
        continue;
      for (const job of scrapeJobs(value)) {
        const hosts = job.targets.map((t) => targetService(t, ctx.ns)?.service).filter(Boolean) as string[];
        if (named(task, job.job) || hosts.some((h) => named(task, h)))
          out.push({ job, map: String(cm.args['name']), ns: String(cm.args['namespace'] ?? ctx.ns) });
      }
    }
  }
  return out;
}

/** The longest collection time a target's newest lines report, in seconds, with its line. */
function collectionTime(log: string): { seconds: number; line: string } | undefined {
  let best: { seconds: number; line: string } | undefined;
  const lines = log.slice(-100_000).split('\n').slice(-200);
  for (const line of lines) {
    if (line.length > 2000 || !COLLECTION.test(line)) continue;
    const m = TOOK.exec(line);
    if (!m) continue;
    const seconds =
      m[5] !== undefined ? Number(m[5]) : Number(m[1] ?? m[3]) * ((m[2] ?? m[4]) === 'ms' ? 0.001 : 1);
    if (!best || seconds >= best.seconds) best = { seconds, line: line.trim() };
  }
  return best;
}

/**
 * A target that shows down with "context deadline exceeded" because it takes longer to answer than its
 * scrape job's `scrape_timeout`: Prometheus cancels every scrape at the timeout (the job's own, else the
 * global one, 10s by default, never above the interval; prometheus.io, "Configuration: scrape_config"), so
 * the connection works and the target still counts as down (up = 0). The target's own log says how long a
 * collection takes (`collect finished … duration=7.38s`).
 */
export const scrapeTimeoutAnalyzer: Analyzer = {
  name: 'scrape-timeout',
  reads(ctx): Read[] {
    const task = ctx.task.slice(0, 4000);
    if (!ASKED.test(task) || !DEADLINE.test(task)) return [];
    const reads: Read[] = [];
    for (const { job } of askedJobs(ctx).slice(0, 2)) {
      for (const t of job.targets.slice(0, 2)) {
        const svc = targetService(t, ctx.ns);
        if (!svc) continue;
        const pods = podsOf(ctx.seen, svc.namespace);
        if ('read' in pods) {
          reads.push(pods.read);
          continue;
        }
        const pod = pods.rows.find(
          (r) => (r['NAME'] ?? '').startsWith(`${svc.service}-`) && r['STATUS'] === 'Running',
        );
        if (pod) reads.push({ tool: 'get_pod_logs', args: { namespace: svc.namespace, name: pod['NAME'] } });
      }
    }
    return reads;
  },
  finds(ctx): Finding[] {
    const task = ctx.task.slice(0, 4000);
    if (!ASKED.test(task) || !DEADLINE.test(task)) return [];
    for (const { job, map, ns } of askedJobs(ctx)) {
      for (const t of job.targets) {
        const svc = targetService(t, ctx.ns);
        if (!svc) continue;
        const log = outputs(
          ctx.seen,
          'get_pod_logs',
          (o) =>
            o.args['namespace'] === svc.namespace && String(o.args['name']).startsWith(`${svc.service}-`),
        ).pop();
        const took = log ? collectionTime(log.content) : undefined;
        if (!log || !took || took.seconds <= job.timeoutS) continue;
        const raise = Math.ceil(took.seconds * 1.5);
        const fits = raise <= job.intervalS;
        return [
          {
            weight: 88,
            object: `scrape job ${job.job} (configmap ${map} in ${ns})`,
            cause: `Prometheus gives each scrape of ${svc.service} ${job.timeoutS}s (the ${job.job} job's scrape_timeout${job.ownTimeout ? '' : ', the global one'}), but ${svc.service} takes about ${Number(took.seconds.toFixed(2))}s to collect and answer /metrics, as its own log says, so every scrape is cancelled at the timeout ("context deadline exceeded") and the target shows DOWN (up = 0) although it is reachable and running`,
            evidence: [
              `describe_resource ConfigMap ${map}: job_name ${job.job}, scrape_timeout ${job.timeoutS}s, scrape_interval ${job.intervalS}s`,
              `get_pod_logs ${String(log.args['name'])}: "${clip(took.line, 200)}"`,
            ],
            advice: `raise the ${job.job} job's scrape_timeout in ${map} to about ${raise}s${fits ? ` (it must stay at or below its ${job.intervalS}s scrape_interval)` : `, and its scrape_interval from ${job.intervalS}s to at least that (the timeout may not exceed the interval)`}, or make ${svc.service}'s collection cheaper; then reload Prometheus's configuration`,
          },
        ];
      }
    }
    return [];
  },
};
