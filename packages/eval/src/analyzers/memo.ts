import type { SeenObservation } from '../observations.js';

/**
 * Memory for what the offline models derive from tool output. At each decision they read every output
 * they have seen again (an analyzer's `reads` and `finds` over all observations, for each of about 150
 * analyzers), so the same log is scanned for its failure lines and the same description split into
 * containers many times a step and again at every later step. The results depend on their input alone
 * and are frozen, so one result serves every reader.
 */

/**
 * `fn` with its results kept by input text (at most `max` texts; the memory is emptied when full, so it
 * stays flat). The text is the key: an output seen again at a later step is the same string, and its
 * hash is worked out once. Results are frozen (arrays and their object items, one level): copy to change.
 */
export function memoByText<R extends object | undefined>(
  fn: (text: string) => R,
  max = 512,
): (text: string) => R {
  const kept = new Map<string, R>();
  return (text: string) => {
    const r = kept.get(text);
    if (r !== undefined || kept.has(text)) return r as R;
    const made = freezeShallow(fn(text));
    if (kept.size >= max) kept.clear();
    kept.set(text, made);
    return made;
  };
}

function freezeShallow<R extends object | undefined>(r: R): R {
  if (r === undefined) return r;
  if (Array.isArray(r)) for (const x of r) if (typeof x === 'object' && x !== null) Object.freeze(x);
  return Object.freeze(r);
}

interface Kept {
  length: number;
  values: Map<string, unknown>;
}

const PER_SEEN = new WeakMap<readonly SeenObservation[], Kept>();

/**
 * The value `make` gives for the key `keys` over the observations `seen`, worked out once while `seen`
 * is the same array of the same length (one decision's observations: every analyzer of the decision
 * reads them). Kept only while `seen` is alive. The keys are looked up one by one (no joined string to
 * hash: a task's text is the same string at every call, and its hash is worked out once).
 */
export function perSeen<R>(seen: readonly SeenObservation[], keys: readonly string[], make: () => R): R {
  let kept = PER_SEEN.get(seen);
  if (kept === undefined || kept.length !== seen.length) {
    kept = { length: seen.length, values: new Map() };
    PER_SEEN.set(seen, kept);
  }
  let m: Map<string, unknown> = kept.values;
  for (let i = 0; i < keys.length - 1; i++) {
    let next = m.get(keys[i]!) as Map<string, unknown> | undefined;
    if (next === undefined) {
      next = new Map();
      m.set(keys[i]!, next);
    }
    m = next;
  }
  const last = keys[keys.length - 1]!;
  if (m.has(last)) return m.get(last) as R;
  const r = make();
  m.set(last, r);
  return r;
}
