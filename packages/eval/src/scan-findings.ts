import { type ParsedFinding, parseFindings } from '@sre-harness/tools-k8s';
import { parse as parseYaml } from 'yaml';
import { appliedBack } from './analyzers/manifest.js';
import { unsealFailure } from './analyzers/sealed-secret.js';

/** Which of the scan's findings a caller takes. */
/** What a client logs when nothing answers at an address: the Service has no endpoints, or no such name. */
const CONNECT_FAILED =
  /connection refused|ECONNREFUSED|no such host|ENOTFOUND|no endpoints|could not connect|failed to connect|unable to connect/i;

export type FindingFilter = (f: ParsedFinding) => boolean;

import { eventGloss } from './analyzers/event-glosses.js';
import { glossedLine, logGloss, withDetail } from './analyzers/log-glosses.js';
import { setProbeFix } from './analyzers/probes.js';
import { quotaRoomNow } from './analyzers/quota-room.js';
import { servingPath } from './analyzers/serving-path.js';
import { supersededJob } from './analyzers/superseded-jobs.js';
import type { Finding, Read } from './analyzers/types.js';
import {
  bonus,
  boundedLogLines,
  clip,
  clipEnds,
  describedField,
  describedLabels,
  evicting,
  linesWith,
  outputs,
  ownerDeployment,
  ownerName,
  podDeployment,
  podListOf,
  setEnvFix,
  textOf,
} from './analyzers/types.js';
import {
  dependencyDown,
  dependencyHosts,
  dependencyNamespace,
  deploymentRows,
  escapeRe,
} from './baseline/reading.js';
import { parseTable } from './k8s-text.js';
import type { SeenObservation } from './observations.js';

/*
 * The baseline's failure signatures are the `scan` tool's analyzers (packages/tools-k8s/src/scan/):
 * it calls `scan` for the namespace under investigation and builds its findings from what scan
 * returns. This file only ranks them (how likely each is the incident's root cause, given the task)
 * and adds what scan cannot know because it reads no logs (the line a failed Job's pod printed, the
 * timeout a blocked program logged). A family added to the scan reaches the baseline with no change
 * here: an unknown reason gets the default rank.
 */

/** What ranking a finding needs besides the finding: the task, its words and what was read. */
export interface ScanContext {
  readonly task: string;
  readonly ns: string;
  readonly hints: readonly string[];
  readonly seen: readonly SeenObservation[];
}

/** The findings of the last successful `scan` of the namespace, or none when it was not scanned. */
export function scanFindings(seen: readonly SeenObservation[], ns: string): ParsedFinding[] {
  const o = outputs(seen, 'scan', (x) => x.args['namespace'] === ns).pop();
  return o ? parseFindings(o.content) : [];
}

const EDGE =
  /\b(ingress|404|502|503|from outside|externally|external(ly)?|public|url|https?:\/\/|domain|host(name)?|website|site)\b/i;
const SCALING = /\b(hpa|autoscal\w*|scal(?:e|es|ing|ed)\b|replicas?\b.*\b(stuck|stay|not)|load|spike)/i;
const NODEISH = /\bnodes?\b|NotReady|Pressure|evict/i;
const TIMEOUTS = [
  'i/o timeout',
  'timed out',
  'timeout expired',
  'deadline exceeded',
  'etimedout',
  'connection timeout',
  'no route to host',
];
const JOB_LINE_SPECIFIC = [
  'authentication failed',
  'permission denied',
  'access denied',
  'forbidden',
  'unauthorized',
  'no such file',
  'not found',
  'connection refused',
  'timed out',
  'out of memory',
  'no space left',
];
const JOB_LINE_ERRORISH = [
  'error',
  'fatal',
  'exception',
  'denied',
  'failed',
  'refused',
  'panic',
  'traceback',
  'killed',
];

