// Deterministic names the way Kubernetes makes them: a template hash for ReplicaSets, a random-looking
// five-character suffix for pods, both from a seeded hash so the same world always yields the same names.

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Encodes a hash with Kubernetes' vowel-free alphabet, `length` characters long. */
export function safeEncode(seed: string, length: number): string {
  let out = '';
  let h = fnv1a(seed);
  let round = 0;
  while (out.length < length) {
    if (h === 0) h = fnv1a(`${seed}#${++round}`);
    out += ALPHABET[h % ALPHABET.length];
    h = Math.floor(h / ALPHABET.length);
  }
  return out;
}

/** ISO texts by epoch milliseconds: a cluster prints the same few instants on every reconcile. */
const isoTexts = new Map<number, string>();

/**
 * The instant `ms` (epoch milliseconds) as the API prints it: ISO 8601 in UTC, without the
 * milliseconds when they are zero (`2024-05-01T12:00:00Z`). Remembered, at most a few thousand.
 */
export function isoAt(ms: number): string {
  let text = isoTexts.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString().replace('.000Z', 'Z');
    if (isoTexts.size >= 4096) isoTexts.clear();
    isoTexts.set(ms, text);
  }
  return text;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Canonical JSON (sorted keys) for hashing. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    // As `map` and `join` would: a hole is an empty item.
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      if (i in value) out += stableJson(value[i]);
    }
    return `${out}]`;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort(byCodeUnits);
    let out = '{';
    let first = true;
    for (const k of keys) {
      const v = obj[k];
      if (v === undefined) continue;
      out += `${first ? '' : ','}${JSON.stringify(k)}:${stableJson(v)}`;
      first = false;
    }
    return `${out}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `stableJson(clone(value))` without making the copy: JSON's rules (what `clone` leaves out or turns
 * into null, a `toJSON`) applied while writing the canonical text.
 */
export function clonedStableJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${clonedStableJson(value[i])}`;
    return `${out}]`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return clonedStableJson(JSON.parse(JSON.stringify(value)));
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort(byCodeUnits);
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    // A copy leaves these out (and assigning `__proto__` makes no property of that name).
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || k === '__proto__') continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${clonedStableJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** The pod-template-hash of a template: 9 or 10 characters like Kubernetes prints. */
export function templateHash(template: unknown, seed: string): string {
  const json = stableJson(template);
  return safeEncode(`${seed}|tpl|${json}`, 9 + (fnv1a(json) % 2));
}

/**
 * Deep copy of JSON data, with JSON's rules (a property whose value is undefined, a function or a
 * symbol is left out, one in an array becomes null, so do non-finite numbers; a Date becomes its ISO
 * text) but without a round trip through a string: the simulated cluster copies every object it
 * returns, and this is several times faster than `JSON.parse(JSON.stringify(value))`.
 */
export function clone<T>(value: T): T {
  return value === undefined ? value : (copyJson(value) as T);
}

function copyJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    return typeof v === 'function' || typeof v === 'symbol' || v === undefined ? null : v;
  }
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]);
    return out;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function')
    return copyJson(JSON.parse(JSON.stringify(v)));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out[k] = copyJson(x);
  }
  return out;
}
