import { parseQuantity } from '@sre-harness/tools-k8s';
import { clip } from './types.js';

/** `arenas=19`, `arenas: 19`, `malloc arenas 19`. */
const ARENAS = /\barenas?[=:]?\s{0,2}(\d{1,5})\b/i;
/** What the program's data takes: `live=1004MiB`, `in_use: 1.0 GiB`, `allocated=998MB`. */
const LIVE = /\b(?:live|in[_ -]?use|allocated|used)[=:]\s{0,2}(\d{1,7}(?:\.\d{1,3})?)\s?([KMGT]i?B?)\b/i;
/** What the process holds from the system: `mapped=1610MiB`, `rss=3.0GiB`, `resident: 2890MB`. */
const HELD =
  /\b(?:mapped|rss|resident|system|arena[_ ]bytes)[=:]\s{0,2}(\d{1,7}(?:\.\d{1,3})?)\s?([KMGT]i?B?)\b/i;

/** A figure as a program prints it (`1004MiB`, `1.6 GB`, `998M`), read as binary units. */
function bytes(n: string, unit: string): number | undefined {
  return parseQuantity(`${n}${unit[0]!.toUpperCase()}i`);
}

/** Memory figures printed by people, as MiB or GiB (one decimal). */
function shown(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${Math.round(b / 2 ** 20)} MiB`;
}

/**
 * glibc malloc's per-thread arenas, read from a program's own allocator statistics: the arena count
 * grows (past 8) and the memory the process holds grows with it, while its live data stays flat, so
 * the growth is freed memory kept, fragmented, in many arenas rather than a leak. glibc creates arenas
 * on contention, up to 8 per CPU core on 64-bit systems (mallopt(3), M_ARENA_MAX; the
 * MALLOC_ARENA_MAX environment variable caps it), so a many-threaded program on a many-core node can
 * hold several times its live data. Lines longer than 2,000 characters are skipped. Returns the first
 * and last statistics lines with their figures, or undefined when the log shows no such growth.
 */
export function mallocArenaGrowth(logs: string):
  | {
      readonly first: string;
      readonly last: string;
      readonly arenas: readonly [number, number];
      readonly live: string;
      readonly held: readonly [string, string];
    }
  | undefined {
  const stats: { line: string; arenas: number; live: number; held: number }[] = [];
  for (const line of logs.slice(-200_000).split('\n')) {
    if (line.length > 2000) continue;
    const a = ARENAS.exec(line);
    const l = LIVE.exec(line);
    const h = HELD.exec(line);
    if (!a || !l || !h) continue;
    const live = bytes(l[1]!, l[2]!);
    const held = bytes(h[1]!, h[2]!);
    if (live === undefined || held === undefined) continue;
    stats.push({ line: line.trim(), arenas: Number(a[1]), live, held });
  }
  if (stats.length < 2) return undefined;
  const first = stats[0]!;
  const last = stats[stats.length - 1]!;
  const liveFlat = Math.abs(last.live - first.live) <= 0.15 * first.live;
  if (last.arenas <= 8 || last.arenas <= first.arenas || last.held < 1.5 * last.live) return undefined;
  if (last.held <= first.held * 1.2 || !liveFlat) return undefined;
  return {
    first: clip(first.line, 140),
    last: clip(last.line, 140),
    arenas: [first.arenas, last.arenas],
    live: shown(last.live),
    held: [shown(first.held), shown(last.held)],
  };
}
