import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, namespacePods, outputs, type Read } from './types.js';

/** A pod status that says it fails: a crash loop or an error, of its main or its init containers. */
const FAILING = /^(?:Init:)?(?:CrashLoopBackOff|Error)$/;

interface NodeSplit {
  readonly owner: string;
  readonly failing: readonly string[];
  readonly running: readonly string[];
}

/**
 * The workloads of the namespace whose pods fail on some nodes (two pods at least) and run Ready on others,
 * and on no node both (the pod list's NODE column): the nodes differ, not the pods. At most 2.
 */
function nodeSplits(ctx: AnalyzerContext): NodeSplit[] {
  const by = new Map<string, { failing: Set<string>; running: Set<string>; pods: number }>();
  for (const r of namespacePods(ctx)) {
    const pod = r['NAME'] ?? '';
    const node = r['NODE'] ?? '';
    // Pods of one spec: a ReplicaSet's or a DaemonSet's by the name before their random suffix
    // (`api-6c8f5d9b7-m2x9q`, `falco-b9wnk`: two revisions of a Deployment are two specs), a
    // StatefulSet's by the name before their ordinal (`es-0`).
    const owner =
      /^([a-z0-9][a-z0-9-]{0,250})-[a-z0-9]{5}$/.exec(pod)?.[1] ??
      /^([a-z0-9][a-z0-9-]{0,250})-\d{1,4}$/.exec(pod)?.[1];
    if (!node || node === '<none>' || !owner) continue;
    const g = by.get(owner) ?? { failing: new Set(), running: new Set(), pods: 0 };
    by.set(owner, g);
    if (FAILING.test(r['STATUS'] ?? '')) {
      g.failing.add(node);
      g.pods++;
    } else if (r['STATUS'] === 'Running' && /^(\d+)\/\1$/.test(r['READY'] ?? '')) g.running.add(node);
  }
  return (
    [...by]
      // Two failing pods at least: one pod that fails beside others that run may be chance.
      .filter(([, g]) => g.pods >= 2 && g.running.size > 0 && ![...g.failing].some((n) => g.running.has(n)))
      .map(([owner, g]) => ({ owner, failing: [...g.failing].sort(), running: [...g.running].sort() }))
      .slice(0, 2)
  );
}

/** The nodes' ages from the newest node list, by name. */
function nodeAges(ctx: AnalyzerContext): Map<string, string> {
  const list = outputs(ctx.seen, 'list_nodes').pop();
  return new Map(
    parseTable(list?.content.slice(0, 200_000) ?? '')
      .filter((r) => r['NAME'] && r['AGE'])
      .map((r) => [r['NAME']!, r['AGE']!]),
  );
}

/**
 * A workload whose pods fail on some nodes and run on the others, with no node where both happen: the
 * pods share one spec, so what differs is the nodes (their kernel, OS image, labels, what was installed
 * on them). Said as a note beside any diagnosis, with the nodes' ages when the node list was read: nodes
 * much newer than the rest (a new pool) are where to look first.
 */
export const failingNodesAnalyzer: Analyzer = {
  name: 'failing-nodes',
  reads(ctx): Read[] {
    return nodeSplits(ctx).length > 0 && outputs(ctx.seen, 'list_nodes').length === 0
      ? [{ tool: 'list_nodes', args: {} }]
      : [];
  },
  finds() {
    return [];
  },
  notes(ctx): string[] {
    const ages = nodeAges(ctx);
    return nodeSplits(ctx).map((s) => {
      const aged = (nodes: readonly string[]) =>
        nodes.map((n) => (ages.has(n) ? `${n} (${ages.get(n)} old)` : n)).join(', ');
      const maxAge = (nodes: readonly string[]) =>
        Math.max(...nodes.map((n) => ageSeconds(ages.get(n) ?? '') ?? Number.POSITIVE_INFINITY));
      const minAge = (nodes: readonly string[]) =>
        Math.min(...nodes.map((n) => ageSeconds(ages.get(n) ?? '') ?? 0));
      // Every failing node younger than every working one, by a factor of ten: a new pool.
      const newer = ages.size > 0 && maxAge(s.failing) * 10 < minAge(s.running);
      return `Where it fails: the pods of ${s.owner} fail only on ${aged(s.failing)} and run on ${aged(s.running)}; they share one spec, so what differs is the nodes${newer ? `, and the nodes where they fail are the new ones (a new node pool or image: its kernel, OS image or installed software is what to compare)` : ' (their kernel, OS image, labels or installed software)'}.`;
    });
  },
};
