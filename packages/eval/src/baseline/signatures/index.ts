/**
 * The baseline's failure signatures, one file each, registered here in the order they are matched:
 * container signatures for each container of each described pod (a match that stops ends that
 * container's matching), then pod signatures for each described pod, then the signatures over all
 * observations (which add findings, or refine the ones found). Adding a failure family means adding
 * one file and one line below.
 */
import type { Finding } from '../../analyzers/index.js';
import { containerSections, describedField, outputs, podObject, stateBlock } from '../../analyzers/types.js';
import type { SeenObservation } from '../../observations.js';
import { deploymentRows, matchesHint, ownerOf, podRows } from '../reading.js';
import { commandNotFound } from './containers/command-not-found.js';
import { configError } from './containers/config-error.js';
import { crash } from './containers/crash.js';
import { exitZero } from './containers/exit-zero.js';
import { failedMount } from './containers/failed-mount.js';
import { imagePull } from './containers/image-pull.js';
import { initWait } from './containers/init-wait.js';
import { milliMemory } from './containers/milli-memory.js';
import { oomKilled } from './containers/oom-killed.js';
import { NAMED_CAUSE_WEIGHT, namedFirst } from './named-first.js';
import { pending } from './pods/pending.js';
import { probes } from './pods/probes.js';
import { analyzers } from './run/analyzers.js';
import { autoscalerSays } from './run/autoscaler-says.js';
import { badReleaseOfRunningPods, badRollout } from './run/bad-rollout.js';
import { configValues } from './run/config-values.js';
import { cpuThrottling } from './run/cpu-throttling.js';
import { dependencyChain } from './run/dependency-chain.js';
import { emptyBackend } from './run/empty-backend.js';
import { fullVolume } from './run/full-volume.js';
import { headlessMembers } from './run/headless-members.js';
import { imageDroppedCommand } from './run/image-dropped-command.js';
import { namedOverPull } from './run/named-over-pull.js';
import { podGone } from './run/pod-missing.js';
import { previousLogs } from './run/previous-logs.js';
import { renamedVariable } from './run/renamed-variable.js';
import { donateRollback, sameObjectRollback } from './run/same-object-rollback.js';
import { scanFindings, scanUnread } from './run/scan.js';
import { podStatusFirst, statusFirst } from './status-first.js';
import type {
  ContainerSignature,
  DescribedContainer,
  DescribedPod,
  Facts,
  PodSignature,
  RunSignature,
} from './types.js';

export type {
  ContainerSignature,
  DescribedContainer,
  DescribedPod,
  Facts,
  PodSignature,
  RunSignature,
} from './types.js';

/** Signatures of one container, in the order they are matched. */
export const CONTAINER_SIGNATURES: readonly ContainerSignature[] = [
  initWait,
  milliMemory,
  oomKilled,
  commandNotFound,
  configError,
  failedMount,
  imagePull,
  exitZero,
  crash,
];

/** Signatures of one described pod, matched after its containers'. */
export const POD_SIGNATURES: readonly PodSignature[] = [probes, pending];

/** Signatures over all observations, after the pods', in order. */
export const RUN_SIGNATURES: readonly RunSignature[] = [
  previousLogs,
  podGone,
  cpuThrottling,
  fullVolume,
  scanFindings,
  scanUnread,
  configValues,
  renamedVariable,
  badRollout,
  analyzers,
  badReleaseOfRunningPods,
  dependencyChain,
  autoscalerSays,
  namedOverPull,
  // After named-over-pull: the members' raised crash stays below the Service they wait on.
  headlessMembers,
  imageDroppedCommand,
  sameObjectRollback,
  emptyBackend,
];

/** The three ordered lists `findingsOf` matches (a test can leave one signature out). */
export interface SignatureLists {
  readonly containers: readonly ContainerSignature[];
  readonly pods: readonly PodSignature[];
  readonly run: readonly RunSignature[];
}

