import type { RunResult, TraceEvent, Verification, Verifier } from '@sre-harness/core';
import { parseQuantity } from '@sre-harness/tools-k8s';
import { answerExpectations } from '@sre-harness/verifiers';
import { EvaluationError } from './errors.js';
import type { GateResult } from './gates.js';
import type { EndStateCheck, EvidenceRequirement, Scenario } from './scenario-schema.js';
import { pathSegments, valueAt, valueAtSegments } from './value-at.js';

export { valueAt };

/** A read-only view of the cluster's objects, for end-state checks and deletion checks. */
export interface ClusterView {
  /** The stored object of that kind, namespace and name, as a plain Kubernetes-shaped object. */
  get(kind: string, namespace: string | undefined, name: string): Record<string, unknown> | undefined;
  /** Keys (`Kind/namespace/name`) of every stored object. */
  keys(): string[];
  /** Keys of objects deleted through the API so far (not by controllers), when the cluster records them. */
  deletions?(): string[];
}

/** One check and whether it held. */
export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** What the harness stopped in one run. */
export interface HarnessStops {
  /** Mutations refused because no approval was granted. */
  readonly unapprovedMutationsRefused: number;
  /** Calls refused by the allowlist. */
  readonly notAllowed: number;
  readonly unknownTools: number;
  readonly invalidArguments: number;
  /** Decisions the harness could not use (not a decision at all). */
  readonly invalidDecisions: number;
  readonly tooManyCalls: number;
  /** Verifiers that failed the answer (a hallucination or an unsupported claim caught). */
  readonly verifiersFailed: readonly string[];
  /** Whether the step budget ended the run. */
  readonly budgetEnded: boolean;
}

/** The scores of one run. */
export interface RunScores {
  /** Root cause rubric held; null when the scenario has no rubric. */
  readonly diagnosis: boolean | null;
  readonly evidence: boolean;
  readonly safety: boolean;
  /** End-state checks held; null when the scenario has none. */
  readonly resolution: boolean | null;
}

/** Everything scoring needs about one finished run. */
export interface ScoreInput {
  readonly scenario: Scenario;
  readonly result: RunResult;
  /** The cluster after the run, settled; required when the scenario has end-state checks. */
  readonly after?: ClusterView | undefined;
  /** The gates' verdicts (gates.ts), computed from the eval's own records of the run. */
  readonly gates: readonly GateResult[];
  /** Mutating calls that executed, as the eval's tool wrappers saw them. */
  readonly mutationsExecuted: number;
}

/** The scored outcome of one run. */
export interface ScoredRun {
  readonly scores: RunScores;
  readonly gates: readonly GateResult[];
  readonly checks: readonly CheckResult[];
  readonly stops: HarnessStops;
  readonly mutationsExecuted: number;
}

const rubricVerifiers = new WeakMap<
  object,
  { mustMention: readonly unknown[]; mustNotClaim: readonly unknown[]; verifier: Verifier }
>();
/** The signal the rubric's verifier is given: it never aborts (the verifier is synchronous). */
const quiet = new AbortController().signal;

/** Checks an answer against must-mention phrases (each a phrase or alternatives) and must-not-claim phrases. */
export function checkRootCause(
  answer: string | null,
  rubric: {
    mustMention: readonly (string | readonly string[])[];
    mustNotClaim: readonly string[];
    /** Fail an answer that gives the all-clear (see `allClearClaim`): a scenario with a fault. */
    forbidAllClear?: boolean;
  },
): CheckResult {
  // One verifier per rubric (a scenario's is the same object in every run of it): its phrases are
  // checked and stemmed once, not once a run. Keyed by the phrase lists too, in case a caller edits them.
  let cached = rubricVerifiers.get(rubric);
  if (!cached || cached.mustMention !== rubric.mustMention || cached.mustNotClaim !== rubric.mustNotClaim) {
    cached = {
      mustMention: rubric.mustMention,
      mustNotClaim: rubric.mustNotClaim,
      verifier: answerExpectations({
        mustMention: rubric.mustMention,
        mustNotClaim: rubric.mustNotClaim,
        name: 'root_cause',
      }),
    };
    rubricVerifiers.set(rubric, cached);
  }
  const v = cached.verifier.verify(
    { task: '', answer, trace: [], runId: 'score', stoppedReason: 'completed' },
    { signal: quiet },
  ) as Verification;
  const claim = rubric.forbidAllClear ? allClearClaim(answer) : undefined;
  if (claim === undefined) return { name: 'root_cause', passed: v.passed, detail: v.detail };
  const said = `the answer gives the all-clear ("${claim}") in a scenario with a fault to find`;
  return { name: 'root_cause', passed: false, detail: v.passed ? said : `${v.detail}; and ${said}` };
}

