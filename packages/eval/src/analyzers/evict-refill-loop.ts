import { envOf } from './env-values.js';
import { type Analyzer, boundedLogLines, clip, containerSections, type Finding, outputs } from './types.js';

/** A line that says an item was taken away. Linear: fixed words. */
const REMOVED =
  /\b(?:removed|removing|evicted|evicting|deleted|deleting|purged|purging|dropped|pruned|pruning)\b/i;
/** A line that says an item was put (back) in place. Linear: fixed words. */
const ADDED =
  /\b(?:cloned|cloning|re-?cloned|downloaded|downloading|fetched|fetching|loaded|loading|restored|restoring|pulled|pulling)\b/i;
/** Path-like items a line names (`gitea.internal/platform/monorepo`, `/data/repos/x/.git`). */
const ITEM = /[\w.@-]{1,100}(?:\/[\w.@-]{1,100}){1,12}/g;
/** A target figure a line states beside the measure it keeps (`want_free_pct=10.00`). */
const TARGET = /\b(want|target|desired|min|threshold)_([a-z][a-z_]{1,40})=(\d{1,6}(?:\.\d{1,4})?)/i;

/** An item's name without what a path adds around it: its `.git` directory and a trailing slash. */
const bare = (item: string) => item.replace(/\/\.git$|\/$/, '');

/**
 * A program that keeps taking items away and putting the same ones back, at a target figure the
 * measure sits on: a disk janitor that removes repositories to keep a free-space percentage, and the
 * clones that follow eat the space again (a cache, a store of checkouts or models sized so the data it
 * needs does not fit beside the free space it wants). Found from one log where the same item is both
 * removed and added back at least twice each, and the removal lines state a target (`want_free_pct=10`)
 * that the measure they report (`free_pct`) sits on both sides of; the variable that holds the target's
 * value, when the container has one whose name fits, is named.
 */
export const evictRefillLoopAnalyzer: Analyzer = {
  name: 'evict-refill-loop',
  reads: () => [],
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = boundedLogLines(log.content);
      const events: { item: string; removed: boolean; line: string }[] = [];
      // Each item's removals and additions in order, by its last two path segments (`platform/monorepo`
      // of `/data/repos/git.x/platform/monorepo/.git` and of `git.x/platform/monorepo`): one pass.
      const byKey = new Map<string, { item: string; turns: number; last?: boolean; added?: string }>();
      for (const line of lines) {
        const removed = REMOVED.test(line);
        if (!removed && !ADDED.test(line)) continue;
        for (const m of line.matchAll(ITEM)) {
          const item = bare(m[0]);
          // A date (`2026/03/10`) or a number path is no item.
          if (!/[a-z]/i.test(item)) continue;
          events.push({ item, removed, line });
          const key = item.split('/').slice(-2).join('/');
          const e = byKey.get(key) ?? { item, turns: 0 };
          if (e.last !== removed) e.turns++;
          e.last = removed;
          if (!removed) e.added ??= item;
          byKey.set(key, e);
        }
      }
      // Items removed and added back, each at least twice, in turn.
      const looping = new Set([...byKey.values()].filter((e) => e.turns >= 4).map((e) => e.added ?? e.item));
      if (looping.size === 0) continue;
      const removals = events.filter((e) => e.removed).map((e) => e.line);
      const target = removals.map((l) => TARGET.exec(l)).find((m) => m !== null);
      if (!target) continue;
      const measure = target[2]!;
      const goal = Number(target[3]);
      const values = removals
        .map((l) => new RegExp(`(?<![\\w])${measure}=(\\d{1,6}(?:\\.\\d{1,4})?)`).exec(l)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number);
      if (!values.some((v) => v < goal) || !values.some((v) => v >= goal)) continue;
      const pod = String(log.args['name'] ?? '');
      // The variable that sets the target: its value the target's, its name a word of the measure's.
      const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
      const words = measure
        .toLowerCase()
        .split('_')
        .filter((w) => w.length >= 3);
      const variable = containerSections(described)
        .flatMap((c) => envOf(c.body))
        .find(
          (e) =>
            Number(e.value) === goal &&
            (words.some((w) => e.name.toLowerCase().includes(w)) ||
              /percent|pct|desired|target|threshold/i.test(e.name)),
        );
      const items = [...looping].slice(0, 3);
      const key = `${target[1]}_${measure}`;
      out.push({
        weight: 80,
        object: `pod ${pod}`,
        cause: `pod ${pod} keeps removing ${items.join(', ')} and cloning or loading them back, over and over: it removes items to keep ${key}=${target[3]}${variable ? ` (its threshold, set by ${variable.name}=${variable.value})` : ' (its threshold)'}, and ${measure} sits on that threshold (${Math.min(...values)} to ${Math.max(...values)}), so each item it puts back brings it below the threshold again and the next removal takes one back out: a loop of evictions and re-fetches, during which those items are unavailable ("${clip(removals[removals.length - 1]!.trim(), 200)}")`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(removals[removals.length - 1]!.trim(), 200)}"`,
          ...(variable ? [`describe_pod ${pod}: ${variable.name}: ${variable.value}`] : []),
        ],
        advice: `give the volume room for what it must hold plus the free space it wants (grow it), or lower the threshold${variable ? ` (${variable.name})` : ''} below where the data leaves it`,
        revisionSound: true,
      });
    }
    return out.slice(0, 1);
  },
};
