import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  describedField,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/**
 * A program's own words for a setting it was not given, with the setting's words in group 1:
 * "unspecified kubernetes resource kind", "no store backend specified", "cluster name not specified",
 * "must specify a cluster name", cobra's `required flag(s) "kube-resource-kind" not set`. Words are
 * letters and digits joined by one space or hyphen, at most four, so a match is linear in the line.
 */
const WORDS = '((?:[a-z0-9]{2,20}[ -]){0,3}[a-z0-9]{2,20})';
const UNSPECIFIED = [
  /\brequired flag(?:\(s\)|s)? "-{0,2}([a-z0-9][a-z0-9-]{1,60})"/i,
  new RegExp(`\\bunspecified ${WORDS}`, 'i'),
  new RegExp(`\\bno ${WORDS} (?:was |is )?specified\\b`, 'i'),
  new RegExp(`\\b${WORDS} (?:is |was )?not specified\\b`, 'i'),
  new RegExp(`\\bmust specify (?:a |an |the )?${WORDS}`, 'i'),
];

/** Words that say nothing about which setting ("error", "the", "a value"). */
const FILLER = new Set([
  'error',
  'fatal',
  'the',
  'a',
  'an',
  'value',
  'option',
  'flag',
  'setting',
  'is',
  'was',
]);

interface Unset {
  readonly pod: string;
  readonly container: string | undefined;
  readonly line: string;
  /** The setting's words, lower case, fillers dropped: `kubernetes resource kind` → 3 words. */
  readonly words: readonly string[];
  /** The flag the program names itself (cobra's `required flag(s) "kube-resource-kind"`), when it does. */
  readonly flag?: string;
}

/** The first line of a namespace's logs that says a setting was not given. */
function unset(ctx: AnalyzerContext): Unset | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    for (const raw of boundedLogLines(o.content, 400)) {
      const line = raw.trim();
      if (line.length > 400 || !/specif|required flag/i.test(line)) continue;
      for (const [i, re] of UNSPECIFIED.entries()) {
        const m = re.exec(line);
        if (!m) continue;
        const words = m[1]!
          .toLowerCase()
          .split(/[ -]/)
          .filter((w) => !FILLER.has(w));
        if (words.length === 0) continue;
        const container = o.args['container'];
        return {
          pod: String(o.args['name'] ?? ''),
          container: typeof container === 'string' ? container : undefined,
          line,
          words,
          ...(i === 0 ? { flag: m[1]!.toLowerCase() } : {}),
        };
      }
    }
  }
  return undefined;
}

/** Whether two words of a setting's name are one (`kube` and `kubernetes`, `ns` and `namespace` aside). */
function sameWord(a: string, b: string): boolean {
  return a === b || (a.length >= 4 && b.length >= 4 && (a.startsWith(b) || b.startsWith(a)));
}

/**
 * How many of a variable's last words are the setting's last words (`STKEEPER_KUBE_RESOURCE_KIND` against
 * `kubernetes resource kind`: 3). A one-word setting counts only when the variable's name past its first
 * word is that word, five letters or more.
 */
function tailMatch(variable: readonly string[], words: readonly string[]): number {
  let k = 0;
  while (
    k < words.length &&
    k < variable.length - 1 &&
    sameWord(variable[variable.length - 1 - k]!, words[words.length - 1 - k]!)
  )
    k++;
  if (k >= 2) return k;
  return k === 1 && words.length === 1 && variable.length === 2 && words[0]!.length >= 5 ? 1 : 0;
}

interface Sibling {
  readonly pod: string;
  readonly variable: string;
  readonly value: string;
  /** The variable's words that name the setting (`kube_resource_kind`), past its program's prefix. */
  readonly flag: string;
}

/** The failing container's section of its description: the one read, or the first app container. */
function failingSection(described: string, container: string | undefined) {
  const apps = containerSections(described).filter((c) => !c.init);
  return container === undefined ? apps[0] : apps.find((c) => c.name === container);
}

/**
 * Whether a described container stopped on its own: the pod Failed, or the container waits or ended now, or
 * its last run ended with a non-zero exit code.
 */
function stopped(described: string, body: string): boolean {
  if (/^Status:\s+Failed\b/m.test(described.slice(0, 4000))) return true;
  const state = describedField(body, 'State') ?? '';
  if (/^(?:Waiting|Terminated)\b/.test(state)) return true;
  const last = body.indexOf('Last State:');
  return last >= 0 && /Exit Code:\s+[1-9]/.test(body.slice(last, last + 600));
}

/** The command line of a container section: its Command and Args as `describe_pod` prints them. */
function commandLine(body: string): string {
  return [describedField(body, 'Command'), describedField(body, 'Args')].filter(Boolean).join(' ');
}

/**
 * Another described pod of the namespace whose container sets the setting by a variable, and the
 * setting's flag: the variable's words past its program's prefix. The prefix is one word, unless another
 * variable of that container, less the same prefix, is a flag the failing command line passes
 * (`STPROXY_STORE_BACKEND` and `--store-backend`), which confirms where the prefix ends.
 */
