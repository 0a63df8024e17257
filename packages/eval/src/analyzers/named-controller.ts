import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * Product names the task writes on their own as an actor or as what was just installed: capitalised inside
 * a sentence at least once (`we installed Flagger`), and said to have done something (`Flagger created
 * checkout-primary`, a verb in the past tense right after it) or to have been installed, reinstalled or
 * upgraded (`reinstalled Kueue this morning`). At least four letters; lower-cased, at most four, from the
 * first 4,000 characters. A product only named as a place (`the reports in Tally`) is not one.
 */
export function productWords(task: string): string[] {
  return productMentions(task).map((p) => p.word);
}

/** The product words (see `productWords`) with how the task names each: as an actor, or as installed. */
function productMentions(task: string): readonly { word: string; installed: boolean }[] {
  let out = MENTIONS.get(task);
  if (out === undefined) {
    out = Object.freeze(findMentions(task));
    if (MENTIONS.size >= 256) MENTIONS.clear();
    MENTIONS.set(task, out);
  }
  return out;
}

/** Product mentions found so far, by task text; emptied when full, so memory stays flat. */
const MENTIONS = new Map<string, readonly { word: string; installed: boolean }[]>();

/** Capitalised words that name a time, not a product (`since we deployed Friday`). */
const NOT_PRODUCT =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|June|July|August|September|October|November|December|Today|Tonight|Yesterday|This|That|These|Those|Then|When|After|Before)$/;

function findMentions(task: string): { word: string; installed: boolean }[] {
  const text = task.slice(0, 4000);
  const out: { word: string; installed: boolean }[] = [];
  // One capitalised word, or two (`Argo Rollouts`, a product of a family), inside a sentence.
  for (const m of text.matchAll(/(?<=[a-z,;:] )([A-Z][a-z]{3,30})(?: ([A-Z][a-z]{3,30}))?(?![\w-])/g)) {
    if (NOT_PRODUCT.test(m[1]!)) continue;
    const phrase = m[2] && !NOT_PRODUCT.test(m[2]) ? `${m[1]} ${m[2]}` : m[1]!;
    const word = phrase.toLowerCase().replace(' ', '-');
    if (out.some((o) => o.word === word)) continue;
    const acted = new RegExp(
      `(?<![\\w-])${phrase} (?:[a-z]{2,20}ed|did|made|ran|set|put|took|left|kept)\\b`,
    ).test(text);
    const verb = '(?:re)?(?:install|upgrad|deploy|redeploy)';
    const installed =
      new RegExp(`\\b${verb}(?:ed|ing)? (?:the )?${phrase}(?![\\w-])`).test(text) ||
      new RegExp(`(?<![\\w-])${phrase} (?:was|were|has been|had been|got|is being) ${verb}(?:ed|e)?\\b`).test(
        text,
      );
    if (acted || installed) out.push({ word, installed: installed && !acted });
    if (out.length >= 4) break;
  }
  return out;
}

/**
 * A controller Deployment's name for a product: the product's own, or the product's with `-controller`,
 * `-controller-manager`, `-operator` or `-manager` (not another product of the family's: for Argo Rollouts,
 * `argo-rollouts`, never `argo-events-controller-manager`).
 */
function controllerName(name: string, product: string): boolean {
  return (
    name === product ||
    (/^-(?:controller|controller-manager|operator|manager)$/.test(name.slice(product.length)) &&
      name.startsWith(`${product}-`))
  );
}

/** The rows of every `find_objects` output read, with the name searched. */
function found(
  ctx: AnalyzerContext,
): { searched: string; rows: readonly Readonly<Record<string, string>>[] }[] {
  return outputs(ctx.seen, 'find_objects').map((o) => ({
    searched: String(o.args['name'] ?? ''),
    rows: /^no object/.test(o.content) ? [] : parseTable(o.content.slice(0, 200_000)),
  }));
}

