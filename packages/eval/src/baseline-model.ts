import type { DecideRequest, Decision, Model, ToolDescriptor } from '@sre-harness/core';
import { findKind, type KindInfo, kindsRead, parseQuantity } from '@sre-harness/tools-k8s';
import { errorLines, recurringWarnings } from './analyzers/app-errors.js';
import { askedLines } from './analyzers/asked-lines.js';
import { askedState } from './analyzers/asked-state.js';
import { askedStatuses } from './analyzers/asked-statuses.js';
import {
  cronJobHistory,
  cronJobSchedules,
  minReadyWait,
  replicaSetHistory,
} from './analyzers/expected-state.js';
import { failureSettings } from './analyzers/failure-settings.js';
import { ANALYZERS, type AnalyzerContext, type Finding } from './analyzers/index.js';
import { logContext } from './analyzers/log-context.js';
import { explainingEvents, finishedRunsRemoved } from './analyzers/normal-events.js';
import { probeRefused, probeTimedOut } from './analyzers/probes.js';
import { quietNamespaceLogsAnalyzer } from './analyzers/quiet-namespace-logs.js';
import { revertOneChange } from './analyzers/rollout-diff.js';
import { sameIdElsewhere } from './analyzers/same-id.js';
import { scaleChanges } from './analyzers/scale-changes.js';
import {
  clip,
  containerSections,
  describedField,
  outputs,
  ownerName,
  podDeployment,
  readKey,
  stateBlock,
} from './analyzers/types.js';
import {
  CHANGE,
  type DeploymentRow,
  dependencyHosts,
  dependencyNamespace,
  deploymentRows,
  escapeRe,
  HUNCH,
  hostlessRefusal,
  isUnhealthy,
  lastOf,
  logLines,
  matchesHint,
  memoryLimit,
  ownerOf,
  PAST_CRASH_SECONDS,
  type PodRow,
  podRows,
  refusedAddress,
  servicesAt,
  settingHosts,
  severity,
  takenOrUnread,
  unavailableDependencyReads,
} from './baseline/reading.js';
import { factsOf, findingsOf } from './baseline/signatures/index.js';
import { parseTable } from './k8s-text.js';
import { namespaceCandidates, type SeenObservation, seenObservations, withUsage } from './observations.js';
import { scanReads } from './scan-findings.js';

/*
 * A deterministic SRE model that investigates and diagnoses from what it observes, using general
 * Kubernetes failure signatures (the ones an on-call engineer learns), never a per-incident script.
 * It reads only the task and the tool outputs in its context.
 */

const WORD = /[a-z0-9][a-z0-9-]{2,}/g;
const STOP = new Set([
  'the',
  'and',
  'are',
  'what',
  'why',
  'its',
  'for',
  'pod',
  'pods',
  // A cluster's nodes ("for every node"), not a workload named node-…: a name given whole still counts.
  'node',
  'nodes',
  'namespace',
  'service',
  'deployment',
  'with',
  'from',
  'that',
  'this',
  'keeps',
  'keep',
  'fix',
  'safe',
  'find',
  'root',
  'cause',
  'wrong',
  'failing',
  'since',
  'there',
  'our',
  'any',
  'not',
  'can',
  'you',
  'please',
  'look',
  'into',
  'check',
  'alert',
  'warning',
  'critical',
]);

/**
 * A member named by kind and number, as clustered systems name them (Ceph's `osd.4`, `mon.2`, a
 * broker's `kafka.1`): its pod is `<…>-osd-4`, so the hint is `osd-4`.
 */
const DOTTED_MEMBER = /\b([a-z][a-z0-9-]{1,30})\.(\d{1,4})\b(?![.\d])/g;

/**
 * How often `word` stands in `text` as a word of its own: no letter or digit right before or after it
 * ("product" is not counted in "products"; "payday" is in "payday-runner").
 */
function wordCount(text: string, word: string): number {
  let n = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length))
    if (!/[a-z0-9]/.test(text[at - 1] ?? '') && !/[a-z0-9]/.test(text[at + word.length] ?? '')) n++;
  return n;
}

function hints(task: string): string[] {
  const lower = task.toLowerCase();
  const dotted = [...lower.slice(0, 4000).matchAll(DOTTED_MEMBER)].map((m) => `${m[1]}-${m[2]}`);
  const words = (lower.match(WORD) ?? []).filter((w) => !STOP.has(w));
  // A prefixed word written with a hyphen ("re-index", "pre-render") names what objects spell joined
  // (`catalog-reindex`).
  const joined = words
    .filter((w) => /^(?:re|pre|de|un|co|sub|non)-[a-z]{3,}$/.test(w))
    .map((w) => w.replace('-', ''));
  return [...new Set([...words, ...joined, ...dotted])];
}

/**
 * The same observation, read again at a later step: the transcript keeps its parts, so the arguments
 * object and the output string are the same ones (an observation rebuilt from a summary is a new
 * object and reads as different, which only costs the work again).
 */
function sameObservation(a: SeenObservation, b: SeenObservation): boolean {
  return (
    a === b ||
    (a.step === b.step &&
      a.tool === b.tool &&
      a.status === b.status &&
      a.args === b.args &&
      a.content === b.content)
  );
}

/** One read the investigation calls for: a tool and its arguments. */
interface PlannedRead {
  tool: string;
  args: Record<string, unknown>;
}

/** Kinds the baseline reads with their own tools, not through describe_resource. */
const OWN_READS = new Set(['Pod', 'Deployment', 'Service', 'Namespace', 'Node', 'DaemonSet', 'ReplicaSet']);
/** Kinds the scan tool reads (lower-case): their problems come from scan, not from a describe. */
const SCANNED_KINDS = new Set(kindsRead().map((k) => k.toLowerCase()));

function has(tools: readonly ToolDescriptor[], name: string): boolean {
  return tools.some((t) => t.name === name);
}

const TRAFFIC =
  /\b(503|502|504|5xx|unreachable|reach|endpoint|endpoints|traffic|service|connection refused|timeout|timing out|no healthy upstream|ingress|requests? fail)/i;
