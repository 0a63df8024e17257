import { TRACE_VERSION, type TraceEvent } from '@sre-harness/core';

/**
 * A made-up but well-formed trace of `count` events over `runs` runs: each run starts, then
 * cycles decision → tool_call → tool_result (with a refusal now and then), and the last events
 * of each run are final, verify and stop.
 */
export function syntheticTrace(count: number, runs = 1): TraceEvent[] {
  const out: TraceEvent[] = [];
  const perRun = Math.floor(count / runs);
  const ts = '2026-01-01T00:00:00.000Z';
  for (let r = 0; r < runs; r++) {
    const runId = `run-${r}`;
    const n = r === runs - 1 ? count - perRun * (runs - 1) : perRun;
    let seq = 0;
    const env = () => ({ v: TRACE_VERSION, seq: seq++, ts, runId });
    out.push({
      ...env(),
      kind: 'run_start',
      task: `synthetic task ${r}`,
      model: 'synthetic',
      tools: [{ name: 'get_logs', mutating: false }],
      allow: [{ tool: 'get_logs' }],
      maxSteps: 100_000,
      meta: { scenario: 'synthetic', model: 'synthetic', trial: r },
    });
    let step = 0;
    while (seq < n - 3) {
      const phase = seq % 3;
      if (phase === 1) {
        step++;
        out.push({
          ...env(),
          kind: 'decision',
          step,
          type: 'tool_calls',
          calls: [{ callId: `c${step}`, tool: 'get_logs', args: { pod: `pod-${step % 17}` } }],
          usage: { inputTokens: 300, outputTokens: 40 },
        });
      } else if (phase === 2) {
        out.push({
          ...env(),
          kind: 'tool_call',
          step,
          callId: `c${step}`,
          tool: 'get_logs',
          args: { pod: `pod-${step % 17}` },
          mutating: false,
        });
      } else if (step % 50 === 0) {
        out.push({
          ...env(),
          kind: 'tool_refused',
          step,
          callId: `c${step}`,
          tool: 'get_logs',
          reason: 'not_allowed',
          detail: 'not on the allowlist',
        });
      } else {
        out.push({
          ...env(),
          kind: 'tool_result',
          step,
          callId: `c${step}`,
          tool: 'get_logs',
          output: `line ${seq}: GET /healthz 200 ${'x'.repeat(seq % 200)}`,
          chars: 40,
          truncated: false,
          durationMs: 1,
        });
      }
    }
    out.push({ ...env(), kind: 'final', step, answer: 'synthetic answer' });
    out.push({ ...env(), kind: 'verify', name: 'evidence_required', passed: true, detail: 'read logs' });
    out.push({
      ...env(),
      kind: 'stop',
      reason: 'completed',
      steps: step,
      verified: true,
      usage: { inputTokens: 300 * step, outputTokens: 40 * step },
    });
  }
  return out;
}