/**
 * The controller a task names by its product's name, when a search found one of the product's parts
 * (`flagger-loadtester` for Flagger): the Deployment named exactly for the product, wherever it runs, and
 * its pod as the search listed it.
 */
function controller(ctx: AnalyzerContext): { name: string; ns: string; pod: string | undefined } | undefined {
  const words = productWords(ctx.task);
  if (words.length === 0) return undefined;
  for (const f of found(ctx)) {
    for (const r of f.rows) {
      if (r['KIND'] !== 'Deployment' || !words.some((w) => controllerName(r['NAME'] ?? '', w))) continue;
      const name = r['NAME']!;
      const ns = r['NAMESPACE'] ?? '';
      const pod = f.rows.find(
        (p) => p['KIND'] === 'Pod' && p['NAMESPACE'] === ns && p['NAME']?.startsWith(`${name}-`),
      )?.['NAME'];
      if (ns) return { name, ns, pod };
    }
  }
  return undefined;
}

/**
 * The controller a task names by its product (a progressive-delivery or GitOps controller that "created"
 * or "scaled" the objects it reports on): when a search found only one of the product's parts (its load
 * tester, its webhook), the product's name itself is searched, and its controller's log is read when it
 * runs in another namespace, right after the failing pods' own reads (`first`). An SRE reads the controller that should have
 * acted before its targets.
 */
export const namedControllerAnalyzer: Analyzer = {
  name: 'named-controller',
  first: true,
  reads(ctx): Read[] {
    const words = productWords(ctx.task);
    if (words.length === 0) return [];
    const searches = found(ctx);
    const c = controller(ctx);
    if (!c) {
      // A part of the product was found (`flagger-loadtester`), not the product itself, or the product was
      // just (re)installed: search its name.
      const installed = new Set(
        productMentions(ctx.task)
          .filter((p) => p.installed)
          .map((p) => p.word),
      );
      for (const w of words) {
        if (searches.some((s) => s.searched === w)) continue;
        const part = searches.some((s) =>
          s.rows.some((r) => r['NAME']?.startsWith(`${w}-`) && r['NAME'] !== w),
        );
        if (part || installed.has(w)) return [{ tool: 'find_objects', args: { name: w } }];
      }
      return [];
    }
    // In the namespace under investigation the usual walk reads it (its crash's previous log first).
    if (!c.pod || c.ns === ctx.ns) return [];
    return [{ tool: 'get_pod_logs', args: { namespace: c.ns, name: c.pod } }];
  },
  finds: () => [],
};

/**
 * A controller's write of a custom resource's status refused as not found: `status update error the server
 * could not find the requested resource (put canaries.flagger.app checkout)`. The resource exists (the
 * controller reads it); what the API server does not serve is its `/status` subresource.
 */
const STATUS_404 =
  /(?:\bstatus update|\bupdat(?:e|ed|ing) (?:the )?status|\bstatus (?:write|patch)|\bUpdateStatus|\/status\b)[^\n]{0,120}?the server could not find the requested resource \((?:put|patch|update) ([a-z0-9-]{1,63})\.([a-z0-9.-]{1,200}) ([a-z0-9.-]{1,253})\)/i;

/**
 * API groups of Kubernetes' own kinds (`networking.k8s.io`, `apps`, `batch`): they have no
 * CustomResourceDefinition, and a not-found write there is an API version the server no longer serves.
 */
function builtInGroup(group: string): boolean {
  return (
    group.endsWith('.k8s.io') ||
    !group.includes('.') ||
    /^(?:apps|batch|policy|autoscaling|extensions)$/.test(group)
  );
}

/** The Kubernetes minor version a node list or a log line gives (`v1.9.1+a0ce1bc657` → 9). */
function minorOf(text: string): { version: string; minor: number } | undefined {
  const m = /\bv1\.(\d{1,2})\.(\d{1,3})(?:[+-][\w.-]{0,40})?/.exec(text);
  return m ? { version: m[0], minor: Number(m[1]) } : undefined;
}