// A run's closing words ("FATAL export aborted", "0 of 3 changes applied, exiting", "FAILED (helm
// exit 1)") say that it failed, not why.
const SUMMARY =
  /\b(?:aborted|exiting|giving up|failed for|FAILED \(|exit(?:ed)? (?:with )?(?:code|status) \d)/i;
// An error line with a detail after its verb ("… failed: etcdserver: mvcc: database space exceeded").
const DETAILED = /(?:error|failed|fatal|denied|exception)[^:\n]{0,80}:\s\S/i;

/** Of a run's error lines, the last one that says why (a detail, not a closing summary), else the last. */
export function mostSpecific(lines: readonly string[]): string | undefined {
  const said = lines.filter((l) => !SUMMARY.test(l));
  const last = lines[lines.length - 1];
  return (
    said.filter((l) => DETAILED.test(l)).pop() ??
    // A tool's own error line (`! ERROR Your docker registry has no repositories specified`) over the
    // wrapper's closing summary (`step 'docker-registry' failed with exit code 1`); a closing line that is no
    // summary (the kernel's `Killed`) or says its own level (`FATAL export aborted`) stays the run's last word.
    (last !== undefined && SUMMARY.test(last) && !/\b(?:ERROR|FATAL)\b/.test(last)
      ? said.filter((l) => /\b(?:ERROR|FATAL)\b/.test(l)).pop()
      : undefined) ??
    last
  );
}

/**
 * A line with the indented lines that continue it (a message wrapped over lines), at most two more and
 * 400 characters in all.
 */
function withContinuation(text: string, line: string): string {
  const lines = text.split('\n');
  const at = lines.indexOf(line);
  if (at < 0) return line;
  let out = line.trimEnd();
  for (const next of lines.slice(at + 1, at + 3)) {
    // An indented line that starts no new item (`! `, `- `, `? `, a level word, a timestamp, a stack frame
    // `at …` or `File "…"`) goes on.
    if (!/^\s{2,}[a-z(]/.test(next) || /^\s+(?:at|from|in) /.test(next) || out.length + next.length > 400)
      break;
    out += ` ${next.trim()}`;
  }
  return out;
}

/**
 * How likely a finding is the root cause, by reason: a cause (a missing class, a quota) above the
 * symptom it produces (replicas unavailable, a service without ready endpoints). Reasons not listed
 * rank at `DEFAULT_RANK`; undefined means the reason is a symptom the baseline does not report
 * on its own (another finding explains it).
 */
const RANK: Record<string, number | undefined> = {
  StorageClassNotFound: 93,
  NoDefaultStorageClass: 93,
  ProvisioningFailed: 90,
  WaitingForProvisioner: 90,
  BackoffLimitExceeded: 86,
  DeadlineExceeded: 86,
  FailedPods: 72,
  Suspended: 60,
  ActiveJobBlocksRuns: 86,
  DayFieldsEither: 82,
  MissingResourceRequest: 84,
  ScaleTargetNotFound: 84,
  ScalingLimited: 74,
  DenyAllEgress: 84,
  // A named dependency whose connections the client's own egress policies drop: the policy and the host.
  EgressToDependencyDenied: 90,
  EgressDNSBlocked: 86,
  DenyAll: 84,
  DenyAllIngress: 78,
  IngressFromOtherNamespacesDenied: 82,
  NoIngressClass: 84,
  IngressClassNotFound: 84,
  BackendPortNotFound: 82,
  BackendServiceNotFound: 82,
  ExactPathShadowed: 84,
  TLSSecretNotFound: 62,
  NodeNotReady: 85,
  MemoryPressure: 83,
  DiskPressure: 83,
  PIDPressure: 83,
  NetworkUnavailable: 83,
  Cordoned: 70,
  ExceededQuota: 86,
  LimitRangeExceeded: 88,
  FailedCreate: 86,
  NoPodsSelected: 80,
  SelectorSpansWorkloads: 80,
  TargetPortNotExposed: 80,
  NoReadyEndpoints: 68,
  WebhookServiceNotFound: 84,
  WebhookServiceNoEndpoints: 80,
  ServiceNotFound: 64,
  ScaledToZero: 85,
  CreateContainerConfigError: 88,
  CreateContainerError: 88,
  RunContainerError: 88,
  FailedMount: 88,
  MultiAttach: 88,
  FailedScheduling: 86,
  // Expected: a pod waiting for the node the autoscaler is adding; said, not fixed.
  WaitingForScaleUp: 55,
  NoDisruptionsAllowed: 84,
  FileSystemResizePending: 88,
  EnvVarReferenceNotExpanded: 90,
  EnvValueQuoted: 82,
  DuplicateHostPath: 86,
  TerminatingInUse: 88,
  DnsPolicyDefault: 92,
  PolicyAllowsServicePort: 88,
  OverlappingRuns: 86,
  StaleRevisionNotReplaced: 91,
  LocalTrafficPolicyGaps: 86,
  SyncLoadBalancerFailed: 86,
  LivenessProbeWrongPort: 82,
  StartupProbeWrongPort: 82,
  ReadinessProbeWrongPort: 76,
  // Pod findings the baseline takes only for pods it did not read itself (another workload's).
  OOMKilled: 90,
  CrashLoopBackOff: 70,
  ImagePullBackOff: 87,
  ErrImagePull: 87,
  LivenessProbeFailed: 75,
  ReadinessProbeFailed: 65,
  StartupProbeFailed: 75,
  Restarting: 60,
  Error: 60,
  // Symptoms of the pod findings or of the findings above.
  UnavailableReplicas: undefined,
  ReplicaFailure: undefined,
  UntoleratedTaint: undefined,
  Pending: undefined,
};
const DEFAULT_RANK = 78;

/** Families that are only the incident when the task or what was read points at them. */
function pointedAt(f: ParsedFinding, ctx: ScanContext): boolean {
  const named = bonus(f.name, ctx.hints) > 0;
  const logs = textOf(ctx.seen, 'get_pod_logs');
  const events = textOf(ctx.seen, 'get_events');
  switch (f.kind) {
    case 'Ingress':
      return named || EDGE.test(ctx.task);
    case 'HorizontalPodAutoscaler':
      return (
        named || SCALING.test(ctx.task) || /FailedGetResourceMetric|horizontal-pod-autoscaler/i.test(events)
      );
    case 'NetworkPolicy':
      return (
        named ||
        linesWith(logs, TIMEOUTS).length > 0 ||
        /network ?polic|\b504\b|gateway time-?out|timed? ?out|timeouts?\b/i.test(ctx.task)
      );
    case 'Node':
      return (
        f.reason.endsWith('Pressure') ||
        NODEISH.test(ctx.task) ||
        /NodeNotReady|Pressure|Evicted|node\.kubernetes\.io/i.test(events) ||
        scanFindings(ctx.seen, ctx.ns).some((x) => x.kind === 'Pod' && x.reason === 'FailedScheduling')
      );
    case 'CronJob':
      // A CronJob's own Warning event (no failure family of its own) matters for the CronJob asked about.
      return named || Object.hasOwn(RANK, f.reason);
    case 'PodDisruptionBudget':
      // A budget that allows no eviction matters when something evicts: a drain, an upgrade.
      return (
        named || /\b(drain\w*|evict\w*|upgrad\w*|maintenance|cordon\w*|node pool|disruption)/i.test(ctx.task)
      );
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
      return /webhook|admission/i.test(`${ctx.task}\n${events}`);
    case 'Service':
      // A selector over two workloads is a canary's design unless some of the traffic fails.
      return (
        f.reason !== 'SelectorSpansWorkloads' ||
        /\b5\d\d\b|5xx|errors?\b|fail|\d+ ?%|percent|some (of the )?(requests|calls)|intermittent/i.test(
          ctx.task,
        )
      );
    default:
      return true;
  }
}

/**
 * A NotReady node that Pending pods are waiting for: the scheduler's message names the not-ready
 * taint among its reasons, so the node (often the one just added for them) is the cause and the
 * other nodes' shortfall only why the pods cannot go elsewhere.
 */
function waitedOn(f: ParsedFinding, ctx: ScanContext): number {
  if (f.kind !== 'Node' || f.reason !== 'NodeNotReady') return 0;
  const blocked = scanFindings(ctx.seen, ctx.ns).some(
    (x) =>
      x.kind === 'Pod' &&
      x.reason === 'FailedScheduling' &&
      x.evidence.some((e) => /node\.kubernetes\.io\/(not-ready|unreachable)/.test(e)),
  );
  return blocked ? 8 : 0;
}

/** The object as the baseline names it: `ingress web`, `deployment api (pod api-5d9-x)`. */
function objectOf(f: ParsedFinding): string {
  if (f.kind === 'Pod' && f.owner?.startsWith('Deployment/'))
    return `deployment ${f.owner.slice(11)} (pod ${f.name})`;
  if (f.kind === 'ReplicaSet' && f.owner?.startsWith('Deployment/'))
    return `deployment ${f.owner.slice(11)} (ReplicaSet ${f.name})`;
  return `${f.kind.toLowerCase()} ${f.name}`;
}

/** The read that shows a finding's object, so what the answer cites was read, not only scanned. */
function readFor(f: ParsedFinding, ns: string): Read | undefined {
  switch (f.kind) {
    case 'Pod':
      return { tool: 'describe_pod', args: { namespace: ns, name: f.name } };
    case 'Service':
      return { tool: 'describe_service', args: { namespace: ns, name: f.name } };
    case 'Deployment':
      return { tool: 'describe_deployment', args: { namespace: ns, name: f.name } };
    case 'Node':
      return { tool: 'describe_node', args: { name: f.name } };
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
      return { tool: 'describe_resource', args: { kind: f.kind, name: f.name } };
    default:
      return { tool: 'describe_resource', args: { kind: f.kind, name: f.name, namespace: ns } };
  }
}

/** Whether the read for a finding was made (and succeeded). */
function wasRead(r: Read, seen: readonly SeenObservation[]): boolean {
  return seen.some(
    (o) =>
      o.tool === r.tool && o.status === 'ok' && Object.entries(r.args).every(([k, v]) => o.args[k] === v),
  );
}

/** An admission webhook's refusal because its Service does not exist where its configuration says. */
const WEBHOOK_SERVICE_MISSING =
  /failed calling webhook "[^"]{1,253}"[^\n]{0,600}?service "[a-z0-9.-]{1,253}" not found/;
/** A line that says the work went through after all (kubectl's `created`, a retry that succeeded). */
const WENT_THROUGH = /\b(?:created|configured|unchanged|succeeded|success(?:ful(?:ly)?)?)\b/i;

/**
 * Whether a Job's pod failed on a call another object's finding explains: a failure line with a 5xx (a
 * warning of a retried 503 is not what the run failed on), or an admission webhook whose Service does not
 * exist (webhook-service-elsewhere's finding says where it runs; one without endpoints is the Job's
 * finding's to explain, which names the Service's endpoints) that no later line got past.
 */
function failedOnCall(lines: readonly string[]): boolean {
  const refused = lines.findLastIndex((l) => l.length <= 4000 && WEBHOOK_SERVICE_MISSING.test(l));
  if (refused >= 0 && !lines.slice(refused + 1).some((l) => l.length <= 4000 && WENT_THROUGH.test(l)))
    return true;
  if (
    lines.some(
      (l) =>
        l.length <= 4000 &&
        /\b(?:ERROR|FATAL|failed|failure)\b/i.test(l) &&
        /\b(?:HTTP|status|answered)\s?(?:code\s?)?5\d\d\b/i.test(l),
    )
  )
    return true;
  // A client that could not connect to a Service of the cluster and did not get past it: the server's own
  // finding says why.
  const dialled = lines.findLastIndex((l) => l.length <= 4000 && connectFailedInCluster(l));
  return dialled >= 0 && !lines.slice(dialled + 1).some((l) => l.length <= 4000 && WENT_THROUGH.test(l));
}

/** Top-level domains: a two-label host ending in one is a public name, not `<service>.<namespace>`. */
const PUBLIC_TLD =
  /^(?:com|net|org|io|dev|app|cloud|co|ai|edu|gov|info|biz|me|us|uk|de|fr|nl|eu|ch|jp|cn|ru|in|br|au|ca|local|internal|example|test|localhost)$/;

/**
 * A connection to a Service of the cluster that failed (curl's `Failed to connect to app.ns.svc port 80`,
 * `… to app.ns port 80`, Python requests' `HTTPConnectionPool(host='app.ns.svc', …) … Failed to establish a
 * new connection`): the host is `<service>.<namespace>` with or without `.svc[.cluster.local]`, not a public
 * two-label name.
 */
function connectFailedInCluster(line: string): boolean {
  const host =
    /\b(?:Failed to connect to|connect(?:ion)? refused to|could not connect to)\s([a-z0-9-]{1,63}\.[a-z0-9-]{1,63}(?:\.svc(?:\.cluster\.local)?)?)(?![\w.-])/i.exec(
      line,
    )?.[1] ??
    (/Failed to establish a new connection/.test(line)
      ? /host='([a-z0-9-]{1,63}\.[a-z0-9-]{1,63}(?:\.svc(?:\.cluster\.local)?)?)'/.exec(line)?.[1]
      : undefined);
  if (!host) return false;
  const labels = host.toLowerCase().split('.');
  return labels.length > 2 || !PUBLIC_TLD.test(labels[1]!);
}

/** The scan's findings the baseline would report on, ranked, with their rank. */
function ranked(ctx: ScanContext, take?: FindingFilter): { f: ParsedFinding; weight: number }[] {
  const all = scanFindings(ctx.seen, ctx.ns);
  // A pod Pending on an unbound claim is the symptom when the claim's own finding is there.
  const claimFound = all.some((x) => x.kind === 'PersistentVolumeClaim');
  return (
    all
      .filter((f) => (take ? take(f) : true))
      // A CronJob's failed Job that later runs completed after is history, not the fault.
      .filter((f) => !supersededJob(f, ctx.seen, ctx.ns))
      // A quota refusal that the quota's usage now would admit is history too.
      .filter((f) => !quotaRoomNow(f, ctx.seen, ctx.ns))
      .flatMap((f) => {
        const rank = Object.hasOwn(RANK, f.reason) ? RANK[f.reason] : DEFAULT_RANK;
        if (rank === undefined || !pointedAt(f, ctx)) return [];
        // A budget at its limit blocks only voluntary evictions: with no drain or eviction under way
        // or asked about, it is the budget doing its job (the misconceptions' pdb-at-limit note says so).
        if (f.reason === 'NoDisruptionsAllowed' && !evicting(ctx)) return [];
        const symptom =
          claimFound &&
          f.kind === 'Pod' &&
          f.reason === 'FailedScheduling' &&
          f.message.includes('PersistentVolumeClaim is not bound')
            ? 20
            : 0;
        // A rollout past its progress deadline is the symptom when a pod of that Deployment fails on its
        // own (a crash, a pull, a config error, a probe that cannot pass): that pod's finding says why.
        const stuck =
          f.reason === 'ProgressDeadlineExceeded' &&
          all.some(
            (x) =>
              x.kind === 'Pod' &&
              x.name.startsWith(`${f.name}-`) &&
              /CrashLoopBackOff|ImagePull|ErrImage|CreateContainer|RunContainerError|OOMKilled|StartError|Probe/.test(
                x.reason,
              ),
          )
            ? 20
            : 0;
        // A Job that failed because the server it called answered 5xx ("the server answered HTTP 500"), or
        // because an admission webhook it could not find refused what it created, is the symptom: the
        // server's or the webhook's own finding, when read, says why.
        const calledFailed =
          f.kind === 'Job' &&
          outputs(ctx.seen, 'get_pod_logs', (o) => {
            // The Job's own pods (`<job>-<x>`), not another Job's whose name it prefixes.
            const name = String(o.args['name'] ?? '');
            return name.startsWith(`${f.name}-`) && /^[a-z0-9]{5}$/.test(name.slice(f.name.length + 1));
          }).some((o) =>
            // Its log says it failed on a call another finding explains (see failedOnCall).
            failedOnCall(o.content.slice(-100_000).split('\n').slice(-2000)),
          )
            ? 10
            : 0;
        // A Service that selects no pod while the pod it is for runs (named by a selector value), named by
        // a program whose connections fail: the selector is why the dependency cannot be reached, which
        // explains the program's failure. (With no such pod the workload is down, not the selector.)
        const dialled =
          f.kind === 'Service' &&
          f.reason === 'NoPodsSelected' &&
          namedPod(f, ctx) !== undefined &&
          failedDial(ctx.seen, ctx.ns, f.name)
            ? 15
            : 0;
        // A container killed for memory that runs again and has restarted at most twice: a kill that
        // recovered, less likely the incident than a failure that goes on.
        const recovered =
          f.reason === 'OOMKilled' &&
          f.evidence.some(
            (e) => /^State: Running\b/.test(e) && Number(/Restart Count (\d{1,6})/.exec(e)?.[1] ?? 99) <= 2,
          )
            ? 12
            : 0;
        // Of two findings alike, the one that says why beats the one that only says a wait timed out.
        const vague = f.message.includes('timed out waiting for the con') ? 2 : 0;
        // A workload scaled to zero that neither the task nor any program's log names is more likely
        // retired on purpose (replaced by a managed service) than the cause; unless a program fails to
        // connect somewhere, as its clients do when they reach it by IP or by another name.
        const logs = textOf(ctx.seen, 'get_pod_logs');
        // Nor when the task's URL is served by it (its Ingress routes the URL's host to the Service in front of it).
        const retired =
          f.reason === 'ScaledToZero' &&
          bonus(f.name, ctx.hints) === 0 &&
          !logs.includes(f.name) &&
          !CONNECT_FAILED.test(logs) &&
          !servesTaskUrl(f, ctx)
            ? 30
            : 0;
        // A quoted value that names what the person says is broken (`enable-login-with-password` for "nobody
        // can sign in with their password") is the setting behind it.
        const quotedAsked = f.reason === 'EnvValueQuoted' && quotedNamesTask(f, ctx.task) ? 10 : 0;
        return [
          {
            f,
            weight:
              rank +
              quotedAsked +
              bonus(f.name, ctx.hints) +
              dialled +
              waitedOn(f, ctx) -
              symptom -
              stuck -
              vague -
              recovered -
              retired -
              calledFailed,
          },
        ];
      })
      .sort((a, b) => b.weight - a.weight)
  );
}

/**
 * The program a shell says it did not find (`/bin/sh: kong: not found`, `sh: 1: kong: not found`, `sh: 1:
 * exec: kong: not found`, `bash: kong: command not found`, `/app/run.sh: line 3: kong: command not found`),
 * or undefined for any other line. Bounded: the line is cut to 2,000
 * characters and the name to 100.
 */
export function shellNotFound(line: string): string | undefined {
  const l = line.slice(0, 2000);
  return (
    /(?:^|[\s/])(?:ba|da|a)?sh: (?:line \d{1,6}: |\d{1,6}: )?(?:exec: )?([\w.+-]{1,100}): (?:command )?not found\b/.exec(
      l,
    )?.[1] ??
    // bash names the script it runs, not itself: `/usr/local/bin/run.sh: line 3: pg_dump: command not found`.
    /(?:^|\s)\/?[\w./-]{1,300}: line \d{1,6}: ([\w.+-]{1,100}): command not found\b/.exec(l)?.[1]
  );
}

/** The image of a Job's first container, from its description (`template.spec.containers[0].image: …`). */
function jobImage(ctx: ScanContext, job: string): string | undefined {
  const d = outputs(
    ctx.seen,
    'describe_resource',
    (o) =>
      String(o.args['kind'] ?? '').toLowerCase() === 'job' &&
      o.args['name'] === job &&
      o.args['namespace'] === ctx.ns,
  ).pop()?.content;
  return d ? /containers\[0\]\.image: (\S{1,500})/.exec(d.slice(0, 100_000))?.[1] : undefined;
}

/**
 * Whether a workload scaled to zero serves the task's URL: it, or a Service its finding says fronts it
 * (`so service helpdesk-web has no pods behind it`), is on the URL's serving path (see `servingPath`).
 */
function servesTaskUrl(f: ParsedFinding, ctx: ScanContext): boolean {
  const serving = servingPath(ctx.task, ctx.ns, ctx.seen);
  if (serving.size === 0) return false;
  const fronted = /so service ([a-z0-9][a-z0-9., -]{0,400}) has no pods/.exec(f.message)?.[1] ?? '';
  return serving.has(f.name) || fronted.split(', ').some((n) => serving.has(n));
}

/**
 * The reads the scan's findings call for: the objects of the strongest findings (so the evidence
 * cited is from reads), and the log of a failed Job's pod (scan reads no logs).
 */
export function scanReads(ctx: ScanContext, take?: FindingFilter): Read[] {
  const reads: Read[] = [];
  for (const { f } of ranked(ctx, take).slice(0, 2)) {
    const r = readFor(f, ctx.ns);
    if (r) reads.push(r);

    // A claim waiting on an external provisioner: is the provisioner there, and running?
    const prov =
      f.reason === 'WaitingForProvisioner'
        ? /^find_objects name=(\S{1,253})$/.exec(f.next ?? '')?.[1]
        : undefined;
    if (prov) {
      reads.push({ tool: 'find_objects', args: { name: prov } });
      for (const r of provisionerRows(ctx.seen, prov))
        reads.push({ tool: 'describe_deployment', args: { namespace: r.namespace, name: r.name } });
    }
    // ANDed affinity expressions: the Deployment's own spec, to merge them.
    if (
      f.reason === 'FailedScheduling' &&
      f.owner?.startsWith('Deployment/') &&
      f.message.includes('are ANDed together')
    )
      reads.push({
        tool: 'get_resource',
        args: { kind: 'Deployment', name: f.owner.slice('Deployment/'.length), namespace: ctx.ns },
      });
    // A Service that selects no pod: the pod its selector names (`app=vespa` → `vespa-0`), whose labels
    // say which of the selector's values is off.
    const near = f.reason === 'NoPodsSelected' ? namedPod(f, ctx) : undefined;
    if (near) reads.push({ tool: 'describe_pod', args: { namespace: ctx.ns, name: near } });
    // A claim whose file system waits for a new mount: the pod of the workload named as the claim's stem
    // (`asset-store` for `asset-store-data`), whose description says it mounts it.
    if (f.reason === 'FileSystemResizePending') {
      const pod = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '')
        .map((r) => r['NAME'] ?? '')
        .find((n) => n && f.name.startsWith(`${ownerName(n)}-`));
      if (pod && !outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).length)
        reads.push({ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } });
    }
    // A policy that allows a Service's port: its manifest, to correct and apply.
    if (f.reason === 'PolicyAllowsServicePort')
      reads.push({ tool: 'get_resource', args: { kind: 'NetworkPolicy', name: f.name, namespace: ctx.ns } });
    // A placement on a deprecated node label: the Deployment's own spec, to rewrite its terms.
    const dep = deprecatedPlacement(f);
    if (dep)
      reads.push({
        tool: 'get_resource',
        args: { kind: 'Deployment', name: dep.deployment, namespace: ctx.ns },
      });
    if (
      (f.kind === 'Job' ||
        f.reason === 'SelectorSpansWorkloads' ||
        f.reason === 'ActiveJobBlocksRuns' ||
        f.reason === 'OverlappingRuns') &&
      f.next?.startsWith('get_pod_logs ')
    ) {
      const name = /name=([a-z0-9.-]{1,253})/.exec(f.next)?.[1];
      if (name) reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } });
    }
  }
  // The previous log of the strongest crashing pods, as the scan points at them (whether or not the
  // baseline takes the finding): what the program printed decides, a dependency's crash included.
  for (const { f } of ranked(ctx).slice(0, 3)) {
    if (f.kind !== 'Pod' || !f.next?.startsWith('get_pod_logs ') || !f.next.includes(' previous=true'))
      continue;
    const arg = (k: string) => new RegExp(`\\b${k}=([a-z0-9.-]{1,253})`).exec(f.next!)?.[1];
    const name = arg('name');
    const container = arg('container');
    if (name)
      reads.push({
        tool: 'get_pod_logs',
        args: { namespace: ctx.ns, name, ...(container ? { container } : {}), previous: true },
      });
  }
  return reads;
}

