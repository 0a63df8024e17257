import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  type Finding,
  namespacePods,
  outputs,
  podDeployment,
  podObject,
} from './types.js';

/** ENOSPC as the kernel returns it and as programs print it. */
const ENOSPC = /no space left on device|\bENOSPC\b/i;
/**
 * A call that creates a user namespace: `unshare(2)` or `clone(2)` with CLONE_NEWUSER, or a tool that does
 * (`newuidmap`, bubblewrap, a rootless runtime). For it ENOSPC means the per-user limit on user namespaces
 * (`/proc/sys/user/max_user_namespaces`) is reached, a limit of 0 turning them off (unshare(2), clone(2),
 * user_namespaces(7) manual pages): not a full disk.
 */
export const USER_NAMESPACE =
  /\bCLONE_NEWUSER\b|\buser namespaces?\b|\buserns\b|\bunshare\b|\bnewuidmap\b|\bbwrap\b|\bmax_user_namespaces\b/i;
/** ENOSPC right after a file path (`write /var/tmp/x/layer.tar: no space left on device`): a write to a full filesystem. */
const PATH_ENOSPC = /\/[^\s:"']{1,512}: no space left on device/i;

/**
 * Whether a line's ENOSPC is the user-namespace limit, not a full filesystem: the line, or the one after it
 * (podman and crun print the hint on a line of its own), names user namespaces, and the ENOSPC does not
 * follow a file path (a write to a full disk by a rootless tool).
 */
export function userNamespaceEnospc(line: string, next = ''): boolean {
  if (line.length > 4000 || !ENOSPC.test(line) || PATH_ENOSPC.test(line)) return false;
  return USER_NAMESPACE.test(line) || (next.length <= 4000 && USER_NAMESPACE.test(next));
}

/**
 * A container that fails creating a user namespace with "no space left on device": the node's
 * `user.max_user_namespaces` limit, which a node image or a DaemonSet applying sysctls sets (0 turns user
 * namespaces off), not the disk. When the same Deployment runs on some nodes and fails on others, the
 * finding names both sets, and says when the failing ones are the newer nodes.
 */
export const userNamespaceLimitAnalyzer: Analyzer = {
  name: 'user-namespace-limit',
  reads: () => [],
  finds(ctx): Finding[] {
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
      const lines = boundedLogLines(log.content);
      const line = lines.find((l, i) => userNamespaceEnospc(l, lines[i + 1]));
      if (!line) continue;
      const pod = String(log.args['name'] ?? '');
      const deployment = podDeployment(pod);
      const rows = namespacePods(ctx).filter(
        (r) => deployment !== undefined && podDeployment(r['NAME'] ?? '') === deployment,
      );
      const ok = (r: Readonly<Record<string, string>>) => {
        const [a, b] = (r['READY'] ?? '').split('/');
        return r['STATUS'] === 'Running' && a !== undefined && a === b;
      };
      // A pod not scheduled yet (NODE <none>) is on no node.
      const onNode = (n: string) => n !== '' && n !== '<none>';
      const failing = [...new Set(rows.filter((r) => !ok(r)).map((r) => r['NODE'] ?? ''))].filter(onNode);
      const running = [...new Set(rows.filter(ok).map((r) => r['NODE'] ?? ''))].filter(onNode);
      const nodes = outputs(ctx.seen, 'list_nodes').pop();
      const ages = new Map(
        parseTable(nodes?.content.slice(0, 200_000) ?? '').map((r) => [
          r['NAME'] ?? '',
          ageSeconds(r['AGE'] ?? ''),
        ]),
      );
      const failAges = failing.map((n) => ages.get(n));
      const runAges = running.map((n) => ages.get(n));
      const newer =
        failing.length > 0 &&
        running.length > 0 &&
        [...failAges, ...runAges].every((a) => a !== undefined) &&
        Math.max(...(failAges as number[])) * 2 < Math.min(...(runAges as number[]));
      const split =
        failing.length > 0 && running.length > 0 && failing.every((n) => !running.includes(n))
          ? ` The pods of ${deployment} fail on ${failing.join(', ')}${newer ? ', the new nodes' : ''} and run on ${running.join(', ')}: the limit is a setting of those nodes (a node image, or a DaemonSet or bootstrap step that applies sysctls to them)`
          : '';
      const quoted = clip(line.trim(), 200);
      return [
        {
          weight: 91,
          object: podObject(deployment, pod),
          cause: `the program fails creating a user namespace ("${quoted}"), and the "no space left on device" is misleading: it is not the disk. unshare and clone return ENOSPC for a new user namespace when the node's limit on them, the sysctl user.max_user_namespaces, is reached, and a limit of 0 turns user namespaces off on that node.${split}`,
          evidence: [
            `logs of ${pod}: "${quoted}"`,
            ...(split
              ? [
                  `list_pods ${ctx.ns}: ${deployment} fails on ${failing.join(', ')}, runs on ${running.join(', ')}`,
                ]
              : []),
          ],
          advice: `raise user.max_user_namespaces on the nodes where it fails (find what sets it there: the node image or a DaemonSet that writes sysctls), or schedule ${deployment ?? 'the workload'} on nodes that allow user namespaces; bigger disks will not help`,
        },
      ];
    }
    return [];
  },
};
