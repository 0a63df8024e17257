import { parseQuantity } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import { described, templateChanges, templateReads } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
  unmadeReads,
} from './types.js';

const GI = 1024 ** 3;

/** The memory a pod's containers request, summed (bytes), from a describe_pod text; with the container that asks most. */
export function memoryRequest(text: string): {
  total: number;
  container?: string;
  written?: string;
  /** Each app container's memory request as written, in order. */
  shares: { name: string; written: string }[];
} {
  let total = 0;
  let most: { name: string; bytes: number; written: string } | undefined;
  let count = 0;
  const shares: { name: string; written: string }[] = [];
  for (const c of containerSections(text)) {
    if (c.init) continue;
    const m = /Requests:\s*\n(?:[ \t]+[^\s:]+:.*\n)*?[ \t]+memory:[ \t]*(\S{1,32})/.exec(`${c.body}\n`);
    if (m) shares.push({ name: c.name, written: m[1]! });
    const bytes = parseQuantity(m?.[1]);
    if (bytes === undefined) continue;
    total += bytes;
    count++;
    if (!most || bytes > most.bytes) most = { name: c.name, bytes, written: m![1]! };
  }
  // The request as written (24Gi), when one container holds it all.
  return {
    total,
    shares,
    ...(most ? { container: most.name } : {}),
    ...(most && count === 1 ? { written: most.written } : {}),
  };
}

/**
 * A Pending pod whose memory request is more than any node's allocatable memory: the scheduler
 * compares requests with allocatable, which is the node's capacity minus kube-reserved,
 * system-reserved and the eviction threshold (kubernetes.io, "Reserve Compute Resources for System
 * Daemons"), so a request equal to the instance's nominal memory never fits. Found from the pod's
 * description (Insufficient memory, its requests) and `list_nodes` (allocatable memory). The fix
 * lowers the request to fit the largest node's allocatable with a margin.
 */
export const allocatableAnalyzer: Analyzer = {
  name: 'allocatable',
  reads(ctx) {
    const { seen, ns } = ctx;
    const pending = outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns).filter((o) =>
      /Insufficient memory/.test(o.content),
    );
    if (pending.length === 0) return [];
    const reads: Read[] = [{ tool: 'list_nodes', args: {} }];
    // A request far above every node: the rollout's two templates say what it was before.
    const largest = largestNode(seen);
    for (const d of pending.slice(0, 1)) {
      const owner = ownerDeployment(d.content);
      if (owner && largest && memoryRequest(d.content).total > largest.bytes * 1.15)
        reads.push(...templateReads(ctx, owner).reads);
    }
    return unmadeReads(seen, reads);
  },
  finds(ctx) {
    const { ns, seen } = ctx;
    const largest = largestNode(seen);
    if (!largest) return [];
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      if (!/^Status:\s+Pending/m.test(d.content) || !/Insufficient memory/.test(d.content)) continue;
      const { total, container, written, shares } = memoryRequest(d.content);
      if (total <= largest.bytes) continue;
      const pod = String(d.args['name'] ?? '');
      const owner = ownerDeployment(d.content);
      const fit = Math.floor((largest.bytes * 0.9) / GI);
      // Far above every node (24Gi on 16Gi nodes): not the capacity-versus-allocatable margin but a
      // request no node of this size can ever hold, empty or not: often a typo in the value.
      if (total > largest.bytes * 1.15) {
        // The request the previous revision had, when the latest rollout raised it and it fits.
        // The pod's total with that container's old request must fit too (another container may ask too much).
        const prior =
          owner && container ? priorRequest(ctx, owner, container, largest.bytes * 0.9) : undefined;
        const mine = parseQuantity(shares.find((x) => x.name === container)?.written);
        const before =
          prior &&
          mine !== undefined &&
          total - mine + (parseQuantity(prior.value) ?? 0) <= largest.bytes * 0.9
            ? prior
            : undefined;
        out.push({
          weight: 93,
          object: podObject(owner, pod),
          cause: `pod ${pod} requests ${written ?? gi(total)} of memory${container ? ` (container ${container}, resources.requests.memory)` : ''}, more than any node has: the largest node, ${largest.name}, has ${gi(largest.bytes)} allocatable, so the pod fits on no node even an empty one ("Insufficient memory" on every node) and the cluster autoscaler cannot add a node big enough from node groups of this size; the request is too large (check the value for a typo)`,
          evidence: [
            `describe_pod ${pod}: Requests memory ${written ?? gi(total)}; FailedScheduling Insufficient memory`,
            `list_nodes: allocatable memory at most ${gi(largest.bytes)} (${largest.name})`,
          ],
          ...(before && owner && container
            ? {
                fix: {
                  tool: 'set_resources',
                  args: { namespace: ns, deployment: owner, container, requests: { memory: before.value } },
                  text: `set the memory request of ${owner}/${container} back to ${before.value}, its value before the latest rollout (${before.from} against ${before.to}), which the nodes hold`,
                },
              }
            : {}),
          advice: `lower the memory request${owner && container ? ` of ${owner}/${container}` : ''} from ${written ?? gi(total)} to what the program needs (${before ? `${before.value}, its value before the latest rollout` : "the previous revision's value, in the rollout history"}), below the nodes' ${gi(largest.bytes)} allocatable; or run it on a node group with more memory`,
        });
        continue;
      }
      out.push({
        weight: 93,
        object: podObject(owner, pod),
        cause: `pod ${pod} requests ${gi(total)} of memory, more than any node's allocatable memory (the largest, ${largest.name}, offers ${gi(largest.bytes)}): the scheduler compares requests with allocatable, which is the node's capacity minus kube-reserved, system-reserved and the eviction threshold, not with the instance's nominal memory, so a request equal to the node's size never fits ("Insufficient memory") and a bigger node group or autoscaler is not needed for it`,
        evidence: [
          `describe_pod ${pod}: requests memory ${gi(total)}, FailedScheduling Insufficient memory`,
          `list_nodes: allocatable memory at most ${gi(largest.bytes)} (${largest.name})`,
        ],
        ...(owner && container
          ? {
              fix: {
                tool: 'set_resources',
                args: { namespace: ns, deployment: owner, container, requests: { memory: `${fit}Gi` } },
                text: `lower the memory request of ${owner}/${container} to ${fit}Gi, under the nodes' allocatable ${gi(largest.bytes)}`,
              },
            }
          : {}),
        advice: `request less memory than the node's allocatable (${gi(largest.bytes)}), e.g. ${fit}Gi, or run on a node group with more memory`,
      });
    }
    return out.slice(0, 1);
  },
};