const SLOW = /\b(slow|latency|throttl|p99|p95|sluggish|degraded)/i;
const USAGE = /\b(?:cpu|memory|usage|utili[sz]ation|throttl\w{0,6})\b/i;
/** The `default` namespace named as a place, not the word "default" (a default backend, value, class). */
const DEFAULT_NAMED =
  /\b(?:in|from|under|on)\s+(?:the\s+)?[`'"]?default[`'"]?(?:\s+namespace\b|(?=\s*(?:[.,;:!?)]|$|\s+(?:and|but|since|after|for|with|is|are|was|were|has|have)\b)))/i;

/**
 * Cluster-scoped kinds an answer may name beyond tools-k8s' well-known ones, as the API server's discovery
 * documents list them (`kubectl api-resources --namespaced=false`).
 */
const MORE_CLUSTER_KINDS: readonly KindInfo[] = (
  [
    ['CustomResourceDefinition', 'apiextensions.k8s.io/v1', 'customresourcedefinitions', 'crd', 'crds'],
    ['ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/v1', 'validatingwebhookconfigurations'],
    ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations'],
    ['APIService', 'apiregistration.k8s.io/v1', 'apiservices'],
    ['RuntimeClass', 'node.k8s.io/v1', 'runtimeclasses'],
    ['CSIDriver', 'storage.k8s.io/v1', 'csidrivers'],
    ['CSINode', 'storage.k8s.io/v1', 'csinodes'],
    ['VolumeAttachment', 'storage.k8s.io/v1', 'volumeattachments'],
    ['ClusterIssuer', 'cert-manager.io/v1', 'clusterissuers'],
  ] as const
).map(([kind, apiVersion, plural, ...shortNames]) => ({
  kind,
  apiVersion,
  plural,
  namespaced: false,
  shortNames,
}));

/** Whether a finding's object (`clusterrole x`, `namespace y`) is of a kind that lives in no namespace. */
export function clusterScoped(object: string): boolean {
  const word = /^([a-z]{2,40}) /.exec(object)?.[1];
  // An admission webhook, as the webhook analyzers name it, is an entry of a webhook configuration.
  if (word === 'webhook') return true;
  return word !== undefined && findKind(word, MORE_CLUSTER_KINDS)?.namespaced === false;
}

/** The baseline SRE model: one instance per run. */
export class BaselineSreModel implements Model {
  readonly name = 'baseline';
  #fixTried = false;
  #fixText: string | undefined;
  /** The finding the fix was made for: a memory that summarizes older reads may no longer show it. */
  #fixFinding: Finding | undefined;
  #fallbackTried = false;
  #task = '';
  #findingsMemo:
    | {
        task: string;
        ns: string;
        tools: string;
        hs: string[];
        seen: SeenObservation[];
        out: Finding[];
      }
    | undefined;
  #tools = new Set<string>();

  async decide(request: DecideRequest): Promise<Decision> {
    return withUsage(request, this.#next(request));
  }

  #next(request: DecideRequest): Decision {
    const seen = seenObservations(request);
    this.#task = request.task;
    this.#tools = new Set(request.tools.map((t) => t.name));
    const tools = request.tools;
    const done = new Set(seen.map((o) => key(o.tool, withDefaults(tools, o.tool, o.args))));
    const want = (tool: string, args: Record<string, unknown>): Decision | undefined => {
      if (!has(tools, tool) || done.has(key(tool, withDefaults(tools, tool, args)))) return undefined;
      return { type: 'tool_calls', calls: [{ tool, args }] };
    };
    const budgetLeft = request.maxSteps - request.step;
    // Find what the task names before reading its phrasing as a namespace: search, then confirm.
    let term = searchTerm(request.task);
    if (term) {
      const d = budgetLeft > 3 ? want('find_objects', { name: term }) : undefined;
      if (d) return d;
      // Nothing by that name: the next word the person repeats may be the object. What the searches
      // already found counts at every step, however little budget is left.
      const searched = (t: string) =>
        lastOf(seen, 'find_objects', (o) => o.status === 'ok' && o.args['name'] === t);
      if (!foundSomething(searched(term))) {
        for (const next of fallbackTerms(request.task, term)) {
          const o = searched(next);
          if (!o) {
            const d2 = budgetLeft > 5 ? want('find_objects', { name: next }) : undefined;
            if (d2) return d2;
            break;
          }
          if (foundSomething(o)) {
            term = next;
            break;
          }
        }
      }
    }
    const first = resolveNamespace(request.task, term, seen) ?? this.#namespaceFromContext(seen);
    // A task that names two namespaces ("the api pods in a … since the database moved to the b
    // namespace"): when the one taken shows nothing wrong, the other one named is where to look.
    let ns = first;
    if (first && quietScan(seen, first)) {
      const listed = lastOf(
        seen,
        'list_resources',
        (x) => x.args['kind'] === 'Namespace' && x.status === 'ok',
      );
      if (!listed && budgetLeft > 4) {
        const d = want('list_resources', { kind: 'Namespace' });
        if (d) return d;
      } else if (listed) {
        const all = parseTable(listed.content).map((r) => r['NAME'] ?? '');
        const names = all.filter((n) => n && n !== first && !/^kube-/.test(n));
        // Only the person's own words: a namespace in a pasted alert is context, not where to look.
        const asked = question(request.task).asked;
        const other = namedNamespaces(asked, names).find(
          (n) =>
            !productName(asked, n) &&
            // A namespace only the person's guess names ("or the GPU training jobs are preempting them")
            // does not take the place of the one named in what they report.
            !(onlyGuessed(asked, n) && namedInSentences(asked, first, false)),
        );
        // A namespace that does not exist ("a namespace audit") is not where to look, quiet or not.
        if (other && (!quietScan(seen, other) || !all.includes(first))) ns = other;
        // Both quiet, and the failure is reported through the other one ("logins through the edge
        // gateway time out"): the hop the failing requests pass through is where to look first.
        else if (other && throughNamed(asked, other)) ns = other;
        // Both quiet, the first named only in the person's guess ("I think the Chroma server in vector-db
        // is out of disk") and the other in what they report ("nobody can upload to the knowledge
        // assistant"): what fails is where to look, the guess is what to check it against.
        else if (
          other &&
          namedInSentences(asked, first, true) &&
          !namedInSentences(asked, first, false) &&
          namedInSentences(asked, other, false) &&
          readClean(seen, first)
        )
          ns = other;
        // Both quiet by their scans, but a log read in the other one shows failures while none read in
        // the first does (the feature's server logs the 500s the person sees): that is where to look.
        else if (
          other &&
          loggedFailures(seen, other) &&
          !loggedFailures(seen, first) &&
          !restarted(seen, first)
        )
          ns = other;
        // Every place the person named is quiet, but the workload they say logs errors ("checkout in
        // shop is logging export errors") logs that it cannot reach a service in another namespace
        // (otel-gateway.observability.svc: connection refused): the fault is where that service is,
        // when its namespace is not quiet.
        const named = [first, ...namedNamespaces(question(request.task).asked, names)].filter((n) =>
          all.includes(n),
        );
        // Only where the same words place it, so no read is spent looking for it.
        const logging = loggingWorkload(question(request.task).asked);
        const at = logging?.namespace && named.includes(logging.namespace) ? logging.namespace : undefined;
        if (logging && at && ns && quietScan(seen, ns) && named.every((n) => quietScan(seen, n))) {
          const away = loggedDependencyElsewhere(seen, [logging.workload], [at], (tool, args) =>
            budgetLeft > 4 ? want(tool, args) : undefined,
          );
          if (away?.decision) return away.decision;
          if (away?.ns) ns = away.ns;
        }
      }
    }
    if (!ns) {
      return (
        want('list_resources', { kind: 'Namespace' }) ?? {
          type: 'final',
          answer: 'I could not tell which namespace the incident is in; please name it.',
        }
      );
    }
    const hs = hints(request.task);
    // The mutation, once tried, is followed by one look at the result and then the answer.
    const lastMutation = [...seen].reverse().find((o) => tools.some((t) => t.name === o.tool && t.mutating));
    if (lastMutation) {
      if (lastMutation.status === 'ok') {
        const verify =
          lastMutation.step === seen[seen.length - 1]?.step
            ? ({
                type: 'tool_calls',
                // The namespace the change was made in (a fix may be in front of the one asked about).
                calls: [
                  { tool: 'list_pods', args: { namespace: String(lastMutation.args['namespace'] ?? ns) } },
                ],
              } as Decision)
            : undefined;
        if (verify && has(tools, 'list_pods') && budgetLeft > 1) return verify;
      } else if (lastMutation.status === 'refused' && budgetLeft >= 1) {
        // The change was refused (not approved, not allowed): the equivalent narrower change the
        // evidence supports (the previous image instead of a rollback) is asked for once; for a refused
        // rollback without one, the one change its rollout made is read and undone. Two steps are
        // enough for it (the change now and the answer at the last step, `maxSteps` itself, which is
        // `budgetLeft` steps away); the look at the result is made when one more is left.
        const fallback = this.#proposeFallback(tools) ?? this.#revertRollout(lastMutation, ns, hs, request);
        if (fallback) return fallback;
      }
      return this.#final(seen, ns, hs, request);
    }
    if (budgetLeft <= 1) return this.#final(seen, ns, hs, request);

    // Few steps left and a fix already follows from the evidence: make it now rather than spend the
    // budget on reads and end with the fix unmade.
    if (budgetLeft <= 4 && this.#mayFix(tools)) {
      const fix = this.#proposeFix(this.#findings(seen, ns, hs)[0], tools);
      if (fix) return fix;
    }
    // The plan is read lazily: the reads after the first one still wanted are never worked out.
    for (const step of this.#plan(seen, ns, hs, request)) {
      const d = want(step.tool, step.args);
      if (d) return d;
    }
    // Evidence is gathered: conclude, or first propose the fix the evidence supports.
    const fix =
      budgetLeft > 2 && this.#mayFix(tools)
        ? this.#proposeFix(this.#findings(seen, ns, hs)[0], tools)
        : undefined;
    return fix ?? this.#final(seen, ns, hs, request);
  }

  /**
   * After a refused `rollback_deployment`: the reads that show what its latest rollout changed (the
   * ReplicaSets and their templates), then, once per run, the change that undoes it when it changed one
   * field (`revertOneChange`) and the tool for it is offered.
   */
  #revertRollout(
    refused: SeenObservation,
    ns: string,
    hs: string[],
    request: DecideRequest,
  ): Decision | undefined {
    if (this.#fallbackTried || refused.tool !== 'rollback_deployment') return undefined;
    const deployment = String(refused.args['name'] ?? '');
    const where = String(refused.args['namespace'] ?? ns);
    if (!deployment) return undefined;
    const seen = seenObservations(request);
    // Changes that cannot make a container fail on their own are left as they are: a readiness probe
    // (it only keeps a pod out of its Service) unless a pod fails it, resource requests (scheduling), and,
    // unless a container of the namespace was OOM-killed, resource limits.
    const oom = outputs(seen, 'describe_pod', (o) => String(o.args['namespace'] ?? ns) === where).some((o) =>
      /\bOOMKilled\b/.test(o.content),
    );
    // A readiness probe that fails is the failure itself: its change is not left aside then.
    const unready = outputs(seen, 'describe_pod', (o) => String(o.args['namespace'] ?? ns) === where).some(
      (o) => /Readiness probe failed/.test(o.content),
    );
    const harmless = (field: string) =>
      (!unready && /^readinessProbe\./.test(field)) ||
      /^resources\.requests\./.test(field) ||
      (!oom && /^resources\.limits\./.test(field));
    const r = revertOneChange({ task: request.task, ns: where, hints: hs, seen }, deployment, harmless);
    if (!r) return undefined;
    const budgetLeft = request.maxSteps - request.step;
    if ('reads' in r) {
      if (budgetLeft <= 3) return undefined;
      const done = new Set(seen.map((o) => key(o.tool, withDefaults(request.tools, o.tool, o.args))));
      const next = r.reads.find(
        (x) =>
          has(request.tools, x.tool) && !done.has(key(x.tool, withDefaults(request.tools, x.tool, x.args))),
      );
      return next ? { type: 'tool_calls', calls: [{ tool: next.tool, args: next.args }] } : undefined;
    }
    return this.#tryInstead(r.fix, request.tools);
  }

  /** The fallback of the finding a refused fix was made for, once per run, when its tool is offered. */
  #proposeFallback(tools: readonly ToolDescriptor[]): Decision | undefined {
    const f = this.#fixFinding?.fallback;
    return this.#fallbackTried || !f ? undefined : this.#tryInstead(f, tools);
  }

  /** The one narrower change tried after a refused fix, when its tool is one of the mutating tools offered. */
  #tryInstead(f: NonNullable<Finding['fallback']>, tools: readonly ToolDescriptor[]): Decision | undefined {
    if (!tools.some((t) => t.mutating && t.name === f.tool)) return undefined;
    if (offLimitsNamespaces(this.#task).includes(String(f.args['namespace']))) return undefined;
    this.#fallbackTried = true;
    this.#fixText = this.#fixText ? `${f.text} (in place of the refused change: ${this.#fixText})` : f.text;
    return { type: 'tool_calls', calls: [{ tool: f.tool, args: f.args }] };
  }

  /**
   * Whether `#proposeFix` could propose anything, whatever the findings: no fix tried yet, a mutating
   * tool offered, and a task that does not forbid changes (so the findings are not worked out for nothing).
   */
  #mayFix(tools: readonly ToolDescriptor[]): boolean {
    return !this.#fixTried && tools.some((t) => t.mutating) && !forbidsChanges(this.#task);
  }

  /** The fix the top finding carries, once per run, when its tool is one of the mutating tools offered. */
  #proposeFix(top: Finding | undefined, tools: readonly ToolDescriptor[]): Decision | undefined {
    if (this.#fixTried || !top?.fix || !tools.some((t) => t.mutating && t.name === top.fix!.tool))
      return undefined;
    // The person asked for no change at all, or none where this one would be: recommended, not attempted.
    if (
      forbidsChanges(this.#task) ||
      offLimitsNamespaces(this.#task).includes(String(top.fix.args['namespace']))
    )
      return undefined;
    this.#fixTried = true;
    this.#fixText = top.fix.text;
    this.#fixFinding = top;
    return { type: 'tool_calls', calls: [{ tool: top.fix.tool, args: top.fix.args }] };
  }

  #namespaceFromContext(seen: readonly SeenObservation[]): string | undefined {
    const o = lastOf(seen, 'list_resources', (x) => x.args['kind'] === 'Namespace' && x.status === 'ok');
    if (!o) return undefined;
    const all = parseTable(o.content).map((r) => r['NAME'] ?? '');
    const names = all.filter((n) => n && !/^(kube-|default$|local-path)/.test(n));
    // A namespace the task names as a word ("api in payments", "ns billing") is the one meant.
    const named = namedNamespaces(this.#task, names)[0];
    if (named) return named;
    // `default` named as a place ("the pricing deployment in default", "in the default namespace").
    if (all.includes('default') && DEFAULT_NAMED.test(question(this.#task).asked.slice(0, 4000)))
      return 'default';
    // A namespace the person's words name by their stem ("notifications" for `notify`, "payment" for
    // `payments`): closer than the first one listed.
    const stemmed = stemNamedNamespace(question(this.#task).asked, names);
    if (stemmed) return stemmed;
    // Nothing but the system namespaces and `default`: the incident is in `default`.
    return names[0] ?? (all.includes('default') ? 'default' : undefined);
  }

  /**
   * The investigation so far implies these reads, in order; the first not yet done is next. A generator,
   * so the reads after it are not worked out (each analyzer's `reads` scans every observation).
   */
  *#plan(
    seen: SeenObservation[],
    ns: string,
    hs: string[],
    request: DecideRequest,
  ): Generator<PlannedRead, void, undefined> {
    // The failure signatures first: the scan's findings say what to read next.
    yield { tool: 'scan', args: { namespace: ns } };
    yield { tool: 'list_pods', args: { namespace: ns } };
    yield { tool: 'list_deployments', args: { namespace: ns } };
    yield { tool: 'get_events', args: { namespace: ns } };
    const pods = podRows(seen, ns);
    const deps = deploymentRows(seen);
    const task = request.task;
    // A pod the task names but the cluster does not list: look it up directly.
    // Pods named in an alert about another namespace are not this namespace's pods.
    const { asked, alert } = question(task);
    const alertNs = namespaceCandidates(alert)[0];
    const namedIn = (text: string) =>
      (text.match(/\b[a-z0-9]{1,63}(?:-[a-z0-9]{1,63}){0,10}-[a-z0-9]{5}\b/g) ?? []).filter(
        // A status class ("the 4xx-ratio alert") is not a pod.
        (n) => /\d/.test(n) && !/^[1-5]xx-/.test(n),
      );
    const named = [...namedIn(asked), ...(alertNs === undefined || alertNs === ns ? namedIn(alert) : [])];
    // A pod the search already placed in another namespace (an alert pasted from elsewhere) is not this one.
    const found = seen.find((o) => o.tool === 'find_objects' && o.status === 'ok');
    const elsewhere = (n: string) =>
      found !== undefined && parseTable(found.content).some((r) => r['NAME'] === n && r['NAMESPACE'] !== ns);
    for (const n of named) {
      if (!pods.some((p) => p.name === n) && !elsewhere(n))
        yield { tool: 'describe_pod', args: { namespace: ns, name: n } };
    }
    const suspects = pods
      .filter(isUnhealthy)
      .sort(
        (a, b) =>
          Number(matchesHint(b.name, hs)) - Number(matchesHint(a.name, hs)) ||
          severity(b) - severity(a) ||
          b.restarts - a.restarts,
      );
    const hinted = suspects.filter((p) => matchesHint(p.name, hs));
    // The task's words that may name a workload, its namespace's name left out.
    const own = hs.filter((h) => h !== ns);
    // A pod the task names by those words, or of the workload called exactly like the namespace.
    const ownNamed = (name: string) => matchesHint(name, own) || podDeployment(name) === ns || name === ns;
    const primary = (hinted.length > 0 ? hinted : suspects).slice(0, 2);
    // One pod per owner is enough.
    const owners = new Set<string>();
    const toDescribe: PodRow[] = [];
    for (const p of primary) {
      // A CronJob's pod named after a Deployment's prefix (`app-cron-29554740-x`) is not that Deployment's.
      const o = ownerOf(p.name, deps, undefined, true) ?? p.name;
      if (!owners.has(o)) {
        owners.add(o);
        toDescribe.push(p);
      }
    }
    for (const p of toDescribe) {
      yield { tool: 'describe_pod', args: { namespace: ns, name: p.name } };
      const d = lastOf(seen, 'describe_pod', (x) => x.args['name'] === p.name && x.status === 'ok');
      if (!d) continue;
      for (const c of containerSections(d.content)) {
        const last = stateBlock(c.body, 'Last State');
        const now = stateBlock(c.body, 'State');
        const crashed =
          last.reason !== undefined ||
          now.state === 'Terminated' ||
          /CrashLoopBackOff|Error/.test(now.reason ?? '');
        if (last.reason === 'OOMKilled' || last.exit === 137) {
          yield { tool: 'get_pod_metrics', args: { namespace: ns, name: p.name } };
        }
        if (crashed) {
          // A container that ended and was never restarted (a pod with restartPolicy Never: a Job's,
          // a CI runner's) is still the current one: its log is the current log, and `previous`
          // names an instance that does not exist.
          const finished = now.state === 'Terminated' && last.reason === undefined;
          yield {
            tool: 'get_pod_logs',
            args: { namespace: ns, name: p.name, container: c.name, ...(finished ? {} : { previous: true }) },
          };
        }
        // An init container still running (the pod at Init:N/M): its current log says what it waits for.
        if (c.init && now.state === 'Running')
          yield { tool: 'get_pod_logs', args: { namespace: ns, name: p.name, container: c.name } };
      }
      // A probe that times out: the program's own log says how long it takes to answer; one refused:
      // it says where the program listens instead; one answered with a 5xx: the program reports itself
      // unhealthy, and its log says which of its checks (a dependency) fails.
      if (
        p.status === 'Running' &&
        ((p.restarts > 0 && /Unhealthy|probe failed/i.test(d.content)) ||
          // A pod the task names whose readiness probe gets a 404: a health path the program serves once it
          // is ready (its routes loaded) is missing, and its log says what it waits for (a refused list, a
          // dependency), which the 404 does not.
          (ownNamed(p.name) &&
            /Readiness probe failed: HTTP probe failed with statuscode: 404\b/.test(d.content)) ||
          probeTimedOut(d.content) ||
          probeRefused(d.content) ||
          /probe failed: HTTP probe failed with statuscode: 5\d\d/.test(d.content) ||
          // A check the program runs itself (an exec probe's output: "calico/node is not ready: …"): its
          // log says what it waits for.
          /(?:Readiness|Liveness|Startup) probe failed: (?!HTTP probe failed|Get "|dial tcp|command timed out)[^\n]{0,200}\bnot (?:ready|healthy|live)\b/i.test(
            d.content,
          ) ||
          // An exec probe that fails without a word (`grep -q` found no "UP"): only the program's log says
          // what state it is in.
          (/^\s{2,12}Readiness:\s+exec\b/m.test(d.content) &&
            /^\s{2,12}Ready:\s+False\s*$/m.test(d.content) &&
            /Readiness probe failed:\s*$/m.test(d.content)))
      ) {
        yield { tool: 'get_pod_logs', args: { namespace: ns, name: p.name } };
      }
    }
    // A running workload the person says logs errors ("invoice-publisher logs errors on send", "the logs of
    // the gateway show…"): its log, whatever fails beside it.
    const told = task.slice(0, 4000).toLowerCase();
    const saysLogs = (h: string) =>
      new RegExp(
        `\\b${escapeRe(h)}(?:'s)?(?: pods?| containers?)? (?:logs?|logged|is logging|keeps logging|prints?|printed)\\b|\\blogs? (?:of|from) (?:the |our )?${escapeRe(h)}\\b`,
      ).test(told);
    // Only beside pods that fail and would be read first: alone, the named workload's log is read anyway.
    const logging = pods.filter(
      (p) =>
        toDescribe.length > 0 &&
        !toDescribe.includes(p) &&
        p.status === 'Running' &&
        own.some((h) => matchesHint(p.name, [h]) && saysLogs(h)) &&
        !outputs(seen, 'get_pod_logs', (o) => o.args['name'] === p.name).length,
    );
    for (const p of logging.slice(0, 1))
      yield { tool: 'get_pod_logs', args: { namespace: ns, name: p.name } };
    // Reads the failing pods' own descriptions and logs call for, before services and dependencies.
    const firstCtx: AnalyzerContext = { task, ns, hints: hs, seen };
    for (const a of ANALYZERS) if (a.first) yield* a.reads(firstCtx);
    // Pods that run but log trouble (a full disk, a dependency down) only show it in their logs. The
    // workloads the task names are read so even when other pods fail beside them that it does not name (the
    // namespace's own name, `apm` in `apm-alert-mailer`, names none): a neighbour's crash loop is not what
    // the person asks about.
    const beside = toDescribe.length > 0 && !suspects.some((p) => ownNamed(p.name));
    if (toDescribe.length === 0 || beside) {
      const names = beside ? own : hs;
      // A finished pod the task asks about (a Job's, Completed) is looked at too, to say why it stopped.
      // What the person names most often first ("Prometheus" five times, "Alertmanager" once).
      // Prefixed words joined as the hints join them ("re-index" is read as "reindex").
      const said = task
        .slice(0, 4000)
        .toLowerCase()
        .replace(/\b(re|pre|de|un|co|sub|non)-(?=[a-z]{3})/g, '$1');
      // A name given with its kind ("the promtail DaemonSet", "deployment web") counts half a mention
      // more: the person names that object, where others may be products the task speaks of.
      const kinded = (h: string) => {
        const at = said.indexOf(h);
        if (at < 0) return false;
        return (
          /^ (?:daemonset|deployment|statefulset|pods?|cronjob|job)\b/.test(
            said.slice(at + h.length, at + h.length + 14),
          ) ||
          /\b(?:daemonset|deployment|statefulset|cronjob|job) $/.test(said.slice(Math.max(0, at - 14), at))
        );
      };
      const guessedOnly = (h: string) => onlyInGuess(asked, (text) => text.toLowerCase().includes(h));
      const mentions = (name: string) =>
        Math.max(
          0,
          ...names
            .filter((h) => matchesHint(name, [h]))
            .map(
              (h) =>
                wordCount(said, h) +
                // Beside failing neighbours only one named log is read: the workload named with its kind,
                // or named exactly so (`nextcloud`, not `nextcloud-db` its name prefixes), is that one.
                (beside && kinded(h) ? 0.5 : 0) +
                (beside && (ownerOf(name, deps) ?? name) === h ? 0.25 : 0) -
                // Named only in the person's guess ("I guess MySQL is overloaded") beside one named in what
                // they report ("requests to statements-api fail"): the guess is what to check the report
                // against, the reported workload's log is read first.
                (beside && guessedOnly(h) ? 0.75 : 0),
            ),
        );
      // Where the task first names a workload the pod belongs to (the end of the text when it does not).
      const firstSaid = (name: string) =>
        Math.min(
          said.length,
          ...names.filter((h) => matchesHint(name, [h]) && said.includes(h)).map((h) => said.indexOf(h)),
        );
      const runningHinted = pods
        .filter(
          (p) =>
            (beside ? ownNamed(p.name) : matchesHint(p.name, names)) &&
            /^(Running|Completed|Succeeded)$/.test(p.status),
        )
        .map((p, i) => ({ p, i, n: mentions(p.name), at: firstSaid(p.name) }))
        // Named as often: the one the person names first is the subject of what they report ("web-bff times
        // out on catalog-api calls"), then the pod list's order.
        .sort((a, b) => b.n - a.n || a.at - b.at || a.i - b.i)
        .map((x) => x.p);
      const seenOwners = new Set<string>();
      // Named members of one set (`ci-worker-a`, `-b`, `-c`: bare pods or a StatefulSet's, each its own
      // owner) are compared, all of them up to four, since the person may mean any one of them.
      const stem = (name: string) => name.replace(/-[a-z0-9]{1,5}$/, '');
      const stems = new Set(runningHinted.map((p) => stem(p.name)));
      const ownersOf = new Set(runningHinted.map((p) => ownerOf(p.name, deps) ?? p.name));
      // Beside other failing pods, the log of the workload named most is enough: the step budget is shared
      // with what those failures call for.
      // Two named about as often (within half a mention): both, since either may be what the person means.
      const owned = [...new Map(runningHinted.map((p) => [ownerOf(p.name, deps) ?? p.name, p])).values()];
      const close = owned.length >= 2 && Math.abs(mentions(owned[0]!.name) - mentions(owned[1]!.name)) <= 0.5;
      const most = beside ? (close ? 2 : 1) : stems.size === 1 && ownersOf.size >= 3 ? 4 : 2;
      for (const p of runningHinted) {
        const o = ownerOf(p.name, deps) ?? p.name;
        if (seenOwners.has(o)) continue;
        seenOwners.add(o);
        if (!beside) yield { tool: 'describe_pod', args: { namespace: ns, name: p.name } };
        yield { tool: 'get_pod_logs', args: { namespace: ns, name: p.name } };
        // A container past the first that the person names ("the cron container"): its own log, which
        // a read without a container name does not give.
        const d = lastOf(seen, 'describe_pod', (x) => x.args['name'] === p.name && x.status === 'ok');
        for (const c of d
          ? containerSections(d.content)
              .filter((x) => !x.init)
              .slice(1)
          : [])
          if (namesContainer(said, c.name))
            yield { tool: 'get_pod_logs', args: { namespace: ns, name: p.name, container: c.name } };
        if (seenOwners.size >= most) break;
      }
      // The named workloads' logs show no failure: the namespace's other workloads' logs next, before
      // its Services and Deployments (the component that fails may be one the person did not name).
      // A log that keeps warning (a rule that fails at every evaluation) is a lead of its own: then not.
      if (
        toDescribe.length === 0 &&
        seenOwners.size > 0 &&
        !outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some(
          (o) => recurringWarnings(o.content.slice(-100_000)).length > 0,
        )
      )
        yield* quietNamespaceLogsAnalyzer.reads(firstCtx);
    }
    const logs = outputs(seen, 'get_pod_logs')
      .map((o) => o.content)
      .join('\n');
    if (/No space left on device|disk full|ENOSPC/i.test(logs)) {
      for (const d of outputs(seen, 'describe_pod')) {
        for (const claim of d.content.matchAll(/ClaimName:\s*(\S+)/g)) {
          yield {
            tool: 'describe_resource',
            args: { kind: 'PersistentVolumeClaim', name: claim[1], namespace: ns },
          };
        }
      }
    }
    // Slowness: look at usage against limits; when nothing here is unhealthy, the slow hop may be
    // in front of it (a proxy, a gateway in another namespace): their usage too, at most three.
    if (SLOW.test(task)) {
      yield { tool: 'get_pod_metrics', args: { namespace: ns } };
      // A log here that already names what fails (a dependency that times out) is the lead instead.
      if (pods.length > 0 && !pods.some(isUnhealthy) && !loggedFailures(seen, ns)) {
        const listed = outputs(seen, 'list_resources', (o) => o.args['kind'] === 'Namespace').pop();
        for (const other of parseTable(listed?.content ?? '')
          .map((r) => r['NAME'] ?? '')
          .filter((n) => n && n !== ns && !/^(kube-|default$)/.test(n))
          .slice(0, 3))
          yield { tool: 'get_pod_metrics', args: { namespace: other } };
      }
    }
    // Resources the LimitRanger wrote into a pod (its kubernetes.io/limit-ranger annotation): the
    // namespace's LimitRanges, which hold those defaults.
    if (
      outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns).some((d) =>
        /kubernetes\.io\/limit-ranger/.test(d.content),
      )
    )
      yield { tool: 'list_resources', args: { kind: 'LimitRange', namespace: ns } };
    // A question about usage (an alert on CPU or memory, a limit, a request): what the pods use.
    if (USAGE.test(task)) yield { tool: 'get_pod_metrics', args: { namespace: ns } };
    // Memory near its limit on a healthy pod: the usage, and the configuration the program reads
    // (a cache's own memory cap and eviction policy decide whether it grows past the limit).
    if (/\bmemory\b|\bOOM/i.test(task) && toDescribe.length === 0) {
      yield { tool: 'get_pod_metrics', args: { namespace: ns } };
      for (const d of outputs(seen, 'describe_pod', (o) => matchesHint(String(o.args['name'] ?? ''), hs))) {
        for (const m of d.content.matchAll(/Type:\s*ConfigMap[^\n]*\n\s*Name:\s*(\S+)/g))
          yield { tool: 'describe_resource', args: { kind: 'ConfigMap', name: m[1], namespace: ns } };
      }
    }
    // Deployments that want pods but have none: their own description and events say why.
    for (const d of deps) {
      const hasPods = pods.some((p) => p.name.startsWith(`${d.name}-`));
      if ((d.desired > 0 && !hasPods) || (d.desired === 0 && matchesHint(d.name, hs))) {
        yield { tool: 'describe_deployment', args: { namespace: ns, name: d.name } };
      }
    }
    const events = outputs(seen, 'get_events')
      .map((o) => o.content)
      .join('\n');
    if (/exceeded quota|forbidden: exceeded/i.test(events))
      yield { tool: 'list_resources', args: { kind: 'ResourceQuota', namespace: ns } };
    // Traffic problems: services and their endpoints.
    const allHealthy = pods.length > 0 && pods.every((p) => !isUnhealthy(p));
    if (TRAFFIC.test(task) || (allHealthy && deps.every((d) => d.readyCount === d.desired))) {
      yield { tool: 'list_services', args: { namespace: ns } };
      // This namespace's list: another namespace's (a dependency's, listed for its endpoints) is not it.
      const svc = lastOf(
        seen,
        'list_services',
        (x) => x.status === 'ok' && (x.args['namespace'] ?? ns) === ns,
      );
      if (svc) {
        const names = parseTable(svc.content)
          .map((r) => r['NAME'] ?? '')
          .filter(Boolean);
        const targets = names.filter((n) => matchesHint(n, hs));
        for (const n of (targets.length > 0 ? targets : names).slice(0, 2)) {
          yield { tool: 'describe_service', args: { namespace: ns, name: n } };
        }
      }
      // This namespace's Services: one of another namespace without endpoints is a dependency's, read below.
      for (const o of outputs(seen, 'describe_service', (x) => (x.args['namespace'] ?? ns) === ns)) {
        const sel = describedField(o.content, 'Selector');
        if (sel && sel !== '<none>' && /Endpoints:\s*<none>/.test(o.content)) {
          yield { tool: 'list_pods', args: { namespace: ns, labelSelector: sel } };
          // Pods selected but not Ready: their description says which probe fails, and how.
          const picked = lastOf(
            seen,
            'list_pods',
            (x) => x.args['labelSelector'] === sel && x.status === 'ok',
          );
          const unready = picked
            ? parseTable(picked.content).find((r) => {
                const [ready, total] = (r['READY'] ?? '').split('/').map(Number);
                return r['NAME'] && ready !== total;
              })
            : undefined;
          if (unready) yield { tool: 'describe_pod', args: { namespace: ns, name: unready['NAME'] } };
          // Nothing selected at all: the workload the service is for says which labels its pods carry.
          if (picked && parseTable(picked.content).filter((r) => r['NAME']).length === 0) {
            const backing = backingDeployment(o.content, deps, seen);
            if (backing) yield { tool: 'describe_deployment', args: { namespace: ns, name: backing } };
          }
        }
      }
      // With endpoints in place, the pods behind the service and their ports matter.
      for (const o of outputs(seen, 'describe_service', (x) => (x.args['namespace'] ?? ns) === ns)) {
        if (!/Endpoints:\s*(?!<none>)\S/.test(o.content)) continue;
        const backing = backingDeployment(o.content, deps, seen);
        if (backing) yield { tool: 'describe_deployment', args: { namespace: ns, name: backing } };
      }
    }
    // Dependencies named in logs: the service they point at, and its own pods when they fail too.
    // A refusal quoted with an address only: the namespace's services, to tell whose ClusterIP it is.
    const depHosts = dependencyHosts(logs);
    if (depHosts.length === 0 && refusedAddress(logs))
      yield { tool: 'list_services', args: { namespace: ns } };
    for (const s of servicesAt(logs, seen))
      if (s.namespace === ns && !depHosts.includes(s.name)) depHosts.push(s.name);
    // A refusal that names no server: the servers the described pods' own settings name, at most two.
    const settingAway = new Map<string, string>();
    if (depHosts.length === 0 && hostlessRefusal(logs)) {
      // The settings are in the description of the pod whose log has the refusal.
      const refused = outputs(
        seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ns && !o.args['previous'],
      ).find((o) => hostlessRefusal(o.content));
      if (refused) yield { tool: 'describe_pod', args: { namespace: ns, name: refused.args['name'] } };
      for (const h of outputs(
        seen,
        'describe_pod',
        (o) => o.args['namespace'] === ns && (!refused || o.args['name'] === refused.args['name']),
      )
        .flatMap((o) => settingHosts(o.content))
        .slice(0, 2)) {
        if (depHosts.includes(h.name)) continue;
        depHosts.push(h.name);
        if (h.namespace) settingAway.set(h.name, h.namespace);
      }
    }
    for (const dep of depHosts) {
      // A dependency the log names in another namespace (rabbitmq.messaging.svc): its Service there,
      // and, when it has no endpoints, the Deployment its selector names (scaled to zero, failing).
      const away = dependencyNamespace(logs, dep) ?? settingAway.get(dep);
      // The log's own namespace for it is where to look; this namespace only when the log names none.
      if (!away || away === ns) yield { tool: 'describe_service', args: { namespace: ns, name: dep } };
      for (const where of away && away !== ns ? [away, ns] : [ns]) {
        if (where !== ns) yield { tool: 'describe_service', args: { namespace: where, name: dep } };
        const svc = lastOf(
          seen,
          'describe_service',
          (o) => o.status === 'ok' && o.args['name'] === dep && o.args['namespace'] === where,
        );
        if (!svc || !/^Endpoints:\s*<none>/m.test(svc.content)) continue;
        const selected = (/^Selector:\s*(\S+)/m.exec(svc.content)?.[1] ?? '')
          .split(',')
          .map((kv) => kv.split('=')[1] ?? '');
        const name = selected.find((n) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(n)) ?? dep;
        if (where !== ns || deps.some((d) => d.name === name))
          yield { tool: 'describe_deployment', args: { namespace: where, name } };
        yield* unavailableDependencyReads(seen, where, name);
        break;
      }
      // A name that does not resolve: where, if anywhere, a service by that name lives.
      if (
        new RegExp(`lookup ${escapeRe(dep)}\\b[^\\n]{0,120}no such host`, 'i').test(logs) ||
        logs.includes(`bad address '${dep}`) ||
        logs.includes(`host not found in upstream "${dep}`)
      )
        yield { tool: 'find_objects', args: { name: dep } };
      const upstream = pods.find((p) => p.name.startsWith(`${dep}-`) && isUnhealthy(p));
      if (upstream) {
        yield { tool: 'describe_pod', args: { namespace: ns, name: upstream.name } };
        yield { tool: 'get_pod_logs', args: { namespace: ns, name: upstream.name, previous: true } };
      }
    }
    // A recent change: the rollout history of the deployment in trouble.
    const troubled = [
      ...new Set(toDescribe.map((p) => ownerOf(p.name, deps)).filter((x): x is string => !!x)),
    ];
    // What changed is the first question about a crash loop too, whatever the task says.
    if (
      CHANGE.test(task) ||
      /ImagePull|ErrImage|CrashLoopBackOff/.test(toDescribe.map((p) => p.status).join(' '))
    ) {
      for (const d of troubled) yield { tool: 'get_rollout_history', args: { namespace: ns, name: d } };
    }
    // A node the task names by its usual form (ip-10-0-3-77, a cloud instance name): read it.
    // When the search found the node under its full name (ip-10-0-3-77.ec2.internal), that is read below.
    const nodesFound = parseTable(
      seen.find((o) => o.tool === 'find_objects' && o.status === 'ok')?.content ?? '',
    ).filter((r) => r['KIND'] === 'Node');
    for (const n of task.match(/\bip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\b/g) ?? [])
      if (!nodesFound.some((r) => (r['NAME'] ?? '').startsWith(`${n}.`)))
        yield { tool: 'describe_node', args: { name: n } };
    // Every pod of a deployment recreated with no new revision, and no fault: who restarted them?
    if (/\b(hour|minutes?|new|young|recreated|restarted|old)\b/i.test(task)) {
      for (const d of outputs(seen, 'describe_deployment')) {
        const revisions = [...d.content.matchAll(/^[ \t]+\d+(?: \(current\))?[ \t]/gm)].length;
        if (/Scaled up replica set \S+ to \d+/.test(d.content) && revisions <= 1)
          yield { tool: 'find_objects', args: { name: 'restart' } };
      }
    }
    // A node the task names: its conditions and events (a reboot, pressure) are read.
    const search = seen.find((o) => o.tool === 'find_objects' && o.status === 'ok');
    for (const r of search ? parseTable(search.content) : []) {
      if (r['KIND'] === 'Node' && r['NAME'] && namesNode(task, r['NAME']))
        yield { tool: 'describe_node', args: { name: r['NAME'] } };
    }
    // A DaemonSet the task names: the nodes it should cover, and its own spec (tolerations, selector).
    for (const r of search ? parseTable(search.content) : []) {
      if (r['KIND'] === 'DaemonSet' && r['NAME'] && r['NAMESPACE'] === ns && matchesHint(r['NAME'], hs)) {
        yield { tool: 'describe_resource', args: { kind: 'DaemonSet', name: r['NAME'], namespace: ns } };
        yield { tool: 'list_nodes', args: {} };
        // The nodes without one of its pods: their taints and labels say why it skips them.
        for (const n of nodesWithout(r['NAME'], seen).slice(0, 3))
          yield { tool: 'describe_node', args: { name: n } };
      }
    }
    // Nothing failing: the deployment the task names is described (its strategy, minReadySeconds,
    // conditions), since the question is then about how it behaves, not why it crashes.
    if (pods.length > 0 && !pods.some(isUnhealthy))
      for (const d of deps.filter((x) => matchesHint(x.name, hs)).slice(0, 1))
        yield { tool: 'describe_deployment', args: { namespace: ns, name: d.name } };
    // ReplicaSets the person asks about: listed.
    if (/\breplica ?sets?\b|\brs\b/i.test(task))
      yield { tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: ns } };
    // Any other object the task names, found in this namespace: described, as an engineer would
    // (its spec, status, conditions and events), at most three.
    let described = 0;
    for (const r of search ? parseTable(search.content) : []) {
      const kind = r['KIND'] ?? '';
      if (described >= 3 || OWN_READS.has(kind) || r['NAMESPACE'] !== ns || !r['NAME']) continue;
      if (!matchesHint(r['NAME'], hs)) continue;
      yield { tool: 'describe_resource', args: { kind, name: r['NAME'], namespace: ns } };
      described++;
    }
    // An object of a kind the scan does not read, with a Warning event in this namespace (a custom
    // resource such as an ExternalSecret or a Certificate): its conditions say what its controller
    // finds wrong. At most two.
    let warned = 0;
    for (const o of outputs(seen, 'get_events', (x) => x.args['namespace'] === ns)) {
      for (const r of parseTable(o.content)) {
        const [kind, name] = (r['OBJECT'] ?? '').split('/');
        if (warned >= 2 || r['TYPE'] !== 'Warning' || !kind || !name || SCANNED_KINDS.has(kind.toLowerCase()))
          continue;
        if (OWN_READS.has(kind) || /^(pod|node|event)$/i.test(kind)) continue;
        // The same object described already under its kind's other spelling (`StressChaos`): not again.
        const lower = kind.toLowerCase();
        const already = outputs(
          seen,
          'describe_resource',
          (x) =>
            String(x.args['kind'] ?? '').toLowerCase() === lower &&
            x.args['name'] === name &&
            x.args['namespace'] === ns,
        ).length;
        if (already === 0) yield { tool: 'describe_resource', args: { kind, name, namespace: ns } };
        warned++;
      }
    }
    // Pending: the nodes decide.
    if (/FailedScheduling|didn't match|Insufficient/i.test(events)) yield { tool: 'list_nodes', args: {} };
    // The other failure families, each an analyzer that asks for what its signature needs.
    const ctx: AnalyzerContext = { task, ns, hints: hs, seen };
    for (const a of ANALYZERS) if (a.early) yield* a.reads(ctx);
    yield* scanReads(ctx, takenOrUnread(seen));
    for (const a of ANALYZERS) if (!a.early) yield* a.reads(ctx);
    // Last, when the budget allows: a named workload of several replicas whose one read log shows no
    // failure, another replica's log, since one replica may hold the work the person asks about (a
    // leader's lease, a singleton's schedule).
    const namedOwners = [
      ...new Set(
        pods
          .filter((p) => p.status === 'Running' && matchesHint(p.name, hs))
          .map((p) => ownerOf(p.name, deps))
          .filter((o): o is string => o !== undefined),
      ),
    ];
    for (const owner of namedOwners.slice(0, 2)) {
      const replicas = pods.filter((p) => p.status === 'Running' && ownerOf(p.name, deps) === owner);
      const logsOf = (name: string) =>
        outputs(
          seen,
          'get_pod_logs',
          (x) => x.args['namespace'] === ns && x.args['name'] === name && !x.args['previous'],
        );
      const read = replicas.filter((p) => logsOf(p.name).length > 0);
      if (replicas.length < 2 || read.length !== 1) continue;
      if (errorLines(logsOf(read[0]!.name).pop()!.content.slice(-100_000)).length > 0) continue;
      const other = replicas.find((p) => p !== read[0]);
      if (other) yield { tool: 'get_pod_logs', args: { namespace: ns, name: other.name } };
    }
  }

  /** What the signatures (`./baseline/signatures/`) find in the observations, strongest first. */
  #findings(seen: SeenObservation[], ns: string, hs: string[]): Finding[] {
    // The findings are a function of the task, the namespace, the hints, the tools and the observations;
    // a step asks for them up to three times, and the final answer asks again for the observations
    // before the change, which the step that proposed the change already had. The last answer is kept.
    const tools = [...this.#tools].join(',');
    const m = this.#findingsMemo;
    if (
      m &&
      m.task === this.#task &&
      m.ns === ns &&
      m.tools === tools &&
      m.hs.length === hs.length &&
      m.hs.every((h, i) => h === hs[i]) &&
      m.seen.length === seen.length &&
      m.seen.every((o, i) => sameObservation(o, seen[i]!))
    )
      return m.out;
    const out = withoutRollback(this.#task, findingsOf(factsOf(this.#task, ns, hs, seen, this.#tools)));
    this.#findingsMemo = { task: this.#task, ns, tools, hs: [...hs], seen: [...seen], out };
    return out;
  }

  #final(seen: SeenObservation[], ns: string, hs: string[], request: DecideRequest): Decision {
    const mutation = [...seen]
      .reverse()
      .find((o) => request.tools.some((t) => t.name === o.tool && t.mutating));
    // The diagnosis is of the state before a change that was made: after it, the failing pods are gone.
    // A memory that summarized the reads before the change may have left nothing to find there: then
    // the reads after it are all there is.
    const applied = mutation?.status === 'ok' ? seen.indexOf(mutation) : -1;
    const before = applied >= 0 ? this.#findings(seen.slice(0, applied), ns, hs) : [];
    // Nothing left to find before the change (summarized away): the finding the change was made for.
    const remembered = applied >= 0 && before.length === 0 && this.#fixFinding ? [this.#fixFinding] : [];
    const findings =
      before.length > 0 ? before : remembered.length > 0 ? remembered : this.#findings(seen, ns, hs);
    const pods = podRows(seen, ns);
    const deps = deploymentRows(seen);
    const lines: string[] = [];
    const top = findings[0];
    const missing = missingNamed(request.task, seen);
    if (missing) lines.push(missing);
    // An alert pasted from another namespace is context, not this namespace's fault: say so.
    const { alert } = question(request.task);
    const alertNs = namespaceCandidates(alert)[0];
    const about = alertNs && alertNs !== ns ? alert.match(/^[ \t]*Alert (\S+)/m)?.[1] : undefined;
    const alertNote = about
      ? `The alert ${about} is about namespace ${alertNs}, a different namespace from ${ns}; it does not show a fault in ${ns}.`
      : undefined;
    if (!top) {
      const warnings = outputs(seen, 'get_events')
        .flatMap((o) => o.content.split('\n'))
        .filter((l) => /\bWarning\b/.test(l));
      if (
        pods.length > 0 &&
        pods.every((p) => !isUnhealthy(p)) &&
        deps.every((d) => d.readyCount >= d.desired)
      ) {
        // A Completed pod is a finished run (a Job's), not a fault: said apart from the running ones.
        const done = pods.filter((p) => /^(Completed|Succeeded)$/.test(p.status));
        const running = pods.filter((p) => !done.includes(p) && !p.retried && !p.evicted);
        lines.push(
          `No fault found in namespace ${ns}: the workloads are healthy. ${
            running.length === 0
              ? 'No pod is running: the namespace holds finished runs only'
              : `${running.length === pods.length ? 'All ' : ''}${running.length} pods are Running and Ready (${running
                  .slice(0, 6)
                  .map((p) => `${p.name} ${p.ready}`)
                  .join(', ')}${running.length > 6 ? ', …' : ''})`
          } and every deployment has its replicas available.${
            done.length > 0
              ? ` ${done.map((p) => p.name).join(', ')} ${done.length === 1 ? 'is' : 'are'} Completed: ${done.length === 1 ? 'a run that' : 'runs that'} finished successfully (exit code 0, as a Job's pod does), not a failure.`
              : ''
          }`,
        );
        // Restarts long past (the RESTARTS column's "(46h ago)"): a crash loop that ended, not one now.
        const restartedLongAgo = running.filter(
          (p) => p.restarts > 0 && (p.lastRestartAgo ?? 0) >= PAST_CRASH_SECONDS,
        );
        if (restartedLongAgo.length > 0) {
          const newest = Math.min(...restartedLongAgo.map((p) => p.lastRestartAgo ?? 0));
          lines.push(
            `The restarts (${restartedLongAgo
              .slice(0, 4)
              .map((p) => `${p.name} ${p.restarts}`)
              .join(
                ', ',
              )}) are old: the last one was ${Math.floor(newest / 3600)}h ago, and the containers have been Running and Ready since. A crash loop restarts every few minutes (the kubelet's back-off is at most five minutes), so this one ended and is resolved: the restart count only keeps its history (it resets when the pod is replaced). Nothing is crashing now, so there is nothing to roll back or restart; an alert from that time is stale.`,
          );
        }
        // Exit code 255 with reason Unknown, however recent: the container runtime lost the container, as
        // when its node restarts; the kubelet started it again when the node came back.
        const rebooted = running.filter(
          (p) =>
            p.restarts > 0 &&
            outputs(seen, 'describe_pod', (o) => o.args['name'] === p.name).some((d) =>
              /Last State:\s+Terminated\s*\n\s+Reason:\s+Unknown\s*\n\s+Exit Code:\s+255\b/.test(d.content),
            ),
        );
        if (rebooted.length > 0)
          lines.push(
            `${rebooted.map((p) => p.name).join(', ')} last stopped with reason Unknown and exit code 255: that is what a container shows when its node rebooted (the container runtime lost it and the kubelet started it again once the node was back), not a crash and not an OOM kill (that would be OOMKilled, exit code 137); restarts on several pods of one node at the same time say the same. Expected after node maintenance: no limits to raise and no bug to open.`,
          );
        const evicted = pods.filter((p) => p.evicted);
        if (evicted.length > 0)
          lines.push(
            `${evicted.length} pod${evicted.length === 1 ? '' : 's'} (${evicted
              .slice(0, 4)
              .map((p) => `${p.name} ${p.status}, ${p.restarts} restarts`)
              .join(
                '; ',
              )}${evicted.length > 4 ? '; …' : ''}) ${evicted.length === 1 ? 'is a leftover' : 'are leftovers'} of an earlier eviction: the kubelet evicted ${evicted.length === 1 ? 'it' : 'them'}, the Deployment replaced ${evicted.length === 1 ? 'it' : 'them'}, and the pod objects stay as records until deleted (or garbage-collected). They are not failing now: the workload is healthy, its replicas are Running and Ready and serving, and nothing is down. Deleting them only tidies the list; if evictions recur, look at the node's memory or disk pressure then.`,
          );
        const retried = pods.filter((p) => p.retried);
        if (retried.length > 0)
          lines.push(
            `${retried.map((p) => `${p.name} (${p.status})`).join(', ')} ${retried.length === 1 ? 'is a failed attempt' : 'are failed attempts'} of a Job run that was retried: the retry completed (${pods
              .filter((p) => /^(Completed|Succeeded)$/.test(p.status))
              .map((p) => p.name)
              .slice(0, 3)
              .join(
                ', ',
              )} Completed), so the Job succeeded; the Job keeps the failed pod for its logs. No rerun is needed: it was a transient failure and nothing needs fixing.`,
          );
        lines.push(...expectedChanges(seen));
        const ctx: AnalyzerContext = { task: this.#task, ns, hints: hs, seen };
        lines.push(...askedState(ctx), ...askedLines(ctx), ...askedStatuses(ctx));
        lines.push(
          ...finishedRunsRemoved(ctx),
          ...cronJobSchedules(ctx),
          ...cronJobHistory(ctx),
          ...replicaSetHistory(ctx),
          ...minReadyWait(ctx),
          ...explainingEvents(ctx),
        );
        // A warning about a pod that is Running and Ready now: a failure that has since cleared.
        const cleared =
          warnings.length > 0
            ? pods.find(
                (p) =>
                  p.status === 'Running' &&
                  /^(\d{1,3})\/\1$/.test(p.ready) &&
                  p.name.length > 0 &&
                  warnings[0]!.includes(p.name),
              )
            : undefined;
        lines.push(
          cleared
            ? `The warnings are from earlier and have since cleared (${clip(warnings[0]!, 100)}): ${cleared.name} is Running and Ready now, so that failure was transient and resolved on its own; nothing is wrong now and no action is needed.`
            : warnings.length > 0
              ? `The only warnings are old or unrelated (${clip(warnings[0]!, 100)}); what I observed is expected behaviour, nothing is wrong now and no action is needed.`
              : 'There are no warning events; what I observed is expected behaviour, nothing is wrong and no action is needed.',
        );
        if (alertNote) lines.push(alertNote);
      } else {
        const bad = pods.filter(isUnhealthy);
        lines.push(
          bad.length > 0
            ? `I could not determine a root cause in ${ns}. Unhealthy pods: ${bad.map((p) => `${p.name} (${p.status})`).join(', ')}.`
            : `I could not determine a root cause in ${ns} from what I observed.`,
        );
      }
      return {
        type: 'final',
        answer: [...lines, ...this.#notes(seen, ns, hs), ...answerTheQuestion(request.task, seen, ns)].join(
          '\n',
        ),
      };
    }
    // An object that names its own place (a node, another namespace's component) is not placed in ns.
    // A cluster-scoped object (a ClusterRole, a CustomResourceDefinition, a namespace) is in none.
    const where =
      /^node | in [a-z0-9-]{1,63}$/.test(top.object) || clusterScoped(top.object)
        ? ''
        : ` in namespace ${ns}`;
    lines.push(`Root cause: ${top.object}${where}: ${top.cause}.`);
    lines.push('Evidence:');
    for (const e of top.evidence) lines.push(`- ${e}`);
    const around = logContext(seen, top.evidence);
    if (around) lines.push(around);
    const settings = failureSettings(seen, top.evidence, around);
    if (settings) lines.push(settings);
    const elsewhere = sameIdElsewhere(seen, top.evidence, around);
    if (elsewhere) lines.push(elsewhere);
    const topName = /^\S+ ([a-z0-9.-]+)/.exec(top.object)?.[1] ?? top.object;
    // A finding on an object the root cause's own cause or evidence names (the pods a NetworkPolicy
    // cuts off, the producer a scaled-down consumer leaves waiting) is its symptom, not a separate incident.
    const told = [top.cause, ...top.evidence].join('\n');
    const others = findings.slice(1).filter((f) => {
      const name = /^\S+ ([a-z0-9.-]+)/.exec(f.object)?.[1] ?? f.object;
      // A pod whose Deployment, or a sibling pod of which, the root cause names is its symptom too.
      const dep = podDeployment(name);
      // So is a Job's, a CronJob run's or a DaemonSet's pod (`<owner>-<5>`) whose owner the root cause names.
      const run = dep === undefined && ownerName(name) !== name ? ownerName(name) : undefined;
      const sibling =
        (dep !== undefined &&
          (told.includes(`deployment ${dep}`) ||
            new RegExp(`(?<![a-z0-9-])${escapeRe(dep)}-[a-z0-9]{6,10}-[a-z0-9]{5}\\b`).test(told))) ||
        (run !== undefined &&
          new RegExp(`(?<![a-z0-9-])${escapeRe(run)}(?:-[a-z0-9]{5})?(?![a-z0-9-])`).test(told));
      return !f.object.includes(topName) && !told.includes(name) && !sibling && f.weight >= 60;
    });
    // One line per other workload: a pod of a Deployment or a Job already listed (in the same namespace)
    // adds nothing, nor does the same object twice.
    const listed = new Set<string>();
    const distinct = others.filter((f) => {
      const m = /^(\S+) ([a-z0-9.-]+)/.exec(f.object);
      const kind = m?.[1] ?? '';
      const name = m?.[2] ?? f.object;
      const place = /\(namespace ([a-z0-9-]{1,63})\)/.exec(f.object)?.[1] ?? '';
      const owner =
        kind === 'pod'
          ? (podDeployment(name) ?? ownerName(name))
          : kind === 'deployment' || kind === 'job'
            ? name
            : `${kind} ${name}`;
      const key = `${owner} ${place}`;
      if (listed.has(key)) return false;
      listed.add(key);
      return true;
    });
    if (distinct.length > 0) {
      lines.push(
        `Also seen (separate from this incident): ${distinct
          .slice(0, 2)
          .map((f) => `${f.object}`)
          .join('; ')}.`,
      );
    }
    lines.push(...scaleChanges(seen, [top.object, told].join('\n')));
    if (mutation) {
      if (mutation.status === 'ok') {
        lines.push(
          `Fix applied (approved): ${this.#fixText ?? mutation.tool}. ${this.#afterFix(seen, ns, mutation)}`,
        );
      } else {
        lines.push(
          `Recommended fix, not applied (${mutation.status}: the change was not approved): ${this.#fixText ?? top.advice ?? ''}.`,
        );
      }
    } else if (top.fix) {
      lines.push(`Recommended fix: ${top.fix.text}.`);
    } else if (top.advice) {
      lines.push(`Recommended fix: ${top.advice}.`);
    }
    // What the analyzers note of the state the diagnosis is of (before the change, when one was made).
    const noted = before.length > 0 ? seen.slice(0, applied) : seen;
    return {
      type: 'final',
      answer: [...lines, ...this.#notes(noted, ns, hs), ...answerTheQuestion(request.task, seen, ns)].join(
        '\n',
      ),
    };
  }

  /** What the analyzers say is worth knowing but not a fault. */
  #notes(seen: SeenObservation[], ns: string, hs: string[]): string[] {
    const ctx: AnalyzerContext = { task: this.#task, ns, hints: hs, seen };
    return ANALYZERS.flatMap((a) => a.notes?.(ctx) ?? []);
  }

  #afterFix(seen: SeenObservation[], ns: string, mutation?: SeenObservation): string {
    const after = lastOf(seen, 'list_pods', (o) => o.status === 'ok');
    if (!after) return '';
    // A pod list from before the change says nothing of its result.
    if (mutation && after.step <= mutation.step) {
      const target = String(mutation.args['deployment'] ?? mutation.args['name'] ?? '');
      return `The pods were not listed again after the change (no step was left for it): it is not confirmed until every pod of ${target || 'the workload'} is Running and Ready (check with list_pods).`;
    }
    ns = String(after.args['namespace'] ?? ns);
    const rows = parseTable(after.content);
    const listing = rows
      .slice(0, 6)
      .map((r) => `${r['NAME']} ${r['STATUS']}`)
      .join(', ');
    // Only a settled rollout is a fix: pods of the changed workload that still fail, or are not all
    // ready yet, are said plainly rather than called fixed.
    const target = String(mutation?.args['deployment'] ?? mutation?.args['name'] ?? '');
    const mine = rows.filter((r) => target !== '' && (r['NAME'] ?? '').startsWith(`${target}-`));
    const unsettled = mine.filter((r) => {
      const [ready, total] = (r['READY'] ?? '0/0').split('/').map(Number);
      return !/^Running$/.test(r['STATUS'] ?? '') || ready !== total;
    });
    if (unsettled.length > 0)
      return `The rollout has not settled yet: ${unsettled
        .slice(0, 4)
        .map((r) => `${r['NAME']} ${r['STATUS']} ${r['READY']}`)
        .join(
          ', ',
        )}; it is not confirmed fixed until every pod of ${target} is Running and Ready (check again with list_pods).`;
    if (mine.length === 0) return `Pods in ${ns} now: ${listing}.`;
    // The changed workload's pods; the namespace's other failing pods are named, as the separate faults
    // above are, without repeating their states.
    const others = rows.filter(
      (r) => !mine.includes(r) && !/^(?:Running|Completed|Succeeded)$/.test(r['STATUS'] ?? ''),
    );
    return `Pods of ${target} in ${ns} now: ${mine
      .slice(0, 6)
      .map((r) => `${r['NAME']} ${r['STATUS']}`)
      .join(', ')}; every pod of ${target} is Running and Ready${
      others.length > 0
        ? `. Not running in ${ns}, separate from this change: ${others
            .slice(0, 4)
            .map((r) => r['NAME'])
            .join(', ')}`
        : ''
    }.`;
  }
}

/** The deployment a service selects: its Selector matches the deployment's, or names it. */
function backingDeployment(
  serviceText: string,
  deps: readonly DeploymentRow[],
  seen: readonly SeenObservation[],
): string | undefined {
  const selector = describedField(serviceText, 'Selector');
  if (!selector || selector === '<none>') return undefined;
  for (const o of outputs(seen, 'describe_deployment')) {
    if (describedField(o.content, 'Selector') === selector) return String(o.args['name'] ?? '');
  }
  const values = selector.split(',').map((kv) => kv.split('=')[1] ?? '');
  return (
    deps.find((d) => values.includes(d.name))?.name ??
    deps.find((d) => values.some((v) => v.startsWith(d.name)))?.name
  );
}

/** The arguments as the harness runs them: the tool's schema defaults filled in, so a call is known done. */
function withDefaults(
  tools: readonly ToolDescriptor[],
  tool: string,
  args: Record<string, unknown>,
): Record<string, unknown> {
  const props = tools.find((t) => t.name === tool)?.inputSchema.properties;
  if (typeof props !== 'object' || props === null) return args;
  const out = { ...args };
  for (const [name, schema] of Object.entries(props as Record<string, { default?: unknown }>)) {
    if (out[name] === undefined && schema?.default !== undefined) out[name] = schema.default;
  }
  return out;
}

// Words of a task that are about the incident, not names of objects: among them a verb written with
// `re-` (re-created, re-deploys, re-scheduled, re-syncing), which names an action, not an object, and a
// latency percentile (p95, p99).
const NOT_A_NAME =
  /^[1-5]xx(?:-[a-z]{1,20})?$|^p(?:50|75|90|95|99|999)$|^re-[a-z]{2,16}(?:ed|es|ing|s)$|^re-(?:create|deploy|run|ran|start|install|enable|apply|sync|index|import|configure|provision|build|built|try|schedule|set|do|did|done|make|made|push|pull|roll|add|open|mount|attach|join)$|^hand-[a-z]{3,16}$|^(?:well|ill|half)-[a-z]{3,16}$|^home-(?:made|grown|brewed|built|baked)$|^(in-house|man-made|crash|crashing|crashloop|crashloopbackoff|imagepullbackoff|errimagepull|oomkilled|crash-loop|crash-looping|on-call|oncall|follow-up|root-cause|read-only|no-go|go-live|sign-off|opt-in|opt-out|e-mail|e-mails|out-of-memory|time-out|time-outs|long-lived|self-hosted|self-managed|on-prem|on-premise|on-premises|third-party|long-running|short-lived|open-source|real-time|end-to-end|multi-tenant|single-node|multi-node|day-to-day|well-known|so-called|roll-out|in-flight|up-to-date|built-in|restart|restarting|failing|failed|error|errors|pending|slow|latency|timeout|timeouts|healthy|unhealthy|broken|outage|incident|production|cluster|kubernetes|container|containers|image|images|memory|disk|node|nodes|logs|events|warning|warnings|please|investigate|today|again|after|before|users|customers|requests|traffic|endpoint|endpoints|since|deploy|deployed|release|rollout|running|started|stopped|down|high|low)$/;

/**
 * The name in a task most worth searching for: a `Kind/name` or `ns/Kind/name` path's last part, a
 * hyphenated or numbered word (names people paste), else the longest word that is not about the
 * incident itself. Undefined when the task names nothing.
 */
function searchTerm(task: string): string | undefined {
  // The baseline asks about the same task at every decision.
  if (SEARCH_TERMS.has(task)) return SEARCH_TERMS.get(task);
  const { asked, alert } = question(task);
  const term = searchTermIn(asked) ?? (alert ? searchTermIn(alert) : undefined);
  if (SEARCH_TERMS.size >= MAX_SEARCH_TERMS) SEARCH_TERMS.clear();
  SEARCH_TERMS.set(task, term);
  return term;
}

/** Search terms found so far, by task text (a pure function of it); emptied when full, so memory stays flat. */
const SEARCH_TERMS = new Map<string, string | undefined>();
const MAX_SEARCH_TERMS = 256;

/**
 * What else the task may name, when the first term finds nothing (a hypothesis in the question,
 * "is metrics-server flaky?", is not the object): the words the person repeats, most often first,
 * then the longest. At most two.
 */
function fallbackTerms(task: string, first: string | undefined): string[] {
  const text = withoutNonNames(question(task).asked).toLowerCase();
  const words = [...text.matchAll(WORD)]
    .filter((m) => !/[#@]/.test(text[m.index - 1] ?? ''))
    .map((m) => m[0])
    .filter((w) => w !== first && !STOP.has(w) && !NOT_A_NAME.test(w) && w.length >= 4 && !/^\d/.test(w));
  const count = new Map<string, number>();
  for (const w of words) count.set(w, (count.get(w) ?? 0) + 1);
  const repeated = [...count]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .map(([w]) => w);
  // A plural of a pasted name ("the invoice-consumers group") names the object in the singular, and
  // another pasted name in the same question may be the object where the first was a label value.
  const singular = first && /[a-z0-9]-[a-z0-9-]*[^s]s$/.test(first) ? [first.slice(0, -1)] : [];
  // In the order the person wrote them: the first name is usually what the question is about.
  const named = words.filter((w) => /-|\d/.test(w) && /[a-z]/.test(w) && !/^-|-$/.test(w));
  return [...new Set([...singular, ...named, ...repeated])].filter((w) => w !== first).slice(0, 2);
}

/**
 * Whether the task names a node: its full name, or its host name without the domain
 * (ip-10-9-4-12 for ip-10-9-4-12.ec2.internal) when that is distinctive (a digit or a hyphen).
 */
function namesNode(task: string, node: string): boolean {
  const text = task.toLowerCase();
  const name = node.toLowerCase();
  if (text.includes(name)) return true;
  const short = name.split('.')[0] ?? '';
  if (short === name || short.length < 6 || !/\d|-/.test(short)) return false;
  return new RegExp(`(?<![\\w.-])${escapeRe(short)}(?![\\w-])`).test(text);
}

/** Whether a find_objects output found anything. */
function foundSomething(o: SeenObservation | undefined): boolean {
  return o !== undefined && parseTable(o.content).some((r) => r['KIND']);
}

// Names Kubernetes itself gives objects: a task naming them names a built-in, not a missing object.
const BUILT_IN_NAMES = new Set([
  'cluster-admin',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'kube-dns',
  'kube-proxy',
]);

/**
 * The task without words that cannot be object names: a word written with two or more capitals
 * (EXTERNAL-IP, a column of kubectl's output; object names are lowercase, RFC 1123) and placeholders
 * (`token-xxxxx`, the random suffix a person did not copy).
 */
function withoutNonNames(task: string): string {
  return task.replace(/[A-Za-z0-9-]{2,253}/g, (w) =>
    // A code of digits with a capital after its first character (SQLSTATE's 42S02, -Xmx2g) is no object's either.
    (w.match(/[A-Z]/g)?.length ?? 0) >= 2 || (/\d/.test(w) && /^.[^A-Z]*[A-Z]/.test(w)) || /x{4,}/i.test(w)
      ? ' '
      : w,
  );
}

/**
 * A word written as a workload's name: a pasted name followed by the kind of its objects ("the
 * cart-api pods"), or any word placed in a namespace that way ("notifier pods in comms"); "the
 * payments pods" alone is a team's or a namespace's word, not a name.
 */
const KINDED_NAME =
  /(?<![\w./-])([a-z0-9]{1,30}-[a-z0-9-]{1,62}|[a-z0-9][a-z0-9-]{2,62}(?=\s+pods?\s+in\s))\s+(?:pods?|deployments?|statefulsets?|daemonsets?|cronjobs?)\b/;

/** A pasted name whose logs, pods or restarts the person speaks of ("stock-client's logs"): the object asked about. */
const POSSESSIVE_NAME =
  /(?<![\w./-])([a-z0-9]{1,30}-[a-z0-9-]{1,62})['\u2019]s\s+(?:logs?|pods?|containers?|restarts?|errors?)\b/;

/** A pasted name the person places in a namespace ("order-router in namespace orders", "api in the shop namespace"). */
const PLACED_NAME =
  /(?<![\w./-])([a-z0-9]{1,30}-[a-z0-9-]{1,62})\s+in\s+(?:the\s+)?(?:(?:namespace|ns)\s+[a-z0-9][a-z0-9-]{0,62}|[a-z0-9][a-z0-9-]{0,62}\s+namespace)\b/g;

/**
 * The first name the person places in a namespace as the subject of what they report, not as where a
 * connection goes ("it can't reach orders-pg in the data namespace" places a hunch's dependency).
 */
function placedName(text: string): string | undefined {
  // Only the first name the person pastes outside the sentences that voice a hunch: a later one placed
  // in a namespace is more often a hunch ("orders-v2 in namespace orders must be broken") than the
  // subject, and a name in a guess ("I am sure the new ingress-nginx strips …") is not the subject.
  const plain = text
    .slice(0, 4000)
    .split(/(?<=[.!?])\s+/)
    .filter((x) => !HUNCH.test(x))
    .join(' ');
  const first = /(?<![\w./-])[a-z0-9]{1,30}-[a-z0-9-]{1,62}/.exec(plain)?.[0];
  for (const m of text.slice(0, 4000).matchAll(PLACED_NAME)) {
    if (m[1] !== first) return undefined;
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    if (
      /\b(?:reach|to|with|calls?|calling|connect|connecting|query|querying|hit|hits)\s+(?:the\s+)?$/.test(
        before,
      )
    )
      continue;
    return m[1];
  }
  return undefined;
}

/**
 * A task that opens with one word placed in a namespace ("hydra in namespace oauth …", "the indexer in
 * the search namespace …"). Bounded: a word of at most 31 characters and a namespace of at most 63.
 */
const PLACED_OPENING =
  /^\s*(?:(?:the|our)\s+)?([a-z][a-z0-9]{2,30})\s+in\s+(?:the\s+)?(?:(?:namespace|ns)\s+[a-z0-9][a-z0-9-]{0,62}|[a-z0-9][a-z0-9-]{0,62}\s+namespace)\b/;

/** Words that open a task without naming a workload ("everything in namespace x", "logins in the shop namespace"). */
const GENERIC_SUBJECT = new Set(
  'everything something anything nothing things stuff workloads apps applications services deployments jobs logins requests queries users calls builds tests uploads downloads writes reads'.split(
    ' ',
  ),
);

/**
 * "the <word> <component>": a workload's name written as two words, the second a word workloads are
 * named with. Bounded: two words of at most 30 letters.
 */
const COMPONENT_PAIR =
  /\b(?:the|our|a|an|its|their|my)\s+([a-z][a-z0-9]{2,30})\s+(gateway|proxy|relay|collector|exporter|controller|scheduler|worker|consumer|producer|router|agent|renderer|indexer|importer|uploader|dispatcher|notifier|mailer|api)\b/;

/**
 * A quantity, which names nothing: a number or a range with a unit or a hedge ("40-odd torrents",
 * "10-15-minute window"), or a number written in words so ("forty-odd", "twenty-something", "two-day").
 */
const isQuantity = (w: string): boolean =>
  /^\d+(?:-\d+){0,3}-[a-z]{1,20}$/.test(w) ||
  /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen|couple)-[a-z]{1,20}$/.test(
    w,
  );

/** Words that describe a component rather than name it ("the same proxy", "the new worker"). */
const DESCRIBING = new Set(
  'same new old other another main first second third last next previous current whole single only bad broken slow fast real own big small large default extra each every this that these those both either one two three failing faulty busy idle dead'.split(
    ' ',
  ),
);

function searchTermIn(raw: string): string | undefined {
  const task = withoutNonNames(raw);
  const text = task.toLowerCase();
  const path = /\b[a-z0-9-]{1,253}(?:\/[a-z0-9.-]{1,253}){1,2}\b/.exec(text);
  if (path) {
    const last = path[0].split('/').pop()!;
    if (last.length >= 3 && !NOT_A_NAME.test(last)) return last;
  }
  // Words as written: a #channel or @person is not an object. A name typed as a prefix
  // ("report-digest-..." for a CronJob's pods) is searched as the prefix.
  const words = [...text.matchAll(WORD)]
    .filter((m) => !/[#@]/.test(text[m.index - 1] ?? ''))
    .map((m) => (/^[a-z0-9]+(?:-[a-z0-9]+)+-+$/.test(m[0]) ? m[0].replace(/-+$/, '') : m[0]))
    .filter((w) => !STOP.has(w) && !NOT_A_NAME.test(w) && w.length >= 3 && !isQuantity(w));
  // A name the person writes as a workload's ("the cart-api pods", "notifier pods in comms") is what
  // the question is about, before any other name they mention (a hunch about a dependency).
  const kinded = KINDED_NAME.exec(text)?.[1] ?? POSSESSIVE_NAME.exec(text)?.[1] ?? placedName(text);
  if (kinded && !STOP.has(kinded) && !NOT_A_NAME.test(kinded) && !/^\d/.test(kinded)) return kinded;
  // The task opens with a one-word name placed in a namespace ("hydra in namespace oauth has been
  // crash looping"): that is the subject, before a pasted name later in the text ("a client-credentials token").
  const opening = PLACED_OPENING.exec(text)?.[1];
  if (
    opening &&
    !STOP.has(opening) &&
    !NOT_A_NAME.test(opening) &&
    !DESCRIBING.has(opening) &&
    !GENERIC_SUBJECT.has(opening) &&
    // A plural ("payments in namespace shop fail since the ledger-writer rollout") is more often what
    // users do than a workload's name: a pasted name later in the task is searched first then.
    !(
      /[^su]s$/.test(opening) &&
      /(?<![\w./-])[a-z0-9]{1,30}-[a-z0-9-]{1,62}/.test(text.slice(opening.length + 1))
    )
  )
    return opening;
  // A number, a range or a date ("20-30 invoices", "2026-06-03") names nothing: a name has a letter.
  const named = words.filter(
    (w) => /-|\d/.test(w) && /[a-z]/.test(w) && !/^\d+(?:[a-z]{1,2})?$/.test(w) && !/^-|-$/.test(w),
  );
  // A name written where a namespace goes ("the Redis in platform-data") is where to look, not
  // what; another pasted name is the object when there is one.
  const objects = named.filter((w) => !new RegExp(`\\b(?:in|namespace|ns)\\s+${escapeRe(w)}\\b`).test(text));
  if (objects.length > 0) return objects.sort((a, b) => b.length - a.length)[0];
  if (named.length > 0) return named.sort((a, b) => b.length - a.length)[0];
  // A component named in two words ("the public gateway", "our mail relay"): workloads are named so,
  // with a hyphen (public-gateway).
  const pair = COMPONENT_PAIR.exec(text);
  if (pair && !STOP.has(pair[1]!) && !NOT_A_NAME.test(pair[1]!) && !DESCRIBING.has(pair[1]!))
    return `${pair[1]}-${pair[2]}`;
  const ns = namespaceCandidates(task)[0];
  if (ns) return ns;
  return words.filter((w) => w.length >= 4).sort((a, b) => b.length - a.length)[0];
}

/** Words that say an object was never made or is gone. */
const TOLD_MISSING =
  /\b(?:(?:does not|doesn['’]t|did not|didn['’]t|do not|don['’]t) (?:exist|appear|show up)|never (?:showed up|appeared|got created|was created|came up)|(?:was|were) never (?:created|made|deployed)|(?:was|were) (?:supposed|meant|expected) to be created|(?:is|are) (?:missing|gone)(?=\s*(?:[.,;:!?)]|$|(?:and|but|from|since|after|now|again|today)\b)))/i;

/**
 * Whether the sentence of the task that names `term`, or the one after it, says the object does not
 * exist (the person knows; they ask why).
 */
function toldMissing(task: string, term: string): boolean {
  const sentences = task.slice(0, 4000).split(/(?<=[.!?])\s+/);
  const at = sentences.findIndex((s) => s.includes(term));
  if (at < 0) return false;
  return sentences.slice(at, at + 2).some((s) => TOLD_MISSING.test(s));
}

/**
 * A sentence saying that the object the task names exists nowhere, when the search for a pasted
 * name (hyphenated or numbered) found nothing: the most useful answer to "why is X not starting"
 * when there is no X.
 */
function missingNamed(task: string, seen: readonly SeenObservation[]): string | undefined {
  const term = searchTerm(task);
  if (!term || !/-|\d/.test(term)) return undefined;
  // A host name (`mongo-2.events.example.com`, a part of one): a DNS name outside the cluster, not an
  // object's name.
  if (term.split('.').length >= 3) return undefined;
  // The person already says it does not exist ("was supposed to be created … but it does not exist"):
  // the question is why it was not made, which what should have made it answers.
  if (toldMissing(task, term)) return undefined;
  // A label value in a pasted alert (probe=…, job=…) names the alert's source, not an object to find.
  if (new RegExp(`\\b[a-z_]+=["']?${escapeRe(term)}\\b`, 'i').test(task)) return undefined;
  // Only a word the task uses as an object's name: quoted, in a path, with a digit, or next to a kind
  // ("the billing-api pods", "deployment billing-api"); "post-upgrade" in prose names nothing.
  const t = escapeRe(term);
  const asName =
    /\d/.test(term) ||
    new RegExp(`[\`"'/]${t}|${t}[\`"'/]`, 'i').test(task) ||
    new RegExp(
      `\\b(?:pods?|deployments?|services?|svc|jobs?|cronjobs?|statefulsets?|daemonsets?|apps?|containers?|ingress(?:es)?|configmaps?|secrets?|workloads?|namespaces?)\\s+${t}\\b|\\b${t}\\s+(?:pods?|deployments?|services?|svc|jobs?|cronjobs?|statefulsets?|daemonsets?|app|containers?|ingress|configmaps?|secrets?|workloads?|namespaces?)\\b`,
      'i',
    ).test(task);
  if (!asName) return undefined;
  // Only inside a message the person pasted ("Bad configuration format: no-loopback-peers"): a word of
  // the message (an option, a setting), not an object's name.
  const outside = task
    .slice(0, 4000)
    .replace(/["“]([^"”\n]{1,400})["”]/g, (all, inner: string) =>
      inner.trim().split(/\s+/).length >= 3 ? ' ' : all,
    );
  if (!new RegExp(`(?<![\\w-])${t}(?![\\w-])`, 'i').test(outside)) return undefined;
  const found = lastOf(seen, 'find_objects', (o) => o.status === 'ok' && o.args['name'] === term);
  if (!found) return undefined;
  const rows = /^no object whose name contains/.test(found.content) ? [] : parseTable(found.content);
  // An object generated from it is it: a pod's random suffix (Kubernetes' SafeEncodeString
  // alphabet, no vowels), a Job run's date or a CronJob's scheduled-time suffix, each maybe followed
  // by its pod's suffix. `-v2` or `-staging` is another object.
  const generated = new RegExp(
    `^${escapeRe(term)}-(?:[bcdfghjklmnpqrstvwxz2-9]{5,10}|\\d{4}-\\d{2}-\\d{2}|\\d{6,12})(?:-[bcdfghjklmnpqrstvwxz2-9]{5})?$`,
  );
  if (rows.some((r) => r['NAME'] === term || generated.test(r['NAME'] ?? ''))) return undefined;
  // A suffix the task itself says ("the deploy job … the v14 release" for `deploy-v14`) names that object.
  const words = new Set(task.toLowerCase().match(/[a-z0-9]{1,40}/g) ?? []);
  const told = (name: string) =>
    name.startsWith(`${term}-`) &&
    name
      .slice(term.length + 1)
      .split('-')
      .every((w) => words.has(w));
  if (rows.some((r) => told(r['NAME'] ?? ''))) return undefined;
  // So does a prefix the task says: a release's or product's name put before it ("keeper-1" of "the stolon
  // cluster" for `stolon-keeper-1`).
  const prefixed = (name: string) =>
    name.endsWith(`-${term}`) &&
    name
      .slice(0, -(term.length + 1))
      .split('-')
      .every((w) => words.has(w));
  if (rows.some((r) => prefixed(r['NAME'] ?? ''))) return undefined;
  // A node's short host name (ip-10-0-1-5 for ip-10-0-1-5.ec2.internal) is that node.
  if (rows.some((r) => r['KIND'] === 'Node' && (r['NAME'] ?? '').startsWith(`${term}.`))) return undefined;
  // Nodes named after it (prod-eu-2-a, prod-eu-2-b for "prod-eu-2"): the name of the cluster or its pool.
  if (rows.filter((r) => r['KIND'] === 'Node' && (r['NAME'] ?? '').startsWith(`${term}-`)).length >= 2)
    return undefined;
  // A name the events or the scan speak of is an object that could not be created, not a typo.
  // So is a name any other output speaks of (a container, a role a binding refers to), or a built-in.
  const said = new RegExp(`(?<![\\w-])${escapeRe(term)}(?![\\w-])`);
  if (BUILT_IN_NAMES.has(term) || seen.some((o) => o.tool !== 'find_objects' && said.test(o.content)))
    return undefined;
  const near = rows.filter((r) => r['KIND'] !== 'Pod').slice(0, 3);
  return `There is no ${term}: no object named "${term}" exists in any namespace I can read (no deployment, pod, job or service by that name), so there is nothing by that name to diagnose; check the name, or whether it was ever deployed.${
    near.length
      ? ` Similar names: ${near.map((r) => `${r['KIND']} ${r['NAME']}${r['NAMESPACE'] && r['NAMESPACE'] !== '-' ? ` in ${r['NAMESPACE']}` : ''}`).join(', ')}.`
      : ''
  }`;
}

/**
 * What the person asked for besides a diagnosis: a list of events or the logs themselves. The
 * answer then carries them, so "list the warning events" is answered with the events.
 */
function answerTheQuestion(task: string, seen: readonly SeenObservation[], ns: string): string[] {
  const { asked } = question(task);
  const out: string[] = [];
  if (/\b(list|show|what are|which|give me|print)\b[^.?\n]{0,40}\bevents?\b/i.test(asked)) {
    const warningsOnly = /\bwarning/i.test(asked);
    const rows = outputs(seen, 'get_events')
      .flatMap((o) => o.content.split('\n').slice(1))
      .filter((l) => l.trim() && (!warningsOnly || /\bWarning\b/.test(l)));
    out.push(
      rows.length > 0
        ? `${warningsOnly ? 'Warning events' : 'Events'} in ${ns} (newest first):\n${rows
            .slice(0, 12)
            .map((l) => `- ${clip(l.replace(/\s{2,}/g, ' '), 200)}`)
            .join('\n')}`
        : `There are no ${warningsOnly ? 'warning ' : ''}events in ${ns}.`,
    );
  }
  if (/\b(show|fetch|get|print|paste|what do|what does)\b[^.?\n]{0,40}\blogs?\b/i.test(asked)) {
    const log = [...seen].reverse().find((o) => o.tool === 'get_pod_logs' && o.status === 'ok');
    if (log) {
      const lines = logLines(log.content).slice(-10);
      out.push(
        `Last ${lines.length} log line(s) of ${String(log.args['name'])}${log.args['previous'] ? ' (previous instance)' : ''}:\n${lines.map((l) => `  ${clip(l, 200)}`).join('\n')}`,
      );
    }
  }
  return out;
}

/** The person's own words, before any alert pasted below them (`taskFor` appends "Alert …"). */
function question(task: string): { asked: string; alert: string } {
  const at = task.search(/\n[ \t]*\nAlert /);
  return at < 0 ? { asked: task, alert: '' } : { asked: task.slice(0, at), alert: task.slice(at) };
}

/** Kinds `find_objects` lists that only support a workload (see `resolveNamespace`). */
const SUPPORTING_KINDS = new Set([
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'PersistentVolume',
  'StorageClass',
]);

/** Words before "in <namespace>" that stand for the task's own workload, not another object. */
const GENERIC_HOLDERS = new Set([
  'pods',
  'pod',
  'deployment',
  'deployments',
  'service',
  'services',
  'everything',
  'things',
  'workloads',
  'workload',
  'it',
  'app',
  'apps',
  'containers',
  'container',
  'jobs',
  'job',
  'something',
  'anything',
  'nothing',
  'stuff',
  'them',
  'this',
  'that',
  'all',
  'running',
  'down',
  'up',
  'failing',
  'broken',
]);

/**
 * Whether the task's words place an object other than `term` in namespace `ns`: "<name> in the <ns>
 * namespace", "<name> in namespace <ns>", "<ns>/<name>". Plain string search, bounded names.
 */
export function placesAnother(text: string, ns: string, term: string): boolean {
  const lower = text.toLowerCase();
  const escaped = ns.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const said = new RegExp(
    `([a-z0-9][a-z0-9-]{0,62}) in (?:the )?(?:namespace |ns )?${escaped}(?![a-z0-9-])|(?<![a-z0-9-])${escaped}/([a-z0-9][a-z0-9-]{0,62})`,
    'g',
  );
  for (const m of lower.matchAll(said)) {
    const name = m[1] ?? m[2];
    // An object's name as people write one (orders-pg, redis-2), not a word of the sentence ("default-deny
    // ingress in the orders namespace").
    if (name && name !== term && /[-0-9]/.test(name) && !GENERIC_HOLDERS.has(name) && !term.startsWith(name))
      return true;
  }
  return false;
}

/**
 * The namespace the task means, from what `find_objects` found: a namespace the task's phrasing
 * names and the cluster has; else the namespace of the object whose name is the search term, or the
 * namespace the term names; else where most matches live. Undefined when nothing was found.
 */
function resolveNamespace(
  task: string,
  term: string | undefined,
  seen: readonly SeenObservation[],
): string | undefined {
  const found = namespaceFound(task, term, seen);
  // A namespace the person puts off limits is where to look only when nothing else is named.
  const { asked, alert } = question(task);
  const offLimits = offLimitsNamespaces(task);
  if (found === undefined || !offLimits.includes(found)) return found;
  return (
    [...namespaceCandidates(asked), ...namespaceCandidates(alert)].find((n) => !offLimits.includes(n)) ??
    found
  );
}

/** `resolveNamespace` before a namespace put off limits is set aside. */
function namespaceFound(
  task: string,
  term: string | undefined,
  seen: readonly SeenObservation[],
): string | undefined {
  const { asked, alert } = question(task);
  // A namespace named only in the person's hunch ("I think the replica set in namespace mongodb is
  // unhealthy") comes after one they ask us to look in ("find the cause in namespace community").
  const hunched = new Set(hunchNamespaces(asked));
  // One the person puts off limits comes after every other, the pasted alert's too.
  const offLimits = new Set(offLimitsNamespaces(task));
  const named = namespaceCandidates(asked).filter((n) => !offLimits.has(n));
  const candidates = [
    ...new Set([
      ...named.filter((n) => !hunched.has(n)),
      ...named,
      ...namespaceCandidates(alert),
      ...offLimits,
    ]),
  ];
  // The search for the task's own term; later searches (a dependency's name) are not about the task.
  const found =
    lastOf(seen, 'find_objects', (o) => o.status === 'ok' && o.args['name'] === term) ??
    lastOf(seen, 'find_objects', (o) => o.status === 'ok');
  const all = found ? parseTable(found.content) : [];
  if (all.length === 0 || !all[0]!['KIND']) return candidates[0];
  // Objects that only support a workload (its ServiceAccount, RBAC, disruption budget, network policy,
  // storage) place the task only when nothing else matched: a ServiceAccount named checkout in the CI
  // namespace is not where the checkout pods crash.
  const primary = all.filter((r) => !SUPPORTING_KINDS.has(r['KIND'] ?? ''));
  const rows = primary.length > 0 ? primary : all;
  const namespaces = new Set<string>();
  for (const r of rows) {
    if (r['KIND'] === 'Namespace') namespaces.add(r['NAME'] ?? '');
    else if (r['NAMESPACE'] && r['NAMESPACE'] !== '-') namespaces.add(r['NAMESPACE']);
  }
  // A candidate the search confirms, unless the person only guessed it and asks us to look elsewhere.
  const asking = named.find((n) => !hunched.has(n));
  const confirmed = candidates.find((c) => namespaces.has(c) && !(hunched.has(c) && asking));
  if (confirmed) return confirmed;
  // A namespace the person names outright is where they ask to look, even if the search found the
  // term elsewhere (an alert pasted from another namespace). A namespace only in the pasted alert's
  // labels does not outweigh where the object the person names was found.
  const askedNs = asking ?? named[0];
  const exact = rows.find((r) => r['NAME'] === term);
  // Unless the words place another object there ("I bet it can't reach orders-pg in the data
  // namespace": a hunch's dependency), while the object the task is about was found elsewhere.
  const elsewhere =
    askedNs !== undefined &&
    term !== undefined &&
    exact !== undefined &&
    exact['NAMESPACE'] !== askedNs &&
    placesAnother(asked, askedNs, term);
  if (askedNs && !elsewhere) return askedNs;
  // A cluster-scoped object (a Node) says nothing about the namespace: the task's words decide.
  if (exact && exact['KIND'] !== 'Namespace' && (!exact['NAMESPACE'] || exact['NAMESPACE'] === '-'))
    return undefined;
  if (exact) return exact['KIND'] === 'Namespace' ? exact['NAME'] : exact['NAMESPACE'];
  if (candidates[0]) return candidates[0];
  const tally = new Map<string, number>();
  for (const r of rows) {
    const n = r['KIND'] === 'Namespace' ? r['NAME'] : r['NAMESPACE'];
    if (n && n !== '-') tally.set(n, (tally.get(n) ?? 0) + (r['KIND'] === 'Namespace' ? 2 : 1));
  }
  return [...tally].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * What the events say changed on purpose, for an answer that finds nothing wrong: an autoscaler's
 * rescales (fewer pods than last night is the HPA scaling in), a node's reboot (one restart on every
 * pod of that node). The person asked about the change; the answer says what made it, and that it is
 * expected.
 */
function expectedChanges(seen: readonly SeenObservation[]): string[] {
  const out: string[] = [];
  const events = outputs(seen, 'get_events').flatMap((o) => o.content.split('\n'));
  const rescales = events.filter((l) => /SuccessfulRescale/.test(l) && /horizontalpodautoscaler\//i.test(l));
  // An HPA holding its replicas after load fell: its scale-down stabilization window (300 s unless
  // behavior.scaleDown says otherwise) keeps the highest recommendation of the window, and says so in
  // its AbleToScale condition (reason ScaleDownStabilized; kubernetes.io, "Horizontal Pod Autoscaling",
  // Stabilization window).
  const stabilized = outputs(
    seen,
    'describe_resource',
    (o) =>
      /^(hpa|horizontalpodautoscalers?)$/i.test(String(o.args['kind'])) &&
      /ScaleDownStabilized/.test(o.content),
  ).pop();
  if (stabilized) {
    const name = String(stabilized.args['name'] ?? '');
    const replicas = /currentReplicas: (\d{1,6})/.exec(stabilized.content)?.[1];
    const window = /stabilizationWindowSeconds: (\d{1,6})/.exec(stabilized.content)?.[1] ?? '300';
    out.push(
      `The HorizontalPodAutoscaler ${name} holds ${replicas ?? 'its'} replicas although utilization is now below its target because of its scale-down stabilization window (ScaleDownStabilized: "recent recommendations were higher than current one"): for ${window} seconds (${Number(window) / 60} minutes; 300 s is Kubernetes' default) after load falls it keeps the highest recommendation of the window, so a short dip does not make it flap; once the window has passed it scales down on its own. This is expected and working as designed: no need to scale down by hand (the HPA would undo it), and nothing is broken.`,
    );
  }
  if (rescales.length > 0) {
    const hpa = /horizontalpodautoscaler\/([a-z0-9.-]+)/i.exec(rescales[0]!)?.[1] ?? '';
    const said = rescales[0]!.replace(/^.*SuccessfulRescale\s+\S+\s+/, '').trim();
    const up = /above target/i.test(said);
    out.push(
      `The pod count changed because the HorizontalPodAutoscaler ${hpa} scaled the workload (${rescales.length} rescale event(s), newest: "${clip(said, 120)}"): nothing killed the pods; ${
        up ? 'the autoscaler scaled up as load rose' : 'the autoscaler scaled down as load fell'
      }, which is expected and working as designed. No need to scale it by hand: the HPA follows the load (and would undo a manual change).`,
    );
  }
  // A rolling update Stakater Reloader started: a Deployment annotated for it rolls its pods when a
  // ConfigMap or Secret it uses changes (https://github.com/stakater/Reloader, its annotations).
  for (const d of outputs(seen, 'describe_deployment')) {
    const annotation =
      /(?:^|\s)((?:configmap\.|secret\.)?reloader\.stakater\.com\/(?:auto|reload|search|match)[=:]\s{0,4}\S{0,200})/m.exec(
        d.content,
      )?.[1];
    if (!annotation) continue;
    const name = String(d.args['name'] ?? '');
    const rolled = events.filter(
      (l) =>
        /ScalingReplicaSet/.test(l) && l.includes(`${name}-`) && /Scaled (?:up|down) replica set/.test(l),
    );
    if (rolled.length < 2) continue;
    out.push(
      `The pods of ${name} were replaced by a rolling update that Stakater Reloader started: the Deployment carries ${clip(annotation.trim(), 80)}, so when a ConfigMap or Secret it uses changes, Reloader updates its pod template and the Deployment rolls the pods one by one (${rolled.length} ScalingReplicaSet events, e.g. "${clip(rolled[0]!.trim().replace(/\s{2,}/g, ' '), 110)}"). That is the configuration change being applied as designed: the new pods are Running and Ready, nothing is broken and no action is needed.`,
    );
  }
  // A DaemonSet that skips nodes: the taints it does not tolerate (control-plane NoSchedule).
  for (const ds of outputs(seen, 'describe_resource', (o) => o.args['kind'] === 'DaemonSet')) {
    const name = String(ds.args['name'] ?? '');
    const tolerations = ds.content
      .split('\n')
      .filter((l) => /tolerations/.test(l))
      .join(' ');
    for (const n of nodesWithout(name, seen)) {
      const node = outputs(seen, 'describe_node', (o) => o.args['name'] === n).pop();
      const taint = node
        ? /^[ \t]*Taints:[ \t]*(\S{1,300}:(?:NoSchedule|NoExecute))/m.exec(node.content)?.[1]
        : undefined;
      if (!taint) continue;
      const key = taint.split(/[=:]/)[0]!;
      if (tolerations.includes(key) || /operator: Exists/.test(tolerations)) continue;
      out.push(
        `DaemonSet ${name} has no pod on node ${n} by design: ${n} carries the taint ${taint}${/control-plane|master/.test(taint) ? ' (a control-plane node)' : ''} and the DaemonSet's pod template has no toleration for it, so the node is not counted in DESIRED. This is expected, not a fault: every node it may run on has its pod Ready; add a toleration for ${key} only if that node should run it too.`,
      );
    }
  }
  // A cache near its memory limit by design: its own cap (maxmemory) below the container's limit,
  // with an eviction policy, means it evicts keys at the cap instead of growing into an OOM kill.
  for (const cm of outputs(seen, 'describe_resource', (o) => o.args['kind'] === 'ConfigMap')) {
    const cap = /^[ \t]*maxmemory[ \t]+(\d+)[ \t]*(b|kb|k|mb|m|gb|g)?[ \t]*$/im.exec(cm.content);
    if (!cap) continue;
    const policy = /^[ \t]*maxmemory-policy[ \t]+(\S+)/im.exec(cm.content)?.[1];
    if (!policy || policy === 'noeviction') continue;
    const unit = (cap[2] ?? 'b').toLowerCase();
    const mult: Record<string, number> = {
      b: 1,
      k: 1e3,
      kb: 1024,
      m: 1e6,
      mb: 1024 ** 2,
      g: 1e9,
      gb: 1024 ** 3,
    };
    const bytes = Number(cap[1]) * (mult[unit] ?? 1);
    const mounting = outputs(seen, 'describe_pod').find((d) =>
      new RegExp(`Name:\\s*${escapeRe(String(cm.args['name'] ?? ''))}\\b`).test(d.content),
    );
    const limit = mounting ? memoryLimit(mounting.content) : undefined;
    const limitBytes = parseQuantity(limit);
    if (limitBytes === undefined || bytes >= limitBytes) continue;
    const usage = outputs(seen, 'get_pod_metrics')
      .flatMap((o) => o.content.split('\n'))
      .find((l) => /memory [^\n]{0,200}limit/.test(l));
    const oomKills = outputs(seen, 'get_pod_metrics').some((o) => /oomKills: [1-9]/.test(o.content));
    if (oomKills) continue;
    out.push(
      `Memory near the limit is by design here, not a leak: the program's configuration (ConfigMap ${String(cm.args['name'])}) caps its data at maxmemory ${cap[1]}${cap[2] ?? ''} with eviction policy ${policy}, so it fills up to that cap and then evicts keys (eviction, ${/lru/i.test(policy) ? 'least recently used first' : policy}) instead of growing${usage ? ` (${clip(usage.trim(), 100)})` : ''}. The cap is below the ${limit} memory limit and no container has been killed for memory, so none is about to be: this is expected and healthy, and there is no need to raise the limit (a higher limit would only hold more cached keys).`,
    );
  }
  // Probe failures while pods start (warm-up): they are Ready now, so the warnings were the start-up.
  const probeFails = events.filter(
    (l) => /\bWarning\b/.test(l) && /(Readiness|Startup) probe failed/.test(l),
  );
  if (probeFails.length > 0) {
    out.push(
      `The ${/Startup/.test(probeFails[0]!) ? 'startup' : 'readiness'} probe failures (${probeFails.length} warning event(s), newest: "${clip(probeFails[0]!.replace(/\s{2,}/g, ' '), 140)}") happened while the pods were starting up (warm-up: the program was not serving yet); every pod is Ready now with no restarts, so this is expected start-up behaviour, not a fault, and no rollback is needed. A startupProbe or a longer initialDelaySeconds would keep such warnings out of the events.`,
    );
  }
  // Pods that waited for a node: the cluster autoscaler (or Karpenter) added one and they run now.
  const scaleUp = events.find((l) =>
    /TriggeredScaleUp|triggered scale-up|Nominated|LaunchedNodeClaim|Launched/i.test(l),
  );
  const pendingBefore = events.find((l) => /FailedScheduling/.test(l));
  if (scaleUp && pendingBefore) {
    out.push(
      `The FailedScheduling warnings ("${clip(pendingBefore.replace(/\s{2,}/g, ' '), 120)}") were transient: the pods waited for capacity while the cluster autoscaler scaled up and added a new node (${clip(scaleUp.replace(/\s{2,}/g, ' '), 140)}); they are scheduled and Running now, so this is the autoscaler working as designed, not a fault, and nothing needs fixing.`,
    );
  }
  // A workload KEDA scaled to zero: its trigger went inactive (an empty queue), which is the design.
  const keda = events.find((l) => /KEDAScaleTargetDeactivated/.test(l));
  if (keda) {
    const target = /scaledobject\/([a-z0-9.-]{1,253})/i.exec(keda)?.[1] ?? '';
    const activated = events.find((l) => /KEDAScaleTargetActivated/.test(l));
    out.push(
      `${target ? `${target} has` : 'The workload has'} zero pods because KEDA scaled it to zero: its ScaledObject ${target} deactivated the target ("${clip(keda.replace(/\s{2,}/g, ' '), 140)}") when its trigger went inactive (nothing left in the queue)${activated ? `, after activating it for the last batch ("${clip(activated.replace(/\s{2,}/g, ' '), 120)}")` : ''}. Scale to zero (minReplicaCount 0) is expected and by design: nobody scaled it down by accident, and there is no need to scale it up by hand (KEDA would undo it); it scales up again when messages arrive.`,
    );
  }
  // Pods recreated together with no new revision: a restart, a scheduled one when a CronJob says so.
  for (const d of outputs(seen, 'describe_deployment')) {
    const name = String(d.args['name'] ?? '');
    const revisions = [...d.content.matchAll(/^[ \t]+\d+(?: \(current\))?[ \t]/gm)].length;
    const recreated = /Scaled up replica set \S+ to \d+/.test(d.content) && revisions <= 1;
    const search = outputs(seen, 'find_objects', (o) => o.args['name'] === 'restart').pop();
    const job = search
      ? parseTable(search.content).find((r) => r['KIND'] === 'CronJob' && (r['NAME'] ?? '').includes(name))
      : undefined;
    if (recreated && job)
      out.push(
        `The ${name} pods are new because they were restarted on a schedule, not because they crashed: CronJob ${job['NAME']} in namespace ${job['NAMESPACE']} is, by its name, a scheduled restart of deployment ${name} (a rollout restart replaces every pod with a new ReplicaSet of the same revision: same image, nobody deployed; describe the CronJob to see its schedule and command). The pods have no restarts and are Running and Ready: this daily restart is expected, and there is nothing to do.`,
      );
  }
  // A cordoned node that is Ready: taken out of scheduling on purpose (maintenance), not broken.
  for (const o of outputs(seen, 'describe_node')) {
    if (!/^Unschedulable:\s+true\b/m.test(o.content) || !/^[ \t]+Ready[ \t]+True\b/m.test(o.content))
      continue;
    // The cluster autoscaler's own taint: a scale-down in progress, said below.
    if (/ToBeDeletedByClusterAutoscaler/.test(o.content)) {
      const name = String(o.args['name'] ?? '');
      out.push(
        `Node ${name} is being removed by the cluster autoscaler (scale-down): it carries the autoscaler's ToBeDeletedByClusterAutoscaler taint, so the autoscaler cordoned it (SchedulingDisabled) and drained its pods because the node was underused; the pods were recreated on other nodes and are Running and Ready. This is expected, not a broken node: do not uncordon it, the autoscaler deletes it shortly.`,
      );
      continue;
    }
    const pressure = /^[ \t]+(Memory|Disk|PID)Pressure[ \t]+True\b/m.test(o.content);
    if (pressure) continue;
    const name = String(o.args['name'] ?? '');
    const held = /Non-terminated Pods:\s+\((\d+) in total\)/.exec(o.content)?.[1];
    const maintenance = o.content
      .split('\n')
      .find((l) => /maintenance|patch|upgrade|drain/i.test(l) && !/^\s*(Type|Conditions)/.test(l));
    out.push(
      `Node ${name} is cordoned (Unschedulable: true, shown as SchedulingDisabled), not broken: its Ready condition is True and it reports no memory, disk or PID pressure. Cordoning (and draining${held === '0' ? ': it runs no pods now' : ''}) is what an operator does before planned maintenance${maintenance ? ` (${clip(maintenance.trim().replace(/\s{2,}/g, ' '), 100)})` : ''}; the pods were moved to the other nodes and are Running and Ready there, so nothing is affected. Uncordon it (kubectl uncordon ${name}) once the maintenance is done.`,
    );
  }
  for (const o of outputs(seen, 'describe_node')) {
    const reboot = o.content.split('\n').find((l) => /\bRebooted\b|has been rebooted|boot id/i.test(l));
    if (!reboot) continue;
    out.push(
      `Node ${String(o.args['name'] ?? '')} was rebooted (event: "${clip(reboot.trim().replace(/\s{2,}/g, ' '), 160)}"): when a node reboots, the kubelet restarts the containers of its pods once, so one restart on each pod of that node is expected and harmless; the pods are Running and Ready again and there is nothing to fix.`,
    );
  }
  return out;
}

/** Nodes from the node list that run no pod of the named workload (by the pods list's NODE column). */
function nodesWithout(workload: string, seen: readonly SeenObservation[]): string[] {
  const nodes = lastOf(seen, 'list_nodes', (o) => o.status === 'ok');
  if (!nodes) return [];
  const hosting = new Set(
    outputs(seen, 'list_pods')
      .flatMap((o) => parseTable(o.content))
      .filter((r) => (r['NAME'] ?? '').startsWith(`${workload}-`))
      .map((r) => r['NODE'] ?? ''),
  );
  return parseTable(nodes.content)
    .map((r) => r['NAME'] ?? '')
    .filter((n) => n && !hosting.has(n));
}

/**
 * A service in another namespace that a workload the task names (in a quiet namespace it names)
 * fails to reach, by its log: the reads that lead there (the pods, the workload's log, a scan of the
 * service's namespace), one at a time, then that namespace when its scan finds something.
 */
function loggedDependencyElsewhere(
  seen: readonly SeenObservation[],
  hs: readonly string[],
  named: readonly string[],
  want: (tool: string, args: Record<string, unknown>) => Decision | undefined,
): { decision?: Decision; ns?: string } | undefined {
  for (const n of named) {
    if (!quietScan(seen, n)) continue;
    const pods = podRows(seen, n);
    if (pods.length === 0) {
      const d = want('list_pods', { namespace: n });
      if (d) return { decision: d };
      continue;
    }
    const pod = pods.find((p) => p.status === 'Running' && matchesHint(p.name, hs));
    if (!pod) continue;
    const logs = lastOf(
      seen,
      'get_pod_logs',
      (o) => o.status === 'ok' && o.args['name'] === pod.name && o.args['namespace'] === n,
    );
    if (!logs) {
      const d = want('get_pod_logs', { namespace: n, name: pod.name });
      if (d) return { decision: d };
      continue;
    }
    const lines = logs.content.split('\n');
    // The hosts a failure names, and any in-cluster service name (`<service>.<namespace>.svc`).
    const svcNames = [
      ...logs.content.matchAll(/(?<![a-z0-9.-])([a-z][a-z0-9-]{0,62})\.[a-z][a-z0-9-]{0,62}\.svc\b/g),
    ].map((m) => m[1]!);
    for (const host of new Set([...dependencyHosts(logs.content), ...svcNames])) {
      const away = dependencyNamespace(logs.content, host);
      if (!away || named.includes(away)) continue;
      const failing = lines.some(
        (l) =>
          l.includes(`${host}.${away}`) &&
          /refused|timeout|timed out|unavailable|no such host|failed|error/i.test(l),
      );
      if (!failing) continue;
      if (!lastOf(seen, 'scan', (o) => o.status === 'ok' && o.args['namespace'] === away)) {
        const d = want('scan', { namespace: away });
        if (d) return { decision: d };
        continue;
      }
      if (!quietScan(seen, away)) return { ns: away };
    }
  }
  return undefined;
}

/**
 * The workload a task says logs errors, and the namespace the same words place it in: `checkout in
 * shop is logging …`, `the payments-api logs show …`, `web's logs show …`. Case-insensitive; words
 * found by bounded patterns on the task.
 */
export function loggingWorkload(task: string): { workload: string; namespace?: string } | undefined {
  const m =
    /\b([a-z][a-z0-9-]{1,62})(?: (?:pods? )?in ([a-z0-9][a-z0-9-]{0,62}))? (?:is|are|keeps|keep) logging\b/i.exec(
      task,
    ) ??
    /\b([a-z][a-z0-9-]{1,62})(?: (?:pods? )?in ([a-z0-9][a-z0-9-]{0,62}))?(?:'s| pod's| pods'|) logs? (?:show|shows|say|says)\b/i.exec(
      task,
    );
  const w = m?.[1]?.toLowerCase();
  if (m && (w === 'its' || w === 'their')) return pronounWorkload(task.slice(0, m.index));
  return w && !STOP.has(w) && w !== 'app'
    ? { workload: w, ...(m?.[2] ? { namespace: m[2].toLowerCase() } : {}) }
    : undefined;
}

/**
 * What "its logs say" refers to: the last hyphenated workload name the text before names ("Alert from
 * pricing-bff (frontend namespace): … Its logs say …"), with the namespace the same words give it
 * ("(frontend namespace)", "in frontend"). Bounded patterns, linear in the text.
 */
function pronounWorkload(before: string): { workload: string; namespace?: string } | undefined {
  const names = [
    ...before.matchAll(
      /(?<![\w./-])([a-z][a-z0-9]{0,30}(?:-[a-z0-9]{1,30}){1,5})(?![\w./-])(?: \(([a-z0-9][a-z0-9-]{0,62}) namespace\)| (?:pods? )?in ([a-z0-9][a-z0-9-]{0,62}))?/gi,
    ),
  ];
  const last = names[names.length - 1];
  if (!last) return undefined;
  const namespace = (last[2] ?? last[3])?.toLowerCase();
  return { workload: last[1]!.toLowerCase(), ...(namespace ? { namespace } : {}) };
}

/**
 * Whether the task reports requests passing through the namespace's workload: "through the edge
 * gateway", "via edge". Case-insensitive, one bounded pattern.
 */
export function throughNamed(task: string, ns: string): boolean {
  return new RegExp(`\\b(?:through|via)\\s+(?:the\\s+|our\\s+)?${escapeRe(ns)}(?![\\w/-]|\\.\\w)`, 'i').test(
    task.slice(0, 4000),
  );
}

/**
 * Whether the task forbids every change: "do not change anything (yet)", "don't touch anything", "no
 * changes please", "make no changes". A scoped or conditional one ("don't change anything outside
 * payments", "… unless …", "don't touch other workloads", "… in the data namespace": that one is off
 * limits, see `offLimitsNamespaces`) does not. Case-insensitive, bounded patterns.
 */
export function forbidsChanges(task: string): boolean {
  const text = task.slice(0, 4000);
  return (
    /\b(?:do not|don't|never) (?:change|modify|touch|fix) anything\b(?!,? (?:unless|outside|except|but|other than|else|beyond|in other)\b| in (?:the )?(?:[a-z0-9-]{1,63} )?namespace\b)/i.test(
      text,
    ) ||
    /\b(?:make no changes|no changes(?: to the cluster| please)|read-only investigation|(?:change|touch|modify) nothing)\b/i.test(
      text,
    )
  );
}

/**
 * Whether the person rules a rollback out ("We cannot roll back: the release carries a security fix",
 * "rolling back is not an option", "no rollback"), or holds their own plan to roll back until the cause
 * is confirmed ("… we should roll back to 2.18.1. Can you confirm what is wrong before we do that?").
 */
export function forbidsRollback(task: string): boolean {
  const text = task.slice(0, 4000);
  // "roll back", "roll it back", "roll the release back".
  // Not "roll out back-end changes": the words between are not "out", and "back" is not part of a longer word.
  const back = String.raw`(?:roll(?:ing)?\s{1,3}(?:(?!out\b)\w{1,12}\s{1,3}){0,2}?back(?![\w-])|rollbacks?|roll-back|revert(?:ing)?)`;
  const rules = [
    // "We cannot roll back", "do not roll this back", "don't revert".
    new RegExp(
      String.raw`\b(?:cannot|can ?not|can't|must not|mustn't|do not|don't|won't|will not|may not|should not)\s{1,3}(?:\w{1,12}\s{1,3}){0,2}?${back}`,
      'i',
    ),
    // "it can't be rolled back", "must not be reverted".
    /\b(?:cannot|can ?not|can't|must not|mustn't|may not|should not|won't)\s{1,3}be\s{1,3}(?:rolled\s{1,3}back|reverted)\b/i,
    // "Rolling back is not an option", "Rollback is not possible".
    new RegExp(
      String.raw`\b(?:a\s{1,3})?${back}\s{1,3}(?:is|isn't)\s{1,3}(?:not\s{1,3})?(?:an option|possible|allowed)\b`,
      'i',
    ),
    // "no rollback", but not a report that none happened ("there was no rollback").
    /(?<!\bthere\s{1,3}(?:was|is|were|has been|had been)\s{1,3})\bno\s{1,3}(?:rollbacks?|roll-backs?|rolling back)\b/i,
  ];
  // The person's own plan to roll back, held until the cause is confirmed: "… we should roll back. Can you
  // confirm what is wrong before we do that?", "Before we do that, can you check …", "check the logs before
  // rolling back". The plan is theirs (should, want to, going to …), not a report of a past rollback.
  const ask = String.raw`\b(?:confirm|check|verify|tell me|make sure|double-check|find out)\b`;
  const heldBack = new RegExp(
    String.raw`${ask}[^.?!]{0,200}?\bbefore\s{1,3}(?:we\s{1,3}|I\s{1,3})?${back}`,
    'i',
  );
  const that = String.raw`\bbefore\s{1,3}(?:we|I)\s{1,3}do\s{1,3}(?:that|it|so|this)\b`;
  const heldThat = new RegExp(
    String.raw`${ask}[^.?!]{0,200}?${that}(?!\s{1,3}again\b)|${that}(?!\s{1,3}again\b)[^.?!]{0,40}?${ask}`,
    'i',
  );
  const plan = new RegExp(
    String.raw`\b(?:should|shall|will|want to|wants to|going to|about to|plan to|planning to|need to|have to|must|let's|let us|could|can|might|I'd|we'd)\s{1,3}(?:\w{1,12}\s{1,3}){0,2}?${back}`,
    'i',
  ).exec(text);
  const held = heldBack.test(text) || (plan !== null && heldThat.test(text.slice(plan.index)));
  const allowed =
    /\b(?:roll(?:ing)?\s{1,3}back|a rollback|rollback) is (?:an option|possible|allowed|fine)\b/i;
  return (rules.some((r) => r.test(text)) || held) && !allowed.test(text);
}

/**
 * The findings without the changes that return to an earlier release (a `rollback_deployment`, a
 * fallback that sets an image back) when the person ruled a rollback out: recommended as text, not tried.
 */
function withoutRollback(task: string, findings: Finding[]): Finding[] {
  if (!forbidsRollback(task)) return findings;
  return findings.map((f) => {
    const back = (x: Finding['fix']) =>
      x && (x.tool === 'rollback_deployment' || (x.tool === 'set_image' && /\bback to\b/.test(x.text)));
    const rollsBack = f.advice !== undefined && /\broll\b[^.]{0,80}\bback\b/.test(f.advice);
    if (!back(f.fix) && !back(f.fallback) && !rollsBack) return f;
    const { fix, fallback, ...rest } = f;
    // A fallback that goes forward (the release's image at its right address) becomes the fix when the fix
    // was the rollback.
    const kept = fix && !back(fix) ? fix : fallback && !back(fallback) ? fallback : undefined;
    return {
      ...rest,
      ...(rollsBack ? { advice: 'fix the release itself (a rollback is ruled out)' } : {}),
      ...(kept ? { fix: kept } : {}),
      ...(kept === fix && fallback && !back(fallback) ? { fallback } : {}),
    };
  });
}

/** Whether a scan of the namespace ran and found nothing. */
function quietScan(seen: readonly SeenObservation[], ns: string): boolean {
  const scans = seen.filter((o) => o.tool === 'scan' && o.args['namespace'] === ns && o.status === 'ok');
  // Quiet when a scan found nothing and no other scan of it (an opt-in family asked for) found something.
  return (
    scans.some((o) => /no problems found/.test(o.content)) &&
    !scans.some((o) => !/no problems found/.test(o.content))
  );
}

/**
 * Whether the task writes a namespace's name only as a product's name: capitalised inside a sentence
 * ("Is Vault down?"), never in lower case, in capitals ("CI") or at a sentence's start ("Partners
 * report…"). Namespace names are lower-case (RFC 1123), and people write them so.
 */
export function productName(task: string, ns: string): boolean {
  const re = new RegExp(`(?<![\\w./-])${escapeRe(ns)}(?![\\w/-]|\\.\\w)`, 'gi');
  let titled = false;
  for (const m of task.slice(0, 4000).matchAll(re)) {
    const w = m[0];
    const start = m.index === 0 || /[.!?:]\s+$|\n\s*$/.test(task.slice(Math.max(0, m.index - 4), m.index));
    if (w === ns || w === ns.toUpperCase() || start || w[0] !== w[0]!.toUpperCase()) return false;
    titled = true;
  }
  return titled;
}

/** A sentence that reports something failing (not one that only says where a component runs). */
const REPORTS_FAILURE =
  /\b(?:alerts?|fir(?:es|ed|ing)|paged|fail\w{0,4}|error\w{0,2}|broken|down|crash\w{0,4}|stuck|cannot|can't|can not|unable|nobody|no one|not (?:working|loading|starting|ready)|timeouts?|timed? out|5\d\d|4\d\d|slow|missing|lost|empty)\b/i;

/**
 * The person's words for what must be left alone: "do not change anything in …", "don't touch …",
 * "never restart …", "leave … alone". A namespace they put off limits is not, by that, where they ask us
 * to look ("Do not change anything in the temporal namespace" beside an alert from another one).
 */
const OFF_LIMITS =
  /\b(?:do not|don['\u2019]t|dont|never|must not|mustn['\u2019]t)\s+(?:(?:make|do|apply)\s+(?:any\s+)?changes?\b|change|touch|modify|edit|restart|scale|delete|redeploy|roll back|mutate)\b|\bleave\b[^.!?\n]{0,80}\balone\b|\boff[- ]limits?\b/i;

/** Where a clause ends, for what a task puts off limits: a sentence, a line (a bullet), a `;`, a "but". */
const CLAUSE = /(?<=[.!?;])\s+|\n+|,?\s+but\s+/;

/** The namespaces the task puts off limits (see `OFF_LIMITS`), clause by clause. */
function offLimitsNamespaces(task: string): string[] {
  return hunchNamespaces(question(task).asked, OFF_LIMITS, CLAUSE);
}

/**
 * Namespaces named only in the sentences (or other parts, split at `split`) of the task that `voice`
 * matches (a hunch, see `HUNCH`).
 */
function hunchNamespaces(asked: string, voice: RegExp = HUNCH, split: RegExp = /(?<=[.!?])\s+/): string[] {
  const sentences = asked.slice(0, 4000).split(split);
  const inHunch = sentences.filter((x) => voice.test(x)).flatMap((x) => [...namespaceCandidates(x)]);
  const elsewhere = new Set(
    sentences.filter((x) => !voice.test(x)).flatMap((x) => [...namespaceCandidates(x)]),
  );
  return inHunch.filter((n) => !elsewhere.has(n));
}

/**
 * Whether `ns` is named as a word in a sentence of `asked` that is a hunch (see `HUNCH`), or one that is
 * not. A sentence right after a hunch that reports no failure of its own ("I think the vector server is out
 * of disk. It runs in vector-db.") belongs to the hunch: it says where the guessed component is.
 */
function namedInSentences(asked: string, ns: string, hunch: boolean): boolean {
  const sentences = asked.slice(0, 4000).split(/(?<=[.!?])\s+/);
  const guessed: boolean[] = [];
  sentences.forEach((x, i) => {
    guessed.push(HUNCH.test(x) || (i > 0 && guessed[i - 1] === true && !REPORTS_FAILURE.test(x)));
  });
  const text = sentences.filter((_, i) => guessed[i] === hunch).join(' ');
  return namedNamespaces(text, [ns]).length > 0 || namespaceCandidates(text).includes(ns);
}

/** A sentence that asks for something ("Can you look at…", "please check…"). */
const ASKS = /\b(?:can|could|would|will) you\b|\bplease\b|^\s*(?:check|look|find|tell|see)\b/i;

/**
 * Whether the person names namespace `ns` only inside their guess: after the words that start it ("I think
 * the GPU training jobs are preempting them"), never before them in the same sentence ("preview-reaper in
 * platform is supposed to…, I think…") nor in what they report.
 */
function onlyGuessed(asked: string, ns: string): boolean {
  return onlyInGuess(
    asked,
    (text) => namedNamespaces(text, [ns]).length > 0 || namespaceCandidates(text).includes(ns),
  );
}

/**
 * Whether `names` holds for a part of `asked` that is a guess (see `onlyGuessed`) and for none that reports
 * or asks: the words the person guesses with, never the ones they report with.
 */
function onlyInGuess(asked: string, names: (text: string) => boolean): boolean {
  const sentences = asked.slice(0, 4000).split(/(?<=[.!?])\s+/);
  let guessing = false;
  let inGuess = false;
  for (const x of sentences) {
    const at: number | undefined = HUNCH.exec(x)?.index;
    // A guess goes on into the next sentence, unless that one reports a failure or asks for something
    // ("Can you look at flux-system?": where to look is an instruction, not part of the guess).
    const continued: boolean = guessing && !REPORTS_FAILURE.test(x) && !ASKS.test(x);
    const report = at !== undefined ? x.slice(0, at) : continued ? '' : x;
    const guess = at !== undefined ? x.slice(at) : continued ? x : '';
    if (report && names(report)) return false;
    if (guess && names(guess)) inGuess = true;
    guessing = at !== undefined || continued;
  }
  return inGuess;
}

/** Whether a log was read in `ns` and none read there, nor its pods' restarts, shows a failure. */
function readClean(seen: readonly SeenObservation[], ns: string): boolean {
  return (
    seen.some((o) => o.tool === 'get_pod_logs' && o.status === 'ok' && o.args['namespace'] === ns) &&
    !loggedFailures(seen, ns) &&
    !restarted(seen, ns)
  );
}

/** Whether a pod of namespace `ns` in its latest pod list has restarted (a crash or a kill, however old). */
function restarted(seen: readonly SeenObservation[], ns: string): boolean {
  return podRows(seen, ns).some((p) => Number(p.restarts) > 0);
}

/** Whether a current log read in namespace `ns` has failure lines in its tail. */
function loggedFailures(seen: readonly SeenObservation[], ns: string): boolean {
  return seen.some(
    (o) =>
      o.tool === 'get_pod_logs' &&
      o.status === 'ok' &&
      o.args['namespace'] === ns &&
      !o.args['previous'] &&
      errorLines(o.content.slice(-100_000)).length > 0,
  );
}

/**
 * The namespace whose name the person's words share a stem with: a word of the task and the name agree
 * on their first five letters (or on the whole name, of four letters or more, when it is shorter):
 * "notifications" names `notify`, "payment" names `payments`. The longest agreement wins; none, undefined.
 */
export function stemNamedNamespace(task: string, known: readonly string[]): string | undefined {
  const words = new Set(
    task
      .slice(0, 4000)
      .toLowerCase()
      .match(/[a-z]{4,40}/g) ?? [],
  );
  let best: { n: string; shared: number } | undefined;
  for (const n of known) {
    const bare = n.toLowerCase();
    if (!/^[a-z]{4,}/.test(bare)) continue;
    for (const w of words) {
      let shared = 0;
      while (shared < Math.min(w.length, bare.length) && w[shared] === bare[shared]) shared++;
      const enough = shared >= 5 || (shared >= 4 && shared === bare.length);
      if (enough && (!best || shared > best.shared)) best = { n, shared };
    }
  }
  return best?.n;
}

/** The namespaces of `known` that the task names as whole words, in the order it names them. */
function namedNamespaces(task: string, known: readonly string[]): string[] {
  const text = task.toLowerCase();
  return known
    .map((n) => ({
      n,
      // The person introducing themselves by their team ("web team lead here") names no place.
      at:
        new RegExp(
          `(?<![\\w./-])${escapeRe(n)}(?![\\w/-]|\\.\\w| team (?:lead|manager|member)s?\\b| team here\\b)`,
        ).exec(text)?.index ?? -1,
    }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.n);
}

function key(tool: string, args: Record<string, unknown>): string {
  return readKey(tool, args);
}

/**
 * Whether the task names a container as one (`the cron container`, `container cron`, `cron sidecar`):
 * the name as a word beside the word container or sidecar. Names shorter than three characters are not read.
 */
export function namesContainer(task: string, name: string): boolean {
  if (name.length < 3 || name.length > 63 || !/^[a-z0-9-]+$/.test(name)) return false;
  const words = task.toLowerCase().split(/[^a-z0-9-]+/);
  return words.some(
    (w, i) =>
      (w === name && /^(?:container|sidecar)s?$/.test(words[i + 1] ?? '')) ||
      (w === name && /^containers?$/.test(words[i - 1] ?? '')),
  );
}
