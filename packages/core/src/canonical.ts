import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so two argument
 * objects that mean the same call serialize to the same text (the basis of approval binding).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value, new Set())) ?? 'null';
}

function normalize(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    return value;
  }
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => normalize(v, seen) ?? null);
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[key], seen);
      if (v !== undefined) out[key] = v;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Why a value is not plain JSON (the only kind of arguments the harness hashes, approves and runs),
 * or undefined when it is: objects with Object or null prototype, arrays, strings, finite numbers,
 * booleans and null. A Map, Set, URL, Date, class instance, bigint, function, symbol, undefined array
 * element or non-finite number would hash like something else, or not serialize at all.
 */
export function plainJsonProblem(value: unknown, path = '(arguments)', depth = 0): string | undefined {
  if (depth > 64) return `${path}: nested more than 64 levels deep`;
  if (value === null) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path}: ${String(value)} is not a JSON number`;
    case 'object':
      break;
    default:
      return `${path}: a ${typeof value} is not JSON`;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || value[i] === undefined) return `${path}.${i}: undefined is not JSON`;
      const p = plainJsonProblem(value[i], `${path}.${i}`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto?.constructor as { name?: string } | undefined)?.name || 'object';
    return `${path}: a ${name} is not plain JSON`;
  }
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const p = plainJsonProblem(v, path === '(arguments)' ? k : `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return undefined;
}

/** A deep copy of plain JSON, frozen at every level: what an approver is shown, so it cannot edit what runs. */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const copy: unknown = Array.isArray(value)
    ? value.map((v) => frozenCopy(v))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frozenCopy(v)]));
  return Object.freeze(copy) as T;
}

/** The hash an approval is bound to: sha256 over the tool name and the canonical arguments. */
export function callHash(tool: string, args: unknown): string {
  return `sha256:${createHash('sha256').update(tool).update('\u0000').update(canonicalJson(args)).digest('hex')}`;
}