/** The node with the most allocatable memory in the latest node list read (bytes), if any. */
function largestNode(seen: AnalyzerContext['seen']): { name: string; bytes: number } | undefined {
  const nodes = outputs(seen, 'list_nodes').pop();
  if (!nodes) return undefined;
  const allocatable = parseTable(nodes.content)
    .map((r) => ({ name: r['NAME'] ?? '', bytes: parseQuantity(r['MEMORY']) }))
    .filter((n): n is { name: string; bytes: number } => n.bytes !== undefined);
  if (allocatable.length === 0) return undefined;
  return allocatable.reduce((a, b) => (b.bytes > a.bytes ? b : a));
}

/**
 * The memory request container `container` of `deployment` had before the latest rollout changed it, from
 * the two ReplicaSets' templates (see `templateReads`), when it is at most `fits` bytes; with the two
 * sets' names. Undefined when they were not read or the rollout did not change it.
 */
export function priorRequest(
  ctx: AnalyzerContext,
  deployment: string,
  container: string,
  fits: number,
): { value: string; from: string; to: string } | undefined {
  const { sets } = templateReads(ctx, deployment);
  if (!sets) return undefined;
  const was = described(ctx, sets.previous);
  const now = described(ctx, sets.current);
  if (!was || !now) return undefined;
  const c = templateChanges(was.content, now.content).find(
    (x) => x.container === container && x.field === 'resources.requests.memory',
  );
  const bytes = parseQuantity(c?.before);
  if (!c?.before || bytes === undefined || bytes > fits) return undefined;
  return { value: c.before, from: sets.previous, to: sets.current };
}

/** A node the task names, from the cluster's node list (a word of the task that is a node's name). */
function namedNodes(task: string, seen: AnalyzerContextLike['seen']): string[] {
  const nodes = outputs(seen, 'list_nodes').pop();
  if (!nodes) return [];
  const words = new Set(task.toLowerCase().split(/[^a-z0-9.-]+/));
  return parseTable(nodes.content)
    .map((r) => r['NAME'] ?? '')
    .filter((n) => n && words.has(n.toLowerCase()))
    .slice(0, 3);
}
type AnalyzerContextLike = Parameters<Analyzer['finds']>[0];

