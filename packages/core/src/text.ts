/**
 * The first `max` UTF-16 code units of `text`, or one fewer when the cut would fall between the two
 * halves of a surrogate pair: the result never ends in a lone high surrogate, so it stays valid
 * UTF-16 (an API that rejects lone surrogates, as the Anthropic Messages API does, accepts it).
 * `max` is in UTF-16 code units, the unit of `String#length`.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const last = text.charCodeAt(max - 1);
  // 0xD800–0xDBFF: a high surrogate whose low half would be cut off.
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
