import { cutText } from '@sre-harness/core';
import type { KubeObject } from '../cluster.js';
import type { KubeEvent } from '../types.js';

/**
 * One problem an analyzer found: the object it is about, a short reason code, a sentence saying what
 * is wrong, the evidence it rests on (condition and event messages, exit codes, field values, quoted
 * from the objects read) and, where it follows from the facts alone, the next read or the fix.
 */
export interface Finding {
  /** The analyzer that found it. */
  readonly analyzer: string;
  /** The analyzer's priority: higher is more often the root cause when several findings hold. */
  readonly priority: number;
  readonly kind: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name: string;
  /** A reason code without spaces, such as `CrashLoopBackOff`, `NoEndpoints`, `StorageClassNotFound`. */
  readonly reason: string;
  /** One sentence: what is wrong. */
  readonly message: string;
  /** What it rests on, each quoted from a field, a condition or an event. */
  readonly evidence: readonly string[];
  /** The container the finding is about, when it is about one. */
  readonly container?: string;
  /** The object that owns the one found (a pod's Deployment, StatefulSet or Job), as `Kind/name`. */
  readonly owner?: string;
  /** The next read worth making, as a tool call in words (`get_pod_logs … previous=true`). */
  readonly next?: string;
  /** The fix, when it follows from the facts alone. */
  readonly fix?: string;
}

/** What a finding needs before the analyzer's name and priority are added. */
export type Found = Omit<Finding, 'analyzer' | 'priority'>;

/**
 * The typed objects one scan read, fetched once per kind and shared by every analyzer. A kind the
 * scan could not read (not served, or outside the agent's scope) lists as empty and is named in
 * `unread`, so an analyzer can tell "none" from "not known".
 */
export interface Facts {
  /** The namespace scanned, or undefined when every readable namespace was. */
  readonly namespace: string | undefined;
  /** The cluster's idea of now. */
  readonly now: Date;
  /** The objects of a kind (as named in `WELL_KNOWN_KINDS`, or an analyzer's extra kind). */
  list<T = KubeObject>(kind: string): readonly T[];
  /** Whether a kind was read (served and in scope). */
  read(kind: string): boolean;
  /** Events about one object, newest first. */
  eventsFor(kind: string, name: string, namespace: string | undefined): readonly KubeEvent[];
}

/**
 * One failure family, in the manner of k8sgpt's analyzers: the kinds it reads, its priority (which
 * of its findings is likelier the root cause) and what it finds in the facts. It reads typed
 * objects, never a tool's text, and its work is bounded in the size of what it reads.
 */
export interface Analyzer {
  readonly name: string;
  /** The kinds it reads; the scan fetches the union once. */
  readonly kinds: readonly string[];
  readonly priority: number;
  analyze(facts: Facts): Found[];
}

/**
 * Like `quote`, but a text longer than `max` keeps its start and its end (` … ` between): a cloud
 * provider's error puts the cause last ("… api error IncorrectState: KMS key is disabled").
 */
export function quoteEnds(text: string | undefined, max = 300, head = 100): string {
  if (!text) return '';
  const all = quote(text, 8192);
  const points = [...all];
  if (points.length <= max) return all;
  const h = Math.max(0, Math.min(head, max - 4));
  // The end is read from the text's own end: the quote above stops at 8192 characters, and a
  // longer text would otherwise end the finding with its middle. A slice of 4 × max code units
  // holds the last max code points; it starts on a whole code point.
  let from = Math.max(0, text.length - 4 * max);
  const unit = text.charCodeAt(from);
  if (from > 0 && unit >= 0xdc00 && unit <= 0xdfff) from++;
  const end = [...quote(text.slice(from), 8 * max)];
  return `${points.slice(0, h).join('')} … ${end.slice(Math.max(0, end.length - (max - h - 3))).join('')}`;
}

/** Untrusted text for a finding: whitespace collapsed (no line breaks), at most `max` characters, cut between code points. */
export function quote(text: string | undefined, max = 200): string {
  if (!text) return '';
  // A linear pass: no regular expression over untrusted text.
  let out = '';
  let space = false;
  for (const ch of text) {
    const blank = ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\f' || ch === '\v';
    if (blank) {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
    if (out.length > max + 2) break;
  }
  return out.length > max ? `${cutText(out, max - 1)}…` : out;
}

/** Whether labels satisfy a LabelSelector (`matchLabels` and `matchExpressions`); an empty selector selects all. */
export function selects(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values?: string[] }[];
      }
    | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const v = l[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(v!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(v!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Whether labels carry every pair of a Service-style selector (a map); an empty map selects nothing. */
export function selectsMap(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** `key=value,…` of a selector map. */
export function pairsOf(map: Record<string, string> | undefined): string {
  const e = Object.entries(map ?? {});
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** The newest event's text for an object with one of the reasons, as evidence. */
export function eventLine(e: KubeEvent): string {
  const count = e.count && e.count > 1 ? ` (x${e.count})` : '';
  return `event ${e.type ?? 'Normal'} ${quote(e.reason, 60)}${count}: ${quote(e.message)}`;
}

/** Lower-case `text` contains `word` (lower-case): plain substring search on untrusted text. */
export function mentions(text: string | undefined, ...words: string[]): boolean {
  if (!text) return false;
  const t = text.toLowerCase();
  return words.some((w) => t.includes(w));
}

/** `ns/name`, or `name` for a cluster-scoped object. */
export function where(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
