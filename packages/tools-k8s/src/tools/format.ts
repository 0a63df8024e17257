import { cutText } from '@sre-harness/core';
import { stringify } from 'yaml';
import type { KubeObject } from '../cluster.js';

/** Default cap on a tool's output, in characters. */
export const DEFAULT_MAX_OUTPUT = 8000;

/** Lays rows out in aligned columns like kubectl's tables (three spaces between columns). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * Cuts text longer than `max` characters (between code points) and says so, so the model knows to
 * narrow its query.
 */
export function cap(text: string, max: number, hint = 'narrow the query'): string {
  if (text.length <= max) return text;
  const kept = cutText(text, max);
  return `${kept}\n[output cut: showing ${kept.length} of ${text.length} characters; ${hint}]`;
}

/** Indents every line of a block. */
export function indent(text: string, by = 2): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

/** `key=value` pairs, or `<none>`. */
export function pairs(map: Record<string, string> | undefined, sep = ','): string {
  const entries = Object.entries(map ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(sep) : '<none>';
}

/**
 * A copy of an object with Secret values replaced by their byte counts, and noisy metadata dropped
 * (managedFields, resourceVersion, the last-applied annotation).
 */
export function redact(obj: KubeObject): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
  if (copy.metadata) {
    delete copy.metadata.managedFields;
    delete copy.metadata.resourceVersion;
    const ann = copy.metadata.annotations;
    if (ann) delete ann['kubectl.kubernetes.io/last-applied-configuration'];
  }
  if (copy.kind === 'Secret') {
    for (const field of ['data', 'stringData'] as const) {
      const data = copy[field] as Record<string, string> | undefined;
      if (!data) continue;
      copy[field] = Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, `<redacted: ${secretBytes(v, field === 'data')} bytes>`]),
      );
    }
  }
  return copy;
}

/** Byte length of a Secret value (base64 in `data`, plain in `stringData`). */
export function secretBytes(value: unknown, base64: boolean): number {
  if (typeof value !== 'string') return 0;
  return base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value);
}

/** Deep copy with map keys in alphabetical order, as `kubectl get -o yaml` prints them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** YAML of an object with keys sorted like kubectl's, Secret values masked. */
export function toYaml(obj: KubeObject): string {
  return stringify(sortKeys(redact(obj)), { lineWidth: 0 }).trimEnd();
}
