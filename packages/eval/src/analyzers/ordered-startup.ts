import { ageSeconds } from '../baseline/reading.js';
import { type Analyzer, type Finding, flat, outputs, podsOf, type Read } from './types.js';

// The person asks about a StatefulSet's missing or unready pods.
const ASKED = /\bstateful ?sets?\b|\bsts\b|-0\b[^.?!]{0,80}\b(?:only|no |missing|not ready)|\bordinal/i;
/** How long a pod may take to become Ready before its start-up stops looking normal (seconds). */
const STARTING = 600;

/**
 * A StatefulSet still bringing its pods up one at a time: with podManagementPolicy OrderedReady (the
 * default) the controller creates pod N only once pods 0…N-1 are Running and Ready, so while the
 * newest ordinal starts (a database replaying its log, a member joining) the later ones do not exist
 * yet (kubernetes.io, "StatefulSets", Pod Management Policies). Not broken: wait for it. Said as the
 * answer when the question asks about the StatefulSet, the pods present are ordinals 0…k with every
 * earlier one Ready, and the newest is young, never restarted and only not Ready yet.
 */
export const orderedStartupAnalyzer: Analyzer = {
  name: 'ordered-startup',
  reads({ task, ns, seen }): Read[] {
    if (!ASKED.test(task.slice(0, 4000))) return [];
    const listed = podsOf(seen, ns);
    if ('read' in listed) return [];
    const sets = [
      ...new Set(
        listed.rows
          .map((r) => /^([a-z0-9][a-z0-9-]{0,62})-0$/.exec(r['NAME'] ?? '')?.[1])
          .filter((x) => x !== undefined),
      ),
    ];
    return sets
      .slice(0, 2)
      .map((name) => ({ tool: 'describe_resource', args: { kind: 'StatefulSet', name, namespace: ns } }));
  },
  finds({ task, ns, seen }) {
    if (!ASKED.test(task.slice(0, 4000))) return [];
    const listed = podsOf(seen, ns);
    if ('read' in listed) return [];
    for (const d of outputs(
      seen,
      'describe_resource',
      (o) =>
        o.status === 'ok' && /^statefulsets?$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
    )) {
      const name = String(d.args['name']);
      const replicas = Number(flat(d.content, 'replicas') ?? Number.NaN);
      const policy = flat(d.content, 'podManagementPolicy') ?? 'OrderedReady';
      if (policy !== 'OrderedReady' || !Number.isInteger(replicas)) continue;
      const pods = listed.rows
        .map((r) => ({
          row: r,
          ordinal: Number(new RegExp(`^${name}-(\\d{1,4})$`).exec(r['NAME'] ?? '')?.[1]),
        }))
        .filter((p) => Number.isInteger(p.ordinal))
        .sort((a, b) => a.ordinal - b.ordinal);
      const k = pods.length - 1;
      if (pods.length === 0 || pods.length >= replicas || pods.some((p, i) => p.ordinal !== i)) continue;
      const ready = (r: Record<string, string>) =>
        r['STATUS'] === 'Running' && /^(\d{1,3})\/\1$/.test(r['READY'] ?? '');
      const newest = pods[k]!.row;
      const age = ageSeconds(newest['AGE'] ?? '');
      if (
        !pods.slice(0, k).every((p) => ready(p.row)) ||
        ready(newest) ||
        !/^(Running|Pending|ContainerCreating|PodInitializing)$/.test(newest['STATUS'] ?? '') ||
        !/^0\b/.test(newest['RESTARTS'] ?? '') ||
        age === undefined ||
        age > STARTING
      )
        continue;
      const missing = Array.from({ length: replicas - pods.length }, (_, i) => `${name}-${pods.length + i}`);
      const out: Finding = {
        weight: 94,
        object: `statefulset ${name}`,
        cause: `StatefulSet ${name} is not broken: it is still starting its pods in order. Its podManagementPolicy is OrderedReady${flat(d.content, 'podManagementPolicy') ? '' : ' (the default)'}, so the controller creates the pods one at a time by ordinal and creates the next only when the one before is Running and Ready. ${
          pods.length === 1
            ? `${newest['NAME']} is`
            : `${pods
                .slice(0, k)
                .map((p) => p.row['NAME'])
                .join(', ')} ${k === 1 ? 'is' : 'are'} Ready and ${newest['NAME']} is`
        } still starting (${newest['AGE']} old, ${newest['STATUS']}, ${newest['READY']}, no restarts: its readiness probe fails only until the program is up), so ${missing.join(' and ')} ${missing.length === 1 ? 'does' : 'do'} not exist yet. That is expected: wait for ${newest['NAME']} to become Ready and the rest follow; nothing to fix, and deleting the pod or recreating the StatefulSet would only start over`,
        evidence: [
          `describe_resource StatefulSet ${name}: replicas ${replicas}, podManagementPolicy ${policy}`,
          `list_pods: ${pods.map((p) => `${p.row['NAME']} ${p.row['READY']} ${p.row['STATUS']} ${p.row['AGE']}`).join('; ')}`,
        ],
        advice: `wait for ${newest['NAME']} to become Ready; if start-up is slow by design, podManagementPolicy Parallel starts all pods at once (a field set only at creation)`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
