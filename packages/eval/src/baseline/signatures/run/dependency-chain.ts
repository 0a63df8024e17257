import { outputs, ownerName, podDeployment } from '../../../analyzers/types.js';
import {
  dependencyHosts,
  escapeRe,
  hostlessRefusal,
  servicesByAddress,
  settingHosts,
} from '../../reading.js';
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
  refine({ seen, ns }, found) {
    const logText = outputs(seen, 'get_pod_logs')
      .map((o) => o.content)
      .join('\n');
    const hosts = [...dependencyHosts(logText), ...servicesByAddress(logText, seen)];
    // A refusal that names no server: the servers the investigated namespace's pods' settings name,
    // with the pod and the setting that names each.
    const named = new Map<string, { pod: string; setting: string }>();
    if (hosts.length === 0 && hostlessRefusal(logText))
      for (const o of outputs(
        seen,
        'describe_pod',
        (x) =>
          x.args['namespace'] === ns &&
          // Only a pod whose own log has the refusal: another pod's settings name its own servers.
          outputs(seen, 'get_pod_logs', (l) => l.args['name'] === x.args['name']).some((l) =>
            hostlessRefusal(l.content),
          ),
      ))
        for (const h of settingHosts(o.content)) {
          if (named.has(h.name)) continue;
          named.set(h.name, { pod: String(o.args['name'] ?? ''), setting: `${h.variable}=${h.value}` });
          hosts.push(h.name);
        }
    for (const f of found) {
      const host = hosts.find((h) => about(f.object, h));
      if (!host) continue;
      f.weight += 20;
      // Another workload's finding: the same workload's other findings do not wait on it.
      const waiting = found.find((o) => o !== f && o.cause.includes(host) && !sameWorkload(o.object, host));
      if (waiting) f.cause += `; ${waiting.object} depends on it and fails with it (${waiting.cause})`;
      const by = waiting ? undefined : named.get(host);
      const client = by ? found.find((o) => o !== f && o.object.includes(by.pod)) : undefined;
      if (by && client)
        f.cause += `; ${client.object} depends on it (its setting ${by.setting} names ${host}) and fails with it (${client.cause})`;
    }
  },
};
