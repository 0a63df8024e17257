import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  type Finding,
  flat,
  namespaceNames,
  outputs,
  podListOf,
  type Read,
  textOf,
} from './types.js';

// The kubelet's sandbox failure when the node's network plugin is missing (its binary or its agent).
const NO_PLUGIN =
  /failed to find plugin "([a-z0-9._-]{1,63})"|plugin type="([a-z0-9._-]{1,63})" failed|network plugin is not ready|cni plugin not initialized/i;

/** A node's taint, as `describe_node` prints it (`key=value:Effect`). */
export interface Taint {
  key: string;
  value: string;
  effect: string;
}

/** A described node's taints (its `Taints:` lines, at most 20). */
export function nodeTaints(describe: string): Taint[] {
  const at = describe.search(/^Taints:/m);
  if (at < 0) return [];
  const out: Taint[] = [];
  for (const line of describe
    .slice(at, at + 4000)
    .split('\n')
    .slice(0, 20)) {
    const m =
      /^(?:Taints:)?\s+([a-z0-9./-]{1,253})(?:=([^:\s]{0,63}))?:(NoSchedule|NoExecute|PreferNoSchedule)\s*$/.exec(
        line,
      );
    if (m) out.push({ key: m[1]!, value: m[2] ?? '', effect: m[3]! });
    else if (out.length > 0 || !/^Taints:/.test(line)) break;
  }
  return out;
}

/** The tolerations of a DaemonSet's pod template, from describe_resource's flattened spec. */
export function tolerations(
  describe: string,
): { key?: string; operator?: string; value?: string; effect?: string }[] {
  const out: { key?: string; operator?: string; value?: string; effect?: string }[] = [];
  for (let i = 0; i < 20; i++) {
    const field = (f: string) => flat(describe, `template.spec.tolerations[${i}].${f}`);
    const t = {
      key: field('key'),
      operator: field('operator'),
      value: field('value'),
      effect: field('effect'),
    };
    if (!t.key && !t.operator) break;
    out.push(t);
  }
  return out;
}

/**
 * Whether a toleration of `ts` tolerates `taint` (Kubernetes' rule: the same effect or none, and `Exists` on
 * the key or any key, or `Equal` on key and value).
 */
export function tolerates(ts: readonly ReturnType<typeof tolerations>[number][], taint: Taint): boolean {
  return ts.some(
    (t) =>
      (!t.effect || t.effect === taint.effect) &&
      ((t.operator === 'Exists' && (!t.key || t.key === taint.key)) ||
        (t.key === taint.key && (t.value ?? '') === taint.value)),
  );
}

/**
 * What a node needs from a DaemonSet before pods can start there, and how the kubelet says it is
 * missing: the network plugin (no sandbox), a Localhost seccomp profile an installer DaemonSet writes
 * (https://kubernetes.io/docs/tutorials/security/seccomp/).
 */
interface Provision {
  /** The kubelet's message when the node lacks it; group 1 or 2 may name the plugin. */
  readonly missing: RegExp;
  /** The stuck pods' STATUS. */
  readonly status: RegExp;
  /** Namespaces the DaemonSet may run in, besides kube-system. */
  readonly namespaces: RegExp;
  /** A DaemonSet name that provides it. */
  readonly provider: RegExp;
  /** The finding's words: what the stuck pods lack, and what the DaemonSet provides. */
  readonly lack: string;
  readonly provides: string;
  /**
   * The pods ask for it in their own spec (a seccomp profile), so the revision before the one that
   * asked for it ran: rolling the deployment back restores service while the DaemonSet is fixed.
   */
  readonly askedBySpec?: true;
}

const PROVISIONS: readonly Provision[] = [
  {
    missing: NO_PLUGIN,
    status: /^ContainerCreating$/,
    namespaces: /^kube-system$/,
    provider: /cni|calico|cilium|flannel|weave|net/,
    lack: 'get no network',
    provides: "the network plugin's DaemonSet",
  },
  {
    missing: /cannot load seccomp profile "([^"\s]{1,253})"/,
    status: /^CreateContainerError$/,
    namespaces: /^(?:kube-system|[\w-]{0,30}(?:secur|seccomp|profile|hardening|node)[\w-]{0,30})$/,
    provider: /seccomp|profile/,
    lack: 'cannot be created: their Localhost seccomp profile is not installed on that node',
    provides: "the profile's installer DaemonSet",
    askedBySpec: true,
  },
];

/** The provision whose message the namespace's events show, with the message line. */
function missingProvision(events: string): { p: Provision; line: string; name?: string } | undefined {
  for (const p of PROVISIONS) {
    const line = events.split('\n').find((l) => l.length <= 4000 && p.missing.test(l));
    if (line) {
      const m = p.missing.exec(line)!;
      return { p, line, ...((m[1] ?? m[2]) ? { name: (m[1] ?? m[2])! } : {}) };
    }
  }
  return undefined;
}

