import { escapeRe } from '../baseline/reading.js';
import { isCopyOf, listedConfigMaps } from './config-copies.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapText,
  configMapVolumes,
  envFromConfigMaps,
  type Finding,
  outputs,
  type Read,
  unreadConfigMaps,
} from './types.js';

/** The person says something went away: "not found", "lost", "disappears", "expired", "gone". */
const LOST =
  /\b(?:not found|no such|lost|loses?|losing|gone|disappear(?:s|ed|ing)?|vanish(?:es|ed|ing)?|expired?|evicted|dropped|killed|closed|deleted|removed|missing|terminated|timed out|timing out)\b/i;

/**
 * A program removing one of its own objects and saying why: a removal verb and a reason (inactivity, an
 * idle or time-to-live limit, an age). Bounded: a line of at most 2,000 characters, no nested repetition.
 */
const REMOVED =
  /\b(?:Deleting|Deleted|Removing|Removed|Expiring|Expired|Evicting|Evicted|Reaping|Reaped|Purging|Purged|Cleaning up|Garbage[- ]collecting|Killing|Terminating|Closing|Stopping)\b/i;
const REASON =
  /\b(?:because|inactive|inactivity|idle|time ?out|timed out|expired|ttl|time to (?:live|leave)|older than|max(?:imum)? age|lifetime)\b/i;
/** A removal for a resource limit (memory, CPU, disk, a quota): an eviction or a kill, not an expiry. */
const RESOURCE = /\b(?:memory|oom|out of memory|cpu|disk|quota|rss|heap)\b/i;
/** A number followed by a unit of time or a size: a duration or an amount, not an id. */
const UNIT_AFTER =
  /^\s?(?:ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|weeks?|%|[kmgt]i?b?)\b/i;

/**
 * A setting that ends objects by age or inactivity, as a configuration line writes it (`a.b.session.timeout
 * = 1h`, `idle_timeout: 300s`, `SESSION_TTL=3600`): its key in group 1 and its value in group 2.
 */
const LIMIT_SETTING =
  /^\s{0,12}"?([A-Za-z][\w.-]{0,120}(?:timeout|ttl|idle|expir\w{0,10}|max[-_.]?age|lifetime)[\w.-]{0,60})"?\s{0,4}[:=]\s{0,4}"?([^"\s#]{1,40})"?\s*$/i;

interface Loss {
  readonly id: string;
  readonly pod: string;
  readonly line: string;
}

/** Numbers (2 to 12 digits) the person's question names in a sentence that says something was lost. */
function lostIds(task: string): string[] {
  const ids = new Set<string>();
  // The person's own words, before any alert pasted below them.
  const asked = task.slice(0, 4000).split(/\n[ \t]*\nAlert /)[0] ?? '';
  for (const s of asked.split(/(?<=[.!?;:])\s+/)) {
    if (!LOST.test(s)) continue;
    for (const m of s.matchAll(/(?<![\w.:/-])['"‘’“”]?(\d{2,12})['"‘’“”]?(?![\w.:/%-])/g))
      if (!UNIT_AFTER.test(s.slice(m.index + m[0].length, m.index + m[0].length + 12))) ids.add(m[1]!);
  }
  return [...ids].slice(0, 6);
}

/** The first line of the namespace's logs where the program removes an object the person lost, and why. */
function loss(ctx: AnalyzerContext): Loss | undefined {
  const ids = lostIds(ctx.task);
  if (ids.length === 0) return undefined;
  // The id as a word of its own: not part of a time (13:10:30), a date, a version or an address.
  const res = ids.map((id) => new RegExp(`(?<![\\w.:/-])${escapeRe(id)}(?![\\w:/-]|\\.\\d)`));
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 2000 || !REMOVED.test(line) || !REASON.test(line) || RESOURCE.test(line)) continue;
      const at = res.findIndex((re) => re.test(line));
      if (at >= 0) return { id: ids[at]!, pod: String(o.args['name'] ?? ''), line: line.trim() };
    }
  }
  return undefined;
}

