const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?$/;

/** Whether a value is a Kubernetes quantity such as `512Mi`, `250m`, `1.5` or `2G`. */
export function isQuantity(value: unknown): boolean {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && QUANTITY.test(value.trim()))
  );
}

/** Parses a Kubernetes quantity to a plain number (bytes for memory, cores for cpu); undefined when unreadable. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return factor === undefined || !Number.isFinite(n) ? undefined : n * factor;
}

/** Formats bytes the way kubectl top does: whole Mi (or Gi above 10Gi, or Ki below 1Mi). */
export function formatMemory(bytes: number): string {
  if (bytes >= 10 * 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}Gi`;
  if (bytes < 2 ** 20) return `${Math.round(bytes / 2 ** 10)}Ki`;
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}

/** Formats cores as millicores (`250m`) or whole cores (`2`). */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`;
}

/** Formats usage against a ceiling as an integer percent. */
export function percent(used: number, of: number): number {
  return of > 0 ? Math.round((used / of) * 100) : 0;
}