/** The baseline's findings from the scan's, for the kinds asked (default all). */
export function fromScan(ctx: ScanContext, take?: FindingFilter): Finding[] {
  const logs = textOf(ctx.seen, 'get_pod_logs');
  return ranked(ctx, take).map(({ f, weight }) => {
    const read = readFor(f, ctx.ns);
    const source =
      read && wasRead(read, ctx.seen) ? `${read.tool} ${f.kind} ${f.name}` : `scan ${f.kind} ${f.name}`;
    let cause = f.message;
    // What Kubernetes documents the reported message to mean, when the finding does not say it.
    // The scan's own text may cut a long message before its cause: the same warning as the events and
    // the pod's description print it whole is read too.
    const means = [f.message, ...f.evidence, ...fullWarnings(f, ctx)]
      .map(eventGloss)
      .find((m) => m !== undefined);
    if (means && !cause.includes(means)) cause += ` — ${means}`;
    // The program that cannot reach a Service without endpoints: what the missing endpoints cause.
    const dial = f.reason === 'NoPodsSelected' ? failedDial(ctx.seen, ctx.ns, f.name) : undefined;
    if (dial) {
      const dep = podDeployment(dial.pod);
      cause += `; ${dep ? `deployment ${dep} (pod ${dial.pod})` : `pod ${dial.pod}`} connects to ${f.name} and fails ("${clip(dial.line.trim(), 160)}")`;
    }
    // An item about another object (`NetworkPolicy x: …`) is the scan's reading of that object, not
    // something the finding's own read shows.
    const evidence = f.evidence.slice(0, 3).map((e) => {
      const other = /^([A-Z][A-Za-z]{1,60}) [a-z0-9][a-z0-9.-]{0,252}:/.exec(e)?.[1];
      return `${other && other !== f.kind ? `scan ${f.kind} ${f.name}` : source}: ${e}`;
    });
    let jobFix: Finding['fix'];
    if (f.kind === 'Job' || f.reason === 'ActiveJobBlocksRuns' || f.reason === 'OverlappingRuns') {
      // What the job's pods printed, from their logs: the most specific line first.
      const pod = /name=([a-z0-9.-]{1,253})/.exec(f.next ?? '')?.[1];
      const text = pod
        ? outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod)
            .map((o) => o.content)
            .join('\n')
        : '';
      // A well-known error whose meaning is known says more than the run's last words.
      const line =
        glossedLine(text)?.line ??
        linesWith(text, JOB_LINE_SPECIFIC).pop() ??
        mostSpecific(linesWith(text, JOB_LINE_ERRORISH)) ??
        text
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('(no log'))
          .pop();
      if (line) {
        const means = logGloss(line);
        const quoted = withContinuation(text, withDetail(text, line));
        cause += `; the pod's log says "${clipEnds(quoted, 280)}"${means ? ` — ${means}` : ''}`;
        const missing = /\bexit with code 127\b/.test(cause) ? shellNotFound(line) : undefined;
        if (missing) {
          const image = jobImage(ctx, f.name);
          cause += `; exit code 127 is the shell's "command not found": the image ${image ? `${image} ` : ''}has no ${missing} executable on its PATH, so it is not the image the command was written for (a mirror or base image without the program), or the program was renamed or moved in it`;
        }
        // A script that stops at a failed step (its closing summary comes after the line quoted): what it
        // was to do after that step never ran.
        const last = text
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('(no log'))
          .pop();
        // Only when nothing between the two says the script went on (another step, a `done`): the lines
        // after the quoted one are its own message's (indented, `- `, `? `, `! `) or more failures.
        const all = text.split('\n').filter((l) => l.trim() && !l.startsWith('(no log'));
        const from = all.lastIndexOf(line);
        const between = from >= 0 ? all.slice(from + 1, -1) : [];
        const wentOn = between.some((l) => !/^\s|^[-?!] /.test(l) && !/\b(?:error|fail\w*|fatal)\b/i.test(l));
        if (
          last &&
          last !== line &&
          from >= 0 &&
          !wentOn &&
          /\bstep\b[^\n]{0,80}\bfailed\b|\bexiting\b|\baborting\b/i.test(last)
        )
          cause += `; the script stops there ("${clip(last.trim(), 120)}"), so the steps after it never ran`;
        evidence.push(`logs of ${pod}: "${clipEnds(quoted, 280)}"`);
        // The server that line names, when what was read shows it down (a Service without endpoints
        // whose Deployment is scaled to zero): that is what the run failed on.
        const dep = jobDependency(quoted, ctx);
        if (dep) {
          cause += `; ${dep.text}`;
          evidence.push(dep.evidence);
          jobFix = dep.fix;
        }
      }
    }
    if (f.reason === 'WaitingForProvisioner') {
      const prov = /^find_objects name=(\S{1,253})$/.exec(f.next ?? '')?.[1];
      for (const r of prov ? provisionerRows(ctx.seen, prov) : []) {
        const d = outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['name'] === r.name && o.args['namespace'] === r.namespace,
        ).pop();
        const replicas = d ? describedField(d.content, 'Replicas') : undefined;
        if (replicas && /^0 desired\b/.test(replicas)) {
          cause += `; the provisioner, deployment ${r.name} in namespace ${r.namespace}, is scaled to 0 replicas (${replicas}): no pod of it is running, so nothing creates the volume; scale it back up`;
          evidence.push(`describe_deployment ${r.namespace}/${r.name}: Replicas: ${replicas}`);
        } else if (replicas) {
          cause += `; the provisioner, deployment ${r.name} in namespace ${r.namespace}: ${replicas}`;
        }
      }
    }
    if (waitedOn(f, ctx) > 0) {
      const pending = scanFindings(ctx.seen, ctx.ns).find(
        (x) => x.kind === 'Pod' && x.reason === 'FailedScheduling',
      );
      if (pending)
        cause += `; the Pending pods of ${pending.owner ?? `pod ${pending.name}`} wait for this node: the scheduler names its not-ready taint, and the other nodes have no room for them`;
    }
    // A missing Secret a SealedSecret should have made: why the sealed-secrets controller did not.
    const secret = /\bSecret "?([a-z0-9][a-z0-9.-]{0,252})"? does not exist\b/.exec(f.message)?.[1];
    const sealed = secret
      ? unsealFailure(
          outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === ctx.ns)
            .map((o) => o.content)
            .join('\n'),
          secret,
        )
      : undefined;
    if (sealed) {
      cause += `, because ${sealed.said}`;
      evidence.push(`get_events ${ctx.ns}: sealedsecret/${secret}: failed to unseal`);
    }
    const single = noFailover(f, ctx);
    if (single) {
      cause += `; ${single.said}`;
      evidence.push(...single.evidence);
    }
    if (f.kind === 'NetworkPolicy') {
      const timeout = linesWith(logs, TIMEOUTS).pop();
      if (timeout) {
        cause += `, so the program's connections are dropped and time out ("${clip(timeout, 120)}")`;
        evidence.unshift(`logs: "${clip(timeout, 160)}"`);
      }
    }
    return {
      weight,
      object: objectOf(f),
      cause,
      evidence,
      ...(sealed ? { advice: sealed.advice.replace('<ns>', ctx.ns) } : f.fix ? { advice: f.fix } : {}),
      ...scaleFix(f, ctx),
      ...budgetFix(f, ctx),
      ...resizeFix(f, ctx),
      ...policyPortFix(f, ctx),
      ...andedFix(f, ctx),
      ...selectorFix(f, ctx),
      ...placementFix(f, ctx),
      ...antiAffinityFix(f, ctx),
      ...requestFix(f, ctx),
      ...quotedFix(f, ctx),
      ...probePortFix(f, ctx),
      ...(jobFix ? { fix: jobFix, revisionSound: true as const } : {}),
    };
  });
}

