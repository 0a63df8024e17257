import { parse } from 'yaml';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  configMapText,
  configMapVolumes,
  type Finding,
  outputs,
  type Read,
  unreadConfigMaps,
} from './types.js';

/** A program's words for a configuration it could not load or use. Bounded: 80 characters between. */
const CONFIG_FAILED =
  /\b(?:failed to (?:load|parse|read)|could not (?:load|parse|read)|unable to (?:load|parse)|error (?:loading|parsing)|invalid)\b[^\n]{0,80}\bconfig/i;
/** Largest ConfigMap value parsed, in characters (a ConfigMap holds at most 1 MiB). */
const MAX_VALUE = 100_000;
/** Entries and keys walked per document, so a hostile document costs bounded work. */
const MAX_NODES = 5_000;

/** Pods of the namespace whose log says the program could not load its configuration. */
function failingPods(ctx: AnalyzerContext): { pod: string; line: string }[] {
  const out: { pod: string; line: string }[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && CONFIG_FAILED.test(l));
    if (line) out.push({ pod: String(o.args['name'] ?? ''), line: line.trim() });
  }
  return out;
}

/** The data values of a ConfigMap as `get_resource` prints it (YAML of the object). */
function dataValues(text: string): [string, string][] {
  if (text.length > 2 * MAX_VALUE) return [];
  try {
    const o = parse(text, { maxAliasCount: 0 }) as { data?: Record<string, unknown> } | null;
    return Object.entries(o?.data ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  } catch {
    return [];
  }
}

interface Odd {
  /** The path of the map whose entries disagree (`configs`). */
  readonly parent: string;
  /** The entry whose key holds a single value (`oncall`), and one whose key holds a list (`backups`). */
  readonly entry: string;
  readonly sibling: string;
  readonly key: string;
  readonly value: string;
  readonly listed: string;
}

/** A list item as written: a scalar's text, or a mapping's first key (`- "mailto://…":` with options below). */
function itemText(item: unknown): string {
  if (item && typeof item === 'object' && !Array.isArray(item)) return Object.keys(item)[0] ?? '';
  return typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean'
    ? String(item)
    : '';
}

/**
 * Entries of one map that disagree on a key's shape: where one or more of the other entries give the
 * key a list, exactly one gives it a single string. A program reading that key as a list reads the
 * string as something else (a list of characters, or nothing), so the one entry loads no value.
 */
function oddShapes(doc: unknown): Odd[] {
  const out: Odd[] = [];
  let budget = MAX_NODES;
  const walk = (node: unknown, path: string) => {
    if (budget-- <= 0 || !node || typeof node !== 'object' || Array.isArray(node)) return;
    const entries = Object.entries(node as Record<string, unknown>);
    const maps = entries.filter(
      (e): e is [string, Record<string, unknown>] =>
        !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1]),
    );
    if (maps.length >= 2) {
      const keys = new Set(maps.flatMap(([, m]) => Object.keys(m)));
      for (const key of keys) {
        if (budget-- <= 0) break;
        const lists = maps.filter(([, m]) => Array.isArray(m[key]) && (m[key] as unknown[]).length > 0);
        const strings = maps.filter(([, m]) => typeof m[key] === 'string');
        if (lists.length >= 1 && strings.length === 1) {
          const [entry, m] = strings[0]!;
          const [sibling, s] = lists[0]!;
          out.push({
            parent: path,
            entry,
            sibling,
            key,
            value: String(m[key]),
            listed: itemText((s[key] as unknown[])[0]),
          });
        }
      }
    }
    for (const [k, v] of entries) walk(v, path ? `${path}.${k}` : k);
  };
  walk(doc, '');
  return out;
}

/**
 * One entry of a configuration that writes a key as a single string where its sibling entries write a
 * list: in YAML a value on the line after the key without `- ` is a string, not a list of one item.
 * The program reads that key as a list, so the entry loads nothing (Apprise: "There are no service(s)
 * to notify") while its siblings work. Found from a program that says it could not load its
 * configuration, the ConfigMap its pod mounts (read when not read yet, parsed with a YAML library, at
 * most 100,000 characters a value, aliases refused) and the entry the person or the log names when more
 * than one disagrees.
 */
export const configShapeAnalyzer: Analyzer = {
  name: 'config-shape',
  first: true,
  reads(ctx): Read[] {
    const pods = failingPods(ctx);
    if (pods.length === 0) return [];
    const names = pods.flatMap(({ pod }) =>
      outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).flatMap((o) =>
        configMapVolumes(o.content),
      ),
    );
    return unreadConfigMaps(ctx.seen, ctx.ns, [...new Set(names)], 2);
  },
  finds(ctx): Finding[] {
    const pods = failingPods(ctx);
    if (pods.length === 0) return [];
    const words = new Set(
      ctx.task
        .slice(0, 4000)
        .toLowerCase()
        .match(/[a-z0-9][a-z0-9_-]{1,62}/g) ?? [],
    );
    const logged = new Set(
      outputs(ctx.seen, 'get_pod_logs', (o) => pods.some((p) => p.pod === o.args['name'])).flatMap(
        (o) =>
          o.content
            .slice(-100_000)
            .toLowerCase()
            .match(/[a-z0-9][a-z0-9_-]{1,62}/g) ?? [],
      ),
    );
    for (const { pod, line } of pods) {
      const maps = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).flatMap((o) =>
        configMapVolumes(o.content),
      );
      for (const cm of [...new Set(maps)]) {
        const text = configMapText(ctx.seen, cm, ctx.ns);
        if (!text) continue;
        for (const [key, value] of dataValues(text)) {
          if (value.length > MAX_VALUE) continue;
          let doc: unknown;
          try {
            doc = parse(value, { maxAliasCount: 0 });
          } catch {
            continue;
          }
          const odd = oddShapes(doc);
          const named = odd.filter(
            (o) => words.has(o.entry.toLowerCase()) || logged.has(o.entry.toLowerCase()),
          );
          const pick = named.length === 1 ? named[0] : odd.length === 1 ? odd[0] : undefined;
          if (!pick) continue;
          const at = `${pick.parent ? `${pick.parent}.` : ''}${pick.entry}.${pick.key}`;
          return [
            {
              weight: 88,
              object: `ConfigMap ${cm}`,
              cause: `in ConfigMap ${cm} (${key}), ${at} is a single string ("${clip(pick.value, 100)}") where ${pick.sibling}'s ${pick.key} is a YAML list (- "${clip(pick.listed, 80)}"): without the leading "- " the value is a string, not a list item, so the program loads no ${pick.key} for ${pick.entry} ("${clip(line, 160)}") while ${pick.sibling} works; write it as a list: ${pick.key}: then - "${clip(pick.value, 100)}" on the next line`,
              evidence: [
                `get_pod_logs ${pod}: "${clip(line, 160)}"`,
                `get_resource ConfigMap ${cm}: ${at}: "${clip(pick.value, 100)}"; ${pick.parent ? `${pick.parent}.` : ''}${pick.sibling}.${pick.key}: [- "${clip(pick.listed, 80)}"]`,
              ],
              advice: `in ConfigMap ${cm}, write ${at} as a YAML list (- "${clip(pick.value, 100)}") and restart the program`,
              revisionSound: true,
            },
          ];
        }
      }
    }
    return [];
  },
};
