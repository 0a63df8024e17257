import { hostPortsOf } from '../host-ports.js';
import { parseQuantity } from '../quantity.js';
import type { Container, ContainerStatus, Node, Pod, Probe, ReplicaSet } from '../types.js';
import type { ConfigMapLike, SecretLike } from './objects.js';
import { excludedNodes, requiredTerms, unmatchedPlacement } from './placement.js';
import { type Analyzer, eventLine, type Facts, type Found, mentions, quote } from './types.js';

/** The controller that owns a pod, one level past a ReplicaSet (`Deployment/web`), or undefined. */
export function podOwner(pod: Pod, replicaSets: readonly ReplicaSet[]): string | undefined {
  const ref = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!ref) return undefined;
  if (ref.kind === 'ReplicaSet') {
    const rs = replicaSets.find(
      (r) => r.metadata.name === ref.name && r.metadata.namespace === pod.metadata.namespace,
    );
    const up = rs?.metadata.ownerReferences?.find((o) => o.controller) ?? rs?.metadata.ownerReferences?.[0];
    if (up) return `${up.kind}/${up.name}`;
  }
  return `${ref.kind}/${ref.name}`;
}

/** At most this many pods holding a Pending pod's host ports are named. */
const MAX_HOLDERS = 4;

/**
 * The pods that hold a Pending pod's host ports (`ports` as `hostPortsOf` gives them, `UDP/9033`) on their
 * nodes, as a clause of the scan's message: those of another workload first (an older release still bound to
 * the port), then the pod's own siblings, each with its node and the ports it holds. A pod holds a port while
 * it is bound to a node and has not ended. Empty when none is found.
 */
function portHolders(pod: Pod, ports: readonly string[], facts: Facts): string {
  const replicaSets = facts.list<ReplicaSet>('ReplicaSet');
  const own = podOwner(pod, replicaSets);
  const holders = facts
    .list<Pod>('Pod')
    .filter(
      (p) =>
        p !== pod &&
        p.spec.nodeName &&
        p.status?.phase !== 'Succeeded' &&
        p.status?.phase !== 'Failed' &&
        hostPortsOf(p).some((x) => ports.includes(x)),
    )
    .map((p) => ({ p, owner: podOwner(p, replicaSets) }))
    .sort((a, b) => Number(a.owner === own) - Number(b.owner === own));
  if (holders.length === 0) return '';
  const said = holders.slice(0, MAX_HOLDERS).map(
    ({ p, owner }) =>
      `${p.metadata.namespace === pod.metadata.namespace ? '' : `${p.metadata.namespace}/`}${p.metadata.name} on ${p.spec.nodeName} holds ${hostPortsOf(
        p,
      )
        .filter((x) => ports.includes(x))
        .join(', ')}${owner && owner !== own ? ` (${owner}, another workload)` : ''}`,
  );
  return ` (${said.join('; ')})`;
}

/** `http-get :8080/healthz`, `tcp-socket :db`, `exec [cat /tmp/ready]`. */
export function probeText(p: Probe): string {
  if (p.httpGet) return `http-get :${p.httpGet.port}${p.httpGet.path ?? '/'}`;
  if (p.tcpSocket) return `tcp-socket :${p.tcpSocket.port}`;
  if (p.exec) return `exec [${quote((p.exec.command ?? []).join(' '), 80)}]`;
  return 'probe';
}

const PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const PROBES = [
  ['Liveness', 'livenessProbe'],
  ['Readiness', 'readinessProbe'],
  ['Startup', 'startupProbe'],
] as const;

/** A container's declared ports, as numbers and names. */
function declaredPorts(c: Container | undefined): string[] {
  return (c?.ports ?? []).flatMap((p) => [String(p.containerPort), ...(p.name ? [p.name] : [])]);
}

/** What a CreateContainerConfigError refers to that is missing, from the spec and the objects read. */
function missingRefs(c: Container, ns: string | undefined, facts: Facts): string[] {
  const cms = facts.list<ConfigMapLike>('ConfigMap').filter((o) => o.metadata?.namespace === ns);
  const secrets = facts.list<SecretLike>('Secret').filter((o) => o.metadata?.namespace === ns);
  const out: string[] = [];
  const check = (
    kind: 'ConfigMap' | 'Secret',
    name: string,
    key: string | undefined,
    optional: boolean | undefined,
  ) => {
    if (optional || !facts.read(kind)) return;
    const obj = (kind === 'ConfigMap' ? cms : secrets).find((o) => o.metadata?.name === name);
    if (!obj) out.push(`${kind} "${name}" does not exist`);
    else if (
      key !== undefined &&
      !Object.hasOwn(obj.data ?? {}, key) &&
      !Object.hasOwn(obj.stringData ?? {}, key) &&
      !Object.hasOwn((obj as ConfigMapLike).binaryData ?? {}, key)
    )
      out.push(`key "${key}" is missing from ${kind} "${name}"`);
  };
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    if (cm) check('ConfigMap', cm.name, cm.key, cm.optional);
    const s = e.valueFrom?.secretKeyRef;
    if (s) check('Secret', s.name, s.key, s.optional);
  }
  for (const f of c.envFrom ?? []) {
    if (f.configMapRef) check('ConfigMap', f.configMapRef.name, undefined, f.configMapRef.optional);
    if (f.secretRef) check('Secret', f.secretRef.name, undefined, f.secretRef.optional);
  }
  return [...new Set(out)];
}

