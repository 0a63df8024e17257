import type { z } from 'zod';

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly rest?: z.ZodType | null;
}

const defOf = (schema: z.ZodType): Def | undefined =>
  (schema as unknown as { _zod?: { def?: Def } })._zod?.def;

/** The schemas a value may be checked against, with wrappers (optional, default, pipe, lazy…) unwrapped. */
function unwrap(schema: z.ZodType, out: z.ZodType[], depth = 0): void {
  const def = defOf(schema);
  if (!def || depth > 32) return;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      if (def.innerType) unwrap(def.innerType, out, depth + 1);
      return;
    case 'pipe':
      if (def.in) unwrap(def.in, out, depth + 1);
      return;
    case 'lazy':
      if (def.getter) unwrap(def.getter(), out, depth + 1);
      return;
    case 'union':
      for (const o of def.options ?? []) unwrap(o, out, depth + 1);
      return;
    case 'intersection':
      if (def.left) unwrap(def.left, out, depth + 1);
      if (def.right) unwrap(def.right, out, depth + 1);
      return;
    default:
      out.push(schema);
  }
}

/** The schemas of the value one step down (`key` of an object or record, item of an array or tuple). */
function child(schema: z.ZodType, key: PropertyKey): z.ZodType[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.type === 'object' && typeof key === 'string' && def.shape && key in def.shape)
    return [def.shape[key] as z.ZodType];
  if (def.type === 'record' && def.valueType) return [def.valueType];
  if (def.type === 'array' && typeof key === 'number' && def.element) return [def.element];
  if (def.type === 'tuple' && typeof key === 'number') {
    const item = def.items?.[key] ?? def.rest ?? undefined;
    return item ? [item] : [];
  }
  return [];
}

/**
 * The keys an object at `path` may have under `schema`: every object shape the path can reach
 * (through unions, arrays, records and wrappers), so a typo can be matched against what was meant.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at: z.ZodType[] = [];
  unwrap(schema, at);
  for (const step of path) {
    const next: z.ZodType[] = [];
    for (const s of at) for (const c of child(s, step)) unwrap(c, next);
    at = next;
    if (at.length === 0) return [];
  }
  const keys = new Set<string>();
  for (const s of at) {
    const def = defOf(s);
    if (def?.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}
