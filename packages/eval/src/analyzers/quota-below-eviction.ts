import { memoByText } from './memo.js';
import { type Analyzer, clip, type Finding, outputs, runningPodNames } from './types.js';

/**
 * One tenant's (user's, namespace's) share on a statistics line, full and refusing writes: `chat-prod used
 * 3225.6 / 3225.6 GiB (100.0%), put rejected last 60s: 2140 (TENANT_QUOTA_EXCEEDED)`. The name, used,
 * quota, unit, percent, and the rejected count; bounded, each gap at most 120 characters without a `;`.
 */
const TENANT_FULL =
  /\b([a-z0-9][\w.-]{0,62}) used (\d{1,12}(?:\.\d{1,3})?)\s?(?:[KMGTP]i?B|bytes)?\s?\/\s?(\d{1,12}(?:\.\d{1,3})?)\s?([KMGTP]i?B|bytes)?\s?\((\d{1,3}(?:\.\d{1,2})?)\s?%\)[^;\n]{0,120}?\b(?:rejected|refused|denied)\b[^;\n]{0,60}?[:=]\s?(\d{1,9})\b/gi;
/** The store saying its eviction is not running because the whole pool is under its watermark. */
const EVICTION_IDLE =
  /\beviction (?:is )?(?:idle|not (?:running|triggered|needed))\b|(?<!\b(?:no longer|not) )\bbelow (?:the |its )?(?:high |eviction )?watermark\b/i;
/** The store saying its eviction runs (started, evicting, above the watermark): a later such line overrides an idle one. */
const EVICTION_RUNS =
  /\beviction (?:has )?(?:started|running|in progress|active|triggered)\b|\bevicted:?\s?[1-9]|\b(?:above|no longer below) (?:the |its )?(?:high |eviction )?watermark\b/i;
/** The eviction watermark setting, with what it comes to when the line says so: `…_watermark_ratio=0.90 (6451.2 GiB)`. */
const WATERMARK =
  /\b([\w.-]{0,40}watermark[\w.-]{0,20})\s?[=:]\s?(\d{1,12}(?:\.\d{1,4})?%?)(\s?\(\d[\d.]{0,15}\s?[KMGTP]i?B\))?/gi;
/** The pool's own use: `pool used 4881.9 GiB / 7168 GiB (68.1%)`. */
const POOL_USED = /\bpool used\b[^\n]{0,80}?\((\d{1,3}(?:\.\d{1,2})?)\s?%\)/i;

interface QuotaFull {
  readonly tenant: string;
  readonly used: string;
  readonly quota: string;
  readonly unit: string;
  readonly rejected: number;
  readonly line: string;
  readonly idle: string;
  readonly watermark: string | undefined;
  readonly pool: string | undefined;
}

/** The latest full tenant refusing writes in a log that also says eviction is idle under the pool's watermark. */
export const quotaFullIn: (log: string) => QuotaFull | undefined = memoByText((log) => {
  const lines = log
    .slice(-200_000)
    .split('\n')
    .filter((l) => l.length <= 4000);
  const idleAt = lines.findLastIndex((l) => EVICTION_IDLE.test(l));
  if (idleAt < 0) return undefined;
  // The newest word on eviction decides: an idle line that a later line says is over does not count.
  if (lines.findLastIndex((l) => EVICTION_RUNS.test(l) && !EVICTION_IDLE.test(l)) > idleAt) return undefined;
  const idle = lines[idleAt]!;
  let full: Omit<QuotaFull, 'idle' | 'watermark' | 'pool'> | undefined;
  for (const line of lines) {
    if (!/\bused\b/i.test(line)) continue;
    for (const m of line.matchAll(TENANT_FULL)) {
      if (Number(m[5]) < 99 || Number(m[6]) === 0) continue;
      full = {
        tenant: m[1]!,
        used: m[2]!,
        quota: m[3]!,
        unit: m[4] ? ` ${m[4]}` : '',
        rejected: Number(m[6]),
        line: line.trim(),
      };
    }
  }
  if (!full) return undefined;
  // Every watermark setting of the log (a line may name a low one before the high one), the high one first.
  const settings = lines.filter((l) => /watermark/i.test(l)).flatMap((l) => [...l.matchAll(WATERMARK)]);
  const w = settings.find((x) => /high/i.test(x[1]!)) ?? settings.find((x) => !/low/i.test(x[1]!));
  return {
    ...full,
    idle: idle.trim(),
    watermark: w ? `${w[1]}=${w[2]}${w[3] ?? ''}` : undefined,
    pool: POOL_USED.exec(idle)?.[1],
  };
});

/**
 * A tenant's quota full while eviction never runs. A shared store that evicts only when the whole
 * pool passes a high watermark, and gives each tenant a quota, refuses a tenant's writes once its quota
 * is full; when the quotas add up to no more than the watermark (two tenants of half of it each), one
 * tenant fills its quota long before the pool reaches the watermark, so nothing of it is ever evicted
 * and its writes stay refused while the pool has room. Found from a Running pod's log: a statistics
 * line with a tenant at 99 % or more of its quota and a rejected count above zero, and a line saying
 * eviction is idle or the pool is below its watermark. More capacity raises the watermark with it and
 * changes nothing; eviction per tenant at its quota, or a watermark below what one tenant can fill, does.
 */
export const quotaBelowEvictionAnalyzer: Analyzer = {
  name: 'quota-below-eviction',
  reads: () => [],
  finds({ seen }): Finding[] {
    const running = runningPodNames(seen);
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      if (!running.has(pod)) continue;
      const q = quotaFullIn(o.content);
      if (!q) continue;
      const pool = q.pool ? `, and the pool is at ${q.pool} %` : '';
      const watermark = q.watermark ? ` (${q.watermark})` : '';
      return [
        {
          weight: 84,
          object: `pod ${pod}`,
          cause: `tenant ${q.tenant} has filled its quota (${q.used} of ${q.quota}${q.unit}) and its writes are refused (${q.rejected} rejected: "${clip(q.line, 220)}"), while eviction never runs: it starts only when the whole pool passes its high watermark${watermark}${pool} ("${clip(q.idle, 160)}"). The tenant's quota fills before the pool ever reaches the watermark, so nothing of ${q.tenant}'s is evicted and its writes stay refused while the pool has room; the store is not short of capacity`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(q.line, 220)}"`,
            `get_pod_logs ${pod}: "${clip(q.idle, 160)}"`,
          ],
          advice: `make the store evict within a tenant that reaches its quota, or set the eviction watermark below what one tenant's quota can fill (or the quotas so that they add up to more than the watermark); more capacity raises the watermark with it and changes nothing`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
