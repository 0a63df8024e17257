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

/** Characters tokens and keys are written with (base64, base64url, hex, JWT dots, URL escapes). */
const isTokenChar = (code: number) =>
  (code >= 48 && code <= 57) ||
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  code === 45 || // -
  code === 95 || // _
  code === 43 || // +
  code === 47 || // /
  code === 61 || // =
  code === 46 || // .
  code === 126 || // ~
  code === 37; // %

/** Longest run of token characters that `cutWord` drops whole rather than keep the start of. */
const MAX_WORD = 4096;

/**
 * `text` cut to at most `max` characters (between code points); a cut that would fall inside a run of
 * token characters drops that run's start too. The redactor runs on a tool's answer after the tool
 * cut it, and it cannot recognize a secret of which only the first few characters are left
 * (`ghp_A1b2C3…`): the start of a token must not survive a cut.
 */
export function cutWord(text: string, max: number): string {
  const kept = cutText(text, max);
  if (kept.length === text.length || !isTokenChar(text.charCodeAt(kept.length))) return kept;
  let start = kept.length;
  while (start > 0 && kept.length - start < MAX_WORD && isTokenChar(kept.charCodeAt(start - 1))) start--;
  return kept.length - start >= MAX_WORD ? kept : kept.slice(0, start);
}

/**
 * Cuts text longer than `max` characters (between code points) and says so, so the model knows to
 * narrow its query.
 */
export function cap(text: string, max: number, hint = 'narrow the query'): string {
  if (text.length <= max) return text;
  const kept = cutWord(text, max);
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
