import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  describedLabels,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  type Read,
} from './types.js';

/** Labels every node has, which say nothing of what a node offers. */
const GENERIC_LABEL =
  /^(?:kubernetes\.io\/(?:hostname|arch|os)|beta\.kubernetes\.io\/|node\.kubernetes\.io\/instance-type|topology\.kubernetes\.io\/)/;

interface Split {
  readonly daemonSet: string;
  readonly crashing: readonly { pod: string; node: string; status: string }[];
  readonly running: readonly { pod: string; node: string }[];
}

/**
 * Whether a described DaemonSet keeps its pods to some nodes: a nodeSelector on anything but the OS or the
 * architecture (`kubernetes.io/os: linux` keeps it on every Linux node), or a node affinity (an empty
 * `affinity: {}` or a pod anti-affinity does not choose nodes).
 */
function choosesNodes(spec: string): boolean {
  for (const m of spec.slice(0, 50_000).matchAll(/template\.spec\.nodeSelector\.(\S{1,317}):/g))
    if (!/^(?:kubernetes\.io|beta\.kubernetes\.io)\/(?:os|arch)$/.test(m[1]!)) return true;
  return /template\.spec\.affinity\.nodeAffinity\b/.test(spec);
}

/** Whether a DaemonSet of that name was asked for in the namespace and not found (the workload is another kind). */
function notADaemonSet(ctx: AnalyzerContext, name: string): boolean {
  return ctx.seen.some(
    (o) =>
      o.tool === 'describe_resource' &&
      o.status !== 'ok' &&
      o.args['kind'] === 'DaemonSet' &&
      o.args['name'] === name &&
      o.args['namespace'] === ctx.ns,
  );
}

/**
 * A workload of the namespace whose pods crash on some nodes and run Ready on others (the pod list's NODE
 * column), and that is a DaemonSet described without a nodeSelector or node affinity.
 */
function splits(ctx: AnalyzerContext): Split[] {
  const by = new Map<
    string,
    { crashing: { pod: string; node: string; status: string }[]; running: { pod: string; node: string }[] }
  >();
  for (const r of namespacePods(ctx)) {
    const pod = r['NAME'] ?? '';
    const node = r['NODE'] ?? '';
    if (!node || node === '<none>') continue;
    const owner = ownerName(pod);
    if (owner === pod) continue;
    const g = by.get(owner) ?? { crashing: [], running: [] };
    by.set(owner, g);
    if (/CrashLoopBackOff|^Error$/.test(r['STATUS'] ?? ''))
      g.crashing.push({ pod, node, status: r['STATUS']! });
    else if (r['STATUS'] === 'Running' && /^(\d+)\/\1$/.test(r['READY'] ?? '')) g.running.push({ pod, node });
  }
  return [...by]
    .filter(([owner, g]) => g.crashing.length > 0 && g.running.length > 0 && !notADaemonSet(ctx, owner))
    .map(([owner, g]) => ({ daemonSet: owner, ...g }));
}

/** The described DaemonSet's text, when it was read. */
function daemonSetSpec(ctx: AnalyzerContext, name: string): string | undefined {
  return outputs(
    ctx.seen,
    'describe_resource',
    (o) => o.args['kind'] === 'DaemonSet' && o.args['name'] === name && o.args['namespace'] === ctx.ns,
  ).pop()?.content;
}

/** The first split workload that is a DaemonSet described without a choice of nodes. */
function split(ctx: AnalyzerContext): Split | undefined {
  return splits(ctx).find((s) => {
    const spec = daemonSetSpec(ctx, s.daemonSet);
    return spec !== undefined && !choosesNodes(spec);
  });
}

/**
 * The extended resources a described node offers (its Capacity's names with a domain, `gpu.intel.com/i915`:
 * devices a device plugin advertises), or undefined when the node was not described.
 */
function extendedResources(ctx: AnalyzerContext, node: string): Set<string> | undefined {
  const d = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
  if (!d) return undefined;
  const lines = d.content.slice(0, 20_000).split('\n');
  const at = lines.findIndex((l) => /^Capacity:\s*$/.test(l));
  const out = new Set<string>();
  for (const l of at < 0 ? [] : lines.slice(at + 1, at + 40)) {
    if (!/^\s/.test(l)) break;
    const m = /^\s+([a-z0-9.-]{1,253}\/[\w.-]{1,63}):\s/.exec(l);
    if (m) out.add(m[1]!);
  }
  return out;
}

/** A node's labels, when it was described. */
function nodeLabels(ctx: AnalyzerContext, node: string): Record<string, string> | undefined {
  const d = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
  return d ? describedLabels(d.content.slice(0, 20_000)) : undefined;
}

/**
 * A DaemonSet without a nodeSelector runs a pod on every node, but its program works only on the nodes that
 * have what it needs (a device, a kernel module, a host path): its pods crash on the other nodes and run on
 * those. The nodes it runs on offer a device the others lack (an extended resource, `gpu.intel.com/i915`) and
 * share labels the others lack (`intel.feature.node.kubernetes.io/gpu=true`, `node-pool=gpu`); a nodeSelector
 * on those labels (which the chart or a change dropped) keeps it off the
 * nodes it cannot run on. The image is not at fault: it runs where it should.
 */