/**
 * Containers whose request for a scarce resource was never written but set from its limit: when a
 * container gives a limit and no request, Kubernetes copies the limit as the request, so the
 * scheduler reserves the whole limit.
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
 * A real API server stores the copied request in the pod, which then cannot be told from one that
 * was written; this reads pods as their manifests gave them (the simulated cluster, or a template).
 */
export function defaultedRequests(pod: Pod, scarce: readonly string[]): string {
  const said: string[] = [];
  for (const c of pod.spec.containers) {
    for (const r of scarce) {
      const limit = c.resources?.limits?.[r];
      if (limit === undefined || c.resources?.requests?.[r] !== undefined) continue;
      said.push(
        `container ${quote(c.name, 63)} sets a ${quote(r, 40)} limit of ${quote(String(limit), 20)} and no ${quote(r, 40)} request, so Kubernetes copies the limit and uses it as the request: the scheduler reserves ${quote(String(limit), 20)}`,
      );
      if (said.length >= 2) break;
    }
  }
  return said.length ? `; ${said.join('; ')} (set a smaller request explicitly)` : '';
}

/**
 * For each extended resource (a name with a `/`, such as `nvidia.com/gpu`) the scheduler calls
 * insufficient: the pod's request when it is more than any single node has allocatable, so the pod
 * can never fit, however empty the cluster ("each pod asks for nvidia.com/gpu: 2; no node has more than
 * 1"). Extended resources are whole units and a pod's containers' requests add up on one node.
 */
export function beyondEveryNode(pod: Pod, scarce: readonly string[], nodes: readonly Node[]): string {
  const said: string[] = [];
  for (const r of scarce) {
    if (!r.includes('/')) continue;
    let want = 0;
    for (const c of pod.spec.containers)
      want += parseQuantity(c.resources?.requests?.[r] ?? c.resources?.limits?.[r]) ?? 0;
    if (want <= 0) continue;
    let most = 0;
    let holders = 0;
    for (const n of nodes) {
      const have = parseQuantity(n.status?.allocatable?.[r]) ?? 0;
      if (have > 0) holders++;
      if (have > most) most = have;
    }
    if (want <= most) continue;
    said.push(
      holders === 0
        ? `the pod asks for ${quote(r, 40)}: ${want} and no node advertises ${quote(r, 40)} at all`
        : `the pod asks for ${quote(r, 40)}: ${want}, but no node has more than ${most} (${holders} node(s) with ${quote(r, 40)}: ${most === 1 ? 'only one each' : `at most ${most}`}), so it cannot fit on any node however idle: request at most ${most} per pod, or add nodes with ${want}`,
    );
  }
  return said.length ? `; ${said.join('; ')}` : '';
}

/** The resources a scheduler message calls insufficient (`Insufficient cpu`, `Insufficient nvidia.com/gpu`), by plain search. */
function insufficient(msg: string): string[] {
  const out: string[] = [];
  let at = msg.indexOf('Insufficient ');
  while (at >= 0 && out.length < 4) {
    let end = at + 13;
    // A resource name may hold dots (nvidia.com/gpu); a dot ends it only before a space or the end.
    const stops = (i: number) =>
      ' ,;'.includes(msg[i]!) || (msg[i] === '.' && (i + 1 >= msg.length || msg[i + 1] === ' '));
    while (end < msg.length && end < at + 80 && !stops(end)) end++;
    const r = msg.slice(at + 13, end);
    if (r && !out.includes(r)) out.push(r);
    at = msg.indexOf('Insufficient ', end);
  }
  return out;
}

/** The text in braces after a word (`untolerated taint(s) {dedicated: ml}`), bounded, by plain search. */
function bracedAfter(msg: string, word: string): string {
  const w = msg.indexOf(word);
  if (w < 0) return '';
  const open = msg.indexOf('{', w);
  if (open < 0 || open > w + 20) return '';
  const close = msg.indexOf('}', open);
  if (close < 0 || close > open + 120) return '';
  return msg.slice(open + 1, close).trim();
}