/**
 * The lines of the events and pod descriptions read in the namespace that carry the finding's reason and
 * name its object (at most 20 lines of at most 4,000 characters): the warning's whole message.
 */
function fullWarnings(f: ParsedFinding, ctx: ScanContext): string[] {
  const out: string[] = [];
  for (const o of [
    ...outputs(ctx.seen, 'get_events', (x) => x.args['namespace'] === ctx.ns),
    ...outputs(
      ctx.seen,
      'describe_pod',
      (x) => x.args['namespace'] === ctx.ns && String(x.args['name'] ?? '').startsWith(f.name),
    ),
  ])
    for (const l of o.content.slice(0, 200_000).split('\n')) {
      if (out.length >= 20) return out;
      if (l.length <= 4000 && l.includes(f.reason) && (o.tool === 'describe_pod' || l.includes(f.name)))
        out.push(l);
    }
  return out;
}

/**
 * The server a Job's failure line names (see `dependencyHosts`), in the namespace the line gives, when the
 * reads show it down (`dependencyDown`): what to add to the cause, its evidence and, for a Deployment
 * scaled to zero, the `scale_deployment` that brings it back to the replicas it had (else one).
 */
function jobDependency(
  line: string,
  ctx: ScanContext,
): { text: string; evidence: string; fix?: NonNullable<Finding['fix']> } | undefined {
  const host = dependencyHosts(line)[0];
  if (!host) return undefined;
  const where = dependencyNamespace(line, host) ?? ctx.ns;
  const down = dependencyDown(host, where, ctx.seen);
  if (!down) return undefined;
  const scaled = down.deployment && /scaled to zero/.test(down.text) ? down.deployment : undefined;
  const replicas = down.before && down.before > 0 ? down.before : 1;
  return {
    text: down.text,
    evidence: `describe_service ${where}/${host}: Endpoints: <none>`,
    ...(scaled
      ? {
          fix: {
            tool: 'scale_deployment',
            args: { namespace: where, name: scaled, replicas },
            text: `scale deployment ${scaled} in namespace ${where} back up to ${replicas} replica(s), so ${host} has endpoints again and the run can succeed when it is started again`,
          },
        }
      : {}),
  };
}

