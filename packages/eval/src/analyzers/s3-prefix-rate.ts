import { ageSeconds } from '../baseline/reading.js';
import { RECENT, recentPodLogReads, recentPodLogs } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  loggedLines,
  ownerName,
  type Read,
} from './types.js';

/** S3's answer to a request rate above what a prefix takes (the SlowDown error code, HTTP 503). */
const SLOW_DOWN = /\bSlowDown\b/;
/** `s3://bucket/key` in a line. */
const S3_URL = /s3:\/\/([a-z0-9][a-z0-9.-]{1,62})\/([^\s:;,"')]{0,400})/;

/** The client's SlowDown line, its pod, and the key prefix (the key's first two segments) it wrote to. */
function slowedDown(ctx: AnalyzerContext) {
  const hit = loggedLines(ctx.seen, ctx.ns, (l) => l.length <= 4000 && SLOW_DOWN.test(l)).find(
    (h) => !h.log.args['previous'],
  );
  if (!hit) return undefined;
  const m = S3_URL.exec(hit.line);
  const prefix = m ? m[2]!.split('/').slice(0, 2).join('/') : undefined;
  return { pod: String(hit.log.args['name']), line: hit.line, bucket: m?.[1], prefix };
}

/**
 * Another workload writing to the same S3 prefix at a rate the prefix cannot take: S3 scales request
 * rates per prefix (at least 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD requests per second per
 * partitioned prefix, AWS "Best practices design patterns: optimizing Amazon S3 performance") and
 * answers SlowDown (503) above it, to every client of that prefix alike. A workload that failed
 * nothing before gets SlowDown when another one, recently started or scaled out (a backfill),
 * floods the same prefix. Found from the other workload's log naming the same prefix or the same
 * SlowDown; the fix is that workload's rate (fewer replicas or less concurrency), not S3 or the
 * credentials.
 */
export const s3PrefixRateAnalyzer: Analyzer = {
  name: 's3-prefix-rate',
  reads(ctx): Read[] {
    const s = slowedDown(ctx);
    if (!s || flooder(ctx, s)) return [];
    return recentPodLogReads(ctx);
  },
  finds(ctx): Finding[] {
    const s = slowedDown(ctx);
    const f = s ? flooder(ctx, s) : undefined;
    if (!s || !f) return [];
    const where = s.prefix ? `${s.bucket}/${s.prefix}/` : 'the same bucket';
    return [
      {
        weight: 84,
        object: `deployment ${f.deployment} in ${f.ns}`,
        cause: `S3 answers SlowDown (503) to ${ownerName(s.pod)} because another workload writes to the same prefix (${where}) at a rate above what one S3 prefix takes (about 3,500 writes per second per prefix): ${f.deployment} in namespace ${f.ns} (${f.pods} pods, ${f.recent} started recently) logs "${clip(f.line, 200)}"; S3 throttles every client of that prefix alike, so ${ownerName(s.pod)}'s own uploads fail though S3 is up and its credentials are valid`,
        evidence: [
          `get_pod_logs ${s.pod}: "${clip(s.line, 220)}"`,
          `get_pod_logs ${f.pod}: "${clip(f.line, 220)}"`,
        ],
        advice: `lower ${f.deployment}'s request rate (fewer replicas or less concurrency, or run it off-peak) or spread its keys over more prefixes; retries with backoff in ${ownerName(s.pod)} ride out the rest`,
        revisionSound: true,
      },
    ];
  },
};

/** The recently started workload of another namespace whose log names the same prefix, or SlowDown. */
function flooder(ctx: AnalyzerContext, s: NonNullable<ReturnType<typeof slowedDown>>) {
  for (const { ns, pod: name, rows, lines } of recentPodLogs(ctx)) {
    const line =
      lines.find(
        (l) =>
          l.length <= 4000 && s.prefix !== undefined && l.includes(`${s.prefix}/`) && /\/s\b|rate/i.test(l),
      ) ?? lines.find((l) => l.length <= 4000 && SLOW_DOWN.test(l));
    if (!line) continue;
    const deployment = ownerName(name);
    const mine = rows.filter((r) => ownerName(r['NAME'] ?? '') === deployment);
    const recent = mine.filter(
      (r) => (ageSeconds(r['AGE'] ?? '') ?? Number.POSITIVE_INFINITY) < RECENT,
    ).length;
    return { ns, pod: name, deployment, line, pods: mine.length, recent: Math.max(recent, 1) };
  }
  return undefined;
}
