import type { Tone } from '../format.js';
import { fitText, wrapText } from '../safe-text.js';
import type { RowState, RunStatus } from '../state.js';

/** Ink colour names per tone of trace line: refusals in red, approvals in magenta, and so on. */
export const toneColor: Record<Tone, string | undefined> = {
  tool: 'cyan',
  result: undefined,
  refusal: 'red',
  error: 'red',
  approval: 'magenta',
  'verify-pass': 'green',
  'verify-fail': 'red',
  decision: 'blue',
  final: 'greenBright',
  stop: 'yellow',
  info: 'gray',
};

/** Colour and mark of an eval row's state. */
export const rowStyle: Record<RowState, { color: string; mark: string; label: string }> = {
  queued: { color: 'gray', mark: '·', label: 'queued' },
  running: { color: 'yellow', mark: '▸', label: 'running' },
  passed: { color: 'green', mark: '✓', label: 'passed' },
  failed: { color: 'red', mark: '✗', label: 'failed' },
  refused: { color: 'magenta', mark: '⊘', label: 'refused mutation' },
};

/** Colour and mark of a traced run's status. */
export function statusStyle(
  status: RunStatus,
  verified: boolean | undefined,
): { color: string; mark: string } {
  if (status === 'running') return { color: 'yellow', mark: '▸' };
  if (status === 'completed')
    return verified === false ? { color: 'red', mark: '✗' } : { color: 'green', mark: '✓' };
  return { color: 'red', mark: '✗' };
}

/** Cuts text to a terminal width, by string-width, ending in `…` when cut. */
export function fit(text: string, width: number): string {
  return fitText(text, width);
}

/** Splits text (escaped first) into lines of at most `width` cells, breaking at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  return wrapText(text, width);
}