export const daemonSetNodeSubsetAnalyzer: Analyzer = {
  name: 'daemonset-node-subset',
  reads(ctx): Read[] {
    // Each split workload's DaemonSet, until one is found (another kind answers "not found").
    const undescribed = splits(ctx).find((x) => daemonSetSpec(ctx, x.daemonSet) === undefined);
    const s = split(ctx);
    if (!s)
      return undescribed
        ? [
            {
              tool: 'describe_resource',
              args: { kind: 'DaemonSet', name: undescribed.daemonSet, namespace: ctx.ns },
            },
          ]
        : [];
    const reads: Read[] = [s.running[0]!.node, s.crashing[0]!.node]
      .filter((n) => !outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === n).length)
      .map((name) => ({ tool: 'describe_node', args: { name } }));
    if (!outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === s.crashing[0]!.pod).length)
      reads.push({
        tool: 'get_pod_logs',
        args: { namespace: ctx.ns, name: s.crashing[0]!.pod, previous: true },
      });
    return reads;
  },
  finds(ctx): Finding[] {
    const s = split(ctx);
    if (!s) return [];
    const runningLabels = s.running
      .map((r) => nodeLabels(ctx, r.node))
      .filter((l): l is Record<string, string> => !!l);
    const crashingLabels = s.crashing
      .map((r) => nodeLabels(ctx, r.node))
      .filter((l): l is Record<string, string> => !!l);
    if (runningLabels.length === 0 || crashingLabels.length === 0) return [];
    // Labels every read node it runs on has, with the same value, and no read node it crashes on has so.
    const shared = Object.entries(runningLabels[0]!).filter(
      ([k, v]) =>
        !GENERIC_LABEL.test(k) &&
        runningLabels.every((l) => l[k] === v) &&
        crashingLabels.every((l) => l[k] !== v),
    );
    if (shared.length === 0) return [];
    // What the program needs must be a device the nodes it runs on offer (an extended resource the others
    // lack): a DaemonSet that crashes on a node pool for another reason (a kernel its driver does not
    // support) belongs on every node, and a nodeSelector would only hide it.
    const devices = s.running.map((r) => extendedResources(ctx, r.node)).filter((x): x is Set<string> => !!x);
    const lacking = s.crashing
      .map((r) => extendedResources(ctx, r.node))
      .filter((x): x is Set<string> => !!x);
    const device = [...(devices[0] ?? [])].find(
      (name) => devices.every((d) => d.has(name)) && lacking.every((d) => !d.has(name)),
    );
    if (!device) return [];
    // The crash must be about the device: the log of a crashing pod names a device path (/dev, /sys), a
    // device or driver, or the device's own words (`gpu`, `i915`), not a port taken or a setting.
    const deviceWords = device
      .toLowerCase()
      .split(/[./-]/)
      .filter((w) => w.length >= 3 && !/^(?:com|io|org|net)$/.test(w));
    const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === s.crashing[0]!.pod).pop();
    const line = log
      ? boundedLogLines(log.content.slice(-100_000)).find((l) => {
          if (l.length > 4000 || !/fail|error|cannot|can't|no such|not found|unable/i.test(l)) return false;
          const low = l.toLowerCase();
          return (
            /\/dev\/|\/sys\/|\bdevices?\b|\bdrivers?\b/.test(low) || deviceWords.some((w) => low.includes(w))
          );
        })
      : undefined;
    if (!line) return [];
    // The labels that say what the nodes offer first: the device's words, then a pool; a CPU model's or a
    // kernel's label (node-feature-discovery's) last.
    const rank = ([k, v]: [string, string]) => {
      const text = `${k}=${v}`.toLowerCase();
      if (deviceWords.some((w) => text.includes(w))) return 0;
      if (/pool|group|role|accelerator|gpu|fpga|nic/.test(text)) return 1;
      return /^feature\.node\.kubernetes\.io\/(?:cpu|kernel|system|pci|memory|storage|usb)/.test(k) ? 3 : 2;
    };
    const selector = [...shared]
      .sort((x, y) => rank(x) - rank(y))
      .filter((x) => rank(x) < 3)
      .map(([k, v]) => `${k}=${v}`);
    if (selector.length === 0) return [];
    const crashNodes = [...new Set(s.crashing.map((c) => c.node))];
    const runNodes = [...new Set(s.running.map((c) => c.node))];
    return [
      {
        weight: 92 + bonus(s.daemonSet, ctx.hints),
        object: `daemonset ${s.daemonSet}`,
        cause: `daemonset ${s.daemonSet} has no nodeSelector (nor node affinity), so it runs a pod on every node; its pods crash on ${crashNodes.join(', ')} ("${clip(line.trim(), 160)}") and run on ${runNodes.join(', ')}, the nodes labelled ${selector.join(', ')} that offer ${device}, which the others do not: the program needs that device, and the pods on the other nodes crash for the lack of it. The image is not at fault (it runs where it should)`,
        evidence: [
          `list_pods ${ctx.ns}: ${s.crashing.map((c) => `${c.pod} ${c.status} on ${c.node}`).join(', ')}; ${s.running.map((c) => `${c.pod} Running on ${c.node}`).join(', ')}`,
          `describe_resource DaemonSet ${s.daemonSet}: no template.spec.nodeSelector, no affinity`,
          `describe_node ${runNodes[0]}: ${selector.join(', ')}; capacity ${device}`,
        ],
        advice: `give daemonset ${s.daemonSet} the nodeSelector ${selector[0]} (the chart's value for it), so it runs only on those nodes; a rollback of the image does not change where it runs`,
        revisionSound: true,
      },
    ];
  },
};
