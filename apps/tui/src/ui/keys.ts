import type { Key } from 'ink';

/** Everything a key can ask the UI to do. */
export type KeyCommand =
  | 'quit'
  | 'help'
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'top'
  | 'bottom'
  | 'open'
  | 'back'
  | 'tab'
  | 'approve'
  | 'deny';

/** The help footer: key and what it does, in display order. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['j/k ↑/↓', 'move'],
  ['enter', 'open'],
  ['esc', 'back'],
  ['tab', 'events/result'],
  ['g/G', 'top/end'],
  ['a/d', 'approve/deny'],
  ['?', 'help'],
  ['q', 'quit'],
];

const NO_KEY = {} as Key;

/**
 * Maps what arrived from the terminal to commands. Keys typed quickly (or sent by tmux) can
 * arrive in one chunk such as "jj\r"; each character of such a chunk counts.
 */
export function commandsFor(input: string, key: Key): KeyCommand[] {
  const single = commandFor(input, key);
  if (single || input.length <= 1 || key.ctrl || key.meta) return single ? [single] : [];
  const out: KeyCommand[] = [];
  for (const ch of input) {
    const c = ch === '\r' || ch === '\n' ? 'open' : ch === '\t' ? 'tab' : commandFor(ch, NO_KEY);
    if (c) out.push(c);
  }
  return out;
}

/** Maps one keypress to a command; the only place keys are bound. */
export function commandFor(input: string, key: Key): KeyCommand | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp || (key.ctrl && input === 'u')) return 'page-up';
  if (key.pageDown || (key.ctrl && input === 'd')) return 'page-down';
  if (key.return) return 'open';
  if (key.escape || key.backspace || key.delete || key.leftArrow) return 'back';
  if (key.tab) return 'tab';
  if (key.ctrl || key.meta) return undefined;
  switch (input) {
    case 'q':
      return 'quit';
    case '?':
      return 'help';
    case 'j':
      return 'down';
    case 'k':
      return 'up';
    case 'g':
      return 'top';
    case 'G':
      return 'bottom';
    case 'l':
      return 'open';
    case 'h':
      return 'back';
    case 'a':
      return 'approve';
    case 'd':
      return 'deny';
    default:
      return undefined;
  }
}
