import { conditionsAnalyzer } from './conditions.js';
import { deploymentsAnalyzer } from './deployments.js';
import { dnsPolicyAnalyzer } from './dns-policy.js';
import { envQuotedAnalyzer, envRefsAnalyzer } from './env-refs.js';
import { hpasAnalyzer } from './hpas.js';
import { ingressesAnalyzer } from './ingresses.js';
import { jobsAnalyzer } from './jobs.js';
import { netpolEgressDepsAnalyzer } from './netpol-egress-deps.js';
import { netpolPortsAnalyzer } from './netpol-ports.js';
import { netpolsAnalyzer } from './netpols.js';
import { nodesAnalyzer } from './nodes.js';
import { podsAnalyzer } from './pods.js';
import { pvcsAnalyzer } from './pvcs.js';
import { rbacSubjectsAnalyzer } from './rbac-subjects.js';
import { replicaSetsAnalyzer } from './replicasets.js';
import { serviceTrafficAnalyzer } from './service-traffic.js';
import { servicesAnalyzer } from './services.js';
import { statefulSetsAnalyzer } from './statefulsets.js';
import { stsRevisionsAnalyzer } from './sts-revisions.js';
import type { Analyzer, Facts, Finding } from './types.js';
import { quote } from './types.js';
import { webhooksAnalyzer } from './webhooks.js';

export { abnormal as abnormalCondition } from './conditions.js';
export { type FactSource, factsFrom, type Gathered, gatherFacts, SCAN_KINDS, scanKind } from './facts.js';
export { podOwner } from './pods.js';
export { podReady } from './services.js';
export type { Analyzer, Facts, Finding, Found } from './types.js';

/** Every failure family the `scan` tool runs; adding a family is adding a file and a line here. */
export const ANALYZERS: readonly Analyzer[] = [
  podsAnalyzer,
  deploymentsAnalyzer,
  replicaSetsAnalyzer,
  pvcsAnalyzer,
  servicesAnalyzer,
  ingressesAnalyzer,
  statefulSetsAnalyzer,
  jobsAnalyzer,
  nodesAnalyzer,
  hpasAnalyzer,
  netpolsAnalyzer,
  webhooksAnalyzer,
  conditionsAnalyzer,
  envRefsAnalyzer,
  envQuotedAnalyzer,
  serviceTrafficAnalyzer,
  stsRevisionsAnalyzer,
  netpolPortsAnalyzer,
  netpolEgressDepsAnalyzer,
  dnsPolicyAnalyzer,
];

/**
 * Families the `scan` tool runs only when asked by name (its `analyzers` argument): each reads kinds the
 * default families do not (RoleBindings and ClusterRoleBindings), which every scan would otherwise pay
 * for in requests.
 */
export const OPT_IN_ANALYZERS: readonly Analyzer[] = [rbacSubjectsAnalyzer];

/** The kinds a set of analyzers reads, each once. */
export function kindsRead(analyzers: readonly Analyzer[] = ANALYZERS): string[] {
  return [...new Set(analyzers.flatMap((a) => a.kinds))];
}

/** Reasons that only restate what a finding about the object's pods or ReplicaSets explains. */
const SYMPTOMS = new Set(['UnavailableReplicas', 'ReplicaFailure']);

/** A reason code: letters and digits only, at most 60. */
function code(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/^[A-Za-z0-9]$/.test(ch)) out += ch;
    if (out.length >= 60) break;
  }
  return out || 'Problem';
}

/** A name for a header line: no whitespace, bounded. */
function bare(text: string | undefined, max = 253): string {
  return quote(text ?? '', max)
    .split(' ')
    .join('');
}

/**
 * Runs the analyzers over one snapshot of facts: every finding with its analyzer and priority,
 * highest priority first (ties keep the analyzers' order). An analyzer that throws is reported as
 * a finding of its own rather than hiding the others.
 */
export function analyze(facts: Facts, analyzers: readonly Analyzer[] = ANALYZERS): Finding[] {
  const out: Finding[] = [];
  for (const a of analyzers) {
    let found: ReturnType<Analyzer['analyze']>;
    try {
      found = a.analyze(facts);
    } catch (error) {
      found = [
        {
          kind: 'Analyzer',
          name: a.name,
          reason: 'AnalyzerFailed',
          message: `the ${a.name} analyzer failed: ${quote(error instanceof Error ? error.message : String(error), 160)}`,
          evidence: [],
        },
      ];
    }
    for (const f of found)
      out.push({
        ...f,
        analyzer: a.name,
        priority: a.priority,
        kind: bare(f.kind, 63),
        name: bare(f.name),
        ...(f.namespace !== undefined ? { namespace: bare(f.namespace, 63) } : {}),
        reason: code(f.reason),
        message: quote(f.message, 400),
        evidence: f.evidence.slice(0, 5).map((e) => quote(e, 300)),
        ...(f.container !== undefined ? { container: bare(f.container, 63) } : {}),
        ...(f.owner !== undefined ? { owner: bare(f.owner, 200) } : {}),
        ...(f.next !== undefined ? { next: quote(f.next, 300) } : {}),
        ...(f.fix !== undefined ? { fix: quote(f.fix, 300) } : {}),
      });
  }
  // A workload's unavailable replicas, when a finding about its own pods or ReplicaSets says why,
  // are that finding's symptom: said once, under the cause.
  const owners = new Set(out.flatMap((f) => (f.owner ? [`${f.namespace ?? ''}/${f.owner}`] : [])));
  const kept = out.filter(
    (f) => !SYMPTOMS.has(f.reason) || !owners.has(`${f.namespace ?? ''}/${f.kind}/${f.name}`),
  );
  return kept
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.priority - a.f.priority || a.i - b.i)
    .map((x) => x.f);
}

