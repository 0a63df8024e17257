import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/**
 * A program's refusal to work in a namespace, with the verb in group 1 and the namespace in group 2:
 * "unable to list within the kube-system namespace", "cannot deploy into namespace kube-system",
 * "refusing to create in the "default" namespace". The gaps are bounded, so a match is linear.
 */
const REFUSED_IN =
  /\b(?:unable to|cannot|can't|could not|not allowed to|refus(?:e|es|ed|ing) to|will not|won't)\s{1,3}(list|deploy|create|watch|use|manage|schedule|run|read|write|update|delete)\b[^\n]{0,40}?\b(?:in|within|into|to)\s{1,3}(?:the\s{1,3})?(?:namespace\s{1,3}["']?([a-z0-9][a-z0-9-]{0,62})["']?|["']?([a-z0-9][a-z0-9-]{0,62})["']?\s{1,3}namespace)\b/i;

interface Refusal {
  readonly pod: string;
  readonly verb: string;
  readonly namespace: string;
  readonly line: string;
}

/**
 * A key that names a namespace setting (`DefaultFunctionNamespace`, `function_namespace`, `targetNS`); a
 * bare `namespace` (a log record's field) or the pod's own (`POD_NAMESPACE`, from the downward API) is not one.
 */
const NS_KEY = /namespace|(?:^|[_.-])ns$|[a-z]NS$/i;
const NOT_A_SETTING = /^(?:(?:my[_.-]?)?pod[_.-]?)?(?:namespace|ns)$/i;

/** `DefaultFunctionNamespace` → `default function namespace`; `function_namespace` → `function namespace`. */
function keyWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase()
    .trim();
}

function refusal(ctx: AnalyzerContext): Refusal | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    for (const raw of boundedLogLines(o.content, 2000)) {
      // An RBAC refusal (`pods is forbidden: … cannot list … in the namespace "x"`) is the rbac family's.
      if (raw.length > 2000 || !/namespace/i.test(raw) || /\bforbidden\b/i.test(raw)) continue;
      const m = REFUSED_IN.exec(raw);
      if (!m) continue;
      return {
        pod: String(o.args['name'] ?? ''),
        verb: m[1]!.toLowerCase(),
        namespace: (m[2] ?? m[3])!,
        line: raw.trim(),
      };
    }
  }
  return undefined;
}

/**
 * Where the program is told to use that namespace: a start-up line of its own containers' logs
 * (`DefaultFunctionNamespace: kube-system`, `namespace=kube-system`), else a variable of its containers
 * whose name says namespace.
 */
function setting(ctx: AnalyzerContext, r: Refusal): { key: string; where: string } | undefined {
  const said = new RegExp(
    `(?<![\\w.?&-])([A-Za-z][A-Za-z0-9_.-]{1,60})\\s{0,3}[:=]\\s{0,3}["']?${r.namespace}["']?(?![\\w-])`,
  );
  // Every container of the pod (the setting is often its controller's, beside the refusing server); a
  // URL's query (`?namespace=x`) is a request, not a setting; of several, the most specific key.
  let best: { key: string; where: string } | undefined;
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && x.args['name'] === r.pod,
  ))
    for (const l of boundedLogLines(o.content, 2000)) {
      if (l.length > 2000) continue;
      const m = said.exec(l);
      if (!m || !NS_KEY.test(m[1]!) || NOT_A_SETTING.test(m[1]!) || (best && best.key.length >= m[1]!.length))
        continue;
      const container = typeof o.args['container'] === 'string' ? ` of container ${o.args['container']}` : '';
      best = { key: m[1]!, where: `the log${container}: "${clip(l.trim(), 120)}"` };
    }
  if (best) return best;
  const d = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === r.pod).pop();
  for (const c of d ? containerSections(d.content) : [])
    for (const v of envOf(c.body))
      if (v.value === r.namespace && NS_KEY.test(v.name) && !NOT_A_SETTING.test(v.name))
        return { key: v.name, where: `container ${c.name}'s environment: ${v.name}=${v.value}` };
  return undefined;
}

/**
 * A program set to work in a namespace it refuses to work in (OpenFaaS' faas-netes will not list or
 * deploy functions in `kube-system`): every request for that namespace fails with the refusal, whatever
 * the clients' credentials. The fix is the setting: a namespace of the program's own.
 */
export const namespaceSettingAnalyzer: Analyzer = {
  name: 'namespace-setting',
  reads: () => [],
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const s = setting(ctx, r);
    if (!s) return [];
    const d = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === r.pod).pop();
    const owner = d ? ownerDeployment(d.content) : /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(r.pod)?.[1];
    return [
      {
        // Above a pull failure the task's words happen to hint at: a refusal and the setting that asks for it.
        weight: 93,
        object: podObject(owner, r.pod),
        cause: `the program refuses to ${r.verb} in the ${r.namespace} namespace ("${clip(r.line, 160)}"), and it is set to use ${r.namespace} for that: ${s.key} (the ${keyWords(s.key)}) is ${r.namespace} (${s.where}). So every request for that namespace is refused, whatever the caller's credentials; the ${r.namespace} namespace cannot be used for it`,
        evidence: [`logs of ${r.pod}: "${clip(r.line, 200)}"`, `${s.key}: ${r.namespace} (${s.where})`],
        advice: `set ${s.key} to a namespace of the program's own (create it, and give the program the Role it needs there), not ${r.namespace}; then redeploy what it manages there`,
      },
    ];
  },
};
