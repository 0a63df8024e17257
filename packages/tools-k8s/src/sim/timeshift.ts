/**
 * Moves every RFC 3339 UTC timestamp (`2025-03-01T12:00:00Z`, optionally with fractional seconds) in a
 * JSON value by `offsetMs`, returning a copy; other values are kept. Used by the served API's
 * `wallTimestamps` option so that clients computing ages from their own clock (kubectl describe)
 * agree with the simulated clock. The check is a fixed-shape character scan, no regular expression.
 */
export function shiftTimestamps<T>(value: T, offsetMs: number): T {
  if (offsetMs === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return isTimestamp(v) ? shift(v, offsetMs) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

const DIGIT = (c: number) => c >= 0x30 && c <= 0x39;

/** `YYYY-MM-DDTHH:MM:SS[.fff…]Z`, checked character by character. */
function isTimestamp(s: string): boolean {
  if (s.length < 20 || s.length > 40 || s.charCodeAt(s.length - 1) !== 0x5a) return false;
  const shape = 'dddd-dd-ddTdd:dd:dd';
  for (let i = 0; i < shape.length; i++) {
    const c = s.charCodeAt(i);
    if (shape[i] === 'd' ? !DIGIT(c) : c !== shape.charCodeAt(i)) return false;
  }
  if (s.length === 20) return true;
  if (s[19] !== '.') return false;
  for (let i = 20; i < s.length - 1; i++) if (!DIGIT(s.charCodeAt(i))) return false;
  return s.length > 21;
}

function shift(s: string, offsetMs: number): string {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) return s;
  const out = new Date(t + offsetMs).toISOString();
  // Keep the precision the value had: whole seconds stay whole seconds.
  return s.length === 20 ? out.replace(/\.\d{3}Z$/, 'Z') : out;
}
