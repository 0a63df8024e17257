import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  allPodsReady,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podListOf,
  type Read,
} from './types.js';

/** A workload the task names with its namespace: `digest-publisher (namespace notify)`, `api in namespace shop`. */
const NAMED_IN =
  /\b([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?) (?:\((?:in )?namespace|in (?:the )?namespace) ([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b/g;
/** The same without the word namespace (`stats-api in public-site`): the name after it must be a namespace that exists. */
const BARE_IN = /\b([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?) in ([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b/g;

/** The (workload, namespace) pairs the task names, other than the namespace being read, that exist. */
function namedElsewhere(ctx: AnalyzerContext): { workload: string; namespace: string }[] {
  const known = new Set(namespaceNames(ctx.seen));
  const text = ctx.task.slice(0, 4000);
  const pairs = [...text.matchAll(NAMED_IN), ...text.matchAll(BARE_IN)]
    .map((m) => ({ workload: m[1]!, namespace: m[2]! }))
    .filter((p) => p.namespace !== ctx.ns && known.has(p.namespace));
  // Each pair once, the explicit form first.
  const out: { workload: string; namespace: string }[] = [];
  for (const p of pairs)
    if (!out.some((q) => q.namespace === p.namespace && q.workload === p.workload)) out.push(p);
  return out.slice(0, 2);
}

/**
 * The task names several workloads, each with its namespace: the others are read too (their pods, and
 * the log of one running pod of each), as an engineer checks every component the person pointed at,
 * whether the one read first is healthy or reports failures that may come from them (a database
 * refusing clients is explained by what the clients do). Last in order, so the namespace's own reads
 * come first. The finding (a failure logged there) is weak; the families that read logs conclude.
 */
export const namedWorkloadElsewhereAnalyzer: Analyzer = {
  name: 'named-workload-elsewhere',
  reads(ctx): Read[] {
    if (allPodsReady(ctx.seen, ctx.ns) !== true) return [];
    const reads: Read[] = [];
    for (const { workload, namespace } of namedElsewhere(ctx)) {
      const there = podListOf(ctx.seen, namespace);
      if (!there) {
        reads.push({ tool: 'list_pods', args: { namespace } });
        continue;
      }
      const pod = parseTable(there.content).find((r) => ownerName(r['NAME'] ?? '') === workload);
      const name = pod?.['NAME'];
      if (name && !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name).length)
        reads.push({ tool: 'get_pod_logs', args: { namespace, name } });
    }
    return reads;
  },
  finds(ctx): Finding[] {
    for (const { workload, namespace } of namedElsewhere(ctx)) {
      for (const o of outputs(
        ctx.seen,
        'get_pod_logs',
        (x) => x.args['namespace'] === namespace && !x.args['previous'],
      )) {
        const pod = String(o.args['name']);
        if (ownerName(pod) !== workload) continue;
        const bad = errorLines(o.content.slice(-100_000)).filter((l) => l.length <= 4000);
        const line = bad.find((l) => logGloss(l)) ?? bad[bad.length - 1];
        if (!line) continue;
        const means = logGloss(line);
        return [
          {
            weight: 66,
            object: `deployment ${workload} (namespace ${namespace})`,
            cause: `${workload} in namespace ${namespace}, which the task names, logs failures (${bad.length} line(s)): "${clip(line, 220)}"${means ? ` — ${means}` : ''}. ${ctx.ns} itself is healthy`,
            evidence: bad.slice(-2).map((l) => `get_pod_logs ${pod}: "${clip(l, 160)}"`),
            advice: `fix what ${workload}'s log reports`,
          },
        ];
      }
    }
    return [];
  },
};