/**
 * Pods that cannot start on a node whose provider DaemonSet pod (the network plugin, a seccomp profile
 * installer) is missing because the node carries a taint the DaemonSet does not tolerate: a DaemonSet
 * places pods only on nodes whose taints it tolerates (its controller adds tolerations for the node
 * conditions, not for custom taints), so pods that do tolerate the taint land there and fail.
 * https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations
 */
export const cniDaemonSetTaintAnalyzer: Analyzer = {
  name: 'cni-daemonset-taint',
  reads({ ns, seen }) {
    const found = missingProvision(textOf(seen, 'get_events'));
    if (!found) return [];
    const { p, name } = found;
    const pods = parseTable(podListOf(seen, ns)?.content ?? '');
    const node = pods.find((r) => p.status.test(r['STATUS'] ?? ''))?.['NODE'];
    const known = namespaceNames(seen);
    const spaces = ['kube-system', ...known.filter((n) => n !== 'kube-system' && p.namespaces.test(n))].slice(
      0,
      3,
    );
    const reads: Read[] =
      known.length === 0 && p !== PROVISIONS[0]
        ? [{ tool: 'list_resources', args: { kind: 'Namespace' } }]
        : [];
    for (const space of spaces) {
      reads.push({ tool: 'list_resources', args: { kind: 'DaemonSet', namespace: space } });
      const sets = parseTable(
        outputs(
          seen,
          'list_resources',
          (o) => o.args['kind'] === 'DaemonSet' && o.args['namespace'] === space,
        ).pop()?.content ?? '',
      ).map((r) => r['NAME'] ?? '');
      const ds =
        sets.find((n) => p === PROVISIONS[0] && name && n.includes(name)) ??
        sets.find((n) => p.provider.test(n));
      if (ds)
        reads.push({ tool: 'describe_resource', args: { kind: 'DaemonSet', namespace: space, name: ds } });
    }
    if (node && node !== '<none>') reads.push({ tool: 'describe_node', args: { name: node } });
    return reads;
  },
  finds({ ns, seen }) {
    const found = missingProvision(textOf(seen, 'get_events'));
    if (!found) return [];
    const { p, line } = found;
    const pods = parseTable(podListOf(seen, ns)?.content ?? '').filter((r) =>
      p.status.test(r['STATUS'] ?? ''),
    );
    for (const ds of outputs(
      seen,
      'describe_resource',
      (o) => o.args['kind'] === 'DaemonSet' && p.provider.test(String(o.args['name'])),
    )) {
      const ts = tolerations(ds.content);
      for (const node of [...new Set(pods.map((r) => r['NODE'] ?? ''))]) {
        const d = outputs(seen, 'describe_node', (o) => o.args['name'] === node).pop();
        if (!d) continue;
        const untolerated = nodeTaints(d.content).filter(
          (t) => t.effect !== 'PreferNoSchedule' && !tolerates(ts, t),
        );
        if (untolerated.length === 0) continue;
        const taint = untolerated[0]!;
        const name = String(ds.args['name']);
        const space = String(ds.args['namespace']);
        // The deployment whose newest revision asked for it, when an older revision exists.
        const owner = (pods[0]?.['NAME'] ?? '').replace(/-[a-z0-9]{5,10}-[a-z0-9]{5}$/, '');
        const history = p.askedBySpec
          ? outputs(seen, 'get_rollout_history', (o) => o.args['name'] === owner).pop()
          : undefined;
        const older =
          history !== undefined &&
          parseTable(history.content).filter((r) => /^\d/.test(r['REVISION'] ?? '')).length > 1;
        const out: Finding = {
          // Above the stuck pods' own finding, which it explains.
          weight: 99,
          object: `daemonset ${name} in ${space}`,
          cause: `the pods stuck in ${pods[0]?.['STATUS'] ?? 'ContainerCreating'} ${p.lack}: ${p.provides} ${name} has no pod on node ${node}, because ${node} carries the taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect} and the DaemonSet's pod template has no toleration for it (a DaemonSet places pods only on nodes whose taints it tolerates), so the pods that do tolerate the taint land there and fail ("${clip(line.trim().replace(/\s{2,}/g, ' '), 160)}"); it is not the pods' own image or spec`,
          evidence: [
            `event: ${clip(line.trim().replace(/\s{2,}/g, ' '), 160)}`,
            `describe_node ${node}: Taints ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`,
            `describe_resource DaemonSet ${name}: tolerations ${ts.map((t) => t.key ?? t.operator).join(', ') || 'none'}`,
          ],
          advice: `add a toleration for ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect} to DaemonSet ${name}, so it runs on the tainted nodes${p === PROVISIONS[0] ? ' (network plugins usually tolerate every taint: operator Exists)' : ''}`,
          ...(older
            ? {
                fix: {
                  tool: 'rollback_deployment',
                  args: { namespace: ns, name: owner },
                  text: `roll ${owner} back to the revision before it asked for what ${node} lacks, until DaemonSet ${name} tolerates ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect} and runs there`,
                },
              }
            : {}),
        };
        return [out];
      }
    }
    return [];
  },
};
