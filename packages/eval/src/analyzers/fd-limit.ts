import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, ownerDeployment, podObject } from './types.js';

// The soft open-files limit a program logs at start: "rlimit nofile: soft=1024 hard=524288",
// "ulimit -n 1024", "max open files: 1024", "LimitNOFILE=1024".
const SOFT_LIMIT =
  /(?:nofile\D{0,12}soft\D{0,3}|ulimit -n\s{0,3}|max open files\D{0,3}|LimitNOFILE=)(\d{2,9})/i;

/**
 * A program that runs out of file descriptors ("too many open files", EMFILE) at the open-files
 * limit its container inherited (the container runtime's `LimitNOFILE`, often a soft 1024 on a host
 * whose runtime unit does not raise it). When replicas of the same image run on other nodes while
 * the one on this node fails, the difference is the node's limit, not a leak in the release, and a
 * rollback would not help. Sources: getrlimit(2) RLIMIT_NOFILE; containerd's and k3s's systemd units
 * set LimitNOFILE for the containers they start.
 */
export const fdLimitAnalyzer: Analyzer = {
  name: 'fd-limit',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const lines = log.content.slice(-200_000).split('\n');
      const line = lines.find((l) => l.toLowerCase().includes('too many open files'));
      if (!line) continue;
      const pod = String(log.args['name'] ?? '');
      const soft = lines.map((l) => SOFT_LIMIT.exec(l)?.[1]).find((x) => x !== undefined);
      const rows = outputs(seen, 'list_pods', (o) => o.args['namespace'] === ns).flatMap((o) =>
        parseTable(o.content),
      );
      const me = rows.find((r) => r['NAME'] === pod);
      const node = me?.['NODE'];
      const base = pod.replace(/-[a-z0-9]{5}$/, '');
      const healthy = rows.filter(
        (r) =>
          r['NAME'] !== pod &&
          r['NAME']?.replace(/-[a-z0-9]{5}$/, '') === base &&
          r['STATUS'] === 'Running' &&
          r['NODE'] &&
          r['NODE'] !== node,
      );
      const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
      const owner = described ? ownerDeployment(described.content) : undefined;
      const nodeSpecific = node && node !== '<none>' && healthy.length > 0;
      const out: Finding = {
        weight: 91,
        object: podObject(owner, pod),
        cause: `the program runs out of file descriptors ("${clip(line.trim(), 120)}") at the open-files limit its container got${soft ? `: a soft nofile limit of ${soft}, as it logs at start` : ''}${
          nodeSpecific
            ? `. Only the replica on node ${node} fails, while ${healthy.length} replica(s) of the same image run on ${[...new Set(healthy.map((r) => r['NODE']))].join(', ')}: the limit comes from that node's container runtime (its LimitNOFILE, the ulimit containers inherit there), not from the release, so rolling back would not help`
            : ''
        }`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(line.trim(), 140)}"`,
          ...(soft ? [`get_pod_logs ${pod}: soft open-files limit ${soft}`] : []),
          ...(nodeSpecific
            ? [
                `list_pods: ${pod} on ${node} crashes; ${healthy.map((r) => `${r['NAME']} on ${r['NODE']}`).join(', ')} Running`,
              ]
            : []),
        ],
        advice: nodeSpecific
          ? `raise the open-files limit of the container runtime on ${node} (LimitNOFILE in its containerd or k3s unit, then restart the runtime) to match the other nodes, or have the program raise its soft limit to the hard limit at start`
          : "raise the container runtime's open-files limit (LimitNOFILE), or have the program raise its soft limit to the hard limit at start; then look for a descriptor leak if it still climbs",
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
