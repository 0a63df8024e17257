const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Parses `90s`, `5m`, `3h20m`, `2d` (or a number of seconds) to seconds; undefined when unreadable. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * UNIT.d! + Number(h ?? 0) * UNIT.h! + Number(min ?? 0) * UNIT.m! + Number(s ?? 0);
}

/** A short human age like kubectl prints: `45s`, `3m20s`, `25m`, `5h12m`, `3d`. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

/** Age of a timestamp relative to `now`, or `<unknown>`. */
export function ageOf(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' && !(timestamp instanceof Date)) return '<unknown>';
  const t = new Date(timestamp).getTime();
  if (Number.isNaN(t)) return '<unknown>';
  return formatAge((now.getTime() - t) / 1000);
}
