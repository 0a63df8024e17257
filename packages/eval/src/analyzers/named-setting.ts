import { errorLines, warningLines } from './app-errors.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  configMapText,
  configMapVolumes,
  containerSections,
  type Finding,
  outputs,
  type Read,
  tableOf,
  unreadConfigMaps,
} from './types.js';

/**
 * A setting a log line names as one ("server reached MaxRequestWorkers setting", "changing the
 * [search.max_open_scroll_context] setting", "the 'max_allowed_packet' variable"): the name, quoted or
 * bracketed or bare, right before the word. Bounded: the name is at most 80 characters.
 */
const NAMED =
  /(?<![\w.-])['"`[]?([A-Za-z][A-Za-z0-9_.-]{2,80})['"`\]]?\s{1,3}(?:setting|directive|parameter|variable|option|config(?:uration)? (?:key|value))\b/g;

/** Words that say a limit was hit (`reached`, `exceeds`, `too many`, `consider raising`). */
const LIMIT_SAID =
  /\b(?:reached|exceed\w{0,3}|limit|too (?:many|large|long|small)|rais\w{1,3}|increas\w{1,3}|must be less than|maximum|max(?:imum)? of)\b/i;

/** Whether a word reads as a configuration key: snake_case, dotted, or CamelCase, not a plain word. */
function keyLike(name: string): boolean {
  return /[a-z0-9][_.][a-z]/i.test(name) || /[a-z][A-Z]/.test(name);
}

/** The settings the lines name, first seen first (at most four). */
export function namedSettings(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    // A limit reached or exceeded, not a deprecation notice or a setting merely mentioned.
    if (l.length > 4000 || !LIMIT_SAID.test(l) || /deprecat/i.test(l)) continue;
    for (const m of l.matchAll(NAMED)) {
      const name = m[1]!.replace(/[.-]+$/, '');
      if (keyLike(name) && !out.includes(name)) out.push(name);
    }
  }
  return out.slice(0, 4);
}

/** `MaxRequestWorkers` → `MAX_REQUEST_WORKERS`, `search.max_open_scroll_context` → `SEARCH_MAX_OPEN_SCROLL_CONTEXT`. */
function asVariable(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[.-]/g, '_')
    .toUpperCase();
}

/**
 * The value a configuration text gives the setting: a line `name value`, `name = value` or `name:
 * value` (Apache, my.cnf, YAML, properties), not commented out. Undefined when no line sets it.
 */
export function configuredValue(text: string, name: string): { value: string; line: string } | undefined {
  const lower = name.toLowerCase();
  for (const raw of text.slice(0, 200_000).split('\n')) {
    if (raw.length > 2000) continue;
    const l = raw.trim();
    if (/^[#;]|^\/\//.test(l)) continue;
    const at = l.toLowerCase().indexOf(lower);
    if (at !== 0 && !(at > 0 && /[\s"'-]/.test(l[at - 1]!))) continue;
    const rest = l.slice(at + name.length);
    const m = /^["']?\s{0,40}[:=]?\s{0,40}["']?([^\s"'#;,]{1,60})/.exec(rest);
    if (m && /^\s|^["']?\s{0,40}[:=]/.test(rest)) return { value: m[1]!, line: l };
  }
  return undefined;
}

interface Setting {
  pod: string;
  line: string;
  name: string;
  value: string;
  where: string;
}

/** The failing or warning lines of each current log read in the namespace, by pod. */
function reported(ctx: AnalyzerContext): { pod: string; lines: string[] }[] {
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns && !o.args['previous']).map(
    (o) => {
      const tail = o.content.slice(-200_000);
      return { pod: String(o.args['name']), lines: [...errorLines(tail), ...warningLines(tail)] };
    },
  );
}

/** Where the pod's configuration says what value a setting its log names has, if anywhere the run read. */
function found(ctx: AnalyzerContext): Setting | undefined {
  for (const { pod, lines } of reported(ctx)) {
    const names = namedSettings(lines);
    if (names.length === 0) continue;
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
    for (const name of names) {
      const line = lines.find((l) => l.includes(name))!;
      for (const c of containerSections(described)) {
        const v = envOf(c.body).find((e) => e.name.toUpperCase().endsWith(asVariable(name)));
        if (v)
          return { pod, line, name, value: v.value, where: `the variable ${v.name} of container ${c.name}` };
      }
      for (const cm of configMapVolumes(described)) {
        const read = configMapText(ctx.seen, cm, ctx.ns);
        const set = read !== undefined ? configuredValue(read, name) : undefined;
        if (set)
          return { pod, line, name, value: set.value, where: `ConfigMap ${cm} ("${clip(set.line, 100)}")` };
      }
    }
  }
  return undefined;
}

/**
 * A limit the program says it reached, and the value it is configured with. A log line that names a
 * setting as such ("AH00161: server reached MaxRequestWorkers setting, consider raising the
 * MaxRequestWorkers setting", Elasticsearch's "changing the [search.max_open_scroll_context] setting",
 * MySQL's "the 'max_allowed_packet' variable") says which knob bounds it; the configuration the pod
 * mounts (its ConfigMap volumes) or its environment (the name in upper snake case) says how far. An
 * engineer quotes both: the limit is what is configured, not load or a broken autoscaler. Reads the
 * pod's mounted ConfigMaps (at most two); the finding advises raising the setting where it is set.
 */
export const namedSettingAnalyzer: Analyzer = {
  name: 'named-setting',
  reads(ctx): Read[] {
    if (found(ctx)) return [];
    for (const { pod, lines } of reported(ctx)) {
      if (namedSettings(lines).length === 0) continue;
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
      if (!described) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } }];
      return unreadConfigMaps(ctx.seen, ctx.ns, configMapVolumes(described.content), 2);
    }
    return [];
  },
  finds(ctx): Finding[] {
    const s = found(ctx);
    if (!s) return [];
    const running = tableOf(ctx.seen, 'list_pods').some(
      (r) => r['NAME'] === s.pod && r['STATUS'] === 'Running',
    );
    return [
      {
        weight: (running ? 70 : 62) + bonus(s.pod, ctx.hints),
        object: `pod ${s.pod}`,
        cause: `the program in pod ${s.pod} reports that it reached its ${s.name} setting ("${clip(s.line, 220)}"), and ${s.where} sets ${s.name} to ${s.value}: what bounds it is that configured limit, not the load alone`,
        evidence: [`get_pod_logs ${s.pod}: "${clip(s.line, 220)}"`, `${s.name} = ${s.value} in ${s.where}`],
        advice: `raise ${s.name} (now ${s.value}) where it is set, ${s.where}, within what the pod's resources allow, or spread the load over more replicas`,
        revisionSound: true,
      },
    ];
  },
};