/** One pod's findings. */
function analyzePod(pod: Pod, facts: Facts): Found[] {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name ?? '';
  const owner = podOwner(pod, facts.list<ReplicaSet>('ReplicaSet'));
  const events = facts.eventsFor('Pod', name, ns);
  const base = { kind: 'Pod', name, ...(ns ? { namespace: ns } : {}), ...(owner ? { owner } : {}) };
  const out: Found[] = [];
  const status = pod.status ?? {};
  if (status.phase === 'Succeeded') return out;
  // Evicted (node pressure, an exceeded ephemeral-storage limit): the kubelet's reason and message.
  if (status.phase === 'Failed' && status.reason === 'Evicted') {
    out.push({
      ...base,
      reason: 'Evicted',
      message: `pod ${name} was evicted: ${quote(status.message, 200) || 'the kubelet reclaimed resources'}`,
      evidence: [
        `status.phase Failed, reason Evicted${pod.spec.nodeName ? `, node ${pod.spec.nodeName}` : ''}`,
      ],
      next: pod.spec.nodeName
        ? `describe_node name=${pod.spec.nodeName}`
        : `describe_pod namespace=${ns} name=${name}`,
    });
    return out;
  }

  // Not scheduled: the scheduler's own words, from the PodScheduled condition or its event.
  const unscheduled = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const schedEvent = events.find((e) => e.reason === 'FailedScheduling');
  if ((status.phase === 'Pending' || !status.phase) && (unscheduled || schedEvent) && !pod.spec.nodeName) {
    const msg = schedEvent?.message ?? unscheduled?.message ?? '';
    const taint = mentions(msg, 'untolerated taint', "didn't tolerate");
    const selector = mentions(msg, "didn't match", 'node affinity', 'node selector', 'nodeselector');
    const short = mentions(msg, 'insufficient');
    const ports = mentions(msg, "didn't have free ports") ? hostPortsOf(pod) : [];
    const pvc = mentions(msg, 'persistentvolumeclaim', 'unbound immediate');
    // The claim itself is missing (the scheduler's `persistentvolumeclaim "x" not found`), not unbound.
    const missingClaim = /persistentvolumeclaim "([a-z0-9][a-z0-9.-]{0,252})" not found/.exec(msg ?? '')?.[1];
    const scarce = insufficient(msg);
    const taintText = bracedAfter(msg, 'taint');
    const sel = pod.spec.nodeSelector
      ? Object.entries(pod.spec.nodeSelector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : '';
    // Required pod affinity that no running pod satisfies: the pods it must sit next to are gone.
    if (mentions(msg, "didn't match pod affinity rules") && !mentions(msg, 'anti-affinity')) {
      const terms =
        (
          pod.spec as unknown as {
            affinity?: {
              podAffinity?: {
                requiredDuringSchedulingIgnoredDuringExecution?: {
                  labelSelector?: { matchLabels?: Record<string, string> };
                  namespaces?: string[];
                  topologyKey?: string;
                }[];
              };
            };
          }
        ).affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
      const pods = facts.list<Pod>('Pod');
      const unmatched = terms.filter((t) => {
        const want = t.labelSelector?.matchLabels ?? {};
        const spaces = t.namespaces?.length ? t.namespaces : [ns];
        return !pods.some(
          (p) =>
            spaces.includes(p.metadata.namespace ?? '') &&
            p.status?.phase === 'Running' &&
            Object.entries(want).every(([k, v]) => p.metadata.labels?.[k] === v),
        );
      });
      const said = unmatched
        .map(
          (t) =>
            `${Object.entries(t.labelSelector?.matchLabels ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(',')} (topologyKey ${t.topologyKey ?? '?'})`,
        )
        .join('; ');
      out.push({
        ...base,
        reason: 'FailedScheduling',
        message: `pod ${name} is Pending (FailedScheduling): its required pod affinity asks to run next to pods labeled ${said || 'as its affinity says'}, and ${unmatched.length > 0 ? 'no running pod in the namespace carries those labels any more' : 'no node holds such a pod'} — "${quote(msg, 120)}"; it is not a capacity problem`,
        evidence: [
          ...(schedEvent ? [eventLine(schedEvent)] : []),
          ...(said ? [`podAffinity required: ${said}`] : []),
        ],
        next: 'list_pods with the affinity label selector',
        fix: 'remove the stale required podAffinity (or make it preferred), or run the pods it names again',
      } as Found);
      return out;
    }
    // The cluster autoscaler (or Karpenter) is adding a node for it: Pending is the expected wait.
    const scaleUp = events.find(
      (e) =>
        e.reason === 'TriggeredScaleUp' ||
        e.reason === 'Nominated' ||
        mentions(e.message, 'triggered scale-up', 'launched nodeclaim'),
    );
    if (scaleUp && short) {
      out.push({
        ...base,
        reason: 'WaitingForScaleUp',
        message: `pod ${name} is Pending while the cluster autoscaler adds a node for it (${quote(scaleUp.reason, 40)}: ${quote(scaleUp.message, 160)}): the scheduler found no room (${quote(msg, 120)}) and the scale-up is under way, so this is expected and temporary; the pod will be scheduled once the new node is Ready, with no action needed`,
        evidence: [eventLine(scaleUp), ...(schedEvent ? [eventLine(schedEvent)] : [])],
        next: 'list_nodes (the new node joins in a few minutes)',
      } as Found);
      return out;
    }
    // Which of the pod's placement requirements no node's labels meet, read from the nodes themselves.
    const unmatched = selector && !taint && !short ? unmatchedPlacement(pod, facts.list<Node>('Node')) : [];
    // Some nodes meet the placement and another reason rules them out: name the nodes it excludes and why.
    const excluded =
      selector && !taint && !short && unmatched.length === 0
        ? excludedNodes(pod, facts.list<Node>('Node'))
        : [];
    const replaced = unmatched.find((u) => u.replacement);
    const repin = unmatched.find((u) => u.similar);
    const why = unmatched
      .map(
        (u) =>
          `${u.asked}: ${u.nodesHave}${u.replacement ? ` (${u.asked.split(/[ =]/)[0]} is a deprecated label; current nodes carry ${u.replacement}${u.replacementMatches ? ' with the values asked for' : ''})` : ''}${u.similar ? ` (a stale label: nodes carry ${u.similar.key}=${u.similar.value}, the same pool under the label that replaced it)` : ''}`,
      )
      .join('; ');
    const others = excluded
      .map(
        (e) =>
          `node(s) ${e.nodes.join(', ')} ${e.lacksKey ? `lack the label ${e.asked.split(/[ =]/)[0]}` : 'carry another value'} its placement requires (${e.asked})`,
      )
      .join('; ');
    out.push({
      ...base,
      reason: 'FailedScheduling',
      message: `pod ${name} is Pending (FailedScheduling): ${
        ports.length > 0
          ? `its containers ask for host port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} (hostPort), and a host port can be held by one pod per node: every node it may run on already runs a pod holding ${ports.length > 1 ? 'them' : 'it'}${portHolders(pod, ports, facts)} — "${quote(msg, 240)}"; it needs another node (or no hostPort)`
          : short
            ? `Insufficient ${scarce.join(', ') || 'resources'} — its request does not fit on any node${defaultedRequests(pod, scarce)}${beyondEveryNode(pod, scarce, facts.list<Node>('Node'))}`
            : taint
              ? `the nodes it could run on have a taint${taintText ? ` (${taintText})` : ''} the pod does not tolerate (untolerated taint; no matching toleration)${selector ? ', and the other nodes do not match its nodeSelector' : ''}`
              : selector && others
                ? `its ${requiredTerms(pod).length > 0 ? 'required node affinity' : 'nodeSelector'} rules out some nodes — "didn't match Pod's node affinity/selector": ${others}, and the nodes it allows are ruled out too: "${quote(msg, 200)}"`
                : selector
                  ? `no node matches its ${unmatched.some((u) => / (In|NotIn|Exists|DoesNotExist|Gt|Lt)\b/.test(u.asked)) ? 'required node affinity' : 'nodeSelector'}${sel ? ` (${quote(sel, 120)})` : ''} — "didn't match Pod's node affinity/selector"${why ? `: ${why}` : ''}`
                  : missingClaim
                    ? `its PersistentVolumeClaim ${missingClaim} does not exist (persistentvolumeclaim "${missingClaim}" not found): nothing has created it`
                    : pvc
                      ? 'its PersistentVolumeClaim is not bound'
                      : quote(msg, 160)
      }`,
      evidence: [
        ...(schedEvent ? [eventLine(schedEvent)] : []),
        ...(unscheduled && !schedEvent
          ? [`condition PodScheduled False ${quote(unscheduled.reason, 40)}: ${quote(unscheduled.message)}`]
          : []),
        ...(pod.spec.nodeSelector
          ? [
              `nodeSelector: ${Object.entries(pod.spec.nodeSelector)
                .map(([k, v]) => `${k}=${v}`)
                .join(',')}`,
            ]
          : []),
      ],
      next: 'list_nodes, then describe_node for the nodes the message names',
      fix: ports.length
        ? 'add a node the pod may run on (one pod per node holds the host port), or drop hostPort and reach the pods through a Service'
        : short
          ? 'lower the pod requests or add node capacity'
          : taint
            ? 'add a toleration for the taint, or run on nodes without it'
            : selector
              ? replaced?.replacementMatches
                ? `use the current label ${replaced.replacement} instead of the deprecated ${replaced.asked.split(/[ =]/)[0]} in the pod template's node affinity/nodeSelector`
                : repin?.similar
                  ? `re-pin to the node label ${repin.similar.key}=${repin.similar.value} instead of the stale ${repin.asked.split(/[ =]/)[0]} in the pod template's node affinity/nodeSelector`
                  : 'fix the nodeSelector/affinity, or label a node to match'
              : missingClaim
                ? `create the claim ${missingClaim}, or find what was to create it (the StatefulSet's volumeClaimTemplates, the operator that manages the workload)`
                : pvc
                  ? 'bind the claim (see the PersistentVolumeClaim finding)'
                  : undefined,
    } as Found);
    return out;
  }

  const specs = new Map<string, { c: Container; init: boolean }>();
  for (const c of pod.spec.initContainers ?? []) specs.set(c.name, { c, init: true });
  for (const c of pod.spec.containers ?? []) specs.set(c.name, { c, init: false });
  const statuses: { s: ContainerStatus; init: boolean }[] = [
    ...(status.initContainerStatuses ?? []).map((s) => ({ s, init: true })),
    ...(status.containerStatuses ?? []).map((s) => ({ s, init: false })),
  ];
  const restartNever = pod.spec.restartPolicy === 'Never';
  const flagged = new Set<string>();
  for (const { s, init } of statuses) {
    const spec = specs.get(s.name)?.c;
    const what = `${init ? 'init container' : 'container'} ${s.name}`;
    const c = { ...base, container: s.name };
    const waiting = s.state?.waiting;
    const last = s.lastState?.terminated;
    const term = s.state?.terminated;
    const restarts = `Restart Count ${s.restartCount ?? 0}`;
    if (
      waiting?.reason === 'CrashLoopBackOff' ||
      (term && term.exitCode !== 0 && !restartNever && s.restartCount > 0)
    ) {
      const t = last ?? term;
      const code = t?.exitCode;
      const oom = t?.reason === 'OOMKilled';
      const notFound =
        mentions(t?.message, 'executable file not found', 'no such file or directory') ||
        events.some((e) => mentions(e.message, 'executable file not found'));
      const execEvent = events.find((e) =>
        mentions(e.message, 'executable file not found', 'exec format error'),
      );
      const limit = spec?.resources?.limits?.['memory'];
      const message = oom
        ? `${what} is OOMKilled (exit code ${code ?? 137}): it uses more memory than its ${limit ? `${limit} ` : ''}memory limit and restarts (${s.restartCount} restarts${waiting ? ', CrashLoopBackOff' : ''})`
        : code === 0
          ? `${what} exits with code 0 (Completed) and the pod's restartPolicy starts it again, so it loops in CrashLoopBackOff`
          : code === 127 || notFound
            ? `${what} cannot start its command (exit code ${code ?? 127}): the executable is not found in the image`
            : code === 137
              ? `${what} is killed (exit code 137, SIGKILL, not OOMKilled) and restarts; a failing liveness probe or a kill from outside does that`
              : `${what} is in CrashLoopBackOff: it exits with code ${code ?? '?'}${t?.reason ? ` (${quote(t.reason, 40)})` : ''} and restarts (${s.restartCount} restarts)`;
      out.push({
        ...c,
        reason: oom ? 'OOMKilled' : 'CrashLoopBackOff',
        message,
        evidence: [
          `${t === last ? 'Last State' : 'State'}: Terminated, Reason ${quote(t?.reason, 40) || '?'}, Exit Code ${code ?? '?'}, ${restarts}`,
          ...(t?.message ? [`termination message: ${quote(t.message)}`] : []),
          ...(oom && limit ? [`memory limit ${limit}`] : []),
          ...(execEvent ? [eventLine(execEvent)] : []),
        ],
        next: `get_pod_logs namespace=${ns} name=${name} container=${s.name} previous=true`,
        ...(oom ? { fix: 'raise the memory limit (or lower the program’s memory use)' } : {}),
        ...(code === 0 ? { fix: 'run the program in the foreground, or run a one-shot task as a Job' } : {}),
        ...(code === 127 || notFound ? { fix: 'fix the command to one that exists in the image' } : {}),
      });
      flagged.add(s.name);
      continue;
    }
    // Running now, but it has been killed or has crashed before: the last state says how.
    if (
      s.state?.running &&
      last &&
      last.exitCode !== 0 &&
      (last.reason === 'OOMKilled' || s.restartCount >= 3)
    ) {
      const oom = last.reason === 'OOMKilled';
      const limit = spec?.resources?.limits?.['memory'];
      out.push({
        ...c,
        reason: oom ? 'OOMKilled' : 'Restarting',
        message: oom
          ? `${what} was OOMKilled (exit code ${last.exitCode}) and restarted ${s.restartCount} time(s): it uses more memory than its ${limit ? `${limit} ` : ''}memory limit`
          : `${what} keeps restarting (${s.restartCount} restarts); it last exited with code ${last.exitCode}${last.reason ? ` (${quote(last.reason, 40)})` : ''}`,
        evidence: [
          `State: Running; Last State: Terminated, Reason ${quote(last.reason, 40) || '?'}, Exit Code ${last.exitCode}, ${restarts}`,
          ...(last.message ? [`termination message: ${quote(last.message)}`] : []),
          ...(oom && limit ? [`memory limit ${limit}`] : []),
        ],
        next: `get_pod_logs namespace=${ns} name=${name} container=${s.name} previous=true`,
        ...(oom ? { fix: 'raise the memory limit (or lower the program’s memory use)' } : {}),
      });
      flagged.add(s.name);
      continue;
    }
    if (waiting?.reason && PULL.has(waiting.reason)) {
      const pullEvents = events.filter(
        (e) => e.reason === 'Failed' || e.reason === 'ErrImagePull' || e.reason === 'BackOff',
      );
      const text = `${waiting.message ?? ''} ${pullEvents.map((e) => e.message ?? '').join(' ')}`;
      const denied = mentions(text, 'denied', 'unauthorized', 'authentication required', 'forbidden');
      const missing = mentions(text, 'not found', 'manifest unknown', 'does not exist');
      // HTTP 429 from the registry: the image exists, the pull quota is used up.
      const limited = mentions(text, 'toomanyrequests', '429 too many requests', 'pull rate limit');
      const secrets = (pod.spec.imagePullSecrets ?? []).map((p) => p.name);
      const absent = facts.read('Secret')
        ? secrets.filter(
            (n) =>
              !facts
                .list<SecretLike>('Secret')
                .some((x) => x.metadata?.namespace === ns && x.metadata?.name === n),
          )
        : [];
      out.push({
        ...c,
        reason: waiting.reason,
        message: `${what} cannot pull image ${quote(spec?.image ?? s.image, 120)} (${waiting.reason})${absent.length ? `: its imagePullSecret ${absent.map((n) => `"${n}"`).join(', ')} does not exist in namespace ${ns}` : limited ? ': the registry rate-limits the pull (429 Too Many Requests); the image exists' : denied ? ': the registry denies access (missing credentials, or a repository that does not exist)' : missing ? ': the image or its tag does not exist' : ''}`,
        evidence: [
          `State: Waiting, Reason ${waiting.reason}${waiting.message ? `: ${quote(waiting.message)}` : ''}`,
          ...(limited
            ? pullEvents
                .filter((e) => mentions(e.message, 'toomanyrequests', '429', 'rate limit'))
                .slice(0, 1)
            : pullEvents.slice(0, 2)
          ).map(eventLine),
          ...(absent.length
            ? [`imagePullSecrets: ${secrets.join(', ')}; not found: ${absent.join(', ')}`]
            : []),
        ],
        next: owner?.startsWith('Deployment/')
          ? `get_rollout_history namespace=${ns} name=${owner.slice('Deployment/'.length)}`
          : `describe_pod namespace=${ns} name=${name}`,
        fix: absent.length
          ? `create the pull secret ${absent[0]} in ${ns}`
          : limited
            ? 'authenticate pulls to the registry or use a mirror; the pull succeeds once the limit resets'
            : denied && secrets.length === 0
              ? 'check the image name; if it is private, add an imagePullSecret'
              : 'set the image to one that exists, or roll back to the last revision that pulled',
      });
      flagged.add(s.name);
      continue;
    }
    if (
      waiting?.reason === 'CreateContainerConfigError' ||
      waiting?.reason === 'CreateContainerError' ||
      waiting?.reason === 'RunContainerError'
    ) {
      const refs = spec ? missingRefs(spec, ns, facts) : [];
      const ev = events.find((e) => e.reason === 'Failed');
      out.push({
        ...c,
        reason: waiting.reason,
        message: `${what} cannot start (${waiting.reason})${refs.length ? `: ${refs.join('; ')}` : waiting.message ? `: ${quote(waiting.message, 160)}` : ''}`,
        evidence: [
          `State: Waiting, Reason ${waiting.reason}${waiting.message ? `: ${quote(waiting.message)}` : ''}`,
          ...(ev ? [eventLine(ev)] : []),
        ],
        next: `describe_pod namespace=${ns} name=${name}`,
        ...(refs.length
          ? { fix: `create what is missing (${refs[0]}), or fix the reference in the pod template` }
          : {}),
      });
      flagged.add(s.name);
      continue;
    }
    if (term && term.exitCode !== 0 && (restartNever || s.restartCount === 0) && !s.state?.running) {
      out.push({
        ...c,
        reason: 'Error',
        message: `${what} terminated with exit code ${term.exitCode}${term.reason ? ` (${quote(term.reason, 40)})` : ''}${restartNever ? ' and, with restartPolicy Never, is not restarted' : ''}`,
        evidence: [
          `State: Terminated, Reason ${quote(term.reason, 40) || '?'}, Exit Code ${term.exitCode}`,
          ...(term.message ? [`termination message: ${quote(term.message)}`] : []),
        ],
        next: `get_pod_logs namespace=${ns} name=${name} container=${s.name}`,
      });
      flagged.add(s.name);
    }
  }

  // Volumes that cannot be mounted keep the pod in ContainerCreating.
  // The event that says why (mount failed: exit status 32 …) before the kubelet's timeout that
  // only restates it ("Unable to attach or mount volumes: … timed out waiting for the condition").
  const mounts = events.filter((e) => e.reason === 'FailedMount' || e.reason === 'FailedAttachVolume');
  const mount = mounts.find((e) => !mentions(e.message, 'timed out waiting for the condition')) ?? mounts[0];
  const creating =
    statuses.some((x) => x.s.state?.waiting?.reason === 'ContainerCreating') ||
    (status.phase === 'Pending' && pod.spec.nodeName);
  if (mount && creating) {
    // Which volume source is missing, from the spec and the objects read.
    const missing: string[] = [];
    const has = (kind: string, n: string) =>
      facts.list<ConfigMapLike>(kind).some((o) => o.metadata?.namespace === ns && o.metadata?.name === n);
    for (const v of pod.spec.volumes ?? []) {
      if (
        v.configMap &&
        !v.configMap.optional &&
        facts.read('ConfigMap') &&
        !has('ConfigMap', v.configMap.name)
      )
        missing.push(`ConfigMap ${v.configMap.name} does not exist`);
      if (v.secret && !v.secret.optional && facts.read('Secret') && !has('Secret', v.secret.secretName))
        missing.push(`Secret ${v.secret.secretName} does not exist`);
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim && facts.read('PersistentVolumeClaim') && !has('PersistentVolumeClaim', claim))
        missing.push(`PersistentVolumeClaim ${claim} does not exist`);
    }
    // A Multi-Attach error: the volume (ReadWriteOnce) is attached to another node for another pod;
    // the FailedMount timeout that follows only restates it.
    const multi = events.find(
      (e) => e.reason === 'FailedAttachVolume' && mentions(e.message, 'multi-attach error'),
    );
    if (multi && missing.length === 0) {
      const claim = (pod.spec.volumes ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim
        ?.claimName;
      const msg = multi.message ?? '';
      const at = msg.indexOf('already used by pod(s) ');
      const holder = at >= 0 ? msg.slice(at + 23, at + 23 + 253).split(/[\s,]/, 1)[0] : undefined;
      out.push({
        ...base,
        reason: 'MultiAttach',
        message: `pod ${name} cannot start (stuck in ContainerCreating): its volume${claim ? ` (claim ${claim})` : ''} is already attached for ${holder ? `pod ${holder}` : 'another pod'} on another node (Multi-Attach error); a ReadWriteOnce volume attaches to a single node at a time`,
        evidence: [eventLine(multi), ...(mount !== multi ? [eventLine(mount)] : [])],
        next: claim
          ? `describe_resource kind=PersistentVolumeClaim namespace=${ns} name=${claim}`
          : `describe_pod namespace=${ns} name=${name}`,
        fix: 'run one replica per ReadWriteOnce claim (a StatefulSet with a claim template, or replicas 1), keep the pods on one node, or use a ReadWriteMany volume',
      });
    } else
      out.push({
        ...base,
        reason: 'FailedMount',
        message: `pod ${name} cannot start (stuck in ContainerCreating): a volume cannot be mounted (FailedMount): ${missing.length ? missing.join('; ') : quote(mount.message, 160)}`,
        evidence: [eventLine(mount)],
        next: `describe_pod namespace=${ns} name=${name}`,
        fix: missing.length
          ? `create what is missing (${missing[0]}) in the namespace, or fix the volume’s reference to the name that exists`
          : 'create the ConfigMap, Secret or claim the volume names, or fix the volume’s reference',
      });
  }

  // Probe failures the kubelet reported, with the probe as configured and the ports declared.
  for (const [label, field] of PROBES) {
    const ev = events.find((e) => e.reason === 'Unhealthy' && (e.message ?? '').startsWith(`${label} probe`));
    if (!ev) continue;
    const fieldPath = ev.involvedObject.fieldPath ?? '';
    const target =
      pod.spec.containers.find((x) => fieldPath.includes(`{${x.name}}`) && x[field]) ??
      pod.spec.containers.find((x) => x[field]);
    const probe = target?.[field];
    const declared = declaredPorts(target);
    const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
    const st0 = status.containerStatuses?.find((x) => x.name === target?.name);
    // A container Ready now whose readiness probe last failed more than ten minutes ago passed it every
    // period since (10 s by default): a failure of the past (a slow start), not a finding now.
    const lastFailed = Date.parse(
      ev.series?.lastObservedTime ?? ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? '',
    );
    if (
      label === 'Readiness' &&
      st0?.ready &&
      Number.isFinite(lastFailed) &&
      facts.now.getTime() - lastFailed > CLEARED_AFTER_MS
    )
      continue;
    // A container Ready now passes its readiness probe now: the port it probes answers, whatever it declares.
    const wrongPort =
      port !== undefined &&
      declared.length > 0 &&
      !declared.includes(String(port)) &&
      !(label === 'Readiness' && st0?.ready);
    const st = status.containerStatuses?.find((x) => x.name === target?.name);
    const last = st?.lastState?.terminated;
    const numeric = declared.filter((p) => /^\d{1,5}$/.test(p));
    const effect =
      label === 'Readiness'
        ? 'keeps the pod unready (out of its Services’ endpoints)'
        : label === 'Liveness'
          ? `kills and restarts the container${last?.exitCode === 137 && last.reason !== 'OOMKilled' ? ' (exit code 137, Reason Error: killed, not OOM)' : ''}`
          : 'kills the container before it starts';
    out.push({
      ...base,
      ...(target ? { container: target.name } : {}),
      reason: wrongPort ? `${label}ProbeWrongPort` : `${label}ProbeFailed`,
      message: wrongPort
        ? `the ${label.toLowerCase()} probe of container ${target?.name} checks port ${port}, but the container listens on ${numeric.join(', ') || declared.join(', ')} (probe on the wrong port), so the probe fails and the kubelet ${effect}`
        : `the ${label.toLowerCase()} probe of ${target ? `container ${target.name}` : `pod ${name}`} fails, so the kubelet ${effect}`,
      evidence: [
        ...(probe
          ? [
              `${label}: ${probeText(probe)}${declared.length ? `; container ports: ${declared.join(', ')}` : ''}${st ? `; Restart Count ${st.restartCount ?? 0}` : ''}`,
            ]
          : []),
        ...(last
          ? [`Last State Terminated, Reason ${quote(last.reason, 40) || '?'}, Exit Code ${last.exitCode}`]
          : []),
        eventLine(ev),
      ],
      next: `get_pod_logs namespace=${ns} name=${name}${target ? ` container=${target.name}` : ''}`,
      ...(wrongPort
        ? { fix: `point the ${label.toLowerCase()} probe at port ${numeric[0] ?? declared[0]}` }
        : {}),
    });
  }
  return out;
}

