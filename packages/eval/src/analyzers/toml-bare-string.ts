import { parse as parseToml } from 'smol-toml';
import { appliedBack, readBack } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  podConfigReads,
  podObject,
  type Read,
} from './types.js';

/**
 * A program's refusal of its configuration file as a parser says it: go-toml's `(6, 28): …` position,
 * "line 6", a TOML or parse error. Bounded: at most 300 characters before the position.
 */
const PARSE_FAILED = /\b(?:pars(?:e|ing)|toml|syntax|unexpected|invalid|never reached)\b/i;
const POSITION = /\((\d{1,6}), ?(\d{1,5})\)|\bline (\d{1,6})\b/;
/** A ConfigMap's data that is TOML: its key ends in `.toml`. */
const TOML_KEY = /\.toml$/i;
/** A TOML value that needs no quotes: a number, a boolean, a date or time, inf and nan. */
const BARE_OK =
  /^(?:[+-]?(?:\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|inf|nan)|true|false|\d{4}-\d\d-\d\d(?:[T ][\d:.]+(?:Z|[+-]\d\d:\d\d)?)?|\d\d:\d\d:\d\d(?:\.\d+)?)$/;
/** A word written where TOML needs a string: letters, digits, `-`, `_`, `.`, `/`. */
const BARE_WORD = /^[A-Za-z_][\w./-]{0,200}$/;

/** The crash line of a namespace's log that says the configuration did not parse, with its line when given. */
function refused({ seen, ns }: AnalyzerContext): { pod: string; line: string; at?: number } | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    for (const line of boundedLogLines(o.content)) {
      if (!/\bconfig/i.test(line) || !PARSE_FAILED.test(line)) continue;
      const m = POSITION.exec(line.slice(0, 2000));
      const at = m ? Number(m[1] ?? m[3]) : undefined;
      return { pod: String(o.args['name'] ?? ''), line: line.trim(), ...(at ? { at } : {}) };
    }
  }
  return undefined;
}

/**
 * Where a TOML parser (smol-toml, TOML 1.0) refuses `text`: its 1-based line, undefined when it gives none,
 * null when the text parses.
 */
function tomlError(text: string): number | undefined | null {
  try {
    parseToml(text);
    return null;
  } catch (e) {
    const line = (e as { line?: unknown }).line;
    return typeof line === 'number' && line > 0 ? line : undefined;
  }
}