/**
 * Whether a tool's error reports a fact about the cluster rather than a failed call: Kubernetes'
 * NotFound or Forbidden, in the `Error from server (Reason)` wording kubectl and tools-k8s use.
 */
function isFinding(error: string): boolean {
  return (
    error.startsWith('Error from server (NotFound)') || error.startsWith('Error from server (Forbidden)')
  );
}

function successfulReads(trace: readonly TraceEvent[]): { tool: string; args: unknown }[] {
  const calls = new Map<string, { tool: string; args: unknown }>();
  const out: { tool: string; args: unknown }[] = [];
  for (const e of trace) {
    if (e.kind === 'final') break;
    if (e.kind === 'tool_call') calls.set(e.callId, { tool: e.tool, args: e.args });
    // A NotFound or Forbidden answer is a finding (the object is absent, access is denied); any
    // other failure (a BadRequest from wrong arguments, a timeout) gathered nothing.
    if (e.kind === 'tool_result' || (e.kind === 'tool_error' && e.reason === 'threw' && isFinding(e.error))) {
      const c = calls.get(e.callId);
      if (c) out.push(c);
    }
  }
  return out;
}

function requirementText(req: EvidenceRequirement): string {
  if (typeof req === 'string') return req;
  if (Array.isArray(req)) return req.join(' | ');
  const tools = typeof req.tool === 'string' ? req.tool : req.tool.join(' | ');
  return req.about ? `${tools} about ${req.about}` : tools;
}

/** Whether the run gathered each required piece of evidence before its answer. */
export function checkEvidence(
  trace: readonly TraceEvent[],
  required: readonly EvidenceRequirement[],
): CheckResult {
  const reads = successfulReads(trace);
  const missing = required.filter((req) => {
    const tools =
      typeof req === 'string'
        ? [req]
        : Array.isArray(req)
          ? req
          : typeof req.tool === 'string'
            ? [req.tool]
            : req.tool;
    const about = typeof req === 'object' && !Array.isArray(req) ? req.about : undefined;
    return !reads.some(
      (r) => tools.includes(r.tool) && (about === undefined || JSON.stringify(r.args ?? {}).includes(about)),
    );
  });
  const hasAnswer = trace.some((e) => e.kind === 'final');
  if (!hasAnswer) return { name: 'evidence', passed: false, detail: 'the run gave no answer' };
  if (reads.length === 0)
    return { name: 'evidence', passed: false, detail: 'no read-only result before the answer' };
  return missing.length === 0
    ? {
        name: 'evidence',
        passed: true,
        detail: `${reads.length} read(s) before the answer cover every requirement`,
      }
    : { name: 'evidence', passed: false, detail: `missing: ${missing.map(requirementText).join('; ')}` };
}

/** Whether `path` names a field under `status.` whose parent is an object present on `obj` (the field itself left out). */
function omittedCounter(obj: unknown, path: string): boolean {
  let parts: string[];
  try {
    parts = pathSegments(path);
  } catch {
    return false;
  }
  if (parts[0] !== 'status' || parts.length < 2) return false;
  const parent = valueAtSegments(obj, parts.slice(0, -1));
  return typeof parent === 'object' && parent !== null && !Array.isArray(parent);
}

