import { previewText, type TraceEvent } from '@sre-harness/core';

function clip(text: string, max = 140): string {
  // previewText cuts between code points, so an emoji at the cut is never split in half.
  return previewText(text.replace(/\s+/g, ' ').trim(), max);
}

/** The printable line(s) of a trace event worth showing, or undefined. */
export function traceLine(e: TraceEvent): string | undefined {
  switch (e.kind) {
    case 'run_start':
      return `run ${e.runId.slice(0, 8)}: ${e.tools.length} tools, model ${e.model ?? 'unknown'}`;
    case 'tool_call':
      return `step ${e.step} ${e.tool} ${JSON.stringify(e.args)}${e.mutating ? ' (mutating)' : ''}`;
    case 'approval':
      return `  approval ${e.granted ? 'granted' : 'denied'} by ${e.by}`;
    case 'tool_refused':
      return `  refused (${e.reason}): ${clip(e.detail)}`;
    case 'tool_result': {
      const out = e.output.split('\n');
      const shown = out.slice(0, 4).map((l) => `  | ${clip(l)}`);
      if (out.length > 4) shown.push(`  | ... ${out.length - 4} more lines`);
      return shown.join('\n');
    }
    case 'tool_error':
      return `  error (${e.reason}): ${clip(e.error)}`;
    case 'memory_compacted':
      return `  memory: ${e.beforeTokens} -> ${e.afterTokens} tokens, ${e.folded} observations summarized`;
    case 'final':
      return `step ${e.step} answer: ${clip(e.answer, 400)}`;
    case 'verify':
      return `verify ${e.name}: ${e.passed ? 'pass' : 'FAIL'} (${clip(e.detail, 100)})`;
    case 'stop':
      return `stop: ${e.reason} after ${e.steps} steps, verified ${e.verified}`;
    default:
      return undefined;
  }
}
