import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  type Finding,
  flat,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
} from './types.js';

// Elasticsearch's bootstrap check (and similar start-up checks) on the node's kernel setting.
/**
 * Elasticsearch going on after the max_map_count warning: its bootstrap checks not enforced ("bootstrap
 * checks are disabled by …, continuing"), its cluster health reported green or yellow, its node logging
 * `[o.e.n.Node] [es-0] started`, or SonarQube's launcher saying the es process is up.
 */
const WENT_ON =
  /bootstrap checks are disabled|Process\[es\] is up|[Cc]luster health status changed from \[\w{1,10}\] to \[(?:GREEN|YELLOW)\]|\[o\.e\.n\.Node\s{0,40}\]\s?\[[^\]\n]{1,200}\] started\b/;
const MAP_COUNT = /vm\.max_map_count \[(\d{1,12})\] is too low, increase to at least \[(\d{1,12})\]/;
// DaemonSet names that suggest node tuning (the usual home of a sysctl setting).
const TUNER_NAME = /sysctl|tun(er|ing)|kernel|max-map|node-init|node-setup/i;

const tunerDaemonSets = (seen: Parameters<Analyzer['reads']>[0]['seen']) =>
  outputs(seen, 'describe_resource', (o) => /^(daemonsets?|ds)$/i.test(String(o.args['kind'] ?? ''))).filter(
    (o) => o.content.includes('max_map_count'),
  );

/**
 * Elasticsearch (or OpenSearch) refusing to start because the node's kernel setting
 * `vm.max_map_count` is below 262144 ("max virtual memory areas vm.max_map_count [65530] is too low"):
 * a per-node sysctl, not the heap or the pod. It is usually set by a privileged DaemonSet (or an init
 * container); a DaemonSet that sets it but whose nodeSelector matches no current node (a node pool
 * replaced) leaves the new nodes at the kernel default. https://www.elastic.co/guide/en/elasticsearch/
 * reference/current/vm-max-map-count.html
 */
export const nodeSysctlAnalyzer: Analyzer = {
  name: 'node-sysctl',
  reads({ ns, seen }): Read[] {
    const hit = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some((o) =>
      o.content.includes('vm.max_map_count'),
    );
    if (!hit) return [];
    const listed = outputs(seen, 'list_resources', (o) =>
      /^(daemonsets?|ds)$/i.test(String(o.args['kind'] ?? '')),
    );
    const reads: Read[] = [];
    if (!listed.some((o) => o.args['namespace'] === 'kube-system'))
      reads.push({ tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'kube-system' } });
    for (const o of listed)
      for (const r of parseTable(o.content)
        .filter((x) => TUNER_NAME.test(x['NAME'] ?? ''))
        .slice(0, 2))
        reads.push({
          tool: 'describe_resource',
          args: { kind: 'DaemonSet', name: r['NAME'], namespace: String(o.args['namespace'] ?? 'default') },
        });
    return reads;
  },
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const text = log.content.slice(-200_000);
      const m = MAP_COUNT.exec(text);
      if (!m) continue;
      // Elasticsearch went on past the check: the checks are not enforced (a single node, or SonarQube's
      // SONAR_ES_BOOTSTRAP_CHECKS_DISABLE), or it came up after the warning. The setting is noise then.
      if (WENT_ON.test(text.slice(m.index, m.index + 100_000))) continue;
      const pod = String(log.args['name'] ?? '');
      const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
      const owner = described ? ownerDeployment(described.content) : undefined;
      const node = described ? /^Node:\s+(\S{1,253})/m.exec(described.content)?.[1] : undefined;
      const ds = tunerDaemonSets(seen)[0];
      const selector = ds?.content
        .split('\n')
        .map((l) => /^\s+template\.spec\.nodeSelector\.(\S{1,200}): (\S{1,200})$/.exec(l))
        .filter((x) => x !== null)
        .map((x) => `${x[1]}=${x[2]}`);
      const desired = ds ? flat(ds.content, 'desiredNumberScheduled') : undefined;
      const stranded = ds !== undefined && desired === '0';
      const out: Finding = {
        weight: 93,
        object: podObject(owner, pod),
        cause: `Elasticsearch fails its bootstrap check on the node's kernel setting: vm.max_map_count is ${m[1]} (max virtual memory areas), below the ${m[2]} it needs, so it exits at start (exit code 78) on ${node ? `node ${node}` : 'its node'}; this is a per-node sysctl, not the heap or the container${
          ds
            ? `. The DaemonSet ${ds.args['namespace']}/${ds.args['name']} that sets vm.max_map_count on the nodes ${
                stranded
                  ? `runs on no node (0 desired): its nodeSelector ${selector?.length ? selector.join(', ') : ''} matches none of the current nodes (a node pool that was replaced), so the new nodes keep the kernel default`
                  : `has ${desired ?? 'some'} pod(s)${selector?.length ? ` (nodeSelector ${selector.join(', ')})` : ''}; check that it runs on ${node ?? 'this node'}`
              }`
            : ''
        }`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(m[0], 140)}"`,
          ...(ds
            ? [
                `describe_resource DaemonSet ${ds.args['name']}: nodeSelector ${selector?.join(', ') || '<none>'}; desiredNumberScheduled ${desired ?? '?'}`,
              ]
            : []),
        ],
        advice: ds
          ? `point the DaemonSet ${ds.args['name']}'s nodeSelector at the current node pool (or drop it) so every node gets vm.max_map_count=${m[2]}; the Elasticsearch pods then pass the check on their next restart`
          : `set vm.max_map_count=${m[2]} on the nodes (a privileged DaemonSet or init container running sysctl -w), not a change to the heap`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