/**
 * A Pending pod (Insufficient memory or cpu) where the task points at a node that looks free: the
 * scheduler places pods by what the pods on a node request, not by what they use (kubernetes.io,
 * "Resource Management for Pods and Containers": the scheduler ensures the sum of requests stays under
 * allocatable, whatever the actual usage), so a node a dashboard shows mostly idle can still be full.
 * Read: that node's description (its non-terminated pods with their requests, and the allocated total).
 */
export const requestedNodesAnalyzer: Analyzer = {
  name: 'requested-nodes',
  reads({ task, seen, ns }) {
    const pending = outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns).some(
      (o) => /^Status:\s+Pending/m.test(o.content) && /Insufficient (?:memory|cpu)/.test(o.content),
    );
    if (!pending) return [];
    // The node list first; the nodes the task names once it is there.
    if (outputs(seen, 'list_nodes').length === 0) return [{ tool: 'list_nodes', args: {} }];
    return namedNodes(task, seen).map((name) => ({ tool: 'describe_node', args: { name } }));
  },
  finds({ task, ns, seen, hints }) {
    const d = outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns).find(
      (o) => /^Status:\s+Pending/m.test(o.content) && /Insufficient (?:memory|cpu)/.test(o.content),
    );
    if (!d) return [];
    // Each container's share when there are several (a sidecar that asks for most of it).
    const { total: want, shares } = memoryRequest(d.content);
    const split =
      shares.length > 1 ? ` (${shares.map((c) => `container ${c.name} ${c.written}`).join(', ')})` : '';
    const pod = String(d.args['name'] ?? '');
    const owner = ownerDeployment(d.content);
    for (const node of namedNodes(task, seen)) {
      const text = outputs(seen, 'describe_node', (o) => o.args['name'] === node).pop()?.content;
      if (!text) continue;
      const allocatable = parseQuantity(
        /Allocatable:[\s\S]{0,400}?\n\s+memory:\s+(\S{1,32})/.exec(text)?.[1],
      );
      const requested = /Allocated resources:[\s\S]{0,400}?\n\s+memory\s+(\S{1,32}) \((\d{1,3})%\)/.exec(
        text,
      );
      const used = parseQuantity(requested?.[1]);
      if (allocatable === undefined || used === undefined || want === 0 || used + want <= allocatable)
        continue;
      // The pods holding the node's requests, biggest memory request first.
      const at = text.indexOf('Non-terminated Pods:');
      const rows =
        at < 0 ? [] : text.slice(at, text.indexOf('Allocated resources:', at)).split('\n').slice(2);
      const holders = rows
        .map((l) => l.trim().split(/\s+/))
        .filter((c) => c.length >= 4)
        .map((c) => ({ ns: c[0]!, name: c[1]!, mem: parseQuantity(c[3]) ?? 0, written: c[3]! }))
        .sort((a, b) => b.mem - a.mem)
        .slice(0, 3);
      return [
        {
          weight: 88 + bonus(pod, hints),
          object: podObject(owner, pod),
          cause: `pod ${pod} is Pending (Insufficient memory): it requests ${gi(want)}${split}, and ${node}, which looks mostly free in usage, has ${gi(allocatable)} allocatable of which ${requested![1]} (${requested![2]}%) is already requested by the pods on it${holders.length ? ` (${holders.map((h) => `${h.name} in namespace ${h.ns}, ${h.written}`).join('; ')})` : ''}, leaving ${gi(allocatable - used)}: the scheduler counts requests, not usage, so the node is full for this pod although its memory use is low; the scheduler is not broken`,
          evidence: [
            `describe_pod ${pod}: FailedScheduling Insufficient memory; requests ${gi(want)}`,
            `describe_node ${node}: memory requests ${requested![1]} (${requested![2]}%) of ${gi(allocatable)}${holders[0] ? `; ${clip(`${holders[0].ns}/${holders[0].name} ${holders[0].written}`, 120)}` : ''}`,
          ],
          advice: `free the node's requests (move or resize the pods holding them, e.g. ${holders[0]?.name ?? 'the largest'}), lower ${owner ?? 'the pod'}'s memory request if it is oversized, or add a node to the pool`,
        },
      ];
    }
    return [];
  },
};

/** Bytes as GiB, one decimal at most (12Gi, 15.5Gi). */
function gi(bytes: number): string {
  return `${Number((bytes / GI).toFixed(1))}Gi`;
}
