import { errorLines, warningLines } from './app-errors.js';
import { envOf } from './env-values.js';
import { raisedValue, sizeBytes } from './logged-limit.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  configMapText,
  configMapVolumes,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
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
  /(?<![\w.-])['"`[]?([A-Za-z][A-Za-z0-9_.-]{2,80})['"`\]]?\s{1,3}(?:(?:configuration|config)\s{1,3})?(?:setting|directive|parameter|variable|option|key|value)\b/g;

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

/**
 * How many words of environment variable `variable` come before those that name setting `name`, as
 * images that template their configuration from the environment name it: its last words, run together
 * or not, are the setting's (`MaxRequestWorkers` in `APACHE_MAX_REQUEST_WORKERS`, Zabbix's `CacheSize`
 * in `ZBX_CACHESIZE`, not in `ZBX_HISTORYCACHESIZE`); -1 when it does not name it.
 */
function extraWords(variable: string, name: string): number {
  const words = variable.toUpperCase().split('_');
  const want = name.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  for (let k = 1; k <= words.length; k++) if (words.slice(-k).join('') === want) return words.length - k;
  return -1;
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
  /** The container and variable that hold the value, when it is set in the environment. */
  env?: { container: string; variable: string };
  /** The line asks for the setting to be raised, in the log of a container that crashed. */
  crashAsked: boolean;
}

/**
 * The failing or warning lines of each log read in the namespace, by pod: the current logs first, then
 * the previous ones (what a crashed container printed before it stopped).
 */
function reported(ctx: AnalyzerContext): { pod: string; lines: string[]; previous: boolean }[] {
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)
    .map((o) => {
      const tail = o.content.slice(-200_000);
      const previous = o.args['previous'] === true;
      return {
        pod: String(o.args['name']),
        // What a crashed container printed last is read whole (its last 2,000 lines): a program that
        // asks for a setting to be raised often does so on a line without an error level.
        lines: previous ? tail.split('\n').slice(-2000) : [...errorLines(tail), ...warningLines(tail)],
        previous,
      };
    })
    .sort((a, b) => Number(a.previous) - Number(b.previous));
}

/** A line that asks for the setting it names to be raised (`please increase CacheSize configuration parameter`). */
function asksToRaise(line: string, name: string): boolean {
  const at = line.indexOf(name);
  return (
    at >= 0 &&
    /\b(?:increas|rais)\w{0,3}\s{1,3}(?:the\s{1,3})?['"`[]?$/i.test(line.slice(Math.max(0, at - 30), at))
  );
}

/** The memory limit of container `container` in a pod's description, in bytes (`memory:  512Mi` under `Limits:`). */
export function memoryLimitBytes(described: string, container: string): number | undefined {
  const sections = containerSections(described).filter((c) => !c.init);
  // One container: the whole description is its (a Limits block printed past its section still is).
  const body = sections.length === 1 ? described : (sections.find((c) => c.name === container)?.body ?? '');
  const m =
    /^\s{2,}Limits:\s*\n(?:\s{4,}[a-z-]{1,40}:[^\n]{0,60}\n){0,6}?\s{4,}memory:\s{1,20}(\d{1,12})(Ki|Mi|Gi|Ti|k|M|G|T)?\s*$/m.exec(
      body,
    );
  if (!m) return undefined;
  const unit: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? unit[m[2]]! : 1);
}

/** Whether the pod is crash-looping or its container ended in error, by the namespace's pod list. */
function crashLooping(ctx: AnalyzerContext, pod: string): boolean {
  return tableOf(ctx.seen, 'list_pods').some(
    (r) => r['NAME'] === pod && /CrashLoopBackOff|Error|OOMKilled/.test(r['STATUS'] ?? ''),
  );
}

/**
 * Where the pod's configuration says what value a setting its log names has, if anywhere the run read.
 * A crashed container that asks for the setting to be raised (its previous log, or the current log of a
 * pod in CrashLoopBackOff) comes first, whichever log was read first.
 */
function found(ctx: AnalyzerContext): Setting | undefined {
  const all: Setting[] = [];
  for (const { pod, lines, previous } of reported(ctx)) {
    const names = namedSettings(lines);
    if (names.length === 0) continue;
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
    const crashed = previous || crashLooping(ctx, pod);
    for (const name of names) {
      // The line that asks for it to be raised, else the first that names it (an entrypoint that
      // prints the settings it writes names them too).
      const line = lines.find((l) => asksToRaise(l, name)) ?? lines.find((l) => l.includes(name))!;
      const crashAsked = crashed && asksToRaise(line, name);
      // The variable that is the setting itself before one that only ends with its words.
      const held = containerSections(described)
        .flatMap((c) => envOf(c.body).map((v) => ({ c, v, extra: extraWords(v.name, name) })))
        .filter((x) => x.extra >= 0)
        .sort((a, b) => a.extra - b.extra)[0];
      if (held) {
        all.push({
          pod,
          line,
          name,
          value: held.v.value,
          where: `the variable ${held.v.name} of container ${held.c.name}`,
          env: { container: held.c.name, variable: held.v.name },
          crashAsked,
        });
        continue;
      }
      for (const cm of configMapVolumes(described)) {
        const read = configMapText(ctx.seen, cm, ctx.ns);
        const set = read !== undefined ? configuredValue(read, name) : undefined;
        if (set) {
          all.push({
            pod,
            line,
            name,
            value: set.value,
            where: `ConfigMap ${cm} ("${clip(set.line, 100)}")`,
            crashAsked,
          });
          break;
        }
      }
    }
  }
  return all.find((x) => x.crashAsked && x.env) ?? all[0];
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
    // A container that crashed after asking for the setting to be raised, the value in its environment:
    // the crash is that limit, and doubling it is the change the program asks for.
    if (s.crashAsked && s.env) {
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === s.pod).pop()?.content;
      const owner = described ? ownerDeployment(described) : undefined;
      // Doubled, unless that reaches the container's memory limit: the setting is memory it takes.
      const doubled = raisedValue(s.value, 2);
      const limit = described ? memoryLimitBytes(described, s.env.container) : undefined;
      const bytes = doubled ? sizeBytes(doubled) : undefined;
      const raised =
        doubled && !(limit !== undefined && bytes !== undefined && bytes >= limit) ? doubled : undefined;
      return [
        {
          weight: 90 + bonus(s.pod, ctx.hints),
          object: podObject(owner, s.pod),
          cause: `the program in pod ${s.pod} stops because it ran out of what its ${s.name} setting allows and asks for it to be raised ("${clip(s.line, 220)}"), and ${s.where} sets ${s.name} to ${s.value}: the crash is that configured limit being too small for what the program now holds, not the data or the image`,
          evidence: [
            `get_pod_logs ${s.pod} (previous): "${clip(s.line, 220)}"`,
            `${s.env.variable} = ${s.value} in ${s.where}`,
          ],
          advice: `raise ${s.name} (${s.env.variable}, now ${s.value}) within what the container's memory limit allows`,
          revisionSound: true,
          ...(raised
            ? envFix(
                ctx.ns,
                owner,
                s.env.container,
                [{ name: s.env.variable, value: raised }],
                `set ${s.env.variable}=${raised} on ${owner}/${s.env.container}, raising ${s.name} from ${s.value}`,
              )
            : {}),
        },
      ];
    }
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