/** Options of `formatFindings`. */
export interface FormatOptions {
  /** What was scanned, for the first line (`namespace shop`, `every namespace`). */
  readonly scope: string;
  /** Most findings written; the rest are counted. Default 40. */
  readonly maxFindings?: number;
  /** Kinds not read, with why. */
  readonly unread?: readonly string[];
  /** Plurals whose list was cut. */
  readonly cut?: readonly string[];
  /** Room for the whole text in characters: findings that would not fit whole are counted, not cut. */
  readonly maxChars?: number;
}

/**
 * The findings as text, one block each, in a shape `parseFindings` reads back:
 *
 *     - Kind namespace/name [Reason] message
 *         container: c / owner: Kind/name / evidence: … / next: … / fix: …
 */
export function formatFindings(findings: readonly Finding[], options: FormatOptions): string {
  const max = options.maxFindings ?? 40;
  const shown = findings.slice(0, max);
  const lines: string[] = [
    findings.length === 0
      ? `scan of ${options.scope}: no problems found`
      : `scan of ${options.scope}: ${findings.length} finding(s), most likely root causes first`,
  ];
  // Whole findings only: one that would not fit in the room left (notes kept aside) is counted.
  const room = (options.maxChars ?? Number.POSITIVE_INFINITY) - 600;
  let used = lines[0]!.length;
  let written = 0;
  for (const f of shown) {
    // No colon after the name: a name such as token-service followed by ": value" reads as a
    // credential to a redactor, which would cut the reason out of the line.
    const block = [
      `- ${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name} [${f.reason}] ${f.message}`,
      ...(f.container ? [`    container: ${f.container}`] : []),
      ...(f.owner ? [`    owner: ${f.owner}`] : []),
      ...f.evidence.map((e) => `    evidence: ${e}`),
      ...(f.next ? [`    next: ${f.next}`] : []),
      ...(f.fix ? [`    fix: ${f.fix}`] : []),
    ].join('\n');
    if (written > 0 && used + block.length + 1 > room) break;
    lines.push(block);
    used += block.length + 1;
    written++;
  }
  if (findings.length > written)
    lines.push(
      `[${findings.length - written} more finding(s) not shown; scan one namespace, or pass analyzers]`,
    );
  if (options.unread?.length) lines.push(`[not read: ${options.unread.join('; ')}]`);
  if (options.cut?.length)
    lines.push(
      `[list cut: only the first page of ${options.cut.join(', ')} was read; findings may be missing]`,
    );
  return lines.join('\n');
}

/** A finding as read back from `scan`'s output. */
export interface ParsedFinding {
  kind: string;
  namespace?: string;
  name: string;
  reason: string;
  message: string;
  evidence: string[];
  container?: string;
  owner?: string;
  next?: string;
  fix?: string;
}

/** Reads `scan`'s output back into findings (the format `formatFindings` writes); other lines are skipped. */
export function parseFindings(text: string): ParsedFinding[] {
  const out: ParsedFinding[] = [];
  let cur: ParsedFinding | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('- ')) {
      const head = line.slice(2);
      const sp = head.indexOf(' ');
      const open = sp < 0 ? -1 : head.indexOf(' [', sp);
      const close = open < 0 ? -1 : head.indexOf('] ', open);
      if (sp < 0 || open !== head.indexOf(' ', sp + 1) || close < 0) {
        cur = undefined;
        continue;
      }
      const at = head.slice(sp + 1, open);
      const slash = at.indexOf('/');
      cur = {
        kind: head.slice(0, sp),
        ...(slash >= 0 ? { namespace: at.slice(0, slash) } : {}),
        name: slash >= 0 ? at.slice(slash + 1) : at,
        reason: head.slice(open + 2, close),
        message: head.slice(close + 2),
        evidence: [],
      };
      out.push(cur);
      continue;
    }
    if (!cur || !line.startsWith('    ')) continue;
    const body = line.slice(4);
    const colon = body.indexOf(': ');
    if (colon < 0) continue;
    const key = body.slice(0, colon);
    const value = body.slice(colon + 2);
    if (key === 'evidence') cur.evidence.push(value);
    else if (key === 'container' || key === 'owner' || key === 'next' || key === 'fix') cur[key] = value;
  }
  return out;
}
