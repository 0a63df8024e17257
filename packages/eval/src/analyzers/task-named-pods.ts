import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, outputs, type Read } from './types.js';

/**
 * Words the task puts before a word for pods (`the emqx pods`, `all three kafka brokers`, `the rabbitmq
 * nodes`): the workload's name as people say it. A word of three to forty letters, digits and hyphens; at most four.
 */
function podWords(task: string): string[] {
  const out = new Set<string>();
  for (const m of task
    .slice(0, 4000)
    .toLowerCase()
    .matchAll(
      /(?<![\w-])([a-z][a-z0-9-]{2,40})\s{1,3}(?:pods?|replicas?|instances?|brokers?|nodes|members)\b/g,
    )) {
    if (!COMMON.has(m[1]!)) out.add(m[1]!);
    if (out.size >= 4) break;
  }
  return [...out];
}

/** Words before "pods" that name no workload (`all pods`, `three replicas`, `running pods`). */
const COMMON = new Set(
  'all any the our its their some other new old three two four five six several many both each every running ready failing crashing pending healthy broken more those these which what whose'.split(
    ' ',
  ),
);

/**
 * The pods the task names by their workload's word, all Running (`All three emqx pods are Running and
 * Ready`): what the person asks about is in their logs, whatever fails elsewhere in the namespace. The logs
 * of two of them are read, right after the failing pods' own reads.
 */
export const taskNamedPodsAnalyzer: Analyzer = {
  name: 'task-named-pods',
  first: true,
  reads(ctx: AnalyzerContext): Read[] {
    const words = podWords(ctx.task);
    if (words.length === 0) return [];
    const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).pop();
    if (!listed) return [];
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).map((o) =>
        String(o.args['name']),
      ),
    );
    const reads: Read[] = [];
    for (const w of words) {
      // The workload's own pods: `<word>-<hash>-<5>` (a Deployment's), `<word>-<n>` (a StatefulSet's),
      // `<word>-<5>` (a DaemonSet's); `emqx-exporter-…` is another workload's.
      const own = new RegExp(
        `^${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(?:[a-z0-9]{6,10}-[a-z0-9]{5}|\\d{1,4}|[a-z0-9]{5})$`,
      );
      const rows = parseTable(listed.content.slice(0, 200_000)).filter(
        (r) => own.test(r['NAME'] ?? '') && r['STATUS'] !== 'Completed' && r['STATUS'] !== 'Succeeded',
      );
      // Only when they all run: a failing one is read the usual way.
      if (rows.length === 0 || rows.some((r) => r['STATUS'] !== 'Running')) continue;
      const names = rows.map((r) => r['NAME']!);
      const picked = names.length > 1 ? [names[0]!, names[names.length - 1]!] : names;
      if (picked.some((n) => read.has(n))) continue;
      for (const name of picked) reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } });
      if (reads.length >= 2) break;
    }
    return reads.slice(0, 2);
  },
  finds: () => [],
};
