/** Reads a dotted path (numeric segments index arrays) out of an object. */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      const byIndex = /^\d+$/.test(part)
        ? cur[Number(part)]
        : cur.find((x) => (x as { name?: unknown })?.name === part);
      cur = byIndex;
    } else cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
