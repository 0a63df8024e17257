/**
 * Reads a dotted path out of an object: numeric segments index arrays, other segments on an array
 * pick the element with that `name`; `containers[0]` is read as `containers.0`, as people write it.
 */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/\[(\d{1,9})\]/g, '.$1').split('.')) {
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