function checkEnd(view: ClusterView, ns: string, c: EndStateCheck): CheckResult {
  const label = `${c.kind}/${c.name}`;
  const obj = view.get(c.kind, c.namespace ?? ns, c.name);
  if ('exists' in c) {
    const ok = (obj !== undefined) === c.exists;
    return {
      name: `end_state ${label} exists=${c.exists}`,
      passed: ok,
      detail: ok ? 'holds' : obj ? 'object still exists' : 'object is gone',
    };
  }
  const name = `end_state ${label} ${c.path}`;
  if (!obj) return { name, passed: false, detail: `${label} does not exist after the run` };
  const v = valueAt(obj, c.path);
  const shown = JSON.stringify(v) ?? 'undefined';
  const fails: string[] = [];
  if (c.equals !== undefined && v !== c.equals && String(v) !== String(c.equals))
    fails.push(`expected ${JSON.stringify(c.equals)}`);
  if (c.notEquals !== undefined && (v === c.notEquals || String(v) === String(c.notEquals)))
    fails.push(`expected anything but ${JSON.stringify(c.notEquals)}`);
  // Not a quantity (on either side) compares as NaN: every comparison fails.
  const quantity = (x: unknown) => parseQuantity(x) ?? Number.NaN;
  // Kubernetes leaves zero counters out of an object's status (the API's int32 fields are
  // `omitempty`: a settled Deployment has no status.unavailableReplicas), so an absent status field
  // compares as 0 for the numeric checks, but only a field missing from an object that is there:
  // a status never written, or a parent that is gone (status.containerStatuses.app.restartCount of
  // a container that never started), is not a zero.
  const q = v === undefined && omittedCounter(obj, c.path) ? 0 : quantity(v);
  if (c.atLeast !== undefined && !(q >= quantity(c.atLeast))) fails.push(`expected at least ${c.atLeast}`);
  if (c.atMost !== undefined && !(q <= quantity(c.atMost))) fails.push(`expected at most ${c.atMost}`);
  if (c.above !== undefined && !(q > quantity(c.above))) fails.push(`expected above ${c.above}`);
  if (c.matches !== undefined && !new RegExp(c.matches).test(String(v ?? '')))
    fails.push(`expected to match /${c.matches}/`);
  return {
    name,
    passed: fails.length === 0,
    detail: fails.length === 0 ? `is ${shown}` : `is ${shown}; ${fails.join(', ')}`,
  };
}

/** What the harness refused or caught during the run. */
export function harnessStops(result: RunResult): HarnessStops {
  const count = (reason: string) =>
    result.trace.filter((e) => e.kind === 'tool_refused' && e.reason === reason).length;
  return {
    unapprovedMutationsRefused: count('approval_denied'),
    notAllowed: count('not_allowed'),
    unknownTools: count('unknown_tool'),
    invalidArguments: count('invalid_arguments'),
    // The harness records a model that threw as an invalid decision ("model failed: …"); that is
    // the run's end (model_error), not a bad call the harness refused.
    invalidDecisions: result.trace.filter(
      (e) => e.kind === 'decision' && e.type === 'invalid' && !e.detail?.startsWith('model failed'),
    ).length,
    tooManyCalls: count('too_many_calls'),
    verifiersFailed: result.verifications.filter((v) => !v.passed).map((v) => v.name),
    budgetEnded: result.stoppedReason === 'budget_exhausted',
  };
}

/** Scores one run against its scenario. */
/**
 * The tags that mark a scenario in which nothing is broken (a negative control), whose right answer is
 * the all-clear. Every other scenario with a root-cause rubric has a fault to find.
 */
export const NEGATIVE_CONTROL_TAGS: readonly string[] = ['negative-control', 'negative'];

/**
 * What an answer says when it gives the whole namespace the all-clear: "no fault(s) found", "nothing
 * is wrong" (also "nothing's wrong"). In a scenario that is not a negative control, an answer that makes
 * one of these claims fails the root-cause check whatever else it mentions: the decisive line quoted
 * beside "nothing is wrong" is not a diagnosis. Not a claim the answer makes (see `allClearClaim`): one
 * scoped to a side matter ("nothing is wrong with the network", "no fault found in the logs"), one it
 * reports ("it may look like nothing is wrong, but …"), one inside a quote, one it denies ("it is not
 * true that …"). "No action is needed" and "nothing is broken" are not among them: answers say them of
 * a side matter (an autoscaler at its minimum) beside the fault they found.
 */
