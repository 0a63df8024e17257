// Every place that cuts text for a person or a model (tool output, log tails, previews, report and
// trace text, terminal cells) cuts it here, so no cut falls between the two halves of a surrogate
// pair. A lone surrogate is not valid UTF-16: APIs that check (the Anthropic Messages API does)
// reject the request, and UTF-8 writers turn it into U+FFFD. Lengths are in UTF-16 code units, the
// unit of `String#length`; each helper reads at most the units it keeps, so all are linear.

/** 0xD800–0xDBFF: the first half of a surrogate pair. */
function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** 0xDC00–0xDFFF: the second half of a surrogate pair. */
function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * The first `max` UTF-16 code units of `text`, or one fewer when the cut would fall between the two
 * halves of a surrogate pair: the result never ends in a lone high surrogate, so it stays valid
 * UTF-16 (an API that rejects lone surrogates, as the Anthropic Messages API does, accepts it).
 * `max` is in UTF-16 code units, the unit of `String#length`.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (!(max > 0)) return '';
  return text.slice(0, isHigh(text.charCodeAt(max - 1)) ? max - 1 : max);
}

/**
 * The last `max` UTF-16 code units of `text`, or one fewer when the cut would fall between the two
 * halves of a surrogate pair: the result never starts with a lone low surrogate. For tails, where
 * the end is what matters (a log's last lines).
 */
export function cutTextEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (!(max > 0)) return '';
  const start = text.length - Math.floor(max);
  return text.slice(isLow(text.charCodeAt(start)) ? start + 1 : start);
}

/**
 * `text.slice(start, end)` with both ends moved inward off a surrogate pair: the start past a low
 * surrogate, the end before a high one. Indexes are clamped to the text as `slice` clamps them
 * (negative ones are not counted from the end); an empty range gives `''`.
 */
export function sliceText(text: string, start: number, end: number = text.length): string {
  let from = Math.max(0, Math.min(Math.trunc(start) || 0, text.length));
  let to = Math.max(0, Math.min(Number.isNaN(end) ? 0 : Math.trunc(end), text.length));
  if (from > 0 && from < text.length && isLow(text.charCodeAt(from))) from++;
  if (to > 0 && to < text.length && isHigh(text.charCodeAt(to - 1))) to--;
  return to > from ? text.slice(from, to) : '';
}

/**
 * `text` when it fits in `max` UTF-16 code units; otherwise its start cut with `cutText` and
 * followed by `ellipsis`, all within `max` (when `max` is shorter than the ellipsis, as much of the
 * ellipsis as fits). For one-line previews of untrusted text: tool output, model answers, errors.
 */
export function previewText(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  if (max <= ellipsis.length) return cutText(ellipsis, max);
  return `${cutText(text, max - ellipsis.length)}${ellipsis}`;
}