/**
 * How long ago a readiness failure of a container that is Ready now must have been to count as cleared:
 * the kubelet probes every periodSeconds (10 s by default) and a failing probe renews its event, so ten
 * minutes without one are dozens of passed probes.
 */
const CLEARED_AFTER_MS = 10 * 60_000;

/** Pods: crash loops (last state, exit code, OOMKilled), image pulls, config errors, mounts, probes, init containers, scheduling. */
export const podsAnalyzer: Analyzer = {
  name: 'pods',
  kinds: ['Pod', 'ReplicaSet', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'Event', 'Node'],
  priority: 80,
  analyze(facts) {
    const out: Found[] = [];
    // Pods of one owner failing the same way are one finding, naming how many.
    const seen = new Map<string, { f: Found; others: string[] }>();
    for (const pod of facts.list<Pod>('Pod')) {
      for (const f of analyzePod(pod, facts)) {
        const key = f.owner
          ? `${f.namespace}/${f.owner}/${f.container ?? ''}/${f.reason}`
          : `${f.namespace}/${f.name}/${f.container ?? ''}/${f.reason}`;
        const had = seen.get(key);
        if (had) {
          had.others.push(f.name);
          continue;
        }
        const entry = { f, others: [] as string[] };
        seen.set(key, entry);
        out.push(f);
      }
    }
    return out.map((f) => {
      const others =
        seen.get(
          f.owner
            ? `${f.namespace}/${f.owner}/${f.container ?? ''}/${f.reason}`
            : `${f.namespace}/${f.name}/${f.container ?? ''}/${f.reason}`,
        )?.others ?? [];
      return others.length
        ? {
            ...f,
            evidence: [
              ...f.evidence,
              `also: ${others.slice(0, 4).join(', ')}${others.length > 4 ? ` and ${others.length - 4} more` : ''} (same owner, same failure)`,
            ],
          }
        : f;
    });
  },
};
