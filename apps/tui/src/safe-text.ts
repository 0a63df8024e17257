import stringWidth from 'string-width';

// Text from tools, models and scenario files reaches the terminal only through `safeText`: a raw
// ESC would let a tool's output start a sequence the terminal obeys (OSC 52 writes the clipboard,
// CSI moves the cursor and can paint over the approval prompt, DCS talks to the terminal itself).
// Each control character is replaced by a visible stand-in, so the rest of a sequence is left as
// plain, harmless text that a person can read. One pass over the code units, no regular expression.

/** The visible stand-in of one code unit, or undefined when it may be printed as it is. */
function standIn(c: number, keepLayout: boolean): string | undefined {
  if (c < 0x20) {
    if (keepLayout && (c === 0x0a || c === 0x09)) return undefined;
    // Unicode's Control Pictures: ␀ … ␟, one cell each (ESC shows as ␛, BEL as ␇).
    return String.fromCharCode(0x2400 + c);
  }
  if (c < 0x7f) return undefined;
  if (c === 0x7f) return '␡';
  // C1 controls (0x9b is a one-byte CSI) have no pictures; show their code.
  if (c <= 0x9f) return `\\u${c.toString(16).padStart(4, '0')}`;
  // Bidirectional overrides and isolates reorder what is shown ("Trojan Source"); show them too.
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return `\\u${c.toString(16)}`;
  return undefined;
}

function escapeControls(text: string, keepLayout: boolean): string {
  let parts: string[] | undefined;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Printable ASCII is by far the most common; skip it without a call.
    if (c >= 0x20 && c < 0x7f) continue;
    const s = standIn(c, keepLayout);
    if (s === undefined) continue;
    parts ??= [];
    parts.push(text.slice(from, i), s);
    from = i + 1;
  }
  if (!parts) return text;
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * Untrusted text made safe to print: every C0 control but newline and tab, DEL, every C1 control
 * and the bidirectional overrides become visible stand-ins (`\x1b` → `␛`), so no escape sequence
 * (CSI, OSC, DCS…) reaches the terminal. Idempotent; linear in the length of the text.
 */
export function safeText(text: string): string {
  return escapeControls(text, true);
}

/** `safeText` for one display line: newline and tab are shown as `␊` and `␉` too. */
export function safeLine(text: string): string {
  return escapeControls(text, false);
}

/** The index of the first code unit `safeText` would replace (newline and tab too), or -1. */
export function firstUnsafe(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (standIn(text.charCodeAt(i), false) !== undefined) return i;
  }
  return -1;
}

/** True when every code unit is printable ASCII, which is one terminal cell each. */
function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/** Terminal cells the text takes (after `safeText`), by string-width, as Ink measures it. */
export function textWidth(text: string): number {
  return isPlainAscii(text) ? text.length : stringWidth(text);
}

// What a person sees as one character (an emoji with its variation selector, a family joined by
// ZWJ, a flag, a letter with its accents) is one grapheme cluster: measured whole, never split.
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cells of one grapheme cluster: string-width's answer, and never less than zero. */
function clusterWidth(cluster: string): number {
  const c = cluster.charCodeAt(0);
  if (cluster.length === 1 && c >= 0x20 && c < 0x7f) return 1;
  return Math.max(0, stringWidth(cluster));
}

/**
 * The text as grapheme clusters: where each starts and how many cells it takes. Summing the cells
 * gives string-width's width of the whole text, which is what Ink lays out by.
 */
function clusters(text: string): { starts: number[]; cells: number[] } {
  const starts: number[] = [];
  const cells: number[] = [];
  if (isPlainAscii(text)) {
    for (let i = 0; i < text.length; i++) {
      starts.push(i);
      cells.push(1);
    }
    return { starts, cells };
  }
  for (const { segment, index } of graphemes.segment(text)) {
    starts.push(index);
    cells.push(clusterWidth(segment));
  }
  return { starts, cells };
}

/**
 * Splits text into lines of at most `width` terminal cells, breaking after a space where it can
 * and between grapheme clusters elsewhere (never inside an emoji, a surrogate pair or a letter and
 * its accents). Text is escaped first, so every cell counted is a cell shown. A cluster wider than
 * `width` gets a line of its own. Linear in the length of the text.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const para of safeText(text).replaceAll('\t', '  ').split('\n')) {
    let end = para.length;
    while (end > 0 && para.charCodeAt(end - 1) === 0x20) end--;
    if (end === 0) {
      out.push('');
      continue;
    }
    const { starts, cells: widths } = clusters(para.slice(0, end));
    starts.push(end);
    let lineStart = 0;
    let cells = 0;
    // The cluster just after the last space of the current line, and the cells up to there.
    let breakAt = -1;
    let cellsAtBreak = 0;
    // A break only where the line already holds a word, so indentation is never a line of its own.
    let word = false;
    let k = 0;
    const count = widths.length;
    while (k < count) {
      const cw = widths[k]!;
      if (cells + cw > w && k > lineStart) {
        if (breakAt > lineStart) {
          out.push(para.slice(starts[lineStart], starts[breakAt - 1]));
          lineStart = breakAt;
          cells -= cellsAtBreak;
        } else {
          out.push(para.slice(starts[lineStart], starts[k]));
          lineStart = k;
          cells = 0;
        }
        breakAt = -1;
        word = cells > 0;
        continue;
      }
      cells += cw;
      const isSpace = para.charCodeAt(starts[k]!) === 0x20 && starts[k + 1]! - starts[k]! === 1;
      k++;
      if (!isSpace) word = true;
      else if (word) {
        breakAt = k;
        cellsAtBreak = cells;
      }
    }
    out.push(para.slice(starts[lineStart], end));
  }
  return out;
}

/**
 * Cuts a line to `width` terminal cells between grapheme clusters; with `ellipsis` (the default)
 * a cut line ends in `…`, which takes the last cell.
 */
export function cutCells(text: string, width: number, ellipsis = true): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  const room = ellipsis ? width - 1 : width;
  const { starts, cells } = clusters(text);
  let used = 0;
  let k = 0;
  while (k < cells.length && used + cells[k]! <= room) {
    used += cells[k]!;
    k++;
  }
  const kept = text.slice(0, k < starts.length ? starts[k] : text.length);
  return ellipsis ? `${kept}…` : kept;
}

/** Cuts a line to `width` terminal cells, ending in `…` when anything was cut. */
export function fitText(text: string, width: number): string {
  return cutCells(text, width, true);
}

/**
 * A table cell: cut to `width` cells (with `…` when cut), then padded with spaces to exactly
 * `width` cells, on the right or (`align: 'right'`) on the left. `padEnd` counts code units, so a
 * CJK or emoji cell would push every column after it out of line.
 */
export function padCells(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = cutCells(text, width);
  const gap = ' '.repeat(Math.max(0, width - textWidth(cut)));
  return align === 'left' ? cut + gap : gap + cut;
}