/** The registered signatures. */
export const SIGNATURES: SignatureLists = {
  containers: CONTAINER_SIGNATURES,
  pods: POD_SIGNATURES,
  run: RUN_SIGNATURES,
};

/**
 * The facts the signatures read, from the observations of a run: `hints` are the task's words that
 * may name objects, `tools` the names of the tools the run offers.
 */
export function factsOf(
  task: string,
  ns: string,
  hints: readonly string[],
  seen: readonly SeenObservation[],
  tools: ReadonlySet<string>,
): Facts {
  return {
    task,
    ns,
    hints,
    seen,
    tools,
    pods: podRows(seen, ns),
    deps: deploymentRows(seen),
    events: outputs(seen, 'get_events')
      .map((o) => o.content)
      .join('\n'),
    scanned: outputs(seen, 'scan', (o) => o.args['namespace'] === ns).length > 0,
    bonus: (name) => (matchesHint(name, hints) ? 5 : 0),
  };
}

/**
 * The log of one container the run read last: a read without a container name reads the pod's only
 * container (`only`). A later read that printed nothing (`(no log lines…)`, a restarted container's new
 * run) does not hide an earlier one that printed lines.
 */
function containerLog(
  seen: readonly SeenObservation[],
  pod: string,
  container: string,
  only: boolean,
): SeenObservation | undefined {
  const reads = seen.filter(
    (o) =>
      o.tool === 'get_pod_logs' &&
      o.args['name'] === pod &&
      o.status === 'ok' &&
      (o.args['container'] === container || (o.args['container'] === undefined && only)),
  );
  return [...reads].reverse().find((o) => !o.content.startsWith('(no log lines')) ?? reads[reads.length - 1];
}

/** Every finding the signatures draw from the facts, strongest first (ties keep the order found). */
export function findingsOf(f: Facts, lists: SignatureLists = SIGNATURES): Finding[] {
  const out: Finding[] = [];
  for (const d of outputs(f.seen, 'describe_pod')) {
    const pod = String(d.args['name'] ?? '');
    const owner = ownerOf(pod, f.deps, d.content);
    const described: DescribedPod = {
      described: d,
      pod,
      owner,
      // A pod of another namespace (a dependency's) says where it is.
      objectLabel: `${podObject(owner, pod)}${
        d.args['namespace'] && d.args['namespace'] !== f.ns ? ` in ${String(d.args['namespace'])}` : ''
      }`,
      bonus: f.bonus(pod),
    };
    const sections = containerSections(d.content);
    for (const c of sections) {
      const last = stateBlock(c.body, 'Last State');
      const now = stateBlock(c.body, 'State');
      const container: DescribedContainer = {
        ...described,
        container: c,
        kind: c.init ? 'init container' : 'container',
        last,
        now,
        restarts: describedField(c.body, 'Restart Count'),
        exit: last.exit ?? (now.state === 'Terminated' ? now.exit : undefined),
        logs: containerLog(f.seen, pod, c.name, !c.init && sections.filter((x) => !x.init).length === 1),
      };
      for (const s of lists.containers) {
        const found = s.find(container, f);
        if (!found) continue;
        out.push(found);
        if (s.stops) break;
      }
    }
    for (const s of lists.pods) {
      const found = s.find(described, f);
      if (found) out.push(found);
    }
  }
  for (const s of lists.run) {
    if ('refine' in s) s.refine(f, out);
    else out.push(...s.find(f, out));
  }
  out.sort((a, b) => b.weight - a.weight);
  const ordered = statusFirst(
    namedFirst(podStatusFirst(out, f.task, f.pods, NAMED_CAUSE_WEIGHT), f.task, f.ns, f.hints, f.seen),
    f.task,
    NAMED_CAUSE_WEIGHT,
  );
  // The finding named-first put in front takes its Deployment's rollback as the strongest one would.
  if (ordered !== out) donateRollback(ordered[0], ordered, f.ns);
  return ordered;
}