function sibling(ctx: AnalyzerContext, u: Unset, failingCommand: string): Sibling | undefined {
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    const pod = String(d.args['name'] ?? '');
    if (pod === u.pod || !/^Status:\s+Running\b/m.test(d.content.slice(0, 4000))) continue;
    for (const c of containerSections(d.content)) {
      const env = envOf(c.body);
      for (const v of env) {
        const parts = v.name.toLowerCase().split('_').filter(Boolean);
        const k = tailMatch(parts, u.words);
        if (k === 0 || !v.value) continue;
        let prefix = 1;
        for (let p = 1; p < parts.length - k; p++) {
          const confirms = env.some((o) => {
            const rest = o.name.toLowerCase().split('_').slice(p).join('-');
            return o.name !== v.name && rest.length > 2 && failingCommand.includes(`--${rest}`);
          });
          if (confirms) {
            prefix = p;
            break;
          }
        }
        return { pod, variable: v.name, value: v.value, flag: parts.slice(prefix).join('-') };
      }
    }
  }
  return undefined;
}

interface Missing {
  readonly u: Unset;
  readonly described: string;
  readonly container: string;
  readonly command: string;
  readonly s: Sibling;
}

function missing(ctx: AnalyzerContext): { found?: Missing; reads: Read[] } {
  const u = unset(ctx);
  if (!u) return { reads: [] };
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['namespace'] === ctx.ns && o.args['name'] === u.pod,
  ).pop();
  if (!d) return { reads: [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: u.pod } }] };
  const section = failingSection(d.content, u.container);
  // Only a program that stops on it: a container not running now, or one that ended in an error before
  // (a Running pod that notes a setting it does without is not failing).
  if (!section || !stopped(d.content, section.body)) return { reads: [] };
  const command = commandLine(section.body);
  const s = sibling(ctx, u, command);
  if (!s) {
    // The pods of the same program's other parts: named with the command's first letters.
    const binary = command.split(' ')[0]?.split('/').pop() ?? '';
    const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).pop()?.content ?? '';
    const described = new Set(outputs(ctx.seen, 'describe_pod').map((o) => String(o.args['name'] ?? '')));
    const stem = binary.replace(/ctl$|-?cli$/, '').slice(0, 12);
    if (stem.length < 4) return { reads: [] };
    const reads = listed
      .split('\n')
      .map((l) => /^([a-z0-9][a-z0-9.-]{0,252})\s+\S+\s+Running\b/.exec(l)?.[1])
      .filter((n): n is string => n?.startsWith(stem) === true && !described.has(n))
      .slice(0, 2)
      .map((name) => ({ tool: 'describe_pod', args: { namespace: ctx.ns, name } }));
    return { reads };
  }
  // Given already: the flag on the command line, or a variable of the same setting in its environment.
  if (command.includes(`--${u.flag ?? s.flag}`)) return { reads: [] };
  if (envOf(section.body, true).some((v) => tailMatch(v.name.toLowerCase().split('_'), u.words) > 0))
    return { reads: [] };
  return { found: { u, described: d.content, container: section.name, command, s }, reads: [] };
}

/**
 * A program that stops on a setting it was not given ("unspecified kubernetes resource kind") while the
 * other parts of the same product in the namespace set it (`STKEEPER_KUBE_RESOURCE_KIND=configmap`): its
 * own command line, a Job's or a pod's, was left out of the change that set it for the others. Programs
 * whose flags are read from variables with a prefix (cobra with viper, as many Go tools do) take the same
 * setting as the flag `--kube-resource-kind`.
 */
export const unspecifiedOptionAnalyzer: Analyzer = {
  name: 'unspecified-option',
  first: true,
  reads(ctx): Read[] {
    return missing(ctx).reads;
  },
  finds(ctx): Finding[] {
    const m = missing(ctx).found;
    if (!m) return [];
    const job = /^Controlled By:\s+Job\/([a-z0-9][a-z0-9.-]{0,252})\s*$/m.exec(m.described)?.[1];
    const owner = ownerDeployment(m.described);
    const object = job
      ? `job ${job} (pod ${m.u.pod})`
      : owner
        ? `deployment ${owner} (pod ${m.u.pod})`
        : `pod ${m.u.pod}`;
    const binary = m.command.split(' ')[0] ?? m.container;
    // The flag as the program names it, else as the variable's name less its program prefix gives it.
    const flag = `--${m.u.flag ?? m.s.flag}=${m.s.value}`;
    return [
      {
        weight: 95,
        object,
        cause: `the command line of container ${m.container} (\`${clip(m.command, 160)}\`) is missing the ${m.u.words.join(' ')} setting: ${binary} stops with "${clip(m.u.line, 160)}", while the other components in ${ctx.ns} are given it (${m.s.variable}=${m.s.value} on pod ${m.s.pod}, which runs); the option was not passed to this one, so it fails on every run`,
        evidence: [
          `logs of ${m.u.pod}: "${clip(m.u.line, 200)}"`,
          `describe_pod ${m.u.pod}: container ${m.container} runs ${clip(m.command, 200)}`,
          `describe_pod ${m.s.pod}: ${m.s.variable}: ${m.s.value}`,
        ],
        advice: `add ${flag} to the arguments of container ${m.container}${job ? " (in the CronJob's or Job's pod template)" : ''}, the value the other components use (${m.s.variable}); ${m.u.flag ? 'the flag is the one the program names' : "the flag's name is the variable's without its program prefix"}`,
      },
    ];
  },
};
