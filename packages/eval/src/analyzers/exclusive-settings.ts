import { parseTable } from '../k8s-text.js';
import { envOf, squashName as squash } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  podListOf,
  podObject,
} from './types.js';

/** A setting's name as a refusal prints it, maybe quoted (`zeppelin.interpreter.include`, `'--a'`). */
const NAME = String.raw`['"\x60]?(-{0,2}[A-Za-z][\w.-]{1,100}?)['"\x60]?`;

/**
 * The ways a program refuses two settings given together, each with the two names in groups 1 and 2:
 * `X and Y can not be specified together`, `… cannot both be set`, `… are mutually exclusive`,
 * `cannot specify both X and Y`, `X is mutually exclusive with Y`.
 */
const TOGETHER: readonly RegExp[] = [
  new RegExp(
    String.raw`${NAME} and ${NAME} (?:can ?not|can't|must not|may not|cannot) (?:both )?be (?:specified|set|used|given|configured|enabled)(?: together| at the same time| both)?\b`,
    'i',
  ),
  new RegExp(`${NAME} and ${NAME} are mutually exclusive`, 'i'),
  new RegExp(
    String.raw`\b(?:can ?not|can't|cannot) (?:specify|set|use|give|enable) both ${NAME} and ${NAME}(?![\w.-])`,
    'i',
  ),
  new RegExp(String.raw`${NAME} is mutually exclusive with ${NAME}(?![\w.-])`, 'i'),
];

/** Which of an allow list and a deny list a variable is, by its name's words; undefined for neither. */
function listKind(variable: string): 'allow' | 'deny' | undefined {
  const words = variable.toUpperCase().split(/[_.-]/);
  const allow = /^(?:INCLUDES?|INCLUDED|ALLOW|ALLOWED|ALLOWLIST|WHITELIST|ONLY|ENABLED?)$/;
  const deny =
    /^(?:EXCLUDES?|EXCLUDED|DENY|DENIED|DENYLIST|BLACKLIST|BLOCK|BLOCKED|BLOCKLIST|DISABLED?|SKIP)$/;
  if (words.some((w) => allow.test(w))) return 'allow';
  if (words.some((w) => deny.test(w))) return 'deny';
  return undefined;
}

/** A value that switches something rather than listing things (`true`, `0`, `yes`). */
function isSwitch(value: string): boolean {
  return /^["']?(?:true|false|yes|no|on|off|[01])["']?$/i.test(value.trim());
}

interface Clash {
  readonly pod: string;
  readonly described: string;
  readonly container: string;
  readonly line: string;
  readonly variables: readonly [{ name: string; value: string }, { name: string; value: string }];
}

/** The first two names a line refuses together. */
function refusedPair(line: string): [string, string] | undefined {
  if (!/together|same time|mutually exclusive|\bboth\b/i.test(line)) return undefined;
  for (const re of TOGETHER) {
    const m = re.exec(line);
    if (m) return [m[1]!, m[2]!];
  }
  return undefined;
}

/**
 * The first failing pod of the namespace (crash-looping or ended in error, an init container's too) whose
 * log refuses two settings together that one of its containers sets both of, as variables (the setting's
 * name, or its plural: Zeppelin's `zeppelin.interpreter.include` is read from `ZEPPELIN_INTERPRETER_INCLUDES`).
 */
function clash(ctx: AnalyzerContext): Clash | undefined {
  const listed = podListOf(ctx.seen, ctx.ns);
  for (const r of parseTable(listed?.content ?? '').slice(0, 200)) {
    const pod = r['NAME'] ?? '';
    if (!/CrashLoopBackOff|Error/.test(r['STATUS'] ?? '')) continue;
    const described = outputs(
      ctx.seen,
      'describe_pod',
      (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
    ).pop()?.content;
    if (!described) continue;
    for (const log of outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
    )) {
      for (const line of boundedLogLines(log.content)) {
        if (line.length > 4000) continue;
        const pair = refusedPair(line);
        if (!pair) continue;
        const wanted = pair.map(squash);
        const sections = containerSections(described).filter((s) =>
          log.args['container'] ? s.name === log.args['container'] : true,
        );
        for (const s of sections) {
          const env = envOf(s.body, true);
          const of = (w: string) => env.find((e) => squash(e.name) === w || squash(e.name) === `${w}s`);
          const a = of(wanted[0]!);
          const b = of(wanted[1]!);
          if (a && b && a.name !== b.name)
            return { pod, described, container: s.name, line: line.trim(), variables: [a, b] };
        }
      }
    }
  }
  return undefined;
}

/**
 * A program that refuses two of its settings together and stops, when a container's environment sets both
 * (each setting read from its variable). Of an allow list and a deny list (each a list, not a switch such as
 * `AUTH_DISABLED=true`), the deny list is the one to drop: an allow list already leaves out everything it does
 * not name, so removing the deny list keeps the same set and the program starts. With two settings of another
 * sort, or a pod no Deployment owns (`set_env` changes a Deployment's template), the finding names them and
 * proposes no change.
 */
export const exclusiveSettingsAnalyzer: Analyzer = {
  name: 'exclusive-settings',
  first: true,
  reads: () => [],
  finds(ctx): Finding[] {
    const k = clash(ctx);
    if (!k) return [];
    const [a, b] = k.variables;
    const kind = (v: { name: string; value: string }) => (isSwitch(v.value) ? undefined : listKind(v.name));
    const drop =
      kind(a) === 'allow' && kind(b) === 'deny'
        ? b.name
        : kind(b) === 'allow' && kind(a) === 'deny'
          ? a.name
          : undefined;
    const keep = drop === a.name ? b.name : a.name;
    const owner = ownerDeployment(k.described);
    return [
      {
        weight: 93,
        object: podObject(owner, k.pod),
        cause: `the container ${k.container} sets both ${a.name} and ${b.name}, two settings the program refuses together ("${clip(k.line, 220)}"), so it stops at start; only one of them can be set${drop ? `. ${keep} is an allow list: what it does not name is left out already, so ${drop} adds nothing and can go` : ''}`,
        evidence: [
          `get_pod_logs ${k.pod}: "${clip(k.line, 200)}"`,
          `describe_pod ${k.pod}: ${a.name} and ${b.name} both set on ${k.container}`,
        ],
        advice: drop
          ? `remove ${drop} from ${owner ?? k.pod}/${k.container} and keep ${keep}`
          : `set only one of ${a.name} and ${b.name} on ${owner ?? k.pod}/${k.container}`,
        revisionSound: true,
        ...(drop && owner
          ? {
              fix: {
                tool: 'set_env',
                args: { namespace: ctx.ns, deployment: owner, container: k.container, remove: [drop] },
                text: `remove ${drop} from ${owner}/${k.container}, keeping the allow list ${keep}`,
              },
            }
          : {}),
      },
    ];
  },
};
