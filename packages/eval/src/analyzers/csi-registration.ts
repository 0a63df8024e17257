import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  podEventLines,
  podsOf,
  type Read,
} from './types.js';

// The kubelet's words when a volume names a CSI driver no node plugin registered on that node.
const UNREGISTERED = /driver name (\S{1,253}) not found in the list of registered CSI drivers/;
// Namespaces where CSI node plugins usually run.
const STORAGE_NS = /^(?:kube-system|[\w-]{0,40}(?:csi|storage)[\w-]{0,40})$/;
// The name a node plugin says it registers: node-driver-registrar's "CSI driver name: "x"", a
// driver's GetPluginInfo answer.
const REGISTERED_AS = /CSI driver name:\s*"([^"\s]{1,253})"|GetPluginInfo:\s*name=([^\s,]{1,253})/;
// A registrar or plugin line that reports a failure.
const FAILURE = /^E\d{4}\s|\b(?:error|failed|fatal|permission denied|cannot|unable)\b/i;
// The containers a pod has, as the log tool names them when it picked the first.
const DEFAULTED = /^Defaulted container "[^"]{1,253}" out of: ([^;\n]{1,500});/m;

/** The driver names volumes in the namespace fail on, from its events and pod descriptions. */
function unregistered(ctx: AnalyzerContext): string[] {
  const names = new Set<string>();
  for (const { line } of podEventLines(ctx.seen, ctx.ns)) {
    const m = UNREGISTERED.exec(line);
    if (m) names.add(m[1]!);
  }
  return [...names];
}

/** Whether a pod's name looks like a CSI node plugin's for `driver` (its name's words, or "csi"). */
function pluginPod(pod: string, driver: string): boolean {
  if (!/csi/.test(pod)) return false;
  const words = driver.split(/[.\-_]/).filter((w) => w.length >= 4 && !/^(?:csi|k8s|io|com)$/.test(w));
  return words.length === 0 || words.some((w) => pod.includes(w)) || /node/.test(pod);
}

/**
 * A volume whose CSI driver is not registered with the node's kubelet
 * (https://kubernetes-csi.github.io/docs/node-driver-registrar.html): the driver's node plugin on that
 * node either registers under another name (a StorageClass or volume renamed to a new driver name
 * while the node plugin still announces the old one) or its node-driver-registrar fails to register
 * (it cannot create its socket in the kubelet's plugins_registry, e.g. a hardened image running as
 * non-root), so every pod mounting such a volume stays in ContainerCreating. Read the plugin's pods'
 * logs, every container's, and say which.
 */
export const csiRegistrationAnalyzer: Analyzer = {
  name: 'csi-registration',
  first: true,
  reads(ctx): Read[] {
    const drivers = unregistered(ctx);
    if (drivers.length === 0) return [];
    const names = namespaceNames(ctx.seen);
    if (names.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const reads: Read[] = [];
    for (const ns of names.filter((n) => STORAGE_NS.test(n)).slice(0, 3)) {
      const listed = podsOf(ctx.seen, ns);
      if ('read' in listed) {
        reads.push(listed.read);
        continue;
      }
      const pods = listed.rows
        .map((r) => r['NAME'] ?? '')
        .filter((p) => drivers.some((d) => pluginPod(p, d)) && !/controller|provisioner/.test(p))
        .slice(0, 1);
      for (const pod of pods) {
        const first = outputs(
          ctx.seen,
          'get_pod_logs',
          (o) => o.args['namespace'] === ns && o.args['name'] === pod && !o.args['container'],
        );
        if (first.length === 0) {
          reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: pod } });
          continue;
        }
        const containers =
          DEFAULTED.exec(first[0]!.content.slice(0, 2000))?.[1]
            ?.split(',')
            .map((c) => c.trim()) ?? [];
        for (const c of containers.slice(1, 3))
          reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: pod, container: c } });
        reads.push({ tool: 'describe_pod', args: { namespace: ns, name: pod } });
      }
    }
    return reads;
  },
  finds(ctx) {
    const drivers = unregistered(ctx);
    if (drivers.length === 0) return [];
    const out: Finding[] = [];
    const logs = outputs(ctx.seen, 'get_pod_logs', (o) => pluginPod(String(o.args['name']), drivers[0]!));
    for (const driver of drivers.slice(0, 2)) {
      for (const log of logs) {
        const pod = String(log.args['name']);
        const container = String(
          log.args['container'] ?? /^Defaulted container "([^"]{1,253})"/.exec(log.content)?.[1] ?? '',
        );
        const lines = log.content.slice(-200_000).split('\n');
        const said = lines.map((l) => REGISTERED_AS.exec(l)).find(Boolean);
        const as = said ? (said[1] ?? said[2])! : undefined;
        const registrar = /registrar/.test(container);
        const failed = registrar
          ? lines.find((l) => FAILURE.test(l) && !l.startsWith('Defaulted container'))
          : undefined;
        if (as && as !== driver) {
          out.push({
            // Above the FailedMount it explains (88 and the name's bonus).
            weight: 97,
            object: `csi node plugin ${pod} in ${String(log.args['namespace'])}`,
            cause: `the volume asks for CSI driver ${driver}, which no node plugin registered with the kubelet ("driver name ${driver} not found in the list of registered CSI drivers"): the node plugin ${pod} still registers under its old name ${as} (its log: "${clip(said![0], 80)}"), so the new driver name in the StorageClass (or the volume) matches nothing on the node. The claim is bound and provisioned; only the node-side registration differs`,
            evidence: [
              `get_pod_logs ${pod}${container ? ` (${container})` : ''}: "${clip(lines.find((l) => REGISTERED_AS.test(l))!.trim(), 160)}"`,
            ],
            advice: `make the names agree: roll the node plugin DaemonSet to the version that registers ${driver} (or point the StorageClass back at ${as} until it is), then the kubelet registers it and the mount proceeds`,
          });
          break;
        }
        if (failed) {
          out.push({
            // Above the FailedMount it explains (88 and the name's bonus).
            weight: 97,
            object: `csi node plugin ${pod} in ${String(log.args['namespace'])}`,
            cause: `CSI driver ${driver} is not registered with the kubelet because the node plugin's node-driver-registrar fails to register it: pod ${pod}'s ${container} logs "${clip(failed.trim(), 200)}"${/permission denied/i.test(failed) ? " — it cannot create its registration socket in the kubelet's plugins_registry (a host directory owned by root), which happens when the registrar runs as a non-root user (a hardened image's default)" : ''}, so it exits and restarts, and every pod that mounts a volume of ${driver} stays in ContainerCreating`,
            evidence: [`get_pod_logs ${pod} (${container}): "${clip(failed.trim(), 200)}"`],
            advice: `let node-driver-registrar write to the kubelet's registration directory (run it as root, runAsUser: 0, as the upstream manifests do, or use the upstream image), then it registers ${driver} and the mounts proceed`,
          });
          break;
        }
      }
    }
    return out;
  },
};
