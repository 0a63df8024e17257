import { escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  allPodsReady,
  clip,
  clipEnds,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podListOf,
  type Read,
  runningPerWorkload,
} from './types.js';

/**
 * An annotation or label key's prefix in the task (`chains.tekton.dev/signed`, `cert-manager.io/issuer`):
 * by Kubernetes' convention the prefix is a DNS subdomain the writing component owns. Not a URL's host
 * (`https://api.example.com/orders`): nothing but a space, a quote or a bracket comes before it.
 */
const KEY_PREFIX =
  /(?<![/@.\w-])((?:[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?\.){1,3}[a-z]{2,10})\/(?=[a-z0-9][\w.-]{0,62}(?:[=:"'\s,)]|$))/g;
/**
 * Words that name namespaces by what they hold, not a product (`ingress`, `monitoring`): a task uses them
 * in their everyday sense, so alone they point at no product's controller.
 */
const COMMON_NAMESPACE_WORDS = new Set(
  'ingress egress monitoring logging metrics tracing storage database databases cache backup backups system default apps applications services service platform infra infrastructure network networking security auth identity data web frontend backend api gateway jobs batch tools shared public internal staging production prod test tests build builds deploy deploys ops admin mail email queue queues stream streaming search'.split(
    ' ',
  ),
);

/** Two or three words in a row, as a product is named (`Tekton Chains`, `Argo CD image updater`). */
const WORDS = /[A-Za-z][A-Za-z0-9]{2,30}/g;

/**
 * The namespaces a product the task names may run in: a key prefix's labels in both orders joined by a
 * hyphen (`chains.tekton.dev` → `tekton-chains`, `chains-tekton`) and each label but the top-level domain
 * alone (`cert-manager.io` → `cert-manager`); with `words`, two or three consecutive words joined by a
 * hyphen (`Tekton Chains` → `tekton-chains`).
 */
function candidates(task: string, words = true, groups: readonly string[] = [], single = false): Set<string> {
  const text = task.slice(0, 4000);
  const out = new Set<string>();
  for (const domain of [...[...text.matchAll(KEY_PREFIX)].map((m) => m[1]!), ...groups]) {
    const labels = domain.toLowerCase().split('.').slice(0, -1);
    if (labels.length === 0) continue;
    out.add(labels.join('-'));
    out.add([...labels].reverse().join('-'));
    for (const l of labels) if (l.length >= 4) out.add(l);
  }
  if (!words) return out;
  // A custom resource's kind written in the task (`SparkApplications`, `KafkaTopic`): its operator's
  // namespace is often named for the kind's first word (`spark-operator`, `kafka-system`).
  for (const m of text.matchAll(/\b([A-Z][a-z]{2,20})(?:[A-Z][a-z]{1,20}){1,3}s?\b/g)) {
    const w = m[1]!.toLowerCase();
    for (const suffix of ['operator', 'system', 'controller', 'controllers']) out.add(`${w}-${suffix}`);
  }
  // With `single`, a product named in one word ("onboarded to kpack"), as its namespace often is.
  if (single)
    for (const m of text.matchAll(WORDS)) {
      const w = m[0].toLowerCase();
      if (w.length >= 4 && !COMMON_NAMESPACE_WORDS.has(w)) out.add(w);
    }
  const named = [...text.matchAll(WORDS)].map((m) => ({
    w: m[0].toLowerCase(),
    at: m.index!,
    end: m.index! + m[0].length,
  }));
  for (let i = 0; i + 1 < named.length; i++) {
    // Only words separated by one space (or a hyphen) form a name.
    if (!/^[ -]$/.test(text.slice(named[i]!.end, named[i + 1]!.at))) continue;
    out.add(`${named[i]!.w}-${named[i + 1]!.w}`);
    const third = named[i + 2];
    if (third && /^[ -]$/.test(text.slice(named[i + 1]!.end, third.at)))
      out.add(`${named[i]!.w}-${named[i + 1]!.w}-${third.w}`);
  }
  return out;
}

/**
 * The API groups of the custom resources described in the namespace whose kind the task speaks of
 * (`Kind:  Experiment (kubeflow.org/v1beta1)`, "the experiment"):
 * like an annotation prefix, a group is a DNS subdomain its product owns, and that product's controller
 * acts on the resource.
 */
function describedGroups(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  const words = new Set(
    ctx.task
      .slice(0, 4000)
      .toLowerCase()
      .match(/[a-z]{3,63}/g) ?? [],
  );
  for (const o of outputs(ctx.seen, 'describe_resource', (x) => x.args['namespace'] === ctx.ns)) {
    const m = /^Kind:\s{1,40}(\w{1,63}) \(([a-z0-9.-]{1,200})\/[a-z0-9]{1,20}\)$/m.exec(
      o.content.slice(0, 2000),
    );
    const kind = m?.[1]?.toLowerCase() ?? '';
    // Only a kind the person speaks of ("the experiment … shows zero trials"): an object they ask about.
    if (!words.has(kind) && !words.has(`${kind}s`)) continue;
    if (m?.[2]?.includes('.') && !m[2].endsWith('.k8s.io') && !out.includes(m[2])) out.push(m[2]);
  }
  return out.slice(0, 4);
}

/** The other namespace of the cluster that a product the task names runs in (the first that exists). */
function productNamespace(ctx: AnalyzerContext): string | undefined {
  // A namespace without any pod holds only objects a controller elsewhere acts on: then a single word of the
  // task may name that controller's product (and its namespace); elsewhere a word alone is too common.
  const names = candidates(ctx.task, true, describedGroups(ctx), podless(ctx));
  return namespaceNames(ctx.seen).find(
    // A group's label written without its hyphen (`sparkoperator.k8s.io` for `spark-operator`) matches too.
    (n) =>
      n !== ctx.ns &&
      n !== 'default' &&
      !n.startsWith('kube-') &&
      (names.has(n) || (n.includes('-') && names.has(n.replaceAll('-', '')))),
  );
}

/** Whether the namespace's full pod list was read and holds no pod at all. */
function podless(ctx: AnalyzerContext): boolean {
  const listed = podListOf(ctx.seen, ctx.ns);
  return listed !== undefined && parseTable(listed.content).length === 0;
}

/** The running pods of `ns`, one per workload, from its newest full pod list. */
function runningPods(ctx: AnalyzerContext, ns: string): string[] | undefined {
  const listed = podListOf(ctx.seen, ns);
  return listed ? runningPerWorkload(listed.content, 3) : undefined;
}

/**
 * A namespace the task names whole, as one hyphenated token (`the vault-config-operator lost its login`),
 * other than the one read: the person points at it, whether or not the namespace read is healthy.
 */
function namedWhole(ctx: AnalyzerContext): string | undefined {
  const text = ctx.task.slice(0, 4000).toLowerCase();
  return namespaceNames(ctx.seen).find(
    (n) =>
      n !== ctx.ns &&
      // A product's own namespace by its name's last word (`vault-config-operator`, `kyverno-system`); an
      // everyday hyphenated word (`third-party`) is no place the person points at.
      /-(?:operator|system|controller|controllers|manager|webhook|injector|provisioner|agent|server)$/.test(
        n,
      ) &&
      new RegExp(`(?<![\\w.-])${escapeRe(n)}(?![\\w-])`).test(text),
  );
}

/** The product namespace to read: one the task names whole, else (the namespace read healthy) a derived one. */
function target(ctx: AnalyzerContext): { ns: string; whole: boolean } | undefined {
  const whole = namedWhole(ctx);
  if (whole) return { ns: whole, whole: true };
  if (allPodsReady(ctx.seen, ctx.ns) !== true) return undefined;
  const ns = productNamespace(ctx);
  return ns ? { ns, whole: false } : undefined;
}

/** The `ns/name` an error line names, the key of the object it is about. */
function objectKey(line: string, ns: string): string | undefined {
  const esc = escapeRe(ns);
  return new RegExp(`(?<![\\w-])${esc}/[a-z0-9][a-z0-9.-]{0,252}`).exec(line.slice(0, 4000))?.[0];
}

/** The last line of a log about each object of `ns` it names (one pass). */
function lastLines(lines: readonly string[], ns: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) {
    if (l.length > 4000 || !l.includes(`${ns}/`)) continue;
    const key = objectKey(l, ns);
    if (key) out.set(key, l);
  }
  return out;
}

/** Whether the last line about the object a failure line names is a failure too (no later `reconciled`). */
function stillFailing(line: string, last: ReadonlyMap<string, string>, ns: string): boolean {
  const key = objectKey(line, ns);
  const final = key ? last.get(key) : undefined;
  return final === undefined || final === line || errorLines(final).length > 0;
}

/**
 * Whether a log line says the controller cannot list or watch a kind the task names (`Failed to watch
 * *v1beta2.SparkApplication` for "the SparkApplications"): a list of every namespace's objects, this one's too.
 */
function listsKind(line: string, task: string): boolean {
  // The kind as Go prints a type (capitalised, `*v1beta2.SparkApplication`); "failed" in either case.
  const m = /\b[Ff]ailed to (?:list|watch) \*?(?:[a-z0-9]{1,20}\.)?([A-Z][A-Za-z0-9]{2,60})\b/.exec(
    line.slice(0, 4000),
  );
  if (!m) return false;
  const kind = m[1]!.toLowerCase();
  return new RegExp(`\\b${kind}s?\\b`, 'i').test(task.slice(0, 4000));
}

/** A failure line's own error text (a JSON `"error"` field's value), else the whole line. */
function errorText(line: string): string {
  return /"error"\s{0,2}:\s{0,2}"([^"]{1,1000})"/.exec(line.slice(0, 4000))?.[1] ?? line;
}

/** Whether a log line is about an object of namespace `ns`: a `ns/name` key, or the namespace as a field. */
function aboutNamespace(line: string, ns: string): boolean {
  const esc = escapeRe(ns);
  return new RegExp(`["'\\s=:]${esc}/[a-z0-9]|namespace["']?\\s{0,2}[:=]\\s{0,2}["']?${esc}(?![\\w-])`).test(
    line,
  );
}

/**
 * The person reports objects of a healthy namespace failing in a way a product does to them (an annotation
 * its controller writes, `chains.tekton.dev/signed=failed`, the product by name, or a custom resource of
 * its API group described here, `kubeflow.org`), and that product's
 * controller runs in a namespace of its own: its log there says what fails for this namespace's objects
 * (`error storing payload for oci: … UNAUTHORIZED`). Read when the named namespace's pods are all ready, or
 * when the task names the product's namespace whole (`the vault-config-operator lost its login`); found only
 * from error lines that name an object of the named namespace.
 */
export const productNamespaceAnalyzer: Analyzer = {
  name: 'product-namespace',
  reads(ctx): Read[] {
    // Only a key prefix is signal enough to list the namespaces; a product named in words is looked for
    // among namespaces another read listed.
    if (namespaceNames(ctx.seen).length === 0)
      return allPodsReady(ctx.seen, ctx.ns) === true &&
        candidates(ctx.task, false, describedGroups(ctx)).size > 0
        ? [{ tool: 'list_resources', args: { kind: 'Namespace' } }]
        : [];
    const ns = target(ctx)?.ns;
    if (!ns) return [];
    const pods = runningPods(ctx, ns);
    if (!pods) return [{ tool: 'list_pods', args: { namespace: ns } }];
    return pods
      .filter(
        (name) =>
          !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name && o.args['namespace'] === ns)
            .length,
      )
      .slice(0, 2)
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ns, name } }));
  },
  finds(ctx): Finding[] {
    const t = target(ctx);
    if (!t) return [];
    const ns = t.ns;
    for (const o of outputs(
      ctx.seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ns && !x.args['previous'],
    )) {
      const text = o.content.slice(-100_000);
      const last = lastLines(text.split('\n'), ctx.ns);
      const bad = errorLines(text).filter(
        (l) =>
          l.length <= 4000 &&
          (aboutNamespace(l, ctx.ns) || listsKind(l, ctx.task)) &&
          // This namespace's own pods down (no endpoints, not ready) is what fails here, not why.
          !/\bno (?:endpoints|healthy|ready|available)\b|\bnot ready\b|\bunavailable\b|\bconnection refused\b/i.test(
            l,
          ) &&
          // Still failing: the last line about the same object is a failure too (not a later reconcile).
          stillFailing(l, last, ctx.ns),
      );
      if (bad.length === 0) continue;
      const pod = String(o.args['name']);
      const line = bad.find((l) => logGloss(l)) ?? bad[0]!;
      const means = logGloss(line);
      const workload = ownerName(pod);
      // Other objects of the namespace failing otherwise: the last failure about each (at most two more).
      const lineKey = objectKey(line, ctx.ns);
      const others = new Map<string, string>();
      for (const l of bad) {
        const k = objectKey(l, ctx.ns);
        if (k && k !== lineKey) others.set(k, l);
      }
      const also = [...others.values()].filter((l) => !l.includes(errorText(line))).slice(0, 2);
      return [
        {
          // Where the namespace read fails too, its pods' failures follow from this one (the object the
          // controller cannot serve them): as strong as a named workload's own finding.
          weight: t.whole && allPodsReady(ctx.seen, ctx.ns) !== true ? 90 : 80,
          object: `deployment ${workload} (namespace ${ns})`,
          cause: `${workload} in namespace ${ns}, the controller of what the task names, fails on objects of ${ctx.ns} (${bad.length} error line(s)): "${clipEnds(line, 320)}"${means ? ` — ${means}` : ''}${also.map((l) => `; and for another object: "${clipEnds(l, 320)}"${logGloss(l) ? ` — ${logGloss(l)}` : ''}`).join('')}. ${allPodsReady(ctx.seen, ctx.ns) === true ? `The workloads of ${ctx.ns} itself are healthy; the failure is in what ${workload} does for them` : `What fails in ${ctx.ns} follows from that: ${workload} does not provide what its pods need`}`,
          evidence: [
            `get_pod_logs ${pod} (namespace ${ns}): "${clipEnds(line, 240)}"`,
            ...(bad.length > 1 && bad[bad.length - 1] !== line
              ? [`get_pod_logs ${pod} (namespace ${ns}): "${clip(bad[bad.length - 1]!, 160)}"`]
              : []),
          ],
          advice: `fix what ${workload}'s log reports for ${ctx.ns}'s objects`,
        },
      ];
    }
    return [];
  },
};
