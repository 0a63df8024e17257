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

/** Canonical JSON (sorted keys) for hashing. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The pod-template-hash of a template: 9 or 10 characters like Kubernetes prints. */
export function templateHash(template: unknown, seed: string): string {
  const json = stableJson(template);
  return safeEncode(`${seed}|tpl|${json}`, 9 + (fnv1a(json) % 2));
}

/** Deep copy of JSON data. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
