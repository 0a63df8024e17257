import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  describedVolumes,
  type Finding,
  outputs,
  pastPods,
  podDeployment,
  podListOf,
} from './types.js';

/** The kubelet's eviction message for a pod over the node's ephemeral-storage threshold (its eviction manager's wording). */
// Two wordings across kubelet versions: "was using 6291456Ki, request is 0, has larger consumption of
// ephemeral-storage" and the older "was using 61Gi, which exceeds its request of 0".
const EVICTED =
  /The node was low on resource: ephemeral-storage\.[^\n]{0,200}?Container ([a-z0-9-]{1,63}) was using (\d{1,15})(Ki|Mi|Gi)?,? (?:request is ([^,\n]{1,20}),|which exceeds its request of ([^.\n]{1,20}))/;

const gib = (ki: number) => `${(ki / 1024 ** 2).toFixed(1)} GiB`;

/**
 * Pods evicted because the node ran out of ephemeral storage, and what filled it: the evicted
 * container's own usage (the kubelet's message names it), written to an emptyDir volume or its
 * writable layer, both on the node's disk, with no ephemeral-storage request (so the scheduler
 * places pods blind to it) and no limit or emptyDir sizeLimit (so nothing stops one pod filling the
 * disk). The log lines of a sibling pod that say how much it writes where are quoted.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/ ;
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage
 */
export const ephemeralStorageAnalyzer: Analyzer = {
  name: 'ephemeral-storage',
  reads: () => [],
  finds({ ns, seen }) {
    const text = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns)
      .concat(outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns))
      .map((o) => o.content)
      .join('\n');
    const evictedPod =
      /pod\/([a-z0-9.-]{1,253})\s+The node was low on resource: ephemeral-storage/.exec(text)?.[1] ??
      // The evicted pod's own description carries the message.
      outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns && /Reason:\s+Evicted/.test(o.content))
        .filter((o) => o.content.includes('The node was low on resource: ephemeral-storage'))
        .map((o) => String(o.args['name'] ?? ''))
        .find((n) => n !== '');
    const m = EVICTED.exec(text);
    if (!m) return [];
    // Evictions that all ended a day or more ago are records of a past episode, not today's fault. A
    // description without the container's `Finished:` time (its status unknown since the eviction) is
    // dated by the pod's age, when its workload serves again with pods of its own (see `pastPods`) and
    // no event of the namespace reports an eviction now.
    const rows = parseTable(podListOf(seen, ns)?.content.slice(0, 200_000) ?? '');
    const replaced = pastPods(rows);
    const evictingNow = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns).some((o) =>
      o.content.includes('The node was low on resource'),
    );
    const evicted = outputs(
      seen,
      'describe_pod',
      (o) => o.args['namespace'] === ns && /Reason:\s+Evicted/.test(o.content),
    );
    const past = (o: (typeof evicted)[number]) => {
      const finished = /Finished:\s+\S+\s+\((\d{1,5})d/.exec(o.content);
      if (finished) return Number(finished[1]) >= 1;
      if (/Finished:/.test(o.content) || evictingNow) return false;
      const name = String(o.args['name'] ?? '');
      const age = ageSeconds(rows.find((r) => r['NAME'] === name)?.['AGE'] ?? '');
      // A pod's age runs from its creation, not its eviction: the replacements its workload made then say
      // when that was, so the youngest of them must be a day old too.
      const owner = podDeployment(name) ?? name.slice(0, name.lastIndexOf('-'));
      const replacements = rows
        .filter((r) => r['NAME'] !== name && r['STATUS'] === 'Running')
        .filter((r) => (podDeployment(r['NAME'] ?? '') ?? '') === owner)
        .map((r) => ageSeconds(r['AGE'] ?? ''));
      const settled = replacements.length > 0 && replacements.every((a) => a !== undefined && a >= 86_400);
      return replaced.get(name) === 'evicted' && age !== undefined && age >= 86_400 && settled;
    };
    if (evicted.length > 0 && evicted.every(past)) return [];
    const container = m[1]!;
    const usedKi = String(Number(m[2]) * ({ Mi: 1024, Gi: 1024 ** 2 }[m[3] ?? ''] ?? 1));
    const request = m[4] ?? m[5] ?? '0';
    const owner = evictedPod === undefined ? undefined : (podDeployment(evictedPod) ?? evictedPod);
    // A described pod of the same workload: its volumes and mounts say where the container writes.
    const sibling = outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns).find((o) =>
      owner ? String(o.args['name'] ?? '').startsWith(`${owner}-`) : true,
    );
    const emptyDirs = sibling
      ? describedVolumes(sibling.content).filter((v) => v.type === 'EmptyDir' && v.medium !== 'Memory')
      : [];
    const mounts = sibling
      ? emptyDirs.map((v) => {
          const at = new RegExp(`^\\s+(\\S{1,200}) from ${v.name} \\(`, 'm').exec(sibling.content)?.[1];
          return at ? `${v.name} (${at})` : v.name;
        })
      : [];
    // kubectl describe prints each emptyDir's SizeLimit (<unset> when none).
    const limits = sibling
      ? emptyDirs
          .map(
            (v) =>
              new RegExp(
                `^ {2}${v.name}:\\s*\\n(?:\\s{4}[^\\n]{0,200}\\n){0,4}?\\s{4}SizeLimit:\\s+(\\S+)`,
                'm',
              ).exec(sibling.content)?.[1],
          )
          .filter((x): x is string => x !== undefined && x !== '<unset>')
      : [];
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
      .flatMap((o) => o.content.split('\n'))
      .filter((l) => /\d(?:\.\d{1,3})? ?[GT]i?B\b/.test(l))
      .slice(0, 2);
    const out: Finding = {
      weight: 93,
      object: owner ? `deployment ${owner}` : `pod ${evictedPod ?? 'unknown'}`,
      cause: `its pods are evicted for ephemeral storage, not killed for memory: the node ran low on disk and the kubelet evicted the pod using the most, container ${container} with ${gib(Number(usedKi))} (${usedKi}Ki) of the node's disk and an ephemeral-storage request of ${request.trim()}${
        emptyDirs.length
          ? `; it writes to the emptyDir volume ${mounts.join(', ')}, which lives on the node's own disk${limits.length ? ` (sizeLimit ${limits.join(', ')})` : ' and has no sizeLimit'}`
          : '; its writable layer and emptyDir volumes live on the node disk'
      }${logs.length ? ` (its log: ${logs.map((l) => `"${clip(l.trim(), 90)}"`).join(', ')})` : ''}. With no ephemeral-storage request the scheduler places such pods without regard to disk, and with no limit nothing stops one of them filling the node disk`,
      evidence: [
        `get_events ${ns}: ${clip(m[0], 200)}`,
        ...(sibling && emptyDirs.length
          ? [`describe_pod ${String(sibling.args['name'])}: Volumes ${mounts.join(', ')} EmptyDir`]
          : []),
      ],
      advice: `give the ${container} container an ephemeral-storage request and limit (and the emptyDir a sizeLimit) that fit the work, and nodes whose disks hold it (a larger node disk), or move the work directory to a PersistentVolumeClaim`,
    };
    return [out];
  },
};
