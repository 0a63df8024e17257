import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  crashingDescribed,
  type Finding,
  outputs,
} from './types.js';

/**
 * A program that refuses two settings given together (`zeppelin.interpreter.include and
 * zeppelin.interpreter.exclude can not be specified together`, `--a and --b are mutually exclusive`):
 * the two names in groups 1 and 2.
 */
const TOGETHER =
  /\b([A-Za-z][\w.-]{2,100}) and ([A-Za-z][\w.-]{2,100}) (?:(?:can ?not|can't|must not|may not|cannot) be (?:specified|set|used|given|configured) (?:together|at the same time)|are mutually exclusive)/i;

/** A setting's name as an environment variable carries it (`zeppelin.interpreter.include` → `ZEPPELIN_INTERPRETER_INCLUDE`). */
function asVariable(name: string): string {
  return name.replace(/^-+/, '').replace(/[.-]/g, '_').toUpperCase();
}

/** Which of an allow list and a deny list a variable is, by its name's words. */
function listKind(variable: string): 'allow' | 'deny' | undefined {
  if (/(?:^|_)(?:INCLUDE|INCLUDED|ALLOW|ALLOWED|ENABLE|ENABLED|ONLY)(?:_|$)/.test(variable)) return 'allow';
  if (/(?:^|_)(?:EXCLUDE|EXCLUDED|DENY|DENIED|BLOCK|BLOCKED|DISABLE|DISABLED|SKIP)(?:_|$)/.test(variable))
    return 'deny';
  return undefined;
}

interface Clash {
  readonly pod: string;
  readonly owner: string;
  readonly container: string;
  readonly line: string;
  readonly variables: readonly [string, string];
}

/** The first crashing pod whose log refuses two settings together that its container's variables both set. */
function clash(ctx: AnalyzerContext): Clash | undefined {
  for (const c of crashingDescribed(ctx)) {
    for (const log of outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ctx.ns && o.args['name'] === c.pod,
    )) {
      for (const line of boundedLogLines(log.content)) {
        if (line.length > 4000 || !/together|at the same time|mutually exclusive/i.test(line)) continue;
        const m = TOGETHER.exec(line);
        if (!m) continue;
        const wanted = [asVariable(m[1]!), asVariable(m[2]!)] as const;
        for (const s of containerSections(c.described).filter((x) => !x.init)) {
          const names = new Set(envOf(s.body).map((e) => e.name));
          if (names.has(wanted[0]) && names.has(wanted[1]))
            return { pod: c.pod, owner: c.owner, container: s.name, line: line.trim(), variables: wanted };
        }
      }
    }
  }
  return undefined;
}

/**
 * A program that refuses two of its settings together and stops, when the container's environment sets
 * both (each setting read from its variable: `zeppelin.interpreter.include` from
 * `ZEPPELIN_INTERPRETER_INCLUDE`). Of an allow list and a deny list, the deny list is the one to drop: an
 * allow list already leaves out everything it does not name, so removing the deny list keeps the same set
 * and the program starts. With two settings of another sort the finding names them and proposes no change.
 */
export const exclusiveSettingsAnalyzer: Analyzer = {
  name: 'exclusive-settings',
  first: true,
  reads: () => [],
  finds(ctx): Finding[] {
    const k = clash(ctx);
    if (!k) return [];
    const [a, b] = k.variables;
    const drop =
      listKind(a) === 'allow' && listKind(b) === 'deny'
        ? b
        : listKind(b) === 'allow' && listKind(a) === 'deny'
          ? a
          : undefined;
    const keep = drop === a ? b : a;
    return [
      {
        weight: 93,
        object: `deployment ${k.owner} (pod ${k.pod})`,
        cause: `the container ${k.container} sets both ${a} and ${b}, two settings the program refuses together ("${clip(k.line, 220)}"), so it stops at start; only one of them can be set${drop ? `. ${keep} is an allow list: what it does not name is left out already, so ${drop} adds nothing and can go` : ''}`,
        evidence: [
          `get_pod_logs ${k.pod}: "${clip(k.line, 200)}"`,
          `describe_pod ${k.pod}: ${a} and ${b} both set on ${k.container}`,
        ],
        advice: drop
          ? `remove ${drop} from ${k.owner}/${k.container} and keep ${keep}`
          : `set only one of ${a} and ${b} on ${k.owner}/${k.container}`,
        revisionSound: true,
        ...(drop
          ? {
              fix: {
                tool: 'set_env',
                args: { namespace: ctx.ns, deployment: k.owner, container: k.container, remove: [drop] },
                text: `remove ${drop} from ${k.owner}/${k.container}, keeping the allow list ${keep}`,
              },
            }
          : {}),
      },
    ];
  },
};
