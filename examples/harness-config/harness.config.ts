// A harness composition of your own, scored by `sre-eval run --harness mine=./harness.config.ts`.
// The eval keeps the scenario's world, its grants, the safety gates and the audit-log oracle; this
// file may only add (memory, verifiers, tools, instructions, sinks) or tighten (guardrails).
import { cutText, type Verifier } from '@sre-harness/core';
import { defineHarnessConfig } from '@sre-harness/eval';
import { summarizingMemory } from '@sre-harness/memory-summarizer';

/**
 * Our team's rule: an answer must quote something a tool returned, word for word (at least 24
 * characters of one line of output), so a reviewer can find the evidence in the trace.
 */
export function quotesToolOutput(minChars = 24): Verifier {
  const name = 'quotes_tool_output';
  return {
    name,
    verify({ answer, trace }) {
      if (!answer) return { name, passed: false, detail: 'no answer' };
      for (const e of trace) {
        if (e.kind !== 'tool_result') continue;
        for (const line of e.output.split('\n')) {
          const text = line.trim();
          if (text.length >= minChars && answer.includes(text.slice(0, minChars))) {
            return { name, passed: true, detail: `quotes ${e.tool}: "${cutText(text, 60)}"` };
          }
        }
      }
      return { name, passed: false, detail: `quotes no line of tool output (${minChars}+ characters)` };
    },
  };
}

export default defineHarnessConfig({
  name: 'mine',
  // A context kept under 2,000 tokens by summarizing older observations.
  memory: summarizingMemory({ maxTokens: 2000 }),
  verifiers: () => [quotesToolOutput()],
  guardrails: {
    // Stricter than any scenario: we never let the agent restart a pod, whatever the grants say.
    approver: async (request) =>
      request.tool === 'restart_pod'
        ? { granted: false, by: 'team-policy', reason: 'restarts go through the on-call runbook' }
        : { granted: true, by: 'team-policy' },
  },
  instructions: 'Quote the log line or event that proves the root cause, word for word.',
});
