/** Edit distance between two strings. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Up to `max` names close to `wanted`: same prefix, one contains the other, or a small edit distance. */
export function closeMatches(wanted: string, names: readonly string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  const stem = (n: string) => n.split('-').slice(0, -2).join('-') || n.split('-')[0] || n;
  const scored = names
    .filter((n) => n !== wanted)
    .map((n) => {
      const l = n.toLowerCase();
      const d = levenshtein(w, l);
      let score = d;
      if (l.startsWith(w) || w.startsWith(l)) score = Math.min(score, 1);
      else if (l.includes(w) || w.includes(l)) score = Math.min(score, 2);
      else if (stem(l) === stem(w) || l.startsWith(stem(w))) score = Math.min(score, 3);
      return { n, score, ok: score <= Math.max(3, Math.floor(w.length / 3)) };
    })
    .filter((s) => s.ok)
    .sort((a, b) => a.score - b.score || (a.n < b.n ? -1 : 1));
  return scored.slice(0, max).map((s) => s.n);
}
