/** Binary SI suffixes of a Kubernetes quantity, as powers of two. */
const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
/** Decimal SI suffixes, as powers of ten (`n` and `u` as kubelet and metrics-server write them). */
const DECIMAL: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/**
 * A Kubernetes quantity, as `resource.Quantity` reads it: a signed number (`1`, `1.5`, `.5`, `1.`), then
 * one of a binary SI suffix (`Ki` … `Ei`), a decimal exponent (`e3`, `E-2`) or a decimal SI suffix
 * (`n`, `u`, `m`, none, `k`, `M`, `G`, `T`, `P`, `E`). `1E` is an exa, `1E3` a thousand; `K` and
 * lower-case binary suffixes are not quantities.
 */
export const QUANTITY_PATTERN =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Whether a value is a Kubernetes quantity such as `512Mi`, `250m`, `1.5`, `2G` or `12e6`. */
export function isQuantity(value: unknown): boolean {
  return parseQuantity(value) !== undefined;
}

/**
 * Parses a Kubernetes quantity to a plain number (bytes for memory, cores for cpu): every suffix
 * Kubernetes defines, and decimal exponents. A finite number is taken as it is. Undefined when the
 * value is not a quantity (surrounding spaces are ignored, none is allowed inside).
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY_PATTERN.exec(value.trim());
  if (!m) return undefined;
  const [, number = '', exponent, suffix = ''] = m;
  // Powers of ten go through the number's text, so 128974848000m is exactly 128974848.
  const n =
    exponent !== undefined
      ? Number(`${number}e${exponent}`)
      : suffix in BINARY
        ? Number(number) * 2 ** (BINARY[suffix] ?? 0)
        : Number(`${number}e${DECIMAL[suffix] ?? 0}`);
  return Number.isFinite(n) ? n : undefined;
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
