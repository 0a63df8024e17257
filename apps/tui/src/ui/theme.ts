import type { Tone } from '../format.js';
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

/** Cuts text to a terminal width (one cell per character: the UI only prints narrow symbols). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Splits text into lines of at most `width` characters, breaking at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  const w = Math.max(1, width);
  for (const para of text.split('\n')) {
    let rest = para.replace(/\s+$/, '');
    if (rest === '') {
      out.push('');
      continue;
    }
    while (rest.length > w) {
      let cut = rest.lastIndexOf(' ', w);
      if (cut <= 0) cut = w;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    out.push(rest);
  }
  return out;
}