/** The limit settings of a ConfigMap's text, key to value (the first of each key). */
function limits(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.slice(0, 200_000).split('\n')) {
    if (line.length > 300) continue;
    const m = LIMIT_SETTING.exec(line);
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The ConfigMaps the pod loads (volumes and envFrom), from its description. */
function loaded(ctx: AnalyzerContext, pod: string): string[] | undefined {
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
  ).pop();
  return d ? [...new Set([...configMapVolumes(d.content), ...envFromConfigMaps(d.content)])] : undefined;
}

/**
 * Other ConfigMaps named as a copy of a loaded one (`<name>-backup`, `<name>-pre-ds455`): kept from before a
 * change. A map the pod loads itself is no copy, nor is one that only shares the name's start (`-metrics`).
 */
function copiesOf(
  ctx: AnalyzerContext,
  maps: readonly string[],
  loadedNow: readonly string[] = maps,
): string[] {
  const all = listedConfigMaps(ctx) ?? [];
  return all.filter((n) => !loadedNow.includes(n) && maps.some((m) => isCopyOf(n, m))).slice(0, 2);
}

/**
 * Something the person lost by number ("Session '412' not found") that the program itself removed, with
 * its reason in its own log ("Deleting InteractiveSession 412 because it was inactive …"): nothing
 * crashed; an expiry ended it. The limit behind it is read from the ConfigMaps the pod loads (a key named
 * for a timeout, a time to live, an idle or age limit), and from a kept copy of them (a ConfigMap named
 * after a loaded one) when it sets the same key otherwise, which is what changed.
 */
export const expiredByProgramAnalyzer: Analyzer = {
  name: 'expired-by-program',
  reads(ctx): Read[] {
    const l = loss(ctx);
    if (!l) return [];
    const maps = loaded(ctx, l.pod);
    if (!maps) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: l.pod } }];
    const unread = unreadConfigMaps(ctx.seen, ctx.ns, maps, 2);
    if (unread.length > 0) return unread;
    if (maps.length > 0 && !listedConfigMaps(ctx))
      return [{ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ctx.ns } }];
    return unreadConfigMaps(ctx.seen, ctx.ns, copiesOf(ctx, maps), 2);
  },
  finds(ctx): Finding[] {
    const l = loss(ctx);
    if (!l) return [];
    const maps = loaded(ctx, l.pod) ?? [];
    const set: string[] = [];
    let changed: string | undefined;
    for (const map of maps) {
      const text = configMapText(ctx.seen, map, ctx.ns);
      if (!text) continue;
      const now = limits(text);
      // A limit is a number or a duration; a switch (`timeout-check = true`) is not one.
      for (const [k, v] of now) if (/^\d/.test(v)) set.push(`${k} = ${v} (ConfigMap ${map})`);
      for (const copy of copiesOf(ctx, [map], maps)) {
        const before = configMapText(ctx.seen, copy, ctx.ns);
        if (!before || changed) continue;
        const old = limits(before);
        const diff = [...old].filter(([k, v]) => now.get(k) !== v);
        if (diff.length === 0) continue;
        changed = `ConfigMap ${copy}, a kept copy, has ${diff
          .slice(0, 3)
          .map(([k, v]) => `${k} = ${v}${now.has(k) ? ` (now ${now.get(k)})` : ' (now unset)'}`)
          .join(', ')}: the limit was changed`;
      }
    }
    const limit = set.length > 0 ? `; the limit it applies: ${set.slice(0, 3).join(', ')}` : '';
    return [
      {
        weight: 86,
        object: `pod ${l.pod}`,
        cause: `what was lost (${l.id}) was removed by the program itself, on purpose, not by a crash: its log says "${clip(l.line, 220)}", an expiry by timeout or inactivity${limit}${changed ? `; ${changed}` : ''}`,
        evidence: [`get_pod_logs ${l.pod}: "${clip(l.line, 200)}"`, ...set.slice(0, 2)],
        advice: changed
          ? 'set the limit back to the value it had (the kept copy) in the ConfigMap, then restart the pods so the program reads it'
          : 'raise the timeout (or turn off the expiry of busy objects) in the ConfigMap, then restart the pods so the program reads it',
        revisionSound: true,
      },
    ];
  },
};
