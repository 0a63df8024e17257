import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, outputs, podsOf, type Read } from './types.js';

const ASKED = /\bImagePull\w{0,10}|\bErrImagePull\b|\bpull(?:ing|ed|s)? (?:the )?image/i;

interface Pulls {
  readonly pod: string;
  failed?: string;
  pulled: boolean;
}

/** Pods whose events show an image pull that failed and, later or not, one that succeeded. */
function pulls(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Pulls[] {
  const by = new Map<string, Pulls>();
  for (const e of outputs(seen, 'get_events', (o) => o.args['namespace'] === ns)) {
    for (const r of parseTable(e.content)) {
      const [kind, pod] = (r['OBJECT'] ?? '').split('/');
      if (kind !== 'pod' || !pod) continue;
      const msg = r['MESSAGE'] ?? '';
      const p = by.get(pod) ?? { pod, pulled: false };
      if (r['REASON'] === 'Pulled' && /^Successfully pulled image/.test(msg)) p.pulled = true;
      else if (r['REASON'] === 'Failed' && /^Failed to pull image/.test(msg)) p.failed = p.failed ?? msg;
      by.set(pod, p);
    }
  }
  return [...by.values()].filter((p) => p.failed);
}

/**
 * Image pulls that failed and then succeeded, for pods that are now Running or Completed: the
 * ImagePullBackOff someone was paged about is over (the kubelet retries with back-off and the pull
 * went through). When the failures were on nodes that had just joined, that says why: a new node not
 * yet set up (registry host names, credentials, a mirror) cannot pull until its set-up finishes.
 * Said when the question asks about image pulls; the pods' events, their nodes and the nodes' ages
 * are the evidence.
 */
export const pullRecoveredAnalyzer: Analyzer = {
  name: 'pull-recovered',
  reads({ task, ns, seen }): Read[] {
    if (!ASKED.test(task.slice(0, 4000))) return [];
    const recovered = pulls(seen, ns).filter((p) => p.pulled);
    if (recovered.length === 0) return [];
    return outputs(seen, 'list_nodes').length > 0 ? [] : [{ tool: 'list_nodes', args: {} }];
  },
  finds: () => [],
  notes({ task, ns, seen }) {
    if (!ASKED.test(task.slice(0, 4000))) return [];
    const listed = podsOf(seen, ns);
    if ('read' in listed) return [];
    const rows = new Map(listed.rows.map((r) => [r['NAME'] ?? '', r]));
    const all = pulls(seen, ns);
    // Every pod that failed to pull has since pulled and is Running or Completed.
    const ok = (p: Pulls) =>
      p.pulled && /^(Running|Completed|Succeeded)$/.test(rows.get(p.pod)?.['STATUS'] ?? '');
    if (all.length === 0 || !all.every(ok)) return [];
    const nodes = new Map(
      outputs(seen, 'list_nodes')
        .flatMap((o) => parseTable(o.content))
        .map((r) => [r['NAME'] ?? '', ageSeconds(r['AGE'] ?? '')]),
    );
    const onNodes = [...new Set(all.map((p) => rows.get(p.pod)?.['NODE'] ?? '').filter(Boolean))];
    // Nodes younger than two hours, all of them: the failures came while new nodes were set up.
    const young = onNodes.filter((n) => (nodes.get(n) ?? Infinity) < 7200);
    const newNodes = young.length > 0 && young.length === onNodes.length;
    const ages = newNodes ? young.map((n) => `${n}, ${listedAge(seen, n)} old`).join('; ') : '';
    return [
      `The image pull failures are over: ${all.map((p) => p.pod).join(', ')} failed to pull ("${clip(all[0]!.failed!, 160)}") and went to ImagePullBackOff, then the kubelet's retries pulled the image and ${all.length === 1 ? 'the pod is' : 'they are'} now ${[...new Set(all.map((p) => rows.get(p.pod)?.['STATUS']))].join(' or ')}${newNodes ? `. The failures were on new nodes (${ages}), which had joined the cluster shortly before (a scale-out): a node that has just joined cannot pull until its own set-up (registry host names, credentials, a mirror) is done, and the pulls worked once it was` : ''}. It was transient and has recovered: nothing is broken now and no change is needed now${newNodes ? '; as a follow-up, keep new nodes from taking pods until their registry set-up is done (a startup taint the set-up removes, or the set-up baked into the node image)' : ''}.`,
    ];
  },
};

function listedAge(seen: Parameters<Analyzer['finds']>[0]['seen'], node: string): string {
  return (
    outputs(seen, 'list_nodes')
      .flatMap((o) => parseTable(o.content))
      .find((r) => r['NAME'] === node)?.['AGE'] ?? '?'
  );
}
