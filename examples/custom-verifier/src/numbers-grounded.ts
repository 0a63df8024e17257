import type { TraceEvent, Verification, Verifier, VerifyInput } from '@sre-harness/core';

// Numbers with an optional unit, as SRE answers quote them: "3 restarts", "512Mi", "99.5%", "503".
const NUMBER = /\b\d+(?:\.\d+)?(?:%|[KMGT]i?B?|ms|s)?(?=\W|$)/g;

// Traces come from files and other processes: skip anything that is not a well-formed tool result.
function observedText(trace: readonly TraceEvent[]): string {
  const outputs: string[] = [];
  for (const e of trace) {
    if (typeof e === 'object' && e !== null && e.kind === 'tool_result' && typeof e.output === 'string') {
      outputs.push(e.output);
    }
  }
  return outputs.join('\n');
}

/**
 * A verifier: every number the answer quotes must appear in some tool output of the same run, so an
 * answer cannot invent a memory limit or an error rate that nothing showed.
 */
export function numbersGrounded(options: { ignore?: readonly string[] } = {}): Verifier {
  const ignore = new Set(options.ignore ?? []);
  return {
    name: 'numbers_grounded',
    verify(input: VerifyInput): Verification {
      if (input.answer === null) {
        return { name: 'numbers_grounded', passed: false, detail: 'the run produced no answer to check' };
      }
      const seen = observedText(input.trace);
      const quoted = [...new Set(input.answer.match(NUMBER) ?? [])].filter((n) => !ignore.has(n));
      const invented = quoted.filter((n) => !seen.includes(n));
      if (invented.length > 0) {
        return {
          name: 'numbers_grounded',
          passed: false,
          detail: `the answer quotes ${invented.join(', ')}, which no tool output showed`,
        };
      }
      return {
        name: 'numbers_grounded',
        passed: true,
        detail:
          quoted.length === 0
            ? 'the answer quotes no numbers'
            : `all ${quoted.length} quoted number(s) appear in tool output`,
      };
    },
  };
}
