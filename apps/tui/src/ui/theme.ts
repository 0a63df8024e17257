import type { Tone } from '../format.js';
import { fitText, safeText, wrapText } from '../safe-text.js';

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

/** Cuts text to a terminal width, by string-width, ending in `…` when cut. */
export function fit(text: string, width: number): string {
  return fitText(text, width);
}

/** Splits text (escaped first) into lines of at most `width` cells, breaking at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  return wrapText(text, width);
}

/**
 * `head` then `text`, wrapped to `width` cells: the first line starts with the head, the lines
 * after it are indented by `indent` cells, and nothing is lost (the head is not put before a line
 * already wrapped to the full width). A head wider than the line gets lines of its own.
 */
export function hangingWrap(head: string, text: string, width: number, indent: number): string[] {
  const pad = ' '.repeat(Math.max(0, Math.min(indent, width - 1)));
  const rest = (para: string) => wrapText(para, Math.max(1, width - pad.length)).map((l) => pad + l);
  const paras = `${safeText(head)}${safeText(text)}`.replaceAll('\t', '  ').split('\n');
  const out: string[] = [];
  paras.forEach((para, i) => {
    if (i > 0) {
      out.push(...rest(para));
      return;
    }
    const [first = ''] = wrapText(para, width);
    out.push(first);
    const more = para.slice(first.length).replace(/^ +/, '');
    if (more) out.push(...rest(more));
  });
  return out;
}
