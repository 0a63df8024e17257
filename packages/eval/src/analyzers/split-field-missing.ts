import { envOf } from './env-values.js';
import { appliedBack, readBack } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapVolumes,
  envFromConfigMaps,
  type Finding,
  outputs,
  ownerDeployment,
  podConfigReads,
  podObject,
} from './types.js';

/**
 * An index past the end of an array, with the index and the array's length: Java's
 * `ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2` (JDK 11 and later) and Go's
 * `panic: runtime error: index out of range [2] with length 2`.
 */
const OUT_OF_BOUNDS =
  /ArrayIndexOutOfBoundsException: Index (\d{1,4}) out of bounds for length (\d{1,4})|index out of range \[(\d{1,4})\] with length (\d{1,4})/;
/** A Java stack frame (`at pkg.Class.method(File.java:56)`) or a Go one (`main.parseHosts(...)`). */
const FRAME = /^\s*(?:at\s+)?((?:(?:[\w$]{1,100}|\(\*?[\w$]{1,100}\))[./]){1,30})([\w$]{1,100})\(/;
/** A line that says the program finished starting (Spring Boot's `Started X in 4.1 seconds`, a server listening). */
const STARTED =
  /\bStarted \S{1,100} in \d{1,5}(?:\.\d{1,3})? seconds\b|\blistening on\b|\bserver started\b|\bready to accept\b|\bstartup complete\b/i;
/** Names of variables and keys whose values are secrets: never quoted in an answer. */
const SECRET_NAME = /token|passw|secret|credential|api_?key|private/i;
/** Words of a method or class name that say what it does, not what it reads. */
const GENERIC = new Set(
  'parse parser get from config configuration load read init create build to of for with new split set apply make value values string property properties env supplier provider factory impl util utils helper main run func lambda'.split(
    ' ',
  ),
);
/** What a value's entries are split into fields by, most likely first. */
const SEPARATORS = [':', '|', '/', '@'] as const;
/** What a value's entries are separated by: commas, semicolons (Dyno's host list) or spaces. */
const ENTRY_SEP = /[,;\s]+/;
/** Dyno's (Netflix) host list: `host:port:rack[;host:port:rack…]`; the rack is the availability zone. */
const RACK_KEY = /(?:availabilityzone|availability_zone|rack|zone)$/i;

/** The words of a method's or class's name (`parseHostsFromConfig` → hosts), generic ones left out. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_$]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 3 && !GENERIC.has(w));
}

interface Crash {
  readonly pod: string;
  readonly line: string;
  readonly index: number;
  readonly length: number;
  readonly frame: string;
  readonly words: string[];
}

/** The first log of the namespace with an index past an array's end and the frame that raised it. */
function crash({ seen, ns }: AnalyzerContext): Crash | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const lines = boundedLogLines(o.content);
    for (const [i, line] of lines.entries()) {
      const m = OUT_OF_BOUNDS.exec(line);
      if (!m) continue;
      const index = Number(m[1] ?? m[3]);
      const length = Number(m[2] ?? m[4]);
      if (index < length) continue;
      // A crash after the program said it started is a request's, not a setting's read at start.
      if (lines.slice(0, i).some((l) => l.length <= 4000 && STARTED.test(l))) break;
      for (const next of lines.slice(i + 1, i + 6)) {
        const f = FRAME.exec(next);
        if (!f || /^(?:java|jdk|sun|runtime|reflect)[./]/.test(f[1]!)) continue;
        const cls = (f[1]!.replace(/[./]$/, '').split(/[./]/).pop() ?? '').replace(/[()*]/g, '');
        const words = [...nameWords(f[2]!), ...nameWords(cls)];
        if (words.length === 0) continue;
        return {
          pod: String(o.args['name'] ?? ''),
          line: line.trim(),
          index,
          length,
          frame: `${f[1]}${f[2]}`,
          words,
        };
      }
    }
  }
  return undefined;
}

