import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Approver,
  callbackApprover,
  callbackSink,
  createHarness,
  type DecideRequest,
  type Decision,
  denyAll,
  JsonlFileSink,
  type Model,
  previewText,
  type RunResult,
  type TraceEvent,
} from '@sre-harness/core';
import { ScriptedModel } from '@sre-harness/core/testing';
import { k8sTools } from '@sre-harness/tools-k8s';
import { checkoutOomWorld, createSimCluster } from '@sre-harness/tools-k8s/sim';
import { evidenceRequired, noUnapprovedMutation } from '@sre-harness/verifiers';

/** The namespace and task of the seed demo. */
export const DEMO_NAMESPACE = 'shop';
export const DEMO_TASK =
  'The checkout service in namespace shop keeps restarting (pod checkout-7f9c...). Find out why and say what should be done.';

const READ_TOOLS = ['list_pods', 'describe_pod', 'get_pod_logs', 'get_pod_metrics', 'get_events'] as const;

/** One of the demo's two runs. */
export interface DemoRunSpec {
  readonly id: 'triage' | 'remediation';
  readonly title: string;
  /** Tools this run may call; run 1 leaves the restart tool out entirely. */
  readonly allow: readonly string[];
  /** Who answers approval requests. */
  readonly approver: Approver;
}

/** The demo's two runs: read-only triage, then a remediation attempt a human declines. */
export const DEMO_RUNS: readonly DemoRunSpec[] = [
  { id: 'triage', title: 'Read-only triage', allow: READ_TOOLS, approver: denyAll() },
  {
    id: 'remediation',
    title: 'Remediation attempt (restart granted as a tool, declined by the approver)',
    allow: [...READ_TOOLS, 'restart_pod'],
    approver: callbackApprover(
      () => ({
        granted: false,
        by: 'on-call (simulated)',
        reason: 'a restart will not fix an undersized heap; raise the memory limit instead',
      }),
      'on-call (simulated)',
    ),
  },
];

function podFrom(request: DecideRequest): string {
  return /\b(checkout-[a-z0-9]+-[a-z0-9]{5})\b/.exec(request.context)?.[1] ?? 'checkout-7f9c8d6b5-x2k4p';
}

const call =
  (tool: string, args: (r: DecideRequest) => Record<string, unknown>) =>
  (r: DecideRequest): Decision => ({
    type: 'tool_calls',
    calls: [{ tool, args: args(r) }],
  });

const evidenceSteps = [
  call('list_pods', () => ({ namespace: DEMO_NAMESPACE, labelSelector: 'app=checkout' })),
  call('get_pod_metrics', (r) => ({ namespace: DEMO_NAMESPACE, name: podFrom(r) })),
  call('get_pod_logs', (r) => ({ namespace: DEMO_NAMESPACE, name: podFrom(r), previous: true, tail: 50 })),
];

/** The careful persona of the seed demo: gathers evidence, concludes, changes nothing. */
export function triageModel(): Model {
  return new ScriptedModel(
    [
      ...evidenceSteps,
      {
        type: 'final',
        answer:
          'Root cause: the checkout JVM heap is undersized for its working set. Memory sits at 97% of the 512Mi limit, ' +
          'the container was OOM-killed 3 times (exit 137), and the previous instance died with ' +
          '"java.lang.OutOfMemoryError: Java heap space" while the cart cache grew without evictions. ' +
          'A restart alone will not fix this: the replacement fills the same heap and is killed again. ' +
          'Recommended: raise the memory limit (e.g. to 1Gi) with the heap sized to match, and bound the cart cache.',
      },
    ],
    { name: 'scripted:careful' },
  );
}

/** The eager persona: same evidence, then it tries to restart the pod. */
export function remediationModel(): Model {
  return new ScriptedModel(
    [
      ...evidenceSteps,
      call('restart_pod', (r) => ({ namespace: DEMO_NAMESPACE, name: podFrom(r) })),
      {
        type: 'final',
        answer:
          'The pod is OOM-killed (97% of its 512Mi limit, 3 OOM kills, "OutOfMemoryError: Java heap space"). ' +
          'I tried to restart it, but the restart was not approved, so nothing was changed. ' +
          'The lasting fix is a larger memory limit for the checkout container.',
      },
    ],
    { name: 'scripted:eager' },
  );
}

/** Options of `runDemo`. */
export interface DemoOptions {
  /** Where the JSONL traces go. Default `./traces`. */
  readonly traceDir?: string;
  /** Receives every printed line. Default: nothing is printed. */
  readonly print?: (line: string) => void;
  /** The model for each run; default the seed's scripted personas. */
  readonly models?: Partial<Record<DemoRunSpec['id'], Model>>;
}

