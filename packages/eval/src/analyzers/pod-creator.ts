import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, outputs, type Read } from './types.js';

/**
 * The product words of a pod's label keys that carry a prefix, as Kubernetes label keys do for the program
 * that set them (a DNS subdomain: `woodpecker-ci.org/step` → `woodpecker`, `tekton.dev/task` → `tekton`,
 * `jenkins/label` → `jenkins`); the `kubernetes.io` and `k8s.io` keys, set by Kubernetes itself, are left out.
 */
export function labelProducts(described: string): string[] {
  const at = described.search(/^Labels:/m);
  if (at < 0) return [];
  const out = new Set<string>();
  for (const line of described
    .slice(at, at + 4000)
    .split('\n')
    .slice(0, 30)) {
    // The first line carries `Labels:`, the next ones are indented; a line of another field ends the list.
    if (!/^(?:Labels:)?\s/.test(line) && !line.startsWith('Labels:')) break;
    const m = /^(?:Labels:)?\s{1,30}([a-z0-9][a-z0-9.-]{0,200})\//.exec(line);
    if (!m || /(?:^|\.)(?:kubernetes\.io|k8s\.io)$/.test(m[1]!)) continue;
    const word = m[1]!.split('.')[0]!.split('-')[0]!;
    if (word.length >= 4) out.add(word);
  }
  return [...out];
}

/**
 * A pod that no controller owns (`Controlled By: <none>`) and that cannot run (Pending, failing) was made
 * by a program: a CI agent, an operator, a job runner, named by its labels' domain. What went wrong when
 * it made the pod and its parts (a claim never created, a Role that does not allow it) is in that
 * program's log, not the pod's: its Running pods' logs are read, up to three.
 */
export const podCreatorAnalyzer: Analyzer = {
  name: 'pod-creator',
  first: true,
  reads(ctx: AnalyzerContext): Read[] {
    const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).pop();
    if (!listed) return [];
    const rows = parseTable(listed.content.slice(0, 200_000));
    const products = new Set<string>();
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
      const head = d.content.slice(0, 8000);
      if (!/^Controlled By:\s+<none>\s*$/m.test(head) || /^Status:\s+(?:Running|Succeeded)\b/m.test(head))
        continue;
      for (const p of labelProducts(d.content)) products.add(p);
    }
    if (products.size === 0) return [];
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).map((o) =>
        String(o.args['name']),
      ),
    );
    return rows
      .filter((r) => r['STATUS'] === 'Running')
      .map((r) => r['NAME'] ?? '')
      .filter((n) => [...products].some((p) => n.startsWith(`${p}-`)))
      .slice(0, 3)
      .filter((n) => !read.has(n))
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds: () => [],
};