/**
 * A controller that cannot write its custom resource's status because the API server serves no status
 * subresource for it: on Kubernetes before 1.11 CustomResourceDefinitions have none (the subresource was
 * alpha behind a feature gate in 1.10 and on by default from 1.11, kubernetes.io "Extend the Kubernetes API
 * with CustomResourceDefinitions", "Subresources"), and on any version a CRD that does not declare
 * `subresources.status` answers 404 there. The controller keeps retrying and never records its progress,
 * so what it should do next (a canary's analysis) never starts. Reads the node list for the version.
 */
export const statusSubresourceAnalyzer: Analyzer = {
  name: 'status-subresource',
  first: true,
  reads(ctx): Read[] {
    if (!refused(ctx)) return [];
    return outputs(ctx.seen, 'list_nodes').length ? [] : [{ tool: 'list_nodes', args: {} }];
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    if (!r) return [];
    const nodes = outputs(ctx.seen, 'list_nodes').pop();
    // The newest kubelet: kubelets are never newer than the API server (the version skew policy), so it
    // is the surest lower bound of the cluster's version.
    const kubelets = nodes
      ? parseTable(nodes.content)
          .slice(0, 500)
          .map((r) => minorOf(r['VERSION'] ?? ''))
          .filter((v): v is { version: string; minor: number } => v !== undefined)
      : [];
    const version =
      kubelets.sort((a, b) => b.minor - a.minor)[0] ??
      minorOf(r.log.find((l) => /kubernetes/i.test(l) && minorOf(l)) ?? '');
    const old = version !== undefined && version.minor < 11;
    return [
      {
        // As certain as the API server's own word, and the cause of what the controller left undone
        // (a primary it created, a target it scaled down while waiting): it outranks those states.
        weight: 94,
        object: `${r.kind}.${r.group} ${r.name}`,
        cause: `the controller ${r.pod} cannot write the status of ${r.kind}.${r.group} ${r.name}: every status update is answered "the server could not find the requested resource" ("${clip(r.line, 200)}"), because the API server serves no /status subresource for that custom resource${
          old
            ? `: the cluster runs Kubernetes ${version.version}, and custom resources have a status subresource only from Kubernetes 1.11 (alpha behind a feature gate in 1.10), so this controller release, which writes status through it, cannot work on this cluster`
            : `: its CustomResourceDefinition does not declare subresources.status${version ? ` (Kubernetes ${version.version})` : ''}`
        }. Without its status the controller never records progress and never takes the next step, so what the resource should drive does not happen; the objects it created are fine`,
        evidence: [
          `logs of ${r.pod}: "${clip(r.line, 200)}"`,
          ...(version
            ? [`Kubernetes version ${version.version}${nodes ? ' (list_nodes VERSION)' : ''}`]
            : []),
        ],
        advice: old
          ? `upgrade the cluster to Kubernetes 1.11 or later (where CRDs serve the status subresource), or run a release of the controller that supports Kubernetes ${version.version}`
          : `declare the status subresource in the CRD (subresources: status: {}) as the controller's release expects, by installing the CRD that matches it`,
        revisionSound: true,
      },
    ];
  },
};

/** The first refused status write in the logs the run read, with its pod and the log's lines. */
function refused(
  ctx: AnalyzerContext,
): { line: string; kind: string; group: string; name: string; pod: string; log: string[] } | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs')) {
    const log = boundedLogLines(o.content);
    for (const line of log) {
      if (!line.includes('could not find the requested resource')) continue;
      const m = STATUS_404.exec(line.slice(0, 2000));
      if (m && !builtInGroup(m[2]!))
        return {
          line: line.trim(),
          kind: m[1]!,
          group: m[2]!,
          name: m[3]!,
          pod: String(o.args['name'] ?? ''),
          log,
        };
    }
  }
  return undefined;
}
