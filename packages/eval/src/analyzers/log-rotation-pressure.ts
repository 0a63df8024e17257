import {
  type Analyzer,
  CUT_NOTICE,
  clip,
  type Finding,
  nodeConditions,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

// The kubelet's event when it cannot rotate a container's log file: `Failed to rotate log for
// container "taskmanager" in pod "fraud-scorer-tm-…": … /var/log/pods/<namespace>_<pod>_<uid>/…`.
const ROTATION_FAILED =
  /Failed to rotate log for container "([a-z0-9][a-z0-9-]{0,62})" in pod "([a-z0-9][a-z0-9.-]{0,252})"[^\n]{0,600}?\/var\/log\/pods\/([a-z0-9][a-z0-9-]{0,62})_/;
const VERBOSE = /\b(?:DEBUG|TRACE)\b|level=(?:debug|trace)\b|"level":"(?:debug|trace)"/;

interface Rotation {
  readonly node: string;
  readonly container: string;
  readonly pod: string;
  readonly namespace: string;
  readonly line: string;
  readonly pressure: boolean;
}

function rotations(seen: Parameters<Analyzer['finds']>[0]['seen']): Rotation[] {
  const out: Rotation[] = [];
  for (const d of outputs(seen, 'describe_node')) {
    const line = d.content
      .slice(0, 200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && ROTATION_FAILED.test(l));
    const m = line ? ROTATION_FAILED.exec(line) : null;
    if (!line || !m) continue;
    out.push({
      node: String(d.args['name']),
      container: m[1]!,
      pod: m[2]!,
      namespace: m[3]!,
      line: line.trim(),
      pressure: nodeConditions(d.content).get('DiskPressure') === 'True',
    });
  }
  return out;
}

/**
 * One container's stdout filling its node's disk: it logs faster than the kubelet rotates its log
 * files (containerLogMaxSize, containerLogMaxFiles), rotation itself then fails for want of space
 * ("Failed to rotate log … no space left on device"), the node reports DiskPressure and the kubelet
 * evicts pods and garbage-collects images, which frees little (kubernetes.io, "Logging Architecture",
 * log rotation; "Node-pressure Eviction"). Found from the node's kubelet events and that container's
 * own log; a log dominated by DEBUG or TRACE lines says why it writes so much.
 */
export const logRotationPressureAnalyzer: Analyzer = {
  name: 'log-rotation-pressure',
  early: true,
  reads({ seen }): Read[] {
    return rotations(seen)
      .slice(0, 1)
      .map((r) => ({
        tool: 'get_pod_logs',
        args: { namespace: r.namespace, name: r.pod, container: r.container },
      }));
  },
  finds({ seen }) {
    for (const r of rotations(seen)) {
      if (!r.pressure) continue;
      const log = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === r.pod).pop()?.content ?? '';
      const lines = log
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.trim() && !CUT_NOTICE.test(l));
      const verbose = lines.filter((l) => l.length <= 4000 && VERBOSE.test(l));
      const debug = lines.length >= 10 && verbose.length >= lines.length * 0.5;
      const deployment = podDeployment(r.pod);
      // Above an evicted pod's own use of the disk: that pod is the victim, this container the filler.
      const out: Finding = {
        weight: 95,
        object: deployment
          ? `deployment ${deployment} (pod ${r.pod}) in ${r.namespace}`
          : `pod ${r.pod} in ${r.namespace}`,
        cause: `container ${r.container} of ${r.pod} (namespace ${r.namespace}) writes its logs to stdout faster than the kubelet rotates them, and its log files fill node ${r.node}'s root disk: the node reports DiskPressure, the kubelet cannot even rotate that log ("${clip(r.line, 220)}"), and it evicts pods to reclaim ephemeral storage${
          debug
            ? `. Its log is at DEBUG level: ${verbose.length} of the ${lines.length} lines read are DEBUG or TRACE ("${clip(verbose[verbose.length - 1]!.trim(), 140)}")`
            : ''
        }. Container images are not what fills the disk`,
        evidence: [
          `describe_node ${r.node}: DiskPressure True; ${clip(r.line, 160)}`,
          ...(log
            ? [
                `get_pod_logs ${r.pod}: ${debug ? `${verbose.length} of ${lines.length} lines DEBUG/TRACE` : 'read'}`,
              ]
            : []),
        ],
        advice: `${debug ? `set ${deployment ?? r.pod}'s log level back from DEBUG (INFO)` : `cut what ${deployment ?? r.pod} writes to stdout`} so the node's disk can recover, then let the kubelet rotate and the evicted pods come back; bigger disks or image pruning only delay it (a container log size limit, containerLogMaxSize, bounds each file)`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
