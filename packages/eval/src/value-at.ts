/**
 * The segments of a field path as scenarios write them: dot-separated names (`spec.replicas`),
 * `[N]` for an index (`containers[0]` is read as `containers.0`), and a key that holds dots written
 * either as kubectl's JSONPath escapes it (`data.app\.properties`) or in brackets with quotes
 * (`data['app.properties']`, `metadata.annotations["example.com/team"]`). One pass over the text,
 * no regular expression. Throws an `Error` naming the position when the path is malformed (an
 * unclosed bracket or quote, an empty segment).
 */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  // Whether the segment being read has started (a bracket key may be empty text, '' still counts).
  let open = false;
  const fail = (i: number, why: string): never => {
    throw new Error(`field path "${path}": ${why} at character ${i + 1}`);
  };
  const end = (i: number) => {
    if (!open) fail(i, 'empty segment');
    out.push(cur);
    cur = '';
    open = false;
  };
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\' && path[i + 1] === '.') {
      cur += '.';
      open = true;
      i++;
    } else if (ch === '.') {
      end(i);
    } else if (ch === '[') {
      if (open) end(i);
      const q = path[i + 1];
      if (q === "'" || q === '"') {
        const close = path.indexOf(q, i + 2);
        if (close < 0 || path[close + 1] !== ']') fail(i, `unclosed [${q}`);
        out.push(path.slice(i + 2, close));
        i = close + 1;
      } else {
        const close = path.indexOf(']', i + 1);
        const index = close < 0 ? '' : path.slice(i + 1, close);
        if (!/^\d{1,9}$/.test(index)) fail(i, 'a bracket holds neither an index nor a quoted key');
        out.push(index);
        i = close;
      }
      // After a bracket: the end, a dot, or another bracket.
      if (path[i + 1] === '.') {
        if (i + 2 >= path.length) fail(i + 1, 'empty segment');
        i++;
      } else if (i + 1 < path.length && path[i + 1] !== '[') fail(i + 1, 'expected "." or "[" after "]"');
    } else {
      cur += ch;
      open = true;
    }
  }
  if (open) out.push(cur);
  else if (out.length === 0 || path.endsWith('.')) fail(path.length - 1, 'empty segment');
  return out;
}

/**
 * Reads a field path (see `pathSegments`) out of an object: numeric segments index arrays, `length`
 * is an array's length (as core's allowlist reads `set.length` in a grant), other segments on an array
 * pick the element with that `name`. A malformed path reads as undefined.
 */
export function valueAt(obj: unknown, path: string): unknown {
  let segments: string[];
  try {
    segments = pathSegments(path);
  } catch {
    return undefined;
  }
  return valueAtSegments(obj, segments);
}

/** `valueAt` over segments already split. */
export function valueAtSegments(obj: unknown, segments: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const part of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      cur = /^\d+$/.test(part)
        ? cur[Number(part)]
        : part === 'length'
          ? cur.length
          : cur.find((x) => (x as { name?: unknown })?.name === part);
    } else cur = Object.hasOwn(cur, part) ? (cur as Record<string, unknown>)[part] : undefined;
  }
  return cur;
}