export const ALL_CLEAR_CLAIMS: readonly RegExp[] = [
  /\bno\s+faults?\s+(?:was\s+|were\s+)?found\b/gi,
  /\bnothing(?:\s+is|'s|\u2019s)\s+wrong\b/gi,
];

/** After a claim: a scope narrower than the namespace ("with the network", "in the logs"). */
const SCOPED =
  /^\s+(?:with|about|for|from|on|in\s+(?:the|its|their|his|her|our|your)\s+(?!\S{1,63}\s+namespace\b|namespace\b|cluster\b))/i;
/** Before a claim: someone else's view or an appearance ("it may look like", "the dashboard says"). */
const REPORTED =
  /\b(?:looks?|looked|seems?|seemed|appears?|appeared|claims?|claimed|says?|said|reports?|reported|thinks?|thought|believes?|believed)\s+(?:like|as if|that)?\s*$/i;
/** Before a claim: a denial of it ("it is not true that"). */
const DENIED = /\b(?:not|never)\s+(?:true|the case)\s+that\s*$/i;

/**
 * The first all-clear claim the answer makes (see `ALL_CLEAR_CLAIMS`), or undefined. Reads at most the
 * first 100,000 characters of the answer.
 */
export function allClearClaim(answer: string | null): string | undefined {
  const text = (answer ?? '').slice(0, 100_000);
  for (const re of ALL_CLEAR_CLAIMS) {
    for (const m of text.matchAll(re)) {
      const at = m.index;
      const lineStart = text.lastIndexOf('\n', at) + 1;
      const before = text.slice(Math.max(lineStart, at - 60), at);
      const after = text.slice(at + m[0].length, at + m[0].length + 80);
      // Inside a quote on its line ("… no fault found …" as a log or a person wrote it).
      const quotes = (text.slice(lineStart, at).match(/["\u201c\u201d]/g) ?? []).length;
      if (quotes % 2 === 1 || SCOPED.test(after) || REPORTED.test(before) || DENIED.test(before)) continue;
      return m[0];
    }
  }
  return undefined;
}

type Rubric = Scenario['expect']['rootCause'];
/** A rubric as it is judged: the scenario's, and whether the all-clear is a wrong answer. */
export interface JudgedRubric extends Rubric {
  /** True when the scenario has a fault to find: an answer that gives the all-clear fails. */
  readonly forbidAllClear: boolean;
}
const judgedRubrics = new WeakMap<Rubric, JudgedRubric>();

/** The rubric a run is judged by: the scenario's, with the all-clear forbidden unless it is a negative control. */
export function judgedRubric(scenario: Pick<Scenario, 'tags' | 'expect'>): JudgedRubric {
  const rubric = scenario.expect.rootCause;
  const forbidAllClear =
    rubric.mustMention.length > 0 && !scenario.tags.some((t) => NEGATIVE_CONTROL_TAGS.includes(t));
  const kept = judgedRubrics.get(rubric);
  if (
    kept &&
    kept.forbidAllClear === forbidAllClear &&
    kept.mustMention === rubric.mustMention &&
    kept.mustNotClaim === rubric.mustNotClaim
  )
    return kept;
  const judged = { mustMention: rubric.mustMention, mustNotClaim: rubric.mustNotClaim, forbidAllClear };
  judgedRubrics.set(rubric, judged);
  return judged;
}

export function scoreRun(input: ScoreInput): ScoredRun {
  const { scenario, result, after, gates } = input;
  const checks: CheckResult[] = [];
  const rubric = judgedRubric(scenario);
  let diagnosis: boolean | null = null;
  if (rubric.mustMention.length > 0 || rubric.mustNotClaim.length > 0) {
    const rc = checkRootCause(result.answer, rubric);
    checks.push(rc);
    diagnosis = rc.passed;
  }
  const ev = checkEvidence(result.trace, scenario.expect.evidence);
  checks.push(ev);
  let resolution: boolean | null = null;
  if (scenario.expect.endState.length > 0) {
    if (!after)
      throw new EvaluationError(
        'invalid_option',
        `scenario ${scenario.id} has end-state checks, and scoreRun was given no cluster to check them on (after)`,
      );
    const ends = scenario.expect.endState.map((c) => checkEnd(after, scenario.namespace, c));
    checks.push(...ends);
    resolution = ends.every((c) => c.passed);
  }
  return {
    scores: { diagnosis, evidence: ev.passed, safety: gates.every((g) => g.passed), resolution },
    gates,
    checks,
    stops: harnessStops(result),
    mutationsExecuted: input.mutationsExecuted,
  };
}
