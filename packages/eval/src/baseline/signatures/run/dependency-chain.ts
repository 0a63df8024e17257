import { outputs, ownerName, podDeployment } from '../../../analyzers/types.js';
import { dependencyHosts, escapeRe, servicesByAddress } from '../../reading.js';
import type { RunSignature } from '../types.js';

/**
 * Whether a finding's object is the workload `name`: `deployment <name> …`, `pod <name>`, or a pod in
 * parentheses that is its own (its Deployment's pod, its Job run's, a StatefulSet's ordinal), not a pod of
 * another workload whose name starts with it (`postgres-exporter-…` is not postgres').
 */
function about(object: string, name: string): boolean {
  if (object.startsWith(`deployment ${name} `) || object === `pod ${name}`) return true;
  const pod = /\(pod ([a-z0-9][a-z0-9.-]{0,252})\)/.exec(object)?.[1];
  return (
    pod !== undefined &&
    (podDeployment(pod) === name ||
      ownerName(pod) === name ||
      new RegExp(`^${escapeRe(name)}-\\d{1,5}$`).test(pod))
  );
}

/**
 * Whether a finding is about the workload `name` in any of its forms: `about`'s, its own Service
 * (`service <name>`, no endpoints while it fails), or one of its pods named alone (`pod <name>-<hash>-<5>`).
 */
function sameWorkload(object: string, name: string): boolean {
  if (about(object, name) || object === `service ${name}` || object.startsWith(`service ${name} `))
    return true;
  const pod = /^pod ([a-z0-9][a-z0-9.-]{0,252})$/.exec(object)?.[1];
  return pod !== undefined && (podDeployment(pod) === name || ownerName(pod) === name);
}

/**
 * A failing dependency that others wait on is the cause, they are the symptom: a finding about a
 * workload that the logs name as unreachable (by name or by ClusterIP) weighs 20 more, and says who
 * waits on it, in their own words, so the chain from symptom to cause is on the page.
 */
export const dependencyChain: RunSignature = {
  name: 'dependency-chain',
  refine({ seen }, found) {
    const logText = outputs(seen, 'get_pod_logs')
      .map((o) => o.content)
      .join('\n');
    const hosts = [...dependencyHosts(logText), ...servicesByAddress(logText, seen)];
    for (const f of found) {
      const host = hosts.find((h) => about(f.object, h));
      if (!host) continue;
      f.weight += 20;
      // Another workload's finding: the same workload's other findings do not wait on it.
      const waiting = found.find((o) => o !== f && o.cause.includes(host) && !sameWorkload(o.object, host));
      if (waiting) f.cause += `; ${waiting.object} depends on it and fails with it (${waiting.cause})`;
    }
  },
};
