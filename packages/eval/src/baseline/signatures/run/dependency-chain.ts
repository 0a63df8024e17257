import { outputs } from '../../../analyzers/types.js';
import { dependencyHosts, servicesByAddress } from '../../reading.js';
import type { RunSignature } from '../types.js';

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
      const host = hosts.find(
        (h) =>
          f.object.startsWith(`deployment ${h} `) ||
          f.object.includes(`(pod ${h}-`) ||
          f.object === `pod ${h}`,
      );
      if (!host) continue;
      f.weight += 20;
      // Another workload's finding: the same workload's other findings do not wait on it.
      const waiting = found.find((o) => o !== f && o.cause.includes(host) && !o.object.includes(` ${host}`));
      if (waiting) f.cause += `; ${waiting.object} depends on it and fails with it (${waiting.cause})`;
    }
  },
};