/** The bare words of one TOML line's value (`key = [ a, "b" ]`, `key = word`), at most ten. */
export function bareWords(line: string, inArray = false): string[] {
  const text = line.replace(/\r$/, '');
  const m = /^\s*[A-Za-z0-9_.-]{1,200}\s*=\s*(.{1,4000})$/.exec(text);
  // A line of an array written across lines holds items only (`  alpha,`).
  if (!m && !inArray) return [];
  let value = valuePart(m ? m[1]! : text).trim();
  if (value.startsWith('[')) value = value.slice(1);
  if (value.endsWith(']')) value = value.slice(0, -1);
  if (value.startsWith('{') || value.includes('[')) return [];
  const out: string[] = [];
  for (const raw of value.split(',').slice(0, 200)) {
    const item = raw.trim();
    if (!item || /^["']/.test(item) || BARE_OK.test(item) || !BARE_WORD.test(item)) continue;
    out.push(item);
  }
  return out.slice(0, 10);
}

/** A value without its trailing comment: up to the first `#` outside a quoted string. */
function valuePart(value: string): string {
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return value.slice(0, i);
  }
  return value;
}

/** What a bare word should be written as: a boolean in lower case (`True` → `true`), else a basic string. */
function written(word: string): string {
  return /^(?:true|false)$/i.test(word) ? word.toLowerCase() : `"${word}"`;
}

/** The same line with its bare words written as TOML values, its comment and the rest kept as written. */
function quoted(line: string, words: readonly string[]): string {
  const text = line.replace(/\r$/, '');
  const eq = /^\s*[A-Za-z0-9_.-]{1,200}\s*=/.exec(text)?.[0].length ?? 0;
  const value = valuePart(text.slice(eq));
  const comment = text.slice(eq + value.length);
  const fixed = value.replace(
    /(^|[[,\s])([A-Za-z_][\w./-]{0,200})(?=\s*(?:[,\]]|$))/g,
    (all, before: string, word: string) => (words.includes(word) ? `${before}${written(word)}` : all),
  );
  return `${text.slice(0, eq)}${fixed}${comment}`;
}

/** Whether line `at` of `lines` lies inside an array opened on an earlier line and not closed before it. */
function insideArray(lines: readonly string[], at: number): boolean {
  let depth = 0;
  for (const line of lines.slice(Math.max(0, at - 200), at)) {
    const v = valuePart(line.replace(/\r$/, '')).replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '');
    for (const c of v) {
      if (c === '[' && !/^\s*\[/.test(v)) depth++;
      else if (c === ']' && depth > 0) depth--;
    }
  }
  return depth > 0;
}

interface Found {
  readonly pod: string;
  readonly said: string;
  readonly configMap: string;
  readonly key: string;
  readonly lineNo: number;
  readonly text: string;
  readonly words: string[];
  readonly doc: { data?: Record<string, unknown> };
}

/** The TOML line of the pod's ConfigMaps that holds bare words: the one the parser names, else the first. */
function found(ctx: AnalyzerContext): Found | undefined {
  const r = refused(ctx);
  if (!r) return undefined;
  const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop();
  if (!d) return undefined;
  for (const name of configMapVolumes(d.content)) {
    const doc = readBack<{ data?: Record<string, unknown> }>(ctx.seen, {
      kind: 'ConfigMap',
      name,
      namespace: ctx.ns,
    });
    if (!doc) continue;
    for (const [key, value] of Object.entries(doc.data ?? {})) {
      if (typeof value !== 'string' || !TOML_KEY.test(key)) continue;
      // Only a file a TOML parser refuses (smol-toml, TOML 1.0), at the line it names when it names one.
      const at = tomlError(value);
      if (at === null) continue;
      const lines = value.split(/\r?\n/).slice(0, 5000);
      const line = at ?? r.at;
      const candidates = line !== undefined ? [line - 1] : lines.map((_, i) => i);
      for (const i of candidates) {
        const words = bareWords(lines[i] ?? '', insideArray(lines, i));
        if (words.length > 0)
          return {
            pod: r.pod,
            said: r.line,
            configMap: name,
            key,
            lineNo: i + 1,
            text: lines[i]!,
            words,
            doc,
          };
      }
    }
  }
  return undefined;
}

/**
 * A program that will not start because its TOML configuration holds a string without quotes (`[ staging-orders,
 * "staging-search" ]`): TOML allows bare words only as keys, so a value must be a quoted string, a number, a
 * boolean, a date or an array or table of those (toml.io, v1.0.0, "String", "Array"); the parser stops there
 * (go-toml's "(6, 28): never reached"). Found from the crash line that says the configuration did not parse and
 * the `.toml` key of a ConfigMap the pod mounts that a TOML parser (smol-toml) refuses, at the line it names.
 * The fix quotes the bare words and applies the ConfigMap back, only when the file then parses.
 */
export const tomlBareStringAnalyzer: Analyzer = {
  name: 'toml-bare-string',
  first: true,
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (!r) return [];
    return podConfigReads(ctx, r.pod, 2);
  },
  finds(ctx): Finding[] {
    const f = found(ctx);
    if (!f) return [];
    const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === f.pod).pop();
    const owner = d ? ownerDeployment(d.content) : undefined;
    const fixedLine = quoted(f.text, f.words);
    const text = String(f.doc.data?.[f.key] ?? '');
    const lines = text.split('\n');
    // A file with CRLF line ends keeps them.
    lines[f.lineNo - 1] = `${fixedLine}${lines[f.lineNo - 1]?.endsWith('\r') ? '\r' : ''}`;
    const doc = structuredClone(f.doc);
    doc.data![f.key] = lines.join('\n');
    // Only a change that makes the file parse is proposed.
    const parses = tomlError(lines.join('\n')) === null;
    const words = f.words.map((w) => `\`${w}\``).join(', ');
    return [
      {
        weight: 90,
        object: podObject(owner, f.pod),
        cause: `the program cannot parse its TOML configuration ${f.key} from ConfigMap ${f.configMap}: line ${f.lineNo} (${clip(f.text.trim(), 140)}) holds ${words} unquoted, and TOML takes a bare word only as a key, never as a value (a string must be quoted), so the parser stops there and the program exits at start ("${clip(f.said, 160)}")`,
        evidence: [
          `logs of ${f.pod}: "${clip(f.said, 160)}"`,
          `get_resource ConfigMap ${f.configMap}: ${f.key} line ${f.lineNo}: ${clip(f.text.trim(), 140)}`,
        ],
        ...(parses
          ? {
              fix: {
                tool: 'apply_manifest',
                args: { namespace: ctx.ns, manifest: appliedBack(doc) },
                text: `quote ${words} in ${f.key} line ${f.lineNo} of ConfigMap ${f.configMap} (${clip(fixedLine.trim(), 120)}) and apply it`,
              },
            }
          : {}),
        advice: `write ${words} as quoted strings in ${f.key} (${clip(fixedLine.trim(), 120)}), then let the pod restart`,
        revisionSound: true,
      },
    ];
  },
};
