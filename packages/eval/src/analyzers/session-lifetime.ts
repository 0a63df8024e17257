import { envOf } from './env-values.js';
import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  configMapVolumes,
  containerSections,
  type Finding,
  lineStamp,
  outputs,
  type Read,
  unreadConfigMaps,
} from './types.js';

/**
 * A refusal that an expired session or token gives: Laravel's 419 Page Expired and its CSRF token
 * mismatch, a token or session not found or expired. Bounded: at most 60 characters between the words.
 */
const EXPIRED =
  /"\s419\s|\bpage expired\b|\btoken mismatch\b|\b(?:token|session)\b[^\n]{0,60}?\b(?:not found|expired|invalid|unknown)\b|\bexpired (?:token|session)\b/i;
/** Who a line is about: a forwarded client address, a client address at the start, a token's id. */
const IDS: readonly RegExp[] = [
  /\bx-forwarded-for=([0-9a-f.:]{3,45})/i,
  /\btoken[= ]([\w][\w*.-]{2,40})/i,
  /^([0-9]{1,3}(?:\.[0-9]{1,3}){3})\s/,
];
/** A line that says an operation started (`upload started`, `session created`). Linear: fixed words. */
const STARTED = /\b(?:started|starting|begins?|began|created|issued|opened|initiated)\b/i;
/** A setting's name that says how long something lives. */
const LIFETIME = /life_?time|expire|expiry|\bttl\b|_ttl|ttl_|validity|max_?age/i;

/** Seconds from a log line's time stamp: ISO, `[2026-03-10 13:12:37]`, or an access log's `[10/Mar/2026:13:12:37 +0000]`. */
function stampOf(line: string): number | undefined {
  const iso = lineStamp(line) ?? lineStamp(line.replace(/^[^[]{0,80}\[/, ''));
  if (iso !== undefined) return iso;
  const m = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{4})\]/.exec(line);
  if (!m) return undefined;
  const t = Date.parse(`${m[2]} ${m[1]} ${m[3]} ${m[4]} GMT${m[5]}`);
  return Number.isNaN(t) ? undefined : t;
}

/** The settings read for the namespace's pods: variables of the described pods and `key = value` lines of the ConfigMaps read. */
function settings(ns: string, seen: Parameters<Analyzer['finds']>[0]['seen']) {
  const out: { name: string; value: string; where: string }[] = [];
  for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns))
    for (const c of containerSections(d.content))
      for (const e of envOf(c.body)) out.push({ name: e.name, value: e.value, where: `container ${c.name}` });
  for (const cm of outputs(
    seen,
    'get_resource',
    (o) => o.args['namespace'] === ns && /^configmaps?$/i.test(String(o.args['kind'])),
  ))
    for (const l of cm.content.slice(0, 200_000).split('\n')) {
      const m = /^\s{0,40}([A-Za-z_][\w.-]{1,60})\s{0,4}[=:]\s{0,4}["']?(\d{1,9})["']?\s*$/.exec(l);
      if (m) out.push({ name: m[1]!, value: m[2]!, where: `ConfigMap ${String(cm.args['name'])}` });
    }
  return out.filter((s) => LIFETIME.test(s.name) && /^\d{1,9}$/.test(s.value.trim()));
}

/** Milliseconds per unit a setting's name gives (`_HOURS`, `_MINUTES`, `_SECONDS`, `_MS`), else seconds or minutes. */
function unitsOf(name: string): number[] {
  const last = name.toLowerCase().split(/[_.-]/).pop() ?? '';
  if (/^(?:ms|millis|milliseconds?)$/.test(last)) return [1];
  if (/^(?:s|secs?|seconds?)$/.test(last)) return [1_000];
  if (/^(?:m|mins?|minutes?)$/.test(last)) return [60_000];
  if (/^(?:h|hrs?|hours?)$/.test(last)) return [3_600_000];
  if (/^(?:d|days?)$/.test(last)) return [86_400_000];
  return [1_000, 60_000];
}

