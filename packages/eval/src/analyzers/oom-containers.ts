import { parseQuantity } from '@sre-harness/tools-k8s';
import { memoryLimit } from '../baseline/reading.js';
import { type AnalyzerContext, containerSections, outputs, ownerDeployment } from './types.js';

/** One OOM-killed container of a described pod, with its memory limit and the log lines read of its pod. */
export interface OomKilled {
  pod: string;
  deployment: string | undefined;
  container: string;
  /** The container's section of `describe_pod` (its Environment block, its states). */
  body: string;
  limitText: string;
  /** The memory limit in bytes. */
  limit: number;
  /** Lines of every log read of the pod (the last 200,000 characters of each), of at most 4,000 characters. */
  lines: string[];
}

/**
 * The containers of namespace `ns`'s described pods whose last state is Terminated with reason OOMKilled
 * and that have a memory limit (`kubectl describe`'s `Limits:` block), in the order the pods were
 * described: what the analyzers of a runtime's own heap read first.
 */
export function oomKilledContainers(ctx: Pick<AnalyzerContext, 'seen' | 'ns'>): OomKilled[] {
  const out: OomKilled[] = [];
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    const pod = String(d.args['name'] ?? '');
    for (const c of containerSections(d.content).filter((s) => !s.init)) {
      if (!/Last State:\s+Terminated\s*\n\s+Reason:\s+OOMKilled/.test(c.body)) continue;
      const limitText = memoryLimit(c.body);
      const limit = limitText ? parseQuantity(limitText) : undefined;
      if (!limitText || limit === undefined) continue;
      const lines = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod)
        .map((o) => o.content.slice(-200_000))
        .join('\n')
        .split('\n')
        .filter((l) => l.length <= 4000);
      out.push({
        pod,
        deployment: ownerDeployment(d.content),
        container: c.name,
        body: c.body,
        limitText,
        limit,
        lines,
      });
    }
  }
  return out;
}
