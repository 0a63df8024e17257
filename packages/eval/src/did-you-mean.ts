/** Longest name compared; longer names are never suggested (and cost nothing to skip). */
const MAX_NAME = 64;

/**
 * The optimal-string-alignment distance between two short names (insertions, deletions,
 * substitutions and swaps of neighbours each cost 1), or `max + 1` as soon as it exceeds `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (a.length > MAX_NAME || b.length > MAX_NAME || Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  const d = prev[b.length] ?? max + 1;
  return d > max ? max + 1 : d;
}

/**
 * The known name closest to `name` (ignoring case), when one is close enough to be a typo: at most
 * one edit per four characters, and at least one. Ties go to the first in `known`.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const max = Math.max(1, Math.floor(name.length / 4));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase(), max);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