/** Container ports a program serves its own traffic on, before ports named for side channels. */
const SIDE_PORT =
  /^(admin|metrics|management|mgmt|debug|pprof|profil\w{0,6}|monitoring|prometheus|jmx|stats)$/;

/**
 * A probe on a port the container does not declare: `set_probe` with the same check on the port the
 * container serves on (its first declared port whose name is not a side channel such as admin or
 * metrics), from the scan's evidence line `Readiness: tcp-socket :9080; container ports: 8080, http,
 * 9180, admin`. Timing as the probe line gives it (`period=10s #failure=3`).
 */
function probePortFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  const kind = /^(Liveness|Readiness|Startup)ProbeWrongPort$/.exec(f.reason)?.[1];
  const deployment = f.kind === 'Pod' ? podDeployment(f.name) : undefined;
  if (!kind || !deployment || !f.container) return {};
  const line = f.evidence.find((e) => e.includes('container ports:')) ?? '';
  const ports =
    /container ports: ([^;]{1,300})/
      .exec(line)?.[1]
      ?.split(',')
      .map((x) => x.trim()) ?? [];
  const pairs: { port: number; name?: string }[] = [];
  for (const p of ports) {
    if (/^\d{1,5}$/.test(p)) pairs.push({ port: Number(p) });
    else if (pairs.length > 0 && /^[a-z][a-z0-9-]{0,14}$/.test(p)) pairs[pairs.length - 1]!.name = p;
  }
  const serving = pairs.find((p) => !SIDE_PORT.test(p.name ?? '')) ?? pairs[0];
  if (!serving) return {};
  const timing: Record<string, number> = {};
  const period = /period=(\d{1,4})s/.exec(line)?.[1];
  const failures = /#failure=(\d{1,4})/.exec(line)?.[1];
  if (period) timing['periodSeconds'] = Number(period);
  if (failures) timing['failureThreshold'] = Number(failures);
  const http = /http-get (https?:\/\/)?[^\s:/]{0,253}:\S{1,15}?(\/\S{0,500})?(?:\s|;|$)/.exec(line);
  const spec = /tcp-socket /.test(line)
    ? { tcpSocket: { port: serving.port }, ...timing }
    : http
      ? { httpGet: { path: http[2] ?? '/', port: serving.port }, ...timing }
      : undefined;
  if (!spec) return {};
  const probe = kind.toLowerCase() as 'liveness' | 'readiness' | 'startup';
  return {
    fix: setProbeFix(
      ctx.ns,
      deployment,
      f.container,
      probe,
      spec,
      `point the ${probe} probe of ${deployment}/${f.container} at port ${serving.port}${serving.name ? ` (${serving.name})` : ''}, the port the container serves on`,
    ),
  };
}

/**
 * A PodDisruptionBudget that allows no disruption over a Deployment's pods: one replica more than
 * the budget expects lets the Eviction API evict one pod while the rest stay available.
 */
