import { parseDuration } from '@sre-harness/tools-k8s';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  namespacePods,
  outputs,
  podsOnNode,
  type Read,
  section,
} from './types.js';

/** A Running pod of the namespace whose current log says something failed, with its node. */
function failingOnNodes(ctx: AnalyzerContext): { pod: string; node: string; line: string }[] {
  const rows = namespacePods(ctx);
  const nodeOf = new Map(
    rows.filter((r) => r['STATUS'] === 'Running').map((r) => [r['NAME'] ?? '', r['NODE'] ?? '']),
  );
  const out: { pod: string; node: string; line: string }[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const pod = String(o.args['name'] ?? '');
    const node = nodeOf.get(pod);
    const bad = errorLines(o.content);
    if (node && node !== '<none>' && bad.length > 0) out.push({ pod, node, line: bad[bad.length - 1]! });
  }
  return out;
}

/** A pod's workload as its name says: the name up to its generated suffix or its StatefulSet ordinal. */
const workloadOf = (pod: string) => pod.replace(/-(?:[a-z0-9]{5}|\d{1,5})$/, '');

/** The pods of the same workload: same name up to the pod's generated suffix or ordinal. */
function siblings(pod: string, rows: readonly Record<string, string>[]): Record<string, string>[] {
  const base = workloadOf(pod);
  return rows.filter((r) => r['NAME'] !== pod && workloadOf(r['NAME'] ?? '') === base);
}

/** Words every failure line may hold, which say nothing of which failure it is. */
const GENERIC = new Set([
  'error',
  'errors',
  'warn',
  'warning',
  'fatal',
  'info',
  'failed',
  'failure',
  'exception',
  'with',
  'from',
  'that',
  'this',
  'while',
  'after',
]);

/** Words of a log line that say what failed: four letters or more, numbers, time stamps and `GENERIC` aside. */
function failureWords(line: string): Set<string> {
  return new Set(
    (line.toLowerCase().match(/[a-z][a-z_.-]{3,40}/g) ?? []).slice(0, 200).filter((w) => !GENERIC.has(w)),
  );
}

/** Whether two failure lines say the same failure: two such words in common. */
function sameFailure(a: string, b: string): boolean {
  const x = failureWords(b);
  let n = 0;
  for (const w of failureWords(a)) if (x.has(w) && ++n >= 2) return true;
  return false;
}

/** `Warning` events of a node description, as printed under `Events:`. */
export function nodeWarnings(
  text: string,
): { reason: string; count: string; message: string; lastSeenSeconds: number | undefined }[] {
  return section(text, 'Events')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('Warning '))
    .slice(0, 20)
    .map((l) => {
      const cols = l.split(/\s{2,}/);
      const age = cols[2] ?? '';
      return {
        reason: cols[1] ?? '',
        count: /\(x(\d+)/.exec(age)?.[1] ?? '1',
        lastSeenSeconds: parseDuration(age.split(' ')[0] ?? ''),
        message: cols.slice(4).join('  ') || (cols[3] ?? ''),
      };
    });
}

/**
 * Failures on one node only: a workload's pods that log failures all run on one node while its pods
 * on other nodes do not, and that node reports Warning events (the kernel's or node-problem-detector's:
 * a full conntrack table, a NIC, a disk). The node is the cause, not the dependency the log blames. The
 * reads: the log of one pod of the same workload on another node to compare, then, when that one logs no
 * failures (or there is none), the node of the Running pod that does.
 * https://github.com/kubernetes/node-problem-detector ; https://kubernetes.io/docs/tasks/debug/debug-cluster/
 */
