import { parse } from 'yaml';
import { type Analyzer, type AnalyzerContext, clip, type Finding, loggedLines, outputs } from './types.js';

/**
 * A program logging the value a dotted setting took effect with (`effective
 * index.mapping.total_fields.limit=1000`). Bounded: the name is at most 200 characters.
 */
const EFFECTIVE = /\beffective\s([a-z][a-z0-9_]{0,40}(?:\.[a-z0-9_]{1,40}){1,8})\s?[=:]\s?([^\s,;]{1,60})/i;
/** Keys that hold a component's settings, one of which should be the setting's parent. */
const SETTINGS_PARENTS = new Set(['settings', 'index', 'config', 'spec', 'options']);

interface Placed {
  path: string[];
  value: string;
}

/** Every path in a parsed YAML document that ends with `tail`, with its value (depth-limited). */
function pathsEnding(doc: unknown, tail: readonly string[], at: string[] = [], out: Placed[] = []): Placed[] {
  if (at.length > 12 || out.length > 8 || doc === null || typeof doc !== 'object') return out;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const path = [...at, k];
    if (path.length >= tail.length && tail.every((t, i) => path[path.length - tail.length + i] === t))
      if (typeof v !== 'object' || v === null) out.push({ path, value: String(v) });
    pathsEnding(v, tail, path, out);
  }
  return out;
}

/** The setting's tail in a config: its last three segments (`mapping.total_fields.limit`). */
const tailOf = (setting: string) => setting.split('.').slice(-3);

/**
 * A setting written in the configuration but at the wrong level, so the program never reads it: it
 * logs the setting's effective value (the default), while a ConfigMap it mounts holds the same keys
 * with another value nested under an unrelated block (`analysis:` instead of `settings:`, after a
 * merge indented it). YAML keeps whatever nesting it is given; the program looks the setting up at its
 * own path and finds nothing there. Found from the logged name and value and the ConfigMap read
 * (`describe_resource` or `get_resource`); the fix moves the block to the level the program reads.
 */
export const misplacedSettingAnalyzer: Analyzer = {
  name: 'misplaced-setting',
  reads: () => [],
  finds(ctx: AnalyzerContext): Finding[] {
    const hit = loggedLines(ctx.seen, ctx.ns, (l) => l.length <= 2000 && EFFECTIVE.test(l))[0];
    if (!hit) return [];
    const [, setting, effective] = EFFECTIVE.exec(hit.line)!;
    const tail = tailOf(setting!);
    for (const o of outputs(
      ctx.seen,
      'describe_resource',
      (x) => /^configmaps?$/i.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
    ).concat(
      outputs(
        ctx.seen,
        'get_resource',
        (x) => /^configmaps?$/i.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
      ),
    )) {
      for (const text of blocks(o.content)) {
        let doc: unknown;
        try {
          doc = parse(text);
        } catch {
          continue;
        }
        const placed = pathsEnding(doc, tail).find((p) => p.value !== effective);
        if (!placed) continue;
        const parent = placed.path[placed.path.length - tail.length - 1];
        if (parent === undefined || SETTINGS_PARENTS.has(parent)) continue;
        const map = String(o.args['name']);
        return [
          {
            // Above a failed Job's or a crash's finding (86-92 with the task's words): it says why.
            weight: 95,
            object: `ConfigMap ${map} in ${ctx.ns}`,
            cause: `the program runs with ${setting}=${effective} ("${clip(hit.line, 160)}") although ConfigMap ${map} sets ${tail.join('.')} to ${placed.value}: in that file the block is nested under "${parent}" (${placed.path.join('.')}), the wrong level, so the program never reads it and the setting is not applied; it falls back to the default`,
            evidence: [
              `get_pod_logs ${String(hit.log.args['name'])}: "${clip(hit.line, 200)}"`,
              `ConfigMap ${map}: ${placed.path.join('.')}: ${placed.value}`,
            ],
            advice: `move ${tail.join('.')} out of "${parent}" to the level where the program reads its settings (beside "${parent}", not under it), then run it again`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};

/**
 * The YAML documents a ConfigMap's output holds: each data value written as a block scalar
 * (`key.yaml: |`), un-indented; at most 200,000 characters are read.
 */
function blocks(text: string): string[] {
  const lines = text.slice(0, 200_000).split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    // `kubectl describe`'s form: the key, a `----` rule, then the value unindented.
    if (/^[\w.-]{1,253}\.ya?ml:$/.test(lines[i]!) && lines[i + 1] === '----') {
      const body: string[] = [];
      for (let j = i + 2; j < lines.length; j++) {
        if (
          (/^[\w.-]{1,253}:$/.test(lines[j]!) && lines[j + 1] === '----') ||
          /^(BinaryData|Events)\b/.test(lines[j]!)
        )
          break;
        body.push(lines[j]!);
      }
      out.push(body.join('\n'));
      continue;
    }
    if (!/^\s{0,8}[\w.-]{1,253}\.ya?ml:\s*\|[-+]?\s*$/.test(lines[i]!)) continue;
    const indent = lines[i + 1]?.match(/^\s*/)?.[0].length ?? 0;
    if (indent === 0) continue;
    const body: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() && (l.match(/^\s*/)?.[0].length ?? 0) < indent) break;
      body.push(l.slice(indent));
    }
    out.push(body.join('\n'));
  }
  return out;
}