interface Setting {
  readonly key: string;
  readonly value: string;
  /** The ConfigMap and its data key the setting is written in, or undefined for a variable. */
  readonly configMap?: { name: string; dataKey: string };
}

/** `key=value` and `key: value` lines of a configuration file (properties, flat YAML, env files). */
function fileSettings(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of text.slice(0, 100_000).split('\n').slice(0, 2000)) {
    const m = /^\s*([A-Za-z][\w.-]{0,200})\s*(?:=|:\s)\s*(.{0,2000})$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) out.push({ key: m[1]!, value: m[2]!.trim() });
  }
  return out;
}

/** The pod's settings: its containers' literal variables, then every line of its ConfigMaps' files. */
function settings(ctx: AnalyzerContext, described: string): Setting[] {
  const out: Setting[] = envOf(described).map((e) => ({ key: e.name, value: e.value }));
  for (const name of [...configMapVolumes(described), ...envFromConfigMaps(described)]) {
    const doc = readBack<{ data?: Record<string, unknown> }>(ctx.seen, {
      kind: 'ConfigMap',
      name,
      namespace: ctx.ns,
    });
    for (const [dataKey, text] of Object.entries(doc?.data ?? {})) {
      if (typeof text !== 'string') continue;
      const lines = text.includes('\n') ? fileSettings(text) : [{ key: dataKey, value: text }];
      for (const s of lines) out.push({ ...s, configMap: { name, dataKey } });
    }
  }
  return out;
}

/** Whether a setting's last name part is one of the words, singular or plural (`hosts`, `HOST`). */
function named(key: string, words: readonly string[]): boolean {
  const last = key.split(/[._-]/).pop()!.toLowerCase();
  const stem = last.replace(/(?:es|s)$/, '');
  return words.some((w) => {
    const ws = w.replace(/(?:es|s)$/, '');
    return last === w || stem === ws || last === ws || stem === w;
  });
}

/** The setting whose entries have as many fields as the array had, and the separator that splits them. */
function culprit(crashed: Crash, all: readonly Setting[]) {
  if (crashed.length < 2) return undefined;
  for (const s of all) {
    if (!named(s.key, crashed.words)) continue;
    const entries = s.value.slice(0, 4000).split(ENTRY_SEP).filter(Boolean).slice(0, 200);
    if (entries.length === 0) continue;
    for (const sep of SEPARATORS) {
      const fields = entries.map((e) => e.split(sep).length);
      // The entries with exactly as many fields as the array had are short; the others have the field.
      const short = entries.filter((_, k) => fields[k] === crashed.length);
      if (short.length > 0 && fields.every((n) => n === crashed.length || n > crashed.index))
        return { setting: s, sep, entries, short };
    }
  }
  return undefined;
}

const ORDINAL = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];
const ordinal = (i: number) => ORDINAL[i] ?? `${i + 1}th`;

/**
 * A program that crashes on an index past the end of an array, in the frame that parses a setting, because
 * the setting's value has fewer fields than its format: `conductor.redis.hosts=redis:6379` where the
 * format is `host:port:rack` (Java's `ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2`,
 * raised in `parseHostsFromConfig`). The setting is found by the frame's name (its words, singular or
 * plural, against the last part of each setting's name: `Hosts` → `conductor.redis.hosts`) among the
 * pod's variables and the lines of its ConfigMaps, and confirmed by counting: its entries, split by one
 * separator, have exactly as many fields as the array had. When the setting is a Dyno host list
 * (`host:port:rack`) and a sibling setting gives the availability zone, the fix adds it as each entry's
 * rack and applies the ConfigMap back.
 */