/** A duration in words: `4 hours 10 minutes`, `60 minutes`. */
function spoken(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 120 ? `${Math.floor(m / 60)} hours ${m % 60} minutes` : `${m} minutes`;
}

/**
 * A session or token refused as expired (a 419 Page Expired, a CSRF token mismatch, "token … not found")
 * for a client whose session or token started longer ago than the lifetime a setting gives it: the form
 * was left open, the upload ran longer than the token lives. Found from one log: the refusal, the first
 * line of the same client (its forwarded address, its address, the token's id) before it, and a setting
 * read for the namespace (a variable of a described pod, a line of a ConfigMap) named as a lifetime
 * (`SESSION_LIFETIME`, `web_token_expire_time`) whose value, read as seconds or as minutes, the time
 * between the two lines reaches (at most four times over).
 */
export const sessionLifetimeAnalyzer: Analyzer = {
  name: 'session-lifetime',
  first: true,
  reads({ ns, seen }): Read[] {
    // A pod that logs an expired session or token: the ConfigMaps it mounts, where a lifetime is set.
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      if (!EXPIRED.test(log.content.slice(-200_000))) continue;
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === log.args['name']).pop();
      if (d) return unreadConfigMaps(seen, ns, configMapVolumes(d.content), 2);
    }
    return [];
  },
  finds({ ns, seen, hints }) {
    const known = settings(ns, seen);
    if (known.length === 0) return [];
    const out: Finding[] = [];
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = boundedLogLines(log.content);
      for (let i = 0; i < lines.length && out.length === 0; i++) {
        const refused = lines[i]!;
        if (!EXPIRED.test(refused)) continue;
        const at = stampOf(refused);
        const id = IDS.map((re) => re.exec(refused)?.[1]).find((x) => x !== undefined);
        if (at === undefined || !id) continue;
        const before = lines.slice(0, i).filter((l) => stampOf(l) !== undefined);
        // The token's value is masked where it was issued (`token=<redacted>`): then the latest line
        // before the refusal that starts an operation with a token stands for its start.
        const first =
          before.find((l) => l.includes(id)) ??
          (/\btoken\b/i.test(refused)
            ? before.filter((l) => /\btoken=<redacted>/.test(l) && STARTED.test(l)).pop()
            : undefined);
        const since = first ? at - stampOf(first)! : 0;
        if (!first || since <= 0) continue;
        const match = known
          .flatMap((s) => unitsOf(s.name).map((unit) => ({ s, unit, ms: Number(s.value) * unit })))
          .find((x) => x.ms > 0 && since >= x.ms && since <= 4 * x.ms);
        if (!match) continue;
        const pod = String(log.args['name'] ?? '');
        const unit =
          (
            {
              1: 'milliseconds',
              1000: 'seconds',
              60000: 'minutes',
              3600000: 'hours',
              86400000: 'days',
            } as Record<number, string>
          )[match.unit] ?? 'seconds';
        const detail = lines.slice(i, i + 2).find((l) => l !== refused && /token mismatch|expired/i.test(l));
        out.push({
          weight: 84 + bonus(pod, hints),
          object: `pod ${pod}`,
          cause: `the session or token of ${id} expired before it was used: it started ${spoken(since)} before it was refused ("${clip(first.trim(), 160)}", then "${clip(refused.trim(), 160)}"${detail ? `, "${clip(detail.trim(), 160)}"` : ''}), longer than the lifetime ${match.s.name} = ${match.s.value} (${unit}, ${match.s.where}) gives it, so a page left open, or work that runs, longer than that fails while short ones succeed`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(first.trim(), 160)}"`,
            `get_pod_logs ${pod}: "${clip(refused.trim(), 160)}"`,
            `${match.s.name} = ${match.s.value} in ${match.s.where}`,
          ],
          advice: `raise ${match.s.name} above the longest time a session or token must last, or have the client renew it (reload the form, refresh the token) before it runs out`,
          revisionSound: true,
        });
      }
    }
    return out.slice(0, 1);
  },
};