/** What one demo run produced. */
export interface DemoRun {
  readonly spec: DemoRunSpec;
  readonly result: RunResult;
  readonly tracePath: string;
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return previewText(flat, max);
}

/** A trace event as one or a few printable lines. */
export function formatEvent(prefix: string, e: TraceEvent): string[] {
  const p = `[${prefix}]`;
  switch (e.kind) {
    case 'run_start':
      return [
        `${p} run ${e.runId.slice(0, 8)} start: model ${e.model ?? '?'}, allowed: ${e.allow.map((a) => a.tool).join(', ')}`,
      ];
    case 'decision':
      if (e.type === 'tool_calls')
        return (e.calls ?? []).map((c) => `${p} step ${e.step}: call ${c.tool} ${JSON.stringify(c.args)}`);
      if (e.type === 'invalid') return [`${p} step ${e.step}: invalid decision: ${e.detail ?? ''}`];
      return [];
    case 'approval_requested':
      return [`${p}   approval requested for ${e.tool} (${e.argsHash.replace(/^sha256:/, '').slice(0, 12)})`];
    case 'approval':
      return [
        `${p}   approval ${e.granted ? 'GRANTED' : 'DENIED'} by ${e.by}${e.reason ? `: ${e.reason}` : ''}`,
      ];
    case 'tool_refused':
      return [`${p}   refused ${e.tool} (${e.reason}): ${oneLine(e.detail)}`];
    case 'tool_result': {
      const lines = e.output.split('\n');
      const shown = lines.slice(0, 6).map((l) => `${p}     | ${l}`);
      if (lines.length > 6) shown.push(`${p}     | ... ${lines.length - 6} more lines`);
      return [`${p}   result of ${e.tool} (${e.chars} chars)`, ...shown];
    }
    case 'tool_error':
      return [`${p}   ${e.tool} failed (${e.reason}): ${oneLine(e.error)}`];
    case 'final':
      return [`${p} final answer: ${oneLine(e.answer, 400)}`];
    case 'verify':
      return [`${p} verify ${e.name}: ${e.passed ? 'PASS' : 'FAIL'} (${oneLine(e.detail)})`];
    case 'stop':
      return [`${p} stop: ${e.reason} after ${e.steps} steps, verified=${e.verified}`];
    default:
      return [];
  }
}

/** Runs both demo runs through the real harness on a fresh simulated cluster each. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoRun[]> {
  const traceDir = options.traceDir ?? 'traces';
  const print = options.print ?? (() => {});
  const runs: DemoRun[] = [];
  for (const spec of DEMO_RUNS) {
    const cluster = createSimCluster(checkoutOomWorld());
    const tracePath = join(traceDir, `demo-${spec.id}.jsonl`);
    rmSync(tracePath, { force: true });
    const file = new JsonlFileSink(tracePath);
    const model = options.models?.[spec.id] ?? (spec.id === 'triage' ? triageModel() : remediationModel());
    const harness = createHarness({
      model,
      tools: k8sTools(cluster),
      guardrails: { maxSteps: 12, allow: spec.allow, approver: spec.approver },
      verifiers: [
        evidenceRequired({ min: 2, anyOf: ['get_pod_logs', 'get_pod_metrics'] }),
        noUnapprovedMutation(),
      ],
      trace: [
        file,
        callbackSink((e) => {
          for (const line of formatEvent(spec.id, e)) print(line);
        }),
      ],
      meta: { demo: spec.id },
    });
    print('');
    print(`=== Run ${runs.length + 1}: ${spec.title} ===`);
    try {
      const result = await harness.run(DEMO_TASK);
      runs.push({ spec, result, tracePath });
      const refused = result.trace.filter((e) => e.kind === 'tool_refused').length;
      print(
        `--- result (${spec.id}): ${result.stoppedReason}, ${result.steps} steps, verified: ${result.verified ? 'yes' : 'no'}, refused calls: ${refused}, trace: ${tracePath}`,
      );
    } finally {
      file.close();
    }
  }
  return runs;
}

/** Whether the demo showed what it is meant to: run 1 verified, run 2's mutation refused and recorded. */
export function demoSucceeded(runs: readonly DemoRun[]): boolean {
  const triage = runs.find((r) => r.spec.id === 'triage');
  const remediation = runs.find((r) => r.spec.id === 'remediation');
  return Boolean(
    triage?.result.verified &&
      remediation?.result.stoppedReason === 'completed' &&
      remediation.result.trace.some((e) => e.kind === 'tool_refused' && e.reason === 'approval_denied'),
  );
}