export const failingNodeAnalyzer: Analyzer = {
  name: 'failing-node',
  reads(ctx) {
    const reads: Read[] = [];
    const rows = namespacePods(ctx);
    for (const f of failingOnNodes(ctx).slice(0, 2)) {
      // The same workload's pod on another node first: when it logs failures too, the fault is not one
      // node's, and the node is not worth a read.
      const other = siblings(f.pod, rows).find((r) => r['STATUS'] === 'Running' && r['NODE'] !== f.node);
      if (other) {
        const log = outputs(
          ctx.seen,
          'get_pod_logs',
          (o) => o.args['name'] === other['NAME'] && o.args['namespace'] === ctx.ns && !o.args['previous'],
        ).pop();
        if (!log) {
          reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: other['NAME'] } });
          continue;
        }
        // Failing the same way (an error line sharing two words with this pod's): not one node's fault.
        // Another failure (a retry at start-up, long past) leaves the comparison open.
        if (errorLines(log.content).some((l) => sameFailure(l, f.line))) continue;
      }
      reads.push({ tool: 'describe_node', args: { name: f.node } });
    }
    // Every pod Running and Ready: a fault of one node shows only in the pods there, so once one pod's
    // log was read, the same workload's pods on two other nodes are read too.
    const ready = (r: Record<string, string>) => {
      const [a, b] = (r['READY'] ?? '').split('/');
      return r['STATUS'] === 'Running' && a === b;
    };
    if (rows.length > 0 && rows.every(ready)) {
      const read = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ctx.ns && !o.args['previous'],
      );
      for (const o of read.slice(0, 1)) {
        const pod = String(o.args['name'] ?? '');
        const nodes = new Set([rows.find((r) => r['NAME'] === pod)?.['NODE']]);
        for (const r of siblings(pod, rows)) {
          if (nodes.size >= 3 || nodes.has(r['NODE'])) continue;
          nodes.add(r['NODE']);
          reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: r['NAME'] } });
        }
      }
    }
    return reads;
  },
  finds(ctx) {
    const failing = failingOnNodes(ctx);
    const nodes = new Set(failing.map((f) => f.node));
    if (nodes.size !== 1) return [];
    const node = [...nodes][0]!;
    const described = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
    // Only warnings that are current and repeated, or whose message is a known node fault: kubelets
    // emit one-off warnings (InvalidDiskCapacity at start) that explain nothing.
    const warnings = (described ? nodeWarnings(described.content) : []).filter(
      (w) =>
        logGloss(w.message) !== undefined ||
        (Number(w.count) >= 3 && w.lastSeenSeconds !== undefined && w.lastSeenSeconds <= 3600),
    );
    if (warnings.length === 0) return [];
    // The same workload's pods on other nodes, read and quiet: the failure follows the node.
    const logged = new Set(outputs(ctx.seen, 'get_pod_logs').map((o) => String(o.args['name'] ?? '')));
    const rows = namespacePods(ctx);
    const quiet = failing.flatMap((f) =>
      siblings(f.pod, rows)
        .filter(
          (r) =>
            r['NODE'] !== node && logged.has(r['NAME'] ?? '') && !failing.some((x) => x.pod === r['NAME']),
        )
        .map((r) => `${r['NAME']} on ${r['NODE']}`),
    );
    if (quiet.length === 0) return [];
    const top = [...warnings].sort((a, b) => Number(b.count) - Number(a.count))[0]!;
    const meaning = warnings.map((w) => logGloss(w.message)).find((m) => m !== undefined);
    const others = podsOnNode(described!.content)
      .slice(0, 12)
      .filter((p) => p.namespace !== ctx.ns)
      .map((p) => `${p.namespace}/${p.name}`);
    const f = failing[0]!;
    return [
      {
        weight: 82,
        object: `node ${node}`,
        cause: `only the pods on node ${node} fail (${failing.map((x) => x.pod).join(', ')} logs "${clip(f.line, 120)}") while the same workload's pods on other nodes (${quiet.join(', ')}) log no failures, so the fault is that one node, not the dependency the log names: node ${node} reports ${top.reason} (x${top.count}): "${clip(top.message, 120)}"${meaning ? ` — ${meaning}` : ''}${others.length ? `. Other pods on ${node}: ${others.join(', ')}` : ''}`,
        evidence: [
          ...warnings
            .slice(0, 2)
            .map((w) => `describe_node ${node}: Warning ${w.reason} (x${w.count}): ${clip(w.message, 120)}`),
          `get_pod_logs ${f.pod}: "${clip(f.line, 120)}"`,
        ],
        advice: `cordon ${node} and move its pods, and fix what the node reports`,
      },
    ];
  },
};
