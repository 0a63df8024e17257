import { outputs } from '../../../analyzers/types.js';
import { matchesHint } from '../../reading.js';
import type { RunSignature } from '../types.js';

/** An image that cannot be pulled: the state and the registry's answer, as the image signatures word them. */
const PULL_FAILURE = /ImagePullBackOff|ErrImagePull|InvalidImageName|does not exist in the registry/;

/**
 * A side workload's failure that does not stop another one: its image cannot be pulled, or its container
 * is killed for memory (`OOMKilled`, as the memory signatures word it).
 */
const SIDE_FAILURE = new RegExp(`${PULL_FAILURE.source}|\\bis OOMKilled\\b|\\bwas OOMKilled\\b`);

/** The workload (or pod) a finding is about: `deployment x (pod y)`, `statefulset x`, `pod y`. */
function workloadOf(object: string): string | undefined {
  return /^(?:deployment|statefulset|daemonset|pod|job|cronjob) ([a-z0-9][a-z0-9.-]{0,252})/.exec(
    object,
  )?.[1];
}

/**
 * A pull failure or an OOM kill of a workload the task does not name does not answer for the workload it does name,
 * when that one has a failure of its own and never mentions the other (its descriptions and logs name no
 * part of it: the named program does not depend on it). The named workload's finding is raised just above
 * the pull failure; the side failure stays in the answer as something else seen. What the person reports
 * is about the workload they name; a side tool that cannot pull, or runs out of memory, is a separate fault.
 */
export const namedOverPull: RunSignature = {
  name: 'named-over-pull',
  refine(f, found) {
    if (found.length < 2) return;
    const top = [...found].sort((a, b) => b.weight - a.weight)[0]!;
    const other = workloadOf(top.object);
    if (!other || !SIDE_FAILURE.test(top.cause) || matchesHint(other, f.hints)) return;
    // A named workload's failure of its own: a pull or a crash, a refused start (a pod that only logs
    // failures while it runs is weaker, 70), never the same kind of side failure.
    const floor = PULL_FAILURE.test(top.cause) ? 80 : 72;
    // The strongest finding of a named workload.
    const named = found
      .filter((x) => {
        if (x === top || x.weight < floor || SIDE_FAILURE.test(x.cause)) return false;
        const w = workloadOf(x.object);
        return w !== undefined && w !== other && matchesHint(w, f.hints);
      })
      .sort((a, b) => b.weight - a.weight)[0];
    if (!named) return;
    const mine = workloadOf(named.object)!;
    // The named workload's own reads: does any of them name the other one (a dependency it waits on)?
    // Its pods (`<workload>-…`) or the bare pod itself.
    const its = (o: { args: Record<string, unknown> }) => {
      const n = String(o.args['name'] ?? '');
      return n === mine || n.startsWith(`${mine}-`);
    };
    const reads = [
      ...outputs(f.seen, 'describe_pod', its),
      ...outputs(f.seen, 'get_pod_logs', its),
      ...outputs(f.seen, 'describe_deployment', (o) => o.args['name'] === mine),
    ];
    if (reads.some((o) => o.content.slice(-200_000).includes(other))) return;
    named.weight = top.weight + 1;
  },
};