export const splitFieldMissingAnalyzer: Analyzer = {
  name: 'split-field-missing',
  first: true,
  reads(ctx) {
    const c = crash(ctx);
    if (!c) return [];
    return podConfigReads(ctx, c.pod, 3, true);
  },
  finds(ctx) {
    const c = crash(ctx);
    if (!c) return [];
    const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === c.pod).pop();
    if (!d) return [];
    const all = settings(ctx, d.content);
    const found = culprit(c, all);
    if (!found) return [];
    const { setting, sep, entries, short } = found;
    const owner = ownerDeployment(d.content);
    const where = setting.configMap
      ? `ConfigMap ${setting.configMap.name} (${setting.configMap.dataKey})`
      : `the container's environment`;
    // A secret's value is never quoted; its field count says enough.
    const secret = SECRET_NAME.test(setting.key);
    const value = secret ? '(value not shown)' : clip(setting.value, 100);
    const shown = `${setting.key}=${secret ? '(value not shown)' : clip(setting.value, 120)}`;
    const per =
      short.length < entries.length ? `in ${short.length} of its ${entries.length} entries` : 'per entry';
    // A Dyno host list's missing field is the rack, which is the availability zone a sibling sets.
    let fix: Finding['fix'];
    let rackText = '';
    const hostList = /host/i.test(setting.key) && sep === ':' && c.length === 2 && c.index === 2;
    const cut = Math.max(setting.key.lastIndexOf('.'), setting.key.lastIndexOf('_'));
    const prefix = cut >= 0 ? setting.key.slice(0, cut + 1) : '';
    const rack = hostList
      ? all.find(
          (s) =>
            s.configMap && s.key.startsWith(prefix) && RACK_KEY.test(s.key) && /^[\w.-]{1,63}$/.test(s.value),
        )
      : undefined;
    // The value with each short entry given the rack, its separators kept.
    const fixedValue = rack
      ? setting.value
          .split(/([,;\s]+)/)
          .map((t) => (short.includes(t) ? `${t}${sep}${rack.value}` : t))
          .join('')
      : undefined;
    if (hostList && rack && fixedValue) {
      rackText = `; in a Dyno host list (host:port:rack) the third field is the rack, the availability zone, which ${rack.key} gives: ${rack.value}`;
      if (setting.configMap) {
        const { name, dataKey } = setting.configMap;
        const doc = readBack<{ data?: Record<string, string> }>(ctx.seen, {
          kind: 'ConfigMap',
          name,
          namespace: ctx.ns,
        });
        try {
          const text = doc?.data?.[dataKey];
          if (typeof text === 'string') {
            let changed = false;
            if (setting.key === dataKey && !text.includes('\n')) {
              // One key per setting (a ConfigMap taken as variables): the key's value itself.
              doc!.data![dataKey] = fixedValue;
              changed = true;
            } else {
              const lines = text.split('\n');
              const at = lines.findIndex((l) => fileSettings(l)[0]?.key === setting.key);
              if (at >= 0) {
                lines[at] = lines[at]!.replace(setting.value, fixedValue);
                doc!.data![dataKey] = lines.join('\n');
                changed = true;
              }
            }
            if (changed)
              fix = {
                tool: 'apply_manifest',
                args: { namespace: ctx.ns, manifest: appliedBack(doc!) },
                text: `set ${setting.key}=${fixedValue} in ConfigMap ${name} (each host with its rack, ${rack.value}) and apply it`,
              };
          }
        } catch {
          fix = undefined;
        }
      }
    }
    return [
      {
        weight: 89,
        object: podObject(owner, c.pod),
        cause: `the setting ${setting.key} in ${where} is missing a field: its value (${value}) has ${c.length} '${sep}'-separated fields ${per}, and the program reads a ${ordinal(c.index)} one (index ${c.index}) when it parses it, in ${c.frame}, so it crashes at start with "${clip(c.line, 140)}"${rackText}`,
        evidence: [
          `logs of ${c.pod}: "${clip(c.line, 140)}" at ${c.frame}`,
          `${setting.configMap ? `get_resource ConfigMap ${setting.configMap.name}` : `describe_pod ${c.pod}`}: ${shown} (${c.length} fields)`,
        ],
        advice: `write ${setting.key} in the full format the program expects (${c.index + 1} or more '${sep}'-separated fields per entry)${fixedValue ? `: ${fixedValue}` : ''}, then restart the pods`,
        revisionSound: true,
        ...(fix ? { fix } : {}),
      },
    ];
  },
};