/**
 * A claim whose volume was expanded while its file system waits for a pod to mount it again
 * (FileSystemResizePending: the kubelet grows the file system when it next mounts the volume, Kubernetes
 * docs, "Expanding Persistent Volumes Claims"): a restart of the Deployment whose described pod mounts the
 * claim, so a new pod mounts it and the resize finishes.
 */
function resizeFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'FileSystemResizePending') return {};
  const mounts = new RegExp(`^\\s*ClaimName:\\s+${escapeRe(f.name)}\\s*$`, 'm');
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    if (!mounts.test(d.content.slice(0, 200_000))) continue;
    const name = ownerDeployment(d.content);
    if (!name) continue;
    return {
      fix: {
        tool: 'restart_deployment',
        args: { namespace: ctx.ns, name },
        text: `restart deployment ${name}, whose pods mount claim ${f.name}, so a new pod mounts the expanded volume and the kubelet grows its file system to the new size`,
      },
    };
  }
  return {};
}

function budgetFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'NoDisruptionsAllowed' || !f.owner?.startsWith('Deployment/')) return {};
  const expected = /expectedPods (\d{1,4})/.exec(f.evidence.join('\n'))?.[1];
  if (!expected) return {};
  const name = f.owner.slice('Deployment/'.length);
  const replicas = Number(expected) + 1;
  return {
    fix: {
      tool: 'scale_deployment',
      args: { namespace: ctx.ns, name, replicas },
      text: `scale ${name} to ${replicas} replicas, one more than PodDisruptionBudget ${f.name} keeps available, so one pod may be evicted and the drain can finish`,
    },
  };
}

/**
 * A NetworkPolicy that allows a Service's port instead of the pod's: the policy as read, with that
 * port replaced by the targetPort in its ingress rules, applied back (apply_manifest). Read-only
 * fields (uid, resourceVersion, creationTimestamp, managedFields, status) are left out.
 */
function policyPortFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'PolicyAllowsServicePort') return {};
  const ports = /allows port (\d{1,5}),.*?listen on (\d{1,5}) /.exec(f.message);
  if (!ports) return {};
  const [from, to] = [Number(ports[1]), Number(ports[2])];
  const read = outputs(
    ctx.seen,
    'get_resource',
    (o) => o.args['kind'] === 'NetworkPolicy' && o.args['name'] === f.name,
  ).pop();
  if (!read || read.content.length > 200_000) return {};
  let doc: { metadata?: Record<string, unknown>; spec?: { ingress?: { ports?: { port?: unknown }[] }[] } };
  try {
    doc = parseYaml(read.content) as typeof doc;
  } catch {
    return {};
  }
  if (!doc?.spec?.ingress) return {};
  let changed = false;
  for (const rule of doc.spec.ingress)
    for (const p of rule.ports ?? [])
      if (p.port === from) {
        p.port = to;
        changed = true;
      }
  if (!changed) return {};
  const manifest = appliedBack(doc);
  return {
    fix: {
      tool: 'apply_manifest',
      args: { namespace: ctx.ns, manifest },
      text: `change NetworkPolicy ${f.name} to allow the pod port ${to} (the Service's targetPort) instead of the Service port ${from}`,
    },
  };
}

/** A workload scaled to zero behind a Service: scale it back to what it ran before (from its events), else 2. */
/** A log line that reports a failure (an error, a refused or failed connection). */
const FAILING_LINE = /\b(error|errors|failed|fail|failure|refused|unable|can't|cannot|servfail)\b/i;

/**
 * The names in a line that start with `stem` and end a host name there (`zones-db-b` in
 * `'zones-db-b.dns.svc.cluster.local'`), read with indexOf: no pattern over the line.
 */
function namesWithStem(line: string, stem: string): string[] {
  const out: string[] = [];
  const lower = line.toLowerCase();
  for (let at = lower.indexOf(stem); at >= 0 && out.length < 20; at = lower.indexOf(stem, at + 1)) {
    if (at > 0 && /[a-z0-9-]/.test(lower[at - 1]!)) continue;
    let end = at + stem.length;
    while (end < lower.length && end - at < 253 && /[a-z0-9]/.test(lower[end]!)) end++;
    if (end === at + stem.length || (end < lower.length && /[a-z0-9_-]/.test(lower[end]!))) continue;
    out.push(lower.slice(at, end));
  }
  return out;
}

/** The last part of a backend's name that marks one of a set of alike backends (`-a`/`-b`, `-1`, `-primary`). */
const SIBLING_PART =
  /^(?:[a-z]|\d{1,2}|primary|secondary|replica|standby|master|slave|main|backup|fallback|blue|green|east|west|north|south|one|two)$/;

/**
 * A Service scaled to nothing that a client keeps failing on, while the same client's log names a
 * sibling backend (a name that differs only in its last part: `zones-db-a` and `zones-db-b`) whose pods
 * run and which no failure line names: the client does not fall back to that second backend, so losing
 * the first fails every request (PowerDNS with two `launch=gmysql` backends behaves so; a client with
 * failover would have moved to the second).
 */
function noFailover(f: ParsedFinding, ctx: ScanContext): { said: string; evidence: string[] } | undefined {
  if (f.reason !== 'ScaledToZero' || f.kind !== 'Deployment') return undefined;
  const service = /so service ([a-z0-9-]{1,253})/.exec(f.message)?.[1];
  const cut = service ? service.lastIndexOf('-') : -1;
  if (!service || cut < 1) return undefined;
  const stem = service.slice(0, cut + 1);
  const running = new Set<string>();
  for (const o of outputs(ctx.seen, 'list_pods', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns))
    for (const row of parseTable(o.content))
      if (row['STATUS'] === 'Running' && row['NAME']) running.add(row['NAME']);
  const runs = (name: string) =>
    [...running].some((p) => p.startsWith(`${name}-`) && podDeployment(p) === name);
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const pod = String(log.args['name'] ?? '');
    if (pod.startsWith(`${stem}`)) continue;
    const lines = boundedLogLines(log.content);
    // One pass: the failure lines and every stem name they hold.
    const failing: string[] = [];
    const failed = new Set<string>();
    for (const l of lines) {
      if (!FAILING_LINE.test(l)) continue;
      const names = namesWithStem(l, stem);
      for (const n of names) failed.add(n);
      if (names.includes(service)) failing.push(l);
    }
    if (failing.length === 0) continue;
    const named = lines.filter((l) => !FAILING_LINE.test(l));
    for (const l of named)
      for (const sibling of namesWithStem(l, stem)) {
        if (sibling === service || !runs(sibling)) continue;
        // Alike backends only (`zones-db-a`, `zones-db-b`), not another program of the same application.
        if (!SIBLING_PART.test(sibling.slice(stem.length)) || !SIBLING_PART.test(service.slice(stem.length)))
          continue;
        if (failed.has(sibling)) continue;
        return {
          said: `pod ${pod} also uses a second backend, ${sibling}, whose pods are running ("${clip(l.trim(), 160)}"), yet its requests keep failing on ${service} ("${clip(failing[failing.length - 1]!.trim(), 200)}"): it does not fail over to the other backend, so one backend scaled down fails every request`,
          evidence: [`get_pod_logs ${pod}: "${clip(l.trim(), 160)}"`],
        };
      }
  }
  return undefined;
}

/**
 * A Deployment's pod Pending because its required pod anti-affinity allows one pod per node and every node
 * its placement allows already runs one: the scheduler's message counts the nodes anti-affinity rules out
 * (`2 node(s) didn't match pod anti-affinity rules`), no node is free for another reason, and the Deployment
 * has exactly that many ready (`2/3`). The pods past that count can never run until a node is added, so
 * scaling to the ready count removes only what cannot run (scale_deployment). Undefined otherwise.
 */
function antiAffinityFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'FailedScheduling' || f.kind !== 'Pod') return {};
  const line = [f.message, ...fullWarnings(f, ctx)].find((l) =>
    l.includes("didn't match pod anti-affinity rules"),
  );
  const blocked = line
    ? /\b(\d{1,4}) node\(s\) didn't match pod anti-affinity rules/.exec(line)?.[1]
    : undefined;
  // Other reasons that might free a node (capacity, taints, a node cordoned or not ready for a while:
  // `1 node(s) were unschedulable`, which comes back) are no part of it.
  if (
    !blocked ||
    !line ||
    /Insufficient|untolerated taint|didn't have free ports|volume node affinity|were unschedulable|not ready|NotReady/.test(
      line,
    )
  )
    return {};
  const name = f.owner?.startsWith('Deployment/')
    ? f.owner.slice('Deployment/'.length)
    : podDeployment(f.name);
  const row = name ? deploymentRows(ctx.seen).find((r) => r.name === name) : undefined;
  if (
    !name ||
    !row ||
    row.readyCount !== Number(blocked) ||
    row.desired <= row.readyCount ||
    row.readyCount < 1
  )
    return {};
  return {
    fix: {
      tool: 'scale_deployment',
      args: { namespace: ctx.ns, name, replicas: row.readyCount },
      text: `scale ${name} from ${row.desired} to ${row.readyCount} replicas, one per node its placement allows (its required pod anti-affinity puts at most one on each, and all ${row.readyCount} hold one): the replica past that count can never be scheduled, so nothing that runs is removed; add a node the placement allows before scaling back up`,
    },
  };
}

function scaleFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'ScaledToZero' || f.kind !== 'Deployment') return {};
  const events = textOf(ctx.seen, 'get_events');
  let target = 2;
  for (const line of events.split('\n')) {
    if (!line.includes(`Scaled down replica set ${f.name}-`)) continue;
    const from = /from (\d{1,4})/.exec(line)?.[1];
    if (from && Number(from) > 0) target = Number(from);
  }
  return {
    fix: {
      tool: 'scale_deployment',
      args: { namespace: ctx.ns, name: f.name, replicas: target },
      text: `scale ${f.name} back to ${target} replicas`,
    },
  };
}

/**
 * A Service whose selector matches no pod, with the Deployment it is for read: that Deployment's
 * own selector is the one the Service needs (a set_service_selector fix). The Deployment is the one
 * a selector value names (`app=cart` is for `cart` or `cart-*`), as read by describe_deployment.
 */
function selectorFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.kind !== 'Service' || f.reason !== 'NoPodsSelected') return {};
  const pairs = selectorPairs(f, ctx);
  if (!pairs) return {};
  const selector = pairs.map((kv) => kv.join('=')).join(',');
  const values = pairs.map(([, v]) => v);
  const deployments = outputs(ctx.seen, 'describe_deployment');
  const backing =
    deployments.find((o) => values.includes(String(o.args['name']))) ??
    deployments.find((o) => values.some((v) => v.startsWith(String(o.args['name']))));
  const wanted = backing ? describedField(backing.content, 'Selector') : undefined;
  if (!wanted || wanted === selector || wanted === '<none>') return podSelectorFix(f, ctx, selector);
  const next = wanted.split(',').map((kv) => kv.split('='));
  if (!next.every((kv) => kv.length === 2 && kv[0] !== '' && !/\s/.test(kv.join('')))) return {};
  const name = String(backing!.args['name']);
  return {
    fix: {
      tool: 'set_service_selector',
      args: { namespace: ctx.ns, name: f.name, selector: Object.fromEntries(next) },
      text: `set the selector of service ${f.name} to ${wanted}, the labels deployment ${name} gives its pods`,
    },
  };
}

/** The first pod of `ns` whose log names host `service` on a line whose connection failed, with the line. */
function failedDial(
  seen: readonly SeenObservation[],
  ns: string,
  service: string,
): { pod: string; line: string } | undefined {
  // The bare name, or the name in this namespace (`name.ns`, `name.ns.svc…`): not a same-named Service
  // of another namespace.
  const host = new RegExp(
    `(?<![\\w.-])${escapeRe(service)}(?:\\.${escapeRe(ns)}(?:\\.svc[\\w.-]{0,40})?)?(?![\\w.-])`,
  );
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const line = boundedLogLines(o.content).find(
      (l) => l.length <= 4000 && CONNECT_FAILED.test(l) && host.test(l),
    );
    if (line) return { pod: String(o.args['name'] ?? ''), line };
  }
  return undefined;
}

/** The selector of a Service finding as key/value pairs, from its description or the scan's evidence. */
function selectorPairs(f: ParsedFinding, ctx: ScanContext): [string, string][] | undefined {
  const service = outputs(ctx.seen, 'describe_service', (o) => o.args['name'] === f.name).pop();
  const text =
    (service ? describedField(service.content, 'Selector') : undefined) ??
    f.evidence.map((e) => /^selector (\S{1,2000});/.exec(e)?.[1]).find((x) => x !== undefined);
  if (!text || text === '<none>') return undefined;
  const pairs = text.split(',').map((kv) => kv.split('='));
  return pairs.every((kv) => kv.length === 2 && kv[0] !== '') ? (pairs as [string, string][]) : undefined;
}

/**
 * The one pod of the namespace's list a Service's selector value names (`app=vespa` → `vespa-0` or
 * `vespa-7d9c5-x2x7q`), when the selector matches no pod: the workload the Service is for.
 */
function namedPod(f: ParsedFinding, ctx: ScanContext): string | undefined {
  const values = (selectorPairs(f, ctx) ?? []).map(([, v]) => v).filter((v) => v.length >= 2);
  const names = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '').map((r) => r['NAME'] ?? '');
  // The value's own workload: a Deployment's or Job's pods, or a StatefulSet's (`vespa-0`), not another
  // workload whose name only starts with it (`api-gateway-…` for `api`).
  const workload = (n: string) => podDeployment(n) ?? /^(.{1,253})-\d{1,5}$/.exec(n)?.[1] ?? ownerName(n);
  const named = names.filter((n) => values.includes(workload(n)));
  return named.length > 0 && new Set(named.map(ownerName)).size === 1 ? named[0] : undefined;
}

/**
 * A selector fix from the labels of the pod the selector names: the pod carries every key of the
 * selector, one or more with another value (`app.kubernetes.io/instance=danswer` where the Service asks
 * `onyx-kb`), so the Service gets the pod's values for those keys.
 */
function podSelectorFix(f: ParsedFinding, ctx: ScanContext, selector: string): Pick<Finding, 'fix'> {
  const pairs = selectorPairs(f, ctx);
  const pod = namedPod(f, ctx);
  const d = pod
    ? outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns).pop()
    : undefined;
  if (!pairs || !pod || !d) return {};
  const labels = describedLabels(d.content);
  if (!pairs.every(([k]) => k in labels)) return {};
  const off = pairs.filter(([k, v]) => labels[k] !== v);
  if (off.length === 0 || off.length === pairs.length) return {};
  const next = Object.fromEntries(pairs.map(([k]) => [k, labels[k]!]));
  const wanted = Object.entries(next)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    fix: {
      tool: 'set_service_selector',
      args: { namespace: ctx.ns, name: f.name, selector: next },
      text: `set the selector of service ${f.name} to ${wanted} (from ${selector}): pod ${pod} carries ${off.map(([k]) => `${k}=${labels[k]}`).join(', ')}`,
    },
  };
}

/** A FailedScheduling finding whose fix is to move a Deployment's placement off a deprecated label. */
function deprecatedPlacement(
  f: ParsedFinding,
): { deployment: string; from: string; to: string; value?: string } | undefined {
  if (f.reason !== 'FailedScheduling' || !f.owner?.startsWith('Deployment/')) return undefined;
  const deployment = f.owner.slice('Deployment/'.length);
  const m = /use the current label (\S{1,253}) instead of the deprecated (\S{1,253}) in/.exec(f.fix ?? '');
  if (m) return { deployment, from: m[2]!, to: m[1]! };
  // A stale label no node carries, and the label carrying the same pool now: key and value change.
  const r = /re-pin to the node label ([^\s=]{1,253})=(\S{1,63}) instead of the stale (\S{1,253}) in/.exec(
    f.fix ?? '',
  );
  return r ? { deployment, from: r[3]!, to: r[1]!, value: r[2]! } : undefined;
}

/**
 * The Deployment's node affinity and nodeSelector with the deprecated label key replaced by the
 * current one (values kept), from its own YAML as get_resource printed it: a set_node_placement fix.
 */
function placementFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  const dep = deprecatedPlacement(f);
  if (!dep) return {};
  const read = outputs(
    ctx.seen,
    'get_resource',
    (o) => o.args['kind'] === 'Deployment' && o.args['name'] === dep.deployment,
  ).pop();
  if (!read || read.content.length > 200_000) return {};
  let doc: unknown;
  try {
    doc = parseYaml(read.content);
  } catch {
    return {};
  }
  const spec = (doc as { spec?: { template?: { spec?: Record<string, unknown> } } })?.spec?.template?.spec;
  if (!spec) return {};
  type Req = { key: string; operator: string; values?: string[] };
  const terms = (
    spec['affinity'] as
      | {
          nodeAffinity?: {
            requiredDuringSchedulingIgnoredDuringExecution?: {
              nodeSelectorTerms?: { matchExpressions?: Req[] }[];
            };
          };
        }
      | undefined
  )?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const selector = spec['nodeSelector'] as Record<string, string> | undefined;
  const args: Record<string, unknown> = { namespace: ctx.ns, deployment: dep.deployment };
  if (terms?.some((t) => t.matchExpressions?.some((e) => e.key === dep.from))) {
    args['requiredNodeAffinity'] = terms.map((t) => ({
      matchExpressions: (t.matchExpressions ?? []).map((e) => ({
        key: e.key === dep.from ? dep.to : e.key,
        operator: e.key === dep.from && dep.value ? 'In' : e.operator,
        ...(e.key === dep.from && dep.value ? { values: [dep.value] } : e.values ? { values: e.values } : {}),
      })),
    }));
  }
  if (selector && Object.hasOwn(selector, dep.from)) {
    args['nodeSelector'] = Object.fromEntries(
      Object.entries(selector).map(([k, v]) => [
        k === dep.from ? dep.to : k,
        k === dep.from && dep.value ? dep.value : v,
      ]),
    );
  }
  if (!args['requiredNodeAffinity'] && !args['nodeSelector']) return {};
  return {
    fix: {
      tool: 'set_node_placement',
      args,
      text: dep.value
        ? `re-pin deployment ${dep.deployment} from the stale node label ${dep.from} to ${dep.to}=${dep.value}, the same pool under the label the nodes carry now`
        : `move deployment ${dep.deployment}'s node placement from the deprecated label ${dep.from} to ${dep.to}, keeping the values it asks for`,
    },
  };
}

/**
 * Required node affinity whose one term asks `key In [a]` AND `key In [b]`: no node carries two
 * values of one label, so the intent is the union. The fix: each such key's In expressions merged
 * into one with the union of their values, the other expressions kept (set_node_placement).
 */
function andedFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'FailedScheduling' || !f.owner?.startsWith('Deployment/')) return {};
  if (!f.message.includes('are ANDed together')) return {};
  const deployment = f.owner.slice('Deployment/'.length);
  const read = outputs(
    ctx.seen,
    'get_resource',
    (o) => o.args['kind'] === 'Deployment' && o.args['name'] === deployment,
  ).pop();
  if (!read || read.content.length > 200_000) return {};
  type Req = { key: string; operator: string; values?: string[] };
  let terms: { matchExpressions?: Req[] }[] | undefined;
  try {
    terms = (
      parseYaml(read.content) as {
        spec?: {
          template?: {
            spec?: { affinity?: { nodeAffinity?: Record<string, { nodeSelectorTerms?: typeof terms }> } };
          };
        };
      }
    )?.spec?.template?.spec?.affinity?.nodeAffinity?.['requiredDuringSchedulingIgnoredDuringExecution']
      ?.nodeSelectorTerms;
  } catch {
    return {};
  }
  if (!terms?.length) return {};
  let merged = false;
  const fixed = terms.map((t) => {
    const out: Req[] = [];
    for (const e of t.matchExpressions ?? []) {
      const same = e.operator === 'In' ? out.find((x) => x.key === e.key && x.operator === 'In') : undefined;
      if (same) {
        same.values = [...new Set([...(same.values ?? []), ...(e.values ?? [])])];
        merged = true;
      } else out.push({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) });
    }
    return { matchExpressions: out };
  });
  if (!merged) return {};
  return {
    fix: {
      tool: 'set_node_placement',
      args: { namespace: ctx.ns, deployment, requiredNodeAffinity: fixed },
      text: `merge deployment ${deployment}'s ANDed In expressions on one label into one expression with all their values (one node label cannot hold two values at once)`,
    },
  };
}

/** Starting requests for a container that sets none, before its usage is known (a common floor). */
const STARTING_REQUEST: Readonly<Record<string, string>> = { cpu: '100m', memory: '128Mi' };

/**
 * An HPA that cannot compute utilization because one container of its Deployment sets no request
 * for the measured resource: a set_resources fix giving that container a starting request (100m CPU
 * or 128Mi memory). Only for a single bare container, since a fix is one call.
 */
function requestFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'MissingResourceRequest') return {};
  const target = /cannot scale Deployment\/([a-z0-9.-]{1,253}):/.exec(f.message)?.[1];
  const bare = /containers without a (cpu|memory) request: ([a-z0-9-]{1,63})$/.exec(f.evidence[0] ?? '');
  if (!target || !bare) return {};
  const [, resource, container] = bare as unknown as [string, string, string];
  const value = STARTING_REQUEST[resource]!;
  return {
    fix: {
      tool: 'set_resources',
      args: { namespace: ctx.ns, deployment: target, container, requests: { [resource]: value } },
      text: `give container ${container} of ${target} a ${resource} request (${value} to start with; tune it to the container's usage), so the HPA can compute ${resource} utilization`,
    },
  };
}

/** The values an EnvValueQuoted finding prints (`env NAME value "\"a b\""`), the quotes still on. */
function quotedEnv(f: ParsedFinding): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const e of f.evidence.slice(0, 3)) {
    const m = /^env ([A-Za-z_][A-Za-z0-9_.-]{0,127}) value (".{2,5000}")$/.exec(e);
    if (!m) continue;
    try {
      const value: unknown = JSON.parse(m[2]!);
      if (typeof value === 'string') out.push({ name: m[1]!, value });
    } catch {
      // Not the scan's JSON: nothing to take.
    }
  }
  return out;
}

/** English words of four letters or more that say nothing of a subject. */
const FUNCTION_WORDS = new Set(
  'this that these those will would with without from have been were they them their there then than what when where which while your into only also some more most such each very just over under about after before again down here since does done doing being because could should'.split(
    ' ',
  ),
);

/** Whether a quoted value's words (`enable-login-with-password`) include two of the task's (login, password). */
function quotedNamesTask(f: ParsedFinding, task: string): boolean {
  const asked = new Set(
    (task.toLowerCase().match(/[a-z]{4,30}/g) ?? []).filter((w) => !FUNCTION_WORDS.has(w)),
  );
  return quotedEnv(f).some(
    (q) => new Set((q.value.toLowerCase().match(/[a-z]{4,30}/g) ?? []).filter((w) => asked.has(w))).size >= 2,
  );
}

/** The `set_env` that drops the quotes of the quoted values of a Deployment's container. */
function quotedFix(f: ParsedFinding, ctx: ScanContext): Pick<Finding, 'fix'> {
  if (f.reason !== 'EnvValueQuoted' || !f.container) return {};
  const deployment = /^Deployment\/([a-z0-9][a-z0-9.-]{0,252})$/.exec(f.owner ?? '')?.[1];
  // Every quoted value the finding prints (a secret's is never printed, so never set here).
  const quoted = quotedEnv(f);
  if (!deployment || quoted.length === 0) return {};
  return {
    fix: setEnvFix(
      ctx.ns,
      deployment,
      f.container,
      quoted.map((q) => ({ name: q.name, value: q.value.slice(1, -1) })),
      `set ${quoted.map((q) => q.name).join(', ')} of ${deployment}/${f.container} without the surrounding quotes`,
    ),
  };
}

/** Deployments the search found under a provisioner's name (the last segment of `cluster.local/x`). */
function provisionerRows(
  seen: readonly SeenObservation[],
  name: string,
): { name: string; namespace: string }[] {
  const found = outputs(seen, 'find_objects', (o) => o.args['name'] === name).pop();
  if (!found) return [];
  return parseTable(found.content)
    .filter((r) => r['KIND'] === 'Deployment' && r['NAME'] && r['NAMESPACE'])
    .slice(0, 2)
    .map((r) => ({ name: r['NAME']!, namespace: r['NAMESPACE']! }));
}
